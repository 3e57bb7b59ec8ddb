"""robots.txt rules per RFC 9309, parsed once per origin with Protego.

Protego implements the parsing and matching rules (groups, longest match, `*` and `$`,
Crawl-delay). The status-code policy is ours, as the RFC asks of the crawler: 2xx -> parse;
4xx -> "unavailable", allow everything; 5xx or no answer -> "unreachable", disallow everything.
429 counts as unreachable: it says "slow down", not "there is no file".
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from protego import Protego

ALLOW_ALL = "allow_all"
DISALLOW_ALL = "disallow_all"
PARSED = "parsed"


@dataclass(slots=True)
class RobotsRules:
    """The robots.txt verdicts for one origin and one robots token."""

    origin: str
    kind: str  # parsed | allow_all | disallow_all
    note: str  # why, for the record ("robots.txt 404: allow all")
    fetched_at: float  # epoch seconds
    delay_s: float | None = None  # Crawl-delay / Request-rate for our token
    parser: Protego | None = None
    # (error kind, message) when robots.txt could not be fetched because the host itself failed
    # (refused, timed out): pages of this host then report that failure, not "robots".
    failure: tuple[str, str] | None = None

    def allows(self, url: str, token: str) -> bool:
        """May `token` fetch `url` (any URL of this origin)?"""
        if self.kind == ALLOW_ALL:
            return True
        if self.kind == DISALLOW_ALL or self.parser is None:
            return False
        if url.endswith("/robots.txt"):
            return True
        return bool(self.parser.can_fetch(url, token))


def rules_from_body(
    origin: str, body: str, token: str, fetched_at: float | None = None
) -> RobotsRules:
    """Rules from a robots.txt body that arrived with a 2xx status."""
    when = time.time() if fetched_at is None else fetched_at
    try:
        parser = Protego.parse(body)
    except Exception as exc:  # Protego is lenient; a crash here must not stop a crawl
        return RobotsRules(origin, ALLOW_ALL, f"robots.txt unparsable ({exc}): allow all", when)
    delay = parser.crawl_delay(token)
    rate = parser.request_rate(token)
    if rate is not None and rate.requests:
        per_request = rate.seconds / rate.requests
        delay = max(delay or 0.0, per_request)
    return RobotsRules(
        origin, PARSED, "robots.txt parsed", when, float(delay) if delay else None, parser
    )


def rules_from_status(
    origin: str, status: int | None, reason: str, failure_kind: str | None = None
) -> RobotsRules:
    """Rules when robots.txt could not be read: by status class, or unreachable (None).

    `failure_kind` is the network error kind when there was no HTTP answer at all.
    """
    now = time.time()
    if status is not None and 400 <= status < 500 and status != 429:
        return RobotsRules(origin, ALLOW_ALL, f"robots.txt {status}: allow all", now)
    what = f"robots.txt {status}" if status is not None else f"robots.txt unreachable ({reason})"
    failure = (failure_kind, f"{what}: {reason}") if status is None and failure_kind else None
    return RobotsRules(origin, DISALLOW_ALL, f"{what}: disallow all", now, failure=failure)
