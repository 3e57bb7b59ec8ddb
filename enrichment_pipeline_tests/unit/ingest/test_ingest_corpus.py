"""Every case of the nasty-CSV corpus: readable files read right, bad files fail clearly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from enrichment_pipeline.core.ingest import (
    CANONICAL_FIELDS,
    RAW_COLUMNS,
    IngestConfig,
    UploadError,
    read_upload,
)
from enrichment_pipeline_tests.fixtures.nasty_csvs import NastyCsv, corpus

READABLE = [c for c in corpus() if c.error is None]
REFUSED = [c for c in corpus() if c.error is not None]


@pytest.mark.parametrize("item", READABLE, ids=lambda c: c.case)
def test_readable_upload_gives_the_names_in_the_file(item: NastyCsv, tmp_path: Path) -> None:
    upload = read_upload(item.write(tmp_path), IngestConfig(column_map=item.column_map))
    assert tuple(upload.frame["name"]) == item.names
    for column, values in item.columns.items():
        assert tuple(upload.frame[column]) == values, column
    if item.encodings:
        assert upload.encoding in item.encodings
    if item.delimiter is not None:
        assert upload.delimiter == item.delimiter
    for phrase in item.says:
        assert any(phrase in warning for warning in upload.warnings), (phrase, upload.warnings)


@pytest.mark.parametrize("item", READABLE, ids=lambda c: c.case)
def test_raw_frame_contract_holds(item: NastyCsv, tmp_path: Path) -> None:
    upload = read_upload(item.write(tmp_path), IngestConfig(column_map=item.column_map))
    frame = upload.frame
    assert tuple(frame.columns) == RAW_COLUMNS
    assert str(frame["row_number"].dtype) == "int64"
    assert frame["row_number"].is_unique and (frame["row_number"] > 0).all()
    assert (frame["source_file"] == item.filename).all()
    for column in (*CANONICAL_FIELDS, "fields"):
        assert all(value is None or isinstance(value, str) for value in frame[column]), column
    for canonical in CANONICAL_FIELDS:
        if canonical not in upload.mapping:
            assert frame[canonical].isna().all()
    # `fields` is the original row under the original headers, and the canonical columns are
    # exactly the cells of the mapped headers.
    for _, row in frame.iterrows():
        original = json.loads(row["fields"])
        assert list(original)[: len(upload.headers)] == upload.headers
        for canonical, header in upload.mapping.items():
            assert original[header] == row[canonical]


@pytest.mark.parametrize("item", REFUSED, ids=lambda c: c.case)
def test_refused_upload_says_why(item: NastyCsv, tmp_path: Path) -> None:
    with pytest.raises(UploadError) as caught:
        read_upload(item.write(tmp_path), IngestConfig(column_map=item.column_map))
    error = caught.value
    assert error.code == item.error
    message = str(error)
    assert "\n" not in message
    for phrase in item.says:
        assert phrase in message
    if item.column_map == {}:
        assert item.filename in message


def test_ragged_rows_lose_no_cell(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("Name,City\nGator Motors,Ocala,FL,34470\nShort\n", encoding="utf-8")
    upload = read_upload(path)
    first, second = (json.loads(f) for f in upload.frame["fields"])
    assert list(first.values()) == ["Gator Motors", "Ocala", "FL", "34470"]
    assert second == {"Name": "Short", "City": ""}
    assert upload.frame["city"].tolist() == ["Ocala", ""]


def test_blank_records_keep_their_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    path.write_text("Name\nA Motors\n\n,\nB Motors\n", encoding="utf-8")
    frame = read_upload(path).frame
    # Record 1 is A, records 2-3 are blank, record 4 is B: numbers point back into the file.
    assert frame["row_number"].tolist() == [1, 4]
    assert frame["name"].tolist() == ["A Motors", "B Motors"]


def test_unnamed_column_with_data_is_kept_and_empty_one_dropped(tmp_path: Path) -> None:
    path = tmp_path / "unnamed.csv"
    path.write_text("Name,,City,\nGator Motors,note,Ocala,\n", encoding="utf-8")
    upload = read_upload(path)
    assert upload.headers == ["Name", "column_2", "City"]
    assert json.loads(upload.frame["fields"][0]) == {
        "Name": "Gator Motors",
        "column_2": "note",
        "City": "Ocala",
    }


def test_ambiguous_headers_pick_the_most_specific_and_warn(tmp_path: Path) -> None:
    path = tmp_path / "two phones.csv"
    path.write_text("Name,Telephone,Phone\nGator Motors,111,222\n", encoding="utf-8")
    upload = read_upload(path)
    assert upload.mapping["phone"] == "Phone"
    assert upload.frame["phone"].tolist() == ["222"]
    assert any("'Telephone'" in warning for warning in upload.warnings)


def test_column_map_beats_an_alias(tmp_path: Path) -> None:
    path = tmp_path / "override.csv"
    path.write_text("Name,Dealer Title\nJane Doe,Gator Motors\n", encoding="utf-8")
    upload = read_upload(path, IngestConfig(column_map={"Dealer Title": "name"}))
    assert upload.mapping["name"] == "Dealer Title"
    assert upload.frame["name"].tolist() == ["Gator Motors"]


def test_source_name_overrides_the_archived_file_name(tmp_path: Path) -> None:
    path = tmp_path / "dealers-1a2b3c4d.csv"
    path.write_text("Name\nGator Motors\n", encoding="utf-8")
    frame = read_upload(path, source_name="dealers.csv").frame
    assert frame["source_file"].tolist() == ["dealers.csv"]


def test_missing_file_and_folder_are_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UploadError) as missing:
        read_upload(tmp_path / "gone.csv")
    assert missing.value.code == "unreadable" and "gone.csv" in str(missing.value)
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    with pytest.raises(UploadError) as directory:
        read_upload(folder)
    assert directory.value.code == "unreadable" and "folder" in str(directory.value)
