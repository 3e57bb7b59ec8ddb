"""The facts a writer may use about one business: short, allowlisted, cleaned.

`build_facts` is the only door between scraped data and the writers. It keeps a handful of
fields (name, place, website, one decision maker, up to MAX_SNIPPETS short snippets), cleans
every string, drops snippets that address a language model and scrubs links and contact details
out of the rest. Raw page text never passes.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from enrichment_pipeline.core.writing.industries import detect_industry, normalise_industry
from enrichment_pipeline.core.writing.sanitize import (
    clean_text,
    looks_like_injection,
    scrub_contact_details,
)

MAX_SNIPPETS = 4
MAX_SNIPPET_CHARS = 300
# Snippet kinds from the contact extractor, most useful for an opening line first.
SNIPPET_PRIORITY: tuple[str, ...] = (
    "awards",
    "since",
    "brands",
    "services",
    "about",
    "description",
)

_LEGAL_SUFFIX = re.compile(
    r"(?i)[\s,]+(?:l\.?l\.?c\.?|inc\.?|incorporated|corp\.?|corporation|co\.|ltd\.?|l\.?l\.?p\.?|"
    r"p\.?l\.?l\.?c\.?|p\.?a\.?|limited)$"
)
_DBA = re.compile(r"(?i)\s+(?:d/?b/?a|doing business as)\s+")
_PERSON_TOKEN = re.compile(r"^[^\W\d_][\w.'’-]*$")
_NOT_A_PERSON = re.compile(
    r"(?i)\b(?:llc|inc|team|sales|service|department|dept|office|staff|support|info|admin|"
    r"manager|customer|parts|finance|the|and|of)\b"
)
_HONORIFIC = re.compile(r"(?i)^(?:mr|mrs|ms|miss|dr|prof)\.?$")
_SENIOR_TITLE = re.compile(
    r"(?i)\b(?:owner|founder|president|ceo|principal|general\s+manager|gm|partner|director|"
    r"manager|proprietor|chef)\b"
)
_SMALL_WORDS = {"of", "and", "the", "at", "on", "in", "for", "de", "la", "del", "by", "to", "a"}


@dataclass(frozen=True)
class Snippet:
    """One short fact taken from the business's visible page text."""

    kind: str
    text: str
    url: str | None = None


