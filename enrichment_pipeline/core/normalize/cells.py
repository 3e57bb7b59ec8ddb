"""Cleaning of single spreadsheet cells before any field-specific normalisation."""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

# Excel's way of forcing text ("keep the leading zero"): ="00123".
_EXCEL_TEXT = re.compile(r'^=\s*"(.*)"$', re.DOTALL)
# =HYPERLINK("url", "label"); Sheets and European Excel use ";" between arguments.
_HYPERLINK = re.compile(
    r'^[=+@]?\s*HYPERLINK\(\s*"([^"]*)"\s*(?:[,;]\s*"([^"]*)"\s*)?\)\s*$', re.IGNORECASE
)
# A formula that calls a function: =SUM(, @SUM(, +cmd|, -2+3 is arithmetic, not a function call.
_FORMULA = re.compile(r"^[=+\-@]\s*[A-Za-z_][A-Za-z0-9_.]*\s*[(|]")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SPACES = re.compile(r"\s+")

# Values people type when they have nothing to put in a cell. Compared case-insensitively,
# after trimming spaces and dots.
PLACEHOLDERS: frozenset[str] = frozenset(
    {
        "", "-", "--", "---", "?", "??", "n/a", "na", "n.a", "#n/a", "none", "null", "nil",
        "nan", "unknown", "tbd", "tba", "not available", "not applicable", "no", "0", "x",
        "undefined", "missing", "blank", "empty", "same", "see above", "no website", "no site",
        "no phone", "no address", "test",
    }
)  # fmt: skip


def is_missing(value: object) -> bool:
    """True for None, NaN and pandas' NA: what a text column read back from storage may hold."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return type(value).__name__ in {"NAType", "NaTType"}


def clean_cell(value: object) -> str:
    """Text of a cell with whitespace collapsed, invisible characters removed and Excel's
    `="..."` text wrapper unwrapped; "" for a missing value."""
    if isinstance(value, str):
        return _clean_text(value)
    if is_missing(value):
        return ""
    return _clean_text(str(value))


# Every field of a row is cleaned several times on its way through the normalisers; caching the
# pure text step makes the repeats free.
@lru_cache(maxsize=131_072)
def _clean_text(value: str) -> str:
    text = unicodedata.normalize("NFC", value).translate(_INVISIBLE)
    text = _SPACES.sub(" ", text).strip()
    wrapped = _EXCEL_TEXT.match(text)
    if wrapped and '"' not in wrapped.group(1).replace('""', ""):
        text = wrapped.group(1).replace('""', '"').strip()
    return text


def hyperlink_parts(text: str) -> tuple[str, str] | None:
    """(url, label) of a `=HYPERLINK("url","label")` cell; the label is "" when absent."""
    found = _HYPERLINK.match(text)
    if found is None:
        return None
    return found.group(1).strip(), (found.group(2) or "").strip()


def is_formula(text: str) -> bool:
    """True when the cell is a spreadsheet function call such as `=SUM(A1:A3)` or `@cmd|`."""
    return bool(_FORMULA.match(text))


def is_placeholder(text: str) -> bool:
    """True for "N/A", "none", "-", "unknown" and similar stand-ins for an empty cell."""
    return text.strip(" .").casefold() in PLACEHOLDERS
