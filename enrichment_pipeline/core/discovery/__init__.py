"""Website discovery: find and verify each business's official site, with confidence and evidence.

async with Fetcher(config, PageCache(paths.cache_db)) as fetcher:
    matches = await find_websites(
        records, fetcher=fetcher, providers=providers_from_settings(...),
        cache=MatchCache(paths.cache_db),
    )
"""

from enrichment_pipeline.core.discovery.cache import MatchCache
from enrichment_pipeline.core.discovery.finder import find_websites
from enrichment_pipeline.core.discovery.models import (
    SOURCES,
    STATUSES,
    MatchConfig,
    MatchInput,
    WebsiteMatch,
)
from enrichment_pipeline.core.discovery.providers import (
    BraveProvider,
    GoogleProvider,
    SearchHit,
    SearchProvider,
    SearchResponse,
    SearxngProvider,
    providers_from_settings,
)
from enrichment_pipeline.core.discovery.scoring import Weights

__all__ = [
    "SOURCES",
    "STATUSES",
    "BraveProvider",
    "GoogleProvider",
    "MatchCache",
    "MatchConfig",
    "MatchInput",
    "SearchHit",
    "SearchProvider",
    "SearchResponse",
    "SearxngProvider",
    "WebsiteMatch",
    "Weights",
    "find_websites",
    "providers_from_settings",
]
