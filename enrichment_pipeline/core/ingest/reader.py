"""Read an uploaded CSV into a frame of text columns: the logic of the `raw_upload` stage.

Every value stays the text that was in the file (no "00123" -> 123, no NaN): the csv module does
the parsing, never pandas' type inference.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from enrichment_pipeline.core.ingest.binary import SAVE_AS_CSV_HINT
from enrichment_pipeline.core.ingest.config import (
    CANONICAL_FIELDS,
    MAX_BYTES_ENV,
    MAX_ROWS_ENV,
    IngestConfig,
)
from enrichment_pipeline.core.ingest.decoding import decode_upload
from enrichment_pipeline.core.ingest.dialect import (
    DELIMITERS,
    HEADER_WINDOW,
    sniff_delimiter,
    strip_sep_hint,
)
from enrichment_pipeline.core.ingest.errors import UploadError
from enrichment_pipeline.core.ingest.headers import (
    check_column_map,
    match_columns,
    normalize_header,
)

RAW_COLUMNS: tuple[str, ...] = ("row_number", "source_file", *CANONICAL_FIELDS, "fields")
EXTRA_CELL_PREFIX = "_extra_"
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060\xa0"
_MAX_LISTED = 5
# NULs never survive decoding, so this line cannot occur in an upload's text.
_EOF_SENTINEL = "\x00end-of-upload\x00"
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass
class RawUpload:
    """An upload as read: one row per data record, every value text. See `read_upload`."""

    frame: pd.DataFrame
    headers: list[str]
    mapping: dict[str, str]
    encoding: str
    delimiter: str
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Record:
    line: int  # physical line (1-based) on which the record starts
    cells: list[str]
    blank: bool  # no cell has anything but whitespace


def _record(line: int, cells: list[str]) -> _Record:
    return _Record(line=line, cells=cells, blank=not any(cell.strip() for cell in cells))


def read_upload(
    path: Path,
    config: IngestConfig = IngestConfig(),  # noqa: B008 - frozen, so a shared default is safe
    *,
    source_name: str | None = None,
) -> RawUpload:
    """Read one uploaded CSV, or raise `UploadError` saying why it cannot be taken.

    `frame` has the columns of `RAW_COLUMNS`: `row_number` (1-based position of the record
    after the header; blank records are skipped but keep their number, so numbers match the
    file), `source_file` (`source_name` or the file name), one column per canonical field (the
    mapped text, None when the file has no such column) and `fields` (a JSON object of the whole
    original row, original headers in file order; cells beyond the header are kept under
    `_extra_1`, `_extra_2`...).
    """
    path = Path(path)
    name = source_name or path.name
    column_map = check_column_map(config.column_map)
    data = _read_bytes(path, name, config.max_bytes)
    if not data:
        raise UploadError("empty_file", f"'{name}' is empty (0 bytes); export the list again")
    decoded = decode_upload(data, name)
    warnings = list(decoded.warnings)
    text = decoded.text.lstrip("\ufeff")
    if not text.strip():
        has_bom = data.startswith(_BOMS) or decoded.text.startswith("\ufeff")
        what = "a byte-order mark" if has_bom and not text else "whitespace"
        raise UploadError("empty_file", f"'{name}' contains only {what}, no rows")
    if not text.strip("".join(DELIMITERS) + "\"' \r\n"):
        raise UploadError("empty_file", f"'{name}' has only blank lines and delimiters, no rows")
    hinted, text = strip_sep_hint(text)
    delimiter = hinted or sniff_delimiter(text, column_map)
    records = _parse(text, delimiter, name, max_nonblank=config.max_rows + HEADER_WINDOW + 1)
    nonblank = [i for i, record in enumerate(records) if not record.blank]
    if not nonblank:
        raise UploadError("empty_file", f"'{name}' has only blank lines, no header and no rows")

    header_at = _locate_header([records[i] for i in nonblank[:HEADER_WINDOW]], column_map)
    if header_at is None:
        raise _no_name_column(name, _clean_headers(records[nonblank[0]].cells))
    header_index = nonblank[header_at]
    if header_at:
        first = ", ".join(c.strip() for c in records[nonblank[0]].cells if c.strip())
        warnings.append(
            f"skipped {header_at} line(s) above the header row (first: '{_clip(first)}')"
        )
    headers = _clean_headers(records[header_index].cells)
    _check_duplicates(headers, name)
    match = match_columns(headers, column_map)
    if match.missing_map_keys:
        written = {normalize_header(str(key)): str(key) for key in config.column_map}
        missing = [written.get(key, key) for key in match.missing_map_keys]
        raise UploadError(
            "bad_column_map",
            f"column_map names {_quote_list(missing)} but '{name}' has no such column "
            f"(headers: {_quote_list(headers)})",
        )
    warnings.extend(match.warnings)

    body = records[header_index + 1 :]
    data_count = sum(1 for record in body if not record.blank)
    if data_count == 0:
        raise UploadError(
            "header_only",
            f"'{name}' has a header row ({_quote_list(headers)}) but no data rows",
        )
    if data_count > config.max_rows:
        raise UploadError(
            "too_many_rows",
            f"'{name}' has more than {config.max_rows:,} data rows (the limit); split it into "
            f"smaller files or raise the limit ({MAX_ROWS_ENV} or IngestConfig.max_rows)",
        )

    header_cells = records[header_index].cells
    unnamed = {i for i, cell in enumerate(header_cells) if not cell.strip().strip(_INVISIBLE)}
    frame, row_warnings, used = _build_frame(body, headers, unnamed, match.columns, name)
    warnings.extend(row_warnings)
    kept_headers = [h for h in headers if h in used]
    unused = [h for h in kept_headers if h not in {headers[i] for i in match.columns.values()}]
    if unused:
        warnings.append(f"columns kept as-is but not used for matching: {_quote_list(unused)}")
    mapping = {canonical: headers[i] for canonical, i in sorted(match.columns.items())}
    return RawUpload(
        frame=frame,
        headers=kept_headers,
        mapping={c: mapping[c] for c in CANONICAL_FIELDS if c in mapping},
        encoding=decoded.encoding,
        delimiter=delimiter,
        warnings=warnings,
    )


def _read_bytes(path: Path, name: str, max_bytes: int) -> bytes:
    try:
        if path.is_dir():
            raise UploadError("unreadable", f"'{name}' is a folder, not a CSV file")
        size = path.stat().st_size
        if size > max_bytes:
            raise _too_large(name, size, max_bytes)
        with path.open("rb") as handle:
            # Read one byte past the cap: the file may have grown since stat().
            data = handle.read(max_bytes + 1)
    except FileNotFoundError as exc:
        raise UploadError("unreadable", f"'{name}' does not exist (moved or deleted?)") from exc
    except OSError as exc:
        raise UploadError("unreadable", f"cannot read '{name}': {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise _too_large(name, len(data), max_bytes)
    return data


def _too_large(name: str, size: int, max_bytes: int) -> UploadError:
    size_text, limit_text = _human_size(size), _human_size(max_bytes)
    if size_text == limit_text:  # "50.0 MB, over the 50.0 MB limit" would read as a bug
        size_text, limit_text = f"{size:,} bytes", f"{max_bytes:,}-byte"
    return UploadError(
        "too_large",
        f"'{name}' is {size_text}, over the {limit_text} upload limit; split "
        f"it into smaller files or raise the limit ({MAX_BYTES_ENV} or IngestConfig.max_bytes)",
    )


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):,.1f} MB"
    if size >= 1024:
        return f"{size / 1024:,.1f} KB"
    return f"{size:,} bytes"


def _parse(text: str, delimiter: str, name: str, max_nonblank: int) -> list[_Record]:
    """Split text into records (quoted newlines kept), stopping after `max_nonblank` records.

    A quote opened and never closed silently swallows the rest of the file into one cell. To
    notice, a sentinel record is appended: it comes back as its own record only when the parser
    reached the end of the file outside a quoted cell.
    """
    ending = "" if text.endswith(("\n", "\r")) else "\n"
    stream = io.StringIO(text + ending + _EOF_SENTINEL, newline="")
    reader = csv.reader(stream, delimiter=delimiter)
    records: list[_Record] = []
    nonblank = 0
    start = 1
    try:
        for cells in reader:
            if cells == [_EOF_SENTINEL]:
                return records
            record = _record(start, cells)
            records.append(record)
            start = reader.line_num + 1
            if not record.blank:
                nonblank += 1
                if nonblank >= max_nonblank:
                    return records
    except csv.Error as exc:
        raise UploadError(
            "unreadable",
            f"'{name}' cannot be parsed as CSV near line {reader.line_num}: {exc} (a quote that "
            "is opened but never closed makes the rest of the file one giant cell)",
        ) from exc
    line = records[-1].line if records else 1
    raise UploadError(
        "unreadable",
        f"'{name}' has a quote (\") opened on line {line} that is never closed, so everything "
        "after it would be read as one cell; fix or remove that quote",
    )


def _locate_header(records: Sequence[_Record], column_map: Mapping[str, str]) -> int | None:
    """Index of the first record that names a business-name column (title lines may precede)."""
    for index, record in enumerate(records):
        if "name" in match_columns(_clean_headers(record.cells), column_map).columns:
            return index
    return None


def _clean_headers(cells: Sequence[str]) -> list[str]:
    """Strip whitespace and invisible characters; name blank headers `column_<position>`."""
    headers = [cell.strip().strip(_INVISIBLE).strip() for cell in cells]
    present = set(headers)
    for position, header in enumerate(headers):
        if not header:
            generated = f"column_{position + 1}"
            while generated in present:
                generated += "_"
            headers[position] = generated
            present.add(generated)
    return headers


def _check_duplicates(headers: Sequence[str], name: str) -> None:
    positions: dict[str, list[int]] = {}
    for position, header in enumerate(headers):
        positions.setdefault(header, []).append(position)
    duplicates = [(h, p) for h, p in positions.items() if len(p) > 1]
    if not duplicates:
        return
    described = "; ".join(
        f"'{header}' in columns " + " and ".join(_column_label(p) for p in places)
        for header, places in duplicates
    )
    raise UploadError(
        "duplicate_headers",
        f"'{name}' has duplicate column headers: {described}; rename them so every column has "
        "a unique header",
    )


def _column_label(position: int) -> str:
    """1-based number and spreadsheet letter of a column: 'column 3 (C)'."""
    letters = ""
    number = position + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return f"{position + 1} ({letters})"


def _build_frame(
    body: Sequence[_Record],
    headers: list[str],
    unnamed: set[int],
    columns: Mapping[str, int],
    name: str,
) -> tuple[pd.DataFrame, list[str], set[str]]:
    width = len(headers)
    rows: list[tuple[int, list[str], list[str]]] = []
    short_rows: list[int] = []
    long_rows: list[int] = []
    column_has_data = [False] * width
    for offset, record in enumerate(body):
        if record.blank:
            continue
        row_number = offset + 1
        cells = record.cells
        extras: list[str] = []
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
            short_rows.append(row_number)
        elif len(cells) > width:
            extras = cells[width:]
            cells = cells[:width]
            # Trailing delimiters are an export artefact, not data.
            if any(extra.strip() for extra in extras):
                long_rows.append(row_number)
            else:
                extras = []
        for position, cell in enumerate(cells):
            if cell and not column_has_data[position]:
                column_has_data[position] = True
        rows.append((row_number, cells, extras))

    # Columns with neither a header nor any value (trailing delimiters) are dropped.
    keep = [
        position
        for position in range(width)
        if column_has_data[position] or position not in unnamed or position in columns.values()
    ]
    kept_headers = [headers[p] for p in keep]
    out: dict[str, list[object]] = {column: [] for column in RAW_COLUMNS}
    for row_number, cells, extras in rows:
        out["row_number"].append(row_number)
        out["source_file"].append(name)
        for canonical in CANONICAL_FIELDS:
            position = columns.get(canonical)
            out[canonical].append(None if position is None else cells[position])
        original = {headers[p]: cells[p] for p in keep}
        for index, extra in enumerate(extras, start=1):
            original[_extra_key(original, index)] = extra
        out["fields"].append(json.dumps(original, ensure_ascii=False))

    frame = pd.DataFrame(out, columns=list(RAW_COLUMNS))
    frame["row_number"] = frame["row_number"].astype("int64")
    for column in RAW_COLUMNS[1:]:
        frame[column] = frame[column].astype(object)

    warnings: list[str] = []
    if short_rows:
        warnings.append(
            f"{len(short_rows)} row(s) had fewer cells than the header and were padded with "
            f"empty values (rows {_list_rows(short_rows)})"
        )
    if long_rows:
        warnings.append(
            f"{len(long_rows)} row(s) had more cells than the header; the extra cells are kept "
            f"in `fields` as {EXTRA_CELL_PREFIX}1, {EXTRA_CELL_PREFIX}2... (rows "
            f"{_list_rows(long_rows)}; an unquoted delimiter inside a value?)"
        )
    blank = sum(1 for record in body if record.blank)
    if blank:
        warnings.append(f"skipped {blank} blank row(s)")
    return frame, warnings, set(kept_headers)


def _extra_key(existing: Mapping[str, str], index: int) -> str:
    key = f"{EXTRA_CELL_PREFIX}{index}"
    while key in existing:
        key = "_" + key
    return key


def _no_name_column(name: str, headers: Sequence[str]) -> UploadError:
    return UploadError(
        "no_name_column",
        f"'{name}' has no column we recognise as the business name (first row: "
        f"{_quote_list(headers[:8])}{'...' if len(headers) > 8 else ''}); rename that column "
        "to 'Company' or 'Business Name', or map it with column_map={'<your header>': 'name'}. "
        f"If the file has no header row, add one",
    )


def _list_rows(rows: Sequence[int]) -> str:
    listed = ", ".join(str(r) for r in rows[:_MAX_LISTED])
    return listed + (f" and {len(rows) - _MAX_LISTED} more" if len(rows) > _MAX_LISTED else "")


def _quote_list(items: Sequence[str]) -> str:
    return ", ".join(f"'{_clip(item)}'" for item in items)


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["RAW_COLUMNS", "SAVE_AS_CSV_HINT", "RawUpload", "read_upload"]
