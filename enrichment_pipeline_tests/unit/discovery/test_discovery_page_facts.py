"""read_page on the fixture web's real page styles and on decoy text."""

from __future__ import annotations

import pytest

from enrichment_pipeline.core.discovery.page_facts import merge_facts, read_page
from enrichment_pipeline_tests.fixtures.discovery.decoys import render_group_site
from enrichment_pipeline_tests.fixtures.web import (
    STYLES,
    generate_businesses,
    render_directory,
    render_parked,
    render_site,
)

BUSINESSES = generate_businesses(120, seed=11, mix={"no_website": 0.0})


def _by_style(style: str):
    return [b for b in BUSINESSES if b.style == style][:4]


def _home(b):
    return read_page(render_site(b)["/"].body_bytes().decode(), b.website)


@pytest.mark.parametrize("style", [s for s in STYLES if s != "jsrendered"])
def test_homepages_show_phone_state_zip_and_name(style: str) -> None:
    for b in _by_style(style):
        facts = _home(b)
        assert b.phone[-10:] in facts.phones, (b.name, sorted(facts.phones))
        assert ("FL", b.zip) in facts.state_zips, (b.name, facts.state_zips)
        assert any(b.name in name for name in facts.names), facts.names
        assert not facts.is_parked


def test_script_built_contact_page_has_nothing_until_rendered() -> None:
    for b in _by_style("jsrendered"):
        pages = render_site(b)
        home = _home(b)
        contact = read_page(pages["/contact"].body_bytes().decode(), f"{b.website}contact")
        assert b.phone[-10:] not in home.phones | contact.phones
        assert home.contact_links and home.contact_links[0].endswith("/contact")
        assert not home.is_parked


def test_contact_links_stay_on_the_site_and_rank_contact_first() -> None:
    html = """<html><body>
    <a href="/about-us/">About</a> <a href="https://other.com/contact">Theirs</a>
    <a href="/dealership/contact.htm#form">Contact</a> <a href="mailto:x@y.com">mail</a>
    <a href="https://www.shop.com/hours">Hours</a></body></html>"""
    facts = read_page(html, "https://shop.com/")
    assert facts.contact_links == [
        "https://shop.com/dealership/contact.htm",
        "https://www.shop.com/hours",
        "https://shop.com/about-us/",
    ]


def test_parked_pages_are_recognised() -> None:
    facts = read_page(render_parked("gatorautosales.com")["/"].body_bytes().decode(), "x")
    assert facts.is_parked
    for phrase in ("This domain is parked free, courtesy of a registrar.", "Buy this domain."):
        assert read_page(f"<html><body><p>{phrase}</p></body></html>", "x").is_parked


def test_ordinary_words_do_not_make_a_page_parked() -> None:
    html = (
        "<html><body><h1>Sunshine Ford</h1><p>New 2026 models coming soon! This vehicle is"
        " available for purchase today. Related links: service, parts.</p>"
        + "<p>We love our customers.</p>" * 80
        + "</body></html>"
    )
    assert not read_page(html, "x").is_parked


def test_identifiers_are_not_read_as_phones_or_states() -> None:
    html = """<html><body><p>Model Code: 4823019384 Stock #: A12345 VIN 1FTFW1E50PFA12345</p>
    <p>Dealer ID 12345, Call IN 30 minutes, OR 97201 Portland</p>
    <p>Call (352) 555-0142 or 352.867.5309</p></body></html>"""
    facts = read_page(html, "x")
    assert facts.phones == {"3525550142", "3528675309"}
    assert facts.state_zips == {("OR", "97201")}  # a real Oregon ZIP; "ID 12345" is not Idaho


def test_json_ld_gives_names_phones_and_addresses() -> None:
    html = """<html><head><title>Home</title><script type="application/ld+json">
    {"@context": "https://schema.org", "@graph": [{"@type": "AutoDealer", "name": "Gator Motors",
     "telephone": "+1-352-555-0199", "address": {"@type": "PostalAddress",
     "streetAddress": "1200 SW College Rd", "addressLocality": "Ocala",
     "addressRegion": "Florida", "postalCode": "34471"}}]}
    </script></head><body><p>Welcome</p></body></html>"""
    facts = read_page(html, "x")
    assert "Gator Motors" in facts.names
    assert "3525550199" in facts.phones
    assert ("FL", "34471") in facts.state_zips
    assert facts.places[0].street == "1200 SW College Rd"


def test_broken_json_ld_is_ignored() -> None:
    html = (
        '<html><head><script type="application/ld+json">{"@type": "Store", </script></head></html>'
    )
    facts = read_page(html, "x")
    assert facts.places == []


def test_directory_and_group_pages_list_many_locations() -> None:
    listed = BUSINESSES[:6]
    directory = read_page(
        render_directory("www.finder.com", listed)["/"].body_bytes().decode(), "x"
    )
    group = read_page(
        render_group_site("Pelican Auto Group", listed)["/"].body_bytes().decode(), "x"
    )
    for facts in (directory, group):
        assert len(facts.phones) >= 6
        assert len(facts.state_zips) >= 3
    assert "Pelican Auto Group" in group.site_names


def test_merge_keeps_homepage_names_and_adds_contact_data() -> None:
    home = read_page("<html><head><title>Gator Motors</title></head><body>Hi</body></html>", "x")
    body = "<body>Ocala, FL 34471 (352) 555-0199</body>"
    contact = read_page(f"<html><head><title>Contact</title></head>{body}</html>", "y")
    merged = merge_facts(home, contact)
    assert merged.names == ["Gator Motors"]
    assert "3525550199" in merged.phones and ("FL", "34471") in merged.state_zips
    assert " ocala fl 34471 " in merged.words


def test_empty_and_garbage_html_give_empty_facts() -> None:
    for html in ("", "\x00\x01binary", "<html", "<<<>>>" * 1000):
        facts = read_page(html, "x")
        assert facts.phones == set() and not facts.is_parked
