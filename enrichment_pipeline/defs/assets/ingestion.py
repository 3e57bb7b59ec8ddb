"""Stage 1: read the uploaded file, then validate and normalise its rows."""

import warnings
from collections import Counter
from pathlib import Path

import dagster as dg
import pandas as pd
from dagster_pandera import pandera_schema_to_dagster_type

from enrichment_pipeline.core import progress
from enrichment_pipeline.core.ingest import (
    IngestConfig,
    UploadError,
    read_upload,
    upload_partition_key,
)
from enrichment_pipeline.core.normalize import ValidRecords, validate_records
from enrichment_pipeline.core.uploads import (
    ArchivedUpload,
    archive_upload,
    find_archived,
    reject_upload,
)
from enrichment_pipeline.defs.metadata import Timer, counts_table, preview, rate
from enrichment_pipeline.defs.partitions import uploads_partitions
from enrichment_pipeline.defs.resources import PipelineSettings
from enrichment_pipeline.defs.schemas import column_schema

GROUP = "ingestion"
with warnings.catch_warnings():
    # Beta API; the warning would break the command line's one-line error contract on stderr.
    warnings.simplefilter("ignore", dg.BetaWarning)
    VALID_RECORDS_TYPE = pandera_schema_to_dagster_type(ValidRecords)


class RawUploadConfig(dg.Config):
    source_path: str | None = None  # the inbox file the sensor (or CLI) picked up


def _locate_upload(
    context: dg.AssetExecutionContext, config: RawUploadConfig, settings: PipelineSettings
) -> ArchivedUpload:
    """Find the partition's file: the archived copy, else the inbox file named by the run."""
    paths = settings.paths().ensure()
    key = context.partition_key
    archived = find_archived(paths, key)
    if archived is not None:
        return archived
    source = config.source_path
    if not source or not Path(source).is_file():
        raise dg.Failure(
            description=(
                f"No file for upload {key!r}: it is neither in {paths.archive} nor at the "
                f"inbox path in the run config ({source!r}). Drop the file into the inbox again."
            ),
            allow_retries=False,
        )
    source_path = Path(source)
    actual = upload_partition_key(source_path)
    if actual != key:
        raise dg.Failure(
            description=(
                f"{source_path.name} changed after it was picked up (now {actual!r}, run is for "
                f"{key!r}); the new content will be processed as its own upload."
            ),
            allow_retries=False,
        )
    in_inbox = source_path.resolve().parent == paths.inbox.resolve()
    return archive_upload(paths, key, source_path, move=in_inbox)


@dg.asset(
    partitions_def=uploads_partitions,
    group_name=GROUP,
    kinds={"csv", "duckdb"},
    metadata={"partition_expr": "upload_id", **column_schema("raw_upload")},
    tags={"stage": "ingest"},
)
def raw_upload(
    context: dg.AssetExecutionContext, config: RawUploadConfig, settings: PipelineSettings
) -> dg.Output[pd.DataFrame]:
    """Your uploaded file, exactly as read: every column kept as text, each row numbered.

    The file is first copied to the archive (`data/archive/`), so it can be processed again
    later even after it left the inbox. The encoding (UTF-8, Excel's Windows-1252...), the
    separator (comma, semicolon, tab) and which of your columns holds the name, address, phone
    and website are detected. A file that cannot be used (empty, no name column, an Excel file
    renamed .csv, too big) is moved to `data/rejected/` with a `.error.txt` that says why and
    what to do, and the run stops with that message.
    """
    timer = Timer()
    progress.report("raw_upload", 0, 0)
    upload = _locate_upload(context, config, settings)
    ingest_config = IngestConfig(
        max_bytes=int(settings.max_upload_mb * 1024 * 1024),
        max_rows=settings.max_rows,
        column_map=settings.column_mapping(),
    )
    try:
        result = read_upload(upload.path, ingest_config)
    except UploadError as err:
        moved_to = reject_upload(settings.paths(), upload, str(err))
        raise dg.Failure(
            description=f"{upload.original_name}: {err}",
            metadata={"reason": err.code, "moved_to": str(moved_to)},
            allow_retries=False,
        ) from err
    frame = result.frame.copy()
    frame["source_file"] = upload.original_name
    for warning in result.warnings:
        context.log.warning(f"{upload.original_name}: {warning}")
    progress.report("raw_upload", len(frame), len(frame))
    return dg.Output(
        frame,
        metadata={
            "dagster/row_count": len(frame),
            "source_file": upload.original_name,
            "archived_copy": dg.MetadataValue.path(str(upload.path)),
            "rows": len(frame),
            "encoding": result.encoding,
            "delimiter": repr(result.delimiter),
            "column_mapping": counts_table(
                sorted(result.mapping.items()), ("field", "your column")
            ),
            "unmapped_columns": ", ".join(
                h for h in result.headers if h not in result.mapping.values()
            )
            or "none",
            "warnings": len(result.warnings),
            "preview": preview(
                frame, ["row_number", "name", "address", "city", "state", "phone", "website"]
            ),
            "duration_s": timer.seconds,
        },
    )


