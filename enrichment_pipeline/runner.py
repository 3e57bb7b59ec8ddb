"""Run the pipeline for one file in this process: the `enrich_upload` job the sensor launches.

Used by the command line, the demo and the benchmark. The file is archived exactly as an inbox
drop would be, its partition is added, and the job runs with the in-process executor on the
instance named by DAGSTER_HOME (so the run shows in the UI) or an ephemeral one.
"""

from __future__ import annotations

import os
import re
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import dagster as dg

from enrichment_pipeline import stage_reuse
from enrichment_pipeline.core.ingest import upload_partition_key
from enrichment_pipeline.core.paths import data_paths
from enrichment_pipeline.core.uploads import archive_upload
from enrichment_pipeline.defs.partitions import uploads_partitions
from enrichment_pipeline.defs.tags import SOURCE_FILE_TAG, SOURCE_PATH_TAG, TRIGGER_TAG
from enrichment_pipeline.stage_progress import StageProgress

# "enrichment_pipeline.core.writing.config.WriterConfigError: " in front of a message.
_QUALIFIED_PREFIX = re.compile(r"^(?:[A-Za-z_][\w]*\.)+[A-Za-z_]\w*(?:Error|Exception): ")


def _root_message(error: Any) -> str:
    """The message of the exception that caused a step failure, without Dagster's wrappers.

    A step that failed after its retries reports "Exceeded max_retries"; one that raised reports
    "DagsterExecutionStepExecutionError: Error occurred while executing op ..."; the user's
    exception (and its message, which says what to do) is at the end of the cause chain.
    """
    message = error.message if error is not None else "unknown error"
    while error is not None and error.cause is not None:
        error = error.cause
        message = error.message
    first = message.strip().splitlines()[0] if message.strip() else "unknown error"
    return _QUALIFIED_PREFIX.sub("", first)


def _failure(result: dg.ExecuteInProcessResult) -> tuple[str, bool]:
    """The first failure's one-line reason, and whether the file itself was the problem."""
    for event in result.all_events:
        if event.event_type_value != "STEP_FAILURE" or event.step_failure_data is None:
            continue
        data = event.step_failure_data
        step = event.step_key or ""
        if data.user_failure_data is not None and data.user_failure_data.description:
            message = data.user_failure_data.description.strip().splitlines()[0]
        else:
            message = _root_message(data.error)
        return f"{step}: {message}", step == "raw_upload"
    for event in result.all_events:
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if not evaluation.passed and evaluation.severity.value == "ERROR":
                asset = evaluation.asset_key.to_user_string()
                return f"check {evaluation.check_name} failed on {asset}", False
    return "the run did not finish", False


def _warnings(result: dg.ExecuteInProcessResult) -> list[dict[str, str]]:
    """Asset checks that did not pass, with the reason they give (what the UI shows in yellow)."""
    found = []
    for evaluation in result.get_asset_check_evaluations():
        if evaluation.passed:
            continue
        found.append(
            {
                "asset": evaluation.asset_key.to_user_string(),
                "check": evaluation.check_name,
                "severity": evaluation.severity.value,
                "description": evaluation.description or "",
            }
        )
    return found


def _instance() -> dg.DagsterInstance:
    """The instance named by DAGSTER_HOME (created if missing), else an in-memory one."""
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        return dg.DagsterInstance.ephemeral()
    Path(home).mkdir(parents=True, exist_ok=True)
    return dg.DagsterInstance.get()


def run_file(
    path: Path,
    *,
    out_dir: Path | None = None,
    show_progress: bool = False,
    instance: dg.DagsterInstance | None = None,
    recompute: bool = False,
) -> dict[str, Any]:
    """Enrich one file; returns a summary dict (ok, error, paths, counts, reused stages).

    Stages whose stored results are still good for this file are taken as they are (see
    `stage_reuse`); `recompute` executes every stage regardless (the caches still apply).
    """
    from enrichment_pipeline.definitions import defs

    path = Path(path).resolve()
    paths = data_paths().ensure()
    key = upload_partition_key(path)
    archive_upload(paths, key, path, move=False)
    if instance is None:
        instance = _instance()
    if not instance.has_dynamic_partition(uploads_partitions.name, key):
        instance.add_dynamic_partitions(uploads_partitions.name, [key])
    ops: dict[str, Any] = {"raw_upload": {"config": {"source_path": str(path)}}}
    if out_dir is not None:
        ops["enriched_export"] = {"config": {"out_dir": str(Path(out_dir).resolve())}}
    # The command line reports failures itself, in one line; Dagster's console log stays quiet.
    run_config = {"ops": ops, "loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
    job = defs.resolve_job_def("enrich_upload")
    checking = time.perf_counter()
    fingerprint_tags = stage_reuse.fingerprints()
    reused = [] if recompute else stage_reuse.reusable_stages(instance, key, fingerprint_tags)
    reuse_check_s = time.perf_counter() - checking
    if reused:
        # The export reads the reused stages' tables; its config is the only one left to pass.
        ops = {k: v for k, v in ops.items() if k == "enriched_export"}
        run_config["ops"] = ops
    bars = StageProgress() if show_progress else None
    with bars.live() if bars else nullcontext():
        result = job.execute_in_process(
            partition_key=key,
            instance=instance,
            run_config=run_config,
            tags={
                SOURCE_PATH_TAG: str(path),
                SOURCE_FILE_TAG: path.name,
                TRIGGER_TAG: "cli",
                **fingerprint_tags,
            },
            raise_on_error=False,
            asset_selection=stage_reuse.selection(reused) if reused else None,
        )
        if bars:
            bars.finish(result.success)
    outcome: dict[str, Any] = {
        "ok": result.success,
        "file": path.name,
        "upload": key,
        "run_id": result.run_id,
        "warnings": _warnings(result),
        "reused": reused,
        "reuse_check_s": round(reuse_check_s, 3),
    }
    if not result.success:
        outcome["error"], outcome["bad_file"] = _failure(result)
        return outcome
    export = result.asset_materializations_for_node("enriched_export")
    meta = {k: v.value for k, v in export[-1].metadata.items()} if export else {}
    outcome.update(
        csv=meta.get("csv"),
        json=meta.get("json"),
        rejected=meta.get("rejected_csv"),
        report=meta.get("report"),
        rows_in=meta.get("rows_in"),
        rows_enriched=meta.get("rows_enriched"),
        rows_rejected=meta.get("rows_rejected"),
        rows_with_website=meta.get("rows_with_website"),
        rows_with_email=meta.get("rows_with_email"),
        rows_ready_to_send=meta.get("rows_ready_to_send"),
        writers=meta.get("writers", {}),
        model_calls=meta.get("model_calls"),
        cost_usd=meta.get("cost_usd"),
        statuses=meta.get("status_counts", {}),
        files_rewritten=meta.get("files_rewritten", True),
    )
    if "generated_emails" in reused:
        outcome.update(model_calls=0, cost_usd=0.0)  # the emails are last run's: nothing spent
    return outcome
