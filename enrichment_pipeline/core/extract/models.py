"""What the extractor returns for one page: plain dataclasses, JSON-friendly."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

EmailKind = Literal["role", "personal"]
PhoneLabel = Literal["main", "sales", "service", "parts", "fax"]
FactKind = Literal["description", "about", "since", "brands", "awards", "services"]

SOCIAL_PLATFORMS: tuple[str, ...] = (
    "facebook",
    "instagram",
    "linkedin",
    "twitter",
    "youtube",
    "tiktok",
)

# Facts feed an LLM prompt: a hard cap keeps one page from flooding it.
MAX_FACT_CHARS = 300


@dataclass(frozen=True)
class FoundEmail:
    """An email address found on a page.

    `kind` is "role" for shared mailboxes (info@, sales@) and "personal" otherwise; `on_domain`
    says whether the address belongs to the site's own registered domain; `context` is a short
    piece of the visible text around it (or where it came from, such as "json-ld").
    """

    address: str
    kind: EmailKind
    on_domain: bool
    context: str = ""


@dataclass(frozen=True)
class FoundPhone:
    """A phone number in E.164 form, with a label read from nearby text when it was clear."""

    e164: str
    label: PhoneLabel | None = None


@dataclass(frozen=True)
class FoundPerson:
    """A person named on the page with a title; `email` only when the page pairs them."""

    name: str
    title: str
    email: str | None = None


@dataclass(frozen=True)
class FoundFact:
    """A short snippet of visible page text for personalisation (at most 300 characters)."""

    kind: FactKind
    text: str


@dataclass
class PageExtraction:
    """Everything extracted from one HTML page."""

    url: str
    emails: list[FoundEmail] = field(default_factory=list)
    phones: list[FoundPhone] = field(default_factory=list)
    socials: dict[str, list[str]] = field(default_factory=dict)
    people: list[FoundPerson] = field(default_factory=list)
    facts: list[FoundFact] = field(default_factory=list)
    # Same-site (absolute url, link text) pairs, in page order, for choosing pages to visit.
    links: list[tuple[str, str]] = field(default_factory=list)
    # The static HTML looks like a shell that a script fills in (for the browser fallback).
    looks_script_built: bool = False

    @property
    def has_contacts(self) -> bool:
        """True when the page gave at least one email, phone or person."""
        return bool(self.emails or self.phones or self.people)
