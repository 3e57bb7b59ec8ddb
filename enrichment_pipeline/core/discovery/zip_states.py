"""Which state a ZIP code belongs to, by its first three digits (USPS sectional centers).

Used to validate "ST 12345" pairs read from page text: "Dealer ID 12345" or "Call IN 30
minutes" must not be taken for an address in Idaho or Indiana. Ranges are inclusive.
"""

from __future__ import annotations

from bisect import bisect_right

_RANGES: tuple[tuple[int, int, str], ...] = (
    (5, 5, "NY"), (6, 9, "PR"), (10, 27, "MA"), (28, 29, "RI"), (30, 38, "NH"), (39, 49, "ME"),
    (50, 59, "VT"), (60, 69, "CT"), (70, 89, "NJ"), (90, 99, "AE"), (100, 149, "NY"),
    (150, 196, "PA"), (197, 199, "DE"), (200, 205, "DC"), (206, 219, "MD"), (220, 246, "VA"),
    (247, 268, "WV"), (270, 289, "NC"), (290, 299, "SC"), (300, 319, "GA"), (320, 349, "FL"),
    (350, 369, "AL"), (370, 385, "TN"), (386, 397, "MS"), (398, 399, "GA"), (400, 427, "KY"),
    (430, 459, "OH"), (460, 479, "IN"), (480, 499, "MI"), (500, 528, "IA"), (530, 549, "WI"),
    (550, 567, "MN"), (569, 569, "DC"), (570, 577, "SD"), (580, 588, "ND"), (590, 599, "MT"),
    (600, 629, "IL"), (630, 658, "MO"), (660, 679, "KS"), (680, 693, "NE"), (700, 714, "LA"),
    (716, 729, "AR"), (730, 732, "OK"), (733, 733, "TX"), (734, 749, "OK"), (750, 799, "TX"),
    (800, 816, "CO"), (820, 831, "WY"), (832, 838, "ID"), (840, 847, "UT"), (850, 865, "AZ"),
    (870, 884, "NM"), (885, 885, "TX"), (889, 898, "NV"), (900, 961, "CA"), (962, 966, "AP"),
    (967, 968, "HI"), (969, 969, "GU"), (970, 979, "OR"), (980, 994, "WA"), (995, 999, "AK"),
)  # fmt: skip
_STARTS = [low for low, _high, _state in _RANGES]


def zip_state(zip_code: str) -> str | None:
    """Two-letter state of a 5-digit ZIP, or None when the prefix is unassigned."""
    if len(zip_code) < 3 or not zip_code[:3].isdigit():
        return None
    prefix = int(zip_code[:3])
    index = bisect_right(_STARTS, prefix) - 1
    if index < 0:
        return None
    low, high, state = _RANGES[index]
    return state if low <= prefix <= high else None


def consistent(state: str, zip_code: str) -> bool:
    """True when the ZIP lies in the state (or its prefix is unknown to the table)."""
    found = zip_state(zip_code)
    return found is None or found == state
