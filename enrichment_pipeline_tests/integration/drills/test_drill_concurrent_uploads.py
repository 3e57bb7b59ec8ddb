"""Drill: five CSVs dropped into the inbox at once while `dagster dev` runs."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from enrichment_pipeline_tests.fixtures.dagster_dev import dagster_dev
from enrichment_pipeline_tests.integration.drills.helpers import audit_warehouse
from enrichment_pipeline_tests.integration.pipeline.helpers import write_csv

pytestmark = pytest.mark.slow

UPLOADS = 5


def test_five_uploads_at_once_all_succeed_without_lock_failures(
    tmp_path: Path, fixture_web
) -> None:
    data_dir = tmp_path / "data"
    inbox = data_dir / "inbox"
    inbox.mkdir(parents=True)
    host_map = fixture_web.write_host_map(tmp_path / "hosts.json")
    live = [b for b in fixture_web.generated if b.has_live_site]
    # Different sizes, so that runs overlap in different stages (2 run at once, per dagster.yaml).
    batches = [live[i * 4 : i * 4 + 2 + i] for i in range(UPLOADS)]
    staged = [write_csv(tmp_path / f"batch {i}.csv", batch) for i, batch in enumerate(batches)]
    env = {"ENRICH_DATA_DIR": str(data_dir), "ENRICH_HOST_MAP": str(host_map)}
    with dagster_dev(tmp_path / "home", env) as server:
        for path in staged:  # all five appear within milliseconds, as one folder copy does
            path.rename(inbox / path.name)
        runs = server.wait_for_runs(UPLOADS, timeout_s=420)
        log = server.log_path.read_text(errors="replace")
    assert [r["status"] for r in runs] == ["SUCCESS"] * UPLOADS, log[-4000:]
    assert "Conflicting lock" not in log and "stayed locked" not in log

    audit = audit_warehouse(data_dir / "warehouse.duckdb")
    assert all(t["duplicates"] == 0 for t in audit.values()), audit
    import duckdb

    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        counts = dict(
            con.execute(
                "SELECT upload_id, count(*) FROM scraped_contacts GROUP BY upload_id"
            ).fetchall()
        )
        exported = con.execute("SELECT count(*) FROM enriched_export").fetchone()[0]
    finally:
        con.close()
    assert sorted(counts.values()) == sorted(len(b) for b in batches)
    assert exported == UPLOADS
    for path, batch in zip(staged, batches, strict=True):
        with (data_dir / "outbox" / path.name).open(encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
        assert [r["Business Name"] for r in rows] == [b.name for b in batch]
