"""fetch_json: JSON APIs through the same guard, host map and retries; no robots, no cache."""

from __future__ import annotations

import asyncio
import json

from enrichment_pipeline.core.web import Fetcher, JsonResult
from enrichment_pipeline_tests.fixtures.web import FixturePage
from enrichment_pipeline_tests.fixtures.web.faults import FlakyThenOK
from enrichment_pipeline_tests.fixtures.web.plugin import SessionWeb, fetch_config_for


def call(web: SessionWeb, url: str, **kwargs: object) -> JsonResult:
    config = fetch_config_for(web, backoff_base_s=0.02, **kwargs.pop("config", {}))  # type: ignore[arg-type]

    async def go() -> JsonResult:
        async with Fetcher(config) as fetcher:
            return await fetcher.fetch_json(url, **kwargs)  # type: ignore[arg-type]

    return asyncio.run(go())


def test_json_api_with_params_and_headers(fixture_web: SessionWeb) -> None:
    payload = {"results": [{"url": "https://a.example/", "title": "A"}]}
    fixture_web.add_site(
        "api.search.test", {"/search": FixturePage(json.dumps(payload), "application/json")}
    )
    result = call(
        fixture_web,
        "https://api.search.test/search",
        params={"q": "Sunshine Ford Ocala", "format": "json"},
        headers={"X-Subscription-Token": "secret"},
    )
    assert result.ok and result.status == 200 and result.data == payload
    hit = fixture_web.requests_for("api.search.test")[-1]
    assert hit.path == "/search"
    assert not fixture_web.requests_for("api.search.test", "/robots.txt")  # APIs are not crawled


def test_json_errors_are_values(fixture_web: SessionWeb) -> None:
    fixture_web.add_site(
        "bad.search.test",
        {
            "/html": FixturePage("<html>oops</html>", "application/json"),
            "/limited": FixturePage('{"error": "quota"}', "application/json", status=429),
        },
    )
    bad = call(fixture_web, "https://bad.search.test/html")
    assert bad.error_kind == "bad_json" and bad.data is None
    limited = call(fixture_web, "https://bad.search.test/limited", config={"retries": 1})
    assert limited.error_kind == "http_429" and limited.data == {"error": "quota"}
    assert len(fixture_web.requests_for("bad.search.test", "/limited")) == 2
    fixture_web.add_fault_host("flaky.search.test", FlakyThenOK(failures=1, status=500))
    flaky = call(fixture_web, "https://flaky.search.test/")
    assert flaky.ok is False and flaky.error_kind == "bad_json"  # recovered, but the page is HTML
    assert len(fixture_web.requests_for("flaky.search.test", "/")) == 2


def test_private_api_origins_need_to_be_trusted(fixture_web: SessionWeb) -> None:
    fixture_web.add_site("x.test", {"/": FixturePage("{}", "application/json")})
    local = f"http://127.0.0.1:{fixture_web.port}/__fixture/health"
    refused = call(fixture_web, local)
    assert refused.error_kind == "blocked_address"
    trusted = call(
        fixture_web, local, config={"trusted_origins": (f"http://127.0.0.1:{fixture_web.port}",)}
    )
    assert trusted.ok and trusted.data == {"ok": True, "port": fixture_web.port}
    assert call(fixture_web, "ftp://x.test/").error_kind == "bad_url"
