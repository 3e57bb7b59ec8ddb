"""Checks on the written files: every row accounted for, every cell spreadsheet-safe."""

import csv
from pathlib import Path

import dagster as dg
import pandas as pd

from enrichment_pipeline.core.export.spreadsheet import spreadsheet_safe
from enrichment_pipeline.defs.partitions import uploads_partitions


def _read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


@dg.asset_check(
    partitions_def=uploads_partitions,
    asset="enriched_export",
    additional_ins={"raw_upload": dg.AssetIn()},
)
def export_accounts_for_every_row(
    enriched_export: pd.DataFrame, raw_upload: pd.DataFrame
) -> dg.AssetCheckResult:
    """Reads the written CSVs back: enriched + rejected rows = uploaded rows; no formula cells."""
    row = enriched_export.iloc[0]
    enriched = _read_csv(Path(row["csv_path"]))
    rejected = _read_csv(Path(row["rejected_path"]))
    data_rows = len(enriched) - 1 + len(rejected) - 1
    unsafe = [
        cell for r in (enriched[1:] + rejected[1:]) for cell in r if spreadsheet_safe(cell) != cell
    ]
    passed = data_rows == len(raw_upload) and not unsafe
    return dg.AssetCheckResult(
        passed=passed,
        metadata={
            "uploaded_rows": len(raw_upload),
            "exported_rows": data_rows,
            "unsafe_cells": len(unsafe),
        },
        description=None
        if passed
        else f"{len(raw_upload)} rows uploaded, {data_rows} exported, {len(unsafe)} unsafe cells",
    )
