"""Identity evidence: does this page belong to this business?"""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz import fuzz
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from enrichment_pipeline.core.discovery.models import MatchInput

_PHONE_LIKE = re.compile(r"\(?\b\d{3}\)?[\s.\-]?\d{3}[\s.\-]?\d{4}\b")

# Weights of each kind of evidence; the sum is capped at 1.
PHONE_WEIGHT = 0.5
ZIP_WEIGHT = 0.25
NAME_WEIGHT = 0.25
CITY_WEIGHT = 0.1


def score_page(record: MatchInput, html: str) -> tuple[float, list[dict[str, Any]]]:
    """Confidence in [0, 1] that `html` is `record`'s site, with the evidence found."""
    tree = HTMLParser(html)
    for node in tree.css("script, style, noscript, template"):
        node.decompose()
    title_node = tree.css_first("title")
    title = title_node.text(strip=True) if title_node else ""
    site_name = ""
    og = tree.css_first('meta[property="og:site_name"]')
    if og is not None:
        site_name = og.attributes.get("content") or ""
    body = tree.body.text(separator=" ") if tree.body else ""
    evidence: list[dict[str, Any]] = []
    score = 0.0
    if record.phone_e164:
        national = record.phone_e164[-10:]
        phones = {re.sub(r"\D", "", m) for m in _PHONE_LIKE.findall(body)}
        if national in phones:
            score += PHONE_WEIGHT
            evidence.append({"kind": "phone", "value": record.phone_e164})
    if record.zip and re.search(rf"\b{re.escape(record.zip)}\b", body):
        score += ZIP_WEIGHT
        evidence.append({"kind": "zip", "value": record.zip})
    name = record.name_normalized or record.name
    best = max(
        (fuzz.token_set_ratio(name.lower(), text.lower()) for text in (title, site_name) if text),
        default=0.0,
    )
    if best >= 85:
        score += NAME_WEIGHT
        evidence.append({"kind": "name", "value": title or site_name, "similarity": round(best)})
    if record.city and re.search(rf"\b{re.escape(record.city)}\b", body, re.IGNORECASE):
        score += CITY_WEIGHT
        evidence.append({"kind": "city", "value": record.city})
    return min(score, 1.0), evidence
