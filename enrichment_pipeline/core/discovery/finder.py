"""The finder chain, per record: the CSV's website column, verified."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from enrichment_pipeline.core.discovery.models import MatchConfig, MatchInput, WebsiteMatch
from enrichment_pipeline.core.discovery.verify import score_page
from enrichment_pipeline.core.web import Fetcher

# A website the user gave us is itself weak evidence.
CSV_PRIOR = 0.3


async def _match_one(record: MatchInput, fetcher: Fetcher, config: MatchConfig) -> WebsiteMatch:
    if not record.website:
        return WebsiteMatch(
            record.record_id, record.company_key, "not_found", error="no website in the file"
        )
    page = await fetcher.fetch(record.website)
    if not page.ok:
        return WebsiteMatch(
            record.record_id,
            record.company_key,
            "not_found",
            candidates_tried=1,
            error=f"website from the file did not load: {page.error_kind}: {page.error}",
            review_candidate=record.website,
            review_reason=page.error_kind,
        )
    score, evidence = score_page(record, page.text)
    confidence = min(1.0, score + CSV_PRIOR)
    evidence.insert(0, {"kind": "source", "value": "csv"})
    if confidence >= config.accept_threshold:
        return WebsiteMatch(
            record.record_id,
            record.company_key,
            "matched",
            website=page.final_url,
            confidence=round(confidence, 3),
            source="csv",
            evidence=evidence,
            candidates_tried=1,
        )
    return WebsiteMatch(
        record.record_id,
        record.company_key,
        "not_found",
        confidence=round(confidence, 3),
        evidence=evidence,
        candidates_tried=1,
        error="the website in the file does not show this business's phone, ZIP or name",
        review_candidate=page.final_url,
        review_reason=f"confidence {confidence:.2f} below {config.accept_threshold}",
    )


async def find_websites(
    records: Sequence[MatchInput],
    *,
    fetcher: Fetcher,
    config: MatchConfig | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[WebsiteMatch]:
    """Find and verify the website of every record; results in input order."""
    config = config or MatchConfig()
    gate = asyncio.Semaphore(config.record_concurrency)
    done = 0

    async def run(record: MatchInput) -> WebsiteMatch:
        nonlocal done
        async with gate:
            try:
                match = await _match_one(record, fetcher, config)
            except Exception as exc:  # a bad website yields a status, never a crashed stage
                match = WebsiteMatch(
                    record.record_id,
                    record.company_key,
                    "error",
                    error=f"{type(exc).__name__}: {exc}",
                )
        done += 1
        if progress is not None:
            progress(done)
        return match

    return list(await asyncio.gather(*(run(r) for r in records)))
