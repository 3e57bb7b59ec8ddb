"""The fetcher against generated business sites: every style arrives whole and decoded."""

from __future__ import annotations

import asyncio

from enrichment_pipeline.core.web import FetchConfig, Fetcher
from enrichment_pipeline_tests.fixtures.web import STYLES, render_site
from enrichment_pipeline_tests.fixtures.web.plugin import SessionWeb


def test_every_style_is_fetched_with_its_contact_data(
    fixture_web: SessionWeb, web_config: FetchConfig
) -> None:
    by_style = {}
    for business in fixture_web.generated:
        if business.has_live_site and business.style not in by_style:
            by_style[business.style] = business
    assert set(by_style) == set(STYLES)

    async def run() -> dict[str, tuple[object, dict]]:
        async with Fetcher(web_config) as fetcher:
            out = {}
            for style, business in by_style.items():
                pages = render_site(business)
                path = next(p for p, page in pages.items() if page.truth and page.truth.phones)
                # Ask for the non-canonical host over https: a www redirect must be followed.
                other = next(h for h in business.hosts if h != business.canonical_host)
                result = await fetcher.fetch(f"https://{other}{path}")
                out[style] = (result, pages[path])
            return out

    for style, (result, page) in asyncio.run(run()).items():
        assert result.ok, (style, result.error_kind, result.error)
        assert result.final_url.split("://", 1)[1].startswith(by_style[style].canonical_host)
        assert result.status == 200
        assert result.text == page.body_bytes().decode("utf-8")
