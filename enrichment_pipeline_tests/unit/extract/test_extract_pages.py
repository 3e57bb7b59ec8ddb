"""Which pages scrape_site visits: contact/team/about first, never inventory or login."""

from __future__ import annotations

from enrichment_pipeline.core.extract import choose_pages, extract_page
from enrichment_pipeline.core.extract.pages import absolute_same_site_link, normalise_url

HOME = "https://www.sunshineford.com/"


def test_ranking_and_skipping() -> None:
    links = [
        ("https://www.sunshineford.com/new-inventory/index.htm", "New Inventory"),
        ("https://www.sunshineford.com/about-us/", "About Us"),
        ("https://www.sunshineford.com/dealership/staff.htm", "Our Staff"),
        ("https://www.sunshineford.com/contact-us/", "Contact Us"),
        ("https://www.sunshineford.com/blog/meet-our-new-models", "Meet our new models"),
        ("https://www.sunshineford.com/careers/", "Join our team"),
        ("https://www.sunshineford.com/login", "Sign in"),
        ("https://www.sunshineford.com/hours-directions", "Hours & Directions"),
        ("https://www.othersite.com/contact", "Contact"),
        ("https://www.sunshineford.com/", "Home"),
        ("https://www.sunshineford.com/contact-us/#form", "Contact (footer)"),
    ]
    assert choose_pages(HOME, links) == [
        "https://www.sunshineford.com/contact-us/",
        "https://www.sunshineford.com/dealership/staff.htm",
        "https://www.sunshineford.com/about-us/",
        "https://www.sunshineford.com/hours-directions",
    ]
    assert choose_pages(HOME, links, limit=2) == [
        "https://www.sunshineford.com/contact-us/",
        "https://www.sunshineford.com/dealership/staff.htm",
    ]
    assert choose_pages(HOME, links, limit=0) == []


def test_spanish_and_link_text_only_pages() -> None:
    links = [
        ("https://autos.com/nosotros/", "Nosotros"),
        ("https://autos.com/p/7", "Contáctenos"),
        ("https://autos.com/inventario/", "Inventario"),
        ("https://autos.com/p/9", "Nuestro equipo"),
    ]
    assert choose_pages("https://autos.com/", links) == [
        "https://autos.com/p/7",
        "https://autos.com/p/9",
        "https://autos.com/nosotros/",
    ]


def test_same_site_links_resolve_and_keep_the_path() -> None:
    base = "https://www.sunshineford.com/dealership/about.htm"
    assert absolute_same_site_link(base, "/contact-us/?utm_source=x&id=2#map") == (
        "https://www.sunshineford.com/contact-us/?id=2"
    )
    assert (
        absolute_same_site_link(base, "staff.htm")
        == "https://www.sunshineford.com/dealership/staff.htm"
    )
    assert (
        absolute_same_site_link(base, "https://shop.sunshineford.com/parts")
        == "https://shop.sunshineford.com/parts"
    )
    assert absolute_same_site_link(base, "https://facebook.com/sunshineford") is None
    assert absolute_same_site_link(base, "mailto:a@b.com") is None
    assert absolute_same_site_link(base, "/brochure.pdf") is None
    assert normalise_url("HTTPS://WWW.X.COM/A/?fbclid=1") == "https://www.x.com/A/"


def test_page_links_are_same_site_with_text() -> None:
    html = (
        '<html><body><a href="/contact">Contact</a><a href="https://other.com/">x</a></body></html>'
    )
    assert extract_page(html, HOME).links == [("https://www.sunshineford.com/contact", "Contact")]
