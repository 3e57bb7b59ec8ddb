"""Stage 6: write the enriched CSV/JSON, the rejected rows and the data-quality report."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd

from enrichment_pipeline.core import progress
from enrichment_pipeline.core.export import ExportPaths, write_outputs
from enrichment_pipeline.core.export.suppression import load_suppression_list
from enrichment_pipeline.core.export.unchanged import ExportRecords, inputs_fingerprint
from enrichment_pipeline.core.report import summarize_upload, write_report
from enrichment_pipeline.core.uploads import find_archived, output_stem
from enrichment_pipeline.defs.assets.common import naive_utc
from enrichment_pipeline.defs.metadata import Timer, counts_table, funnel_table, rate
from enrichment_pipeline.defs.partitions import uploads_partitions
from enrichment_pipeline.defs.resources import PipelineSettings, SearchResource
from enrichment_pipeline.defs.schemas import column_schema


class ExportConfig(dg.Config):
    out_dir: str | None = None  # default: the data directory's outbox


@dg.asset(
    partitions_def=uploads_partitions,
    group_name="outreach",
    kinds={"csv", "json", "html", "duckdb"},
    metadata={"partition_expr": "upload_id", **column_schema("enriched_export")},
    tags={"stage": "export"},
)
def enriched_export(
    context: dg.AssetExecutionContext,
    config: ExportConfig,
    settings: PipelineSettings,
    search: SearchResource,
    raw_upload: pd.DataFrame,
    validated_records: pd.DataFrame,
    rejected_records: pd.DataFrame,
    website_matches: pd.DataFrame,
    scraped_contacts: pd.DataFrame,
    generated_emails: pd.DataFrame,
) -> dg.Output[pd.DataFrame]:
    """Your results: the enriched spreadsheet, the rows we could not use, and a report.

    Writes four files into the outbox (`data/outbox/`), named after your file:
    `<name>.csv` (your columns first, in your order, then status, website, emails, phones,
    decision maker, social profiles and the written email; safe to open in Excel),
    `<name>.json` (the same rows with raw values), `<name>.rejected.csv` (each unusable row with
    the reason) and `<name>.report.html` (the data-quality report: funnel, match confidence,
    sources, rejection reasons, cost). Addresses and domains on the suppression list
    (`data/suppression.csv`) are never exported. When nothing it reads has changed and the
    four files are still there as written, they are left as they are (`files_rewritten`).
    """
    timer = Timer()
    progress.report("enriched_export", 0, len(raw_upload))
    paths = settings.paths()
    key = context.partition_key
    archived = find_archived(paths, key)
    original = (
        archived.original_name
        if archived
        else (str(raw_upload["source_file"].iloc[0]) if len(raw_upload) else key)
    )
    stem = archived.stem if archived else output_stem(original)
    out_dir = Path(config.out_dir).expanduser() if config.out_dir else paths.outbox
    suppressed = load_suppression_list(paths.suppression_list)
    threshold = search.accept_threshold
    inputs = (
        raw_upload,
        validated_records,
        rejected_records,
        website_matches,
        scraped_contacts,
        generated_emails,
    )
    fingerprint = inputs_fingerprint(
        inputs, (str(out_dir.resolve()), stem, original, sorted(suppressed), threshold)
    )
    csv_path = ExportPaths.for_stem(out_dir, stem).csv
    with ExportRecords(paths.cache_db) as records:
        # Nothing it reads changed and the files are as written: leave them (see unchanged.py).
        result = records.unchanged(csv_path, fingerprint)
        rewritten = result is None
        if result is None:
            result = _write(out_dir, stem, original, key, inputs, suppressed, threshold)
            records.remember(
                csv_path,
                fingerprint,
                [Path(result[k]) for k in ("csv", "json", "rejected_csv", "report")],
                result,
            )
    progress.report("enriched_export", result["rows_in"], result["rows_in"])
    frame = pd.DataFrame(
        [
            {
                "csv_path": result["csv"],
                "json_path": result["json"],
                "rejected_path": result["rejected_csv"],
                "rows_in": result["rows_in"],
                "rows_enriched": result["rows_enriched"],
                "rows_rejected": result["rows_rejected"],
                "rows_ok": result["status_counts"].get("ok", 0),
                "rows_with_email": result["rows_with_email"],
                "exported_at": naive_utc(datetime.now(UTC)),
            }
        ]
    )
    return dg.Output(
        frame,
        metadata={
            "report": dg.MetadataValue.path(result["report"]),
            "csv": dg.MetadataValue.path(result["csv"]),
            "json": dg.MetadataValue.path(result["json"]),
            "rejected_csv": dg.MetadataValue.path(result["rejected_csv"]),
            "funnel": funnel_table([(label, rows) for label, rows in result["funnel"]]),
            "rows_in": result["rows_in"],
            "rows_enriched": result["rows_enriched"],
            "rows_rejected": result["rows_rejected"],
            "by_status": counts_table(sorted(result["status_counts"].items()), ("status", "rows")),
            "status_counts": dg.MetadataValue.json(result["status_counts"]),
            "rows_with_website": result["rows_with_website"],
            "rows_with_email": result["rows_with_email"],
            "rows_ready_to_send": result["rows_ready_to_send"],
            "with_email_rate": rate(result["rows_with_email"], result["rows_enriched"]),
            "writers": dg.MetadataValue.json(result["writers"]),
            "model_calls": result["model_calls"],
            "cost_usd": result["cost_usd"],
            "suppression_entries": result["suppression_entries"],
            "files_rewritten": rewritten,
            "duration_s": timer.seconds,
        },
    )


def _write(
    out_dir: Path,
    stem: str,
    original: str,
    key: str,
    inputs: tuple[pd.DataFrame, ...],
    suppressed: set[str],
    threshold: float,
) -> dict[str, Any]:
    """Write the four files; returns what the materialization reports (plain values)."""
    raw, valid, rejected, matches, contacts, emails = inputs
    summary = write_outputs(
        out_dir, stem, raw, valid, rejected, matches, contacts, emails, suppressed=suppressed
    )
    quality = summarize_upload(
        file_name=original,
        upload_key=key,
        rows_in=summary.rows_in,
        validated=valid,
        rejected=rejected,
        matches=matches,
        contacts=contacts,
        emails=emails,
        row_statuses=summary.status_counts,
        rows_with_website=summary.rows_with_website,
        rows_with_email=summary.rows_with_email,
        rows_ready=summary.rows_ready,
        outputs={
            "csv": summary.paths.csv.name,
            "json": summary.paths.json.name,
            "rejected": summary.paths.rejected.name,
        },
        suppression_entries=len(suppressed),
    )
    report = write_report(out_dir / f"{stem}.report.html", quality, threshold=threshold)
    return {
        "csv": str(summary.paths.csv),
        "json": str(summary.paths.json),
        "rejected_csv": str(summary.paths.rejected),
        "report": str(report),
        "rows_in": summary.rows_in,
        "rows_enriched": summary.rows_enriched,
        "rows_rejected": summary.rows_rejected,
        "status_counts": dict(summary.status_counts),
        "rows_with_website": summary.rows_with_website,
        "rows_with_email": summary.rows_with_email,
        "rows_ready_to_send": summary.rows_ready,
        "funnel": [[step.label, step.rows] for step in quality.funnel],
        "writers": dict(quality.cost.writers),
        "model_calls": quality.cost.model_calls,
        "cost_usd": quality.cost.cost_usd,
        "suppression_entries": len(suppressed),
    }
