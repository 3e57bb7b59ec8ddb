"""The render="auto" heuristic on real fixture pages and hand-made shells."""

from __future__ import annotations

from enrichment_pipeline.core.web import needs_rendering
from enrichment_pipeline_tests.fixtures.web import STYLES, generate_businesses, render_site


def test_only_the_script_built_contact_pages_need_a_browser() -> None:
    seen = set()
    for business in generate_businesses(80, seed=11):
        if not business.has_live_site:
            continue
        seen.add(business.style)
        for path, page in render_site(business).items():
            if page.truth is None:
                continue
            html = page.body_bytes().decode()
            assert needs_rendering(html) is page.needs_js, (business.style, path)
    assert seen == set(STYLES)


def test_shells_and_text_pages() -> None:
    spa = (
        '<html><body><div id="root"></div><script src="/static/js/main.3f2a.js"></script>'
        "</body></html>"
    )
    assert needs_rendering(spa)
    shell = "<html><body><p>Loading</p>" + '<script src="/a.js"></script>' * 3 + "</body></html>"
    assert needs_rendering(shell)
    words = " ".join(["word"] * 400)
    rich = f"<html><body><p>{words}</p><script>x()</script><script>y()</script></body></html>"
    assert not needs_rendering(rich)
    assert not needs_rendering("<html><body><p>Short page, no scripts.</p></body></html>")
    assert not needs_rendering("")
    data_only = (
        "<html><body><p>Short page.</p>" + '<script type="application/ld+json">{}</script>' * 5
    ) + "</body></html>"
    assert not needs_rendering(data_only)
    hinted = (
        "<html><body><noscript>You need to enable JavaScript to run this app.</noscript>"
        "<main></main><script src='/app.js'></script></body></html>"
    )
    assert needs_rendering(hinted)
