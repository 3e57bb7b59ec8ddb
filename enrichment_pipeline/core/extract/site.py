"""scrape_site: read a business's homepage and its contact-bearing pages, merge what they say.

Flow: fetch the homepage (robots.txt and politeness are the fetcher's job), extract it, pick up
to `max_pages` same-site pages with `choose_pages`, fetch them concurrently, extract each, and
merge. A page whose static HTML looks script-built and yields no contacts is fetched once more
through the browser (see `_render_where_needed` for which ones). Every value keeps the URL of
the page it came from, and `sources` records URL and fetch time per output field.

Primary email (documented rule, first match wins):
  1. the on-domain personal address of the top decision maker (the owner_name person);
  2. the on-domain personal address of another decision maker (manager rank or above);
  3. an on-domain role address, by preference sales@, info@, contact@, hello@, office@,
     internet@, then any other role address that is not a no-reply/careers/legal mailbox;
  4. the same role preference among off-domain addresses (a business gmail account);
  5. any on-domain address, then any address at all.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

from enrichment_pipeline.core.extract.memo import ExtractionMemo
from enrichment_pipeline.core.extract.models import SOCIAL_PLATFORMS, PageExtraction
from enrichment_pipeline.core.extract.names import name_key
from enrichment_pipeline.core.extract.page import extract_page
from enrichment_pipeline.core.extract.pages import choose_pages
from enrichment_pipeline.core.extract.phones import merge_label
from enrichment_pipeline.core.extract.site_memo import SiteMemo
from enrichment_pipeline.core.extract.titles import DECISION_MAKER_MIN_RANK, title_rank
from enrichment_pipeline.core.extract.wordsets import word_set

MAX_FACTS_PER_KIND = 2
# Outcomes that mean "we may not / must not read this site" rather than "it failed".
BLOCKED_KINDS = frozenset({"robots", "blocked_address"})
# Page outcomes that say "not now" rather than "not here": the host timed out, refused or
# failed (the web's TRANSIENT_KINDS without the browser's, whose static copy is still read).
PASSING_KINDS = frozenset({"timeout", "connection", "http_429", "http_5xx"})
_PRIMARY_ROLE_ORDER = ("sales", "info", "contact", "hello", "office", "internet")
_NEVER_PRIMARY = word_set(
    "noreply no-reply donotreply do-not-reply careers jobs hr privacy legal webmaster abuse "
    "postmaster billing unsubscribe"
)


class _FetchResultLike(Protocol):
    url: str
    final_url: str
    status: int | None
    error_kind: str | None
    error: str | None
    text: str
    fetched_at: datetime
    from_cache: bool
    rendered: bool

    @property
    def ok(self) -> bool: ...


class FetcherLike(Protocol):
    """The part of `enrichment_pipeline.core.web.Fetcher` that scrape_site uses."""

    async def fetch(
        self, url: str, *, max_age_s: float | None = None, render: Any = "never"
    ) -> _FetchResultLike: ...


@dataclass
class SiteContacts:
    """Everything found on one website; JSON-serialisable through `to_dict`."""

    website: str
    status: str  # ok | blocked | error | no_contacts
    error: str | None = None
    emails: list[dict[str, Any]] = field(default_factory=list)
    primary_email: str | None = None
    phones: list[dict[str, Any]] = field(default_factory=list)
    socials: dict[str, list[str]] = field(
        default_factory=lambda: {platform: [] for platform in SOCIAL_PLATFORMS}
    )
    people: list[dict[str, Any]] = field(default_factory=list)
    owner_name: str | None = None
    owner_title: str | None = None
    facts: list[dict[str, Any]] = field(default_factory=list)
    pages: list[dict[str, Any]] = field(default_factory=list)
    sources: dict[str, dict[str, str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of plain values (str, int, bool, None, lists, dicts).

        Shallow: the lists and dicts are this object's own (a deep `asdict` copy was 1.9 s of a
        10,000-business rerun, and every caller only reads or serialises the result).
        """
        return {f.name: getattr(self, f.name) for f in fields(self)}


