"""The shipped team instance (`deploy/dagster.postgres.yaml`) on a real PostgreSQL server."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import dagster as dg
import pytest

from enrichment_pipeline_tests.fixtures.postgres_server import postgres_server
from enrichment_pipeline_tests.integration.drills.helpers import REPO, cli_env, start_cli
from enrichment_pipeline_tests.integration.pipeline.helpers import write_csv

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

SHIPPED = REPO / "enrichment_pipeline" / "deploy" / "dagster.postgres.yaml"


def test_concurrent_runs_record_into_postgres(
    tmp_path: Path, fixture_web, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(SHIPPED, home / "dagster.yaml")
    data_dir = tmp_path / "data"
    host_map = fixture_web.write_host_map(tmp_path / "hosts.json")
    live = [b for b in fixture_web.generated if b.has_live_site]
    files = [write_csv(tmp_path / f"team {i}.csv", live[i * 3 : i * 3 + 3]) for i in range(3)]
    with postgres_server() as pg:
        env = cli_env(data_dir, host_map, DAGSTER_HOME=str(home), **pg.env())
        # Three CLI runs at once: one Postgres run storage, one DuckDB warehouse between them.
        processes = [start_cli(["run", str(f), "--quiet"], env) for f in files]
        deadline = time.monotonic() + 300
        for process in processes:
            _, err = process.communicate(timeout=max(1.0, deadline - time.monotonic()))
            assert process.returncode == 0, err
        for key, value in pg.env().items():  # the instance config reads them
            monkeypatch.setenv(key, value)
        instance = dg.DagsterInstance.from_config(str(home))
        try:
            assert type(instance.run_storage).__name__ == "PostgresRunStorage"
            runs = instance.get_runs()
            assert sorted(r.tags.get("enrich/source_file") for r in runs) == sorted(
                f.name for f in files
            )
            assert {r.status for r in runs} == {dg.DagsterRunStatus.SUCCESS}
            # Every run's events are in Postgres too (the event log is not on the local disk).
            for run in runs:
                records = instance.get_records_for_run(run.run_id).records
                types = {r.event_log_entry.dagster_event_type for r in records}
                assert dg.DagsterEventType.RUN_SUCCESS in types
        finally:
            instance.dispose()
    assert not (home / "history").exists()  # nothing fell back to SQLite files in DAGSTER_HOME
