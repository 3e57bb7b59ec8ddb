"""Drill: SIGKILL the run in the middle of scraping, then run the same file again."""

from __future__ import annotations

import csv
import json
import os
import signal
import time
from pathlib import Path

import pytest

from enrichment_pipeline_tests.fixtures.web import (
    Business,
    FixtureWeb,
    generate_businesses,
    render_site,
)
from enrichment_pipeline_tests.integration.drills.helpers import (
    audit_warehouse,
    cli_env,
    run_cli,
    start_cli,
)
from enrichment_pipeline_tests.integration.pipeline.helpers import write_csv

pytestmark = pytest.mark.slow

BUSINESSES = 90
KILL_AFTER_SCRAPE_REQUESTS = 140  # about 40% of the contact/about/staff pages of these sites
GRACE_S = 0.5


def _html_pages(businesses: list[Business]) -> set[tuple[str, str]]:
    pages = set()
    for business in businesses:
        for path, page in render_site(business).items() if business.domain else ():
            if page.content_type.startswith("text/html"):
                pages.update((host, path) for host in business.hosts)
    return pages


def _scrape_requests(web: FixtureWeb) -> int:
    return sum(1 for e in list(web.log) if e.path not in ("/", "/robots.txt"))


def test_sigkill_mid_scrape_then_rerun_resumes_from_the_cache(tmp_path: Path) -> None:
    businesses = generate_businesses(BUSINESSES, seed=4242)
    # 40 ms per response keeps the scrape going for several seconds: time to kill it mid-way.
    with FixtureWeb(latency_s=0.04) as web:
        web.add_businesses(businesses)
        host_map = web.write_host_map(tmp_path / "hosts.json")
        source = write_csv(tmp_path / "dealers.csv", businesses)
        data_dir = tmp_path / "data"
        env = cli_env(data_dir, host_map)
        args = ["run", str(source), "--out", str(tmp_path / "out"), "--json"]

        process = start_cli(args, env)
        deadline = time.monotonic() + 240
        while _scrape_requests(web) < KILL_AFTER_SCRAPE_REQUESTS:
            assert process.poll() is None, (
                f"the run ended before it could be killed: {process.communicate()}"
            )
            assert time.monotonic() < deadline, "scraping never got going"
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGKILL)  # the run and everything it started (Chromium)
        process.wait(30)
        killed_at = time.monotonic()
        # "Already fetched": HTML pages (scripts and data a browser loaded are not cached, by
        # design) whose response left the server at least GRACE_S before the kill. Responses of
        # the last moment may still sit unread behind other pages' parsing on the pipeline's
        # one event loop: from its side they were in flight.
        html = _html_pages(businesses)
        fetched = {
            (e.host, e.path)
            for e in list(web.log)
            if e.status == 200 and e.end <= killed_at - GRACE_S and (e.host, e.path) in html
        }
        assert process.returncode == -signal.SIGKILL

        after_kill = audit_warehouse(data_dir / "warehouse.duckdb")
        assert "scraped_contacts" not in after_kill or after_kill["scraped_contacts"]["rows"] == 0
        assert all(t["duplicates"] == 0 for t in after_kill.values()), after_kill

        web.clear_log()
        done = run_cli(args, env)
        assert done.returncode == 0, done.stderr
        refetched = {(e.host, e.path) for e in list(web.log)} & fetched

    reuse = 1 - len(refetched) / len(fetched)
    assert reuse >= 0.90, (
        f"{len(refetched)} of {len(fetched)} fetched again: {sorted(refetched)[:20]}"
    )

    audit = audit_warehouse(data_dir / "warehouse.duckdb")
    assert all(t["duplicates"] == 0 for t in audit.values()), audit
    for table in ("raw_upload", "validated_records", "website_matches", "scraped_contacts",
                  "generated_emails"):  # fmt: skip
        assert audit[table]["rows"] == BUSINESSES, (table, audit)
    summary = json.loads(done.stdout)
    with Path(summary["csv"]).open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["Business Name"] for r in rows] == [b.name for b in businesses]
    assert summary["rows_rejected"] == 0
