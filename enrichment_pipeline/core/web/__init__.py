"""Web access layer: the polite, safe, cached async fetcher every stage reads the web through.

async with Fetcher(FetchConfig.from_env(), PageCache(paths.cache_db)) as fetcher:
    page = await fetcher.fetch("https://example.com/contact", render="auto")
    if page.ok: ...  # page.text, page.final_url; else page.error_kind, page.error
"""

from __future__ import annotations

from enrichment_pipeline.core.web.config import FetchConfig, load_host_map
from enrichment_pipeline.core.web.fetcher import Fetcher
from enrichment_pipeline.core.web.page_cache import PageCache
from enrichment_pipeline.core.web.rendering import needs_rendering
from enrichment_pipeline.core.web.result import (
    ERROR_KINDS,
    FetchResult,
    FetchStats,
    JsonResult,
)

__all__ = [
    "ERROR_KINDS",
    "FetchConfig",
    "FetchResult",
    "FetchStats",
    "Fetcher",
    "JsonResult",
    "PageCache",
    "load_host_map",
    "needs_rendering",
]
