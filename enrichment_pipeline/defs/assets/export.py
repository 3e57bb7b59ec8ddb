"""Stage 6: write the enriched CSV/JSON, the rejected rows and the data-quality report."""

from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pandas as pd

from enrichment_pipeline.core import progress
from enrichment_pipeline.core.export import write_outputs
from enrichment_pipeline.core.export.suppression import load_suppression_list
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
    (`data/suppression.csv`) are never exported.
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
    summary = write_outputs(
        out_dir,
        stem,
        raw_upload,
        validated_records,
        rejected_records,
        website_matches,
        scraped_contacts,
        generated_emails,
        suppressed=suppressed,
    )
    quality = summarize_upload(
        file_name=original,
        upload_key=key,
        rows_in=summary.rows_in,
        validated=validated_records,
        rejected=rejected_records,
        matches=website_matches,
        contacts=scraped_contacts,
        emails=generated_emails,
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
    report = write_report(
        out_dir / f"{stem}.report.html", quality, threshold=search.accept_threshold
    )
    progress.report("enriched_export", summary.rows_in, summary.rows_in)
    frame = pd.DataFrame(
        [
            {
                "csv_path": str(summary.paths.csv),
                "json_path": str(summary.paths.json),
                "rejected_path": str(summary.paths.rejected),
                "rows_in": summary.rows_in,
                "rows_enriched": summary.rows_enriched,
                "rows_rejected": summary.rows_rejected,
                "rows_ok": summary.status_counts.get("ok", 0),
                "rows_with_email": summary.rows_with_email,
                "exported_at": naive_utc(datetime.now(UTC)),
            }
        ]
    )
    return dg.Output(
        frame,
        metadata={
            "report": dg.MetadataValue.path(str(report)),
            "csv": dg.MetadataValue.path(str(summary.paths.csv)),
            "json": dg.MetadataValue.path(str(summary.paths.json)),
            "rejected_csv": dg.MetadataValue.path(str(summary.paths.rejected)),
            "funnel": funnel_table([(s.label, s.rows) for s in quality.funnel]),
            "rows_in": summary.rows_in,
            "rows_enriched": summary.rows_enriched,
            "rows_rejected": summary.rows_rejected,
            "by_status": counts_table(sorted(summary.status_counts.items()), ("status", "rows")),
            "status_counts": dg.MetadataValue.json(summary.status_counts),
            "rows_with_website": summary.rows_with_website,
            "rows_with_email": summary.rows_with_email,
            "rows_ready_to_send": summary.rows_ready,
            "with_email_rate": rate(summary.rows_with_email, summary.rows_enriched),
            "writers": dg.MetadataValue.json(quality.cost.writers),
            "model_calls": quality.cost.model_calls,
            "cost_usd": quality.cost.cost_usd,
            "suppression_entries": len(suppressed),
            "duration_s": timer.seconds,
        },
    )
