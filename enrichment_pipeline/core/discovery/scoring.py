"""Identity evidence and confidence: does this page belong to this business?

Confidence = min(1, sum of evidence weights) + penalties, clamped to [0, 1]. Strong evidence
(the same phone, the same street number and street or ZIP) is what moves a candidate past the
default threshold of 0.6; the name and the city alone never do, whatever the source:

    phone 0.55 | street number + street 0.35, ZIP 0.20 (address capped at 0.45)
    name in title / og:site_name / h1 / JSON-LD: 0.30 (similarity >= 90), 0.15 (>= 80)
    city + state 0.10 | state (with a ZIP) 0.05 | source prior: csv 0.15, search 0.05, guess 0
    penalties: address only in another state -0.50; phone area codes only from another
    state -0.25; a multi-location (corporate/group) site -0.30
    rejected outright: parked or for-sale pages; pages listing many businesses (directories)

Capping the positive sum before penalties matters: a group site showing the record's phone
and address still ends 0.3 below the business's own site instead of tying with it at 1.0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import phonenumbers
from phonenumbers import geocoder

from enrichment_pipeline.core.discovery.identity import (
    RecordProfile,
    StreetParts,
    name_similarity,
    norm_words,
    shares_distinctive_word,
)
from enrichment_pipeline.core.discovery.page_facts import PageFacts
from enrichment_pipeline.core.normalize.addresses import STATE_NAMES


@dataclass(frozen=True)
class Weights:
    """Evidence weights and penalties (see the module docstring for the reasoning)."""

    phone: float = 0.55
    street: float = 0.35
    zip: float = 0.20
    address_cap: float = 0.45
    name_full: float = 0.30
    name_partial: float = 0.15
    city: float = 0.10  # city and state written together
    state: float = 0.05
    prior_csv: float = 0.15
    prior_search: float = 0.05
    prior_guess: float = 0.0
    other_state: float = -0.50
    other_area_code: float = -0.25
    multi_location: float = -0.30
    name_full_at: float = 90.0
    name_partial_at: float = 80.0
    # A page showing this many distinct state+ZIP pairs, or phones, lists many businesses.
    listing_locations: int = 3
    listing_phones: int = 7


DEFAULT_WEIGHTS = Weights()
_STATE_CODE_BY_NAME = {name: code for code, name in STATE_NAMES.items()}


@dataclass
class Assessment:
    """The verdict on one candidate's pages."""

    confidence: float
    evidence: list[dict[str, Any]] = field(default_factory=list)
    rejection: str | None = None  # set for pages that can never be the business's site
    strong: bool = False  # phone, street or ZIP found
    summary: str = ""  # one line: what was found, for review reasons


def prior_for(source: str, weights: Weights = DEFAULT_WEIGHTS) -> float:
    """What the source itself says: the user's own file is worth more than a search hit."""
    if source == "csv":
        return weights.prior_csv
    if source == "guess":
        return weights.prior_guess
    return weights.prior_search


