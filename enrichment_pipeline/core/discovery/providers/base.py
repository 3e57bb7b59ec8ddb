"""The search-provider interface, its outcome values and the per-provider rate limit.

A provider turns a query into ranked hits through `Fetcher.fetch_json` (so the address guard,
the host map, retries and Retry-After handling apply to API calls too). Every outcome is a
`SearchResponse`; a provider never raises for API problems. After `disable_after` consecutive
quota or authentication failures a provider stops calling its API for the rest of the run:
10,000 records must not mean 10,000 requests to an exhausted or mis-keyed account.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from enrichment_pipeline.core.web import Fetcher, JsonResult

# Failures that will not pass by retrying the next record: quota spent, key refused.
_ACCOUNT_STATUSES = frozenset({401, 402, 403, 429})


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One organic result."""

    url: str
    title: str = ""
    snippet: str = ""
    rank: int = 0  # 1-based position in the provider's answer


@dataclass(slots=True)
class SearchResponse:
    """A provider's answer to one query, or why there is none."""

    provider: str
    query: str
    hits: list[SearchHit] = field(default_factory=list)
    error_kind: str | None = None  # fetcher error kinds, "bad_response" or "disabled"
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error_kind is None


class RateLimit:
    """At most `concurrency` calls in flight and `min_interval_s` between call starts."""

    def __init__(self, concurrency: int, min_interval_s: float) -> None:
        self._slots = asyncio.Semaphore(max(1, concurrency))
        self._interval = max(0.0, min_interval_s)
        self._gate = asyncio.Lock()
        self._last = float("-inf")

    async def __aenter__(self) -> None:
        await self._slots.acquire()
        if self._interval:
            async with self._gate:
                loop = asyncio.get_running_loop()
                wait = self._last + self._interval - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._last = loop.time()

    async def __aexit__(self, *exc: object) -> None:
        self._slots.release()


class SearchProvider(ABC):
    """Base class: subclasses say how to ask (`request`) and how to read the answer (`parse`)."""

    name: str = ""  # also the `source` of the matches it finds

    def __init__(
        self,
        *,
        max_results: int = 10,
        concurrency: int = 4,
        min_interval_s: float = 0.0,
        disable_after: int = 5,
    ) -> None:
        self.max_results = max_results
        self.disable_after = disable_after
        self.calls = 0
        self.failures = 0
        self._account_failures = 0
        self._disabled: str | None = None
        # Created lazily: asyncio primitives bind to the loop that first uses them.
        self._limit_args = (concurrency, min_interval_s)
        self._limit: RateLimit | None = None

    @property
    def disabled(self) -> str | None:
        """Why the provider stopped calling its API in this run, else None."""
        return self._disabled

    @abstractmethod
    def request(self, query: str, count: int) -> tuple[str, dict[str, str], dict[str, str]]:
        """(url, query parameters, headers) for one search."""

    @abstractmethod
    def parse(self, data: Any) -> list[SearchHit]:
        """Hits from a successful JSON answer; raises ValueError when its shape is wrong."""

    def describe_error(self, result: JsonResult) -> str:
        """One line for a failed call, with the provider's own message when it sent one."""
        return result.error or result.error_kind or "failed"

    async def search(
        self, query: str, fetcher: Fetcher, *, count: int | None = None
    ) -> SearchResponse:
        """Search; never raises for API problems (see `SearchResponse.error_kind`)."""
        if self._disabled is not None:
            return SearchResponse(self.name, query, error_kind="disabled", error=self._disabled)
        if self._limit is None:
            self._limit = RateLimit(*self._limit_args)
        url, params, headers = self.request(query, min(count or self.max_results, self.max_results))
        async with self._limit:
            self.calls += 1
            result = await fetcher.fetch_json(url, params=params, headers=headers)
        if not result.ok:
            self.failures += 1
            message = self.describe_error(result)
            if result.status in _ACCOUNT_STATUSES:
                self._account_failures += 1
                if self._account_failures >= self.disable_after:
                    self._disabled = (
                        f"{self.name} disabled for this run after {self._account_failures} "
                        f"consecutive account errors; last: {message}"
                    )
            return SearchResponse(self.name, query, error_kind=result.error_kind, error=message)
        self._account_failures = 0
        try:
            hits = self.parse(result.data)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            self.failures += 1
            return SearchResponse(
                self.name, query, error_kind="bad_response", error=f"unexpected answer: {exc}"
            )
        return SearchResponse(self.name, query, hits=hits)


def text_field(item: Mapping[str, Any], key: str) -> str:
    """A string field of a JSON object ("" when missing or not a string)."""
    value = item.get(key)
    return value if isinstance(value, str) else ""


def error_message(data: Any, *path: str) -> str | None:
    """The string at `path` inside a JSON error body, if there is one."""
    node = data
    for key in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node if isinstance(node, str) and node else None
