"""Who may send a request when: a global cap, a per-host cap, and spacing between starts per host.

A request first takes one of its host's slots, then waits for the host's next permitted start
time, and only then takes a global slot. So a request waiting on a slow or delayed host never
holds a global slot, and hundreds of coroutines can queue on many hosts cheaply.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class HostState:
    """Politeness state of one host: slots, last start, spacing, and a not-before time."""

    __slots__ = ("delay_s", "gate", "last_start", "not_before", "slots")

    def __init__(self, per_host: int, delay_s: float) -> None:
        self.slots = asyncio.Semaphore(per_host)
        # Serialises the "wait for my start time" step so two requests never pick the same time.
        self.gate = asyncio.Lock()
        self.last_start = float("-inf")  # loop time of the last request start
        self.not_before = 0.0  # loop time before which nothing may start (Retry-After)
        self.delay_s = delay_s

    def next_start(self) -> float:
        return max(self.last_start + self.delay_s, self.not_before)

    def push_back(self, until: float) -> None:
        """No request to this host may start before loop time `until` (Retry-After, 503)."""
        if until > self.not_before:
            self.not_before = until


class Scheduler:
    """Global and per-host admission for network requests."""

    def __init__(self, concurrency: int, per_host: int, host_delay_s: float) -> None:
        self._global = asyncio.Semaphore(concurrency)
        self._per_host = per_host
        self._host_delay_s = host_delay_s
        self._hosts: dict[str, HostState] = {}

    def host(self, host: str) -> HostState:
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = HostState(self._per_host, self._host_delay_s)
        return state

    def set_delay(self, host: str, delay_s: float) -> None:
        """Raise the spacing for a host (robots Crawl-delay), never below the configured minimum."""
        state = self.host(host)
        state.delay_s = max(self._host_delay_s, delay_s)

    @asynccontextmanager
    async def slot(self, host: str, *, spaced: bool = True) -> AsyncIterator[None]:
        """Hold a host slot and a global slot for the duration of one HTTP exchange."""
        state = self.host(host)
        loop = asyncio.get_running_loop()
        async with state.slots:
            async with state.gate:
                if spaced:
                    wait = state.next_start() - loop.time()
                    while wait > 0:
                        await asyncio.sleep(wait)
                        # A Retry-After or a Crawl-delay may have moved the start while we slept.
                        wait = state.next_start() - loop.time()
                await self._global.acquire()
                state.last_start = loop.time()
            try:
                yield
            finally:
                self._global.release()

    @asynccontextmanager
    async def global_slot(self) -> AsyncIterator[None]:
        """Only the global cap (JSON API calls, browser subresources)."""
        async with self._global:
            yield
