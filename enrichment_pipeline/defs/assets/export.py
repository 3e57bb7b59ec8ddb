"""Stage 5: write the enriched CSV/JSON and the rejected rows to the outbox."""

from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pandas as pd

from enrichment_pipeline.core.export import write_outputs
from enrichment_pipeline.core.export.suppression import load_suppression_list
from enrichment_pipeline.core.uploads import find_archived, output_stem
from enrichment_pipeline.defs.assets.common import naive_utc
from enrichment_pipeline.defs.metadata import Timer, counts_table, rate
from enrichment_pipeline.defs.partitions import uploads_partitions
from enrichment_pipeline.defs.resources import PipelineSettings
from enrichment_pipeline.defs.schemas import column_schema


class ExportConfig(dg.Config):
    out_dir: str | None = None  # default: the data directory's outbox


@dg.asset(
    partitions_def=uploads_partitions,
    group_name="outreach",
    kinds={"csv", "json", "duckdb"},
    metadata={"partition_expr": "upload_id", **column_schema("enriched_export")},
    tags={"stage": "export"},
)
def enriched_export(
    context: dg.AssetExecutionContext,
    config: ExportConfig,
    settings: PipelineSettings,
    raw_upload: pd.DataFrame,
    validated_records: pd.DataFrame,
    rejected_records: pd.DataFrame,
    website_matches: pd.DataFrame,
    scraped_contacts: pd.DataFrame,
    generated_emails: pd.DataFrame,
) -> dg.Output[pd.DataFrame]:
    """The enriched file: `outbox/<name>.csv`, `<name>.json` and `<name>.rejected.csv`.

    Your columns first, in your order, then status, website, emails, phones, decision maker,
    social profiles and the written email. The CSV is safe to open in Excel (no cell can run as
    a formula; UTF-8 with BOM); the JSON keeps raw values. Addresses and domains on the
    suppression list (`data/suppression.csv`) are never exported.
    """
    timer = Timer()
    paths = settings.paths()
    key = context.partition_key
    archived = find_archived(paths, key)
    stem = (
        archived.stem
        if archived
        else output_stem(str(raw_upload["source_file"].iloc[0]) if len(raw_upload) else key)
    )
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
            "csv": dg.MetadataValue.path(str(summary.paths.csv)),
            "json": dg.MetadataValue.path(str(summary.paths.json)),
            "rejected_csv": dg.MetadataValue.path(str(summary.paths.rejected)),
            "rows_in": summary.rows_in,
            "rows_enriched": summary.rows_enriched,
            "rows_rejected": summary.rows_rejected,
            "by_status": counts_table(sorted(summary.status_counts.items()), ("status", "rows")),
            "status_counts": dg.MetadataValue.json(summary.status_counts),
            "rows_with_email": summary.rows_with_email,
            "with_email_rate": rate(summary.rows_with_email, summary.rows_enriched),
            "suppression_entries": len(suppressed),
            "duration_s": timer.seconds,
        },
    )
