"""The browser path with the real system Chromium against the JavaScript-rendered fixture site."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from enrichment_pipeline.core.web import FetchConfig, Fetcher, FetchResult, PageCache
from enrichment_pipeline_tests.fixtures.web import (
    Business,
    FixturePage,
    FixtureWeb,
    generate_businesses,
    render_site,
)
from enrichment_pipeline_tests.fixtures.web.styles.base import text_page

CHROMIUM = FetchConfig().resolved_chromium()
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None or not Path(CHROMIUM).exists(),
        reason="needs Chromium (apt-get install chromium, or set ENRICH_CHROMIUM)",
    ),
]


def js_business() -> Business:
    return next(
        b for b in generate_businesses(120, seed=77) if b.style == "jsrendered" and b.has_live_site
    )


HOSTILE = """<!DOCTYPE html><html><head><title>Hostile</title></head><body>
<h1>Contact</h1><div id="out">waiting</div>
<img src="http://169.254.169.254/latest/meta-data/iam.png">
<iframe src="https://maps.example/embed"></iframe>
<script src="/private/secret.js"></script>
<script>
  const port = PORT;
  fetch('http://127.0.0.1:' + port + '/leak').catch(() => {});
  fetch('http://localhost:' + port + '/leak').catch(() => {});
  fetch('http://[::1]:' + port + '/leak').catch(() => {});
  try { new WebSocket('ws://127.0.0.1:' + port + '/ws'); } catch (e) {}
  fetch('/api/data.json').then(r => r.json()).then(d => {
    document.getElementById('out').textContent = d.phone;
  });
  setTimeout(() => { window.location.href = 'file:///etc/passwd'; }, 50);
