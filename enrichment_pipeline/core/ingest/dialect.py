"""Find the delimiter of an upload: `,` `;` tab or `|`, or Excel's `sep=` hint line."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Mapping

from enrichment_pipeline.core.ingest.headers import match_columns

DELIMITERS: tuple[str, ...] = (",", "\t", ";", "|")
# Excel writes and honours a first line "sep=;" to fix the delimiter regardless of locale.
_SEP_HINT = re.compile(r"sep=(.)[ \t]*(?:\r\n|\n|\r|$)", re.IGNORECASE)
_SAMPLE_CHARS = 64 * 1024
_SAMPLE_RECORDS = 50
HEADER_WINDOW = 10  # a header row is looked for among the first this many non-blank records


def strip_sep_hint(text: str) -> tuple[str | None, str]:
    """Return (delimiter, rest of the text) when the text starts with a `sep=X` line."""
    hint = _SEP_HINT.match(text)
    if hint is None:
        return None, text
    return hint.group(1), text[hint.end() :]


def sniff_delimiter(text: str, column_map: Mapping[str, str]) -> str:
    """Pick the delimiter that best explains the first records of `text`.

    Ranked by, in order: a business-name column is recognised; how many canonical fields are
    recognised in the header; how consistently records have the same number of cells; how many
    cells they have. This beats `csv.Sniffer`, which guesses from character frequencies and is
    easily fooled by commas inside addresses.
    """
    sample = text[:_SAMPLE_CHARS]
    if len(text) > _SAMPLE_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n") + 1]
    best: tuple[tuple[int, int, float, int, int], str] | None = None
    for order, delimiter in enumerate(DELIMITERS):
        records = _first_records(sample, delimiter)
        if not records:
            continue
        matches = [match_columns(r, column_map).columns for r in records[:HEADER_WINDOW]]
        has_name = int(any("name" in columns for columns in matches))
        recognised = max(len(columns) for columns in matches)
        widths = Counter(len(r) for r in records)
        width, count = widths.most_common(1)[0]
        consistency = count / len(records) if width > 1 else 0.0
        score = (has_name, recognised, consistency, width, -order)
        if best is None or score > best[0]:
            best = (score, delimiter)
    return best[1] if best else ","


def _first_records(sample: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                records.append(record)
            if len(records) >= _SAMPLE_RECORDS:
                break
    except csv.Error:
        pass  # a broken sample scores with what was read before the break
    return records
