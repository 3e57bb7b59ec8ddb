"""Facts for personalisation: short snippets of what the business says about itself.

Facts end up inside an LLM prompt, so they come only from the meta description and visible
text (the document walker has already dropped hidden elements, comments, scripts and
`noscript`), each is cut to 300 characters at a word boundary, and any sentence that reads
like an instruction to a language model is removed rather than passed on.
"""

from __future__ import annotations

import re

from enrichment_pipeline.core.extract.document import PageDoc
from enrichment_pipeline.core.extract.models import MAX_FACT_CHARS, FoundFact

MAX_PER_KIND = 2

# Prompt-injection shapes: imperatives addressed to a model, role markers, template tokens.
_INSTRUCTION = re.compile(
    r"(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|the\s+|your\s+|previous\s+|prior\s+"
    r"|above\s+|earlier\s+|preceding\s+)*(?:instructions?|prompts?|rules|directions|context)"
    r"|\b(?:system|developer)\s+(?:prompt|message|instructions?)\b"
    r"|\byou\s+are\s+(?:now\s+)?(?:an?\s+)?(?:ai|assistant|chatgpt|gpt|language\s+model|llm)\b"
    r"|\bas\s+an?\s+(?:ai|language\s+model)\b"
    r"|\b(?:assistant|system|user)\s*:"
    r"|<\|[a-z_]+\|>|\[/?inst\]|###\s*(?:instruction|system|response)"
    r"|\b(?:respond|reply|answer|write|output|say)\s+(?:only\s+)?(?:with|in|that)\b.*\b(?:email|"
    r"message|json|response)\b"
    r"|\bdo\s+not\s+(?:mention|reveal|tell)\b"
    r"|\b(?:new|updated)\s+instructions?\b"
    r"|\bprompt\s+injection\b",
    re.IGNORECASE,
)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])")

_SINCE = re.compile(
    r"\b(?:since|established(?:\s+in)?|est\.|founded(?:\s+in)?|serving\s+[^.]{0,60}?\s+since|"
    r"in\s+business\s+since|family[- ]owned\s+since|desde|fundad[oa]\s+en)\s+(?:19|20)\d\d\b"
    r"|\b(?:for\s+)?(?:over|more\s+than|nearly|almost)?\s*\d{1,3}\+?\s+years\s+(?:of\s+"
    r"(?:experience|service|serving)|in\s+business)",
    re.IGNORECASE,
)
_AWARDS = re.compile(
    r"\b(?:award(?:s|-winning)?|dealer\s+of\s+the\s+year|president'?s\s+(?:award|club)|"
    r"circle\s+of\s+excellence|mark\s+of\s+excellence|top\s+workplace|best\s+of\s+\w+|"
    r"five[- ]star\s+dealer|consumer\s+satisfaction\s+award|dealerrater|grand\s+champion|"
    r"ranked\s+#?\d+|voted\s+(?:best|#\s*1|number\s+one)|premio|galardón)",
    re.IGNORECASE,
)
_SERVICES = re.compile(
    r"\b(?:we\s+(?:offer|provide|specialize\s+in|specialise\s+in|carry|service|sell)|"
    r"our\s+services\s+include|services\s+include|full[- ]service|ofrecemos|"
    r"(?:certified|factory[- ]trained)\s+technicians)\b",
    re.IGNORECASE,
)
_ABOUT = re.compile(
    r"\b(?:family[- ](?:owned|operated)|locally\s+owned|independently\s+owned|our\s+(?:mission|"
    r"dealership|story|team|family)|we\s+are\s+(?:a|an|the|proud)|welcome\s+to|proudly\s+"
    r"serving|has\s+been\s+serving|we\s+have\s+been|located\s+in|serving\s+(?:the\s+)?[A-Z]\w+"
    r"|somos|bienvenidos)",
    re.IGNORECASE,
)

