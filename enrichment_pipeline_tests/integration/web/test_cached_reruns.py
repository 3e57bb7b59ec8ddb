"""A second run over the same pages is served from the page cache: zero network requests."""

from __future__ import annotations

import asyncio
from pathlib import Path

from enrichment_pipeline.core.web import Fetcher, FetchResult, PageCache
from enrichment_pipeline_tests.fixtures.web import FixtureWeb, generate_businesses, render_site
from enrichment_pipeline_tests.fixtures.web.plugin import fetch_config_for


def site_urls(web: FixtureWeb) -> list[str]:
    urls = []
    for business in web.businesses.values():
        if not business.has_live_site:
            continue
        for path, page in render_site(business).items():
            if page.truth is not None:
                urls.append(f"{business.website}{path.lstrip('/')}")
        urls.append(f"{business.website}missing-page")  # a 404 is cached too
    return urls


def run_all(
    web: FixtureWeb, cache: PageCache, urls: list[str], **kw: object
) -> tuple[list[FetchResult], Fetcher]:
    async def go() -> tuple[list[FetchResult], Fetcher]:
        async with Fetcher(fetch_config_for(web, host_delay_s=0.0), cache) as fetcher:
            results = await asyncio.gather(*(fetcher.fetch(u, **kw) for u in urls))  # type: ignore[arg-type]
            return list(results), fetcher

    return asyncio.run(go())


def test_second_run_makes_no_network_request(tmp_path: Path) -> None:
    with FixtureWeb() as web:
        web.add_businesses(generate_businesses(12, seed=31))
        urls = site_urls(web)
        cache_path = tmp_path / "cache.sqlite3"
        with PageCache(cache_path) as cache:
            first, fetcher = run_all(web, cache, urls)
        requests_after_first = len(web.log)
        assert fetcher.stats.network_requests == requests_after_first > len(urls)
        assert fetcher.stats.cache_hits == 0

        with PageCache(cache_path) as cache:  # a new process would open the file like this
            second, fetcher = run_all(web, cache, urls)
        assert len(web.log) == requests_after_first  # the server saw nothing new
        assert fetcher.stats.network_requests == 0
        assert fetcher.stats.robots_fetches == 0
        assert fetcher.stats.cache_hits == len(urls)
        for a, b in zip(first, second, strict=True):
            assert b.from_cache and not a.from_cache
            assert (a.url, a.final_url, a.status, a.error_kind, a.text) == (
                b.url,
                b.final_url,
                b.status,
                b.error_kind,
                b.text,
            )
            assert a.fetched_at == b.fetched_at
        assert sum(r.error_kind == "http_4xx" for r in second) > 0

        # max_age_s=0 bypasses the cache for reading (a refresh) but robots come from the cache.
        with PageCache(cache_path) as cache:
            refreshed, fetcher = run_all(web, cache, urls[:3], max_age_s=0)
        assert fetcher.stats.network_requests == 3 and fetcher.stats.robots_fetches == 0
        assert all(not r.from_cache for r in refreshed)
        assert refreshed[0].fetched_at > first[0].fetched_at


def test_the_same_page_under_two_spellings_is_one_cache_entry(tmp_path: Path) -> None:
    with FixtureWeb() as web:
        business = next(b for b in generate_businesses(10, seed=32) if b.has_live_site)
        web.add_business(business)
        host = business.canonical_host
        spellings = [f"https://{host}/", f"HTTPS://{host.upper()}:443/#top", f"https://{host}"]  # type: ignore[union-attr]
        with PageCache(tmp_path / "c.sqlite3") as cache:
            results, fetcher = run_all(web, cache, spellings[:1])
            again, fetcher = run_all(web, cache, spellings[1:])
        assert fetcher.stats.network_requests == 0
        assert [r.url for r in again] == spellings[1:]  # the caller's spelling is kept
        assert {r.final_url for r in results + again} == {f"https://{host}/"}


def test_a_redirected_page_is_also_cached_where_it_landed(tmp_path: Path) -> None:
    # Discovery fetches the website as written (bare host, redirected to www); scraping then
    # asks for the canonical URL it recorded, which must not cost a second request.
    with FixtureWeb() as web:
        business = next(b for b in generate_businesses(20, seed=33) if b.has_live_site and b.www)
        web.add_business(business)
        bare = f"https://{business.domain}/"
        with PageCache(tmp_path / "c.sqlite3") as cache:
            [first], _ = run_all(web, cache, [bare])
            assert first.ok and first.final_url == business.website
            [landed], fetcher = run_all(web, cache, [business.website])
        assert landed.from_cache and fetcher.stats.network_requests == 0
