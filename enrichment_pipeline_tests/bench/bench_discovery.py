"""Website discovery benchmark: what verifying each business's website costs, against references
measured in the same run on the same pages.

    python -m enrichment_pipeline_tests.bench.bench_discovery --businesses 2000 [--seed 1]

The fixture web runs as its own process (so its CPU is not ours). For N generated businesses
(the usual upload: most rows carry a website), it measures:
1. fetch-only: the `Fetcher` fetching every business's homepage (robots.txt included), nothing
   else - the least any verification must do - without and with the page cache (the stage
   always runs with one; the reference for the ratios is the run with it);
2. discovery: `find_websites` over the same records with a fresh page cache and match cache
   (no search providers; contact pages are read when the homepage is not convincing, not
   rendered: the browser's cost is the web layer's and shared with the scraping stage);
3. discovery again on the same caches (a re-uploaded file: every answer from the match cache);
4. per-page parse cost on the fetched homepages: a bare Lexbor parse + text (the floor),
   `read_page`, `read_page` + `assess`, and extruct's JSON-LD extractor (why it is not used).
It prints wall time, process CPU per record and the ratios between them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from selectolax.lexbor import LexborHTMLParser

from enrichment_pipeline.core.discovery import MatchCache, MatchConfig, MatchInput, find_websites
from enrichment_pipeline.core.discovery.domains import host_of, site_key
from enrichment_pipeline.core.discovery.identity import RecordProfile
from enrichment_pipeline.core.discovery.page_facts import read_page
from enrichment_pipeline.core.discovery.scoring import assess
from enrichment_pipeline.core.normalize.validate import validate_records
from enrichment_pipeline.core.web import FetchConfig, Fetcher, PageCache
from enrichment_pipeline_tests.bench.servers import start_web
from enrichment_pipeline_tests.fixtures.web import Business, format_phone, generate_businesses


def records_for(businesses: list[Business]) -> list[MatchInput]:
    """The businesses as an upload: CSV rows through ingestion's own validation."""
    raw = pd.DataFrame(
        [
            {
                "name": b.name,
                "address": b.street,
                "city": b.city,
                "state": b.state,
                "zip": b.zip,
                "phone": format_phone(b.phone, "paren"),
                "website": b.website or "",
            }
            for b in businesses
        ]
    )
    raw.insert(0, "row_number", range(1, len(raw) + 1))
    valid = validate_records(raw).valid
    return [
        MatchInput(
            record_id=int(r["row_number"]),
            company_key=r["company_key"],
            name=r["name"],
            name_normalized=r["name_normalized"],
            street=r["street"],
            city=r["city"],
            state=r["state"],
            zip=r["zip"],
            phone_e164=r["phone_e164"],
            website=None if pd.isna(r["website"]) else r["website"],
        )
        for r in valid.to_dict("records")
    ]


def measure(label: str, fn: Callable[[], Any], count: int) -> tuple[Any, float, float]:
    wall0, cpu0 = time.perf_counter(), time.process_time()
    result = fn()
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    print(
        f"{label:<34} wall {wall:7.2f} s   CPU {cpu:7.2f} s   "
        f"{cpu / count * 1000:6.2f} ms CPU/record   {count / wall:8.1f} records/s"
    )
    return result, wall, cpu


async def fetch_homepages(
    config: FetchConfig, urls: list[str], cache_file: Path | None = None
) -> list[str]:
    gate = asyncio.Semaphore(512)
    async with Fetcher(config, PageCache(cache_file) if cache_file else None) as fetcher:

        async def one(url: str) -> str:
            async with gate:
                page = await fetcher.fetch(url)
                return page.text if page.ok else ""

        return list(await asyncio.gather(*(one(u) for u in urls)))


async def discover(config: FetchConfig, records: list[MatchInput], cache_file: Path):
    match_config = MatchConfig(render_contact="never")
    with MatchCache(cache_file, ttl_s=match_config.cache_ttl_s) as matches:
        async with Fetcher(config, PageCache(cache_file)) as fetcher:
            found = await find_websites(
                records, fetcher=fetcher, config=match_config, cache=matches
            )
            return found, fetcher.stats.as_dict()


