"""Read a fetched page once into the facts identity scoring needs.

One selectolax (Lexbor) parse per page: titles and site names from `<title>`, `og:site_name`,
`og:title`, `<h1>` and JSON-LD; JSON-LD itself (decoded with `json`, no second HTML parse:
extruct would re-parse the document with lxml); `tel:` links; contact/about links; then the
visible text once scripts and styles are stripped. Phones, state + ZIP pairs and parking-page
phrases are found in that text with a few regular expressions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from enrichment_pipeline.core.discovery.domains import site_key
from enrichment_pipeline.core.discovery.identity import norm_words
from enrichment_pipeline.core.discovery.zip_states import consistent, zip_state
from enrichment_pipeline.core.normalize.addresses import STATE_CODES, STATE_NAMES

# NANP numbers as people write them; a separator between exchange and line is required so
# 10-digit identifiers (model codes, stock numbers) are not read as phones.
_PHONE = re.compile(
    r"(?<![\w+])(?:\+?1[\s.\-]{0,2})?\(?([2-9]\d{2})\)?[\s.\-]{0,2}([2-9]\d{2})[\s.\-–]([0-9]{4})(?![\w])"
)
_DIGITS = re.compile(r"\D")
_STATE_ZIP = re.compile(r"\b([A-Z]{2})\.?,?\s+(\d{5})(?:-\d{4})?\b")
_STATE_NAME_ZIP = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, STATE_NAMES.values()), key=len, reverse=True)) + r")"
    r",?\s+(\d{5})(?:-\d{4})?\b"
)
_STATE_BY_NAME = {name.lower(): code for code, name in STATE_NAMES.items()}
_TITLE_SPLIT = re.compile(r"\s+[|\-–—:•·»]\s+|\s*[|•·»]\s*")
# Domain-parking and for-sale pages: strong phrases decide alone, weak ones need company.
_PARKED_STRONG = re.compile(
    r"domain\s+(?:name\s+)?(?:is|may\s+be|might\s+be)\s+for\s+sale|buy\s+this\s+domain"
    r"|this\s+domain\s+(?:is\s+)?parked|parked\s+free|parked\s+domain|domain\s+(?:has\s+)?expired"
    r"|make\s+(?:an\s+)?offer\s+on\s+this\s+domain|this\s+(?:web\s+)?page\s+is\s+parked"
    r"|inquire\s+about\s+this\s+domain",
    re.IGNORECASE,
)
_PARKED_WEAK = re.compile(
    r"related\s+searches|sponsored\s+listings|related\s+links|renew\s+(?:this|your)\s+domain"
    r"|coming\s+soon|under\s+construction",
    re.IGNORECASE,
)
# Parking services' hosts, looked for as plain substrings (a regex over the raw HTML of every
# page would cost more than the whole parse). A weak signal: "dan.com" also ends "jordan.com".
_PARKING_HOSTS = (
    "sedoparking.com", "bodis.com", "parkingcrew.net", "above.com", "dan.com", "afternic.com",
    "hugedomains.com", "parklogic.com", "undeveloped.com", "//parking.",
)  # fmt: skip
_PARKED_MAX_WORDS = 200  # parking pages are short; weak signals count only on short pages
_CONTACT_SELECTOR = ", ".join(
    f'a[href*="{word}" i]'
    for word in ("contact", "location", "direction", "hours", "about", "find-us", "visit")
)
_CONTACT_RANK = ("contact", "location", "directions", "hours", "find-us", "visit", "about")
_LD_BUSINESS_HINTS = ("business", "dealer", "store", "restaurant", "organization", "place")
_MAX_TEXT = 400_000  # characters of visible text scanned (a page beyond this is not a homepage)


@dataclass(frozen=True, slots=True)
class LdPlace:
    """A schema.org entity from JSON-LD with the parts identity scoring reads."""

    types: tuple[str, ...]
    name: str
    phones: tuple[str, ...]  # 10-digit strings
    street: str
    city: str
    state: str
    zip: str


@dataclass
class PageFacts:
    """What one page says about whose it is."""

    url: str
    title: str = ""
    site_names: list[str] = field(default_factory=list)  # title segments, og:site_name & co.
    names: list[str] = field(default_factory=list)  # site_names + h1 + JSON-LD names
    text: str = ""  # visible text, whitespace collapsed
    words: str = " "  # norm_words(text)
    phones: set[str] = field(default_factory=set)  # 10-digit national numbers
    state_zips: set[tuple[str, str]] = field(default_factory=set)
    places: list[LdPlace] = field(default_factory=list)
    contact_hrefs: list[str] = field(default_factory=list)  # raw hrefs of contact-like links
    parked_signals: list[str] = field(default_factory=list)
    word_count: int = 0
    script_count: int = 0

    @property
    def states(self) -> set[str]:
        return {state for state, _zip in self.state_zips}

    @property
    def zips(self) -> set[str]:
        return {zip_code for _state, zip_code in self.state_zips}

    @property
    def is_parked(self) -> bool:
        return any(s.startswith("strong:") for s in self.parked_signals) or (
            len(self.parked_signals) >= 2 and self.word_count < _PARKED_MAX_WORDS
        )

    @cached_property
    def contact_links(self) -> list[str]:
        """Same-site contact-like pages, best first (resolved only when someone asks)."""
        return _rank_contact_links(self.contact_hrefs, self.url)

    @property
    def looks_script_built(self) -> bool:
        """Almost no text but scripts: a shell a browser fills in."""
        return self.script_count >= 1 and self.word_count < 40


def read_page(html: str, url: str) -> PageFacts:
    """Parse `html` (served at `url`) once and collect the identity facts."""
    facts = PageFacts(url=url)
    if not html:
        return facts
    tree = LexborHTMLParser(html)
    title_node = tree.css_first("title")
    facts.title = _clean(title_node.text()) if title_node is not None else ""
    names: list[str] = [seg for seg in _TITLE_SPLIT.split(facts.title) if seg.strip()]
    for meta in tree.css(
        'meta[property="og:site_name" i], meta[property="og:title" i],'
        ' meta[name="application-name" i], meta[name="apple-mobile-web-app-title" i]'
    ):
        content = _clean(meta.attributes.get("content") or "")
        if content:
            names.append(content)
    site_names = list(names)
    for h1 in tree.css("h1")[:3]:
        text = _clean(h1.text(separator=" "))
        if text and len(text) < 200:
            names.append(text)
    facts.script_count = html.count("<script")
    for node in tree.css('script[type*="ld+json" i]'):
        for entity in _ld_entities(node.text()):
            place = _ld_place(entity)
            if place is not None:
                facts.places.append(place)
                if place.name:
                    names.append(place.name)
    for link in tree.css('a[href^="tel:" i]'):
        digits = _national(link.attributes.get("href") or "")
        if digits:
            facts.phones.add(digits)
    # Selected by href in C; resolved lazily (most homepages convince without a second page).
    facts.contact_hrefs = [
        node.attributes.get("href") or "" for node in tree.css(_CONTACT_SELECTOR)
    ]
    tree.strip_tags(["script", "style", "noscript", "template", "svg"])
    body = tree.body
    text = body.text(separator=" ") if body is not None else ""
    text = " ".join(text[:_MAX_TEXT].split())
    text = text.replace(" ,", ",")
    facts.text = text
    facts.words = norm_words(text)
    facts.word_count = facts.words.count(" ") - 1
    facts.site_names = list(dict.fromkeys(n for n in site_names if n))
    facts.names = list(dict.fromkeys(n for n in names if n))
    for match in _PHONE.finditer(text):
        facts.phones.add("".join(match.groups()))
    # A pair only counts when the ZIP lies in the state: "Dealer ID 12345" is not Idaho.
    for state, zip_code in _STATE_ZIP.findall(text):
        if state in STATE_CODES and zip_state(zip_code) == state:
            facts.state_zips.add((state, zip_code))
    if not facts.state_zips:  # "Florida 33101" is rare: only worth a look when "FL 33101" is absent
        for state_name, zip_code in _STATE_NAME_ZIP.findall(text):
            state = _STATE_BY_NAME[state_name.lower()]
            if zip_state(zip_code) == state:
                facts.state_zips.add((state, zip_code))
    for place in facts.places:
        facts.phones.update(place.phones)
        if place.state and place.zip and consistent(place.state, place.zip):
            facts.state_zips.add((place.state, place.zip))
    # Parking services' scripts are looked for only on short pages: scanning every page's raw
    # HTML for them costs more than the whole parse.
    if (
        facts.word_count < _PARKED_MAX_WORDS
        and not facts.phones
        and _mentions_parking_host(html[:200_000])
    ):
        facts.parked_signals.append("weak:parking-service script or link")
    head = f"{facts.title} {text[:5000]}"
    for found in _PARKED_STRONG.finditer(head):
        facts.parked_signals.append("strong:" + found.group(0).lower())
    for found in _PARKED_WEAK.finditer(head):
        facts.parked_signals.append("weak:" + found.group(0).lower())
    return facts


def merge_facts(home: PageFacts, other: PageFacts) -> PageFacts:
    """The homepage's facts with another page's contact data added (names stay the homepage's:
    an inner page's title says less about whose site it is)."""
    merged = PageFacts(
        url=home.url,
        title=home.title,
        site_names=home.site_names,
        names=home.names,
        text=f"{home.text} {other.text}",
        words=home.words + other.words[1:],
        phones=home.phones | other.phones,
        state_zips=home.state_zips | other.state_zips,
        places=home.places + other.places,
        contact_hrefs=home.contact_hrefs,
        parked_signals=home.parked_signals,
        word_count=home.word_count + other.word_count,
        script_count=home.script_count,
    )
    return merged


def _mentions_parking_host(html: str) -> bool:
    lowered = html.lower()
    return any(host in lowered for host in _PARKING_HOSTS)


def _clean(text: str) -> str:
    return " ".join(text.split())


def _national(raw: str) -> str | None:
    digits = _DIGITS.sub("", raw)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) == 10 and digits[0] in "23456789" and digits[3] in "23456789":
        return digits
    return None


