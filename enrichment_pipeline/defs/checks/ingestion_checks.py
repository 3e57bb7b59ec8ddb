"""Checks on the uploaded rows: nothing lost between the file and the two record tables."""

import dagster as dg
import pandas as pd

from enrichment_pipeline.core.report import grouped_reasons
from enrichment_pipeline.defs.metadata import counts_table, preview, rate
from enrichment_pipeline.defs.partitions import uploads_partitions

WARN_REJECT_RATE = 0.2


@dg.asset_check(asset="raw_upload", partitions_def=uploads_partitions)
def raw_rows_numbered(raw_upload: pd.DataFrame) -> dg.AssetCheckResult:
    """Row numbers run 1..n without gaps or repeats, and the name column has values."""
    numbers = raw_upload["row_number"].tolist()
    contiguous = numbers == list(range(1, len(numbers) + 1))
    names = int(raw_upload["name"].fillna("").str.strip().ne("").sum())
    return dg.AssetCheckResult(
        passed=contiguous and (names > 0 or raw_upload.empty),
        metadata={"rows": len(numbers), "rows_with_name": names, "contiguous": contiguous},
        description=None if contiguous else "row numbers are not 1..n: rows were lost or repeated",
    )


@dg.asset_check(
    partitions_def=uploads_partitions,
    asset="validated_records",
    blocking=True,
    additional_ins={"raw_upload": dg.AssetIn(), "rejected_records": dg.AssetIn()},
)
def rows_conserved(
    validated_records: pd.DataFrame, raw_upload: pd.DataFrame, rejected_records: pd.DataFrame
) -> dg.AssetCheckResult:
    """Every uploaded row is in exactly one of validated_records and rejected_records.

    Blocking: if a row went missing (or appears twice), nothing downstream runs.
    """
    raw = set(raw_upload["row_number"].astype(int))
    valid = list(validated_records["row_number"].astype(int))
    rejected = list(rejected_records["row_number"].astype(int))
    both = set(valid) & set(rejected)
    missing = raw - set(valid) - set(rejected)
    unknown = (set(valid) | set(rejected)) - raw
    repeated = len(valid) != len(set(valid)) or len(rejected) != len(set(rejected))
    passed = not (both or missing or unknown or repeated) and len(raw_upload) == len(valid) + len(
        rejected
    )
    return dg.AssetCheckResult(
        passed=passed,
        metadata={
            "raw_rows": len(raw_upload),
            "validated": len(valid),
            "rejected": len(rejected),
            "missing_rows": sorted(missing)[:20],
            "in_both": sorted(both)[:20],
        },
        description=None
        if passed
        else f"rows not conserved: {len(missing)} missing, {len(both)} in both tables",
    )


@dg.asset_check(asset="validated_records", partitions_def=uploads_partitions)
def duplicates_point_to_first_row(validated_records: pd.DataFrame) -> dg.AssetCheckResult:
    """A repeated business points at an earlier row with the same company_key."""
    by_row = dict(
        zip(validated_records["row_number"], validated_records["company_key"], strict=True)
    )
    bad = [
        int(r.row_number)
        for r in validated_records.itertuples()
        if pd.notna(r.duplicate_of)
        and (
            int(r.duplicate_of) >= r.row_number or by_row.get(int(r.duplicate_of)) != r.company_key
        )
    ]
    return dg.AssetCheckResult(
        passed=not bad,
        metadata={"bad_rows": bad[:20], "keys": validated_records["company_key"].nunique()},
    )


@dg.asset_check(
    partitions_def=uploads_partitions,
    asset="rejected_records",
    additional_ins={"raw_upload": dg.AssetIn()},
)
def rejection_rate(rejected_records: pd.DataFrame, raw_upload: pd.DataFrame) -> dg.AssetCheckResult:
    """Warns when more than 20% of your file's rows could not be used, with the main reasons.

    Rows are rejected for a missing business name, or a phone that is not a real number with no
    address or website to identify the business instead. They are listed with the reason in
    `<name>.rejected.csv`: fix them and drop the corrected file again. Fails (error) if a
    rejected row has no reason, which would be a bug.
    """
    share = rate(len(rejected_records), len(raw_upload))
    reasons = grouped_reasons(rejected_records["reason"], top=5)
    without_reason = int(rejected_records["reason"].fillna("").eq("").sum())
    too_many = share > WARN_REJECT_RATE
    description = None
    if len(rejected_records) and reasons:
        description = (
            f"{len(rejected_records)} of {len(raw_upload)} rows ({share:.0%}) could not be used; "
            f"most common: {reasons[0][0]} ({reasons[0][1]})"
        )
    return dg.AssetCheckResult(
        passed=not too_many and without_reason == 0,
        severity=dg.AssetCheckSeverity.ERROR if without_reason else dg.AssetCheckSeverity.WARN,
        metadata={
            "reject_rate": share,
            "rejected": len(rejected_records),
            "top_reasons": counts_table(reasons, ("reason", "rows")),
            "rejected_rows": preview(rejected_records, ["row_number", "reason"]),
        },
        description=description,
    )
