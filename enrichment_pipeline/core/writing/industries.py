"""Industry detection from a business's name and facts.

Keyword scoring, not a classifier: the vocabulary of small-business names is narrow ("Motors",
"Grill", "Plumbing"), the rules are inspectable, and a wrong guess only changes which pain points
the email leads with. Name matches weigh more than snippet matches because a name is chosen by
the owner while a snippet can mention anything ("we cater office lunches" on a car lot's blog).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

CAR_DEALER = "car_dealer"
RESTAURANT = "restaurant"
TRADES = "trades"
RETAIL = "retail"
GENERIC = "generic"
INDUSTRIES: tuple[str, ...] = (CAR_DEALER, RESTAURANT, TRADES, RETAIL, GENERIC)

# Makes sold by franchised dealers in the US, as they are written in an email.
_BRAND_NAMES: tuple[str, ...] = (
    "Acura", "Alfa Romeo", "Audi", "BMW", "Buick", "Cadillac", "Chevrolet", "Chrysler", "Dodge",
    "Fiat", "Ford", "Genesis", "GMC", "Honda", "Hyundai", "Infiniti", "Jaguar", "Jeep", "Kia",
    "Land Rover", "Lexus", "Lincoln", "Maserati", "Mazda", "Mercedes-Benz", "MINI", "Mitsubishi",
    "Nissan", "Porsche", "Ram", "Subaru", "Tesla", "Toyota", "Volkswagen", "Volvo",
    "Harley-Davidson", "Polaris", "Yamaha", "Kawasaki", "Suzuki",
)  # fmt: skip
# Lower-cased spelling (including common short forms) -> the name to print.
CAR_BRANDS: dict[str, str] = {name.lower(): name for name in _BRAND_NAMES} | {
    "chevy": "Chevrolet",
    "vw": "Volkswagen",
    "mercedes": "Mercedes-Benz",
}

_BRAND_ALTERNATION = "|".join(
    re.escape(brand) for brand in sorted(CAR_BRANDS, key=len, reverse=True)
)

_PATTERNS: dict[str, re.Pattern[str]] = {
    CAR_DEALER: re.compile(
        r"(?i)\b(?:motors?|motorcars?|autos|auto\s+(?:sales|group|mall|plaza|center|world|"
        r"outlet|brokers?|exchange|direct)|automotive\s+group|cars|car\s+(?:sales|lot|"
        r"dealer|center|mart|world|outlet)|dealerships?|dealers?|pre-?owned|used\s+cars?|"
        r"buy\s+here\s+pay\s+here|trucks?|rv|powersports|test\s+drives?|showroom|"
        rf"inventory|{_BRAND_ALTERNATION})\b"
    ),
    # Before restaurants so that "Kitchen Remodeling" is a trade, not a kitchen.
    TRADES: re.compile(
        r"(?i)\b(?:plumb(?:ing|ers?)|hvac|heating|air\s+conditioning|a/c|cooling|roofing|"
        r"roofers?|electric(?:al|ians?)?|construction|contractors?|landscap(?:e|ing)|lawn|"
        r"pest\s+control|painting|painters?|remodel(?:ing)?|pool\s+(?:service|repair|care)|"
        r"handyman|garage\s+doors?|septic|flooring|fencing|paving|concrete|gutters?|"
        r"auto\s+repair|collision|body\s+shop|mechanics?|tires?|transmissions?|towing|"
        r"locksmith|cleaning|pressure\s+washing|irrigation|solar|installation|estimates?)\b"
    ),
    RESTAURANT: re.compile(
        r"(?i)\b(?:restaurants?|grill|grille|cafe|café|bistro|pizz(?:a|eria)|diner|kitchen|"
        r"bbq|barbecue|taqueria|tacos?|sushi|bakery|catering|steakhouse|eatery|tavern|"
        r"brewery|brewing|seafood|cantina|trattoria|deli|menu|dine-in|takeout|take-out|"
        r"reservations?|brunch|chef)\b"
    ),
    RETAIL: re.compile(
        r"(?i)\b(?:store|shop|boutique|outlet|market|supply|supplies|furniture|jewel(?:ry|"
        r"ers?)|hardware|florist|flowers|gifts?|apparel|clothing|mattress(?:es)?|"
        r"appliances?|pharmacy|goods|marine|bikes?|bicycles?|books|liquors?|wine|thrift)\b"
    ),
}
# A car make plus a repair word ("Ford Auto Repair", "Toyota Collision Center") is a service
# business, not a dealership, even though the make alone scores as a dealer.
_AUTO_SERVICE = re.compile(
    r"(?i)\b(?:auto\s+repair|repair|collision|body\s+shop|mechanics?|transmissions?|towing|"
    r"tires?|brakes?|muffler|lube)\b"
)

_NAME_WEIGHT = 3


def detect_industry(name: str, texts: Iterable[str] = ()) -> str:
    """Best-guess industry key for a business (one of INDUSTRIES); GENERIC when nothing matches."""
    if _AUTO_SERVICE.search(name or ""):
        return TRADES
    scores = dict.fromkeys(_PATTERNS, 0)
    for industry, pattern in _PATTERNS.items():
        scores[industry] += _NAME_WEIGHT * len(pattern.findall(name or ""))
        for text in texts:
            scores[industry] += len(pattern.findall(text or ""))
    best = max(scores.values())
    if best == 0:
        return GENERIC
    # Ties go to the first industry in _PATTERNS order: dealers first, our first customer.
    return next(industry for industry, score in scores.items() if score == best)


def normalise_industry(value: object) -> str | None:
    """Map a user-supplied industry label ("Car Dealer", "auto dealers", "HVAC") to a key."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().lower().replace("-", " ").replace("_", " ")
    if text.replace(" ", "_") in INDUSTRIES:
        return text.replace(" ", "_")
    found = detect_industry(text)
    return None if found == GENERIC else found


def find_brands(texts: Iterable[str]) -> list[str]:
    """Car makes mentioned in `texts`, properly cased, in order of first mention, no repeats."""
    pattern = re.compile(rf"(?i)\b(?:{_BRAND_ALTERNATION})\b")
    seen: dict[str, None] = {}
    for text in texts:
        for match in pattern.finditer(text or ""):
            seen.setdefault(CAR_BRANDS[match.group(0).lower()], None)
    return list(seen)
