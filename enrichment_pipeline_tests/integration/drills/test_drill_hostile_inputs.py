"""Drill: hostile uploads through the whole pipeline. Each one either runs with every input row
in the enriched or the rejected output, or is refused with a clear reason (and moved aside)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import dagster as dg
import pytest

from enrichment_pipeline.core.ingest import upload_partition_key
from enrichment_pipeline.definitions import ASSETS, CHECKS
from enrichment_pipeline.defs.io_managers import WarehouseIOManager
from enrichment_pipeline.defs.resources import (
    PipelineSettings,
    SearchResource,
    WebResource,
    WriterResource,
)
from enrichment_pipeline.runner import _failure
from enrichment_pipeline_tests.fixtures.nasty_csvs import (
    NastyCsv,
    corpus,
    write_bytes_file,
    write_rows_file,
)

# Every file that must be refused, and the readable files that stress the pipeline most; the
# unit corpus test reads all 60 cases, each full pipeline run here costs a few seconds.
READABLE_PICKS = frozenset(
    {
        "utf8_bom", "cp1252", "utf16_excel_unicode_text", "mixed_utf8_cp1252", "emoji_and_cjk",
        "semicolon", "tab", "quoted_newlines", "formula_cells", "stray_nul", "ragged_rows",
        "title_rows_above_header", "column_map", "name_no_extension",
    }
)  # fmt: skip
CASES = [c for c in corpus() if c.error is not None or c.case in READABLE_PICKS]


@pytest.fixture
def instance() -> dg.DagsterInstance:
    # A fresh instance per case keeps each run small (a shared one grows with every case);
    # many uploads on one instance are covered by the test below.
    return dg.DagsterInstance.ephemeral()


def _run(
    path: Path, data_dir: Path, instance: dg.DagsterInstance, column_map: dict[str, str]
) -> dg.ExecuteInProcessResult:
    key = upload_partition_key(path)
    instance.add_dynamic_partitions("uploads", [key])
    return dg.materialize(
        [*ASSETS, *CHECKS],
        partition_key=key,
        instance=instance,
        resources={
            "io_manager": WarehouseIOManager(data_dir=str(data_dir)),
            "settings": PipelineSettings(data_dir=str(data_dir), column_map=json.dumps(column_map)),
            "web": WebResource(),  # no host map: the closed world is empty, nothing is fetched
            "search": SearchResource(),
            "writer": WriterResource(),
        },
        run_config={"ops": {"raw_upload": {"config": {"source_path": str(path)}}}},
        raise_on_error=False,
    )


def _rows(path: str) -> list[dict[str, str]]:
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_drill_has_at_least_25_hostile_inputs() -> None:
    assert len(READABLE_PICKS) == sum(1 for c in CASES if c.error is None)  # no typo in picks
    assert len(CASES) + 2 >= 25  # plus the oversized files below


@pytest.mark.parametrize("item", CASES, ids=lambda c: c.case)
def test_hostile_upload_is_processed_whole_or_refused_clearly(
    item: NastyCsv, tmp_path: Path, instance: dg.DagsterInstance
) -> None:
    data_dir = tmp_path / "data"
    source = item.write(tmp_path / "drop")
    result = _run(source, data_dir, instance, item.column_map)
    if item.error is not None:
        assert not result.success
        reason, bad_file = _failure(result)
        assert bad_file and reason.startswith("raw_upload: ")
        for phrase in item.says:
            assert phrase in reason
        notes = list((data_dir / "rejected").glob("*.error.txt"))
        assert len(notes) == 1 and notes[0].read_text(encoding="utf-8").strip()
        return
    assert result.success, _failure(result)
    export = result.asset_materializations_for_node("enriched_export")[-1].metadata
    enriched = _rows(export["csv"].value)
    rejected = _rows(export["rejected_csv"].value)
    assert len(enriched) + len(rejected) == len(item.names)
    assert all(r["reason"].strip() for r in rejected)
    numbers = [int(r["row_number"]) for r in rejected]
    assert len(set(numbers)) == len(numbers)
    assert all(
        r["status"] in {"ok", "no_website", "blocked", "duplicate", "error"} for r in enriched
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("maker", "size", "variable"),
    [
        (write_rows_file, 100_001, "ENRICH_MAX_ROWS"),
        (write_bytes_file, 60_000_000, "ENRICH_MAX_UPLOAD_MB"),
    ],
    ids=["100k-rows", "60MB"],
)
def test_oversized_upload_is_refused_naming_the_limit(
    maker, size: int, variable: str, tmp_path: Path, instance: dg.DagsterInstance
) -> None:
    source = maker(tmp_path / "huge.csv", size)
    result = _run(source, tmp_path / "data", instance, {})
    assert not result.success
    reason, bad_file = _failure(result)
    assert bad_file and variable in reason, reason
    assert (tmp_path / "data" / "rejected" / "huge.csv").exists()


def test_later_uploads_on_the_same_instance_succeed_too(tmp_path: Path) -> None:
    # Asset checks without the uploads partitions_def loaded "all partitions" of their asset:
    # the first upload worked, every later one failed in its first check.
    instance = dg.DagsterInstance.ephemeral()
    data_dir = tmp_path / "data"
    readable = [c for c in CASES if c.error is None][:3]
    for item in readable:
        result = _run(item.write(tmp_path / item.case), data_dir, instance, item.column_map)
        assert result.success, (item.case, _failure(result))
        checks = result.get_asset_check_evaluations()
        assert checks and all(c.passed for c in checks if c.check_name == "raw_rows_numbered")