def assess(
    facts: PageFacts,
    profile: RecordProfile,
    source: str,
    weights: Weights = DEFAULT_WEIGHTS,
) -> Assessment:
    """Score a candidate's page facts against a record."""
    if facts.is_parked:
        signal = next((s for s in facts.parked_signals if s.startswith("strong:")), None)
        signal = (signal or ", ".join(facts.parked_signals)).split(":", 1)[-1]
        return Assessment(0.0, [_item("parked", signal)], rejection=f"parked page ({signal})")
    site_identity = " ".join(facts.site_names)
    locations = len(facts.state_zips)
    multi = locations >= weights.listing_locations or len(facts.phones) >= weights.listing_phones
    corporate = multi and shares_distinctive_word(profile, site_identity)
    if multi and not corporate:
        count = max(locations, len(facts.phones))
        return Assessment(
            0.0,
            [_item("directory", f"{locations} addresses, {len(facts.phones)} phones")],
            rejection=f"lists many businesses ({count} addresses/phones): a directory page",
        )
    evidence: list[dict[str, Any]] = []
    found: list[str] = []
    phone_found = bool(profile.phone_digits and profile.phone_digits in facts.phones)
    if phone_found:
        evidence.append(_item("phone", profile.record.phone_e164, weights.phone))
        found.append("phone")
    street_found = profile.street is not None and _street_found(facts, profile.street)
    zip_found = bool(profile.zip) and (
        profile.zip in facts.zips or f" {profile.zip} " in facts.words
    )
    if street_found:
        evidence.append(_item("street", profile.record.street, weights.street))
        found.append("street")
    if zip_found:
        evidence.append(_item("zip", profile.zip, weights.zip))
        found.append("ZIP")
    address = min(
        weights.address_cap,
        (weights.street if street_found else 0.0) + (weights.zip if zip_found else 0.0),
    )
    best_name, best_similarity = "", 0.0
    for text in facts.names:
        similarity = name_similarity(profile, text)
        if similarity > best_similarity:
            best_name, best_similarity = text, similarity
    name = 0.0
    if best_similarity >= weights.name_full_at:
        name = weights.name_full
    elif best_similarity >= weights.name_partial_at:
        name = weights.name_partial
    if name:
        evidence.append({**_item("name", best_name, name), "similarity": round(best_similarity)})
        found.append("name")
    # City and state count together, as an address line writes them ("Ocala, FL"): a city
    # word alone is often part of the name ("Honda of Ocala") or of a "serving ..." sentence.
    city = 0.0
    if (
        profile.city_words
        and profile.state
        and (
            f"{profile.city_words}{profile.state.lower()} " in facts.words
            or f"{profile.city_words}{STATE_NAMES.get(profile.state, '').lower()} " in facts.words
            or any(
                norm_words(p.city) == profile.city_words and p.state == profile.state
                for p in facts.places
                if p.city
            )
        )
    ):
        city = weights.city
        evidence.append(_item("city", f"{profile.record.city}, {profile.state}", city))
        found.append("city")
    state = 0.0
    if profile.state and profile.state in facts.states:
        state = weights.state
        evidence.append(_item("state", profile.state, state))
    prior = prior_for(source, weights)
    if prior:
        evidence.append(_item("source", source, prior))
    positive = min(
        1.0, (weights.phone if phone_found else 0.0) + address + name + city + state + prior
    )
    penalty = 0.0
    if profile.state and facts.states and profile.state not in facts.states:
        others = ", ".join(sorted(facts.states))
        penalty += weights.other_state
        evidence.append(_item("other_state", others, weights.other_state))
        found.append(f"address in {others}")
    elif profile.state and not facts.states and facts.phones and not phone_found:
        regions = {_phone_state(p) for p in sorted(facts.phones)[:6]}
        regions.discard(None)
        if regions and profile.state not in regions:
            others = ", ".join(sorted(r for r in regions if r))
            penalty += weights.other_area_code
            evidence.append(_item("other_area_code", others, weights.other_area_code))
            found.append(f"phones from {others}")
    if corporate:
        penalty += weights.multi_location
        evidence.append(
            _item("multi_location", f"{locations} locations on one site", weights.multi_location)
        )
        found.append("multi-location site")
    confidence = round(max(0.0, min(1.0, positive + penalty)), 3)
    summary = ", ".join(found) if found else "no identity evidence"
    return Assessment(
        confidence,
        evidence,
        strong=phone_found or street_found or zip_found,
        summary=summary,
    )


def _item(kind: str, value: Any, weight: float | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"kind": kind, "value": value}
    if weight is not None:
        item["weight"] = round(weight, 3)
    return item


def _street_found(facts: PageFacts, street: StreetParts) -> bool:
    """The house number followed closely by the street-name words, in text or JSON-LD."""
    words = facts.words
    needle = f" {street.number} "
    start = words.find(needle)
    while start != -1:
        window = words[start : start + 90]
        if all(f" {w} " in window for w in street.words):
            return True
        start = words.find(needle, start + 1)
    for place in facts.places:
        if place.street:
            line = norm_words(place.street)
            if needle in line and all(f" {w} " in line for w in street.words):
                return True
    return False


@lru_cache(maxsize=4_096)
def _phone_state(digits: str) -> str | None:
    """US state code of a NANP number's area (phonenumbers' offline geocoder), else None."""
    try:
        number = phonenumbers.parse("+1" + digits)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    region = geocoder.description_for_number(number, "en")
    if not region:
        return None
    # US numbers describe a state ("Florida") or a place ("Ocala, FL"); anything else
    # (a Canadian province, "United States" for toll-free numbers) says nothing here.
    if ", " in region:
        code = region.rsplit(", ", 1)[1].strip()
        return code if code in STATE_NAMES else None
    return _STATE_CODE_BY_NAME.get(region)
