"""`company_key`: one stable identifier per business, shared by every upload that lists it."""

from __future__ import annotations

import hashlib
import re
import unicodedata

KEY_VERSION = "v1"  # bump when the identity rules change, so caches do not mix generations
KEY_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*-[0-9a-f]{12}$"
_SLUG_LIMIT = 32
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def company_key(
    name_normalized: str,
    *,
    phone_e164: str | None = None,
    zip_code: str | None = None,
    website: str | None = None,
    city: str | None = None,
    state: str | None = None,
) -> str:
    """A readable slug of the name plus a 12-hex hash of (name, strongest identifier).

    The identifier is the first available of: phone (E.164), ZIP, website host (without "www."),
    city + state. Same normalised name and same identifier -> same key, in any file.
    """
    identity = _identity(phone_e164, zip_code, website, city, state)
    digest = hashlib.sha256(f"{KEY_VERSION}|{name_normalized}|{identity}".encode()).hexdigest()
    return f"{_slug(name_normalized)}-{digest[:12]}"


def _identity(
    phone_e164: str | None,
    zip_code: str | None,
    website: str | None,
    city: str | None,
    state: str | None,
) -> str:
    if phone_e164:
        return f"tel:{phone_e164}"
    if zip_code:
        return f"zip:{zip_code}"
    if website:
        host = website.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
        return f"web:{host.removeprefix('www.')}"
    if city:
        return f"city:{' '.join(city.casefold().split())},{state or ''}"
    return "none"


def _slug(name_normalized: str) -> str:
    folded = unicodedata.normalize("NFKD", name_normalized).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", folded.lower()).strip("-")
    if len(slug) > _SLUG_LIMIT:
        cut = slug[:_SLUG_LIMIT]
        slug = cut[: cut.rfind("-")] if "-" in cut[_SLUG_LIMIT // 2 :] else cut
        slug = slug.strip("-")
    return slug or "company"
