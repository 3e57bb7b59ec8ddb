# ruff: noqa: E501  (inline HTML and URLs read better unwrapped)
"""People: pairs from structure and clear text only; decision-maker ranking."""

from __future__ import annotations

import pytest

from enrichment_pipeline.core.extract import extract_page
from enrichment_pipeline.core.extract.names import is_person_name, looks_like_name, tidy_name
from enrichment_pipeline.core.extract.titles import clean_title, is_title, title_rank

URL = "https://www.sunshineford.com/staff"


def people(body: str, head: str = "") -> list[tuple[str, str]]:
    html = f"<html><head>{head}</head><body>{body}</body></html>"
    return [(p.name, p.title) for p in extract_page(html, URL).people]


def test_staff_cards_with_glued_field_spans() -> None:
    body = """<ul><li class="staff"><div class="info"><span class="staff-name">Robert Haines</span><span
    class="staff-title">Dealer Principal</span></div></li><li class="staff"><div class="info"><span
    class="staff-name">Carmen Delgado</span><span class="staff-title">General Manager</span>
    <a href="mailto:cdelgado@sunshineford.com">Email Me</a></div></li></ul>"""
    html = f"<html><body>{body}</body></html>"
    found = {p.name: (p.title, p.email) for p in extract_page(html, URL).people}
    assert found == {
        "Robert Haines": ("Dealer Principal", None),
        "Carmen Delgado": ("General Manager", "cdelgado@sunshineford.com"),
    }


def test_title_above_name_and_flat_alternating_list() -> None:
    cards = (
        '<div class="card"><div class="role">President</div><div class="who">Harold Whitmore</div></div>'
        '<div class="card"><div class="role">BDC Manager</div><div class="who">Alexis Fontaine</div></div>'
    )
    flat = "<div><h4>Frank Russo</h4><p>Owner</p><h4>Marcus Lee</h4><p>Sales Manager</p></div>"
    assert people(cards) == [("Harold Whitmore", "President"), ("Alexis Fontaine", "BDC Manager")]
    assert people(flat) == [("Frank Russo", "Owner"), ("Marcus Lee", "Sales Manager")]


def test_table_rows_and_definition_lists() -> None:
    table = (
        "<table><tr><th>Name</th><th>Position</th></tr><tr><td>Bill Thornton</td><td>Owner</td></tr>"
        "<tr><td>Tom Bui</td><td>Finance Manager</td></tr></table>"
    )
    dl = "<dl><dt>General Manager</dt><dd>Regina Fairweather</dd><dt>Service Director</dt><dd>Peter Van Dyke</dd></dl>"
    assert people(table) == [("Bill Thornton", "Owner"), ("Tom Bui", "Finance Manager")]
    assert people(dl) == [
        ("Regina Fairweather", "General Manager"),
        ("Peter Van Dyke", "Service Director"),
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "<p>Jenna Castillo, Owner &amp; Lead Stylist</p>",
            ("Jenna Castillo", "Owner & Lead Stylist"),
        ),
        ("<p>Office Manager &ndash; Becky Lowery</p>", ("Becky Lowery", "Office Manager")),
        (
            "<p>Owner: Dwayne Hollis, Master Plumber (License #CFC1429876)</p>",
            ("Dwayne Hollis", "Owner"),
        ),
        ("<p>Tim Albright - Owner</p>", ("Tim Albright", "Owner")),
        (
            "<p>Sales | Marisa Cole | Internet Sales Manager</p>",
            ("Marisa Cole", "Internet Sales Manager"),
        ),
        (
            "<p>Sunshine Ford is owned and operated by Richard Beaumont since 1978.</p>",
            ("Richard Beaumont", "Owner"),
        ),
        (
            "<p>The store is led by our General Manager, Denise Okafor.</p>",
            ("Denise Okafor", "General Manager"),
        ),
        (
            "<p>Posted by Stephanie Wu, Marketing Director &middot; June 3</p>",
            ("Stephanie Wu", "Marketing Director"),
        ),
        ("<p>Thank you! &mdash; Marcus Bell, Owner</p>", ("Marcus Bell", "Owner")),
        ("<h4>BUCK HARRINGTON</h4><h5>OWNER</h5>", ("Buck Harrington", "Owner")),
        (
            "<h2>Dr. Anita Ramaswamy, DMD</h2><h3>Owner &amp; Lead Dentist</h3>",
            ("Anita Ramaswamy", "Owner & Lead Dentist"),
        ),
    ],
)
def test_pairs_from_clear_text_patterns(line: str, expected: tuple[str, str]) -> None:
    assert people(line) == [expected]


