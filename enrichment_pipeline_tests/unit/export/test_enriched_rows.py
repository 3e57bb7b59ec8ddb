"""Assembling the enriched rows: input columns first, statuses, duplicates, suppression, files."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pandas as pd

from enrichment_pipeline.core.export import OUTPUT_COLUMNS, input_column_names, write_outputs
from enrichment_pipeline.core.export.enriched import build_enriched_rows


def _raw(rows: list[dict[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "row_number": range(1, len(rows) + 1),
            "fields": [json.dumps(r) for r in rows],
        }
    )


def _valid(rows: list[dict]) -> pd.DataFrame:
    base = {
        "company_key": None,
        "phone_e164": None,
        "duplicate_of": None,
    }
    return pd.DataFrame([{**base, **r} for r in rows])


RAW = _raw(
    [
        {"Dealer Name": "Sunshine Ford", "Website": "sunshineford.com", "Phone": "305 555 0100"},
        {"Dealer Name": "Gator Auto", "Website": "", "Phone": "=1+1"},
        {"Dealer Name": "Sunshine Ford", "Website": "sunshineford.com", "Phone": "305 555 0100"},
        {"Dealer Name": "", "Website": "", "Phone": ""},
    ]
)
VALID = _valid(
    [
        {"row_number": 1, "company_key": "sunshine-ford-1", "phone_e164": "+13055550100"},
        {"row_number": 2, "company_key": "gator-auto-2"},
        {
            "row_number": 3,
            "company_key": "sunshine-ford-1",
            "phone_e164": "+13055550100",
            "duplicate_of": 1,
        },
    ]
)
REJECTED = pd.DataFrame(
    {"row_number": [4], "reason": ["missing business name"], "fields": [RAW["fields"][3]]}
)
MATCHES = pd.DataFrame(
    [
        {
            "record_id": 1,
            "status": "matched",
            "website": "https://sunshineford.com/",
            "confidence": 0.93,
            "source": "csv",
            "error": None,
            "checked_at": "2026-12-01",
        },
        {
            "record_id": 2,
            "status": "not_found",
            "website": None,
            "confidence": 0.0,
            "source": None,
            "error": "no website in the file",
            "checked_at": "2026-12-01",
        },
    ]
)
CONTACTS = pd.DataFrame(
    [
        {
            "record_id": 1,
            "status": "ok",
            "error": None,
            "emails": json.dumps(
                [{"address": "sales@sunshineford.com"}, {"address": "optout@sunshineford.com"}]
            ),
            "primary_email": "sales@sunshineford.com",
            "phones": json.dumps([{"e164": "+13055550100"}, {"e164": "+13055550199"}]),
            "owner_name": "Maria Lopez",
            "owner_title": "General Manager",
            "people": json.dumps(
                [
                    {
                        "name": "Maria Lopez",
                        "title": "General Manager",
                        "email": "optout@sunshineford.com",
                    }
                ]
            ),
            "socials": json.dumps({"facebook": ["https://www.facebook.com/sunshineford"]}),
            "sources": json.dumps(
                {
                    "emails": {
                        "url": "https://sunshineford.com/contact",
                        "fetched_at": "2026-12-01T00:00:00",
                    }
                }
            ),
        },
        {
            "record_id": 2,
            "status": "no_website",
            "error": None,
            "emails": "[]",
            "primary_email": None,
            "phones": "[]",
            "owner_name": None,
            "owner_title": None,
            "people": "[]",
            "socials": "{}",
            "sources": "{}",
        },
    ]
)
EMAILS = pd.DataFrame(
    [
        {
            "record_id": r,
            "subject_1": f"s1-{r}",
            "subject_2": f"s2-{r}",
            "subject_3": f"s3-{r}",
            "icebreaker": "=HYPERLINK(1)",
            "hot_button": "hb",
            "email_body": "body",
            "writer": "template",
        }
        for r in (1, 2)
    ]
)


def test_input_columns_that_collide_are_renamed() -> None:
    assert input_column_names(["Dealer Name", "Website", "STATUS", "input_Website"]) == [
        "Dealer Name",
        "input_Website",
        "input_STATUS",
        "input_Website_2",
    ]


def test_rows_keep_input_first_then_the_contract_columns() -> None:
    columns, rows = build_enriched_rows(RAW, VALID, MATCHES, CONTACTS, EMAILS)
    assert columns == ["Dealer Name", "input_Website", "Phone", *OUTPUT_COLUMNS]
    assert [r["status"] for r in rows] == ["ok", "no_website", "duplicate"]
    first, second, dup = rows
    assert first["input_Website"] == "sunshineford.com"
    assert first["website"] == "https://sunshineford.com/"
    assert first["emails"] == ["sales@sunshineford.com", "optout@sunshineford.com"]
    assert first["facebook"] == "https://www.facebook.com/sunshineford"
    assert first["sources"]["website"]["url"] == "https://sunshineford.com/"
    assert second["error"] == "no website in the file"
    # The duplicate carries the contacts but no email text: a mail merge never writes twice.
    assert dup["primary_email"] == "sales@sunshineford.com"
    assert dup["subject_1"] is None and dup["email_body"] is None
    assert dup["error"] == "duplicate of row 1"


def test_suppressed_addresses_and_domains_are_never_exported() -> None:
    _, rows = build_enriched_rows(
        RAW, VALID, MATCHES, CONTACTS, EMAILS, suppressed=["optout@sunshineford.com"]
    )
    assert rows[0]["emails"] == ["sales@sunshineford.com"]
    assert rows[0]["people"][0]["email"] is None
    _, rows = build_enriched_rows(
        RAW, VALID, MATCHES, CONTACTS, EMAILS, suppressed=["sunshineford.com"]
    )
    assert rows[0]["emails"] == [] and rows[0]["primary_email"] is None
    assert rows[0]["email_body"] is None  # no email text for a suppressed business


def test_written_files_account_for_every_row_and_are_safe(tmp_path: Path) -> None:
    summary = write_outputs(
        tmp_path, "florida dealers", RAW, VALID, REJECTED, MATCHES, CONTACTS, EMAILS
    )
    assert summary.paths.csv.name == "florida dealers.csv"
    assert summary.paths.csv.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for Excel
    with summary.paths.csv.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.DictReader(handle))
    with summary.paths.rejected.open(encoding="utf-8-sig", newline="") as handle:
        rejected = list(csv.DictReader(handle))
    assert len(table) + len(rejected) == len(RAW)
    assert rejected[0]["reason"] == "missing business name"
    assert table[0]["phones"] == "+13055550100; +13055550199"  # phones stay readable
    assert table[0]["icebreaker"] == "'=HYPERLINK(1)"  # formulas do not
    assert table[1]["Phone"] == "'=1+1"
    assert json.loads(table[0]["people"])[0]["name"] == "Maria Lopez"
    data = json.loads(summary.paths.json.read_text(encoding="utf-8"))
    assert data[0]["icebreaker"] == "=HYPERLINK(1)"  # the JSON keeps raw values
    assert summary.status_counts == {"ok": 1, "no_website": 1, "duplicate": 1}
    umask = os.umask(0)
    os.umask(umask)
    for path in (summary.paths.csv, summary.paths.json, summary.paths.rejected):
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's 0600
