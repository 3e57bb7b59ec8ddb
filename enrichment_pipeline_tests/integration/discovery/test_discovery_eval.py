"""The website-discovery eval gate: precision >= 0.97 and recall >= 0.90 on the labelled set.

Every business of the labelled world (see `fixtures/discovery/eval_set.py`) goes through the
real chain: its CSV row through ingestion's validation, the fetcher with a page cache and the
real Chromium for script-built contact pages, and the three search APIs over loopback HTTP.
Precision = matched-and-correct / matched; recall = matched-and-correct / businesses that have
a website. The test prints both, per scenario, and every miss.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from enrichment_pipeline.core.discovery import (
    MatchConfig,
    WebsiteMatch,
    find_websites,
    providers_from_settings,
)
from enrichment_pipeline.core.discovery.domains import host_of, site_key
from enrichment_pipeline.core.web import Fetcher, PageCache
from enrichment_pipeline_tests.fixtures.web.plugin import fetch_config_for
from enrichment_pipeline_tests.integration.discovery.conftest import DiscoveryWeb

MIN_PRECISION = 0.97
MIN_RECALL = 0.90


def _run(dweb: DiscoveryWeb, cache: Path) -> tuple[list[WebsiteMatch], dict]:
    async def go() -> tuple[list[WebsiteMatch], dict]:
        with PageCache(cache) as pages:
            async with Fetcher(fetch_config_for(dweb.web), pages) as fetcher:
                matches = await find_websites(
                    dweb.records,
                    fetcher=fetcher,
                    config=MatchConfig(),
                    providers=providers_from_settings(
                        **dweb.apis.settings(), brave_min_interval_s=0.0
                    ),
                )
                return matches, fetcher.stats.as_dict()

    return asyncio.run(go())


@pytest.mark.slow
@pytest.mark.browser
def test_discovery_eval_precision_and_recall(dweb: DiscoveryWeb, tmp_path: Path) -> None:
    cases = dweb.world.cases
    assert len(cases) >= 60
    queries_before = Counter(p for p, _ in dweb.world.index.queries)
    matches, stats = _run(dweb, tmp_path / "cache.sqlite3")
    queries = Counter(p for p, _ in dweb.world.index.queries) - queries_before

    matched = correct = 0
    table: dict[str, Counter[str]] = defaultdict(Counter)
    misses = []
    for case, match in zip(cases, matches, strict=True):
        got = site_key(host_of(match.website)) if match.website else None
        is_match = match.status == "matched"
        right = is_match and got == case.expected
        matched += is_match
        correct += right
        table[case.scenario]["cases"] += 1
        table[case.scenario][match.status] += 1
        table[case.scenario]["correct"] += right
        if is_match and not right:
            misses.append(f"WRONG {case.scenario}: {case.record_name} -> {got} ({case.expected})")
        elif case.expected and not right:
            misses.append(
                f"MISSED {case.scenario}: {case.record_name} -> {match.status}"
                f" {match.review_candidate} ({match.review_reason})"
            )
    with_site = sum(case.expected is not None for case in cases)
    precision = correct / matched if matched else 0.0
    recall = correct / with_site

    print(f"\nwebsite discovery eval: {len(cases)} businesses, {with_site} with a website")
    print(f"{'scenario':<18} cases matched correct not_found ambiguous error")
    for scenario, counts in table.items():
        print(
            f"{scenario:<18} {counts['cases']:>5} {counts['matched']:>7} {counts['correct']:>7}"
            f" {counts['not_found']:>9} {counts['ambiguous']:>9} {counts['error']:>5}"
        )
    print(f"precision {precision:.3f} ({correct}/{matched})", end="  ")
    print(f"recall {recall:.3f} ({correct}/{with_site})")
    print(f"search API calls {dict(queries)}; fetcher {stats}")
    for line in misses:
        print(line)

    # Every provider and every stage took part: the set exercises the whole chain.
    assert set(queries) == {"searxng", "brave", "google"}
    sources = Counter(m.source for m in matches if m.status == "matched")
    assert {"csv", "searxng", "brave", "google", "guess"} <= set(sources), sources
    assert precision >= MIN_PRECISION, misses
    assert recall >= MIN_RECALL, misses
