"""Property: whatever text a spreadsheet writes, read_upload gives back exactly those cells."""

from __future__ import annotations

import codecs
import csv
import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enrichment_pipeline.core.ingest import read_upload

HEADERS = ["Name", "City", "Notes"]
# Any printable text plus quotes, delimiters and line breaks inside cells; no other control
# characters (a file full of those is binary by design) and no lone surrogates.
CELL = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\n\r\t,;|\"'"),
    max_size=30,
)
NAME = CELL.filter(lambda text: text.strip() != "")
ROWS = st.lists(st.tuples(NAME, CELL, CELL), min_size=1, max_size=20)
# Western words for the single-byte encodings: the detector needs real language, not noise.
WESTERN = st.lists(
    st.sampled_from(["Café", "José", "Niño", "Pérez", "Motors", "Autos", "Müller", "Garçon",
                     "Señor", "Ñandú", "Crème", "Brûlée", "Ford", "Sales", "Tampa", "Hialeah"]),
    min_size=1,
    max_size=4,
).map(" ".join)  # fmt: skip


def _write(rows: list[tuple[str, str, str]], delimiter: str, encoding: str) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(rows)
    text = buffer.getvalue()
    if encoding == "utf-16-le":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    return text.encode(encoding)


def _read(payload: bytes) -> list[tuple[str, str, str]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.csv"
        path.write_bytes(payload)
        upload = read_upload(path)
    rows = []
    for fields in upload.frame["fields"]:
        original = json.loads(fields)
        rows.append((original["Name"], original["City"], original["Notes"]))
    return rows


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=ROWS,
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16-le"]),
)
def test_unicode_cells_round_trip(
    rows: list[tuple[str, str, str]], delimiter: str, encoding: str
) -> None:
    assert _read(_write(rows, delimiter, encoding)) == rows


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(WESTERN, WESTERN, WESTERN), min_size=1, max_size=10),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_windows_1252_cells_round_trip(rows: list[tuple[str, str, str]], delimiter: str) -> None:
    assert _read(_write(rows, delimiter, "cp1252")) == rows
