"""URL canonicalisation: one spelling per page for cache keys and logs."""

from __future__ import annotations

import pytest

from enrichment_pipeline.core.web.urls import parse_target, resolve_location


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("HTTPS://WWW.Example.COM", "https://www.example.com/"),
        ("http://example.com:80/a/./b/../c?x=1#frag", "http://example.com/a/c?x=1"),
        ("https://example.com:443/", "https://example.com/"),
        ("https://example.com:8443/p", "https://example.com:8443/p"),
        ("https://user:secret@example.com/p", "https://example.com/p"),
        ("  https://example.com/p  ", "https://example.com/p"),
        ("https://bücher.de/", "https://xn--bcher-kva.de/"),
    ],
)
def test_canonical_form(raw: str, canonical: str) -> None:
    target = parse_target(raw)
    assert not isinstance(target, str)
    assert target.url == canonical


def test_parts_and_robots_url() -> None:
    target = parse_target("https://Dealer.example:8443/staff.htm?x=1")
    assert not isinstance(target, str)
    assert (target.scheme, target.host, target.port, target.path_qs) == (
        "https",
        "dealer.example",
        8443,
        "/staff.htm?x=1",
    )
    assert target.origin == "https://dealer.example:8443"
    assert target.robots_url == "https://dealer.example:8443/robots.txt"
    plain = parse_target("http://dealer.example/x")
    assert not isinstance(plain, str) and plain.robots_url == "http://dealer.example/robots.txt"


def test_redirect_locations_are_resolved_against_the_current_url() -> None:
    base = "https://a.example/dir/page.htm"
    assert resolve_location(base, "/other") == "https://a.example/other"
    assert resolve_location(base, "next.htm") == "https://a.example/dir/next.htm"
    assert resolve_location(base, "//b.example/x") == "https://b.example/x"
    assert resolve_location(base, "http://c.example/") == "http://c.example/"
