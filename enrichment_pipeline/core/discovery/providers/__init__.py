"""Search providers for website discovery; each is optional and configured by environment."""

from __future__ import annotations

from urllib.parse import urlsplit

from enrichment_pipeline.core.discovery.providers.base import (
    RateLimit,
    SearchHit,
    SearchProvider,
    SearchResponse,
)
from enrichment_pipeline.core.discovery.providers.brave import BRAVE_URL, BraveProvider
from enrichment_pipeline.core.discovery.providers.google import GOOGLE_URL, GoogleProvider
from enrichment_pipeline.core.discovery.providers.searxng import SearxngProvider


def providers_from_settings(
    searxng_url: str | None,
    brave_api_key: str | None,
    google_api_key: str | None,
    google_cse_id: str | None,
    *,
    brave_min_interval_s: float = 1.0,
) -> list[SearchProvider]:
    """The configured providers, in the order they are asked: SearXNG, Brave, Google.

    A provider is configured when its settings are non-empty. No providers is a valid
    configuration (CSV column and domain guessing only). Raises `ValueError` for a half or
    malformed configuration (a SearXNG URL that is not http(s), a Google key without an engine
    id or the reverse): a mistake should stop the run, not silently skip a provider.
    `brave_min_interval_s` spaces Brave calls (its free plan allows one query per second).
    """
    searxng_url = (searxng_url or "").strip()
    brave_api_key = (brave_api_key or "").strip()
    google_api_key = (google_api_key or "").strip()
    google_cse_id = (google_cse_id or "").strip()
    providers: list[SearchProvider] = []
    if searxng_url:
        parts = urlsplit(searxng_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"SEARXNG_URL must be an http(s) URL, got {searxng_url!r}")
        providers.append(SearxngProvider(searxng_url))
    if brave_api_key:
        providers.append(BraveProvider(brave_api_key, min_interval_s=brave_min_interval_s))
    if bool(google_api_key) != bool(google_cse_id):
        missing = "GOOGLE_CSE_ID" if google_api_key else "GOOGLE_API_KEY"
        raise ValueError(f"Google Programmable Search needs both keys: {missing} is not set")
    if google_api_key:
        providers.append(GoogleProvider(google_api_key, google_cse_id))
    return providers


__all__ = [
    "BRAVE_URL",
    "GOOGLE_URL",
    "BraveProvider",
    "GoogleProvider",
    "RateLimit",
    "SearchHit",
    "SearchProvider",
    "SearchResponse",
    "SearxngProvider",
    "providers_from_settings",
]
