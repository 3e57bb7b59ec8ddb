"""Running the same file again: stages whose stored results are still good are taken as they
are (the real command, a real DAGSTER_HOME and warehouse, the fixture web over loopback)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import dagster as dg
import pytest

from enrichment_pipeline import stage_reuse
from enrichment_pipeline.core.ingest import upload_partition_key
from enrichment_pipeline_tests.fixtures.web.plugin import SessionWeb
from enrichment_pipeline_tests.integration.pipeline.helpers import write_csv
from enrichment_pipeline_tests.integration.pipeline.test_cli import _run

ALL = [s.op for s in stage_reuse.STAGES]


def _enrich(tmp_path: Path, env: dict[str, str], source: Path, *extra: str) -> dict[str, object]:
    done = _run(
        ["run", str(source), "--out", str(tmp_path / "out"), "--json", *extra], env, tmp_path
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _csv(outcome: dict[str, object]) -> bytes:
    return Path(str(outcome["csv"])).read_bytes()


@pytest.fixture
def setup(tmp_path: Path, fixture_web: SessionWeb) -> tuple[dict[str, str], Path, list[str]]:
    businesses = [b for b in fixture_web.generated if b.has_live_site][10:16]
    source = write_csv(tmp_path / "dealers.csv", businesses)
    env = {
        "ENRICH_DATA_DIR": str(tmp_path / "data"),
        "ENRICH_HOST_MAP": str(fixture_web.write_host_map(tmp_path / "hosts.json")),
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
    }
    hosts = [b.canonical_host or "" for b in businesses]
    return env, source, hosts


def test_an_unchanged_file_reuses_every_stage_and_writes_the_same_files(
    tmp_path: Path, fixture_web: SessionWeb, setup: tuple[dict[str, str], Path, list[str]]
) -> None:
    env, source, hosts = setup
    first = _enrich(tmp_path, env, source)
    assert first["reused"] == [] and first["rows_with_email"]
    output = _csv(first)
    before = sum(len(fixture_web.requests_for(h)) for h in hosts)

    written_at = Path(str(first["csv"])).stat().st_mtime_ns
    again = _enrich(tmp_path, env, source)
    assert again["reused"] == ALL
    assert sum(len(fixture_web.requests_for(h)) for h in hosts) == before  # no request at all
    assert _csv(again) == output
    assert again["model_calls"] == 0 and again["rows_in"] == first["rows_in"]
    # Nothing the export reads changed and the files are as written: they are left alone.
    assert again["files_rewritten"] is False
    assert Path(str(again["csv"])).stat().st_mtime_ns == written_at
    # A deleted output is written again, the same as before.
    json_text = Path(str(first["json"])).read_bytes()
    Path(str(first["json"])).unlink()
    restored = _enrich(tmp_path, env, source)
    assert restored["reused"] == ALL and restored["files_rewritten"] is True
    assert Path(str(restored["json"])).read_bytes() == json_text

    # A new sender profile changes the emails only: the web stages stay reused.
    profile = Path(env["ENRICH_DATA_DIR"]) / "sender_profile.toml"
    example = Path(__file__).resolve().parents[3] / "data" / "sender_profile.example.toml"
    profile.write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    new_sender = _enrich(tmp_path, env, source)
    assert new_sender["reused"] == ALL[:4]
    assert new_sender["files_rewritten"] is True
    assert _csv(new_sender) != output

    recomputed = _enrich(tmp_path, env, source, "--recompute")
    assert recomputed["reused"] == []
    assert _csv(recomputed) == _csv(new_sender)  # caches make the full rerun land the same


def test_stored_results_are_only_reused_while_fresh_and_present(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    setup: tuple[dict[str, str], Path, list[str]],
) -> None:
    env, source, _ = setup
    _enrich(tmp_path, env, source)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    key = upload_partition_key(source)
    tags = stage_reuse.fingerprints(env)
    with dg.DagsterInstance.get() as instance:  # DAGSTER_HOME: the command's own instance
        assert stage_reuse.reusable_stages(instance, key, tags) == ALL
        # Past the page and match cache lifetimes, the web stages (and what follows) run again.
        later = time.time() + 366 * 86_400
        assert stage_reuse.reusable_stages(instance, key, tags, now=later) == ALL[:2]
        # Another setting for the web stages (a search provider) invalidates from there on.
        other = stage_reuse.fingerprints({**env, "SEARXNG_URL": "http://127.0.0.1:9/"})
        assert stage_reuse.reusable_stages(instance, key, other) == ALL[:2]
        # Code or settings of a run not made by this command: nothing is taken as it is.
        assert stage_reuse.reusable_stages(instance, key, {}) == []
        # A run that did not succeed vouches for nothing it materialized.
        [run] = instance.get_runs(limit=1)
        instance.report_run_failed(run)
        assert stage_reuse.reusable_stages(instance, key, tags) == []
    # The warehouse lost its rows: nothing is reused and the run rebuilds them.
    (Path(env["ENRICH_DATA_DIR"]) / "warehouse.duckdb").unlink()
    rebuilt = _enrich(tmp_path, env, source)
    assert rebuilt["reused"] == [] and rebuilt["rows_in"] == 6