async def scrape_site(
    fetcher: FetcherLike,
    website: str,
    *,
    max_pages: int = 6,
    region: str = "US",
    memo: ExtractionMemo | None = None,
    site_memo: SiteMemo | None = None,
) -> SiteContacts:
    """Scrape one website for contacts. Never raises: problems become `status` + `error`.

    `memo`: reuse (and record) the extraction of pages served from the page cache.
    `site_memo`: reuse (and record) the whole result while the page cache still holds exactly
    the copies it was built from; needs a fetcher with `cache_key` and `cached_copy_times`
    (the real one).
    """
    website = (website or "").strip()
    if not _is_http_url(website):
        return SiteContacts(
            website=website, status="error", error=f"not an http(s) URL: {website!r}"
        )
    reader = _PageReader(region, memo)
    copy_times = getattr(fetcher, "cached_copy_times", None)
    if site_memo is not None and copy_times is not None:
        known = site_memo.get(website, region, max_pages, copy_times)
        if known is not None:
            return SiteContacts(**known)
        recorder = _RecordingFetcher(fetcher)
        contacts = await _scrape_safely(recorder, website, max_pages, reader)
        if contacts.status in _REUSABLE_STATUSES and not recorder.passing_failure:
            site_memo.put(website, region, max_pages, recorder.reads, contacts.to_dict())
        return contacts
    return await _scrape_safely(fetcher, website, max_pages, reader)


# Results worth reusing: "error" rows are retried on the next run, as without the memo, and so
# is a site whose scrape met any passing failure (a failed render included: the web's
# TRANSIENT_KINDS, which the fetcher asks the network about again).
_REUSABLE_STATUSES = frozenset({"ok", "no_contacts", "blocked"})
_RETRIED_KINDS = PASSING_KINDS | {"browser"}


class _RecordingFetcher:
    """Passes fetches through and notes, per URL, the fetch time of the copy it got."""

    def __init__(self, fetcher: FetcherLike) -> None:
        self._fetcher = fetcher
        self._key = getattr(fetcher, "cache_key", None)
        self.reads: dict[str, float] = {}
        self.passing_failure = False

    async def fetch(
        self, url: str, *, max_age_s: float | None = None, render: Any = "never"
    ) -> _FetchResultLike:
        result = await self._fetcher.fetch(url, max_age_s=max_age_s, render=render)
        # Keyed as the page cache keys it, so checking the copies later needs no URL parsing;
        # the last copy read of a URL is the one the cache holds.
        key = self._key(url) if self._key is not None else url
        self.reads[key or url] = result.fetched_at.timestamp()
        if result.error_kind in _RETRIED_KINDS:
            self.passing_failure = True
        return result


async def _scrape_safely(
    fetcher: FetcherLike, website: str, max_pages: int, reader: _PageReader
) -> SiteContacts:
    try:
        return await _scrape(fetcher, website, max_pages, reader)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # a bug must cost one row, not the whole stage
        return SiteContacts(
            website=website, status="error", error=f"{type(exc).__name__}: {exc}"[:300]
        )


def _is_http_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


@dataclass
class _Page:
    result: _FetchResultLike
    extraction: PageExtraction | None


async def _scrape(
    fetcher: FetcherLike, website: str, max_pages: int, reader: _PageReader
) -> SiteContacts:
    home = await _fetch_and_extract(fetcher, website, reader)
    contacts = SiteContacts(website=website, status="ok")
    if home.extraction is None:
        contacts.pages.append(_page_record(home.result))
        kind = home.result.error_kind or "error"
        contacts.status = "blocked" if kind in BLOCKED_KINDS else "error"
        contacts.error = f"{kind}: {home.result.error or 'homepage unavailable'}"
        return contacts
    if _wants_browser(home) and not home.extraction.links:
        # A homepage that is only a script shell: its links exist only once it is rendered.
        home = await _render(fetcher, home, reader)
    home_url = home.result.final_url or website
    chosen = choose_pages(home_url, home.extraction.links, limit=max_pages)  # type: ignore[union-attr]
    others = await asyncio.gather(
        *(_fetch_and_extract(fetcher, url, reader, site_of=home_url) for url in chosen)
    )
    pages = [home, *others]
    await _render_where_needed(fetcher, pages, reader)
    usable = []
    seen_urls: set[str] = set()
    for page in pages:
        contacts.pages.append(_page_record(page.result))
        if page.extraction is not None and page.result.final_url not in seen_urls:
            seen_urls.add(page.result.final_url)
            usable.append(page)
    _merge(contacts, usable)
    missed = [p.result for p in pages[1:] if p.result.error_kind in PASSING_KINDS]
    if missed:
        # What loaded is kept, but the row says it is incomplete, so a rerun (which asks the
        # network again for passing failures) can fill it in.
        first = missed[0]
        contacts.status = "error"
        contacts.error = (
            f"{len(missed)} of {len(pages)} pages did not load "
            f"({first.error_kind}: {first.error}); run again to retry them"
        )[:300]
        return contacts
    found_anything = (
        contacts.emails or contacts.phones or contacts.people or any(contacts.socials.values())
    )
    if not found_anything:
        contacts.status = "no_contacts"
    return contacts


