"""Spreadsheet-safe cells (OWASP "CSV injection").

A cell that starts with `=`, `+`, `-`, `@`, tab or carriage return can be run as a formula by
Excel, LibreOffice or Google Sheets. Such cells get a leading apostrophe, which spreadsheets
display as nothing and treat as "this is text". Phone numbers are the one exception: an E.164
number or a list of them ("+13055550100; +13055550101") stays readable, because salespeople dial
from these sheets and `+1...` is not a formula in any spreadsheet once it is all digits.
"""

from __future__ import annotations

import re

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PHONE_LIST = re.compile(r"\+\d{7,15}(?:; \+\d{7,15})*")
# A human-written phone such as "+1 (305) 555-0100": only digits and phone punctuation.
_PHONE_TEXT = re.compile(r"\+[\d\s().-]{7,24}")


def is_phone_text(value: str) -> bool:
    """True when the whole cell is a phone number (or a "; "-joined list of E.164 numbers)."""
    if _PHONE_LIST.fullmatch(value):
        return True
    return bool(_PHONE_TEXT.fullmatch(value)) and sum(ch.isdigit() for ch in value) >= 7


def spreadsheet_safe(value: object) -> object:
    """Return the value with formula triggers neutralised; non-strings pass through."""
    if not isinstance(value, str) or not value:
        return value
    stripped = value.lstrip(" ")
    # Leading spaces do not stop some spreadsheets from evaluating "  =1+1".
    first = stripped[:1] if stripped else value[:1]
    if first not in _TRIGGERS and value[:1] not in _TRIGGERS:
        return value
    if first == "+" and is_phone_text(stripped):
        return value
    return "'" + value
