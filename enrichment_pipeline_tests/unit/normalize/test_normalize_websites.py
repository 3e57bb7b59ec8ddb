"""Websites: one canonical URL per site; placeholders, e-mails and profiles become None."""

from __future__ import annotations

import pytest

from enrichment_pipeline.core.normalize import canonical_website


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("gatormotors.com", "https://gatormotors.com/"),
        ("GatorMotors.COM", "https://gatormotors.com/"),
        ("https://gatormotors.com", "https://gatormotors.com/"),
        ("http://gatormotors.com:80/", "http://gatormotors.com/"),
        ("https://gatormotors.com:443/", "https://gatormotors.com/"),
        ("https://gatormotors.com:8443", "https://gatormotors.com:8443/"),
        ("WWW.GatorMotors.com/Inventory", "https://www.gatormotors.com/Inventory"),
        (
            "www.gatormotors.com/cars?utm_source=x&model=F150&gclid=1&fbclid=2#top",
            "https://www.gatormotors.com/cars?model=F150",
        ),
        ("http//gatormotors.com", "http://gatormotors.com/"),
        ("https;//gatormotors.com", "https://gatormotors.com/"),
        ("//gatormotors.com/a", "https://gatormotors.com/a"),
        ("https://user:secret@gatormotors.com/", "https://gatormotors.com/"),
        ("gatormotors.com, gatormotors2.com", "https://gatormotors.com/"),
        ('=HYPERLINK("https://gatormotors.com/","Gator")', "https://gatormotors.com/"),
        ("https://bücher.de/path", "https://xn--bcher-kva.de/path"),
        ("gatormotors.com.", "https://gatormotors.com/"),
    ],
)
def test_canonical_form(written: str, canonical: str) -> None:
    assert canonical_website(written) == canonical


@pytest.mark.parametrize(
    "written",
    [
        "N/A",
        "none",
        "-",
        "",
        None,
        float("nan"),
        "info@gatormotors.com",
        "mailto:info@gatormotors.com",
        "ftp://gatormotors.com",
        "javascript:alert(1)",
        "gatormotors",
        "localhost:8080",
        "192.168.1.10",
        "http://[::1]/",
        "gator motors",
        "gatormotors.c0m",
        "https://www.facebook.com/gatormotors",
        "instagram.com/gatormotors",
        "https://www.yelp.com/biz/gator-motors-ocala",
        "https://goo.gl/maps/abc",
        "https://gatormotors.com:99999/",
    ],
)
def test_not_a_business_website(written: object) -> None:
    assert canonical_website(written) is None


def test_variants_of_one_site_share_one_form() -> None:
    variants = [
        "gatormotors.com",
        "https://GATORMOTORS.com/",
        "https://gatormotors.com/#contact",
        "https://gatormotors.com/?utm_campaign=spring",
    ]
    assert len({canonical_website(v) for v in variants}) == 1
