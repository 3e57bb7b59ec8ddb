"""The enriched output's columns (the design's contract) and input-column naming."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

# After the input's own columns, in this order. Other tools rely on it: change with care.
OUTPUT_COLUMNS: tuple[str, ...] = (
    "status",
    "error",
    "company_key",
    "phone_e164",
    "website",
    "website_confidence",
    "website_source",
    "emails",
    "primary_email",
    "phones",
    "owner_name",
    "owner_title",
    "people",
    "facebook",
    "instagram",
    "linkedin",
    "twitter",
    "youtube",
    "subject_1",
    "subject_2",
    "subject_3",
    "icebreaker",
    "hot_button",
    "email_body",
    "writer",
    "sources",
)

REJECTED_COLUMNS: tuple[str, ...] = ("row_number", "reason")

STATUSES = ("ok", "no_website", "blocked", "duplicate", "error")


def input_column_names(
    headers: Sequence[str], reserved: Iterable[str] = OUTPUT_COLUMNS
) -> list[str]:
    """Output names for the input's columns, in order.

    An input column that collides case-insensitively with an output column (an input `Website`,
    say) becomes `input_<name>`; a name that still collides gets a numeric suffix, so no value is
    ever overwritten.
    """
    reserved_lower = {name.lower() for name in reserved}
    taken = set(reserved_lower)
    result: list[str] = []
    for header in headers:
        name = f"input_{header}" if header.lower() in reserved_lower else header
        candidate, n = name, 2
        while candidate.lower() in taken:
            candidate = f"{name}_{n}"
            n += 1
        taken.add(candidate.lower())
        result.append(candidate)
    return result