@dg.multi_asset(
    partitions_def=uploads_partitions,
    group_name=GROUP,
    outs={
        "validated_records": dg.AssetOut(
            description=(
                "The rows of your file that can be worked on, tidied up: the business name, "
                "street, city, state and ZIP split out, the phone number in international form "
                "(+13055550100), the website reduced to its homepage, and a stable company_key. "
                "A business listed twice points at its first row (duplicate_of), so it is "
                "researched and emailed once."
            ),
            metadata={"partition_expr": "upload_id", **column_schema("validated_records")},
            kinds={"duckdb", "pandas"},
            # The Pandera contract as the output's Dagster type: shown in the UI, and checked
            # again on the way out (a bug in normalisation fails loudly instead of storing).
            dagster_type=VALID_RECORDS_TYPE,
        ),
        "rejected_records": dg.AssetOut(
            description=(
                "The rows of your file that could not be used, each with the specific reason "
                "(for example: missing business name; a phone number that is not real and no "
                "address or website to go by). Together with validated_records they hold every "
                "row of your file: nothing is ever dropped silently. Also written to "
                "<name>.rejected.csv in the outbox."
            ),
            metadata={"partition_expr": "upload_id", **column_schema("rejected_records")},
            kinds={"duckdb", "pandas"},
        ),
    },
    op_tags={"stage": "validate"},
)
def validated_and_rejected_records(
    context: dg.AssetExecutionContext, settings: PipelineSettings, raw_upload: pd.DataFrame
):
    """Check every row (Pandera) and tidy the good ones; the rest go to rejected_records."""
    timer = Timer()
    progress.report("validated_records", 0, len(raw_upload))
    result = validate_records(raw_upload, region=settings.region)
    valid, rejected = result.valid, result.rejected
    total = len(raw_upload)
    duplicates = int(valid["duplicate_of"].notna().sum()) if len(valid) else 0
    reasons = Counter(rejected["reason"]).most_common(10) if len(rejected) else []
    progress.report("validated_records", total, total)
    yield dg.Output(
        valid,
        output_name="validated_records",
        metadata={
            "dagster/row_count": len(valid),
            "rows": len(valid),
            "rows_in_file": total,
            "valid_rate": rate(len(valid), total),
            "duplicates": duplicates,
            "unique_businesses": len(valid) - duplicates,
            "with_phone": int(valid["phone_e164"].notna().sum()) if len(valid) else 0,
            "with_website": int(valid["website"].notna().sum()) if len(valid) else 0,
            "preview": preview(
                valid,
                [
                    "row_number",
                    "name",
                    "city",
                    "state",
                    "zip",
                    "phone_e164",
                    "website",
                    "duplicate_of",
                ],
            ),
            "duration_s": timer.seconds,
        },
    )
    yield dg.Output(
        rejected,
        output_name="rejected_records",
        metadata={
            "dagster/row_count": len(rejected),
            "rows": len(rejected),
            "reject_rate": rate(len(rejected), total),
            "top_reasons": counts_table(reasons, ("reason", "rows")),
            "preview": preview(rejected, ["row_number", "reason", "fields"]),
        },
    )
