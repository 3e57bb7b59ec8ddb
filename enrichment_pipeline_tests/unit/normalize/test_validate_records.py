"""validate_records: every row ends valid or rejected with a specific reason; duplicates marked."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import phonenumbers
import pytest

from enrichment_pipeline.core.ingest import read_upload
from enrichment_pipeline.core.normalize import (
    REJECTED_COLUMNS,
    VALID_COLUMNS,
    ValidRecords,
    validate_records,
)

SAMPLE = Path(__file__).resolve().parents[3] / "data" / "samples" / "florida_dealers_sample.csv"
FIELDS = ("name", "address", "city", "state", "zip", "phone", "website")


def raw_frame(*rows: dict[str, object]) -> pd.DataFrame:
    """A raw upload frame as read_upload makes it, from partial rows."""
    records = []
    for number, row in enumerate(rows, start=1):
        record: dict[str, object] = {"row_number": number, "source_file": "t.csv"}
        record.update({field: row.get(field, "") for field in FIELDS})
        record["fields"] = json.dumps({k: row.get(k, "") for k in FIELDS})
        records.append(record)
    return pd.DataFrame(records)


def reason_for(row: dict[str, object], region: str = "US") -> str:
    result = validate_records(raw_frame(row), region=region)
    assert result.valid.empty, result.valid.to_dict("records")
    return str(result.rejected["reason"].iloc[0])


def test_sample_file_end_to_end() -> None:
    upload = read_upload(SAMPLE)
    result = validate_records(upload.frame)
    assert len(result.valid) + len(result.rejected) == len(upload.frame)
    ValidRecords.validate(result.valid)  # the contract holds on what we store
    by_name = result.valid.set_index("name")
    # The same dealer listed twice (legal suffix, spelled-out street, other phone format).
    assert (
        by_name.loc["Palmetto Bay Ford LLC", "duplicate_of"]
        == by_name.loc["Palmetto Bay Ford", "row_number"]
    )
    assert result.valid["duplicate_of"].notna().sum() == 1
    rejected = dict(zip(result.rejected["row_number"], result.rejected["reason"], strict=True))
    assert rejected[24] == "missing business name"
    assert "phone '12' is not a valid US number" in rejected[25]
    assert len(rejected) == 2
    for e164 in result.valid["phone_e164"]:
        assert phonenumbers.is_valid_number(phonenumbers.parse(e164))
    # A Facebook page is not the dealer's own website; the raw value is kept.
    riverside = by_name.loc["Riverside Motors of Jacksonville"]
    assert riverside["website"] is None and "facebook.com" in riverside["website_raw"]
    # A one-line address in the Address column fills street, city, state and zip.
    lincoln = by_name.loc["Gulf Coast Lincoln"]
    assert (lincoln["street"], lincoln["city"], lincoln["state"], lincoln["zip"]) == (
        "3500 Tamiami Trl N",
        "Naples",
        "FL",
        "34103",
    )


def test_output_frames_have_the_declared_shape() -> None:
    result = validate_records(
        raw_frame({"name": "Gator Motors", "phone": "352-374-2211"}, {"name": ""})
    )
    assert tuple(result.valid.columns) == VALID_COLUMNS
    assert tuple(result.rejected.columns) == REJECTED_COLUMNS
    assert str(result.valid["row_number"].dtype) == "int64"
    assert str(result.valid["duplicate_of"].dtype) == "Int64"
    assert str(result.rejected["row_number"].dtype) == "int64"
    assert json.loads(result.rejected["fields"].iloc[0])["name"] == ""


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"name": "", "phone": "352-374-2211"}, "missing business name"),
        ({"name": "   ", "phone": "352-374-2211"}, "missing business name"),
        ({"name": None, "phone": "352-374-2211"}, "missing business name"),
        ({"name": "N/A", "phone": "352-374-2211"}, "business name 'N/A' is a placeholder"),
        ({"name": "12345", "phone": "352-374-2211"}, "business name '12345' contains no letters"),
        ({"name": "=SUM(A1:A3)", "city": "Ocala"}, "is a spreadsheet formula"),
        ({"name": "@cmd|' /C calc'!A0", "city": "Ocala"}, "is a spreadsheet formula"),
        ({"name": "Gator Motors"}, "no address, phone or website to identify the business"),
        (
            {"name": "Gator Motors", "phone": "12"},
            "phone '12' is not a valid US number, and no address or website",
        ),
        (
            {"name": "Gator Motors", "website": "info@gator.example"},
            "website 'info@gator.example' is not a usable business URL",
        ),
        ({"name": "Gator Motors", "state": "FL"}, "a state alone is not enough"),
        ({"name": "Gator " * 50, "zip": "34470"}, "business name is 299 characters long"),
    ],
)
def test_rejection_reasons_are_specific(row: dict[str, object], expected: str) -> None:
    assert expected in reason_for(row)


def test_region_appears_in_the_phone_reason() -> None:
    assert "not a valid GB number" in reason_for({"name": "Gator", "phone": "12"}, region="GB")


@pytest.mark.parametrize(
    "row",
    [
        {"name": "Gator Motors", "address": "1 Main St", "phone": "12"},
        {"name": "Gator Motors", "city": "Ocala", "state": "FL"},
        {"name": "Gator Motors", "zip": "34470"},
        {"name": "Gator Motors", "website": "gator.example"},
        {"name": "Gator Motors", "phone": "(352) 374-2211"},
    ],
)
def test_one_identifier_is_enough(row: dict[str, object]) -> None:
    result = validate_records(raw_frame(row))
    assert len(result.valid) == 1 and result.rejected.empty


def test_invalid_phone_is_kept_raw_when_the_row_is_valid() -> None:
    result = validate_records(raw_frame({"name": "Gator", "address": "1 Main St", "phone": "12"}))
    row = result.valid.iloc[0]
    assert row["phone_raw"] == "12" and row["phone_e164"] is None


def test_duplicates_point_to_the_first_valid_row() -> None:
    result = validate_records(
        raw_frame(
            {"name": "", "phone": "(352) 374-2211"},  # rejected: cannot be anyone's original
            {"name": "Gator Motors", "phone": "(352) 374-2211"},
            {"name": "Gator Motors, LLC", "phone": "352.374.2211"},
            {"name": "GATOR MOTORS INC", "phone": "+1 352 374 2211", "city": "Ocala"},
            {"name": "Gator Motors", "phone": "(352) 374-2299"},  # another branch
        )
    )
    duplicate_of = dict(zip(result.valid["row_number"], result.valid["duplicate_of"], strict=True))
    assert duplicate_of[2] is pd.NA
    assert duplicate_of[3] == 2 and duplicate_of[4] == 2
    assert duplicate_of[5] is pd.NA
    assert result.rejected["row_number"].tolist() == [1]


def test_same_business_in_two_files_gets_the_same_key() -> None:
    first = validate_records(raw_frame({"name": "Gator Motors LLC", "phone": "352-374-2211"}))
    second = validate_records(
        raw_frame(
            {"name": "Other Co", "zip": "34470"}, {"name": "gator motors", "phone": "+13523742211"}
        )
    )
    assert first.valid["company_key"].iloc[0] == second.valid["company_key"].iloc[1]


def test_empty_input_gives_empty_frames_of_the_right_shape() -> None:
    result = validate_records(raw_frame())
    assert result.valid.empty and result.rejected.empty
    assert tuple(result.valid.columns) == VALID_COLUMNS
    assert tuple(result.rejected.columns) == REJECTED_COLUMNS


def test_missing_columns_nan_and_foreign_index_are_tolerated() -> None:
    raw = pd.DataFrame(
        {
            "row_number": [7, 9],
            "name": ["Gator Motors", np.nan],
            "phone": [pd.NA, "352-374-2211"],
            "zip": [34470, None],  # a number, as a careless caller might pass
        },
        index=[100, 200],
    )
    result = validate_records(raw)
    assert result.valid["row_number"].tolist() == [7]
    assert result.valid["zip"].tolist() == ["34470"]
    assert result.rejected["row_number"].tolist() == [9]
    assert result.rejected["reason"].tolist() == ["missing business name"]
    assert json.loads(result.rejected["fields"].iloc[0])["phone"] == "352-374-2211"


def test_repeated_row_numbers_are_rejected_not_merged() -> None:
    raw = raw_frame({"name": "A Motors", "zip": "34470"}, {"name": "B Motors", "zip": "34470"})
    raw["row_number"] = [3, 3]
    result = validate_records(raw)
    assert result.valid.empty
    assert result.rejected["row_number"].tolist() == [3, 3]
    assert all("repeats" in reason for reason in result.rejected["reason"])
