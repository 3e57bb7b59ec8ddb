"""End to end: a real `dagster dev` (webserver + daemon), a CSV dropped into its inbox."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest
from dagster_graphql import DagsterGraphQLClient

from enrichment_pipeline_tests.fixtures.dagster_dev import dagster_dev
from enrichment_pipeline_tests.integration.pipeline.helpers import write_csv

pytestmark = pytest.mark.slow


def test_a_dropped_csv_becomes_a_successful_run_and_an_export(tmp_path: Path, fixture_web) -> None:
    data_dir = tmp_path / "data"
    (data_dir / "inbox").mkdir(parents=True)
    host_map = fixture_web.write_host_map(tmp_path / "hosts.json")
    env = {"ENRICH_DATA_DIR": str(data_dir), "ENRICH_HOST_MAP": str(host_map)}
    businesses = [b for b in fixture_web.generated if b.has_live_site][:4]
    with dagster_dev(tmp_path / "home", env) as server:
        staging = write_csv(tmp_path / "Dealers Q4.csv", businesses)
        # An atomic drop, as a file manager or `mv` does it.
        staging.rename(data_dir / "inbox" / staging.name)
        (data_dir / "inbox" / "readme.pdf").write_bytes(b"%PDF-1.4")
        [run] = server.wait_for_runs(1, timeout_s=240)
        client = DagsterGraphQLClient("127.0.0.1", port_number=server.port)
        assert client.get_run_status(run["runId"]).value == "SUCCESS", server.tail()
        tags = {t["key"]: t["value"] for t in run["tags"]}
        assert tags["enrich/source_file"] == "Dealers Q4.csv"
        assert tags["dagster/partition"].startswith("dealers-q4-")
        out = data_dir / "outbox" / "Dealers Q4.csv"
        with out.open(encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
        assert [r["Business Name"] for r in rows] == [b.name for b in businesses]
        assert not (data_dir / "inbox" / "Dealers Q4.csv").exists()
        assert (data_dir / "inbox" / "readme.pdf").exists()  # ignored, left alone
        # Dropping the same content again starts no second run.
        write_csv(tmp_path / "again.csv", businesses).rename(data_dir / "inbox" / "again.csv")
        moved = data_dir / "archive" / "duplicates" / "again.csv"
        deadline = time.monotonic() + 120
        while not moved.exists() and time.monotonic() < deadline:
            time.sleep(1)
        assert moved.exists(), server.tail()
        assert len(server.runs()) == 1
    assert server.process.returncode is not None  # shut down cleanly
