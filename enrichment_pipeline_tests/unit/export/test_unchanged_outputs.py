"""Outputs an export would write again unchanged are left alone; anything else is rewritten."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from enrichment_pipeline.core.export.unchanged import ExportRecords, inputs_fingerprint


def _frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    valid = pd.DataFrame({"row_number": [1, 2], "name": ["Sunshine Ford", "Gulf Kia"]})
    contacts = pd.DataFrame({"record_id": [1, 2], "emails": ['[{"address": "a@b.com"}]', None]})
    return valid, contacts


def test_the_fingerprint_follows_every_cell_and_setting() -> None:
    valid, contacts = _frames()
    base = inputs_fingerprint([valid, contacts, None], ("out", {"x.com"}))
    assert inputs_fingerprint([valid.copy(), contacts.copy(), None], ("out", {"x.com"})) == base
    edited = contacts.copy()
    edited.loc[1, "emails"] = '[{"address": "c@d.com"}]'
    assert inputs_fingerprint([valid, edited, None], ("out", {"x.com"})) != base
    assert inputs_fingerprint([valid, contacts, None], ("out", {"x.com", "y.com"})) != base
    assert inputs_fingerprint([valid, contacts, None], ("elsewhere", {"x.com"})) != base
    assert inputs_fingerprint([valid, contacts], ("out", {"x.com"})) != base
    assert inputs_fingerprint([valid.iloc[:1], contacts, None], ("out", {"x.com"})) != base


def test_recorded_outputs_count_only_while_every_file_is_as_written(tmp_path: Path) -> None:
    files = [tmp_path / name for name in ("a.csv", "a.json", "a.rejected.csv", "a.report.html")]
    for path in files:
        path.write_text(f"contents of {path.name}\n", encoding="utf-8")
    summary = {"rows_in": 2, "status_counts": {"ok": 2}}
    with ExportRecords(tmp_path / "cache.sqlite3") as records:
        records.remember(files[0], "f1", files, summary)
    with ExportRecords(tmp_path / "cache.sqlite3") as records:
        assert records.unchanged(files[0], "f1") == summary
        assert records.unchanged(files[0], "f2") is None  # something it reads changed
        assert records.unchanged(tmp_path / "other.csv", "f1") is None
        files[1].write_text("edited in a text editor\n", encoding="utf-8")
        assert records.unchanged(files[0], "f1") is None
        files[1].write_text("contents of a.json\n", encoding="utf-8")
        assert records.unchanged(files[0], "f1") == summary  # the same bytes again
        files[3].unlink()
        assert records.unchanged(files[0], "f1") is None
