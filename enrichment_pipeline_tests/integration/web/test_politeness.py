"""Politeness, read from the fixture web's request log: robots first, per-host limits, spacing."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import defaultdict

from enrichment_pipeline.core.web import FetchConfig, Fetcher
from enrichment_pipeline_tests.fixtures.web import FixtureWeb, LogEntry, generate_businesses
from enrichment_pipeline_tests.fixtures.web.site import render_site
from enrichment_pipeline_tests.fixtures.web.styles.base import FixturePage, text_page


def max_overlap(entries: list[LogEntry]) -> int:
    """Most requests in flight at once, from (start, end) intervals."""
    events = sorted([(e.start, 1) for e in entries] + [(e.end, -1) for e in entries])
    current = peak = 0
    for _, step in events:
        current += step
        peak = max(peak, current)
    return peak


def test_robots_first_limits_and_spacing_hold_under_load() -> None:
    businesses = [b for b in generate_businesses(14, seed=99) if b.has_live_site][:8]
    # One site forbids its staff and contact pages to our bot only.
    forbidden = businesses[0]
    pages = dict(render_site(forbidden))
    forbidden_paths = [p for p in pages if p not in ("/", "/robots.txt")][:2]
    pages["/robots.txt"] = text_page(
        "User-agent: *\nAllow: /\n\nUser-agent: EnrichmentPipelineBot\n"
        + "".join(f"Disallow: {p}\n" for p in forbidden_paths)
    )
    with FixtureWeb(latency_s=0.08) as web:
        web.add_businesses(businesses[1:])
        web.add_site(forbidden.canonical_host or "", pages)
        config = FetchConfig(
            host_map=web.host_map, concurrency=4, per_host=2, host_delay_s=0.4, retries=0
        )
        urls = []
        for business in businesses:
            site = render_site(business) if business is not forbidden else pages
            urls += [
                f"{business.website.rstrip('/')}{path}"  # type: ignore[union-attr]
                for path, page in site.items()
                if isinstance(page, FixturePage) and page.truth is not None
            ]

        async def run() -> list[object]:
            async with Fetcher(config) as fetcher:
                return await asyncio.gather(*(fetcher.fetch(u) for u in urls))

        results = asyncio.run(run())
        log = list(web.log)

    assert len(results) == len(urls) > 30
    by_host: dict[str, list[LogEntry]] = defaultdict(list)
    for entry in log:
        by_host[entry.host].append(entry)
    assert set(by_host) == {b.canonical_host for b in businesses}
    for host, entries in by_host.items():
        entries.sort(key=lambda e: e.start)
        assert entries[0].path == "/robots.txt", host
        assert sum(e.path == "/robots.txt" for e in entries) == 1
        assert max_overlap(entries) <= 2, host
        gaps = [b.start - a.start for a, b in itertools.pairwise(entries)]
        # Measured where the server sees them, so allow some scheduling jitter (0.1 s).
        assert min(gaps) >= 0.30, (host, min(gaps))
        assert all(e.user_agent.startswith("EnrichmentPipelineBot/") for e in entries)
    assert max_overlap(log) <= 4
    fetched = {e.path for e in by_host[forbidden.canonical_host or ""]}
    assert not fetched & set(forbidden_paths)
    blocked = [r for r in results if getattr(r, "error_kind", None) == "robots"]
    assert len(blocked) == len(forbidden_paths)


def test_waiting_for_a_host_delay_does_not_hold_a_global_slot() -> None:
    """With one global slot, a host's long spacing must not stall requests to other hosts."""
    slow_host, others = "busy.example", [f"quick{i}.example" for i in range(3)]
    site = {
        "/robots.txt": text_page("User-agent: *\nAllow: /\n"),
        **{f"/p{i}": FixturePage(f"<html><body>page {i}</body></html>") for i in range(5)},
    }
    with FixtureWeb() as web:
        for host in (slow_host, *others):
            web.add_site(host, site)
        config = FetchConfig(host_map=web.host_map, concurrency=1, host_delay_s=0.5)

        async def run() -> tuple[float, dict[str, float]]:
            async with Fetcher(config) as fetcher:
                started = time.monotonic()
                done: dict[str, float] = {}

                async def one(url: str, key: str) -> None:
                    result = await fetcher.fetch(url)
                    assert result.ok, result.error
                    done[key] = time.monotonic() - started

                busy = [one(f"https://{slow_host}/p{i}", f"busy{i}") for i in range(4)]
                quick = [one(f"https://{h}/p0", h) for h in others]
                await asyncio.gather(*busy, *quick)
                return time.monotonic() - started, done

        total, done = asyncio.run(run())
    # The busy host needs robots + 4 pages, 0.5 s apart: >= 2 s.
    assert total >= 1.95
    # Each quick host needs robots + 1 page (0.5 s apart) and must not queue behind the busy one.
    for host in others:
        assert done[host] < 1.4, (host, done[host])
