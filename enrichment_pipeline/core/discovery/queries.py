"""Search queries for a business: its name where it is, then its phone number."""

from __future__ import annotations

from enrichment_pipeline.core.discovery.models import MatchInput


def search_queries(record: MatchInput) -> list[str]:
    """Queries in the order they are tried.

    1. name + city, state: how people search for a local business ("Gator Auto Sales Ocala FL").
    2. the phone number in its usual written form, quoted, with the name: a second chance when
       the name is common or the engines index the business under another name.
    """
    name = " ".join(record.name.split())
    place = " ".join(p for p in (record.city, record.state) if p)
    queries = [f"{name} {place}".strip()] if name else []
    phone = record.phone_e164 or ""
    if phone.startswith("+1") and len(phone) == 12:
        digits = phone[2:]
        written = f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
        queries.append(f'"{written}" {name}'.strip())
    elif phone:
        queries.append(f'"{phone}" {name}'.strip())
    return [q for q in dict.fromkeys(queries) if q]
