"""The one web client of the pipeline: polite, safe, cached, and never raising for web problems.

Layers, outermost first:
  cache lookup -> URL and address checks -> robots.txt -> redirects (each hop re-checked)
  -> retries with backoff -> politeness slot -> one HTTP exchange with streaming caps.
The HTTP layer is an `httpx.AsyncClient` on the `httpx-aiohttp` transport, whose aiohttp
connector resolves names through `GuardedResolver` (host map + SSRF guard + address pinning).
"""

from __future__ import annotations

import asyncio
import dataclasses
import http.cookiejar
import json
import logging
import random
import socket
import ssl
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Literal

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

from enrichment_pipeline.core.web import result as kinds
from enrichment_pipeline.core.web.config import FetchConfig, origin_of
from enrichment_pipeline.core.web.data_endpoints import (
    endpoint_urls,
    has_contact_signals,
    json_fragments,
    script_sources,
    splice,
)
from enrichment_pipeline.core.web.decoding import (
    ACCEPT_ENCODING,
    BodyDecoder,
    TooLargeError,
    UnsupportedEncodingError,
    decode_html,
    is_html_type,
    looks_like_html,
)
from enrichment_pipeline.core.web.page_cache import PageCache
from enrichment_pipeline.core.web.politeness import Scheduler
from enrichment_pipeline.core.web.rendering import needs_rendering
from enrichment_pipeline.core.web.resolver import AddressRefusedError, GuardedResolver
from enrichment_pipeline.core.web.result import FetchResult, FetchStats, JsonResult, utc_now
from enrichment_pipeline.core.web.robots import RobotsRules, rules_from_body, rules_from_status
from enrichment_pipeline.core.web.urls import Target, parse_target, resolve_location

log = logging.getLogger(__name__)

RenderMode = Literal["never", "auto", "always"]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_RETRYABLE = frozenset({kinds.CONNECTION, kinds.HTTP_5XX, kinds.HTTP_429})
_ACCEPT_HTML = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
_PAGE, _ROBOTS, _JSON, _RESOURCE = "page", "robots", "json", "resource"
_ROBOTS_IN_MEMORY = 4096
# Script/JSON bodies kept between the data-endpoint pass and a render of the same page: enough
# for the renders in flight (render_pool 16, a few scripts each), bounded by the size cap each.
_RESOURCE_MEMO_ITEMS = 48


@dataclass(slots=True)
class _Exchange:
    """What one HTTP exchange produced (internal)."""

    status: int | None = None
    body: bytes = b""
    content_type: str | None = None
    location: str | None = None
    error_kind: str | None = None
    error: str | None = None
    retry_after: float | None = None


