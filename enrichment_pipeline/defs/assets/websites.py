"""Stage 2: find and verify each business's official website."""

import asyncio
from collections import Counter

import dagster as dg
import pandas as pd

from enrichment_pipeline.core.discovery import MatchCache, MatchConfig, MatchInput, find_websites
from enrichment_pipeline.core.tables import WEBSITE_MATCHES
from enrichment_pipeline.core.web import Fetcher, PageCache
from enrichment_pipeline.core.web.config import origin_of
from enrichment_pipeline.defs.assets.common import (
    NETWORK_RETRY,
    FreshnessConfig,
    frame_from,
    naive_utc,
    none_if_missing,
    progress_logger,
    to_json,
    unique_records,
)
from enrichment_pipeline.defs.metadata import Timer, counts_table, histogram, preview, rate
from enrichment_pipeline.defs.partitions import uploads_partitions
from enrichment_pipeline.defs.resources import PipelineSettings, SearchResource, WebResource
from enrichment_pipeline.defs.schemas import column_schema
from enrichment_pipeline.stage_reuse import REUSABLE_UNTIL, reusable_until


def _inputs(records: pd.DataFrame) -> list[MatchInput]:
    return [
        MatchInput(
            record_id=int(r["row_number"]),
            company_key=r["company_key"],
            name=r["name"],
            name_normalized=none_if_missing(r["name_normalized"]),
            street=none_if_missing(r["street"]),
            city=none_if_missing(r["city"]),
            state=none_if_missing(r["state"]),
            zip=none_if_missing(r["zip"]),
            phone_e164=none_if_missing(r["phone_e164"]),
            website=none_if_missing(r["website"]),
        )
        for r in records.to_dict("records")
    ]


@dg.asset(
    partitions_def=uploads_partitions,
    group_name="enrichment",
    kinds={"python", "duckdb"},
    retry_policy=NETWORK_RETRY,
    metadata={"partition_expr": "upload_id", **column_schema("website_matches")},
    tags={"stage": "websites"},
)
def website_matches(
    context: dg.AssetExecutionContext,
    config: FreshnessConfig,
    settings: PipelineSettings,
    web: WebResource,
    search: SearchResource,
    validated_records: pd.DataFrame,
) -> dg.Output[pd.DataFrame]:
    """Each business's official website, with a confidence and the evidence behind it.

    Candidates come from the file's website column, search providers and domain guessing; each
    is fetched and verified against the record (phone, address, name). Below the acceptance
    threshold the row says `not_found` or `ambiguous` and names the best rejected candidate for
    human review. One row per business (duplicates in the file are matched once).
    """
    timer = Timer()
    records = _inputs(unique_records(validated_records))
    paths = settings.paths()
    match_config = MatchConfig(
        accept_threshold=search.accept_threshold,
        cache_ttl_s=config.ttl_s(search.match_ttl_days * 86_400),
        record_concurrency=web.record_concurrency,
        region=settings.region,
        use_guessing=search.guess_domains,
    )
    try:
        providers = search.providers()
    except ValueError as err:  # a half-configured provider: say which, do not retry
        raise dg.Failure(description=f"search providers: {err}", allow_retries=False) from err
    fetch_config = web.fetch_config()
    fetch_config = fetch_config.replace(cache_ttl_s=config.ttl_s(fetch_config.cache_ttl_s))
    if search.searxng_url:
        # A self-hosted SearXNG usually lives on a private address the SSRF guard refuses;
        # the operator configured it, so its API (never page fetches) may reach it.
        fetch_config = fetch_config.replace(trusted_origins=(origin_of(search.searxng_url),))
    progress = progress_logger(context, "website_matches", len(records))

    async def run():
        with MatchCache(paths.cache_db, ttl_s=match_config.cache_ttl_s) as cache:
            async with Fetcher(fetch_config, PageCache(paths.cache_db)) as fetcher:
                found = await find_websites(
                    records,
                    fetcher=fetcher,
                    config=match_config,
                    providers=providers,
                    cache=cache,
                    progress=progress,
                )
                return found, fetcher.stats

    matches, stats = asyncio.run(run())
    rows = []
    for m in matches:
        row = m.to_dict()
        row["evidence"] = to_json(m.evidence)
        row["checked_at"] = naive_utc(m.checked_at)
        rows.append(row)
    frame = frame_from(rows, [c for c in WEBSITE_MATCHES.column_names if c != "upload_id"])
    statuses = Counter(m.status for m in matches)
    sources = Counter(m.source for m in matches if m.status == "matched")
    ambiguous = frame[frame["status"] == "ambiguous"]
    review = frame[
        frame["status"].isin(["ambiguous", "not_found"]) & frame["review_candidate"].notna()
    ]
    return dg.Output(
        frame,
        metadata={
            "dagster/row_count": len(frame),
            "businesses": len(matches),
            "matched": statuses.get("matched", 0),
            "match_rate": rate(statuses.get("matched", 0), len(matches)),
            "by_status": counts_table(sorted(statuses.items()), ("status", "businesses")),
            "by_source": counts_table(sorted(sources.items()), ("source", "matches")),
            "confidence_histogram": histogram(
                m.confidence for m in matches if m.status == "matched"
            ),
            "for_review": preview(
                review, ["record_id", "review_candidate", "review_reason", "confidence"]
            ),
            "ambiguous": preview(
                ambiguous, ["record_id", "review_candidate", "review_reason", "confidence"]
            ),
            "from_match_cache": sum(m.cached for m in matches),
            "search_providers": ", ".join(p.name for p in providers) or "none",
            "pages_fetched": stats.network_requests,
            "pages_from_cache": stats.cache_hits,
            "pages_rendered": stats.rendered_pages,
            "pages_filled_from_data": stats.data_endpoint_pages,
            "preview": preview(
                frame, ["record_id", "status", "website", "confidence", "source", "error"]
            ),
            # How long a rerun of the same file may take this table as it is (stage_reuse).
            REUSABLE_UNTIL: reusable_until(
                min(match_config.cache_ttl_s, fetch_config.cache_ttl_s),
                problems=statuses.get("error", 0),
            ),
            "duration_s": timer.seconds,
        },
    )
