"""Homepages, host forms, the directory list and the ZIP-to-state table."""

from __future__ import annotations

import pytest

from enrichment_pipeline.core.discovery.directories import (
    blocked_hosts,
    is_blocked,
    looks_like_listing_title,
)
from enrichment_pipeline.core.discovery.domains import (
    homepage,
    registrable_domain,
    site_key,
    www_twin,
)
from enrichment_pipeline.core.discovery.zip_states import consistent, zip_state
from enrichment_pipeline_tests.fixtures.web.places import FLORIDA_CITIES, OTHER_CITIES


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sunshineford.com", "https://sunshineford.com/"),
        ("HTTP://WWW.SunshineFord.com/new-inventory?utm_source=x", "http://www.sunshineford.com/"),
        ("https://www.shop.com:8443/a/b#frag", "https://www.shop.com:8443/"),
        ("https://www.facebook.com/sunshineford", None),
        ("not a website", None),
        ("mailto:info@x.com", None),
    ],
)
def test_homepage(given: str, expected: str | None) -> None:
    assert homepage(given) == expected


def test_host_forms() -> None:
    assert www_twin("https://x.com/") == "https://www.x.com/"
    assert www_twin("https://www.x.com/") == "https://x.com/"
    assert www_twin("https://shop.x.co.uk/") is None  # a subdomain site has no www form
    assert www_twin("https://www.x.co.uk/") == "https://x.co.uk/"
    assert site_key("WWW.X.com") == "x.com"
    assert registrable_domain("a.b.sunshine.co.uk") == "sunshine.co.uk"
    assert registrable_domain("searxng.fixture.test") == "searxng.fixture.test"


def test_directories_and_socials_are_blocked_with_their_subdomains() -> None:
    for host in ("www.yelp.com", "m.yelp.com", "yelp.com", "www.dealerrater.com", "bbb.org",
                 "www.facebook.com", "business.facebook.com", "www.cars.com"):  # fmt: skip
        assert is_blocked(host), host
    for host in ("notyelp.com", "yelpcars.com", "sunshineford.com", "cars.com.evil.net"):
        assert not is_blocked(host), host
    extra = blocked_hosts(["WWW.LocalFinder.com "])
    assert is_blocked("www.localfinder.com", extra) and is_blocked("localfinder.com", extra)


@pytest.mark.parametrize(
    "title",
    [
        "Top 10 Car Dealers in Ocala, FL (Updated 2025)",
        "THE 10 BEST Auto Repair near Ocala",
        "Best Used Car Dealerships in Tampa - Reviews",
        "Car Dealers near me",
        "Ford Dealers in Florida",
    ],
)
def test_listing_titles(title: str) -> None:
    assert looks_like_listing_title(title)


@pytest.mark.parametrize(
    "title",
    ["Gator Auto Sales | Ocala, FL", "Sunshine Ford of Ocala - New & Used Cars", "Home", ""],
)
def test_business_titles_are_not_listings(title: str) -> None:
    assert not looks_like_listing_title(title)


def test_zip_table_agrees_with_real_city_zips() -> None:
    for city in (*FLORIDA_CITIES, *OTHER_CITIES):
        for code in city.zips:
            assert zip_state(code) == city.state, (city.name, code)
    assert zip_state("10001") == "NY" and zip_state("99501") == "AK"
    assert zip_state("00000") is None and zip_state("abc") is None
    assert consistent("FL", "33101") and not consistent("ID", "12345")
