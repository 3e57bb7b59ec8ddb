"""The catch_up and refresh schedules evaluated against a test instance's real event log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg

from enrichment_pipeline.core.paths import data_paths
from enrichment_pipeline.core.uploads import archive_upload
from enrichment_pipeline.defs.resources import PipelineSettings
from enrichment_pipeline.defs.schedules import catch_up, refresh


def _upload(data_dir: Path, key: str) -> None:
    source = data_dir.parent / f"{key}.csv"
    source.write_text("name\nA\n")
    archive_upload(data_paths(data_dir).ensure(), key, source, move=True)


def _materialized(instance: dg.DagsterInstance, asset: str, key: str) -> None:
    instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=asset, partition=key))


def _context(instance: dg.DagsterInstance, data_dir: Path, when: datetime):
    # Use it as a context manager: an unclosed schedule context leaves the instance it opened
    # from the ref as Dagster's "current" state storage, and later definition loads in the
    # same process fail on its dead weakref.
    return dg.build_schedule_context(
        instance=instance,
        scheduled_execution_time=when,
        resources={"settings": PipelineSettings(data_dir=str(data_dir))},
    )


def test_catch_up_requests_uploads_without_an_export(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("uploads", ["done-1", "interrupted-2", "rejected-3"])
        for key in ("done-1", "interrupted-2"):
            _upload(data_dir, key)  # rejected-3's file was moved to rejected/: nothing to run
        _materialized(instance, "enriched_export", "done-1")
        with _context(instance, data_dir, datetime.now(UTC)) as context:
            requests = catch_up(context)
        assert [r.partition_key for r in requests] == ["interrupted-2"]
        assert requests[0].run_key == "catch_up:interrupted-2:0"
        assert requests[0].tags["enrich/trigger"] == "catch_up"
        # The run list names the user's file for catch-up runs too (from the archive sidecar).
        assert requests[0].tags["enrich/source_file"] == "interrupted-2.csv"

        _materialized(instance, "enriched_export", "interrupted-2")
        with _context(instance, data_dir, datetime.now(UTC)) as context:
            result = catch_up(context)
        assert isinstance(result, dg.SkipReason)


def test_refresh_requests_uploads_matched_longer_ago_than_the_ttl(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("uploads", ["a-1", "b-2"])
        for key in ("a-1", "b-2"):
            _materialized(instance, "website_matches", key)
            _materialized(instance, "enriched_export", key)
        now = datetime.now(UTC)
        with _context(instance, data_dir, now) as context:
            assert isinstance(refresh(context), dg.SkipReason)
        with _context(instance, data_dir, now + timedelta(days=31)) as context:
            later = refresh(context)
        assert sorted(r.partition_key for r in later) == ["a-1", "b-2"]
        assert all(r.run_key.startswith(f"refresh:{r.partition_key}:") for r in later)
        ops = later[0].run_config["ops"]
        assert ops["website_matches"]["config"]["max_age_days"] == 30
        assert ops["scraped_contacts"]["config"]["max_age_days"] == 30