@pytest.mark.parametrize(
    "body",
    [
        # Reviews: customer names beside labels that are not titles.
        '<div class="review"><p>Great!</p><p>Jennifer Walsh</p><p>Verified Customer</p></div>',
        # Navigation and business names next to titles-looking words.
        "<ul><li>Used Cars</li><li>Service Specials</li><li>Owner Resources</li></ul>",
        "<p>Sunshine Ford</p><p>General Manager</p>",
        # A heading with a title and several names below: no pairing is clear.
        "<section><h2>Sales Consultant</h2><p>Ann Lee</p><p>Bo Kim</p><p>Cy Young</p></section>",
        # Hidden and commented-out staff.
        '<div style="display:none"><p>Bob Sterling, General Manager</p></div><!-- <p>Al Lo, Owner</p> -->',
    ],
)
def test_never_invents_a_person(body: str) -> None:
    assert people(body) == []


def test_json_ld_microdata_and_hcard_people() -> None:
    head = """<script type="application/ld+json">{"@type":"AutoDealer","founder":{"@type":"Person",
    "name":"Eleanor Price"},"employee":[{"@type":"Person","givenName":"Keisha","familyName":"Morgan",
    "jobTitle":"Internet Sales Manager","email":"kmorgan@sunshineford.com"}]}</script>"""
    body = """<div itemscope itemtype="https://schema.org/Person"><span itemprop="name">Dale Hutchins</span>
    <span itemprop="jobTitle">Owner</span></div>
    <div class="vcard"><h2 class="fn">Kwame Osei</h2><p class="title">Partner</p></div>"""
    html = f"<html><head>{head}</head><body>{body}</body></html>"
    found = {p.name: (p.title, p.email) for p in extract_page(html, URL).people}
    assert found == {
        "Eleanor Price": ("Founder", None),
        "Keisha Morgan": ("Internet Sales Manager", "kmorgan@sunshineford.com"),
        "Dale Hutchins": ("Owner", None),
        "Kwame Osei": ("Partner", None),
    }


def test_email_linked_by_name_spelling() -> None:
    body = "<p>Maria Lopez, General Manager</p><p>Write to mlopez@sunshineford.com or info@sunshineford.com</p>"
    (person,) = extract_page(f"<html><body>{body}</body></html>", URL).people
    assert person.email == "mlopez@sunshineford.com"


def test_name_and_title_rules() -> None:
    assert looks_like_name("Mary-Kate O'Brien") and looks_like_name("Hollis Grant III")
    assert not looks_like_name("Contact Us") and not looks_like_name("J. R.")
    assert not is_person_name("Quick Links", strict=True)
    assert tidy_name("DEB McNAIR") == "Deb McNair"
    assert is_title("Director of Fixed Operations") and is_title("Gerente General")
    assert not is_title("Owner Resources") and not is_title("Service Specials")
    assert is_title("Motorclothes Manager", lenient=True) and not is_title("Motorclothes Manager")
    assert clean_title("VP OF SALES") == "VP of Sales"


def test_decision_maker_ranking_order() -> None:
    ranked = sorted(
        [
            "Sales Consultant",
            "General Manager",
            "Owner",
            "Internet Sales Manager",
            "Vice President",
            "General Sales Manager",
            "Assistant General Manager",
            "Service Manager",
            "President",
        ],
        key=title_rank,
        reverse=True,
    )
    assert ranked[:3] == ["Owner", "President", "General Manager"]
    assert ranked[-1] == "Sales Consultant"
    assert title_rank("Assistant General Manager") < title_rank("General Manager")
