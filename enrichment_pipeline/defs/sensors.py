"""The inbox sensor: a CSV dropped into the inbox becomes a partition and a run."""

import json

import dagster as dg

from enrichment_pipeline.core.inbox import mark_requested, new_state, scan_inbox
from enrichment_pipeline.core.ingest import upload_partition_key
from enrichment_pipeline.core.uploads import archived_contents, file_sha256, move_aside_duplicate
from enrichment_pipeline.defs.jobs import enrich_upload_job
from enrichment_pipeline.defs.partitions import uploads_partitions
from enrichment_pipeline.defs.resources import PipelineSettings
from enrichment_pipeline.defs.tags import SOURCE_FILE_TAG, SOURCE_PATH_TAG, TRIGGER_TAG

SETTLE_SECONDS = 2.0


@dg.sensor(
    job=enrich_upload_job,
    minimum_interval_seconds=5,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "On by default. Every 5 seconds, looks into the inbox folder (data/inbox/). Each CSV "
        "that has finished copying becomes an upload (named after the file plus a fingerprint "
        "of its content) and a run of the whole pipeline; the run is tagged with your file "
        "name. A file whose content was already processed, under any name, is not processed "
        "again (it is moved to archive/duplicates/). Other files are left alone."
    ),
)
def inbox_sensor(context: dg.SensorEvaluationContext, settings: PipelineSettings):
    paths = settings.paths().ensure()
    state = json.loads(context.cursor) if context.cursor else new_state()
    scan = scan_inbox(paths.inbox, state, settle_s=SETTLE_SECONDS)
    for path in scan.newly_ignored:
        context.log.info(f"ignoring {path.name}: not a CSV file (.csv, .tsv or .txt)")

    run_requests: list[dg.RunRequest] = []
    new_keys: list[str] = []
    # Content already archived (under any file name) or already requested this tick.
    known = archived_contents(paths) if scan.ready else {}
    for path in scan.ready:
        sha = file_sha256(path)
        key = upload_partition_key(path)
        if sha in known:
            moved = move_aside_duplicate(paths, path, known[sha])
            context.log.info(f"{path.name}: same content as upload {known[sha]}; moved to {moved}")
            continue
        known[sha] = key
        already = context.instance.has_dynamic_partition(uploads_partitions.name, key)
        if not already:
            new_keys.append(key)
        mtime_ns = path.stat().st_mtime_ns
        run_requests.append(
            dg.RunRequest(
                partition_key=key,
                run_key=f"{key}:{mtime_ns}",
                run_config={"ops": {"raw_upload": {"config": {"source_path": str(path)}}}},
                tags={SOURCE_PATH_TAG: str(path), SOURCE_FILE_TAG: path.name, TRIGGER_TAG: "inbox"},
            )
        )
        mark_requested(state, path, key)
        context.log.info(f"{path.name}: requesting a run for upload {key}")

    cursor = json.dumps(state, sort_keys=True)
    if not run_requests:
        waiting = ", ".join(p.name for p in scan.waiting)
        return dg.SensorResult(
            skip_reason=f"waiting for {waiting} to finish copying" if waiting else "inbox is empty",
            cursor=cursor,
        )
    return dg.SensorResult(
        run_requests=run_requests,
        dynamic_partitions_requests=[uploads_partitions.build_add_request(new_keys)]
        if new_keys
        else [],
        cursor=cursor,
    )
