"""The decisions behind the catch_up and refresh schedules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from enrichment_pipeline.defs.schedules import plan_catch_up, plan_refresh


def test_catch_up_retries_only_unfinished_runnable_partitions() -> None:
    plan = plan_catch_up(
        keys=["done", "failed-once", "rejected", "running", "gave-up", "never-ran"],
        exported={"done"},
        archived={"done", "failed-once", "running", "gave-up", "never-ran"},
        active={"running"},
        failures={"failed-once": 1, "gave-up": 3},
    )
    assert plan == [("failed-once", 1), ("never-ran", 0)]


def test_refresh_picks_partitions_older_than_the_ttl() -> None:
    now = datetime(2026, 12, 4, 3, tzinfo=UTC)
    last = {
        "old": now - timedelta(days=31),
        "fresh": now - timedelta(days=2),
        "edge": now - timedelta(days=30),
    }
    assert plan_refresh(last, now, timedelta(days=30)) == ["old"]