</script></body></html>"""


def render(
    web: FixtureWeb, url: str, mode: str, cache: PageCache | None = None, **overrides: object
) -> tuple[FetchResult, Fetcher]:
    # These tests are about Chromium: the cheaper data-endpoint path is off unless asked for.
    overrides.setdefault("read_data_endpoints", False)
    config = FetchConfig(host_map=web.host_map, host_delay_s=0.0, **overrides)  # type: ignore[arg-type]

    async def go() -> tuple[FetchResult, Fetcher]:
        async with Fetcher(config, cache) as fetcher:
            return await fetcher.fetch(url, render=mode), fetcher  # type: ignore[arg-type]

    return asyncio.run(go())


def test_script_built_contact_page_is_rendered_with_its_contact_data(tmp_path: Path) -> None:
    business = js_business()
    truth = render_site(business)["/contact"].truth
    assert truth is not None and truth.emails and truth.people
    with FixtureWeb() as web:
        web.add_business(business)
        url = f"{business.website}contact"
        static, _ = render(web, url, "never")
        assert static.ok and not static.rendered
        assert not any(address in static.text for address in truth.emails)

        with PageCache(tmp_path / "cache.sqlite3") as cache:
            rendered, fetcher = render(web, url, "auto", cache)
            assert rendered.ok and rendered.rendered, rendered.error
            for address in truth.emails:
                assert address in rendered.text
            for name, _title in truth.people:
                assert name.replace("'", "&#x27;") in rendered.text or name in rendered.text
            assert fetcher.stats.rendered_pages == 1
            # The document was fetched once (statically); the browser was served our copy.
            assert len(web.requests_for(business.canonical_host or "", "/contact")) == 2
            api_hits = web.requests_for(business.canonical_host or "", "/api/site-data.json")
            assert len(api_hits) == 1

            before = len(web.log)
            again, fetcher = render(web, url, "auto", cache)
            assert again.from_cache and again.rendered and again.text == rendered.text
            assert len(web.log) == before and fetcher.stats.network_requests == 0


def test_auto_leaves_static_pages_alone_and_always_renders_them() -> None:
    business = next(
        b for b in generate_businesses(40, seed=78) if b.style == "wordpress" and b.has_live_site
    )
    with FixtureWeb() as web:
        web.add_business(business)
        plain, fetcher = render(web, f"{business.website}contact/", "auto")
        assert plain.ok and not plain.rendered and fetcher.stats.rendered_pages == 0
        forced, fetcher = render(web, f"{business.website}contact/", "always")
        assert forced.ok and forced.rendered and fetcher.stats.rendered_pages == 1
        assert business.name.split(" ")[0] in forced.text


def test_the_browser_cannot_reach_anything_the_fetcher_would_refuse() -> None:
    site = {
        "/robots.txt": text_page("User-agent: *\nDisallow: /private/\n"),
        "/api/data.json": FixturePage('{"phone": "(352) 555-0147"}', "application/json"),
        "/private/secret.js": FixturePage("window.secret = 1;", "application/javascript"),
    }
    with FixtureWeb() as web:
        site["/"] = FixturePage(HOSTILE.replace("PORT", str(web.port)))
        web.add_site("hostile.example", site)
        result, _ = render(web, "https://hostile.example/", "always")
        log = list(web.log)
    assert result.ok and result.rendered, result.error
    assert "(352) 555-0147" in result.text  # the allowed same-site fetch worked
    assert result.final_url == "https://hostile.example/"  # no navigation to file://
    assert {e.host for e in log} == {"hostile.example"}  # nothing else was ever contacted
    assert {e.path for e in log} == {
        "/robots.txt",
        "/",
        "/api/data.json",
    }  # robots kept out secret.js


def test_a_missing_browser_is_an_outcome_not_a_crash() -> None:
    business = js_business()
    with FixtureWeb() as web:
        web.add_business(business)
        url = f"{business.website}contact"
        always, _ = render(web, url, "always", chromium_path="/nonexistent/chromium")
        assert always.error_kind == "browser" and "Chromium" in (always.error or "")
        auto, fetcher = render(web, url, "auto", chromium_path="/nonexistent/chromium")
        assert auto.ok and not auto.rendered  # the static page is still returned
        assert fetcher.stats.errors["browser"] == 1


def test_rendering_works_with_a_host_map_of_20000_hosts() -> None:
    # A 10,000-business upload maps ~19,000 hosts; listing them for Chromium's resolver made its
    # command line too long to start (every render failed). The browser needs no host rules:
    # every request it makes is answered by the fetcher, which applies the host map.
    business = js_business()
    truth = render_site(business)["/contact"].truth
    assert truth is not None
    with FixtureWeb() as web:
        web.add_business(business)
        many = {f"site{i:05d}.example": web.origin for i in range(20_000)}
        url = f"{business.website}contact"
        config = FetchConfig(
            host_map={**many, **web.host_map}, host_delay_s=0.0, read_data_endpoints=False
        )

        async def go() -> FetchResult:
            async with Fetcher(config) as fetcher:
                return await fetcher.fetch(url, render="always")

        rendered = asyncio.run(go())
    assert rendered.ok and rendered.rendered, rendered.error
    assert all(address in rendered.text for address in truth.emails)


def test_a_shell_that_loads_its_contacts_as_json_is_read_without_the_browser() -> None:
    business = js_business()
    truth = render_site(business)["/contact"].truth
    assert truth is not None and truth.emails
    with FixtureWeb() as web:
        web.add_business(business)
        url = f"{business.website}contact"
        filled, fetcher = render(web, url, "auto", read_data_endpoints=True)
        host = business.canonical_host or ""
        assert filled.ok and filled.rendered, filled.error
        assert all(address in filled.text for address in truth.emails)
        assert 'data-loaded-from="' in filled.text
        assert fetcher.stats.rendered_pages == 0 and fetcher.stats.data_endpoint_pages == 1
        # The page, its script and the JSON it loads: one request each, nothing else.
        assert len(web.requests_for(host, "/contact")) == 1
        assert len(web.requests_for(host, "/static/js/contact.js")) == 1
        assert len(web.requests_for(host, "/api/site-data.json")) == 1


def test_a_shell_whose_data_has_no_contacts_is_still_rendered_scripts_fetched_once() -> None:
    shell = """<!DOCTYPE html><html><head><title>Shell</title></head><body>
<div id="app"></div><noscript>Please enable JavaScript.</noscript>
<script src="/static/app.js"></script></body></html>"""
    app = """fetch('/api/menu.json').then(r => r.json()).then(d => {
  document.getElementById('app').innerHTML = d.title + ' <a href="mailto:desk@shell.example">'
    + 'desk@shell.example</a>';
});"""
    site = {
        "/": FixturePage(shell),
        "/static/app.js": FixturePage(app, "application/javascript"),
        "/api/menu.json": FixturePage('{"title": "Our menu"}', "application/json"),
    }
    with FixtureWeb() as web:
        web.add_site("shell.example", site)
        result, fetcher = render(web, "https://shell.example/", "auto", read_data_endpoints=True)
        paths = [entry.path for entry in web.log]
    assert result.ok and result.rendered, result.error
    assert "desk@shell.example" in result.text  # only the browser could build this
    assert fetcher.stats.rendered_pages == 1 and fetcher.stats.data_endpoint_pages == 0
    # The browser was handed what the data pass had already read: no second request for either.
    assert paths.count("/static/app.js") == 1 and paths.count("/api/menu.json") == 1
