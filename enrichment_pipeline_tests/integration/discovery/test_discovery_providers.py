"""The three search providers against loopback servers speaking their documented formats."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from enrichment_pipeline.core.discovery import (
    BraveProvider,
    GoogleProvider,
    SearchProvider,
    SearxngProvider,
    providers_from_settings,
)
from enrichment_pipeline.core.web import Fetcher
from enrichment_pipeline_tests.fixtures.search import (
    BRAVE_HOST,
    GOOGLE_CX,
    GOOGLE_KEY,
    SEARXNG_HOST,
    SearxngApi,
)
from enrichment_pipeline_tests.fixtures.web.plugin import fetch_config_for
from enrichment_pipeline_tests.integration.discovery.conftest import DiscoveryWeb


def providers_for(dweb: DiscoveryWeb, **brave: object) -> list[SearchProvider]:
    settings = dweb.apis.settings()
    return [
        SearxngProvider(settings["searxng_url"]),
        BraveProvider(settings["brave_api_key"], min_interval_s=0.0, **brave),
        GoogleProvider(settings["google_api_key"], settings["google_cse_id"]),
    ]


def run(coro):
    return asyncio.run(coro)


async def _search_all(dweb: DiscoveryWeb, providers: list[SearchProvider], query: str, **cfg):
    async with Fetcher(fetch_config_for(dweb.web, **cfg)) as fetcher:
        return [await p.search(query, fetcher) for p in providers]


def test_each_provider_returns_the_engines_ranking(dweb: DiscoveryWeb) -> None:
    case = next(c for c in dweb.world.cases if c.scenario == "search_only")
    query = f"{case.business.name} {case.business.city} FL"
    for response, provider in zip(
        run(_search_all(dweb, providers_for(dweb), query)),
        ("searxng", "brave", "google"),
        strict=True,
    ):
        assert response.ok, response.error
        assert response.provider == provider
        docs = dweb.world.index.search(provider, query, 10)
        assert docs, "the query must have results"
        assert [h.url for h in response.hits] == [d.url for d in docs]
        assert [h.title for h in response.hits] == [d.title for d in docs]  # no <strong> tags
        assert [h.rank for h in response.hits] == list(range(1, len(docs) + 1))


def test_nothing_found_is_an_empty_answer_not_an_error(dweb: DiscoveryWeb) -> None:
    responses = run(_search_all(dweb, providers_for(dweb), "qqqzzz xxyyww"))
    assert [(r.ok, r.hits) for r in responses] == [(True, [])] * 3


def test_refused_keys_are_reported_and_then_not_retried(dweb: DiscoveryWeb) -> None:
    brave = BraveProvider("wrong-key", min_interval_s=0.0, disable_after=2)
    google = GoogleProvider("wrong-key", GOOGLE_CX, disable_after=2)
    wrong_engine = GoogleProvider(GOOGLE_KEY, "no-such-engine")
    before = (dweb.apis.brave.requests, dweb.apis.google.requests)
    responses = run(_search_all(dweb, [brave, google, wrong_engine, brave, google, brave], "ford"))
    assert "SUBSCRIPTION_TOKEN_INVALID" in (responses[0].error or "")
    assert "API key not valid" in (responses[1].error or "")
    assert "invalid argument" in (responses[2].error or "")
    assert responses[5].error_kind == "disabled" and brave.disabled is not None
    # Two calls each reached the servers (plus the wrong engine's); the third Brave call did not.
    assert dweb.apis.brave.requests - before[0] == 2
    assert dweb.apis.google.requests - before[1] == 3


def test_searxng_without_the_json_format_says_how_to_fix_it(dweb: DiscoveryWeb) -> None:
    host = "searxng-nojson.fixture.test"
    dweb.web.add_fault_host(host, SearxngApi(index=dweb.world.index, formats=("html",)))
    responses = run(_search_all(dweb, [SearxngProvider(f"http://{host}/")], "ford"))
    assert responses[0].error_kind == "http_4xx"
    assert "settings.yml" in (responses[0].error or "")


def test_rate_limit_with_retry_after_is_waited_out(dweb: DiscoveryWeb) -> None:
    dweb.apis.brave.fail_next(1, 429, retry_after="1")
    before = dweb.apis.brave.requests
    started = time.monotonic()
    (response,) = run(_search_all(dweb, providers_for(dweb)[1:2], "Ford Ocala"))
    assert response.ok, response.error
    assert dweb.apis.brave.requests - before == 2
    assert time.monotonic() - started >= 0.9


def test_spent_quota_is_an_error_with_the_providers_message(dweb: DiscoveryWeb) -> None:
    dweb.apis.google.fail_next(5, 429)
    (response,) = run(_search_all(dweb, providers_for(dweb)[2:], "Ford Ocala", retries=1))
    assert response.error_kind == "http_429"
    assert "RESOURCE_EXHAUSTED" in (response.error or "")


@pytest.mark.parametrize("which", ["searxng", "brave", "google"])
def test_a_body_that_is_not_json_is_an_error(dweb: DiscoveryWeb, which: str) -> None:
    getattr(dweb.apis, which).broken_json = True
    provider = {p.name: p for p in providers_for(dweb)}[which]
    (response,) = run(_search_all(dweb, [provider], "Ford Ocala"))
    assert response.error_kind == "bad_json"


def test_brave_calls_are_spaced_by_the_configured_interval(dweb: DiscoveryWeb) -> None:
    brave = BraveProvider(dweb.apis.brave.api_key, min_interval_s=0.25)

    async def burst() -> None:
        async with Fetcher(fetch_config_for(dweb.web)) as fetcher:
            await asyncio.gather(*(brave.search(f"ford {i}", fetcher) for i in range(4)))

    dweb.web.clear_log()
    run(burst())
    starts = sorted(e.start for e in dweb.web.requests_for(BRAVE_HOST))
    assert len(starts) == 4
    assert all(b - a >= 0.23 for a, b in itertools.pairwise(starts)), starts


def test_providers_from_settings() -> None:
    assert providers_from_settings(None, None, None, None) == []
    providers = providers_from_settings(f"http://{SEARXNG_HOST}", "k", "g", "cx")
    assert [p.name for p in providers] == ["searxng", "brave", "google"]
    assert [p.name for p in providers_from_settings("", " ", None, "")] == []
    with pytest.raises(ValueError, match="GOOGLE_CSE_ID"):
        providers_from_settings(None, None, "key", None)
    with pytest.raises(ValueError, match="GOOGLE_API_KEY"):
        providers_from_settings(None, None, "", "cx")
    with pytest.raises(ValueError, match="SEARXNG_URL"):
        providers_from_settings("searxng.local:8080", None, None, None)
