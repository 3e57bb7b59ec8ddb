"""Every asset check called as a plain function: it passes on good data and fails on bad."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import pandas as pd

from enrichment_pipeline.core.export import write_outputs
from enrichment_pipeline.defs.checks.enrichment_checks import (
    contact_rate,
    contacts_are_well_formed,
    emails_complete,
    fallback_rate,
    match_rate,
    matches_cover_every_business,
)
from enrichment_pipeline.defs.checks.export_checks import export_accounts_for_every_row
from enrichment_pipeline.defs.checks.ingestion_checks import (
    duplicates_point_to_first_row,
    raw_rows_numbered,
    rejection_rate,
    rows_conserved,
)

RAW = pd.DataFrame(
    {
        "row_number": [1, 2, 3],
        "name": ["A", "B", ""],
        "fields": [json.dumps({"Name": n}) for n in ("A", "B", "")],
    }
)
VALID = pd.DataFrame(
    {
        "row_number": [1, 2],
        "company_key": ["a-1", "a-1"],
        "duplicate_of": pd.array([pd.NA, 1], dtype="Int64"),
        "phone_e164": [None, None],
    }
)
REJECTED = pd.DataFrame({"row_number": [3], "reason": ["missing business name"], "fields": ["{}"]})


def test_raw_rows_numbered() -> None:
    assert raw_rows_numbered(RAW).passed
    assert not raw_rows_numbered(RAW.iloc[[0, 2]]).passed


def test_rows_conserved_blocks_on_a_lost_or_doubled_row() -> None:
    assert rows_conserved(VALID, RAW, REJECTED).passed
    assert not rows_conserved(VALID.iloc[:1], RAW, REJECTED).passed  # row 2 lost
    doubled = pd.concat([REJECTED, REJECTED.assign(row_number=2)])
    result = rows_conserved(VALID, RAW, doubled)
    assert not result.passed and result.metadata["in_both"].value == [2]


def test_duplicates_point_to_first_row() -> None:
    assert duplicates_point_to_first_row(VALID).passed
    wrong = VALID.assign(company_key=["a-1", "b-2"])
    assert not duplicates_point_to_first_row(wrong).passed


def test_rejection_rate_warns_with_the_top_reason() -> None:
    result = rejection_rate(REJECTED, RAW)  # 1 of 3 rejected
    assert not result.passed and result.severity == dg.AssetCheckSeverity.WARN
    assert "missing business name" in result.description
    assert rejection_rate(REJECTED, pd.concat([RAW] * 4)).passed


MATCHES = pd.DataFrame(
    {
        "record_id": [1],
        "status": ["matched"],
        "website": ["https://a.example/"],
        "confidence": [0.9],
        "error": [None],
        "review_candidate": [None],
    }
)


def test_matches_cover_every_business() -> None:
    assert matches_cover_every_business(MATCHES, VALID).passed
    assert not matches_cover_every_business(MATCHES.assign(confidence=[1.5]), VALID).passed
    assert not matches_cover_every_business(pd.concat([MATCHES, MATCHES]), VALID).passed


def test_match_rate_warns_below_half() -> None:
    assert match_rate(MATCHES).passed
    low = MATCHES.assign(status=["not_found"], website=[None])
    result = match_rate(low)
    assert not result.passed and result.severity == dg.AssetCheckSeverity.WARN


def _contacts(email: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "record_id": [1],
            "status": ["ok"],
            "primary_email": [email],
            "emails": [json.dumps([{"address": email}])],
            "phones": [json.dumps([{"e164": "+13055550100"}])],
        }
    )


def test_contacts_are_well_formed_and_contact_rate() -> None:
    assert contacts_are_well_formed(_contacts("sales@a.example"), VALID).passed
    assert not contacts_are_well_formed(_contacts("sales@@a"), VALID).passed
    assert contact_rate(_contacts("sales@a.example")).passed
    assert not contact_rate(_contacts("x@a.example").assign(primary_email=[None])).passed


EMAIL = {
    "record_id": 1,
    "subject_1": "One",
    "subject_2": "Two",
    "subject_3": "Three",
    "icebreaker": "Hi",
    "hot_button": "Leads",
    "email_body": "Body",
    "writer": "openai",
    "fallback_reason": None,
}


def test_emails_complete_and_fallback_rate() -> None:
    good = pd.DataFrame([EMAIL])
    assert emails_complete(good, VALID).passed
    assert not emails_complete(good.assign(subject_2=["One"]), VALID).passed
    assert not emails_complete(good.assign(email_body=["  "]), VALID).passed
    assert fallback_rate(good).passed
    fell_back = good.assign(writer=["template_fallback"], fallback_reason=["invented a name"])
    result = fallback_rate(fell_back)
    assert not result.passed and "invented a name" in result.description


def test_export_accounts_for_every_row(tmp_path: Path) -> None:
    summary = write_outputs(tmp_path, "x", RAW, VALID, REJECTED, MATCHES, None, None)
    export = pd.DataFrame(
        [{"csv_path": str(summary.paths.csv), "rejected_path": str(summary.paths.rejected)}]
    )
    assert export_accounts_for_every_row(export, RAW).passed
    assert not export_accounts_for_every_row(export, pd.concat([RAW, RAW])).passed
