"""Outcome values of the web client: every fetch ends in one of these, never in an exception."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

# The closed set of error kinds. Callers branch on these, so they never change meaning.
TIMEOUT: Final = "timeout"
ROBOTS: Final = "robots"
TOO_LARGE: Final = "too_large"
BLOCKED_ADDRESS: Final = "blocked_address"
DNS: Final = "dns"
CONNECTION: Final = "connection"
HTTP_4XX: Final = "http_4xx"
HTTP_429: Final = "http_429"
HTTP_5XX: Final = "http_5xx"
NOT_HTML: Final = "not_html"
REDIRECT_LOOP: Final = "redirect_loop"
TOO_MANY_REDIRECTS: Final = "too_many_redirects"
BAD_URL: Final = "bad_url"
BROWSER: Final = "browser"
BAD_JSON: Final = "bad_json"  # fetch_json only

ERROR_KINDS: Final = frozenset(
    {
        TIMEOUT,
        ROBOTS,
        TOO_LARGE,
        BLOCKED_ADDRESS,
        DNS,
        CONNECTION,
        HTTP_4XX,
        HTTP_429,
        HTTP_5XX,
        NOT_HTML,
        REDIRECT_LOOP,
        TOO_MANY_REDIRECTS,
        BAD_URL,
        BROWSER,
        BAD_JSON,
    }
)

# Outcomes worth asking the network again about soon; the page cache keeps them only briefly.
TRANSIENT_KINDS: Final = frozenset({TIMEOUT, CONNECTION, HTTP_429, HTTP_5XX, BROWSER})


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class FetchResult:
    """What happened when one URL was fetched (or read from the page cache)."""

    url: str  # as requested
    final_url: str  # canonical URL after redirects
    status: int | None  # HTTP status of the final response
    error_kind: str | None  # None when ok; else one of ERROR_KINDS
    error: str | None  # one human-readable line
    content_type: str | None
    text: str  # decoded HTML ("" on failure)
    fetched_at: datetime  # UTC, when it came from the network (kept when served from cache)
    from_cache: bool = False
    rendered: bool = False
    elapsed_s: float = 0.0

    @property
    def ok(self) -> bool:
        """True when the page arrived as HTML and `text` holds it."""
        return self.error_kind is None

    @classmethod
    def failure(
        cls,
        url: str,
        kind: str,
        error: str,
        *,
        final_url: str | None = None,
        status: int | None = None,
        content_type: str | None = None,
        elapsed_s: float = 0.0,
    ) -> FetchResult:
        """A failed outcome; `error` is one line for a human."""
        return cls(
            url=url,
            final_url=final_url or url,
            status=status,
            error_kind=kind,
            error=error,
            content_type=content_type,
            text="",
            fetched_at=utc_now(),
            elapsed_s=elapsed_s,
        )


@dataclass
class JsonResult:
    """Outcome of `Fetcher.fetch_json` (search-provider APIs)."""

    status: int | None
    data: Any | None
    error_kind: str | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.error_kind is None


@dataclass
class FetchStats:
    """Counters for one `Fetcher`; cheap to update, read at the end of a stage for metadata."""

    network_requests: int = 0  # HTTP exchanges sent (pages, redirects hops, robots, JSON, retries)
    cache_hits: int = 0
    robots_fetches: int = 0
    bytes_received: int = 0  # decoded body bytes
    rendered_pages: int = 0  # built by Chromium
    data_endpoint_pages: int = 0  # script-built pages filled from the JSON they load, no browser
    retries: int = 0
    errors: Counter[str] = field(default_factory=Counter)

    def add(self, other: FetchStats) -> None:
        """Count another fetcher's work in with this one's (fetchers in worker processes)."""
        for name, value in vars(other).items():
            if name == "errors":
                self.errors.update(value)
            else:
                setattr(self, name, getattr(self, name) + value)

    def as_dict(self) -> dict[str, Any]:
        return {
            "network_requests": self.network_requests,
            "cache_hits": self.cache_hits,
            "robots_fetches": self.robots_fetches,
            "bytes_received": self.bytes_received,
            "rendered_pages": self.rendered_pages,
            "data_endpoint_pages": self.data_endpoint_pages,
            "retries": self.retries,
            "errors": dict(self.errors),
        }
