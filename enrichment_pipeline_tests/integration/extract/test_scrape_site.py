"""scrape_site against the loopback fixture web: real HTTP, the real fetcher, real pages."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import datetime

import pytest

from enrichment_pipeline.core.extract import SiteContacts, scrape_site
from enrichment_pipeline.core.web import Fetcher
from enrichment_pipeline_tests.fixtures.web import Business, site_truth
from enrichment_pipeline_tests.fixtures.web.plugin import (
    STATIC_STYLES,
    SessionWeb,
    fetch_config_for,
)
from enrichment_pipeline_tests.fixtures.web.styles.base import FixturePage, PageTruth, document


def scrape_all(web: SessionWeb, websites: list[str], **kwargs: object) -> list[SiteContacts]:
    async def run() -> list[SiteContacts]:
        async with Fetcher(fetch_config_for(web)) as fetcher:
            return await asyncio.gather(*(scrape_site(fetcher, w, **kwargs) for w in websites))

    return asyncio.run(run())


def live_static(web: SessionWeb) -> list[Business]:
    return [b for b in web.generated if b.has_live_site and b.style in STATIC_STYLES]


def test_whole_sites_match_the_generator_truth(fixture_web: SessionWeb) -> None:
    businesses = live_static(fixture_web)[:20]
    assert {b.style for b in businesses} == set(STATIC_STYLES)
    results = scrape_all(fixture_web, [b.website or "" for b in businesses])
    for business, contacts in zip(businesses, results, strict=True):
        truth = site_truth(business)
        assert contacts.status == "ok", (business.website, contacts.error)
        assert {e["address"].lower() for e in contacts.emails} == set(truth.emails), business.id
        assert {p["e164"] for p in contacts.phones} == set(truth.phones), business.id
        assert {(p["name"], p["title"]) for p in contacts.people} == set(truth.people)
        for platform, urls in truth.socials.items():
            assert contacts.socials[platform] == urls, (business.id, platform)
        if business.owner is not None and business.owner.name in {p[0] for p in truth.people}:
            assert (contacts.owner_name, contacts.owner_title) == (
                business.owner.name,
                business.owner.title,
            )


def test_primary_email_follows_the_documented_rule(fixture_web: SessionWeb) -> None:
    businesses = live_static(fixture_web)[:20]
    results = scrape_all(fixture_web, [b.website or "" for b in businesses])
    for business, contacts in zip(businesses, results, strict=True):
        owner_email = next(
            (p["email"] for p in contacts.people if p["name"] == contacts.owner_name), None
        )
        on_domain = {e["address"] for e in contacts.emails if e["on_domain"]}
        if owner_email and owner_email in on_domain:
            assert contacts.primary_email == owner_email, business.id
        elif contacts.primary_email is not None:
            chosen = next(e for e in contacts.emails if e["address"] == contacts.primary_email)
            # a decision maker's own address, or a role mailbox when none of them has one
            people_emails = {p["email"] for p in contacts.people if p["email"]}
            assert chosen["kind"] == "role" or chosen["address"] in people_emails, business.id


def test_provenance_points_at_fetched_pages(fixture_web: SessionWeb) -> None:
    business = next(b for b in live_static(fixture_web) if b.style == "dealercom")
    (contacts,) = scrape_all(fixture_web, [business.website or ""])
    fetched = {page["url"] for page in contacts.pages if page["error_kind"] is None}
    assert len(fetched) >= 3
    for email in contacts.emails:
        assert email["source_url"] in fetched
    for person in contacts.people:
        assert person["source_url"] in fetched
    for field in ("emails", "phones", "people", "owner_name", "primary_email", "facebook"):
        source = contacts.sources[field]
        assert source["url"] in fetched
        assert datetime.fromisoformat(source["fetched_at"]).tzinfo is not None
    staff = [p for p in contacts.people if p["source_url"].endswith("/dealership/staff.htm")]
    assert staff, "staff come from the staff page"
    assert json.loads(json.dumps(contacts.to_dict())) == contacts.to_dict()


def test_page_budget_and_page_choice(fixture_web: SessionWeb) -> None:
    business = next(b for b in live_static(fixture_web) if b.style == "dealercom")
    (one,) = scrape_all(fixture_web, [business.website or ""], max_pages=1)
    assert len(one.pages) == 2  # homepage + one chosen page
    assert one.pages[1]["url"].endswith("/dealership/contact.htm")
    fixture_web.clear_log()
    (full,) = scrape_all(fixture_web, [business.website or ""], max_pages=6)
    paths = {entry.path for entry in fixture_web.requests_for(business.canonical_host or "")}
    assert not any("inventory" in path for path in paths)
    assert len(full.pages) <= 7


def test_robots_disallowed_site_is_blocked(fixture_web: SessionWeb) -> None:
    base = live_static(fixture_web)[0]
    blocked = replace(
        base, id="b99001", domain="robots-blocked-dealer.com", robots="User-agent: *\nDisallow: /\n"
    )
    fixture_web.add_business(blocked)
    (contacts,) = scrape_all(fixture_web, [blocked.website or ""])
    assert contacts.status == "blocked"
    assert contacts.error is not None and contacts.error.startswith("robots")
    paths = [entry.path for entry in fixture_web.requests_for(blocked.canonical_host or "")]
    assert paths == ["/robots.txt"]


@pytest.mark.parametrize(
    ("website", "status"),
    [
        ("https://no-such-host-anywhere.com/", "error"),
        ("not a url", "error"),
        ("", "error"),
        ("ftp://files.example.com/", "error"),
    ],
)
def test_bad_or_dead_websites_give_an_outcome(
    fixture_web: SessionWeb, website: str, status: str
) -> None:
    (contacts,) = scrape_all(fixture_web, [website])
    assert contacts.status == status
    assert contacts.error
    assert contacts.emails == [] and contacts.primary_email is None


def test_site_without_contacts(fixture_web: SessionWeb) -> None:
    fixture_web.add_site(
        "www.quiet-example-site.com",
        {"/": _page("<h1>Coming soon</h1><p>Our new website is under construction.</p>")},
    )
    (contacts,) = scrape_all(fixture_web, ["https://www.quiet-example-site.com/"])
    assert contacts.status == "no_contacts"
    assert contacts.error is None


def _page(body: str) -> FixturePage:
    return FixturePage(document(title="x", body=body), truth=PageTruth())


@pytest.mark.browser
@pytest.mark.slow
def test_script_built_contact_page_is_rendered(fixture_web: SessionWeb) -> None:
    business = next(
        (b for b in fixture_web.generated if b.has_live_site and b.style == "jsrendered"), None
    )
    if business is None:
        pytest.skip("no JavaScript-rendered site in the session web")
    (contacts,) = scrape_all(fixture_web, [business.website or ""])
    rendered = [page for page in contacts.pages if page["rendered"]]
    if not rendered:
        pytest.skip("the fetcher cannot render pages here (no browser support yet)")
    truth = site_truth(business)
    assert {e["address"].lower() for e in contacts.emails} >= set(truth.emails)
