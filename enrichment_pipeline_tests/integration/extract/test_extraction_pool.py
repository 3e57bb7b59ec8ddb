"""Page extraction in worker processes: the same answers as in-process, and a dead worker
costs time, never rows."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest

from enrichment_pipeline.core.extract import extract_page, scrape_site
from enrichment_pipeline.core.extract.workers import MIN_SITES_FOR_POOL, ExtractionPool
from enrichment_pipeline.core.web import Fetcher, PageCache
from enrichment_pipeline_tests.fixtures.web import generate_businesses, render_site
from enrichment_pipeline_tests.fixtures.web.plugin import SessionWeb, fetch_config_for


def _pages(count: int) -> list[tuple[str, str]]:
    out = []
    for business in generate_businesses(40, seed=5):
        if not business.has_live_site:
            continue
        for path, page in render_site(business).items():
            if page.truth is not None:
                out.append((f"{business.website}{path.lstrip('/')}", page.body_bytes().decode()))
    return out[:count]


def test_workers_extract_exactly_what_the_process_does() -> None:
    pages = _pages(30)

    async def run(pool: ExtractionPool) -> list[object]:
        return await asyncio.gather(*(pool.extract(html, url, "US") for url, html in pages))

    with ExtractionPool(2) as pool:
        found = asyncio.run(run(pool))
        assert pool.pages_in_workers == len(pages) and pool.pages_inline == 0
    assert found == [extract_page(html, url, region="US") for url, html in pages]


def test_a_killed_worker_makes_the_pool_fall_back_to_this_process() -> None:
    pages = _pages(6)

    async def run(pool: ExtractionPool) -> list[object]:
        first = await pool.extract(pages[0][1], pages[0][0], "US")  # the worker is up
        for pid in list(pool._pool._processes):  # type: ignore[union-attr]
            os.kill(pid, signal.SIGKILL)
        await asyncio.sleep(0.2)
        rest = [await pool.extract(html, url, "US") for url, html in pages[1:]]
        return [first, *rest]

    with ExtractionPool(1) as pool:
        found = asyncio.run(run(pool))
        assert pool.broken and pool.pages_inline == len(pages) - 1
    assert found == [extract_page(html, url, region="US") for url, html in pages]


@pytest.mark.parametrize(
    ("sites", "workers", "expected"),
    [
        (MIN_SITES_FOR_POOL - 1, None, None),
        (MIN_SITES_FOR_POOL, 0, None),
        (MIN_SITES_FOR_POOL, 1, 1),
    ],
)
def test_small_batches_and_zero_workers_parse_in_process(
    sites: int, workers: int | None, expected: int | None
) -> None:
    pool = ExtractionPool.for_batch(sites, workers)
    try:
        assert (pool.workers if pool else None) == expected
    finally:
        if pool is not None:
            pool.close()


def test_scraping_with_workers_gives_the_same_sites(
    fixture_web: SessionWeb, tmp_path: Path
) -> None:
    websites = [
        b.website or ""
        for b in fixture_web.generated
        if b.has_live_site and b.style in ("dealercom", "wordpress", "onepage", "structured")
    ][:8]

    async def run(pool: ExtractionPool | None, cache: Path) -> list[dict[str, object]]:
        async with Fetcher(fetch_config_for(fixture_web), PageCache(cache)) as fetcher:
            sites = await asyncio.gather(*(scrape_site(fetcher, w, pool=pool) for w in websites))
        return [s.to_dict() for s in sites]

    inline = asyncio.run(run(None, tmp_path / "a.sqlite3"))
    with ExtractionPool(2) as pool:
        pooled = asyncio.run(run(pool, tmp_path / "b.sqlite3"))
        assert pool.pages_in_workers >= len(websites)

    def without_times(site: dict[str, object]) -> dict[str, object]:
        return {k: v for k, v in site.items() if k != "sources"}

    assert [without_times(s) for s in pooled] == [without_times(s) for s in inline]
    assert all(s["status"] == "ok" for s in pooled)
