"""extract_page: one HTML page in, every contact signal on it out. A pure function."""

from __future__ import annotations

import re

from enrichment_pipeline.core.extract import emails as email_rules
from enrichment_pipeline.core.extract import phones as phone_rules
from enrichment_pipeline.core.extract.document import Link, PageDoc, parse_page
from enrichment_pipeline.core.extract.emails import EmailHit
from enrichment_pipeline.core.extract.facts import find_facts
from enrichment_pipeline.core.extract.models import (
    SOCIAL_PLATFORMS,
    FoundEmail,
    FoundPerson,
    FoundPhone,
    PageExtraction,
)
from enrichment_pipeline.core.extract.pages import absolute_same_site_link
from enrichment_pipeline.core.extract.people import find_people
from enrichment_pipeline.core.extract.phones import PhoneHit
from enrichment_pipeline.core.extract.socials import canonical_profile, profile_from_plugin
from enrichment_pipeline.core.extract.structured import (
    Entity,
    iter_entities,
    microdata_entities,
    text_values,
)

# Under this much visible text, a page with scripts is probably filled in by them.
SCRIPT_BUILT_MAX_TEXT = 400
SCRIPT_BUILT_HINTED_TEXT = 2500  # nav and footer text around an empty app shell
_NOSCRIPT_HINT = re.compile(
    r"(?:enable|requires?|turn\s+on|activate|need)\b.{0,60}javascript", re.I
)
# Footer credits name the website vendor; its social links are not the business's.
_CREDIT_WORDS = ("powered by", "website by", "site by", "designed by", "developed by",
                 "built by", "made with", "web design by", "sitio creado por")  # fmt: skip


def extract_page(html: str, url: str, *, region: str = "US") -> PageExtraction:
    """Extract emails, phones, socials, people, facts and same-site links from one page.

    Pure and exception-safe for any string input: a page that cannot be read yields an empty
    extraction. `region` is the default country for numbers written without a country code.
    """
    try:
        doc = parse_page(html or "", url)
    except Exception:  # a parser failure on hostile input must not fail the stage
        return PageExtraction(url=url)
    site_domain = email_rules.site_domain_of(url)
    entities = list(iter_entities(doc.jsonld + microdata_entities(doc.microdata_html)))
    email_hits = _emails(doc, entities, site_domain)
    phone_hits = _phones(doc, entities, region)
    people = find_people(doc, entities, email_hits, site_domain)
    return PageExtraction(
        url=url,
        emails=[
            FoundEmail(
                hit.address,
                email_rules.email_kind(hit.address, site_domain),  # type: ignore[arg-type]
                email_rules.is_on_domain(hit.address, site_domain),
                hit.context,
            )
            for hit in email_hits
        ],
        phones=[FoundPhone(hit.e164, hit.label) for hit in phone_hits],  # type: ignore[arg-type]
        socials=_socials(doc, entities),
        people=[FoundPerson(p.name, p.title, p.email) for p in people],
        facts=find_facts(doc),
        links=_same_site_links(doc),
        looks_script_built=_looks_script_built(doc),
    )


# -- emails ---------------------------------------------------------------------------------


def _emails(doc: PageDoc, entities: list[Entity], site_domain: str) -> list[EmailHit]:
    found: dict[str, EmailHit] = {}  # case-folded address -> first hit

    def add(raw: str, line: int, context: str, via: str) -> None:
        address = email_rules.clean_address(raw, site_domain)
        if address is None:
            return
        key = address.casefold()
        if key not in found:
            found[key] = EmailHit(address, line, context, via)

    lines = doc.lines
    for link in doc.links:
        for raw in email_rules.mailto_addresses(link.href):
            context = lines[link.line] if 0 <= link.line < len(lines) else link.text
            add(raw, link.line, email_rules.context_around(context, raw), "mailto")
    text = doc.text
    for raw, offset, via in email_rules.find_text_candidates(text):
        line = doc.line_at(offset)
        add(raw, line, email_rules.context_around(lines[line], raw), via)
    for entity in entities:
        for raw in text_values(entity.props.get("email")):
            add(raw, -1, "structured data", "structured")
    for raw, _, _ in email_rules.find_text_candidates(doc.noscript_text):
        add(raw, -1, "noscript", "noscript")
    hits = list(found.values())
    # Inline tags glue a label to an address ("Email" + "john@x.com" -> "Emailjohn@x.com");
    # when a longer text hit ends with another address, the longer one is the artefact.
    addresses = [hit.address.casefold() for hit in hits]
    return [
        hit
        for hit in hits
        if hit.via == "mailto"
        or not any(
            other != hit.address.casefold() and hit.address.casefold().endswith(other)
            for other in addresses
        )
    ]


# -- phones ---------------------------------------------------------------------------------


