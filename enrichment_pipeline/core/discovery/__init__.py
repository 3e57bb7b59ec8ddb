"""Website discovery: find and verify each business's official site."""

from enrichment_pipeline.core.discovery.finder import find_websites
from enrichment_pipeline.core.discovery.models import MatchConfig, MatchInput, WebsiteMatch

__all__ = ["MatchConfig", "MatchInput", "WebsiteMatch", "find_websites"]
