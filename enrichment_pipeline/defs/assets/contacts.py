"""Stage 3: scrape contact data from each matched website."""

import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import dagster as dg
import pandas as pd

from enrichment_pipeline.core.extract.batch import scrape_websites
from enrichment_pipeline.core.tables import SCRAPED_CONTACTS
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
    # Processes the sites are split over (by host): None = one per core, 0 or 1 = this one.
    # Batches under 200 sites stay in this process (starting workers would not pay).
    scrape_workers: int | None = None


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

    fetch_config = web.fetch_config()
    ttl_s = config.ttl_s(fetch_config.cache_ttl_s)
    records = matched.to_dict("records")
    # Caches make an unchanged rerun cheap: pages, their extractions and whole sites are reused.
    batch = scrape_websites(
        [r["website"] for r in records],
        fetch_config.replace(cache_ttl_s=ttl_s),
        paths.cache_db,
        max_pages=config.max_pages,
        region=settings.region,
        record_concurrency=web.record_concurrency,
        workers=config.scrape_workers,
        progress=progress,
    )
    for failure in batch.worker_failures:
        context.log.warning(f"a scraping worker stopped ({failure}); its sites were redone here")
    scraped = [
        _row(int(r["record_id"]), r["company_key"], site.to_dict(), r["website"])
        for r, site in zip(records, batch.sites, strict=True)
    ]
    stats = batch.stats
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
            "pages_from_cache": stats.cache_hits + batch.pages_reused,
            "sites_reused": batch.sites_reused,
            "scrape_workers": batch.workers,
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
