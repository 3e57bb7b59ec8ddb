"""Name resolution with the host map and the SSRF guard, shared by the checks and the connector.

The same object answers two callers: the fetcher asks `lookup()` before a request (to record a
clean `dns` / `blocked_address` outcome), and aiohttp's connector calls `resolve()` when it opens a
connection. Both read one cache of *checked* answers, so the connection always goes to an address
that passed the guard; there is no window in which DNS could be re-answered (rebinding).
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass

from aiohttp.abc import AbstractResolver, ResolveResult

from enrichment_pipeline.core.web import result as kinds
from enrichment_pipeline.core.web.address_guard import ip_block_reason, parse_ip

_NUMERIC_FLAGS = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV


class AddressRefusedError(OSError):
    """A host resolved to an address the guard refuses; carries the error kind for the fetcher."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(frozen=True, slots=True)
class Lookup:
    """A checked answer: addresses to connect to, or why there are none."""

    addresses: tuple[tuple[str, int], ...]  # (ip, family)
    port: int | None  # fixed port for host-mapped names
    error_kind: str | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.error_kind is None


class GuardedResolver(AbstractResolver):
    """aiohttp resolver that applies `ENRICH_HOST_MAP` (closed world) or real DNS + the guard."""

    def __init__(
        self,
        host_map: Mapping[str, str] | None,
        *,
        ttl_s: float = 300.0,
        negative_ttl_s: float = 60.0,
        timeout_s: float = 10.0,
        trusted_hosts: frozenset[str] = frozenset(),
    ) -> None:
        self._mapped: dict[str, tuple[str, int]] | None = None
        if host_map is not None:
            self._mapped = {}
            for host, origin in host_map.items():
                address, _, port = origin.removeprefix("http://").rpartition(":")
                self._mapped[host] = (address.strip("[]"), int(port))
        # Operator-configured hosts (SEARXNG_URL) whose addresses are not checked.
        self._trusted = frozenset(h.strip("[]").lower() for h in trusted_hosts)
        self._ttl_s = ttl_s
        self._negative_ttl_s = negative_ttl_s
        self._timeout_s = timeout_s
        self._cache: dict[str, tuple[float, Lookup]] = {}
        self._pending: dict[str, asyncio.Future[Lookup]] = {}

    @property
    def closed_world(self) -> bool:
        """True when a host map is configured: unlisted hosts do not resolve."""
        return self._mapped is not None

    def mapped(self, host: str) -> tuple[str, int] | None:
        """The loopback (address, port) for a host-mapped name, else None."""
        if self._mapped is None:
            return None
        return self._mapped.get(host.rstrip(".").lower())

    async def lookup(self, host: str) -> Lookup:
        """Resolve and check `host`; never raises. Answers are cached (also failures, briefly)."""
        host = host.rstrip(".").lower()
        now = time.monotonic()
        hit = self._cache.get(host)
        if hit is not None and hit[0] > now:
            return hit[1]
        task = self._pending.get(host)
        if task is None:
            # One lookup per host however many requests wait for it; shielded so a cancelled
            # caller does not cancel the answer the others are waiting for.
            task = asyncio.ensure_future(self._lookup_and_store(host))
            self._pending[host] = task
        return await asyncio.shield(task)

    async def _lookup_and_store(self, host: str) -> Lookup:
        try:
            answer = await self._lookup_uncached(host)
        finally:
            self._pending.pop(host, None)
        ttl = self._ttl_s if answer.ok else self._negative_ttl_s
        self._cache[host] = (time.monotonic() + ttl, answer)
        return answer

    async def _lookup_uncached(self, host: str) -> Lookup:
        if self._mapped is not None:
            target = self._mapped.get(host)
            if target is None:
                return Lookup(
                    (), None, kinds.DNS, f"{host} is not in ENRICH_HOST_MAP (closed world)"
                )
            family = socket.AF_INET6 if ":" in target[0] else socket.AF_INET
            return Lookup(((target[0], family),), target[1], None, None)
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self._timeout_s):
                infos = await loop.getaddrinfo(host, 80, type=socket.SOCK_STREAM)
        except TimeoutError:
            return Lookup((), None, kinds.DNS, f"DNS lookup of {host} timed out")
        except (socket.gaierror, UnicodeError, OSError) as exc:
            return Lookup((), None, kinds.DNS, f"{host} does not resolve: {exc}")
        addresses: list[tuple[str, int]] = []
        for family, _type, _proto, _name, sockaddr in infos:
            text = str(sockaddr[0])
            ip = parse_ip(text)
            if ip is None:
                continue
            reason = None if host in self._trusted else ip_block_reason(ip)
            if reason is not None:
                # One bad address poisons the answer: an attacker controlling the zone could
                # mix a public address with an internal one and win the race.
                return Lookup(
                    (), None, kinds.BLOCKED_ADDRESS, f"{host} resolves to {ip} ({reason})"
                )
            if (text, family) not in addresses:
                addresses.append((text, family))
        if not addresses:
            return Lookup((), None, kinds.DNS, f"{host} has no usable address")
        return Lookup(tuple(addresses), None, None, None)

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """aiohttp's hook: only checked addresses (and the mapped port) ever reach the connector."""
        answer = await self.lookup(host)
        if not answer.ok:
            raise AddressRefusedError(answer.error_kind or kinds.DNS, answer.error or "refused")
        use_port = answer.port if answer.port is not None else port
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=use_port,
                family=addr_family,
                proto=0,
                flags=_NUMERIC_FLAGS,
            )
            for address, addr_family in answer.addresses
            if not family or family == addr_family
        ]

    async def close(self) -> None:
        self._cache.clear()
