"""Configuration of the web client: limits, timeouts, identity, host map, browser.

Everything has a default that is polite and safe for crawling small-business sites; the few knobs an
operator needs are also read from the environment by `FetchConfig.from_env`.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yarl

from enrichment_pipeline.core.env_fields import EnvFields, read_env_fields

HOST_MAP_ENV = "ENRICH_HOST_MAP"
CHROMIUM_ENV = "ENRICH_CHROMIUM"
SYSTEM_CHROMIUM = "/usr/bin/chromium"

DEFAULT_USER_AGENT = (
    "EnrichmentPipelineBot/0.1 (+https://github.com/enrichment-pipeline/enrichment-pipeline)"
)

# Environment knobs beyond the design's table: name -> (field, type). Kept few on purpose.
_ENV_FIELDS: EnvFields = {
    "ENRICH_FETCH_CONCURRENCY": ("concurrency", int),
    "ENRICH_FETCH_PER_HOST": ("per_host", int),
    "ENRICH_FETCH_HOST_DELAY_S": ("host_delay_s", float),
    "ENRICH_USER_AGENT": ("user_agent", str),
    "ENRICH_ROBOTS_TOKEN": ("robots_token", str),
}


@dataclass(frozen=True)
class FetchConfig:
    """Limits, timeouts and identity of one `Fetcher`. Immutable; build variants with `replace`."""

    concurrency: int = 64  # global requests in flight
    per_host: int = 2  # in flight per host
    host_delay_s: float = 0.5  # min spacing between request starts to one host
    max_crawl_delay_s: float = 10.0  # cap on robots Crawl-delay
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 20.0
    page_timeout_s: float = 30.0
    retries: int = 3
    backoff_base_s: float = 0.5
    max_retry_after_s: float = 30.0
    max_bytes: int = 3_000_000  # decoded-body cap
    max_redirects: int = 5
    user_agent: str = DEFAULT_USER_AGENT
    robots_token: str = "EnrichmentPipelineBot"
    robots_ttl_s: float = 86_400
    cache_ttl_s: float = 30 * 86_400
    host_map: Mapping[str, str] | None = None  # ENRICH_HOST_MAP contents
    chromium_path: str | None = None  # ENRICH_CHROMIUM, else /usr/bin/chromium, else Playwright's
    # Pages rendered at once. A render mostly waits (its scripts and data come through our
    # fetcher, politely, then the page must go quiet), so 8 overlap well; measured on 60
    # script-built pages: 2 -> 23.3 s, 8 -> 11.4 s, at ~0.15-0.3 CPU-s per render either way.
    render_pool: int = 16
    render_timeout_s: float = 15.0
    # Before rendering, read the same-site JSON endpoints the page's scripts request; when they
    # carry contact data the browser is not started for the page (see `data_endpoints`).
    read_data_endpoints: bool = True
    # Beyond the published interface (all optional):
    # Operator-configured origins (e.g. a self-hosted SearXNG on localhost) that `fetch_json` may
    # reach even when they are private addresses. Never used for page fetches.
    trusted_origins: tuple[str, ...] = ()
    # Transport under the httpx API: "aiohttp" (measured 6-9x less CPU per page) or "httpcore"
    # (httpx's default; kept for the benchmark's comparison).
    transport: str = "aiohttp"
    # Outcomes that may change soon (timeouts, 5xx, 429...) are served from the cache this long.
    transient_ttl_s: float = 3_600
    # ...but only when cached at or after this time (epoch seconds). The pipeline sets it to the
    # run's start: one run does not hammer a failing host twice, and the next run retries it.
    transient_since: float = 0.0
    # The robots.txt body is parsed up to this many bytes (RFC 9309 requires at least 500 KiB).
    robots_max_bytes: int = 512_000
    # JSON API bodies are capped separately from pages.
    max_json_bytes: int = 5_000_000
    extra_headers: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.concurrency < 1 or self.per_host < 1 or self.render_pool < 1:
            raise ValueError("concurrency, per_host and render_pool must be >= 1")
        if self.max_redirects < 0 or self.retries < 0:
            raise ValueError("max_redirects and retries must be >= 0")
        if self.transport not in ("aiohttp", "httpcore"):
            raise ValueError(f"unknown transport {self.transport!r}")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> FetchConfig:
        """Build a config from the environment (`ENRICH_HOST_MAP`, `ENRICH_CHROMIUM`, ...).

        Keyword overrides win over the environment. A malformed value raises `ValueError` naming
        the variable: configuration mistakes should stop a run before it starts.
        """
        env = os.environ if env is None else env
        values = read_env_fields(env, _ENV_FIELDS)
        values["host_map"] = load_host_map(env)
        values["chromium_path"] = env.get(CHROMIUM_ENV) or None
        searx = env.get("SEARXNG_URL", "").strip()
        if searx:
            values["trusted_origins"] = (origin_of(searx),)
        values.update(overrides)
        return cls(**values)

    def replace(self, **changes: Any) -> FetchConfig:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    def resolved_chromium(self) -> str | None:
        """The browser to launch: configured, else the system one, else None (Playwright's)."""
        if self.chromium_path:
            return self.chromium_path
        if Path(SYSTEM_CHROMIUM).exists():
            return SYSTEM_CHROMIUM
        return None


def origin_of(url: str) -> str:
    """`scheme://host:port` of a URL, lowercase, with the port always explicit."""
    parsed = yarl.URL(url)
    if parsed.scheme not in ("http", "https") or not parsed.raw_host:
        raise ValueError(f"not an http(s) URL: {url!r}")
    return f"{parsed.scheme}://{parsed.raw_host.lower()}:{parsed.port}"


def load_host_map(env: Mapping[str, str] | None = None) -> dict[str, str] | None:
    """Read `ENRICH_HOST_MAP`: a JSON file (or inline JSON object) of `{"host": "http://127.0.0.1:PORT"}`.

    Returns None when the variable is unset or empty (the real web). Hosts are lowercased; every
    origin must be plain http with an explicit host and port. Raises `ValueError` on a bad map.
    """
    env = os.environ if env is None else env
    raw = (env.get(HOST_MAP_ENV) or "").strip()
    if not raw:
        return None
    if raw.startswith("{"):
        text = raw
    else:
        path = Path(raw).expanduser()
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ValueError(f"{HOST_MAP_ENV}: cannot read {path}: {exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{HOST_MAP_ENV}: not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError(f"{HOST_MAP_ENV}: expected a JSON object of host -> origin")
    return validate_host_map(data)


def validate_host_map(data: Mapping[str, Any]) -> dict[str, str]:
    """Normalise and check a host map; see `load_host_map`."""
    result: dict[str, str] = {}
    for host, origin in data.items():
        if not isinstance(host, str) or not isinstance(origin, str) or not host.strip():
            raise ValueError(f"{HOST_MAP_ENV}: bad entry {host!r}: {origin!r}")
        parsed = yarl.URL(origin)
        if parsed.scheme != "http" or not parsed.raw_host or parsed.explicit_port is None:
            raise ValueError(
                f"{HOST_MAP_ENV}: origin for {host!r} must look like http://127.0.0.1:PORT, "
                f"got {origin!r}"
            )
        result[host.strip().lower().rstrip(".")] = f"http://{parsed.raw_host}:{parsed.port}"
    return result
