"""`validate_records`: normalise every raw row, then let the Pandera model sort valid from rejected.

No row is ever dropped: each input row ends in exactly one of `valid` and `rejected`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from enrichment_pipeline.core.normalize.addresses import parse_address
from enrichment_pipeline.core.normalize.cells import clean_cell, hyperlink_parts, is_missing
from enrichment_pipeline.core.normalize.keys import company_key
from enrichment_pipeline.core.normalize.names import display_name, normalize_company_name
from enrichment_pipeline.core.normalize.phones import to_e164
from enrichment_pipeline.core.normalize.schema import (
    MAX_NAME_LENGTH,
    REJECTED_COLUMNS,
    VALID_COLUMNS,
    ValidRecords,
)
from enrichment_pipeline.core.normalize.websites import canonical_website

_INPUT_FIELDS = ("name", "address", "city", "state", "zip", "phone", "website")
_STRING_COLUMNS = tuple(c for c in VALID_COLUMNS if c not in {"row_number", "duplicate_of"})


@dataclass
class ValidationResult:
    """Rows that passed (`valid`, columns `VALID_COLUMNS`) and rows that did not (`rejected`:
    row_number, reason, fields). len(valid) + len(rejected) == number of input rows."""

    valid: pd.DataFrame
    rejected: pd.DataFrame


def validate_records(raw: pd.DataFrame, *, region: str = "US") -> ValidationResult:
    """Normalise and validate the rows of a raw upload frame (see `ingest.read_upload`).

    `region` is the ISO country assumed for phone numbers written without "+". Missing input
    columns are treated as empty; values may be str, None or NaN.
    """
    raw = raw.reset_index(drop=True)
    candidates = _normalize(raw, region)
    reasons = _rejection_reasons(candidates, region)
    rejected_mask = candidates.index.isin(list(reasons))
    valid = _mark_duplicates(candidates[~rejected_mask])
    fields = _fields(raw)
    rejected_index = [i for i in candidates.index if i in reasons]
    rejected = pd.DataFrame(
        {
            "row_number": candidates.loc[rejected_index, "row_number"].astype("int64").to_list(),
            "reason": [reasons[i] for i in rejected_index],
            "fields": [fields[i] for i in rejected_index],
        },
        columns=list(REJECTED_COLUMNS),
    )
    rejected["row_number"] = rejected["row_number"].astype("int64")
    rejected["reason"] = rejected["reason"].astype(object)
    rejected["fields"] = rejected["fields"].astype(object)
    return ValidationResult(
        valid=valid.sort_values("row_number", kind="stable").reset_index(drop=True),
        rejected=rejected.sort_values("row_number", kind="stable").reset_index(drop=True),
    )


def _column(raw: pd.DataFrame, name: str) -> list[object]:
    if name in raw.columns:
        return raw[name].to_list()
    return [None] * len(raw)


def _row_numbers(raw: pd.DataFrame) -> list[int]:
    if "row_number" not in raw.columns:
        return list(range(1, len(raw) + 1))
    numbers = pd.to_numeric(raw["row_number"], errors="coerce")
    # A row without a usable number keeps a place-holder 0, which the model rejects (gt=0).
    return [0 if pd.isna(n) else int(n) for n in numbers]


def _raw_text(value: object) -> str | None:
    """The cell as given, trimmed; None when empty."""
    if is_missing(value):
        return None
    text = str(value).strip()
    return text or None


def _normalize(raw: pd.DataFrame, region: str) -> pd.DataFrame:
    values = {name: _column(raw, name) for name in _INPUT_FIELDS}
    out: dict[str, list[object]] = {column: [] for column in VALID_COLUMNS}
    out["row_number"] = _row_numbers(raw)
    for i in range(len(raw)):
        name = display_name(values["name"][i])
        normalized = normalize_company_name(name) if name else ""
        address = parse_address(
            values["address"][i], values["city"][i], values["state"][i], values["zip"][i]
        )
        phone_raw = _raw_text(values["phone"][i])
        phone = to_e164(values["phone"][i], region)
        website_raw = _raw_text(values["website"][i])
        website = canonical_website(values["website"][i])
        if website is None and website_raw is None:
            # A name cell written as =HYPERLINK("https://site", "Name") still gives the site.
            link = hyperlink_parts(clean_cell(values["name"][i]))
            if link is not None and link[0]:
                website_raw, website = link[0], canonical_website(link[0])
        key = None
        if normalized:
            key = company_key(
                normalized,
                phone_e164=phone,
                zip_code=address.zip,
                website=website,
                city=address.city,
                state=address.state,
            )
        row = {
            "company_key": key,
            "name": name or None,
            "name_normalized": normalized or None,
            "street": address.street,
            "city": address.city,
            "state": address.state,
            "zip": address.zip,
            "phone_raw": phone_raw,
            "phone_e164": phone,
            "website_raw": website_raw,
            "website": website,
        }
        for column, value in row.items():
            out[column].append(value)
    out["duplicate_of"] = [pd.NA] * len(raw)
    frame = pd.DataFrame(out, columns=list(VALID_COLUMNS))
    frame["row_number"] = frame["row_number"].astype("int64")
    for column in _STRING_COLUMNS:
        frame[column] = frame[column].astype(object)
    frame["duplicate_of"] = frame["duplicate_of"].astype("Int64")
    return frame


def _mark_duplicates(valid: pd.DataFrame) -> pd.DataFrame:
    """Later rows with an earlier row's company_key point at that first row."""
    valid = valid.sort_values("row_number", kind="stable").copy()
    first = valid.groupby("company_key", sort=False)["row_number"].transform("min")
    valid["duplicate_of"] = first.where(first != valid["row_number"]).astype("Int64")
    return valid


