"""Google Programmable Search (Custom Search JSON API, `GOOGLE_API_KEY` + `GOOGLE_CSE_ID`).

`GET https://www.googleapis.com/customsearch/v1?key=...&cx=...&q=...&num=...` (num <= 10).
Documented answer: `{"kind": "customsearch#search", "queries": {...}, "searchInformation":
{...}, "items": [{"kind": "customsearch#result", "title", "link", "displayLink", "snippet",
...}]}`; `items` is absent when nothing matched. Errors: `{"error": {"code", "message",
"errors": [{"reason", ...}], "status"}}` (429 / RESOURCE_EXHAUSTED when the daily quota is spent).
"""

from __future__ import annotations

from typing import Any

from enrichment_pipeline.core.discovery.providers.base import (
    SearchHit,
    SearchProvider,
    error_message,
    text_field,
)
from enrichment_pipeline.core.web import JsonResult

GOOGLE_URL = "https://www.googleapis.com/customsearch/v1"


class GoogleProvider(SearchProvider):
    """A Programmable Search Engine searched through the Custom Search JSON API."""

    name = "google"

    def __init__(
        self,
        api_key: str,
        cse_id: str,
        *,
        url: str = GOOGLE_URL,
        country: str = "us",
        **options: Any,
    ) -> None:
        options.setdefault("max_results", 10)
        super().__init__(**options)
        self.api_key = api_key
        self.cse_id = cse_id
        self.url = url
        self.country = country

    def request(self, query: str, count: int) -> tuple[str, dict[str, str], dict[str, str]]:
        params = {
            "key": self.api_key,
            "cx": self.cse_id,
            "q": query,
            "num": str(max(1, min(count, 10))),  # the API refuses more than 10
            "gl": self.country,
            "safe": "off",
        }
        return self.url, params, {}

    def parse(self, data: Any) -> list[SearchHit]:
        if not isinstance(data, dict) or data.get("kind", "customsearch#search") != (
            "customsearch#search"
        ):
            raise ValueError("not a customsearch#search answer")
        items = data.get("items")
        if items is None:
            return []
        if not isinstance(items, list):
            raise ValueError("'items' is not a list")
        hits = []
        for item in items:
            if isinstance(item, dict) and (url := text_field(item, "link")):
                hits.append(
                    SearchHit(
                        url, text_field(item, "title"), text_field(item, "snippet"), len(hits) + 1
                    )
                )
        return hits[: self.max_results]

    def describe_error(self, result: JsonResult) -> str:
        message = error_message(result.data, "error", "message")
        status = error_message(result.data, "error", "status")
        if message:
            return f"{result.error or result.error_kind} ({status or 'error'}: {message})"
        return super().describe_error(result)
