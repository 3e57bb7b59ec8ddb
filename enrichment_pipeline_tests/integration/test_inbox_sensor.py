"""The inbox sensor, evaluated on a test instance: run requests, partition requests, cursor."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import dagster as dg
import pytest

from enrichment_pipeline.core.ingest import upload_partition_key
from enrichment_pipeline.core.paths import data_paths
from enrichment_pipeline.core.uploads import archive_upload
from enrichment_pipeline.defs.resources import PipelineSettings
from enrichment_pipeline.defs.sensors import inbox_sensor

CSV = "Dealer Name,City,Phone\nSunshine Ford,Ocala,352-555-0101\n"


def _drop(folder: Path, name: str, text: str = CSV, age_s: float = 10) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    past = time.time() - age_s
    os.utime(path, (past, past))
    return path


def _tick(instance: dg.DagsterInstance, data_dir: Path, cursor: str | None) -> dg.SensorResult:
    context = dg.build_sensor_context(
        instance=instance,
        cursor=cursor,
        resources={"settings": PipelineSettings(data_dir=str(data_dir))},
    )
    return inbox_sensor(context)


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    return data_paths(tmp_path / "data").ensure().inbox


def test_a_settled_csv_becomes_a_partition_and_a_run(inbox: Path) -> None:
    data_dir = inbox.parent
    path = _drop(inbox, "Dealers, Q3 'final' ñ.csv")
    _drop(inbox, "notes.pdf")
    key = upload_partition_key(path)
    with dg.instance_for_test() as instance:
        first = _tick(instance, data_dir, None)
        assert not first.run_requests  # seen once: could still be copying
        assert "waiting" in (first.skip_reason.skip_message or "")
        second = _tick(instance, data_dir, first.cursor)
        [request] = second.run_requests
        assert request.partition_key == key
        assert request.run_key.startswith(f"{key}:")
        assert request.run_config["ops"]["raw_upload"]["config"]["source_path"] == str(path)
        assert request.tags["enrich/source_file"] == path.name
        [add] = second.dynamic_partitions_requests
        assert list(add.partition_keys) == [key]
        state = json.loads(second.cursor)
        assert state["requested"][path.name][2] == key
        assert state["ignored"] == ["notes.pdf"]
        # Next tick: nothing new is requested for the same file.
        third = _tick(instance, data_dir, second.cursor)
        assert not third.run_requests


def test_same_content_dropped_twice_is_processed_once(inbox: Path) -> None:
    data_dir = inbox.parent
    paths = data_paths(data_dir)
    first_copy = _drop(inbox, "leads.csv")
    key = upload_partition_key(first_copy)
    with dg.instance_for_test() as instance:
        # The first drop was processed: partition exists, file archived.
        instance.add_dynamic_partitions("uploads", [key])
        archive_upload(paths, key, first_copy, move=True)
        again = _drop(inbox, "leads (copy).csv")
        cursor = _tick(instance, data_dir, None).cursor
        result = _tick(instance, data_dir, cursor)
        assert not result.run_requests
        assert not again.exists()
        assert (paths.archive / "duplicates" / "leads (copy).csv").exists()


def test_two_identical_files_in_one_tick_give_one_run(inbox: Path) -> None:
    data_dir = inbox.parent
    _drop(inbox, "a.csv")
    _drop(inbox, "b.csv")
    with dg.instance_for_test() as instance:
        cursor = _tick(instance, data_dir, None).cursor
        result = _tick(instance, data_dir, cursor)
        assert len(result.run_requests) == 1
        assert sorted(p.name for p in inbox.iterdir() if p.suffix == ".csv") == ["a.csv"]


def test_an_edited_file_with_the_same_name_is_a_new_partition(inbox: Path) -> None:
    data_dir = inbox.parent
    path = _drop(inbox, "leads.csv")
    with dg.instance_for_test() as instance:
        cursor = _tick(instance, data_dir, None).cursor
        first = _tick(instance, data_dir, cursor)
        instance.add_dynamic_partitions("uploads", [first.run_requests[0].partition_key])
        _drop(inbox, "leads.csv", CSV + "Gator Auto,Gainesville,352-555-0102\n", age_s=5)
        cursor = _tick(instance, data_dir, first.cursor).cursor
        second = _tick(instance, data_dir, cursor)
        [request] = second.run_requests
        assert request.partition_key != first.run_requests[0].partition_key
        assert request.partition_key == upload_partition_key(path)
