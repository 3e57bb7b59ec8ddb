"""Assemble the enriched rows from the stage tables and write CSV, JSON and rejected CSV.

Every input row ends in exactly one of the two outputs: validated rows (duplicates included) in
`<stem>.csv`/`<stem>.json`, rejected rows in `<stem>.rejected.csv`. Duplicates carry the
business's contact data but no email text, so a mail merge over the file never writes to the same
business twice.
"""

from __future__ import annotations

import csv
import json
import math
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from enrichment_pipeline.core.export.columns import (
    OUTPUT_COLUMNS,
    REJECTED_COLUMNS,
    input_column_names,
)
from enrichment_pipeline.core.export.spreadsheet import spreadsheet_safe
from enrichment_pipeline.core.writing.result import EMAIL_FIELDS

SOCIAL_COLUMNS = ("facebook", "instagram", "linkedin", "twitter", "youtube")


@dataclass(frozen=True)
class ExportPaths:
    csv: Path
    json: Path
    rejected: Path

    @classmethod
    def for_stem(cls, out_dir: Path, stem: str) -> ExportPaths:
        return cls(
            csv=out_dir / f"{stem}.csv",
            json=out_dir / f"{stem}.json",
            rejected=out_dir / f"{stem}.rejected.csv",
        )


@dataclass(frozen=True)
class ExportSummary:
    paths: ExportPaths
    rows_in: int
    rows_enriched: int
    rows_rejected: int
    status_counts: dict[str, int]
    rows_with_email: int
    columns: list[str]
    rows_with_website: int = 0  # rows with a verified website (repeats of a business included)
    rows_ready: int = 0  # rows with an address and a written email: what a mail merge sends


