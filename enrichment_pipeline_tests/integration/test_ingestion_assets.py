"""Ingestion assets: as plain functions, then materialised on a test instance with real DuckDB."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from enrichment_pipeline.core.ingest import upload_partition_key
from enrichment_pipeline.core.paths import data_paths
from enrichment_pipeline.core.storage import warehouse
from enrichment_pipeline.core.tables import RAW_UPLOAD, REJECTED_RECORDS, VALIDATED_RECORDS
from enrichment_pipeline.defs.assets.ingestion import (
    RawUploadConfig,
    raw_upload,
    validated_and_rejected_records,
)
from enrichment_pipeline.defs.checks.ingestion_checks import rows_conserved
from enrichment_pipeline.defs.io_managers import WarehouseIOManager
from enrichment_pipeline.defs.resources import PipelineSettings

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "samples" / "florida_dealers_sample.csv"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    data_paths(tmp_path / "data").ensure()
    return tmp_path / "data"


def _drop(data_dir: Path, source: Path, name: str | None = None) -> tuple[Path, str]:
    target = data_dir / "inbox" / (name or source.name)
    shutil.copy(source, target)
    return target, upload_partition_key(target)


def _materialize(data_dir: Path, key: str, inbox_file: Path, instance: dg.DagsterInstance):
    instance.add_dynamic_partitions("uploads", [key])
    return dg.materialize(
        [raw_upload, validated_and_rejected_records, rows_conserved],
        partition_key=key,
        instance=instance,
        resources={
            "settings": PipelineSettings(data_dir=str(data_dir)),
            "io_manager": WarehouseIOManager(data_dir=str(data_dir)),
        },
        run_config={"ops": {"raw_upload": {"config": {"source_path": str(inbox_file)}}}},
        raise_on_error=False,
    )


def _table(data_dir: Path, table, key: str) -> pd.DataFrame:
    with warehouse.connect(data_paths(data_dir).warehouse) as con:
        return warehouse.read_partition(con, table, key)


def test_raw_upload_as_a_plain_function(data_dir: Path) -> None:
    inbox_file, key = _drop(data_dir, SAMPLE)
    context = dg.build_asset_context(partition_key=key)
    config = RawUploadConfig(source_path=str(inbox_file))
    output = raw_upload(context, config, PipelineSettings(data_dir=str(data_dir)))
    frame = output.value
    assert len(frame) == len(pd.read_csv(SAMPLE, dtype=str))
    assert frame["source_file"].unique().tolist() == [SAMPLE.name]
    assert output.metadata["rows"].value == len(frame)
    assert not inbox_file.exists(), "the inbox file is moved into the archive"
    assert (data_dir / "archive" / f"{key}.csv").exists()


def test_materialise_stores_every_row_once_and_reruns_replace(data_dir: Path) -> None:
    inbox_file, key = _drop(data_dir, SAMPLE)
    with dg.instance_for_test() as instance:
        result = _materialize(data_dir, key, inbox_file, instance)
        assert result.success
        checks = result.get_asset_check_evaluations()
        assert [c.passed for c in checks] == [True]
        raw = _table(data_dir, RAW_UPLOAD, key)
        valid = _table(data_dir, VALIDATED_RECORDS, key)
        rejected = _table(data_dir, REJECTED_RECORDS, key)
        assert len(raw) == len(valid) + len(rejected) > 0
        assert set(raw["row_number"]) == set(valid["row_number"]) | set(rejected["row_number"])
        # The rerun reads the archived copy (the inbox file is gone) and replaces, never adds.
        again = _materialize(data_dir, key, inbox_file, instance)
        assert again.success
        assert len(_table(data_dir, RAW_UPLOAD, key)) == len(raw)
        assert len(_table(data_dir, VALIDATED_RECORDS, key)) == len(valid)


def test_a_bad_file_is_moved_aside_and_the_run_fails_with_the_reason(
    data_dir: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "Q3 leads.csv"
    bad.write_bytes(b"PK\x03\x04" + b"\x00" * 200)  # a ZIP (xlsx) renamed .csv
    inbox_file, key = _drop(data_dir, bad)
    with dg.instance_for_test() as instance:
        result = _materialize(data_dir, key, inbox_file, instance)
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    description = failure.step_failure_data.user_failure_data.description
    assert description.startswith("Q3 leads.csv: ")
    assert (data_dir / "rejected" / "Q3 leads.csv").exists()
    note = (data_dir / "rejected" / "Q3 leads.csv.error.txt").read_text()
    assert description.removeprefix("Q3 leads.csv: ") in note


def test_validated_records_output_is_typed_by_the_pandera_contract() -> None:
    from enrichment_pipeline.defs.assets.ingestion import VALID_RECORDS_TYPE

    broken = pd.DataFrame(
        {
            "row_number": [1],
            "company_key": [None],
            "name": ["Sunshine Ford"],
        }
    )
    # A frame that breaks the contract (missing columns, a null key) fails the type check.
    assert not dg.check_dagster_type(VALID_RECORDS_TYPE, broken).success
    # What validate_records produces for the sample passes it.
    from enrichment_pipeline.core.ingest import read_upload
    from enrichment_pipeline.core.normalize import validate_records

    valid = validate_records(read_upload(SAMPLE).frame).valid
    assert dg.check_dagster_type(VALID_RECORDS_TYPE, valid).success
