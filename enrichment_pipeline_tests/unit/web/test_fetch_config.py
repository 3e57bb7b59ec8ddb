"""Configuration from the environment, and the host map file format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from enrichment_pipeline.core.web import FetchConfig, load_host_map


def test_defaults_are_the_documented_ones() -> None:
    config = FetchConfig()
    assert (config.concurrency, config.per_host, config.host_delay_s) == (64, 2, 0.5)
    assert config.max_bytes == 3_000_000 and config.max_redirects == 5
    assert config.robots_token in config.user_agent and "+https://" in config.user_agent
    assert config.robots_ttl_s <= 86_400


def test_host_map_from_a_file_and_inline(tmp_path: Path) -> None:
    path = tmp_path / "hosts.json"
    path.write_text(json.dumps({"WWW.Dealer.Example.": "http://127.0.0.1:8123"}))
    assert load_host_map({"ENRICH_HOST_MAP": str(path)}) == {
        "www.dealer.example": "http://127.0.0.1:8123"
    }
    inline = load_host_map({"ENRICH_HOST_MAP": '{"a.example": "http://127.0.0.1:9"}'})
    assert inline == {"a.example": "http://127.0.0.1:9"}
    assert load_host_map({}) is None and load_host_map({"ENRICH_HOST_MAP": " "}) is None


@pytest.mark.parametrize(
    "content",
    [
        '{"a.example": "https://127.0.0.1:9"}',
        '{"a.example": "http://127.0.0.1"}',
        "[1, 2]",
        "{not json",
        '{"a.example": 5}',
    ],
)
def test_bad_host_maps_are_refused_with_the_variable_named(tmp_path: Path, content: str) -> None:
    path = tmp_path / "hosts.json"
    path.write_text(content)
    with pytest.raises(ValueError, match="ENRICH_HOST_MAP"):
        load_host_map({"ENRICH_HOST_MAP": str(path)})
    with pytest.raises(ValueError, match="ENRICH_HOST_MAP"):
        load_host_map({"ENRICH_HOST_MAP": str(tmp_path / "missing.json")})


def test_from_env_reads_knobs_and_overrides_win() -> None:
    env = {
        "ENRICH_CHROMIUM": "/opt/chrome/chrome",
        "ENRICH_FETCH_CONCURRENCY": "16",
        "ENRICH_FETCH_HOST_DELAY_S": "1.5",
        "SEARXNG_URL": "http://127.0.0.1:8888/search",
    }
    config = FetchConfig.from_env(env, per_host=1)
    assert config.chromium_path == "/opt/chrome/chrome"
    assert config.resolved_chromium() == "/opt/chrome/chrome"
    assert (config.concurrency, config.host_delay_s, config.per_host) == (16, 1.5, 1)
    assert config.trusted_origins == ("http://127.0.0.1:8888",)
    with pytest.raises(ValueError, match="ENRICH_FETCH_CONCURRENCY"):
        FetchConfig.from_env({"ENRICH_FETCH_CONCURRENCY": "many"})
    with pytest.raises(ValueError):
        FetchConfig(concurrency=0)
