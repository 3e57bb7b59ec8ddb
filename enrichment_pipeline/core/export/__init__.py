"""Building and writing the enriched outputs (CSV, JSON, rejected CSV)."""

from enrichment_pipeline.core.export.columns import OUTPUT_COLUMNS, input_column_names
from enrichment_pipeline.core.export.enriched import (
    ExportPaths,
    ExportSummary,
    build_enriched_rows,
    build_rejected_rows,
    write_outputs,
)
from enrichment_pipeline.core.export.spreadsheet import spreadsheet_safe

__all__ = [
    "OUTPUT_COLUMNS",
    "ExportPaths",
    "ExportSummary",
    "build_enriched_rows",
    "build_rejected_rows",
    "input_column_names",
    "spreadsheet_safe",
    "write_outputs",
]