def _rank_contact_links(hrefs: list[str], base: str) -> list[str]:
    """Same-site links to contact-like pages, best first (contact before about)."""
    home_key = site_key(urlsplit(base).hostname or "")
    found: dict[str, int] = {}
    for raw in hrefs:
        href = raw.strip()
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        absolute = urljoin(base, href).split("#", 1)[0]
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https") or site_key(parts.hostname or "") != home_key:
            continue
        if parts.path in ("", "/"):
            continue
        lowered = parts.path.lower()
        rank = next((i for i, word in enumerate(_CONTACT_RANK) if word in lowered), 99)
        if absolute not in found or rank < found[absolute]:
            found[absolute] = rank
    return sorted(found, key=lambda u: found[u])


def _ld_entities(raw: str | None) -> Iterator[dict[str, Any]]:
    """Every dict in a JSON-LD block (through lists and @graph), tolerant of common breakage."""
    if not raw:
        return
    text = raw.strip().removeprefix("<!--").removesuffix("-->").strip()
    text = text.removeprefix("//<![CDATA[").removesuffix("//]]>").strip()
    try:
        data = json.loads(text, strict=False)
    except ValueError:
        return
    stack: list[Any] = [data]
    seen = 0
    while stack and seen < 500:
        item = stack.pop()
        seen += 1
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            yield item
            for key in ("@graph", "department", "subOrganization", "location", "itemListElement"):
                child = item.get(key)
                if isinstance(child, (list, dict)):
                    stack.append(child)
            inner = item.get("item")
            if isinstance(inner, dict):
                stack.append(inner)