def _phones(doc: PageDoc, entities: list[Entity], region: str) -> list[PhoneHit]:
    found: dict[str, PhoneHit] = {}

    def add(e164: str | None, label: str | None, line: int) -> None:
        if not e164:
            return
        hit = found.get(e164)
        if hit is None:
            found[e164] = PhoneHit(e164, label, line)
        else:
            hit.label = phone_rules.merge_label(hit.label, label)

    lines = doc.lines
    for link in doc.links:
        href = link.href
        if not href[:7].lower().startswith(("tel:", "callto:")):
            continue
        e164 = phone_rules.normalise_phone(href, region)
        label = phone_rules.label_from_text(link.label) or phone_rules.label_from_text(
            f"{link.before} {link.text}"
        )
        add(e164, label, link.line)
    text = doc.text
    candidate_lines = sorted(
        {
            doc.line_at(start)
            for start, run in phone_rules.digit_runs(text)
            if phone_rules.worth_matching(text, start, run)
        }
    )
    for index in candidate_lines:
        line_text = lines[index]
        previous_end = 0
        for e164, start, end in phone_rules.find_in_text(line_text, region):
            label = phone_rules.label_from_text(line_text[previous_end:start][-48:])
            if label is None and not line_text[:start].strip(" :-–|") and index > 0:
                previous = lines[index - 1]
                if len(previous) <= 40:
                    label = phone_rules.label_from_text(previous)
            add(e164, label, index)
            previous_end = end
    for entity in entities:
        props = entity.props
        for raw in text_values(props.get("telephone")):
            add(phone_rules.normalise_phone(raw, region), _structured_label(entity), -1)
        for raw in text_values(props.get("faxNumber")):
            add(phone_rules.normalise_phone(raw, region), "fax", -1)
    if doc.noscript_text and phone_rules.digit_runs(doc.noscript_text):
        for e164, _, _ in phone_rules.find_in_text(doc.noscript_text, region):
            add(e164, None, -1)
    return list(found.values())


def _structured_label(entity: Entity) -> str | None:
    """Label a structured-data number: contactPoint.contactType, or a department's type/name."""
    if entity.relation.startswith("contactpoint"):
        return phone_rules.label_from_contact_type(
            " ".join(text_values(entity.props.get("contactType")))
        )
    if entity.relation == "department":
        for kind in entity.types:
            if kind in phone_rules.DEPARTMENT_TYPES:
                return phone_rules.DEPARTMENT_TYPES[kind]
        return phone_rules.label_from_text(" ".join(text_values(entity.props.get("name"))))
    return None


# -- socials --------------------------------------------------------------------------------


def _socials(doc: PageDoc, entities: list[Entity]) -> dict[str, list[str]]:
    socials: dict[str, list[str]] = {platform: [] for platform in SOCIAL_PLATFORMS}
    credit_cache: dict[int, bool] = {}

    def add(profile: tuple[str, str] | None) -> None:
        if profile and profile[1] not in socials[profile[0]]:
            socials[profile[0]].append(profile[1])

    for link in doc.links:
        profile = canonical_profile(link.href)
        if profile and not _in_credit(doc, link, credit_cache):
            add(profile)
    for entity in entities:
        for raw in text_values(entity.props.get("sameAs")):
            add(canonical_profile(raw))
    for frame in doc.frame_urls:
        add(profile_from_plugin(frame))
    return socials


def _in_credit(doc: PageDoc, link: Link, cache: dict[int, bool]) -> bool:
    """True when the link sits on a "Website by ..." credit line (or right under one)."""
    if link.line not in cache:
        lines = doc.lines
        own = (lines[link.line] if 0 <= link.line < len(lines) else link.text).lower()
        previous = lines[link.line - 1].lower().rstrip(" :") if 0 < link.line <= len(lines) else ""
        cache[link.line] = any(word in own for word in _CREDIT_WORDS) or previous.endswith(
            _CREDIT_WORDS
        )
    return cache[link.line]


# -- links and rendering --------------------------------------------------------------------


def _same_site_links(doc: PageDoc) -> list[tuple[str, str]]:
    links: list[tuple[str, str]] = []
    seen: set[str] = set()
    for link in doc.links:
        absolute = absolute_same_site_link(doc.url, link.href)
        if absolute is None:
            continue
        key = absolute + "\x00" + link.text
        if key not in seen:
            seen.add(key)
            links.append((absolute, link.text or link.label))
    return links


def _looks_script_built(doc: PageDoc) -> bool:
    """Scripts and little visible text; or, with up to a few menus' worth of text, an empty
    single-page-app mount point or a `noscript` asking for JavaScript."""
    if doc.script_count == 0:
        return False
    chars = doc.visible_chars
    hinted = doc.spa_root or bool(_NOSCRIPT_HINT.search(doc.noscript_text))
    if hinted:
        return chars < SCRIPT_BUILT_HINTED_TEXT
    return chars < SCRIPT_BUILT_MAX_TEXT
