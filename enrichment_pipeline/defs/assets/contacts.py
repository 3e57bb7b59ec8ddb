"""Stage 3: scrape contact data from each matched website."""

import asyncio
import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import dagster as dg
import pandas as pd

from enrichment_pipeline.core.extract import scrape_site
from enrichment_pipeline.core.extract.memo import ExtractionMemo
from enrichment_pipeline.core.extract.site_memo import SiteMemo
from enrichment_pipeline.core.extract.workers import ExtractionPool
from enrichment_pipeline.core.tables import SCRAPED_CONTACTS
from enrichment_pipeline.core.web import Fetcher, PageCache
from enrichment_pipeline.defs.assets.common import (
    NETWORK_RETRY,
    FreshnessConfig,
    frame_from,
    naive_utc,
    progress_logger,
    to_json,
)
from enrichment_pipeline.defs.metadata import Timer, counts_table, preview, rate
from enrichment_pipeline.defs.partitions import uploads_partitions
from enrichment_pipeline.defs.resources import PipelineSettings, WebResource
from enrichment_pipeline.defs.schemas import column_schema
from enrichment_pipeline.stage_reuse import REUSABLE_UNTIL, reusable_until

JSON_COLUMNS = ("emails", "phones", "socials", "people", "facts", "pages", "sources")


class ContactsConfig(FreshnessConfig):
    max_pages: int = 6  # pages per site besides the homepage
    # Processes that parse pages while this one fetches: None = one per core, 0 = none.
    # Batches under 200 sites are parsed in this process (a pool's start-up would not pay).
    extract_workers: int | None = None


def _row(
    record_id: int,
    company_key: str,
    contacts: dict[str, Any] | None,
    website: str | None,
    status: str | None = None,
    error: str | None = None,
) -> dict[str, Any]:
    now = naive_utc(datetime.now(UTC))
    if contacts is None:
        row: dict[str, Any] = {c: None for c in SCRAPED_CONTACTS.column_names}
        row.update(
            record_id=record_id,
            company_key=company_key,
            website=website,
            status=status,
            error=error,
            pages_fetched=0,
            pages_from_cache=0,
            scraped_at=now,
        )
        for column in JSON_COLUMNS:
            row[column] = to_json({} if column in ("socials", "sources") else [])
        return row
    pages = contacts.get("pages") or []
    row = {k: contacts.get(k) for k in SCRAPED_CONTACTS.column_names if k in contacts}
    for column in JSON_COLUMNS:
        row[column] = to_json(
            contacts.get(column) or ({} if column in ("socials", "sources") else [])
        )
    row.update(
        record_id=record_id,
        company_key=company_key,
        website=website,
        pages_fetched=sum(1 for p in pages if not p.get("from_cache")),
        pages_from_cache=sum(1 for p in pages if p.get("from_cache")),
        scraped_at=now,
    )
    return row


