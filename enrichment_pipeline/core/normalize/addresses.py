"""US addresses: street, city, 2-letter state and 5-digit ZIP from whatever columns a file has."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import usaddress

from enrichment_pipeline.core.normalize.cells import clean_cell, is_placeholder

STATE_NAMES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa",
    "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi",
    "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire",
    "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "NC": "North Carolina",
    "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
    "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming", "DC": "District of Columbia",
    "PR": "Puerto Rico", "VI": "U.S. Virgin Islands", "GU": "Guam", "AS": "American Samoa",
    "MP": "Northern Mariana Islands", "AA": "Armed Forces Americas",
    "AE": "Armed Forces Europe", "AP": "Armed Forces Pacific",
}  # fmt: skip
STATE_CODES: frozenset[str] = frozenset(STATE_NAMES)
# Old abbreviations still common in hand-typed lists.
_STATE_VARIANTS = {
    "fla": "FL", "calif": "CA", "cal": "CA", "mass": "MA", "penn": "PA", "penna": "PA",
    "tex": "TX", "ariz": "AZ", "colo": "CO", "conn": "CT", "ga": "GA", "ill": "IL",
    "mich": "MI", "minn": "MN", "miss": "MS", "wash": "WA", "wis": "WI", "wisc": "WI",
    "ala": "AL", "ark": "AR", "del": "DE", "ind": "IN", "kan": "KS", "kans": "KS", "ky": "KY",
    "nev": "NV", "okla": "OK", "ore": "OR", "tenn": "TN", "va": "VA", "vt": "VT",
    "wyo": "WY", "washington dc": "DC", "washington d c": "DC", "d c": "DC",
}  # fmt: skip
_STATE_LOOKUP: dict[str, str] = {
    **{code.lower(): code for code in STATE_CODES},
    **{name.lower().replace(".", ""): code for code, name in STATE_NAMES.items()},
    **_STATE_VARIANTS,
}
# ZIP codes beginning with 0 (New England, New Jersey, Puerto Rico...): spreadsheets drop the
# zero, leaving 4 digits we can safely restore for these states (or when the state is unknown).
_ZERO_ZIP_STATES = frozenset({"CT", "MA", "ME", "NH", "NJ", "RI", "VT", "PR", "VI", "AE"})

_STREET_LABELS = frozenset(
    {
        "AddressNumber", "AddressNumberPrefix", "AddressNumberSuffix", "StreetNamePreModifier",
        "StreetNamePreDirectional", "StreetNamePreType", "StreetName", "StreetNamePostType",
        "StreetNamePostDirectional", "StreetNamePostModifier", "SubaddressType",
        "SubaddressIdentifier", "BuildingName", "OccupancyType", "OccupancyIdentifier",
        "USPSBoxType", "USPSBoxID", "USPSBoxGroupType", "USPSBoxGroupID", "CornerOf",
        "IntersectionSeparator", "LandmarkName", "SecondStreetName", "SecondStreetNamePostType",
        "SecondStreetNamePreDirectional", "SecondStreetNamePostDirectional",
        "SecondStreetNamePreType", "SecondStreetNamePreModifier",
    }
)  # fmt: skip
_ZIP = re.compile(r"^(\d{5})(?:[-\s]?\d{4})?$")
# A fallback for text usaddress cannot label: "<street>, <city>, <ST> <zip>".
_TRAILING_CITY_STATE_ZIP = re.compile(
    r"^(?P<street>.+?),\s*(?P<city>[^,]+?),?\s+(?P<state>[A-Za-z]{2})\.?,?\s*"
    r"(?P<zip>\d{5}(?:-\d{4})?)?\s*$"
)
_EDGE_PUNCTUATION = " ,;"


@dataclass(frozen=True)
class Address:
    """A US address split into parts; any part may be None when the input does not say it."""

    street: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None


def normalize_state(value: object) -> str | None:
    """'Florida', 'fla.', ' fl ' -> 'FL'; None for anything that is not a US state or territory."""
    text = clean_cell(value).lower().replace(".", " ")
    text = " ".join(text.split())
    return _STATE_LOOKUP.get(text) or _STATE_LOOKUP.get(text.replace(" ", ""))


def normalize_zip(value: object, state: str | None = None) -> str | None:
    """'33101-1234', '33101.0', ' 33101 ' -> '33101'; a 4-digit ZIP regains its lost leading zero
    when the state allows it. None for anything else (Canadian postcodes, '00000', junk)."""
    text = clean_cell(value)
    if text.endswith(".0"):
        text = text[:-2]  # a number that went through a float column
    if re.fullmatch(r"\d{4}", text) and (state is None or state in _ZERO_ZIP_STATES):
        text = "0" + text
    found = _ZIP.match(text)
    if found is None or found.group(1) == "00000":
        return None
    return found.group(1)


@lru_cache(maxsize=65_536)
def split_address(text: str) -> Address:
    """Split a one-line US address with usaddress; parts it does not find are None.

    The street keeps the original tokens and punctuation ("Unit 5, 800 Brickell Ave"); a name
    embedded before the number ("Sunshine Ford 123 Main St") is left out.
    """
    if not text:
        return Address()
    try:
        tokens = usaddress.parse(text)
    except Exception:
        return _split_by_commas(text)
    street_tokens = _drop_leading_building(tokens)
    street = [token for token, label in street_tokens if label in _STREET_LABELS]
    place = _first_run(tokens, "PlaceName")
    state = _first_run(tokens, "StateName")
    zip_code = _first_run(tokens, "ZipCode")
    if not street and not place and not state and not zip_code:
        return _split_by_commas(text)
    state_code = normalize_state(_join(state))
    return Address(
        street=_join(street),
        city=_join(place),
        state=state_code,
        zip=normalize_zip(_join(zip_code), state_code),
    )


def parse_address(
    address: object, city: object = None, state: object = None, zip_code: object = None
) -> Address:
    """Combine an address cell with separate City/State/Zip cells; a valid separate cell wins."""
    text = clean_cell(address)
    parsed = split_address("" if is_placeholder(text) else text)
    city_text = clean_cell(city)
    state_code = normalize_state(state) or parsed.state
    city_value = city_text if city_text and not is_placeholder(city_text) else parsed.city
    zip_value = normalize_zip(zip_code, state_code) or parsed.zip
    return Address(street=parsed.street, city=city_value, state=state_code, zip=zip_value)


def _split_by_commas(text: str) -> Address:
    found = _TRAILING_CITY_STATE_ZIP.match(text)
    if found and normalize_state(found.group("state")):
        return Address(
            street=found.group("street").strip(_EDGE_PUNCTUATION) or None,
            city=found.group("city").strip(_EDGE_PUNCTUATION) or None,
            state=normalize_state(found.group("state")),
            zip=normalize_zip(found.group("zip")),
        )
    return Address(street=text.strip(_EDGE_PUNCTUATION) or None)


def _drop_leading_building(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Drop a name before the house number ("Sunshine Ford, 123 Main St" -> "123 Main St"):
    in business lists it is the business or its mall, not part of the street."""
    for position, (_, label) in enumerate(tokens):
        if label in {"AddressNumber", "USPSBoxType"}:
            return tokens[position:]
        if label not in {"BuildingName", "LandmarkName", "Recipient"}:
            return tokens
    return tokens


def _first_run(tokens: list[tuple[str, str]], label: str) -> list[str]:
    """Tokens of the first contiguous run with `label` (usaddress may repeat a label)."""
    run: list[str] = []
    for token, token_label in tokens:
        if token_label == label:
            run.append(token)
        elif run:
            break
    return run


def _join(tokens: list[str]) -> str | None:
    joined = " ".join(tokens).strip(_EDGE_PUNCTUATION)
    return joined or None
