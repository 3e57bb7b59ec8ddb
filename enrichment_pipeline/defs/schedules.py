"""Scheduled backfills: finish interrupted uploads, refresh stale matches and contacts."""

import os
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

import dagster as dg

from enrichment_pipeline.core.uploads import ArchivedUpload, find_archived
from enrichment_pipeline.defs.jobs import enrich_upload_job, refresh_job
from enrichment_pipeline.defs.partitions import uploads_partitions
from enrichment_pipeline.defs.resources import PipelineSettings
from enrichment_pipeline.defs.tags import SOURCE_FILE_TAG, TRIGGER_TAG

MAX_CATCH_UP_ATTEMPTS = 3
ACTIVE = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]


def plan_catch_up(
    keys: Iterable[str],
    exported: set[str],
    archived: set[str],
    active: set[str],
    failures: Mapping[str, int],
    max_attempts: int = MAX_CATCH_UP_ATTEMPTS,
) -> list[tuple[str, int]]:
    """Partitions to run again, with their failure count (used in the run key).

    Skipped: exported ones, rejected or deleted files (nothing in the archive to read), ones
    with a run in flight, and ones that already failed `max_attempts` times (they need a
    human; the UI shows their failed runs).
    """
    plan = []
    for key in keys:
        if key in exported or key not in archived or key in active:
            continue
        if failures.get(key, 0) >= max_attempts:
            continue
        plan.append((key, failures.get(key, 0)))
    return plan


def _runs_by_partition(
    instance: dg.DagsterInstance, statuses: list[dg.DagsterRunStatus]
) -> dict[str, int]:
    counts: dict[str, int] = {}
    for run in instance.get_runs(
        filters=dg.RunsFilter(statuses=statuses, job_name=enrich_upload_job.name)
    ):
        key = run.tags.get("dagster/partition")
        if key:
            counts[key] = counts.get(key, 0) + 1
    return counts


@dg.schedule(
    job=enrich_upload_job,
    cron_schedule="*/15 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description=(
        "Every 15 minutes: finishes uploads whose results are missing because a run was "
        "interrupted (a restart, a crash) or failed, up to 3 attempts each; work already done "
        "is reused from the caches. Files that could not be read are not retried. On by default."
    ),
)
def catch_up(context: dg.ScheduleEvaluationContext, settings: PipelineSettings):
    instance = context.instance
    paths = settings.paths()
    keys = instance.get_dynamic_partitions(uploads_partitions.name)
    exported = set(instance.get_materialized_partitions(dg.AssetKey("enriched_export")))
    uploads = {k: find_archived(paths, k) for k in keys}
    archived = {k for k, upload in uploads.items() if upload is not None}
    active = set(_runs_by_partition(instance, ACTIVE))
    failures = _runs_by_partition(instance, [dg.DagsterRunStatus.FAILURE])
    plan = plan_catch_up(keys, exported, archived, active, failures)
    if not plan:
        return dg.SkipReason("every upload is exported or in progress")
    return [
        dg.RunRequest(
            partition_key=key,
            run_key=f"catch_up:{key}:{attempt}",
            tags={TRIGGER_TAG: "catch_up", **_source_tag(uploads.get(key))},
        )
        for key, attempt in plan
    ]


def _source_tag(upload: ArchivedUpload | None) -> dict[str, str]:
    """The run tag naming the user's file, so every run in the UI says which file it is for."""
    return {SOURCE_FILE_TAG: upload.original_name} if upload is not None else {}


def refresh_ttl() -> timedelta:
    return timedelta(days=float(os.environ.get("ENRICH_REFRESH_DAYS", "30")))


def plan_refresh(last_matched: Mapping[str, datetime], now: datetime, ttl: timedelta) -> list[str]:
    """Partitions whose website matches are older than the TTL."""
    return sorted(k for k, when in last_matched.items() if now - when > ttl)


@dg.schedule(
    job=refresh_job,
    cron_schedule="0 3 * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description=(
        "Nightly at 03:00: re-checks the websites and contacts of uploads processed more than "
        "ENRICH_REFRESH_DAYS (30) days ago, then refreshes their emails and result files. "
        "Emails of businesses whose facts did not change cost no model calls. On by default."
    ),
)
def refresh(context: dg.ScheduleEvaluationContext, settings: PipelineSettings):
    instance = context.instance
    exported = set(instance.get_materialized_partitions(dg.AssetKey("enriched_export")))
    last: dict[str, datetime] = {}
    for key in sorted(exported):
        records = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=dg.AssetKey("website_matches"), asset_partitions=[key]),
            limit=1,
        ).records
        if records:
            last[key] = datetime.fromtimestamp(records[0].timestamp, tz=UTC)
    now = context.scheduled_execution_time or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    due = plan_refresh(last, now, refresh_ttl())
    if not due:
        return dg.SkipReason("no upload is older than the refresh TTL")
    day = now.strftime("%Y-%m-%d")
    paths = settings.paths()
    # "Stale" must mean the same for the caches as for this schedule: pages and matches older
    # than the refresh TTL are fetched again even when the cache TTLs are longer.
    fresh = {"config": {"max_age_days": refresh_ttl().total_seconds() / 86_400}}
    run_config = {"ops": {"website_matches": fresh, "scraped_contacts": fresh}}
    return [
        dg.RunRequest(
            partition_key=key,
            run_key=f"refresh:{key}:{day}",
            run_config=run_config,
            tags={TRIGGER_TAG: "refresh", **_source_tag(find_archived(paths, key))},
        )
        for key in due
    ]
