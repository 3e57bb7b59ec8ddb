"""Phone numbers: `tel:` links, visible text and structured data, normalised to E.164.

Text is searched with phonenumbers' own matcher (VALID leniency) in the configured region, but
only on the lines that hold a run of at least seven digits, so prose costs nothing. The matcher
already refuses dates, prices and ZIP+4 codes; stock numbers, VINs and other identifiers that
happen to have ten digits are refused by the words in front of them, and the fictional
555-01XX range is treated as reserved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher

# A run of 7+ digits with the usual separators: the only text worth giving to the matcher.
# Digits glued to letters (VINs, stock numbers) are skipped here already.
# Runs of digits and phone punctuation (no newline: a run stays on one line of the text). A
# plain character-class run is several times faster to scan for than a structured pattern;
# `digit_runs` then keeps runs of 7+ digits not glued to letters (VINs, stock numbers).
DIGIT_RUN_RE = re.compile(r"[0-9][0-9 \t\xa0().\-–/·•]{5,}[0-9]")
# Separators people use that phonenumbers does not know (same length, so offsets hold).
_SEPARATORS = str.maketrans({"·": ".", "•": "."})
# Identifiers that are written like phone numbers.
_IDENTIFIER_BEFORE = re.compile(
    r"(?:\b(?:stock|stk|vin|sku|model|item|part|order|invoice|po|msrp|price|mileage|miles|odometer|"
    r"serial|ref|reference|account|acct|routing|ein|fein|tax\s*id|license|lic|dl|nmls|id|"
    r"confirmation|tracking|claim|policy|ticket|case|unit|code|pin|zip)|#)\s*(?:no\.?|num(?:ber)?|#)?\s*[:#.]?\s*$",
    re.IGNORECASE,
)
_PHONE_WORD = re.compile(
    r"\b(?:phone|tel|telephone|call|fax|cell|mobile|text|sales|service|parts|office|main|"
    r"teléfono|telefono|llame|llámenos)\b",
    re.IGNORECASE,
)
_IDENTIFIER_AFTER = re.compile(r"^\s*(?:mi\b|miles\b|km\b)", re.IGNORECASE)

_LABEL_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("fax", re.compile(r"\b(?:fax|facsimile)\b", re.IGNORECASE)),
    ("sales", re.compile(r"\b(?:sales|ventas|new\s+cars?|used\s+cars?|pre-owned)\b", re.I)),
    ("service", re.compile(r"\b(?:service|servicio|repair|collision|body\s+shop)\b", re.I)),
    ("parts", re.compile(r"\b(?:parts|partes|repuestos|accessories)\b", re.IGNORECASE)),
)
_MAIN_WORDS = re.compile(
    r"\b(?:main|office|phone|telephone|tel|call\s+us|call|teléfono|telefono|local|toll[- ]free)\b",
    re.IGNORECASE,
)
# schema.org types of a department (AutoDealer.department) and what its number is for.
DEPARTMENT_TYPES = {
    "autorepair": "service",
    "autobodyshop": "service",
    "autopartsstore": "parts",
    "autodealer": "sales",
}
_CONTACT_TYPES = {
    "sales": "sales",
    "service": "service",
    "customer service": "main",
    "customer support": "main",
    "parts": "parts",
    "reservations": "main",
    "main": "main",
    "office": "main",
}


@dataclass(slots=True)
class PhoneHit:
    """A valid number with its label and where it was seen (line index, -1 if not text)."""

    e164: str
    label: str | None
    line: int


@lru_cache(maxsize=65_536)
def normalise_phone(raw: str, region: str = "US") -> str | None:
    """Parse one number as written (or a tel: href) into E.164; None if invalid or reserved."""
    text = unquote(raw).strip()
    lowered = text.lower()
    for prefix in ("tel:", "callto:", "sms:"):
        if lowered.startswith(prefix):
            text = text[len(prefix) :].lstrip("/")
            break
    text = text.split(";", 1)[0].split("?", 1)[0].strip()
    if sum(ch.isdigit() for ch in text) < 7:
        return None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return _valid_e164(number)


def _valid_e164(number: phonenumbers.PhoneNumber) -> str | None:
    if not phonenumbers.is_valid_number(number):
        return None
    national = str(number.national_number)
    # North American 555-0100..555-0199 is reserved for fiction (films, examples, test pages).
    if number.country_code == 1 and len(national) == 10 and national[3:8] == "55501":
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def digit_runs(text: str) -> list[tuple[int, str]]:
    """(offset, run) for each run of 7+ digits in `text` that is not glued to letters."""
    runs = []
    for match in DIGIT_RUN_RE.finditer(text):
        run = match.group(0)
        start, end = match.start(), match.end()
        if (start and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum()):
            continue
        if sum(ch.isdigit() for ch in run) >= 7:
            runs.append((start, run))
    return runs


def worth_matching(text: str, start: int, run: str) -> bool:
    """Cheap pre-check of a digit run at `start` in `text` before the (costly) matcher runs:
    the same identifier and unformatted-digits rules `find_in_text` applies."""
    before = text[max(0, start - 24) : start].rpartition("\n")[2]
    labelled = bool(_PHONE_WORD.search(before[-14:]))
    if labelled:
        return True
    if _IDENTIFIER_BEFORE.search(before):
        return False
    return not run.lstrip("+").isdigit()


@lru_cache(maxsize=16_384)
def find_in_text(text: str, region: str = "US") -> tuple[tuple[str, int, int], ...]:
    """Valid numbers in one line of text: (e164, start, end) offsets in that text.

    Cached: headers and footers repeat the same phone lines on every page of a site.
    """
    found: list[tuple[str, int, int]] = []
    text = text.translate(_SEPARATORS)
    for match in PhoneNumberMatcher(text, region, leniency=Leniency.VALID):
        before = text[max(0, match.start - 24) : match.start]
        labelled = bool(_PHONE_WORD.search(before[-14:]))
        if not labelled and _IDENTIFIER_BEFORE.search(before):
            continue
        if _IDENTIFIER_AFTER.match(text[match.end : match.end + 8]):
            continue
        # An unformatted run of ten digits is far more often a code or an ID than a phone
        # number a business prints for people to read; accept it only under a phone label.
        if not labelled and match.raw_string.lstrip("+").isdigit():
            continue
        e164 = _valid_e164(match.number)
        if e164:
            found.append((e164, match.start, match.end))
    return tuple(found)


def label_from_text(text: str) -> str | None:
    """Label a number from the words next to it; None unless exactly one kind is named."""
    if not text:
        return None
    kinds = [kind for kind, pattern in _LABEL_WORDS if pattern.search(text)]
    if len(kinds) == 1:
        return kinds[0]
    if not kinds and _MAIN_WORDS.search(text):
        return "main"
    return None


def label_from_contact_type(contact_type: str) -> str | None:
    """Map a schema.org contactPoint.contactType to a label."""
    lowered = contact_type.strip().lower()
    if lowered in _CONTACT_TYPES:
        return _CONTACT_TYPES[lowered]
    return label_from_text(lowered)


def merge_label(old: str | None, new: str | None) -> str | None:
    """Keep the more specific label when one number is seen twice (sales beats main)."""
    if old is None or (old == "main" and new not in (None, "main")):
        return new if new is not None else old
    return old
