"""The `enrichment-pipeline extract` JSON shape, and reading a saved page from disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

from enrichment_pipeline.core.extract.models import SOCIAL_PLATFORMS, PageExtraction
from enrichment_pipeline.core.extract.page import extract_page


def to_cli_json(extraction: PageExtraction) -> dict[str, Any]:
    """The design's CLI shape: emails, phones (E.164), socials (all six keys), people."""
    return {
        "emails": [email.address for email in extraction.emails],
        "phones": [phone.e164 for phone in extraction.phones],
        "socials": {
            platform: list(extraction.socials.get(platform, [])) for platform in SOCIAL_PLATFORMS
        },
        "people": [{"name": person.name, "title": person.title} for person in extraction.people],
    }


_WESTERN_SINGLE_BYTE = ("cp125", "latin", "iso8859", "mac_", "windows-125")


def decode_html(raw: bytes) -> str:
    """Decode saved HTML: a BOM, then a declared charset (meta or XML prolog), then strict
    UTF-8, then charset-normalizer's detection. When detection lands on one of the Western
    single-byte code pages, windows-1252 wins: it is what browsers use for undeclared pages
    in Western locales, and on short pages detection confuses its siblings (cp1250 turns
    "Niño" into "Nińo")."""
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if raw.startswith(bom):
            return raw[len(bom) :].decode(encoding, errors="replace")
    declared = _declared_charset(raw[:4096])
    if declared:
        try:
            return raw.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(raw).best()
    if best is not None:
        if best.encoding.lower().startswith(_WESTERN_SINGLE_BYTE):
            return raw.decode("cp1252", errors="replace")
        return str(best)
    return raw.decode("utf-8", errors="replace")


def _declared_charset(head: bytes) -> str | None:
    import re

    match = re.search(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", head, re.I)
    if match is None:
        match = re.search(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", head, re.I)
    if match is None:
        return None
    name = match.group(1).decode("ascii", errors="ignore").lower()
    # Browsers read latin-1 and ascii labels as windows-1252 (WHATWG encoding standard).
    return "cp1252" if name in ("iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii") else name


def extract_file(path: Path, url: str, *, region: str = "US") -> dict[str, Any]:
    """Read a saved page, decode it, extract, and return the CLI JSON shape."""
    html = decode_html(Path(path).read_bytes())
    return to_cli_json(extract_page(html, url, region=region))
