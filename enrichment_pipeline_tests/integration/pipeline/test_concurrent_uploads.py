"""Two uploads materialising at once, in two processes, on one DuckDB file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from enrichment_pipeline.core.ingest import upload_partition_key
from enrichment_pipeline.core.storage import warehouse
from enrichment_pipeline.core.tables import RAW_UPLOAD, SCRAPED_CONTACTS, VALIDATED_RECORDS
from enrichment_pipeline_tests.integration.pipeline.helpers import write_csv


def test_two_runs_at_once_both_finish_without_lock_failures(tmp_path: Path, fixture_web) -> None:
    data_dir = tmp_path / "data"
    sites = [b for b in fixture_web.generated if b.has_live_site]
    files = [
        write_csv(tmp_path / "north.csv", sites[:8]),
        write_csv(tmp_path / "south.csv", sites[8:14]),
    ]
    env = {
        **os.environ,
        "ENRICH_DATA_DIR": str(data_dir),
        "ENRICH_HOST_MAP": str(fixture_web.write_host_map(tmp_path / "hosts.json")),
        "DAGSTER_HOME": "",
    }
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "enrichment_pipeline.cli", "run", str(f), "--quiet"],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    assert not any("lock" in e.lower() for e in errors)
    with warehouse.connect(data_dir / "warehouse.duckdb") as con:
        for source, count in zip(files, (8, 6), strict=True):
            key = upload_partition_key(source)
            assert len(warehouse.read_partition(con, RAW_UPLOAD, key)) == count
            assert len(warehouse.read_partition(con, VALIDATED_RECORDS, key)) == count
            assert len(warehouse.read_partition(con, SCRAPED_CONTACTS, key)) == count
        total = con.execute("SELECT count(*) FROM raw_upload").fetchone()[0]
    assert total == 14
