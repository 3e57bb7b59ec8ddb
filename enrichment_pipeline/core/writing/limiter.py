"""Client-side rate limiting: requests and tokens per minute, plus server-requested pauses.

Two token buckets (requests, tokens) refill continuously at limit/60 per second and start full,
like the providers' own limiters. A 429's Retry-After, or rate-limit headers saying a budget is
spent, pause *every* caller until the given time: one worker seeing a 429 means all of them
would, so they wait together instead of each burning a retry.
"""

from __future__ import annotations

import asyncio
import email.utils
import re
import time
from collections.abc import Callable, Mapping

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


class RateLimiter:
    """Async limiter shared by every request of one writer run."""

    def __init__(
        self,
        requests_per_minute: int,
        tokens_per_minute: int,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._rpm = float(requests_per_minute)
        self._tpm = float(tokens_per_minute)
        self._clock = clock
        self._requests = self._rpm
        self._tokens = self._tpm
        self._updated = clock()
        self._paused_until = 0.0
        self._lock = asyncio.Lock()  # callers are served in arrival order

    async def acquire(self, tokens: int) -> float:
        """Wait until one request costing `tokens` fits; return the seconds waited."""
        tokens = min(float(tokens), self._tpm)  # a huge request must not wait forever
        started = self._clock()
        async with self._lock:
            while True:
                now = self._refill()
                wait = max(
                    self._paused_until - now,
                    (1.0 - self._requests) * 60.0 / self._rpm,
                    (tokens - self._tokens) * 60.0 / self._tpm,
                )
                if wait <= 0:
                    self._requests -= 1.0
                    self._tokens -= tokens
                    return self._clock() - started
                await asyncio.sleep(wait)

    def pause_for(self, seconds: float) -> None:
        """Hold every caller for `seconds` from now (never shortens an existing pause)."""
        if seconds > 0:
            self._paused_until = max(self._paused_until, self._clock() + seconds)

    def observe(self, headers: Mapping[str, str]) -> None:
        """Honour the provider's x-ratelimit-* headers from any response."""
        for kind in ("requests", "tokens"):
            remaining = _as_float(headers.get(f"x-ratelimit-remaining-{kind}"))
            reset = parse_duration(headers.get(f"x-ratelimit-reset-{kind}"))
            if remaining is not None and remaining <= 0 and reset:
                self.pause_for(reset)

    def _refill(self) -> float:
        now = self._clock()
        elapsed = max(0.0, now - self._updated)
        self._updated = now
        self._requests = min(self._rpm, self._requests + elapsed * self._rpm / 60.0)
        self._tokens = min(self._tpm, self._tokens + elapsed * self._tpm / 60.0)
        return now


def retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    """Seconds to wait from retry-after-ms, retry-after (seconds or HTTP date) or reset headers."""
    if not headers:
        return None
    value = _as_float(headers.get("retry-after-ms"))
    if value is not None:
        return max(0.0, value / 1000.0)
    raw = headers.get("retry-after")
    if raw:
        value = _as_float(raw)
        if value is not None:
            return max(0.0, value)
        try:
            when = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            return max(0.0, when.timestamp() - time.time())
    resets = [
        parse_duration(headers.get(f"x-ratelimit-reset-{kind}")) for kind in ("requests", "tokens")
    ]
    known = [reset for reset in resets if reset]
    return max(known) if known else None


def parse_duration(value: str | None) -> float | None:
    """OpenAI's reset durations ("20ms", "1s", "6m0s", "1h2m3.5s") in seconds."""
    if not value:
        return None
    text = value.strip().lower()
    plain = _as_float(text)
    if plain is not None:
        return plain
    parts = _DURATION_PART.findall(text)
    if not parts or "".join(number + unit for number, unit in parts) != text:
        return None
    return sum(float(number) * _UNIT_SECONDS[unit] for number, unit in parts)


def _as_float(value: object) -> float | None:
    if value is None:
        return None
    try:
        return float(str(value).strip())
    except ValueError:
        return None
