"""Brave Search API (`GET https://api.search.brave.com/res/v1/web/search`, `BRAVE_API_KEY`).

The key goes in the `X-Subscription-Token` header. Documented answer: `{"type": "search",
"query": {...}, "web": {"type": "search", "results": [{"title", "url", "description",
"meta_url": {...}, "profile": {...}, ...}]}, ...}`; `web` is absent when nothing matched.
Errors: `{"type": "ErrorResponse", "error": {"status", "code", "detail", ...}}`. Titles and
descriptions carry `<strong>` highlighting unless `text_decorations=false`.
"""

from __future__ import annotations

import html
import re
from typing import Any

from enrichment_pipeline.core.discovery.providers.base import (
    SearchHit,
    SearchProvider,
    error_message,
    text_field,
)
from enrichment_pipeline.core.web import JsonResult

BRAVE_URL = "https://api.search.brave.com/res/v1/web/search"
_TAGS = re.compile(r"<[^>]+>")


class BraveProvider(SearchProvider):
    """Brave's web search (`BRAVE_API_KEY`). The free plan allows one query per second."""

    name = "brave"

    def __init__(
        self,
        api_key: str,
        *,
        url: str = BRAVE_URL,
        country: str = "us",
        min_interval_s: float = 1.0,
        **options: Any,
    ) -> None:
        super().__init__(min_interval_s=min_interval_s, **options)
        self.api_key = api_key
        self.url = url
        self.country = country

    def request(self, query: str, count: int) -> tuple[str, dict[str, str], dict[str, str]]:
        params = {
            "q": query,
            "count": str(max(1, min(count, 20))),  # the API's maximum is 20
            "country": self.country,
            "search_lang": "en",
            "safesearch": "off",
            "text_decorations": "false",
        }
        return self.url, params, {"X-Subscription-Token": self.api_key}

    def parse(self, data: Any) -> list[SearchHit]:
        if not isinstance(data, dict) or data.get("type") not in ("search", None):
            raise ValueError(f"not a web search answer (type {data.get('type')!r})")
        web = data.get("web") or {}
        results = web.get("results") if isinstance(web, dict) else None
        if results is None:
            return []
        if not isinstance(results, list):
            raise ValueError("'web.results' is not a list")
        hits = []
        for item in results:
            if isinstance(item, dict) and (url := text_field(item, "url")):
                hits.append(
                    SearchHit(
                        url,
                        _plain(text_field(item, "title")),
                        _plain(text_field(item, "description")),
                        len(hits) + 1,
                    )
                )
        return hits[: self.max_results]

    def describe_error(self, result: JsonResult) -> str:
        detail = error_message(result.data, "error", "detail")
        code = error_message(result.data, "error", "code")
        if detail:
            return f"{result.error or result.error_kind} ({code or 'error'}: {detail})"
        return super().describe_error(result)


def _plain(text: str) -> str:
    return html.unescape(_TAGS.sub("", text))
