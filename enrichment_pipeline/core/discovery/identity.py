"""What identifies a business on a web page, prepared once per record.

A `RecordProfile` holds the record's identifiers in the forms pages are searched for: the
10-digit national phone, the street number and street-name words (split with `usaddress`), the
ZIP, the city as normalised words, and the name's tokens. Preparing these once keeps the
per-page work to set lookups and a few substring searches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import usaddress
from rapidfuzz import fuzz

from enrichment_pipeline.core.discovery.models import MatchInput
from enrichment_pipeline.core.normalize.addresses import STATE_NAMES
from enrichment_pipeline.core.normalize.names import normalize_company_name

_NON_ALNUM = re.compile(r"[^a-z0-9]+")

# Words that name a kind of business, a car brand or a place word rather than one business.
# Two sites sharing only these ("Ford", "Auto Sales") are not the same business or group.
GENERIC_WORDS: frozenset[str] = frozenset(
    """
    a an and at by for in of on the to with
    auto autos automotive automobile automobiles car cars truck trucks motor motors motorcars
    motorsports sales sale dealer dealers dealership dealerships preowned pre owned used new
    certified group center centre mall express superstore super outlet world country city
    company co inc llc corp enterprises services service repair repairs parts collision body
    shop store stores supply supplies boutique works market grill bar cafe restaurant kitchen
    seafood pizza tacos taco trattoria shack bistro diner plumbing roofing electric electrical
    air conditioning heating hvac pool pools cooling construction contractors landscaping
    hardware bike bikes surf pet pets home homes family sons brothers bros and associates
    florida fl south north east west central gulf coast bay beach lake river valley county
    acura audi bmw buick cadillac chevrolet chevy chrysler dodge fiat ford genesis gmc honda
    hyundai infiniti jaguar jeep kia land rover lexus lincoln mazda mercedes benz mini
    mitsubishi nissan porsche ram subaru toyota volkswagen vw volvo tesla harley davidson
    yamaha suzuki kawasaki polaris
    """.split()  # noqa: SIM905 (a word list reads best as text)
)
STATE_WORDS: frozenset[str] = frozenset(
    word for name in STATE_NAMES.values() for word in name.lower().split()
)


def norm_words(text: str) -> str:
    """Lower-case words separated by single spaces, padded with a space at both ends.

    Padding makes whole-word search a plain substring test: `" ocala " in norm_words(page)`.
    """
    return " " + _NON_ALNUM.sub(" ", text.lower()).strip() + " "


@lru_cache(maxsize=65_536)
def name_tokens(name: str) -> tuple[str, ...]:
    """Tokens of a business name after normalisation (legal suffixes, `&`, accents handled)."""
    return tuple(normalize_company_name(name).split())


@dataclass(frozen=True, slots=True)
class StreetParts:
    number: str  # "1234"
    words: tuple[str, ...]  # street-name words, lower-case: ("dale", "mabry") or ("441",)


@lru_cache(maxsize=65_536)
def street_parts(street: str | None) -> StreetParts | None:
    """House number and street-name words of a street line, or None when it has no number."""
    if not street:
        return None
    try:
        tokens = usaddress.parse(street)
    except Exception:  # usaddress raises on odd input; the street is then simply unused
        return None
    number = next((t for t, label in tokens if label == "AddressNumber"), None)
    words = tuple(
        w
        for t, label in tokens
        if label == "StreetName"
        for w in _NON_ALNUM.sub(" ", t.lower()).split()
    )
    if not number or not words:
        return None
    digits = re.sub(r"\D", "", number)
    return StreetParts(digits, words) if digits else None


@dataclass(frozen=True, slots=True)
class RecordProfile:
    """A record's identifiers, prepared for matching against pages."""

    record: MatchInput
    phone_digits: str | None  # 10-digit national number (NANP) or full digits elsewhere
    street: StreetParts | None
    zip: str | None
    city_words: str | None  # norm_words(city), e.g. " st petersburg "
    state: str | None  # two-letter code
    tokens: tuple[str, ...]  # name tokens
    distinctive: frozenset[str]  # name tokens that are not generic, place or brand words

    @classmethod
    def from_input(cls, record: MatchInput) -> RecordProfile:
        phone = None
        if record.phone_e164:
            digits = re.sub(r"\D", "", record.phone_e164)
            phone = digits[1:] if record.phone_e164.startswith("+1") else digits
        city_words = norm_words(record.city) if record.city and record.city.strip() else None
        tokens = name_tokens(record.name_normalized or record.name)
        place = set(city_words.split()) if city_words else set()
        distinctive = frozenset(
            t for t in tokens if t not in GENERIC_WORDS and t not in STATE_WORDS and t not in place
        )
        return cls(
            record=record,
            phone_digits=phone or None,
            street=street_parts(record.street),
            zip=(record.zip or "")[:5] or None,
            city_words=city_words,
            state=(record.state or "").upper() or None,
            tokens=tokens,
            distinctive=distinctive,
        )

    @property
    def name(self) -> str:
        return " ".join(self.tokens)


def name_similarity(profile: RecordProfile, text: str) -> float:
    """0-100: how well `text` (a title segment, a site name) names this business.

    Every record token present in the text scores 100 (the title says at least the full name:
    "Treasure Coast Kia in Lakeland"); otherwise rapidfuzz's token-sort ratio, which does not
    reward a text that is merely a subset of the name ("Sunshine Ford" for "Sunshine Ford of
    Ocala" scores 74, not the 100 a token-set ratio would give).
    """
    if not profile.tokens or not text:
        return 0.0
    tokens = name_tokens(text)
    if not tokens:
        return 0.0
    if set(profile.tokens) <= set(tokens):
        return 100.0
    # Also compare without spaces: "AutoNation" vs "Auto Nation", "GatorAuto" vs "Gator Auto".
    joined = fuzz.ratio("".join(profile.tokens), "".join(tokens))
    return max(fuzz.token_sort_ratio(profile.name, " ".join(tokens)), joined)


def shares_distinctive_word(profile: RecordProfile, text: str) -> bool:
    """True when `text` contains one of the record name's distinctive words ("Sunshine")."""
    if not profile.distinctive or not text:
        return False
    return bool(profile.distinctive & set(name_tokens(text)))