def _wants_browser(page: _Page) -> bool:
    extraction = page.extraction
    return extraction is not None and extraction.looks_script_built and not extraction.has_contacts


async def _render_where_needed(
    fetcher: FetcherLike, pages: list[_Page], reader: _PageReader
) -> None:
    """Render the script-built pages that gave no contacts, replacing them in `pages`.

    Every chosen page is a contact/team/about page, so each may earn the browser; but a render
    costs 0.2-0.3 CPU-seconds (Chromium), so only pages that are clearly app shells
    (`needs_rendering`: a mount point or a noscript plea, or next to no text) are always
    rendered. Pages that are merely short and carry scripts (analytics on a brief "About us")
    are rendered, best first, only while the site has shown no email, phone or person at all.
    Measured on the fixture web's script-built sites: 3 renders per site became 1, with the
    same contacts found.
    """
    from enrichment_pipeline.core.web.rendering import needs_rendering

    # Page order is the chosen order (contact pages first); the homepage goes last.
    order = [*range(1, len(pages)), 0]
    weak = []
    for index in order:
        page = pages[index]
        if not _wants_browser(page):
            continue
        if needs_rendering(page.result.text):
            pages[index] = await _render(fetcher, page, reader)
        else:
            weak.append(index)
    for index in weak:
        if any(p.extraction is not None and p.extraction.has_contacts for p in pages):
            break
        pages[index] = await _render(fetcher, pages[index], reader)


async def _render(fetcher: FetcherLike, page: _Page, reader: _PageReader) -> _Page:
    """The page as the browser builds it; the static copy when rendering fails."""
    rendered = await fetcher.fetch(page.result.url, render="always")
    if not rendered.ok:
        return page
    return _Page(rendered, await reader.extract(rendered, rendered.final_url))


async def _fetch_and_extract(
    fetcher: FetcherLike, url: str, reader: _PageReader, *, site_of: str | None = None
) -> _Page:
    result = await fetcher.fetch(url)
    if not result.ok:
        return _Page(result, None)
    if site_of is not None and not _same_registered_site(result.final_url, site_of):
        return _Page(result, None)  # redirected off the site: not this business's page
    return _Page(result, await reader.extract(result, result.final_url or url))


@dataclass
class _PageReader:
    """Extracts fetched pages: from the memo when this exact cached copy was read before."""

    region: str
    memo: ExtractionMemo | None = None

    async def extract(self, result: _FetchResultLike, url: str) -> PageExtraction:
        memo = self.memo
        if memo is not None and result.from_cache:
            known = memo.get(url, self.region, result.fetched_at, result.rendered)
            if known is not None:
                return known
        extraction = extract_page(result.text, url, region=self.region)
        if memo is not None:
            memo.put(url, self.region, result.fetched_at, result.rendered, extraction)
        return extraction


def _same_registered_site(url: str, other: str) -> bool:
    from enrichment_pipeline.core.extract.domains import same_site, url_host

    return same_site(url_host(url), url_host(other))


def _page_record(result: _FetchResultLike) -> dict[str, Any]:
    return {
        "url": result.final_url or result.url,
        "status": result.status,
        "error_kind": result.error_kind,
        "from_cache": result.from_cache,
        "rendered": result.rendered,
    }