def _fields(raw: pd.DataFrame) -> list[str]:
    if "fields" in raw.columns:
        return ["{}" if is_missing(value) else str(value) for value in raw["fields"].to_list()]
    # A frame without the original row (not produced by read_upload): keep what we have.
    records = raw.astype(object).where(raw.notna(), None).to_dict(orient="records")
    return [json.dumps(record, ensure_ascii=False, default=str) for record in records]


# --- reasons ---------------------------------------------------------------------------------

_Row = Mapping[str, object]


def _rejection_reasons(candidates: pd.DataFrame, region: str) -> dict[int, str]:
    """Validate lazily and turn every row's failure cases into one human reason."""
    try:
        ValidRecords.validate(candidates, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    else:
        return {}
    if cases["index"].isna().any():
        # A schema-level failure (missing column, wrong dtype) is a bug in `_normalize`, not bad
        # input; hiding it behind per-row reasons would reject every row for nothing.
        raise RuntimeError(f"validated_records schema mismatch:\n{cases[cases['index'].isna()]}")
    failures: dict[int, list[tuple[str, str]]] = {}
    for index, column, check in zip(cases["index"], cases["column"], cases["check"], strict=True):
        failures.setdefault(int(index), []).append((str(column), str(check)))
    records = candidates.loc[sorted(failures)].to_dict(orient="index")
    return {index: _reason(records[index], checks, region) for index, checks in failures.items()}


def _reason(row: _Row, checks: Iterable[tuple[str, str]], region: str) -> str:
    found = {(column, _check_name(check)) for column, check in checks}
    for key, describe in _REASONS:
        if key in found or (key[0] == "*" and any(check == key[1] for _, check in found)):
            return describe(row, region)
    column, check = sorted(found)[0]
    return f"{column} {_quote(row.get(column))} failed the check {check}"


def _check_name(check: str) -> str:
    """'str_length(1, None)' -> 'str_length'; custom checks keep their name."""
    return check.split("(", 1)[0]


def _quote(value: object) -> str:
    text = "" if is_missing(value) else str(value)
    return "'" + (text if len(text) <= 60 else text[:59] + "…") + "'"


def _bad_length(row: _Row) -> str:
    name = row.get("name")
    if not isinstance(name, str) or not name:
        return "missing business name"
    return (
        f"business name is {len(name):,} characters long (at most {MAX_NAME_LENGTH}): "
        f"{_quote(name)} looks like a merged or broken cell"
    )


def _unidentifiable(row: _Row, region: str) -> str:
    problems = []
    if row.get("phone_raw") and not row.get("phone_e164"):
        problems.append(f"phone {_quote(row['phone_raw'])} is not a valid {region} number")
    if row.get("website_raw") and not row.get("website"):
        problems.append(f"website {_quote(row['website_raw'])} is not a usable business URL")
    absent = ["address"]
    if not row.get("phone_raw"):
        absent.append("phone")
    if not row.get("website_raw"):
        absent.append("website")
    lacking = (
        ", ".join(absent[:-1]) + " or " + absent[-1] if len(absent) > 1 else absent[0]
    ) + " to identify the business"
    state = " (a state alone is not enough)" if row.get("state") else ""
    if problems:
        return " and ".join(problems) + f", and no {lacking}{state}"
    return f"no {lacking}{state}"


_REASONS: tuple[tuple[tuple[str, str], Callable[[_Row, str], str]], ...] = (
    (("name", "not_nullable"), lambda row, _: "missing business name"),
    (("name", "str_length"), lambda row, _: _bad_length(row)),
    (
        ("name", "not_formula"),
        lambda row, _: f"business name {_quote(row['name'])} is a spreadsheet formula, not a name",
    ),
    (
        ("name", "not_placeholder"),
        lambda row, _: f"business name {_quote(row['name'])} is a placeholder, not a name",
    ),
    (
        ("name", "has_letters"),
        lambda row, _: f"business name {_quote(row['name'])} contains no letters",
    ),
    (
        ("name_normalized", "not_nullable"),
        lambda row, _: f"business name {_quote(row['name'])} has nothing left to match on",
    ),
    (("row_number", "field_uniqueness"), lambda row, _: f"row_number {row['row_number']} repeats"),
    (("row_number", "greater_than"), lambda row, _: "row has no valid row_number"),
    (("*", "identifiable"), _unidentifiable),
)
