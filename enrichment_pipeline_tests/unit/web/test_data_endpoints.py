"""Finding and reading the JSON a script-built page loads (the pure parts, no fetching)."""

from __future__ import annotations

import json

from enrichment_pipeline.core.extract import extract_page
from enrichment_pipeline.core.web.data_endpoints import (
    MAX_ENDPOINTS,
    endpoint_urls,
    has_contact_signals,
    json_fragments,
    script_sources,
    splice,
)

PAGE = "https://www.sunshine-motors.example/contact"


def test_script_sources_keep_same_site_scripts_and_inline_code_only() -> None:
    html = """<html><head>
<script src="/static/app.js"></script>
<script src="https://sunshine-motors.example/js/contact.js" defer></script>
<script src="https://cdn.tracker.example/t.js"></script>
<script src="//[oops/broken.js"></script>
<script type="application/ld+json">{"@type": "AutoDealer"}</script>
<script>window.boot = fetch('/api/boot.json');</script>
<script>   </script></head><body></body></html>"""
    external, inline = script_sources(html, PAGE)
    assert external == [
        "https://www.sunshine-motors.example/static/app.js",
        "https://sunshine-motors.example/js/contact.js",
    ]
    assert inline == ["window.boot = fetch('/api/boot.json');"]


def test_endpoints_are_the_same_site_data_urls_that_scripts_request() -> None:
    scripts = [
        "fetch('/api/site-data.json', {headers: {'Accept': 'application/json'}})",
        '$.getJSON("/wp-json/wp/v2/pages?slug=contact", show);',
        "var link = '/brochure.json';",  # named, never requested
        "fetch('https://other.example/api/x.json')",  # another site
        "axios.get(`/api/site-data.json`)",  # already found
        "xhr.open('GET', '/data/team.json');",
        "fetch('http://[oops/api/x.json')",  # unparsable: skipped, not an exception
    ]
    assert endpoint_urls(scripts, PAGE) == [
        "https://www.sunshine-motors.example/api/site-data.json",
        "https://www.sunshine-motors.example/wp-json/wp/v2/pages?slug=contact",
        "https://www.sunshine-motors.example/data/team.json",
    ]
    many = [f"fetch('/api/part{i}.json')" for i in range(10)]
    assert len(endpoint_urls(many, PAGE)) == MAX_ENDPOINTS


def test_json_strings_become_fragments_html_kept_text_escaped() -> None:
    payload = json.dumps(
        {
            "html": '<ul><li><a href="mailto:sales@sunshine-motors.example">Sales</a></li></ul>',
            "team": [{"name": "Maria Lopez", "title": "General Manager <GM>"}],
            "id": 7,
            "x": "",
        }
    ).encode()
    fragments = json_fragments(payload)
    assert fragments[0].startswith("<ul>")
    assert "<p>Maria Lopez</p>" in fragments
    assert "General Manager <GM>" in fragments  # has < and >: kept as HTML, not escaped
    assert json_fragments(b"not json {") == []
    assert json_fragments(b"\xff\xfe") == []


def test_contact_signals() -> None:
    assert has_contact_signals(["<p>Call (813) 555-0142</p>"])
    assert has_contact_signals(['<a href="mailto:x@y.example">write</a>'])
    assert has_contact_signals(["<p>info@sunshine-motors.example</p>"])
    assert not has_contact_signals(["<p>Our menu</p>", "<p>Open 9-5, since 1978</p>"])


def test_spliced_page_is_read_by_the_extractor_like_a_rendered_one() -> None:
    shell = "<html><body><div id='app'>Loading</div></body></html>"
    fragments = json_fragments(
        json.dumps(
            {"html": '<p>Email <a href="mailto:sales@sunshine-motors.example">us</a></p>'}
        ).encode()
    )
    html = splice(shell, [("https://www.sunshine-motors.example/api/d.json", fragments)])
    assert html.index("data-loaded-from") < html.index("</body>")
    found = extract_page(html, PAGE)
    assert "sales@sunshine-motors.example" in {e.address for e in found.emails}
    assert splice("<p>no body</p>", [("u", ["<p>x</p>"])]).endswith("</section>")