class Fetcher:
    """Async web client; use one per stage run as `async with Fetcher(config, cache) as f:`."""

    def __init__(self, config: FetchConfig | None = None, cache: PageCache | None = None) -> None:
        self.config = config if config is not None else FetchConfig.from_env()
        self.cache = cache
        self._stats = FetchStats()
        # Script bodies read while looking for data endpoints, kept for the browser when it
        # renders the same page anyway (each is used once; bounded by `_RESOURCE_MEMO_ITEMS`).
        self._resource_memo: OrderedDict[str, tuple[int, str | None, bytes]] = OrderedDict()
        cfg = self.config
        self._trusted_origins = frozenset(origin_of(o) for o in cfg.trusted_origins)
        self._resolver = GuardedResolver(
            cfg.host_map,
            timeout_s=cfg.connect_timeout_s,
            trusted_hosts=frozenset(
                o.split("://", 1)[1].rsplit(":", 1)[0] for o in self._trusted_origins
            ),
        )
        self._headers = {
            "User-Agent": cfg.user_agent,
            "Accept": _ACCEPT_HTML,
            "Accept-Encoding": ACCEPT_ENCODING,
            "Accept-Language": "en-US,en;q=0.8",
            **cfg.extra_headers,
        }
        self._timeout = httpx.Timeout(
            connect=cfg.connect_timeout_s,
            read=cfg.read_timeout_s,
            write=cfg.read_timeout_s,
            # aiohttp maps this to its "connect" budget: DNS + pool wait + TCP/TLS handshake.
            pool=cfg.connect_timeout_s * 2,
        )
        self._scheduler: Scheduler | None = None
        self._client: httpx.AsyncClient | None = None
        self._session: aiohttp.ClientSession | None = None
        # Recently used origins' rules (~3 KB each); older ones reload from the page cache.
        self._robots: OrderedDict[str, RobotsRules] = OrderedDict()
        self._robots_pending: dict[str, asyncio.Future[RobotsRules]] = {}
        self._renderer: Any = None  # BrowserRenderer, started on first use
        self._closed = False

    # -- lifecycle -----------------------------------------------------------------------------

    async def __aenter__(self) -> Fetcher:
        await self._ensure_open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def _ensure_open(self) -> None:
        if self._client is not None:
            return
        if self._closed:
            raise RuntimeError("Fetcher is closed")
        cfg = self.config
        self._scheduler = Scheduler(cfg.concurrency, cfg.per_host, cfg.host_delay_s)
        connector = aiohttp.TCPConnector(
            # Our scheduler enforces the real limits; the pool only needs head-room.
            limit=cfg.concurrency + 16,
            limit_per_host=0,
            resolver=self._resolver,
            use_dns_cache=False,  # the resolver caches checked answers itself
            keepalive_timeout=5.0,  # many hosts, few pages each: do not hoard idle sockets
            ssl=ssl.create_default_context(),
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),  # a crawler carries no cookies between sites
            auto_decompress=False,
            trust_env=False,  # proxies from the environment would bypass the address guard
        )
        if hasattr(self._session, "_retry_connection"):
            # aiohttp silently re-sends an idempotent request once after a reset; our retry loop
            # already does that with backoff, and hidden re-sends would double the load on a
            # failing server. (Private attribute: no public switch exists in aiohttp 3.x.)
            self._session._retry_connection = False
        self._client = httpx.AsyncClient(
            transport=AiohttpTransport(client=self._session),
            headers=self._headers,
            timeout=self._timeout,
            follow_redirects=False,  # followed by hand, each hop re-checked
            trust_env=False,
            cookies=http.cookiejar.CookieJar(policy=_RefuseCookies()),
        )

    async def aclose(self) -> None:
        """Close the browser, the HTTP sessions and flush the page cache."""
        if self._closed:
            return
        self._closed = True
        if self._renderer is not None:
            try:
                await self._renderer.close()
            except Exception:  # closing must not mask the stage's own outcome
                log.exception("closing the browser failed")
            self._renderer = None
        if self._client is not None:
            await self._client.aclose()
        if self._session is not None and not self._session.closed:
            await self._session.close()
        if self.cache is not None:
            await asyncio.to_thread(self.cache.flush)

    @property
    def stats(self) -> FetchStats:
        """Counters: network requests, cache hits, robots fetches, bytes, renders, errors."""
        return self._stats

    # -- public API ----------------------------------------------------------------------------

    async def fetch(
        self,
        url: str,
        *,
        max_age_s: float | None = None,
        render: RenderMode = "never",
    ) -> FetchResult:
        """Fetch one HTML page. Never raises for web problems: every outcome is a `FetchResult`.

        `max_age_s`: accept a cached copy this young (None: `config.cache_ttl_s`; 0: bypass the
        cache for reading, still write it). `render`: "never", "auto" (render when the static
        HTML looks script-built, see `needs_rendering`) or "always".
        """
        started = time.perf_counter()
        try:
            result = await self._fetch(url, max_age_s, render)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug must cost one page, not the stage
            log.exception("unexpected error fetching %s", url)
            result = FetchResult.failure(
                url, kinds.CONNECTION, f"internal error: {type(exc).__name__}: {exc}"
            )
        if not result.from_cache:
            result.elapsed_s = time.perf_counter() - started
        return result

    async def fetch_json(
        self,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> JsonResult:
        """GET a JSON API (search providers): address guard, host map, retries; no robots/cache."""
        try:
            return await self._fetch_json(url, params, headers)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("unexpected error fetching JSON %s", url)
            return JsonResult(None, None, kinds.CONNECTION, f"internal error: {exc}")

    async def fetch_resource(self, url: str) -> tuple[int, str | None, bytes] | None:
        """A page subresource for the browser renderer: (status, content type, body) or None.

        Same address guard, host map, robots rules, redirect checks and size cap as pages; no
        host spacing (a page's scripts are one visit) and no page cache.
        """
        target = parse_target(url)
        if isinstance(target, str):
            return None
        remembered = self._resource_memo.pop(target.url, None)
        if remembered is not None:
            return remembered
        await self._ensure_open()
        visited = {target.url}
        for _ in range(self.config.max_redirects + 1):
            if await self._address_problem(target) is not None:
                return None
            rules = await self._robots_for(target)
            if rules.failure is not None or not rules.allows(target.url, self.config.robots_token):
                return None
            exchange = await self._exchange_with_retries(target, _RESOURCE, self.config.max_bytes)
            if exchange.location is not None:
                nxt = parse_target(resolve_location(target.url, exchange.location))
                if isinstance(nxt, str) or nxt.url in visited:
                    return None
                visited.add(nxt.url)
                target = nxt
                continue
            if exchange.status is None:
                return None
            return exchange.status, exchange.content_type, exchange.body
        return None

    @staticmethod
    def cache_key(url: str) -> str | None:
        """The page cache's key for `url` (its normalised form), or None for a URL it refuses."""
        target = parse_target(url)
        return None if isinstance(target, str) else target.url

    def cached_copy_times(
        self, keys: list[str], *, max_age_s: float | None = None
    ) -> dict[str, float]:
        """For each cache key (`cache_key(url)`) whose next `fetch` would be answered by the page
        cache, that copy's fetch time (epoch seconds); bodies are not read. Lets a caller reuse
        work it did on exactly those copies."""
        max_age = self.config.cache_ttl_s if max_age_s is None else max(0.0, max_age_s)
        if self.cache is None or max_age <= 0:
            return {}
        return self.cache.copy_times(keys, max_age)

    async def resolves(self, host: str) -> bool:
        """Cheap check that `host` has an address we may connect to (host-map and guard aware)."""
        target = parse_target(f"http://{host.strip()}/")
        if isinstance(target, str):
            return False
        return await self._address_problem(target) is None

    # -- pages ---------------------------------------------------------------------------------

    async def _fetch(self, url: str, max_age_s: float | None, render: RenderMode) -> FetchResult:
        target = parse_target(url)
        if isinstance(target, str):
            return self._count(FetchResult.failure(url, kinds.BAD_URL, target))
        max_age = self.config.cache_ttl_s if max_age_s is None else max(0.0, max_age_s)
        if self.cache is not None and max_age > 0:
            hit = self.cache.get(target.url, max_age)
            if (
                hit is not None
                and hit.error_kind in kinds.TRANSIENT_KINDS
                and hit.fetched_at.timestamp() < self.config.transient_since
            ):
                hit = None  # a passing failure of an earlier run: try again
            if hit is not None and (render != "always" or hit.rendered):
                self._stats.cache_hits += 1
                if hit.url != url:
                    hit = dataclasses.replace(hit, url=url)
                return hit
        await self._ensure_open()
        result = await self._fetch_network(target, url)
        if render != "never" and result.ok:
            result = await self._maybe_render(result, render)
        self._count(result)
        if self.cache is not None:
            stored = (
                result if result.url == target.url else dataclasses.replace(result, url=target.url)
            )
            self.cache.put(stored)
            # A redirected page is also stored under where it landed: the next stage asks for the
            # canonical URL (the website match records final_url), and should not refetch it.
            final = parse_target(result.final_url) if result.ok else None
            if final is not None and not isinstance(final, str) and final.url != target.url:
                self.cache.put(dataclasses.replace(result, url=final.url))
        return result

    def _count(self, result: FetchResult) -> FetchResult:
        if result.error_kind is not None:
            self._stats.errors[result.error_kind] += 1
        return result

    async def _fetch_network(self, target: Target, requested: str) -> FetchResult:
        visited = {target.url}
        current = target
        for hop in range(self.config.max_redirects + 1):
            problem = await self._address_problem(current)
            if problem is not None:
                return FetchResult.failure(requested, problem[0], problem[1], final_url=current.url)
            rules = await self._robots_for(current)
            if rules.failure is not None:
                # The host did not answer at all (refused, timed out): say so, not "robots".
                return FetchResult.failure(
                    requested, rules.failure[0], rules.failure[1], final_url=current.url
                )
            if not rules.allows(current.url, self.config.robots_token):
                return FetchResult.failure(
                    requested,
                    kinds.ROBOTS,
                    f"disallowed by robots.txt for {self.config.robots_token} ({rules.note})",
                    final_url=current.url,
                )
            exchange = await self._exchange_with_retries(current, _PAGE, self.config.max_bytes)
            if exchange.location is not None:
                nxt = parse_target(resolve_location(current.url, exchange.location))
                if isinstance(nxt, str):
                    return FetchResult.failure(
                        requested,
                        kinds.BAD_URL,
                        f"redirect to an unusable URL: {nxt}",
                        final_url=current.url,
                        status=exchange.status,
                    )
                if nxt.url in visited:
                    return FetchResult.failure(
                        requested,
                        kinds.REDIRECT_LOOP,
                        f"redirect loop: {current.url} -> {nxt.url}",
                        final_url=nxt.url,
                        status=exchange.status,
                    )
                if hop == self.config.max_redirects:
                    break
                visited.add(nxt.url)
                current = nxt
                continue
            if exchange.error_kind is not None:
                return FetchResult.failure(
                    requested,
                    exchange.error_kind,
                    exchange.error or exchange.error_kind,
                    final_url=current.url,
                    status=exchange.status,
                    content_type=exchange.content_type,
                )
            text, _codec = decode_html(exchange.body, exchange.content_type)
            return FetchResult(
                url=requested,
                final_url=current.url,
                status=exchange.status,
                error_kind=None,
                error=None,
                content_type=exchange.content_type,
                text=text,
                fetched_at=utc_now(),
            )
        return FetchResult.failure(
            requested,
            kinds.TOO_MANY_REDIRECTS,
            f"more than {self.config.max_redirects} redirects",
            final_url=current.url,
        )

    async def _maybe_render(self, static: FetchResult, render: RenderMode) -> FetchResult:
        if render == "auto" and not needs_rendering(static.text):
            return static
        if self.config.read_data_endpoints:
            filled = await self._fill_from_data_endpoints(static)
            if filled is not None:
                self._stats.data_endpoint_pages += 1
                return filled
        from enrichment_pipeline.core.web.browser import BrowserRenderer

        if self._renderer is None:
            self._renderer = BrowserRenderer(self.config, self)
        rendered = await self._renderer.render(static)
        if rendered.ok:
            self._stats.rendered_pages += 1
            return rendered
        if render == "auto":
            # The static page is still useful; the failure is counted, not returned.
            self._stats.errors[kinds.BROWSER] += 1
            return static
        return rendered

    async def _fill_from_data_endpoints(self, static: FetchResult) -> FetchResult | None:
        """The page with the JSON its scripts load spliced in, when that carries contact data.

        `rendered` is set on the result: the script-built content is filled in, as a render
        would, so the cache serves it to later `render="always"` requests too.
        """
        external, inline = script_sources(static.text, static.final_url)
        answers = await asyncio.gather(*(self.fetch_resource(url) for url in external))
        scripts = list(inline)
        for url, answer in zip(external, answers, strict=True):
            if answer is not None and 200 <= answer[0] < 300:
                scripts.append(answer[2].decode("utf-8", "replace"))
                self._remember_resource(url, answer)
        loaded: list[tuple[str, list[str]]] = []
        for url in endpoint_urls(scripts, static.final_url):
            answer = await self.fetch_resource(url)
            if answer is None or not 200 <= answer[0] < 300:
                continue
            self._remember_resource(url, answer)
            fragments = json_fragments(answer[2])
            if fragments:
                loaded.append((url, fragments))
        if not loaded or not has_contact_signals([f for _, parts in loaded for f in parts]):
            return None
        for url in [*external, *(url for url, _ in loaded)]:
            self._forget_resource(url)  # no render follows
        return dataclasses.replace(
            static, text=splice(static.text, loaded), rendered=True, fetched_at=utc_now()
        )

    def _forget_resource(self, url: str) -> None:
        target = parse_target(url)
        if not isinstance(target, str):
            self._resource_memo.pop(target.url, None)

    def _remember_resource(self, url: str, answer: tuple[int, str | None, bytes]) -> None:
        target = parse_target(url)
        if isinstance(target, str):
            return
        self._resource_memo[target.url] = answer
        while len(self._resource_memo) > _RESOURCE_MEMO_ITEMS:
            self._resource_memo.popitem(last=False)

    # -- checks --------------------------------------------------------------------------------

    async def _address_problem(self, target: Target) -> tuple[str, str] | None:
        """(error kind, message) when the target's host may not be contacted, else None."""
        check = target.host_check
        if check.blocked:
            return kinds.BLOCKED_ADDRESS, f"{target.host}: {check.blocked}"
        if check.ip is not None:
            if self._resolver.closed_world:
                return kinds.DNS, f"{target.host} is not in ENRICH_HOST_MAP (closed world)"
            return None
        answer = await self._resolver.lookup(target.host)
        if not answer.ok:
            return answer.error_kind or kinds.DNS, answer.error or "does not resolve"
        return None

    async def _robots_for(self, target: Target) -> RobotsRules:
        origin = target.origin
        rules = self._robots.get(origin)
        if rules is not None and time.time() - rules.fetched_at < self.config.robots_ttl_s:
            self._robots.move_to_end(origin)
            return rules
        pending = self._robots_pending.get(origin)
        if pending is None:
            pending = asyncio.ensure_future(self._load_robots(target))
            self._robots_pending[origin] = pending
        return await asyncio.shield(pending)

    async def _load_robots(self, target: Target) -> RobotsRules:
        origin = target.origin
        try:
            rules = await self._read_robots(target)
        finally:
            self._robots_pending.pop(origin, None)
        self._robots[origin] = rules
        if len(self._robots) > _ROBOTS_IN_MEMORY:
            self._robots.popitem(last=False)
        if rules.delay_s:
            assert self._scheduler is not None
            self._scheduler.set_delay(
                target.host, min(rules.delay_s, self.config.max_crawl_delay_s)
            )
        return rules

    async def _read_robots(self, target: Target) -> RobotsRules:
        cfg = self.config
        origin = target.origin
        if self.cache is not None:
            stored = self.cache.get_robots(origin, cfg.robots_ttl_s)
            if stored is not None:
                status, body, fetched_at = stored
                if status is not None and 200 <= status < 300:
                    return rules_from_body(origin, body, cfg.robots_token, fetched_at)
                rules = rules_from_status(origin, status, "stored")
                rules.fetched_at = fetched_at
                return rules
        self._stats.robots_fetches += 1
        current = parse_target(target.robots_url)
        assert not isinstance(current, str)
        visited = {current.url}
        for _ in range(6):  # RFC 9309: follow at least five consecutive redirects
            if (problem := await self._address_problem(current)) is not None:
                return rules_from_status(origin, None, problem[1], problem[0])
            exchange = await self._exchange_with_retries(current, _ROBOTS, cfg.robots_max_bytes)
            if exchange.location is not None:
                nxt = parse_target(resolve_location(current.url, exchange.location))
                if isinstance(nxt, str) or nxt.url in visited:
                    break
                visited.add(nxt.url)
                current = nxt
                continue
            status = exchange.status
            if status is not None and 200 <= status < 300 and exchange.error_kind is None:
                body = exchange.body.decode("utf-8", "replace")
                rules = rules_from_body(origin, body, cfg.robots_token)
                if self.cache is not None:
                    self.cache.put_robots(origin, status, body, rules.fetched_at)
                return rules
            rules = rules_from_status(
                origin, status, exchange.error or "no answer", exchange.error_kind
            )
            if self.cache is not None and status is not None and 400 <= status < 500:
                self.cache.put_robots(origin, status, "", rules.fetched_at)
            return rules
        # Too many redirects: RFC 9309 lets us treat the file as unavailable.
        return rules_from_status(origin, 404, "redirect chain")

    # -- HTTP exchanges ------------------------------------------------------------------------

    def _wire_url(self, target: Target) -> str:
        """The URL actually sent: mapped hosts are plain http (the fixture web has no TLS)."""
        if target.scheme == "https" and self._resolver.mapped(target.host) is not None:
            host = f"[{target.host}]" if ":" in target.host else target.host
            port = "" if target.port == 443 else f":{target.port}"
            return f"http://{host}{port}{target.path_qs}"
        return target.url

    async def _exchange_with_retries(
        self,
        target: Target,
        purpose: str,
        cap: int,
        headers: Mapping[str, str] | None = None,
    ) -> _Exchange:
        cfg = self.config
        attempt = 0
        while True:
            exchange = await self._exchange(target, purpose, cap, headers)
            if exchange.error_kind not in _RETRYABLE or attempt >= cfg.retries:
                return exchange
            delay = cfg.backoff_base_s * (2**attempt) * random.uniform(0.5, 1.5)
            if exchange.retry_after is not None:
                if exchange.retry_after > cfg.max_retry_after_s:
                    exchange.error = (
                        f"{exchange.error}; Retry-After {exchange.retry_after:.0f}s exceeds the "
                        f"{cfg.max_retry_after_s:.0f}s cap"
                    )
                    return exchange
                delay = max(delay, exchange.retry_after)
                if purpose != _JSON:
                    assert self._scheduler is not None
                    loop_now = asyncio.get_running_loop().time()
                    self._scheduler.host(target.host).push_back(loop_now + exchange.retry_after)
            self._stats.retries += 1
            attempt += 1
            await asyncio.sleep(delay)

    async def _exchange(
        self, target: Target, purpose: str, cap: int, headers: Mapping[str, str] | None
    ) -> _Exchange:
        assert self._client is not None and self._scheduler is not None
        # JSON APIs and a rendered page's own scripts are not crawling: only the global cap.
        slot = (
            self._scheduler.global_slot()
            if purpose in (_JSON, _RESOURCE)
            else self._scheduler.slot(target.host)
        )
        async with slot:
            self._stats.network_requests += 1
            try:
                async with asyncio.timeout(self.config.page_timeout_s):
                    request = self._client.build_request(
                        "GET", self._wire_url(target), headers=headers
                    )
                    response = await self._client.send(request, stream=True)
                    try:
                        return await self._read(response, purpose, cap)
                    finally:
                        await response.aclose()
            except TimeoutError:
                return _Exchange(
                    error_kind=kinds.TIMEOUT,
                    error=f"no complete answer within {self.config.page_timeout_s:g}s",
                )
            except (httpx.HTTPError, aiohttp.ClientError, OSError, ValueError) as exc:
                kind, message = _classify(exc)
                if kind == kinds.TIMEOUT:
                    cfg = self.config
                    message += (
                        f" (connect {cfg.connect_timeout_s:g}s, read {cfg.read_timeout_s:g}s)"
                    )
                return _Exchange(error_kind=kind, error=message)

    async def _read(self, response: httpx.Response, purpose: str, cap: int) -> _Exchange:
        status = response.status_code
        headers = _headers_of_interest(response)
        content_type = headers.get("content-type")
        if status in _REDIRECTS:
            location = headers.get("location")
            if location:
                return _Exchange(status=status, location=location)
            return _Exchange(
                status=status, error_kind=kinds.HTTP_4XX, error=f"{status} without Location"
            )
        if status >= 400:
            if status == 429:
                kind = kinds.HTTP_429
            elif status >= 500:
                kind = kinds.HTTP_5XX
            else:
                kind = kinds.HTTP_4XX
            exchange = _Exchange(
                status=status,
                content_type=content_type,
                error_kind=kind,
                error=f"HTTP {status} {response.reason_phrase}".strip(),
                retry_after=_retry_after(headers.get("retry-after")),
            )
            if purpose in (_JSON, _RESOURCE):  # error bodies explain themselves; keep some
                body = await self._read_body(
                    response,
                    min(cap, 65_536),
                    truncate=True,
                    encoding=headers.get("content-encoding"),
                )
                if isinstance(body, bytes):
                    exchange.body = body
            return exchange
        if status < 200 or status >= 300:
            return _Exchange(
                status=status, error_kind=kinds.HTTP_4XX, error=f"unexpected HTTP {status}"
            )
        if purpose == _PAGE:
            if content_type and not is_html_type(content_type):
                return _Exchange(
                    status=status,
                    content_type=content_type,
                    error_kind=kinds.NOT_HTML,
                    error=f"content type {content_type.split(';')[0]} is not HTML",
                )
            declared = headers.get("content-length")
            encoding = (headers.get("content-encoding") or "identity").lower()
            if (
                declared
                and declared.isdigit()
                and encoding in ("identity", "")
                and int(declared) > cap
            ):
                return _Exchange(
                    status=status,
                    content_type=content_type,
                    error_kind=kinds.TOO_LARGE,
                    error=f"Content-Length {declared} exceeds the {cap}-byte cap",
                )
        body = await self._read_body(
            response, cap, truncate=purpose == _ROBOTS, encoding=headers.get("content-encoding")
        )
        if isinstance(body, _Exchange):
            body.status = status
            body.content_type = content_type
            return body
        if purpose == _PAGE and not content_type and not looks_like_html(body):
            return _Exchange(
                status=status,
                error_kind=kinds.NOT_HTML,
                error="no content type and the body does not look like HTML",
            )
        return _Exchange(status=status, body=body, content_type=content_type)

    async def _read_body(
        self,
        response: httpx.Response,
        cap: int,
        *,
        truncate: bool,
        encoding: str | None = None,
    ) -> bytes | _Exchange:
        try:
            decoder = BodyDecoder(encoding, cap)
        except UnsupportedEncodingError as exc:
            return _Exchange(error_kind=kinds.NOT_HTML, error=str(exc))
        parts: list[bytes] = []
        try:
            async for chunk in response.aiter_raw():
                parts.append(decoder.feed(chunk))
            parts.append(decoder.flush())
        except TooLargeError as exc:
            self._stats.bytes_received += decoder.produced
            if truncate:
                return b"".join(parts)[:cap]
            return _Exchange(error_kind=kinds.TOO_LARGE, error=f"{exc} (stopped reading)")
        except ValueError as exc:
            return _Exchange(error_kind=kinds.CONNECTION, error=str(exc))
        body = b"".join(parts)
        self._stats.bytes_received += len(body)
        return body

    # -- JSON APIs -----------------------------------------------------------------------------

    async def _fetch_json(
        self, url: str, params: Mapping[str, str] | None, headers: Mapping[str, str] | None
    ) -> JsonResult:
        raw = url
        if params:
            try:
                raw = str(httpx.URL(url).copy_merge_params(dict(params)))
            except (httpx.InvalidURL, TypeError, ValueError) as exc:
                return JsonResult(None, None, kinds.BAD_URL, f"bad URL {url!r}: {exc}")
        target = parse_target(raw)
        if isinstance(target, str):
            return JsonResult(None, None, kinds.BAD_URL, target)
        await self._ensure_open()
        if target.origin not in self._trusted_origins:
            problem = await self._address_problem(target)
            if problem is not None:
                self._stats.errors[problem[0]] += 1
                return JsonResult(None, None, problem[0], problem[1])
        exchange = await self._exchange_with_retries(
            target,
            _JSON,
            self.config.max_json_bytes,
            {"Accept": "application/json", **(headers or {})},
        )
        data: Any = None
        if exchange.body:
            try:
                data = json.loads(exchange.body)
            except (ValueError, UnicodeDecodeError) as exc:
                if exchange.error_kind is None:
                    self._stats.errors[kinds.BAD_JSON] += 1
                    return JsonResult(exchange.status, None, kinds.BAD_JSON, f"invalid JSON: {exc}")
        if exchange.error_kind is not None:
            self._stats.errors[exchange.error_kind] += 1
        return JsonResult(exchange.status, data, exchange.error_kind, exchange.error)


class _RefuseCookies(http.cookiejar.DefaultCookiePolicy):
    """Stores no cookie: a crawler carries no state between sites, and an empty jar keeps
    httpx's per-request cookie matching (a scan over every stored domain) free."""

    def set_ok(self, cookie: http.cookiejar.Cookie, request: object) -> bool:
        return False

    def return_ok(self, cookie: http.cookiejar.Cookie, request: object) -> bool:
        return False


_WANTED_HEADERS = frozenset(
    {b"content-type", b"location", b"retry-after", b"content-length", b"content-encoding"}
)


def _headers_of_interest(response: httpx.Response) -> dict[str, str]:
    """The few response headers we read, in one pass (httpx header lookups scan every header)."""
    found: dict[str, str] = {}
    for key, value in response.headers.raw:
        name = key.lower()
        if name in _WANTED_HEADERS and name.decode() not in found:
            found[name.decode()] = value.decode("latin-1")
    return found


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP-date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - utc_now()).total_seconds())


