# ruff: noqa: E501  (inline HTML and URLs read better unwrapped)
"""Email extraction: every way a page shows an address, and every decoy it must ignore."""

from __future__ import annotations

import pytest

from enrichment_pipeline.core.extract import extract_page
from enrichment_pipeline.core.extract.cloudflare import decode_cfemail, encode_cfemail
from enrichment_pipeline.core.extract.emails import clean_address, email_kind

URL = "https://www.sunshineford.com/contact"


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def addresses(html: str, url: str = URL) -> list[str]:
    return [email.address for email in extract_page(html, url).emails]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            '<a href="mailto:Sales@SunshineFord.COM?subject=Hi">Email us</a>',
            "Sales@sunshineford.com",
        ),
        (
            '<a href="&#109;&#97;&#105;&#108;&#116;&#111;&#58;info&#64;sunshineford.com">x</a>',
            "info@sunshineford.com",
        ),
        ('<a href="mailto:%20jo%2Bweb@sunshineford.com">x</a>', "jo+web@sunshineford.com"),
        ("<p>Write to parts [at] sunshineford [dot] com today</p>", "parts@sunshineford.com"),
        ("<p>parts(at)sunshineford(dot)com</p>", "parts@sunshineford.com"),
        ("<p>Owner: bob AT sunshineford DOT com</p>", "bob@sunshineford.com"),
        ("<p>press @ sunshineford . com</p>", "press@sunshineford.com"),
        (
            "<p><span>maria</span><span>@</span><b>sunshineford</b>.com</p>",
            "maria@sunshineford.com",
        ),
        ("<p>sch\u200bool@sunshineford.com</p>", "school@sunshineford.com"),
        ('<p>ann<span style="display:none">XX</span>@sunshineford.com</p>', "ann@sunshineford.com"),
        ("<noscript><p>dock@sunshineford.com</p></noscript>", "dock@sunshineford.com"),
    ],
)
def test_finds_address_in_every_common_form(body: str, expected: str) -> None:
    assert addresses(page(body)) == [expected]


def test_cloudflare_protected_addresses_are_decoded() -> None:
    blob = encode_cfemail("jdavis@sunshineford.com", key=0x3C)
    html = page(
        f'<p><a href="/cdn-cgi/l/email-protection#{blob}">Email Jerome</a></p>'
        f'<p><span class="__cf_email__" data-cfemail="{encode_cfemail("sales@sunshineford.com", 7)}">'
        "[email&#160;protected]</span></p>"
    )
    assert sorted(addresses(html)) == ["jdavis@sunshineford.com", "sales@sunshineford.com"]


def test_cloudflare_decoder_rejects_garbage() -> None:
    assert decode_cfemail("zz") is None
    assert decode_cfemail("abc") is None
    assert decode_cfemail(encode_cfemail("no-at-sign")) is None


@pytest.mark.parametrize(
    "decoy",
    [
        '<img src="/img/logo@2x.png" alt="logo@2x.png"><p>hero@3x.webp</p>',
        "<p>Type you@example.com or user@domain.com or email@example.com</p>",
        "<p>your.name@yourdomain.com</p>",
        "<p>9f8e7d6c5b4a39281706f5e4d3c2b1a0@o55123.ingest.sentry.io</p>",
        "<p>not-an-address@ and @handle and a@b</p>",
        "<p>4 tires for $499 @ participating stores</p>",
        '<p style="display:none">trap@sunshineford.com</p><div hidden>old@sunshineford.com</div>',
        "<p>Find us at Marker 12 at the north end. Visit us at the dock.</p>",
    ],
)
def test_decoys_are_not_addresses(decoy: str) -> None:
    assert addresses(page(decoy)) == []


def test_addresses_in_scripts_are_never_read() -> None:
    head = (
        '<script>var dsn="https://605a7b@sentry-next.wixpress.com/68";'
        'var owner="noreply@wix.com"; var x="someone@sunshineford.com";</script>'
    )
    assert addresses(page("<p>Hello</p>", head)) == []


def test_json_ld_email_is_found() -> None:
    head = (
        '<script type="application/ld+json">{"@type":"AutoDealer",'
        '"email":"mailto:info@sunshineford.com"}</script>'
    )
    assert addresses(page("<p>Hi</p>", head)) == ["info@sunshineford.com"]


def test_label_glued_to_address_is_not_a_second_address() -> None:
    html = page(
        '<p><b>Email</b><a href="mailto:john@sunshineford.com">john@sunshineford.com</a></p>'
    )
    assert addresses(html) == ["john@sunshineford.com"]


def test_kind_and_domain() -> None:
    html = page(
        '<a href="mailto:sales@sunshineford.com">a</a><a href="mailto:jsmith@sunshineford.com">b</a>'
        '<a href="mailto:sunshinefordocala@gmail.com">c</a><a href="mailto:pat@othermail.com">d</a>'
    )
    found = {e.address: (e.kind, e.on_domain) for e in extract_page(html, URL).emails}
    assert found == {
        "sales@sunshineford.com": ("role", True),
        "jsmith@sunshineford.com": ("personal", True),
        "sunshinefordocala@gmail.com": ("role", False),
        "pat@othermail.com": ("personal", False),
    }


def test_clean_address_normalises_and_validates() -> None:
    assert clean_address("<Jo.Smith+Leads@Dealer.COM>.") == "Jo.Smith+Leads@dealer.com"
    assert clean_address("a..b@dealer.com") is None
    assert clean_address("john@localhost") is None
    assert clean_address("info@dealer.test", "dealer.test") == "info@dealer.test"
    assert email_kind("info2@dealer.com") == "role"


def test_on_domain_holds_for_www_sites_on_reserved_test_domains() -> None:
    # `.example` is not on the public-suffix list; www.<name>.example is still <name>.example.
    from enrichment_pipeline.core.extract.domains import registered_domain, same_site

    assert registered_domain("www.palmettobayford.example") == "palmettobayford.example"
    assert same_site("www.palmettobayford.example", "palmettobayford.example")
    assert registered_domain("127.0.0.1") == "127.0.0.1"
    assert registered_domain("localhost") == "localhost"
    page = extract_page(
        "<html><body><a href='mailto:sales@palmettobayford.example'>Email</a></body></html>",
        "https://www.palmettobayford.example/contact",
    )
    assert [(e.address, e.on_domain) for e in page.emails] == [
        ("sales@palmettobayford.example", True)
    ]