def per_page(
    label: str, fn: Callable[[str], object], pages: list[str], floor: float | None
) -> float:
    start = time.process_time()
    for html in pages:
        fn(html)
    cost = (time.process_time() - start) / len(pages) * 1000
    ratio = f"   {cost / floor:5.2f}x the bare parse" if floor else ""
    print(f"  {label:<32} {cost:6.3f} ms/page{ratio}")
    return cost


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--businesses", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-discovery-"))
    host_map = tmp / "hosts.json"
    web = start_web(args.businesses, args.seed, 0.0, host_map, log_requests=False)
    port = web.port
    try:
        businesses = generate_businesses(args.businesses, seed=args.seed)
        records = records_for(businesses)
        config = FetchConfig(host_map=json.loads(host_map.read_text()), host_delay_s=0.5)
        urls = [b.website for b in businesses if b.website]
        print(f"{args.businesses} businesses ({len(urls)} with a website), fixture web on :{port}")

        pages, _, bare_cpu = measure(
            "1a. fetch-only, no page cache", lambda: asyncio.run(fetch_homepages(config, urls)),
            len(urls),
        )  # fmt: skip
        _, fetch_wall, fetch_cpu = measure(
            "1b. fetch-only, page cache (ref.)",
            lambda: asyncio.run(fetch_homepages(config, urls, tmp / "fetch-only.sqlite3")),
            len(urls),
        )
        (found, stats), disc_wall, disc_cpu = measure(
            "2. discovery (fresh caches)",
            lambda: asyncio.run(discover(config, records, tmp / "cache.sqlite3")),
            len(records),
        )
        (again, _), _, again_cpu = measure(
            "3. discovery (re-upload, cached)",
            lambda: asyncio.run(discover(config, records, tmp / "cache.sqlite3")),
            len(records),
        )
        print(f"   discovery fetcher: {stats}")
        truth = {b.name: site_key(b.canonical_host or "") for b in businesses if b.domain}
        right = sum(
            1
            for r, m in zip(records, found, strict=True)
            if m.status == "matched" and site_key(host_of(m.website or "")) == truth.get(r.name)
        )
        matched = sum(m.status == "matched" for m in found)
        print(f"   matched {matched}, correct {right}, with a website {len(urls)}")
        print(f"   cached on the re-upload: {sum(m.cached for m in again)}/{len(again)}")
        print(
            f"   discovery / fetch-only (1b): wall {disc_wall / fetch_wall:.2f}x, "
            f"CPU {disc_cpu / fetch_cpu:.2f}x (vs 1a: {disc_cpu / bare_cpu:.2f}x); re-upload CPU "
            f"{again_cpu / len(records) * 1000:.3f} ms/record"
        )

        print("4. parse cost on the fetched homepages")
        texts = [p for p in pages if p]
        by_url = {b.website: b for b in businesses if b.website}
        profiles = {
            b.website: RecordProfile.from_input(r)
            for b, r in zip(businesses, records, strict=True)
            if b.website
        }
        floor = per_page(
            "lexbor parse + text (floor)",
            lambda h: LexborHTMLParser(h).body.text(separator=" "),
            texts,
            None,
        )
        per_page("read_page", lambda h: read_page(h, "https://x.com/"), texts, floor)
        pairs = [(p, profiles[u]) for u, p in zip(urls, pages, strict=True) if p and u in by_url]
        start = time.process_time()
        for html, profile in pairs:
            assess(read_page(html, "https://x.com/"), profile, "csv")
        cost = (time.process_time() - start) / len(pairs) * 1000
        print(f"  {'read_page + assess':<32} {cost:6.3f} ms/page   {cost / floor:5.2f}x")
        try:
            from extruct.jsonld import JsonLdExtractor

            extractor = JsonLdExtractor()
            per_page("extruct JSON-LD only", lambda h: extractor.extract(h), texts, floor)
        except ImportError:
            print("  extruct not installed")
    finally:
        web.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
