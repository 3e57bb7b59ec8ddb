"""Drill: the web goes away in the middle of a run, then comes back for a rerun."""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path

import pytest

from enrichment_pipeline_tests.fixtures.web import FixtureWeb, generate_businesses
from enrichment_pipeline_tests.integration.drills.helpers import cli_env, run_cli, start_cli
from enrichment_pipeline_tests.integration.pipeline.helpers import write_csv

pytestmark = pytest.mark.slow

BUSINESSES = 50
STOP_AFTER_SCRAPE_REQUESTS = 60


def _rows(path: str) -> list[dict[str, str]]:
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_web_outage_mid_run_ends_in_errors_and_a_rerun_fills_them_in(tmp_path: Path) -> None:
    businesses = generate_businesses(BUSINESSES, seed=515)
    source = write_csv(tmp_path / "dealers.csv", businesses)
    data_dir = tmp_path / "data"
    args = ["run", str(source), "--out", str(tmp_path / "out"), "--json"]

    web = FixtureWeb(latency_s=0.04).start()
    port = web.port
    web.add_businesses(businesses)
    env = cli_env(data_dir, web.write_host_map(tmp_path / "hosts.json"))
    process = start_cli(args, env)
    deadline = time.monotonic() + 240
    while (
        sum(1 for e in list(web.log) if e.path not in ("/", "/robots.txt"))
        < STOP_AFTER_SCRAPE_REQUESTS
    ):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "scraping never got going"
        time.sleep(0.02)
    web.stop()  # every host now refuses connections
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err  # the stage completes; the run succeeds
    first = _rows(json.loads(out)["csv"])
    assert len(first) == BUSINESSES
    broken = {r["Business Name"]: r["error"] for r in first if r["status"] == "error"}
    assert broken, "the outage left no trace"
    assert all(reason.strip() for reason in broken.values())

    # The web comes back on the same address; the same file is run again.
    with FixtureWeb(latency_s=0.0, port=port) as again:
        again.add_businesses(businesses)
        done = run_cli(args, env)
    assert done.returncode == 0, done.stderr
    second = {r["Business Name"]: r for r in _rows(json.loads(done.stdout)["csv"])}
    still = [name for name in broken if second[name]["status"] == "error"]
    assert not still, [second[name]["error"] for name in still]
    healthy = {b.name for b in businesses if b.has_live_site}
    assert {name for name in broken if second[name]["status"] == "ok"} <= healthy
    assert all(second[name]["status"] in ("ok", "no_website") for name in broken)