def _ld_place(entity: dict[str, Any]) -> LdPlace | None:
    raw_types = entity.get("@type")
    types = tuple(
        str(t).rsplit("/", 1)[-1].lower()
        for t in (raw_types if isinstance(raw_types, list) else [raw_types])
        if t
    )
    if not any(hint in t for t in types for hint in _LD_BUSINESS_HINTS):
        return None
    phones: list[str] = []
    for key in ("telephone", "faxNumber"):
        value = entity.get(key)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and (digits := _national(item)):
                phones.append(digits)
    address = entity.get("address")
    if isinstance(address, list):
        address = address[0] if address else None
    street = city = state = zip_code = ""
    if isinstance(address, dict):
        street = str(address.get("streetAddress") or "")
        city = str(address.get("addressLocality") or "")
        region = str(address.get("addressRegion") or "").strip()
        state = region.upper() if region.upper() in STATE_CODES else ""
        state = state or _STATE_BY_NAME.get(region.lower(), "")
        zip_code = str(address.get("postalCode") or "")[:5]
    name = entity.get("name")
    return LdPlace(
        types=types,
        name=_clean(name) if isinstance(name, str) else "",
        phones=tuple(phones),
        street=street,
        city=city,
        state=state,
        zip=zip_code if zip_code.isdigit() else "",
    )
