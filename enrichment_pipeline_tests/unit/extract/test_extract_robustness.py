"""extract_page is total: any string in, an extraction out, never an exception."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from enrichment_pipeline.core.extract import extract_page, to_cli_json

FRAGMENTS = st.sampled_from(
    [
        "<a href='mailto:",
        "@",
        "[at]",
        " dot ",
        "<script>",
        "</script>",
        "<div hidden>",
        "<p>",
        "</p>",
        "tel:",
        "(352) 854-2212",
        "<span class='staff-name'>",
        "Owner",
        "John Smith",
        "<!--",
        "-->",
        "&#64;",
        "\ue000",
        "\ue003",
        "\x00",
        "<br>",
        "<table><tr><td>",
        "</td>",
        '<script type="application/ld+json">{"@type":"Person","name":',
        "]}",
        "https://fb.com/",
        "<noscript>",
        "data-cfemail='zz'",
        "<a href='/cdn-cgi/l/email-protection#",
        "’",
        "İ",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(FRAGMENTS, st.text(max_size=20)), max_size=40), st.text(max_size=30))
def test_never_raises(parts: list[str], url: str) -> None:
    extraction = extract_page("".join(parts), url)
    assert set(to_cli_json(extraction)) == {"emails", "phones", "socials", "people"}
    assert all(len(fact.text) <= 300 for fact in extraction.facts)


def test_empty_and_non_html_inputs() -> None:
    for text in ("", "   ", "plain text with info@example.org", "%PDF-1.4 binary\x00\x01"):
        assert extract_page(text, "https://x.com/").url == "https://x.com/"