@dg.asset(
    partitions_def=uploads_partitions,
    group_name="enrichment",
    kinds={"python", "duckdb"},
    retry_policy=NETWORK_RETRY,
    metadata={"partition_expr": "upload_id", **column_schema("scraped_contacts")},
    tags={"stage": "contacts"},
)
def scraped_contacts(
    context: dg.AssetExecutionContext,
    config: ContactsConfig,
    settings: PipelineSettings,
    web: WebResource,
    website_matches: pd.DataFrame,
) -> dg.Output[pd.DataFrame]:
    """Emails, phone numbers, social profiles and decision makers from each business's website.

    For every business with a verified website, the homepage and up to six contact, about and
    staff pages are read. The site's robots.txt is obeyed (a site that asks crawlers to stay
    away is marked `blocked` and not read), requests are spaced out per site, and pages built by
    JavaScript are opened in a headless browser. Every value keeps the page and time it came
    from (`sources`), so you can always show where an address was found. Businesses without a
    website get a `no_website` row.
    """
    timer = Timer()
    paths = settings.paths()
    matched = website_matches[website_matches["status"] == "matched"]
    progress = progress_logger(context, "scraped_contacts", len(matched))

    # Whole sites whose pages are all the same cached copies as last time are reused as well.
    site_memo = SiteMemo(
        paths.cache_db, settings=f"data_endpoints={web.fetch_config().read_data_endpoints}"
    )

    async def run() -> tuple[list[dict[str, Any]], Any, int]:
        gate = asyncio.Semaphore(web.record_concurrency)
        done = 0
        # Extractions of cached pages are reused: an unchanged rerun parses nothing again.
        memo = ExtractionMemo(paths.cache_db)
        fetch_config = web.fetch_config()
        fetch_config = fetch_config.replace(cache_ttl_s=config.ttl_s(fetch_config.cache_ttl_s))
        pool = ExtractionPool.for_batch(len(matched), config.extract_workers)
        async with Fetcher(fetch_config, PageCache(paths.cache_db)) as fetcher:

            async def one(record: dict[str, Any]) -> dict[str, Any]:
                nonlocal done
                async with gate:
                    try:
                        site = await scrape_site(
                            fetcher,
                            record["website"],
                            max_pages=config.max_pages,
                            region=settings.region,
                            memo=memo,
                            site_memo=site_memo,
                            pool=pool,
                        )
                        row = _row(
                            int(record["record_id"]),
                            record["company_key"],
                            site.to_dict(),
                            record["website"],
                        )
                    except Exception as exc:  # one bad site never crashes the stage
                        row = _row(
                            int(record["record_id"]),
                            record["company_key"],
                            None,
                            record["website"],
                            "error",
                            f"{type(exc).__name__}: {exc}",
                        )
                done += 1
                progress(done)
                return row

            try:
                rows = await asyncio.gather(*(one(r) for r in matched.to_dict("records")))
            finally:
                memo.close()
                site_memo.close()
                if pool is not None:
                    pool.close()
                    if pool.broken:
                        context.log.warning(
                            f"page parsing workers stopped ({pool.broken}); "
                            "the rest was parsed in the run process"
                        )
            workers = pool.workers if pool is not None else 0
            return list(rows), fetcher.stats, workers

    scraped, stats, workers = asyncio.run(run())
    ttl_s = config.ttl_s(web.fetch_config().cache_ttl_s)
    unmatched = [
        _row(int(r["record_id"]), r["company_key"], None, None, "no_website", r["error"])
        for r in website_matches[website_matches["status"] != "matched"].to_dict("records")
    ]
    frame = frame_from(
        [*scraped, *unmatched], [c for c in SCRAPED_CONTACTS.column_names if c != "upload_id"]
    )
    frame = frame.sort_values("record_id", kind="stable").reset_index(drop=True)
    statuses = Counter(frame["status"])
    with_email = int(frame["primary_email"].notna().sum())
    with_owner = int(frame["owner_name"].notna().sum())
    with_phone = sum(1 for p in frame["phones"] if json.loads(p))
    return dg.Output(
        frame,
        metadata={
            "dagster/row_count": len(frame),
            "sites_scraped": len(matched),
            "with_email": with_email,
            "emails_found_rate": rate(with_email, len(matched)),
            "with_phone_rate": rate(with_phone, len(matched)),
            "with_owner_rate": rate(with_owner, len(matched)),
            "by_status": counts_table(sorted(statuses.items()), ("status", "businesses")),
            "pages_fetched": stats.network_requests,
            "pages_from_cache": stats.cache_hits + site_memo.pages_reused,
            "sites_reused": site_memo.hits,
            "extract_workers": workers,
            "pages_rendered": stats.rendered_pages,
            "pages_filled_from_data": stats.data_endpoint_pages,
            "fetch_errors": counts_table(sorted(stats.errors.items()), ("error", "pages")),
            "preview": preview(
                frame,
                ["record_id", "status", "primary_email", "owner_name", "owner_title", "website"],
            ),
            REUSABLE_UNTIL: reusable_until(ttl_s, problems=statuses.get("error", 0)),
            "duration_s": timer.seconds,
        },
    )
