from __future__ import annotations

import asyncio
import time

import pytest

from enrichment_pipeline.core.writing.limiter import (
    RateLimiter,
    parse_duration,
    retry_after_seconds,
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("20ms", 0.02), ("1s", 1.0), ("6m0s", 360.0), ("1h2m3.5s", 3723.5), ("2.5", 2.5)],
)
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


def test_parse_duration_rejects_garbage() -> None:
    assert parse_duration("soon") is None and parse_duration(None) is None


def test_retry_after_sources_in_priority_order() -> None:
    assert retry_after_seconds({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    assert retry_after_seconds({"retry-after": "3"}) == 3.0
    date = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 30))
    assert 25 <= (retry_after_seconds({"retry-after": date}) or 0) <= 31
    assert retry_after_seconds({"x-ratelimit-reset-tokens": "1m"}) == 60.0
    assert retry_after_seconds({}) is None


def test_token_budget_makes_callers_wait() -> None:
    async def run() -> float:
        limiter = RateLimiter(requests_per_minute=10_000, tokens_per_minute=6_000)  # 100/s
        await limiter.acquire(6_000)  # empties the bucket
        started = time.monotonic()
        await limiter.acquire(30)  # needs 0.3 s of refill
        return time.monotonic() - started

    assert asyncio.run(run()) >= 0.25


def test_request_budget_and_pause_hold_everyone() -> None:
    async def run() -> tuple[float, float]:
        limiter = RateLimiter(requests_per_minute=120, tokens_per_minute=10**9)  # 2/s
        for _ in range(120):
            await limiter.acquire(1)
        started = time.monotonic()
        await limiter.acquire(1)
        budget_wait = time.monotonic() - started
        limiter.pause_for(0.3)
        limiter.observe(
            {"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "1ms"}
        )
        started = time.monotonic()
        await asyncio.gather(limiter.acquire(1), limiter.acquire(1))
        return budget_wait, time.monotonic() - started

    budget_wait, pause_wait = asyncio.run(run())
    assert budget_wait >= 0.4
    assert pause_wait >= 0.3