def _merge(contacts: SiteContacts, pages: list[_Page]) -> None:
    emails: dict[str, dict[str, Any]] = {}
    phones: dict[str, dict[str, Any]] = {}
    people: dict[str, dict[str, Any]] = {}
    fetched: dict[str, str] = {}
    fact_counts: dict[str, int] = {}
    fact_texts: set[str] = set()
    social_sources: dict[str, str] = {}
    for page in pages:
        extraction = page.extraction
        assert extraction is not None
        url = page.result.final_url or page.result.url
        fetched[url] = page.result.fetched_at.isoformat()
        for email in extraction.emails:
            key = email.address.casefold()
            if key not in emails:
                emails[key] = {
                    "address": email.address,
                    "kind": email.kind,
                    "on_domain": email.on_domain,
                    "source_url": url,
                }
        for phone in extraction.phones:
            known = phones.get(phone.e164)
            if known is None:
                phones[phone.e164] = {"e164": phone.e164, "label": phone.label, "source_url": url}
            else:
                known["label"] = merge_label(known["label"], phone.label)
        for platform, urls in extraction.socials.items():
            bucket = contacts.socials.setdefault(platform, [])
            for profile in urls:
                if profile not in bucket:
                    bucket.append(profile)
                    social_sources.setdefault(platform, url)
        for person in extraction.people:
            key = name_key(person.name)
            known = people.get(key)
            if known is None:
                people[key] = {
                    "name": person.name,
                    "title": person.title,
                    "email": person.email,
                    "source_url": url,
                }
            elif known["email"] is None and person.email:
                known["email"] = person.email
        for fact in extraction.facts:
            folded = fact.text.casefold()
            if folded in fact_texts or fact_counts.get(fact.kind, 0) >= MAX_FACTS_PER_KIND:
                continue
            fact_texts.add(folded)
            fact_counts[fact.kind] = fact_counts.get(fact.kind, 0) + 1
            contacts.facts.append({"kind": fact.kind, "text": fact.text, "url": url})
    contacts.emails = list(emails.values())
    contacts.phones = list(phones.values())
    contacts.people = list(people.values())
    owner = _top_decision_maker(contacts.people)
    if owner is not None:
        contacts.owner_name, contacts.owner_title = owner["name"], owner["title"]
    primary = choose_primary_email(contacts.emails, contacts.people, owner)
    contacts.primary_email = primary["address"] if primary else None
    _record_sources(contacts, fetched, primary, owner, social_sources)


def _top_decision_maker(people: list[dict[str, Any]]) -> dict[str, Any] | None:
    best: dict[str, Any] | None = None
    best_rank = DECISION_MAKER_MIN_RANK - 1
    for person in people:
        rank = title_rank(person["title"])
        if rank > best_rank:
            best, best_rank = person, rank
    return best


def _local(address: str) -> str:
    return address.rpartition("@")[0].lower()


def choose_primary_email(
    emails: list[dict[str, Any]],
    people: list[dict[str, Any]],
    owner: dict[str, Any] | None,
) -> dict[str, Any] | None:
    """Apply the primary-email rule in the module docstring to merged emails and people."""
    usable = [e for e in emails if _local(e["address"]) not in _NEVER_PRIMARY]
    if not usable:
        return None
    by_address = {e["address"].casefold(): e for e in usable}

    def on_domain_personal(person: dict[str, Any] | None) -> dict[str, Any] | None:
        if person is None or not person.get("email"):
            return None
        email = by_address.get(person["email"].casefold())
        return email if email and email["on_domain"] else None

    chosen = on_domain_personal(owner)
    if chosen:
        return chosen
    ranked = sorted(people, key=lambda p: -title_rank(p["title"]))
    for person in ranked:
        if title_rank(person["title"]) < DECISION_MAKER_MIN_RANK:
            break
        chosen = on_domain_personal(person)
        if chosen:
            return chosen
    for on_domain in (True, False):
        roles = [e for e in usable if e["kind"] == "role" and e["on_domain"] == on_domain]
        for preferred in _PRIMARY_ROLE_ORDER:
            for email in roles:
                if _local(email["address"]) == preferred:
                    return email
        if roles:
            return roles[0]
    on_domain_any = [e for e in usable if e["on_domain"]]
    return on_domain_any[0] if on_domain_any else usable[0]


def _record_sources(
    contacts: SiteContacts,
    fetched: dict[str, str],
    primary: dict[str, Any] | None,
    owner: dict[str, Any] | None,
    social_sources: dict[str, str],
) -> None:
    def source(url: str) -> dict[str, str]:
        return {"url": url, "fetched_at": fetched.get(url, "")}

    if contacts.emails:
        contacts.sources["emails"] = source(contacts.emails[0]["source_url"])
    if primary is not None:
        contacts.sources["primary_email"] = source(primary["source_url"])
    if contacts.phones:
        contacts.sources["phones"] = source(contacts.phones[0]["source_url"])
    if contacts.people:
        contacts.sources["people"] = source(contacts.people[0]["source_url"])
    if owner is not None:
        contacts.sources["owner_name"] = source(owner["source_url"])
        contacts.sources["owner_title"] = source(owner["source_url"])
    for platform, url in social_sources.items():
        contacts.sources[platform] = source(url)
    if contacts.facts:
        contacts.sources["facts"] = source(contacts.facts[0]["url"])