@dataclass(frozen=True)
class EmailFacts:
    """Everything a writer is allowed to know about one business.

    `website` is the bare host ("sunshineford.com"); `industry` is one of INDUSTRIES.
    """

    company_key: str
    company_name: str
    city: str | None = None
    state: str | None = None
    website: str | None = None
    industry: str | None = None
    person_name: str | None = None
    person_title: str | None = None
    snippets: tuple[Snippet, ...] = field(default_factory=tuple)

    @property
    def resolved_industry(self) -> str:
        """The industry key, detected from the name and snippets when not given."""
        return self.industry or detect_industry(self.company_name, (s.text for s in self.snippets))

    def sanitized(self) -> EmailFacts:
        """These facts with the snippet filter re-applied (drops injected, scrubs links).

        A no-op for facts from build_facts; protects the writers from hand-built EmailFacts.
        """
        if not self.snippets or self.snippets in _SELECTED:
            return self  # exactly what select_snippets chose: filtering it again changes nothing
        raw = [{"kind": s.kind, "text": s.text, "url": s.url} for s in self.snippets]
        snippets = select_snippets(raw)
        return self if snippets == self.snippets else replace(self, snippets=snippets)

    def prompt_dict(self) -> dict[str, Any]:
        """The fields that shape an email (no company_key, no provenance URLs)."""
        data = asdict(self)
        data.pop("company_key")
        data["industry"] = self.resolved_industry
        data["snippets"] = [{"kind": s.kind, "text": s.text} for s in self.snippets]
        return data

    def content_hash(self) -> str:
        """Stable hash of what a writer sees: equal facts give equal emails and cache keys."""
        blob = json.dumps(self.prompt_dict(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (for asset tables and debugging)."""
        return asdict(self)


def build_facts(record: Mapping[str, Any], contacts: Mapping[str, Any] | None) -> EmailFacts:
    """Turn a validated row and its scraped contacts into EmailFacts.

    `record` needs `name` (or `company_name`) and may carry `company_key`, `city`, `state`,
    `website` and `industry`; `contacts` is `SiteContacts.to_dict()` or None. Missing, NaN or
    odd-typed values become None; this never raises on odd input.
    """
    contacts = contacts if isinstance(contacts, Mapping) else {}
    name = display_name(clean_text(record.get("name") or record.get("company_name"), 120))
    city = display_name(clean_text(record.get("city"), 60)) or None
    state = _clean_state(record.get("state"))
    website = website_host(record.get("website")) or website_host(contacts.get("website"))
    snippets = select_snippets(contacts.get("facts") or ())
    person_name, person_title = _pick_person(contacts)
    industry = normalise_industry(record.get("industry")) or detect_industry(
        name, (s.text for s in snippets)
    )
    return EmailFacts(
        company_key=clean_text(record.get("company_key"), 200),
        company_name=name,
        city=city,
        state=state,
        website=website,
        industry=industry,
        person_name=person_name,
        person_title=person_title,
        snippets=snippets,
    )


def select_snippets(raw_facts: Iterable[Any]) -> tuple[Snippet, ...]:
    """Clean, filter and rank extractor facts; at most MAX_SNIPPETS, one per distinct text."""
    candidates: list[Snippet] = []
    seen: set[str] = set()
    for item in raw_facts:
        if not isinstance(item, Mapping):
            continue
        kind = clean_text(item.get("kind"), 30).lower() or "about"
        text = clean_text(item.get("text"), MAX_SNIPPET_CHARS * 2)
        if not text or looks_like_injection(text):
            continue
        scrubbed = clean_text(scrub_contact_details(text), MAX_SNIPPET_CHARS)
        # A snippet that was mostly a link or an address ("Visit https://... today") says
        # nothing once scrubbed: drop it rather than quote its leftovers.
        words = [word for word in scrubbed.split() if sum(ch.isalpha() for ch in word) >= 2]
        mostly_links = len(scrubbed) < 0.6 * len(text)
        if len(words) < 2 or mostly_links or looks_like_injection(scrubbed):
            continue
        text = scrubbed
        dedupe = text.casefold()
        if dedupe in seen:
            continue
        seen.add(dedupe)
        url = clean_text(item.get("url"), 500) or None
        candidates.append(Snippet(kind=kind, text=text, url=url))
    rank = {kind: index for index, kind in enumerate(SNIPPET_PRIORITY)}
    candidates.sort(key=lambda s: rank.get(s.kind, len(rank)))  # stable: page order kept
    chosen = tuple(candidates[:MAX_SNIPPETS])
    if len(_SELECTED) >= _SELECTED_MAX:
        _SELECTED.clear()
    _SELECTED[chosen] = None
    return chosen


# Snippet tuples select_snippets has returned (bounded), so `EmailFacts.sanitized` can skip
# re-filtering facts that came from build_facts: it ran twice per email before (the service and
# the template writer each called it), a third of the template writer's time.
_SELECTED: dict[tuple[Snippet, ...], None] = {}
_SELECTED_MAX = 50_000


def display_name(text: str) -> str:
    """Readable casing for names typed in capitals ("SUNSHINE FORD LLC" -> "Sunshine Ford LLC")."""
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < 4 or sum(ch.isupper() for ch in letters) < 0.8 * len(letters):
        return text
    words = []
    for index, word in enumerate(text.split(" ")):
        bare = word.strip(".,&'()-").lower()
        if bare in _SMALL_WORDS and index > 0:
            words.append(word.lower())
        elif len(bare) <= 3 and not any(vowel in bare for vowel in "aeiouy"):
            words.append(word)  # acronyms such as BMW, GMC, LLC stay in capitals
        else:
            words.append("-".join(part.capitalize() for part in word.split("-")))
    return " ".join(words)


def short_company_name(name: str) -> str:
    """The name as people say it: no legal suffix, no "d/b/a" prefix part."""
    parts = _DBA.split(name, maxsplit=1)
    short = parts[-1] if len(parts) == 2 and parts[-1].strip() else parts[0]
    previous = None
    while previous != short:
        previous = short
        short = _LEGAL_SUFFIX.sub("", short).strip(" ,")
    return short or name


def website_host(value: object) -> str | None:
    """Bare lower-case host of a website value ("https://www.X.com/a" -> "x.com"), or None."""
    text = clean_text(value, 500)
    if not text or " " in text:
        return None
    if "://" not in text:
        text = "http://" + text
    try:
        host = (urlsplit(text).hostname or "").rstrip(".").lower()
    except ValueError:
        return None
    if host.startswith("www."):
        host = host[4:]
    if "." not in host or not re.fullmatch(r"[a-z0-9.-]+", host):
        return None
    return host


def first_name(person_name: str | None) -> str | None:
    """Given name for a greeting, skipping honorifics ("Dr. Ana Ruiz" -> "Ana")."""
    if not person_name:
        return None
    for token in person_name.split():
        if not _HONORIFIC.match(token):
            return token.rstrip(".,")
    return None


def _clean_state(value: object) -> str | None:
    text = clean_text(value, 40)
    if not text:
        return None
    return text.upper() if len(text) == 2 and text.isalpha() else display_name(text)


def _clean_person(name: object, title: object) -> tuple[str | None, str | None]:
    person = display_name(clean_text(name, 60))
    tokens = person.split()
    valid = (
        2 <= len(tokens) <= 4
        and all(_PERSON_TOKEN.match(token) for token in tokens)
        and not _NOT_A_PERSON.search(person)
        and not looks_like_injection(person)
    )
    if not valid:
        return None, None
    role = clean_text(title, 60)
    if role and (looks_like_injection(role) or scrub_contact_details(role) != role):
        role = ""
    return person, role or None


def _pick_person(contacts: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The extractor's decision maker, else the first listed person with a senior title."""
    person, title = _clean_person(contacts.get("owner_name"), contacts.get("owner_title"))
    if person:
        return person, title
    for entry in contacts.get("people") or ():
        if not isinstance(entry, Mapping):
            continue
        title_text = clean_text(entry.get("title"), 60)
        if not _SENIOR_TITLE.search(title_text):
            continue
        person, title = _clean_person(entry.get("name"), title_text)
        if person:
            return person, title
    return None, None
