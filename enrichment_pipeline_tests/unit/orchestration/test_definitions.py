"""The code location: loads, and every asset explains itself and is checked."""

from __future__ import annotations

import subprocess
import sys

import dagster as dg

from enrichment_pipeline.definitions import defs

EXPECTED_ASSETS = {
    "raw_upload",
    "validated_records",
    "rejected_records",
    "website_matches",
    "scraped_contacts",
    "generated_emails",
    "enriched_export",
}


def test_dagster_validates_the_code_location() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dagster", "definitions", "validate", "-m",
         "enrichment_pipeline.definitions"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]


def test_every_asset_has_a_description_a_group_a_table_schema_and_a_check() -> None:
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert keys == EXPECTED_ASSETS
    checked = {key.asset_key.to_user_string() for key in graph.asset_check_keys}
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        name = key.to_user_string()
        assert node.description and len(node.description) > 40, name
        assert node.group_name in {"ingestion", "enrichment", "outreach"}, name
        assert "dagster/column_schema" in node.metadata, name
        assert node.partitions_def is not None and node.partitions_def.name == "uploads", name
        assert name in checked, f"{name} has no asset check"


def test_sensor_and_schedules_are_described_and_on_by_default() -> None:
    sensor = defs.resolve_sensor_def("inbox_sensor")
    assert sensor.description and sensor.default_status == dg.DefaultSensorStatus.RUNNING
    for name in ("catch_up", "refresh"):
        schedule = defs.resolve_schedule_def(name)
        assert schedule.description
        assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
