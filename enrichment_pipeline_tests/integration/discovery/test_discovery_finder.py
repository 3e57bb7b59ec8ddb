"""The finder chain end to end on the loopback web: caches, fall-through, failures, reasons."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from enrichment_pipeline.core.discovery import (
    MatchCache,
    MatchConfig,
    MatchInput,
    SearchProvider,
    WebsiteMatch,
    find_websites,
    providers_from_settings,
)
from enrichment_pipeline.core.discovery.domains import host_of, site_key
from enrichment_pipeline.core.web import Fetcher, PageCache
from enrichment_pipeline_tests.fixtures.search import BRAVE_HOST, GOOGLE_HOST, SEARXNG_HOST
from enrichment_pipeline_tests.fixtures.web.plugin import fetch_config_for
from enrichment_pipeline_tests.integration.discovery.conftest import SLOW_HOST, DiscoveryWeb

API_HOSTS = (SEARXNG_HOST, BRAVE_HOST, GOOGLE_HOST)
CONFIG = MatchConfig(render_contact="never")  # the browser path is covered by the eval


def providers(dweb: DiscoveryWeb) -> list[SearchProvider]:
    return providers_from_settings(**dweb.apis.settings(), brave_min_interval_s=0.0)


def find(
    dweb: DiscoveryWeb,
    records: list[MatchInput],
    *,
    cache_dir: Path | None = None,
    config: MatchConfig = CONFIG,
    search: list[SearchProvider] | None = None,
    progress: list[int] | None = None,
    **fetch: object,
) -> list[WebsiteMatch]:
    async def go() -> list[WebsiteMatch]:
        pages = PageCache(cache_dir / "cache.sqlite3") if cache_dir else None
        matches = MatchCache(cache_dir / "cache.sqlite3") if cache_dir else None
        try:
            async with Fetcher(fetch_config_for(dweb.web, **fetch), pages) as fetcher:
                return await find_websites(
                    records,
                    fetcher=fetcher,
                    config=config,
                    providers=providers(dweb) if search is None else search,
                    cache=matches,
                    progress=None if progress is None else progress.append,
                )
        finally:
            if matches is not None:
                matches.close()
            if pages is not None:
                pages.close()

    return asyncio.run(go())


def key_of(match: WebsiteMatch) -> str | None:
    return site_key(host_of(match.website)) if match.website else None


def pick(dweb: DiscoveryWeb, *scenarios: str, per: int = 2) -> list[tuple[int, MatchInput]]:
    """The first cases of each scenario whose site needs no browser (see CONFIG)."""
    chosen = []
    for scenario in scenarios:
        static = [
            (i, r)
            for i, r in dweb.cases(scenario)
            if dweb.world.cases[i].business.style != "jsrendered"
        ]
        chosen += static[:per]
    return chosen


def test_a_second_upload_is_answered_from_caches_without_any_request(
    dweb: DiscoveryWeb, tmp_path: Path
) -> None:
    chosen = pick(dweb, "csv_ok", "search_only", "twin_other_state", "no_website", per=3)
    records = [r for _, r in chosen]
    first = find(dweb, records, cache_dir=tmp_path)
    for (index, _), match in zip(chosen, first, strict=True):
        assert key_of(match) == dweb.world.cases[index].expected, match
    dweb.web.clear_log()
    api_calls = len(dweb.world.index.queries)
    again = [replace(r, record_id=r.record_id + 1000) for r in records]
    second = find(dweb, again, cache_dir=tmp_path)
    assert dweb.web.log == []  # not one page, robots.txt or API request
    assert len(dweb.world.index.queries) == api_calls
    assert all(m.cached for m in second)
    assert [m.record_id for m in second] == [r.record_id for r in again]
    strip = ("record_id", "cached")
    assert [{k: v for k, v in m.to_dict().items() if k not in strip} for m in second] == [
        {k: v for k, v in m.to_dict().items() if k not in strip} for m in first
    ]


def test_the_verified_homepage_is_free_for_the_scraping_stage(
    dweb: DiscoveryWeb, tmp_path: Path
) -> None:
    records = [r for _, r in pick(dweb, "csv_ok", "csv_www", "search_only", per=3)]
    matches = find(dweb, records, cache_dir=tmp_path)
    websites = [m.website for m in matches if m.website]
    assert len(websites) == len(records)

    async def scrape_homepages() -> tuple[list[bool], int]:
        with PageCache(tmp_path / "cache.sqlite3") as pages:
            async with Fetcher(fetch_config_for(dweb.web), pages) as fetcher:
                results = [await fetcher.fetch(url, render="auto") for url in websites]
                return [r.from_cache for r in results], fetcher.stats.network_requests

    from_cache, network = asyncio.run(scrape_homepages())
    assert all(from_cache) and network == 0


def test_duplicates_are_searched_once_and_progress_counts_records(dweb: DiscoveryWeb) -> None:
    (_, record), (_, other) = pick(dweb, "search_only", per=2)
    records = [record, replace(record, record_id=900), other, replace(record, record_id=901)]
    progress: list[int] = []
    before = len(dweb.world.index.queries)
    find(dweb, [record, other])
    distinct_queries = len(dweb.world.index.queries) - before
    before = len(dweb.world.index.queries)
    matches = find(dweb, records, progress=progress)
    assert [m.record_id for m in matches] == [r.record_id for r in records]
    assert matches[0].website == matches[1].website == matches[3].website is not None
    assert progress == sorted(progress) and progress[-1] == len(records)
    # The repeated business is searched once: the same API calls as for the two alone.
    assert len(dweb.world.index.queries) - before == distinct_queries


def test_a_provider_outage_falls_through_to_the_next_provider(dweb: DiscoveryWeb) -> None:
    index, record = pick(dweb, "search_only", per=1)[0]  # indexed by every provider
    dweb.apis.searxng.fail_next(50, 503)
    (match,) = find(dweb, [record], retries=0)
    assert match.status == "matched" and key_of(match) == dweb.world.cases[index].expected
    assert match.source == "brave"
    found_by = next(e for e in match.evidence if e["kind"] == "found_by")
    assert found_by["rank"] >= 1 and "query" in found_by


def test_failed_search_without_another_way_is_an_error_and_not_cached(
    dweb: DiscoveryWeb, tmp_path: Path
) -> None:
    _, record = dweb.cases("no_website")[-1]
    for api in (dweb.apis.searxng, dweb.apis.brave, dweb.apis.google):
        api.fail_next(100, 503)
    (match,) = find(dweb, [record], cache_dir=tmp_path, retries=0)
    assert match.status == "error"
    assert "searxng: HTTP 503" in (match.error or "") and "google: HTTP 503" in (match.error or "")
    with MatchCache(tmp_path / "cache.sqlite3") as cache:
        assert cache.lookup([record], CONFIG) == {}


def test_a_csv_website_that_times_out_is_an_error(dweb: DiscoveryWeb) -> None:
    _, base = dweb.cases("no_website")[-1]
    record = replace(base, website=f"https://{SLOW_HOST}/")
    (match,) = find(dweb, [record], search=[], page_timeout_s=0.5, retries=0)
    assert match.status == "error"
    assert "timeout" in (match.error or "")
    assert match.review_candidate == f"https://{SLOW_HOST}/"


def test_the_files_website_says_why_it_was_rejected(dweb: DiscoveryWeb) -> None:
    chosen = pick(dweb, "csv_dead_none", "csv_parked_none", "csv_parked_found", per=1)
    dead, parked, parked_found = find(dweb, [r for _, r in chosen])
    assert dead.status == "not_found" and "dns" in (dead.review_reason or "")
    assert parked.status in ("not_found", "ambiguous")
    assert "parked" in (parked.error or "")
    assert parked_found.status == "matched" and parked_found.source != "csv"
    rejected_csv = [
        e for e in parked_found.evidence if e["kind"] == "candidate" and e["source"] == "csv"
    ]
    assert rejected_csv and "parked" in rejected_csv[0]["outcome"]


def test_a_www_form_in_the_file_gives_the_canonical_homepage(dweb: DiscoveryWeb) -> None:
    chosen = pick(dweb, "csv_www", per=10)
    matches = find(dweb, [r for _, r in chosen], search=[])
    for (index, record), match in zip(chosen, matches, strict=True):
        business = dweb.world.cases[index].business
        assert record.website != business.website  # the file had the other form
        assert match.website == business.website and match.source == "csv"


class _BrokenProvider(SearchProvider):
    """A third-party provider with a bug for one business."""

    name = "broken"

    def __init__(self, bad_name: str) -> None:
        super().__init__()
        self.bad_name = bad_name

    def request(self, query: str, count: int) -> tuple[str, dict[str, str], dict[str, str]]:
        if self.bad_name in query:
            raise RuntimeError("provider bug")
        return f"http://{SEARXNG_HOST}/search", {"q": query, "format": "json"}, {}

    def parse(self, data: object) -> list:
        return []


def test_an_unexpected_failure_costs_one_record_only(dweb: DiscoveryWeb) -> None:
    (_, good), (_, bad) = pick(dweb, "csv_ok", "no_website", per=1)
    matches = find(dweb, [good, bad], search=[_BrokenProvider(bad.name)])
    assert matches[0].status == "matched"
    assert matches[1].status == "error" and "RuntimeError: provider bug" in (matches[1].error or "")
