"""Rendering script-built pages in Chromium (Playwright), without giving the browser the network.

Every request the page makes is intercepted and answered by our own fetcher: the document with
the HTML we already fetched, scripts and XHR through the same SSRF guard, host map, robots and
size caps as any page. Chromium itself never connects anywhere, so the guard cannot be bypassed
by a script, a redirect or DNS rebinding. Images, fonts, media, stylesheets, frames, trackers,
websockets and service workers are refused. In the closed world (a host map is set)
`--host-resolver-rules` makes every name unresolvable for Chromium itself, as a second fence.

A page is done when it has loaded, no intercepted request is in flight and the DOM has been
quiet for a moment - `domcontentloaded` alone misses content inserted after a fetch.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING, Any

from enrichment_pipeline.core.web import result as kinds
from enrichment_pipeline.core.web.config import FetchConfig
from enrichment_pipeline.core.web.result import FetchResult, utc_now
from enrichment_pipeline.core.web.urls import parse_target

if TYPE_CHECKING:
    from enrichment_pipeline.core.web.fetcher import Fetcher

log = logging.getLogger(__name__)

_BLOCKED_TYPES = frozenset(
    {
        "image",
        "media",
        "font",
        "stylesheet",
        "manifest",
        "texttrack",
        "eventsource",
        "websocket",
        "ping",
        "beacon",
        "other",
    }
)
# Analytics and ad hosts: they never carry contact data and can keep a page "busy" forever.
_TRACKER_SUFFIXES = (
    "googletagmanager.com",
    "google-analytics.com",
    "doubleclick.net",
    "googlesyndication.com",
    "facebook.net",
    "facebook.com",
    "hotjar.com",
    "clarity.ms",
    "segment.io",
    "sentry.io",
    "newrelic.com",
    "nr-data.net",
    "tiktok.com",
    "bing.com",
    "adsrvr.org",
    "criteo.com",
)
_QUIET_S = 0.4  # no request in flight and no DOM change for this long = done
_SETTLE_MAX_S = 4.0  # after load, wait at most this long for quiet (carousels never go quiet)
_MAX_RESOURCES = 60  # per render; a page asking for more is not worth it

_OBSERVER_JS = """(() => {
  window.__epLastMutation = performance.now();
  new MutationObserver(() => { window.__epLastMutation = performance.now(); })
    .observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
})();"""


class BrowserError(Exception):
    """The browser could not be started or could not render."""


class _PageState:
    __slots__ = ("document_url", "inflight", "last_activity", "resources")

    def __init__(self, document_url: str) -> None:
        self.document_url = document_url
        self.inflight = 0
        self.last_activity = time.monotonic()
        self.resources = 0


class BrowserRenderer:
    """A small pool of Chromium pages; started on first use, closed with the fetcher."""

    def __init__(self, config: FetchConfig, fetcher: Fetcher) -> None:
        self.config = config
        self.fetcher = fetcher
        self._pool = asyncio.Semaphore(config.render_pool)
        self._start_lock = asyncio.Lock()
        self._playwright: Any = None
        self._browser: Any = None
        self._context: Any = None
        self._start_error: str | None = None

    # -- lifecycle -----------------------------------------------------------------------------

    def launch_args(self) -> list[str]:
        """Chromium flags: headless in a container, quiet, and resolving only mapped hosts."""
        args = [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-extensions",
            "--disable-sync",
            "--dns-prefetch-disable",
            "--no-first-run",
            "--mute-audio",
            # Renderer processes are capped so that 16 pages at once do not mean 16 processes.
            # (Turning site isolation off as well saved ~15% of Chromium's CPU, but then the
            # main document was sometimes requested a second time, outside our copy.)
            f"--renderer-process-limit={max(2, self.config.render_pool // 2)}",
        ]
        if self.config.host_map is not None:
            # The closed world: Chromium resolves no name at all. It needs none, since every
            # request it makes is intercepted and answered by the fetcher (which applies the
            # host map). Listing the mapped hosts here instead made the command line too long
            # to start Chromium beyond ~2,000 hosts (measured: 0 of 2,593 renders at 10,000
            # businesses), and would have let a request that escaped interception through.
            args.append("--host-resolver-rules=MAP * ~NOTFOUND")
        return args

    async def _ensure_started(self) -> None:
        if self._context is not None:
            return
        if self._start_error is not None:
            raise BrowserError(self._start_error)
        async with self._start_lock:
            if self._context is not None:
                return
            if self._start_error is not None:
                raise BrowserError(self._start_error)
            try:
                from playwright.async_api import async_playwright

                self._playwright = await async_playwright().start()
                self._browser = await self._playwright.chromium.launch(
                    executable_path=self.config.resolved_chromium(),
                    args=self.launch_args(),
                    headless=True,
                    timeout=30_000,
                )
                self._context = await self._browser.new_context(
                    user_agent=self.config.user_agent,
                    service_workers="block",
                    java_script_enabled=True,
                    accept_downloads=False,
                    viewport={"width": 1280, "height": 1600},
                )
                await self._context.add_init_script(_OBSERVER_JS)
                await self._context.route_web_socket("**/*", _refuse_websocket)
            except Exception as exc:
                self._start_error = f"cannot start Chromium: {type(exc).__name__}: {exc}"[:400]
                await self._shutdown()
                raise BrowserError(self._start_error) from exc

    async def close(self) -> None:
        """Close the context, the browser and Playwright's driver."""
        await self._shutdown()

    async def _shutdown(self) -> None:
        for closer in (self._context, self._browser):
            if closer is not None:
                try:
                    await closer.close()
                except Exception:  # already gone
                    log.debug("browser close failed", exc_info=True)
        if self._playwright is not None:
            try:
                await self._playwright.stop()
            except Exception:
                log.debug("playwright stop failed", exc_info=True)
        self._context = self._browser = self._playwright = None

    # -- rendering -----------------------------------------------------------------------------

    async def render(self, static: FetchResult) -> FetchResult:
        """Render the page whose static HTML is `static`; a failure is a `browser` outcome."""
        try:
            await self._ensure_started()
            async with self._pool:
                return await self._render(static)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            return FetchResult.failure(
                static.url,
                kinds.BROWSER,
                f"render failed: {message}"[:300],
                final_url=static.final_url,
                status=static.status,
            )

    async def _render(self, static: FetchResult) -> FetchResult:
        started = time.monotonic()
        state = _PageState(static.final_url)
        page = await self._context.new_page()
        try:
            await page.route("**/*", lambda route: self._handle(route, static, state))
            timeout_ms = self.config.render_timeout_s * 1000
            await page.goto(static.final_url, wait_until="load", timeout=timeout_ms)
            await self._settle(page, state, started)
            html = await page.content()
            final = parse_target(page.url)
            final_url = final.url if not isinstance(final, str) else static.final_url
        finally:
            await page.close()
        return FetchResult(
            url=static.url,
            final_url=final_url,
            status=static.status,
            error_kind=None,
            error=None,
            content_type="text/html; charset=utf-8",
            text=html,
            fetched_at=utc_now(),
            rendered=True,
        )

    async def _settle(self, page: Any, state: _PageState, started: float) -> None:
        """Wait until nothing is loading and the DOM has been still for `_QUIET_S`."""
        budget_end = min(started + self.config.render_timeout_s, time.monotonic() + _SETTLE_MAX_S)
        while time.monotonic() < budget_end:
            idle_for = time.monotonic() - state.last_activity
            if state.inflight == 0 and idle_for >= _QUIET_S:
                dom_quiet_ms = await page.evaluate(
                    "performance.now() - (window.__epLastMutation || 0)"
                )
                if dom_quiet_ms >= _QUIET_S * 1000:
                    return
            await asyncio.sleep(0.05)

    async def _handle(self, route: Any, static: FetchResult, state: _PageState) -> None:
        request = route.request
        url = request.url
        state.inflight += 1
        try:
            if request.resource_type in _BLOCKED_TYPES or not url.startswith(("http:", "https:")):
                await route.abort("blockedbyclient")
                return
            target = parse_target(url)
            if isinstance(target, str) or target.host.endswith(_TRACKER_SUFFIXES):
                await route.abort("blockedbyclient")
                return
            is_document = request.is_navigation_request()
            if is_document and request.frame.parent_frame is not None:
                await route.abort("blockedbyclient")  # iframes: maps, video embeds, ads
                return
            if is_document and target.url == state.document_url:
                # The page itself: we already have it, fetched politely and checked.
                await route.fulfill(
                    status=200,
                    headers={"content-type": "text/html; charset=utf-8"},
                    body=static.text.encode("utf-8"),
                )
                return
            state.resources += 1
            if request.method != "GET" or state.resources > _MAX_RESOURCES:
                await route.abort("blockedbyclient")
                return
            if is_document:
                # Script-driven navigation to another page: a full, polite, checked fetch.
                page = await self.fetcher.fetch(url)
                if not page.ok:
                    await route.abort("blockedbyclient")
                    return
                state.document_url = page.final_url
                await route.fulfill(
                    status=200,
                    headers={"content-type": "text/html; charset=utf-8"},
                    body=page.text.encode("utf-8"),
                )
                return
            answer = await self.fetcher.fetch_resource(url)
            if answer is None:
                await route.abort("blockedbyclient")
                return
            status, content_type, body = answer
            headers = {"content-type": content_type} if content_type else {}
            await route.fulfill(status=status, headers=headers, body=body)
        except Exception:  # the page may be closing; never let a handler error escape
            log.debug("render route failed for %s", url, exc_info=True)
            with contextlib.suppress(Exception):
                await route.abort("failed")
        finally:
            state.inflight -= 1
            state.last_activity = time.monotonic()


async def _refuse_websocket(ws: Any) -> None:
    await ws.close(code=1008, reason="websockets are not allowed while rendering")
