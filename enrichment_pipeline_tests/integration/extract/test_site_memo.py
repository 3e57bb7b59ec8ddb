"""The site memo against the loopback fixture web: a rerun reuses whole-site results only while
the page cache holds exactly the copies they were built from."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from enrichment_pipeline.core.extract import SiteContacts, scrape_site
from enrichment_pipeline.core.extract.memo import ExtractionMemo
from enrichment_pipeline.core.extract.site_memo import SiteMemo
from enrichment_pipeline.core.web import Fetcher, PageCache
from enrichment_pipeline_tests.fixtures.web.plugin import (
    SessionWeb,
    fetch_config_for,
    static_websites,
)
from enrichment_pipeline_tests.fixtures.web.styles.base import FixturePage, PageTruth, document


def _scrape(
    web: SessionWeb,
    websites: list[str],
    cache: Path,
    *,
    use_site_memo: bool = True,
    **config: Any,
) -> tuple[list[SiteContacts], int, SiteMemo | None]:
    """(results, network requests, site memo) of one stage-like pass over `websites`."""

    async def run() -> tuple[list[SiteContacts], int, SiteMemo | None]:
        memo = ExtractionMemo(cache)
        site_memo = SiteMemo(cache) if use_site_memo else None
        async with Fetcher(fetch_config_for(web, **config), PageCache(cache)) as fetcher:
            results = await asyncio.gather(
                *(scrape_site(fetcher, w, memo=memo, site_memo=site_memo) for w in websites)
            )
        memo.close()
        if site_memo is not None:
            site_memo.close()
        return list(results), fetcher.stats.network_requests, site_memo

    return asyncio.run(run())


def _comparable(contacts: SiteContacts) -> dict[str, Any]:
    data = contacts.to_dict()
    data["pages"] = [{**p, "from_cache": None} for p in data["pages"]]
    return data


def test_an_unchanged_rerun_reuses_every_site_without_reading_a_page(
    fixture_web: SessionWeb, tmp_path: Path
) -> None:
    websites = static_websites(fixture_web.generated, 12)
    cache = tmp_path / "cache.sqlite3"
    first, fetched, _ = _scrape(fixture_web, websites, cache)
    assert fetched > len(websites) and all(c.status == "ok" for c in first)
    again, fetched_again, site_memo = _scrape(fixture_web, websites, cache)
    assert fetched_again == 0
    assert site_memo is not None and site_memo.hits == len(websites)
    assert site_memo.pages_reused == sum(len(c.pages) for c in first)
    assert [_comparable(c) for c in again] == [_comparable(c) for c in first]
    assert all(page["from_cache"] for c in again for page in c.pages)
    # The same answer the page-by-page path gives from the same cache.
    plain, _, _ = _scrape(fixture_web, websites, cache, use_site_memo=False)
    assert [c.to_dict() for c in plain] == [c.to_dict() for c in again]


def test_a_page_fetched_again_makes_its_site_a_miss(
    fixture_web: SessionWeb, tmp_path: Path
) -> None:
    websites = static_websites(fixture_web.generated, 4)
    cache = tmp_path / "cache.sqlite3"
    first, _, _ = _scrape(fixture_web, websites, cache)
    contact_page = first[1].pages[1]["url"]

    async def refetch() -> None:
        async with Fetcher(fetch_config_for(fixture_web), PageCache(cache)) as fetcher:
            assert (await fetcher.fetch(contact_page, max_age_s=0)).ok

    asyncio.run(refetch())
    again, fetched, site_memo = _scrape(fixture_web, websites, cache)
    assert fetched == 0  # the new copy is in the cache; only the memo entry went stale
    assert site_memo is not None and site_memo.hits == len(websites) - 1
    plain, _, _ = _scrape(fixture_web, websites, cache, use_site_memo=False)
    assert [c.to_dict() for c in again] == [c.to_dict() for c in plain]
    assert again[1].to_dict() != first[1].to_dict()  # built from the new copy (its fetch time)


def test_pages_past_their_age_limit_are_fetched_again(
    fixture_web: SessionWeb, tmp_path: Path
) -> None:
    websites = static_websites(fixture_web.generated, 3)
    cache = tmp_path / "cache.sqlite3"
    _scrape(fixture_web, websites, cache)
    time.sleep(0.3)
    _, fetched, site_memo = _scrape(fixture_web, websites, cache, cache_ttl_s=0.2)
    assert site_memo is not None and site_memo.hits == 0
    assert fetched > len(websites)


def test_a_site_with_a_page_that_did_not_load_is_not_kept(
    fixture_web: SessionWeb, tmp_path: Path
) -> None:
    host = "www.half-down-dealer.com"
    home = document(
        title="Half Down Motors",
        body='<h1>Half Down Motors</h1><p>Call (813) 555-0142.</p><a href="/contact">Contact</a>',
    )
    fixture_web.add_site(
        host,
        {
            "/": FixturePage(home, truth=PageTruth()),
            "/contact": FixturePage("unavailable", "text/html", 503),
        },
    )
    cache = tmp_path / "cache.sqlite3"
    (first,), _, site_memo = _scrape(fixture_web, [f"https://{host}/"], cache, retries=0)
    assert first.status == "error" and "did not load" in (first.error or "")
    (again,), fetched, site_memo = _scrape(
        fixture_web, [f"https://{host}/"], cache, retries=0, transient_since=time.time()
    )
    assert site_memo is not None and site_memo.hits == 0
    assert fetched >= 1  # the failed page is asked for again
    assert again.status == "error"
