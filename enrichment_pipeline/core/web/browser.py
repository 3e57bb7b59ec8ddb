"""Browser rendering (Playwright + system Chromium). Placeholder until the renderer lands."""

from __future__ import annotations

from typing import Any

from enrichment_pipeline.core.web import result as kinds
from enrichment_pipeline.core.web.config import FetchConfig
from enrichment_pipeline.core.web.result import FetchResult


class BrowserRenderer:
    """Renders pages in Chromium; not wired yet, so every render reports a browser error."""

    def __init__(self, config: FetchConfig, fetcher: Any) -> None:
        self.config = config
        self.fetcher = fetcher

    async def render(self, static: FetchResult) -> FetchResult:
        return FetchResult.failure(
            static.url,
            kinds.BROWSER,
            "browser rendering is not available yet",
            final_url=static.final_url,
        )

    async def close(self) -> None:
        return None