def _clean(value: Any) -> Any:
    """Turn pandas missing values into None."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def _json_value(text: Any, default: Any) -> Any:
    text = _clean(text)
    if text in (None, ""):
        return default
    if isinstance(text, str):
        try:
            return json.loads(text)
        except ValueError:
            return default
    return text


def _records_by(
    frame: pd.DataFrame | None, key: str, columns: Sequence[str]
) -> dict[Any, dict[str, Any]]:
    """Rows by `key`, with only the `columns` the export reads (the stage tables also hold
    bulky JSON such as pages and evidence: converting those cells was a third of the time)."""
    if frame is None or frame.empty:
        return {}
    wanted = [c for c in dict.fromkeys([key, *columns]) if c in frame.columns]
    out: dict[Any, dict[str, Any]] = {}
    for row in frame[wanted].to_dict("records"):
        out[int(row[key])] = {k: _clean(v) for k, v in row.items()}
    return out


_MATCH_COLUMNS = ("status", "error", "website", "confidence", "source", "checked_at")
_CONTACT_COLUMNS = (
    "status", "error", "emails", "primary_email", "phones", "owner_name", "owner_title",
    "people", "socials", "sources",
)  # fmt: skip


def _input_fields(raw_fields: Any) -> dict[str, Any]:
    parsed = _json_value(raw_fields, {})
    return parsed if isinstance(parsed, dict) else {}


def _status_and_error(
    valid: Mapping[str, Any],
    match: Mapping[str, Any] | None,
    contacts: Mapping[str, Any] | None,
) -> tuple[str, str | None]:
    if valid.get("duplicate_of") is not None:
        return "duplicate", f"duplicate of row {int(valid['duplicate_of'])}"
    if match is None:
        return "error", "website matching did not run for this row"
    if match.get("status") == "error":
        return "error", match.get("error") or "website matching failed"
    if match.get("status") != "matched":
        return "no_website", match.get("error") or match.get("status")
    if contacts is None:
        return "error", "contact scraping did not run for this row"
    scrape_status = contacts.get("status")
    if scrape_status == "blocked":
        return "blocked", contacts.get("error")
    if scrape_status == "error":
        return "error", contacts.get("error")
    return "ok", None


def build_enriched_rows(
    raw: pd.DataFrame,
    valid: pd.DataFrame,
    matches: pd.DataFrame | None,
    contacts: pd.DataFrame | None,
    emails: pd.DataFrame | None,
    *,
    suppressed: Iterable[str] = (),
) -> tuple[list[str], list[dict[str, Any]]]:
    """Return (column names, rows with raw values) for the enriched outputs.

    `suppressed` holds lower-cased email addresses and domains that must never be exported
    (the suppression list); matching emails are removed from every field.
    """
    headers = _headers_of(raw)
    in_names = input_column_names(headers)
    raw_by_row = _records_by(raw, "row_number", ("fields",))
    match_by = _records_by(matches, "record_id", _MATCH_COLUMNS)
    contacts_by = _records_by(contacts, "record_id", _CONTACT_COLUMNS)
    email_by = _records_by(emails, "record_id", (*EMAIL_FIELDS, "writer"))
    blocked = {s.strip().lower() for s in suppressed if s and s.strip()}

    rows: list[dict[str, Any]] = []
    for record in valid.to_dict("records"):
        record = {k: _clean(v) for k, v in record.items()}
        row_number = int(record["row_number"])
        first = (
            int(record["duplicate_of"]) if record.get("duplicate_of") is not None else row_number
        )
        match = match_by.get(first)
        contact = contacts_by.get(first)
        email = email_by.get(first)
        status, error = _status_and_error(record, match, contact)

        fields = _input_fields(raw_by_row.get(row_number, {}).get("fields"))
        row: dict[str, Any] = {
            name: fields.get(header) for name, header in zip(in_names, headers, strict=True)
        }
        row.update(dict.fromkeys(OUTPUT_COLUMNS))
        row["status"] = status
        row["error"] = error
        row["company_key"] = record.get("company_key")
        row["phone_e164"] = record.get("phone_e164")
        if match and match.get("status") == "matched":
            row["website"] = match.get("website")
            row["website_confidence"] = match.get("confidence")
            row["website_source"] = match.get("source")
        if contact:
            found = [
                e["address"]
                for e in _json_value(contact.get("emails"), [])
                if not _is_suppressed(e.get("address", ""), blocked)
            ]
            row["emails"] = found
            primary = contact.get("primary_email")
            row["primary_email"] = primary if primary and primary in found else None
            if row["primary_email"] is None and primary and found:
                row["primary_email"] = found[0]
            row["phones"] = [p["e164"] for p in _json_value(contact.get("phones"), [])]
            row["owner_name"] = contact.get("owner_name")
            row["owner_title"] = contact.get("owner_title")
            row["people"] = [
                {
                    "name": p.get("name"),
                    "title": p.get("title"),
                    "email": None
                    if _is_suppressed(p.get("email") or "", blocked)
                    else p.get("email"),
                }
                for p in _json_value(contact.get("people"), [])
            ]
            socials = _json_value(contact.get("socials"), {})
            for platform in SOCIAL_COLUMNS:
                urls = socials.get(platform) or []
                row[platform] = urls[0] if urls else None
            row["sources"] = _json_value(contact.get("sources"), {})
        if match and match.get("status") == "matched":
            sources = dict(row.get("sources") or {})
            sources.setdefault(
                "website", {"url": match.get("website"), "fetched_at": match.get("checked_at")}
            )
            row["sources"] = sources
        if email and status != "duplicate" and not _suppressed_row(row, blocked):
            for field in EMAIL_FIELDS:
                row[field] = email.get(field)
            row["writer"] = email.get("writer")
        rows.append(row)
    return [*in_names, *OUTPUT_COLUMNS], rows


def build_rejected_rows(
    raw: pd.DataFrame, rejected: pd.DataFrame
) -> tuple[list[str], list[dict[str, Any]]]:
    headers = _headers_of(raw)
    in_names = input_column_names(headers, reserved=REJECTED_COLUMNS)
    rows: list[dict[str, Any]] = []
    for record in rejected.to_dict("records"):
        fields = _input_fields(record.get("fields"))
        row = {name: fields.get(header) for name, header in zip(in_names, headers, strict=True)}
        row["row_number"] = int(record["row_number"])
        row["reason"] = _clean(record.get("reason"))
        rows.append(row)
    return [*in_names, *REJECTED_COLUMNS], rows


def _headers_of(raw: pd.DataFrame) -> list[str]:
    """Original headers in file order: the union of the rows' `fields` keys, first seen first.

    A union rather than the first row, so a ragged row's extra cell still gets a column.
    """
    seen: dict[str, None] = {}
    for text in raw["fields"]:
        for key in _input_fields(text):
            seen.setdefault(key, None)
    return list(seen)


def _is_suppressed(address: str, blocked: set[str]) -> bool:
    if not blocked or not address:
        return False
    address = address.lower()
    return address in blocked or address.rpartition("@")[2] in blocked


def _suppressed_row(row: Mapping[str, Any], blocked: set[str]) -> bool:
    """A business whose website domain is suppressed gets no email text at all."""
    if not blocked:
        return False
    website = row.get("website") or ""
    host = website.split("//", 1)[-1].split("/", 1)[0].lower().removeprefix("www.")
    return bool(host) and host in blocked


def _csv_cell(value: Any) -> Any:
    if type(value) is str:  # most cells: skip the checks below
        return spreadsheet_safe(value)
    if value is None:
        return ""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return spreadsheet_safe("; ".join(value))
    if isinstance(value, list | dict):
        return spreadsheet_safe(json.dumps(value, ensure_ascii=False, default=str))
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value == value else ""
    return spreadsheet_safe(str(value))


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _atomic_write(path: Path, write: Any, *, encoding: str, newline: str | None = None) -> None:
    """Write to a temp file in the same folder, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline=newline) as handle:
            write(handle)
        # mkstemp creates 0600; outputs are ordinary files the user's other tools must read.
        os.chmod(tmp, 0o666 & ~_current_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> None:
    """Spreadsheet-safe CSV, UTF-8 with BOM so Excel opens accented names correctly."""

    def write(handle: Any) -> None:
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow([_csv_cell(c) for c in columns])
        writer.writerows([_csv_cell(row.get(c)) for c in columns] for row in rows)

    _atomic_write(path, write, encoding="utf-8-sig", newline="")


def write_json(path: Path, rows: list[dict[str, Any]]) -> None:
    """A JSON array with one business per line (readable, and diff-able between runs)."""

    def write(handle: Any) -> None:
        # `json.dumps` without indent uses the C encoder; `json.dump(..., indent=1)` ran the pure
        # Python one (0.9 s of a 10,000-row export in py-spy samples, now 0.3 s).
        handle.write("[\n")
        for index, row in enumerate(rows):
            if index:
                handle.write(",\n")
            handle.write(json.dumps(row, ensure_ascii=False, default=str))
        handle.write("\n]\n")

    _atomic_write(path, write, encoding="utf-8")


def write_outputs(
    out_dir: Path,
    stem: str,
    raw: pd.DataFrame,
    valid: pd.DataFrame,
    rejected: pd.DataFrame,
    matches: pd.DataFrame | None,
    contacts: pd.DataFrame | None,
    emails: pd.DataFrame | None,
    *,
    suppressed: Iterable[str] = (),
) -> ExportSummary:
    """Write `<stem>.csv`, `<stem>.json` and `<stem>.rejected.csv` into `out_dir`."""
    paths = ExportPaths.for_stem(out_dir, stem)
    columns, rows = build_enriched_rows(
        raw, valid, matches, contacts, emails, suppressed=suppressed
    )
    rej_columns, rej_rows = build_rejected_rows(raw, rejected)
    write_csv(paths.csv, columns, rows)
    write_json(paths.json, rows)
    write_csv(paths.rejected, rej_columns, rej_rows)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    return ExportSummary(
        paths=paths,
        rows_in=len(raw),
        rows_enriched=len(rows),
        rows_rejected=len(rej_rows),
        status_counts=counts,
        rows_with_email=sum(1 for r in rows if r.get("primary_email")),
        columns=columns,
        rows_with_website=sum(1 for r in rows if r.get("website")),
        rows_ready=sum(1 for r in rows if r.get("primary_email") and r.get("email_body")),
    )
