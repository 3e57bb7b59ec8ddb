"""SearXNG's JSON search API (`GET /search?q=...&format=json`), the self-hostable default.

Documented answer: `{"query", "number_of_results", "results": [{"url", "title", "content",
"engine", "engines", "score", "category", ...}], "answers", "corrections", "infoboxes",
"suggestions", "unresponsive_engines"}`. An instance answers 403 when the JSON format is not
enabled in its `settings.yml` (`search.formats`).
"""

from __future__ import annotations

from typing import Any

from enrichment_pipeline.core.discovery.providers.base import SearchHit, SearchProvider, text_field
from enrichment_pipeline.core.web import JsonResult


class SearxngProvider(SearchProvider):
    """A SearXNG instance (`SEARXNG_URL`)."""

    name = "searxng"

    def __init__(self, base_url: str, *, language: str = "en-US", **options: Any) -> None:
        super().__init__(**options)
        self.base_url = base_url.rstrip("/")
        self.language = language

    def request(self, query: str, count: int) -> tuple[str, dict[str, str], dict[str, str]]:
        # SearXNG has no result-count parameter: it returns its page (~10-30 hits); we cut it.
        params = {
            "q": query,
            "format": "json",
            "categories": "general",
            "language": self.language,
            "safesearch": "0",
            "pageno": "1",
        }
        return f"{self.base_url}/search", params, {}

    def parse(self, data: Any) -> list[SearchHit]:
        if not isinstance(data, dict) or not isinstance(data.get("results"), list):
            raise ValueError("no 'results' list in the SearXNG answer")
        hits = []
        for item in data["results"]:
            if not isinstance(item, dict):
                continue
            url = text_field(item, "url")
            if url:
                hits.append(
                    SearchHit(
                        url, text_field(item, "title"), text_field(item, "content"), len(hits) + 1
                    )
                )
            if len(hits) >= self.max_results:
                break
        return hits

    def describe_error(self, result: JsonResult) -> str:
        if result.status == 403:
            return (
                "HTTP 403 from SearXNG: enable the JSON format on the instance "
                "(settings.yml: search.formats: [html, json])"
            )
        return super().describe_error(result)
