"""Phone numbers to E.164 with phonenumbers, tolerant of what spreadsheets do to them."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

from enrichment_pipeline.core.normalize.cells import clean_cell, is_placeholder

_FLOAT_TAIL = re.compile(r"^(\+?\d{7,15})\.0+$")  # 3055550123.0 from a float column
_TEL_PREFIX = re.compile(r"^(?:tel|phone|callto):\s*", re.IGNORECASE)


def to_e164(value: object, region: str = "US") -> str | None:
    """The first valid phone number in the cell as E.164 ("+13055550123"), else None.

    `region` is the ISO country whose national format is assumed when the number has no "+"
    prefix. Only numbers phonenumbers considers valid (not merely possible) are returned, because
    a wrong number in `company_key` would merge unrelated businesses.
    """
    text = clean_cell(value)
    if not text or is_placeholder(text):
        return None
    return _to_e164(text, region.upper())


@lru_cache(maxsize=65_536)
def _to_e164(text: str, region: str) -> str | None:
    text = _TEL_PREFIX.sub("", text)
    text = _FLOAT_TAIL.sub(r"\1", text)
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_valid_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    # "Main: 305-555-0123 / Fax: ..." or two numbers in one cell: take the first valid one.
    matches = phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID)
    for match in matches:
        return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    return None