CAR_BRANDS = (
    "Acura", "Alfa Romeo", "Audi", "BMW", "Buick", "Cadillac", "Chevrolet", "Chrysler", "Dodge",
    "Fiat", "Ford", "Genesis", "GMC", "Honda", "Hyundai", "Infiniti", "Jaguar", "Jeep", "Kia",
    "Land Rover", "Lexus", "Lincoln", "Maserati", "Mazda", "Mercedes-Benz", "MINI",
    "Mitsubishi", "Nissan", "Porsche", "Ram", "Subaru", "Tesla", "Toyota", "Volkswagen",
    "Volvo", "Harley-Davidson", "Yamaha", "Kawasaki", "Polaris",
)  # fmt: skip
_BRAND_RE = re.compile(
    r"\b(" + "|".join(re.escape(b) for b in sorted(CAR_BRANDS, key=len, reverse=True)) + r")\b"
)
_BRANDS_ALT = "|".join(re.escape(b) for b in sorted(CAR_BRANDS, key=len, reverse=True))
# A brand counts as carried when a franchise phrase names it, not when a used car does.
_FRANCHISE = re.compile(
    rf"\b(?i:authorized|certified|official|franchised|new|nuevos?)\s+({_BRANDS_ALT})\b"
    rf"|\b({_BRANDS_ALT})\s+(?i:dealer|dealership|store|retailer|concesionario)\b"
)


def shorten(text: str, limit: int = MAX_FACT_CHARS) -> str:
    """Cut text to `limit` characters at a word boundary, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:-–—")
    return cut + "…"


def strip_instructions(text: str) -> str:
    """Drop every sentence that reads like an instruction to a language model."""
    if not _INSTRUCTION.search(text):
        return text
    kept = [s for s in _SENTENCE_SPLIT.split(text) if not _INSTRUCTION.search(s)]
    return " ".join(kept).strip()


def _clean_fact(text: str) -> str:
    return shorten(strip_instructions(text))


def find_facts(doc: PageDoc) -> list[FoundFact]:
    """Description, about, since, brands, awards and services snippets from one page."""
    facts: list[FoundFact] = []
    seen: set[str] = set()
    counts: dict[str, int] = {}

    def add(kind: str, text: str) -> None:
        cleaned = _clean_fact(text)
        key = cleaned.casefold()
        too_short = len(cleaned) < (3 if kind == "brands" else 12)
        if too_short or key in seen or counts.get(kind, 0) >= MAX_PER_KIND:
            return
        seen.add(key)
        counts[kind] = counts.get(kind, 0) + 1
        facts.append(FoundFact(kind, cleaned))  # type: ignore[arg-type]

    for key in ("description", "og:description", "twitter:description"):
        if doc.meta.get(key):
            add("description", doc.meta[key])
            break

    # Only prose lines outside nav/header/footer can hold these facts; scanning just them
    # keeps the regexes off menus and inventory grids.
    prose_lines = [
        line for index, line in enumerate(doc.lines) if len(line) >= 30 and not doc.is_chrome(index)
    ]
    prose = "\n".join(prose_lines)
    for kind, pattern, min_chars in (
        # Specific kinds first: a sentence goes to one kind only.
        ("since", _SINCE, 20),
        ("awards", _AWARDS, 20),
        ("services", _SERVICES, 20),
        ("about", _ABOUT, 60),
    ):
        for match in pattern.finditer(prose):
            if counts.get(kind, 0) >= MAX_PER_KIND:
                break
            start = prose.rfind("\n", 0, match.start()) + 1
            end = prose.find("\n", match.start())
            line = prose[start : end if end >= 0 else len(prose)]
            sentence = _sentence_at(line, match.start() - start)
            if len(sentence) >= min_chars:
                add(kind, sentence)
    brands = _brands(doc, prose)
    if brands:
        add("brands", ", ".join(brands))
    return facts


def _sentence_at(line: str, position: int) -> str:
    """The sentence of `line` that contains character `position`."""
    start = 0
    for piece in _SENTENCE_SPLIT.finditer(line):
        if piece.start() > position:
            return line[start : piece.start()].strip()
        start = piece.end()
    return line[start:].strip()


def _brands(doc: PageDoc, prose: str) -> list[str]:
    """Brands the business sells new: named in the title, description or a heading without a
    model year, or in a franchise phrase ("your authorized Ford dealer", "New Toyota")."""
    sources = [doc.title, doc.meta.get("description", ""), doc.meta.get("og:site_name", "")]
    sources.extend(
        heading
        for heading in doc.headings
        if len(heading) < 120 and not any(ch.isdigit() for ch in heading)
    )
    found: list[str] = []
    for text in sources:
        for match in _BRAND_RE.finditer(text):
            if match.group(1) not in found:
                found.append(match.group(1))
    for match in _FRANCHISE.finditer(prose):
        brand = match.group(1) or match.group(2)
        if brand not in found:
            found.append(brand)
    return found[:6]
