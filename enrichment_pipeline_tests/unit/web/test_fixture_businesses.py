"""The business generator and site renderer: deterministic, realistic, and truthful."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

import phonenumbers

from enrichment_pipeline_tests.fixtures.web import (
    STYLES,
    Mix,
    generate_businesses,
    make_twin,
    render_site,
    site_truth,
)
from enrichment_pipeline_tests.fixtures.web.places import FLORIDA_CITIES


def test_same_seed_same_businesses_other_seed_others() -> None:
    assert generate_businesses(40, seed=5) == generate_businesses(40, seed=5)
    assert generate_businesses(40, seed=5) != generate_businesses(40, seed=6)


def test_population_is_florida_dealer_heavy_and_unique() -> None:
    businesses = generate_businesses(600, seed=1)
    categories = Counter(b.category for b in businesses)
    dealers = categories["franchise_dealer"] + categories["independent_dealer"]
    assert dealers / len(businesses) > 0.7
    assert {"restaurant", "trade", "retail"} <= set(categories)
    assert {b.style for b in businesses} == set(STYLES)
    domains = [b.domain for b in businesses if b.domain]
    assert len(domains) == len(set(domains))
    assert len({b.name for b in businesses}) == len(businesses)
    area_codes = {code for city in FLORIDA_CITIES for code in city.area_codes}
    zips = {z for city in FLORIDA_CITIES for z in city.zips}
    for b in businesses:
        assert b.state == "FL" and b.zip in zips
        number = phonenumbers.parse(b.phone)
        assert phonenumbers.is_valid_number(number) and b.phone[2:5] in area_codes
        for phone in b.phones:
            assert re.fullmatch(r"\+1\d{10}", phone.e164)
    assert sum(b.domain is None for b in businesses) > 0


def test_mix_controls_flags() -> None:
    businesses = generate_businesses(300, seed=2, mix={"parked": 0.1, "dead": 0.1, "no_website": 0})
    assert all(b.domain for b in businesses)
    parked = sum(b.parked for b in businesses)
    dead = sum(bool(b.dead) for b in businesses)
    assert 15 < parked < 50 and 15 < dead < 50
    only_dealers = generate_businesses(50, seed=2, mix=Mix(categories={"franchise_dealer": 1}))
    assert {b.category for b in only_dealers} == {"franchise_dealer"}


def test_site_truth_is_exactly_the_business_truth_for_every_style() -> None:
    for business in generate_businesses(150, seed=3):
        if not business.has_live_site:
            continue
        truth = site_truth(business)
        assert set(truth.emails) == {e.address.lower() for e in business.emails}
        assert {a: k for a, k in truth.emails.items()} == {
            e.address.lower(): e.kind for e in business.emails
        }
        assert truth.phones == {p.e164: p.label for p in business.phones}
        assert truth.socials == {k: list(v) for k, v in business.socials.items()}
        assert set(truth.people) == {(m.name, m.title) for m in business.staff}


def test_pages_are_realistic_in_size_and_markup() -> None:
    sizes: dict[str, list[int]] = {}
    for business in generate_businesses(120, seed=4):
        for page in render_site(business).values():
            if page.truth is not None:
                html = page.body_bytes().decode()
                assert html.startswith("<!DOCTYPE html>") and "</html>" in html
                sizes.setdefault(business.style, []).append(len(html))
    assert max(sizes["dealercom"]) > 60_000  # dealer platforms ship heavy pages
    assert min(min(v) for v in sizes.values()) > 700


def test_static_html_of_a_js_page_holds_none_of_its_truth() -> None:
    business = next(
        b for b in generate_businesses(200, seed=8) if b.style == "jsrendered" and b.has_live_site
    )
    pages = render_site(business)
    contact = pages["/contact"]
    assert contact.needs_js and contact.truth is not None and contact.truth.phones
    html = contact.body_bytes().decode()
    for address in contact.truth.emails:
        assert address not in html
    data = pages["/api/site-data.json"].body_bytes().decode()
    for address in contact.truth.emails:
        assert address in data


def test_twins_share_the_name_but_nothing_that_identifies_the_business() -> None:
    original = next(b for b in generate_businesses(30, seed=9) if b.domain)
    twin = make_twin(original, state="GA")
    assert twin.state == "GA" and twin.city != original.city
    assert twin.phone != original.phone and twin.domain != original.domain
    assert original.name.replace(original.city, twin.city) == twin.name
    for style in ("dealercom", "dealerinspire", "wordpress", "onepage", "structured", "jsrendered"):
        pages = render_site(replace(twin, style=style))  # derived ids render too
        assert any(page.truth and page.truth.phones for page in pages.values())