def _classify(exc: BaseException) -> tuple[str, str]:
    """Error kind and message for an exception from httpx/aiohttp (walking the cause chain).

    httpx-aiohttp maps aiohttp errors to httpx types loosely (a reset becomes ConnectTimeout),
    so the underlying aiohttp/OS error decides; the httpx type only when there is none.
    """
    chain: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and len(chain) < 8:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    innermost = chain[-1]
    for item in chain:
        if isinstance(item, AddressRefusedError):
            return item.kind, item.message
    for item in chain:
        if isinstance(item, (aiohttp.ClientConnectorDNSError, socket.gaierror)):
            return kinds.DNS, _message(item)
    for item in chain:
        if isinstance(item, TimeoutError):  # aiohttp's timeout errors subclass it
            return kinds.TIMEOUT, _message(item)
    for item in chain:
        if isinstance(item, (aiohttp.InvalidURL, httpx.UnsupportedProtocol, httpx.InvalidURL)):
            return kinds.BAD_URL, _message(item)
    native = any(isinstance(item, (aiohttp.ClientError, OSError)) for item in chain)
    if not native and isinstance(exc, httpx.TimeoutException):
        return kinds.TIMEOUT, _message(exc)
    return kinds.CONNECTION, _message(innermost)


def _message(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(exc).__name__}: {first}"[:300] if first else type(exc).__name__
