"""Contact extraction: plain functions over HTML + URL, and the site scraper built on them.

Public API:
- `extract_page(html, url, region="US") -> PageExtraction` (pure, fast)
- `to_cli_json(extraction)`, `extract_file(path, url)` for the `extract` CLI command
- `choose_pages(home_url, links, limit=6)` picks the pages worth visiting
- `await scrape_site(fetcher, website, max_pages=6, region="US") -> SiteContacts`
"""

from __future__ import annotations

from enrichment_pipeline.core.extract.cli_output import decode_html, extract_file, to_cli_json
from enrichment_pipeline.core.extract.models import (
    SOCIAL_PLATFORMS,
    FoundEmail,
    FoundFact,
    FoundPerson,
    FoundPhone,
    PageExtraction,
)
from enrichment_pipeline.core.extract.page import extract_page
from enrichment_pipeline.core.extract.pages import choose_pages
from enrichment_pipeline.core.extract.site import SiteContacts, choose_primary_email, scrape_site

__all__ = [
    "SOCIAL_PLATFORMS",
    "FoundEmail",
    "FoundFact",
    "FoundPerson",
    "FoundPhone",
    "PageExtraction",
    "SiteContacts",
    "choose_pages",
    "choose_primary_email",
    "decode_html",
    "extract_file",
    "extract_page",
    "scrape_site",
    "to_cli_json",
]
