"""One test per fault mode of the fixture web: the recorded outcome and the time it took."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterator

import pytest

from enrichment_pipeline.core.web import FetchConfig, Fetcher, FetchResult
from enrichment_pipeline_tests.fixtures.web import faults
from enrichment_pipeline_tests.fixtures.web.plugin import SessionWeb, fetch_config_for

_counter = itertools.count()


def fresh_host(web: SessionWeb, fault: faults.Fault, name: str) -> str:
    """Register `fault` on a host no other test uses (faults keep per-path state)."""
    host = f"{name}-{next(_counter)}.faults.test"
    web.add_fault_host(host, fault)
    return host


def fetch_one(config: FetchConfig, url: str) -> tuple[FetchResult, float, Fetcher]:
    async def run() -> tuple[FetchResult, float, Fetcher]:
        async with Fetcher(config) as fetcher:
            started = time.monotonic()
            result = await fetcher.fetch(url)
            return result, time.monotonic() - started, fetcher

    return asyncio.run(run())


@pytest.fixture
def web(fixture_web: SessionWeb) -> Iterator[SessionWeb]:
    yield fixture_web


def test_slow_response_times_out_at_the_read_timeout(web: SessionWeb) -> None:
    host = fresh_host(web, faults.SlowResponse(delay_s=4.0), "slow")
    config = fetch_config_for(web, read_timeout_s=1.0, page_timeout_s=10.0)
    result, took, _ = fetch_one(config, f"https://{host}/")
    assert result.error_kind == "timeout"
    assert result.text == "" and not result.ok
    assert 0.9 <= took < 3.0  # one read timeout, timeouts are not retried


def test_slow_drip_is_cut_by_the_page_timeout(web: SessionWeb) -> None:
    # Each gap (0.2 s) is far under the read timeout; only the whole-page budget stops it.
    host = fresh_host(web, faults.SlowDrip(interval_s=0.2, chunks=100), "drip")
    config = fetch_config_for(web, read_timeout_s=5.0, page_timeout_s=1.5)
    result, took, _ = fetch_one(config, f"https://{host}/")
    assert result.error_kind == "timeout"
    assert "1.5s" in (result.error or "")
    assert 1.4 <= took < 3.5


def test_5xx_then_success_is_retried_with_backoff(web: SessionWeb) -> None:
    host = fresh_host(web, faults.FlakyThenOK(failures=2, status=503), "flaky")
    config = fetch_config_for(web, backoff_base_s=0.2)
    result, took, fetcher = fetch_one(config, f"https://{host}/")
    assert result.ok and result.status == 200
    assert "Recovered page" in result.text
    assert [e.status for e in web.requests_for(host, "/")] == [503, 503, 200]
    assert fetcher.stats.retries == 2
    # Backoff 0.2 s then 0.4 s, each with +-50% jitter: at least 0.3 s in total.
    assert 0.3 <= took < 3.0


def test_5xx_that_never_recovers_ends_as_http_5xx_after_the_retries(web: SessionWeb) -> None:
    host = fresh_host(web, faults.FlakyThenOK(failures=99, status=502), "down")
    config = fetch_config_for(web, retries=2, backoff_base_s=0.05)
    result, took, _ = fetch_one(config, f"https://{host}/")
    assert result.error_kind == "http_5xx" and result.status == 502
    assert len(web.requests_for(host, "/")) == 3  # first try + 2 retries
    assert took < 2.0


def test_429_honours_retry_after(web: SessionWeb) -> None:
    host = fresh_host(web, faults.rate_limited(failures=1, retry_after="1"), "ratelimit")
    config = fetch_config_for(web, backoff_base_s=0.01)
    result, took, _ = fetch_one(config, f"https://{host}/")
    assert result.ok
    hits = web.requests_for(host, "/")
    assert [e.status for e in hits] == [429, 200]
    assert hits[1].start - hits[0].start >= 0.9  # waited the server's Retry-After, not 0.01 s
    assert took < 3.0


def test_429_with_retry_after_beyond_the_cap_gives_up_at_once(web: SessionWeb) -> None:
    host = fresh_host(web, faults.rate_limited(failures=5, retry_after="3600"), "ratelimit-long")
    config = fetch_config_for(web, max_retry_after_s=5.0)
    result, took, _ = fetch_one(config, f"https://{host}/")
    assert result.error_kind == "http_429" and result.status == 429
    assert "exceeds" in (result.error or "")
    assert len(web.requests_for(host, "/")) == 1
    assert took < 1.0


def test_connection_reset_is_retried_then_reported(web: SessionWeb) -> None:
    host = fresh_host(web, faults.ConnectionReset(), "reset")
    config = fetch_config_for(web, retries=2, backoff_base_s=0.05)
    result, took, _ = fetch_one(config, f"https://{host}/")
    assert result.error_kind == "connection"
    assert "reset" in (result.error or "").lower()
    assert len(web.requests_for(host, "/")) == 3
    assert took < 2.0


def test_reset_in_the_middle_of_the_body_is_a_connection_error(web: SessionWeb) -> None:
    host = fresh_host(web, faults.ConnectionReset(after_bytes=4096), "reset-mid")
    config = fetch_config_for(web, retries=1, backoff_base_s=0.05)
    result, took, _ = fetch_one(config, f"https://{host}/")
    assert result.error_kind == "connection"
    assert result.text == ""
    assert took < 2.0


def test_redirect_loop_is_detected(web: SessionWeb) -> None:
    host = fresh_host(web, faults.RedirectLoop(), "loop")
    result, took, _ = fetch_one(fetch_config_for(web), f"https://{host}/")
    assert result.error_kind == "redirect_loop"
    assert result.status == 302
    assert [e.path for e in web.requests_for(host) if e.path != "/robots.txt"] == [
        "/",
        "/loop-a",
        "/loop-b",
    ]
    assert took < 2.0


def test_redirect_chain_is_capped(web: SessionWeb) -> None:
    host = fresh_host(web, faults.RedirectChain(hops=7), "chain")
    result, _, _ = fetch_one(fetch_config_for(web, max_redirects=5), f"https://{host}/")
    assert result.error_kind == "too_many_redirects"
    pages = [e.path for e in web.requests_for(host) if e.path != "/robots.txt"]
    assert len(pages) == 6  # the first request and five followed redirects, no more
    short = fresh_host(web, faults.RedirectChain(hops=3), "chain-ok")
    result, _, _ = fetch_one(fetch_config_for(web, max_redirects=5), f"https://{short}/")
    assert result.ok and result.final_url == f"https://{short}/hop/3"


@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.1:{port}/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/",
        "http://2130706433:{port}/",
        "http://localhost:{port}/",
        "http://10.0.0.7/admin",
        "http://[::ffff:127.0.0.1]:{port}/",
    ],
)
def test_redirect_to_a_private_address_is_blocked(web: SessionWeb, location: str) -> None:
    location = location.format(port=web.port)
    host = fresh_host(web, faults.RedirectTo(location), "private-redirect")
    before = len([e for e in web.log if e.host in ("127.0.0.1", "localhost", "[::1]")])
    result, took, _ = fetch_one(fetch_config_for(web), f"https://{host}/")
    assert result.error_kind == "blocked_address", result.error
    assert result.status is None
    after = len([e for e in web.log if e.host in ("127.0.0.1", "localhost", "[::1]")])
    assert after == before  # the loopback origin itself was never contacted
    assert took < 2.0


def test_redirect_to_another_scheme_is_a_bad_url(web: SessionWeb) -> None:
    host = fresh_host(web, faults.RedirectTo("ftp://files.example.com/x"), "ftp-redirect")
    result, _, _ = fetch_one(fetch_config_for(web), f"https://{host}/")
    assert result.error_kind == "bad_url"


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_compression_bomb_aborts_early(web: SessionWeb, encoding: str) -> None:
    host = fresh_host(web, faults.CompressionBomb(encoding, megabytes=256), f"{encoding}-bomb")
    config = fetch_config_for(web, max_bytes=1_000_000)
    result, took, fetcher = fetch_one(config, f"https://{host}/")
    assert result.error_kind == "too_large"
    assert result.status == 200
    # Stopped at the cap (brotli may overshoot by one output block): not the 256 MB it expands to.
    assert fetcher.stats.bytes_received <= 2 * 1_000_000
    assert took < 10.0  # includes building the bomb on the server the first time


def test_oversized_page_with_content_length_is_refused_before_reading(web: SessionWeb) -> None:
    host = fresh_host(web, faults.Oversized(megabytes=10), "oversized")
    result, took, fetcher = fetch_one(fetch_config_for(web), f"https://{host}/")
    assert result.error_kind == "too_large"
    assert "Content-Length" in (result.error or "")
    assert fetcher.stats.bytes_received < 100  # robots.txt only: the page body was never read
    assert took < 2.0


def test_oversized_chunked_page_stops_at_the_cap(web: SessionWeb) -> None:
    host = fresh_host(web, faults.Oversized(megabytes=10, chunked=True), "oversized-chunked")
    config = fetch_config_for(web, max_bytes=500_000)
    result, took, fetcher = fetch_one(config, f"https://{host}/")
    assert result.error_kind == "too_large"
    assert 500_000 < fetcher.stats.bytes_received < 600_000
    assert took < 2.0


@pytest.mark.parametrize("content_type", ["application/pdf", "image/png", "application/zip"])
def test_binary_content_type_is_not_html(web: SessionWeb, content_type: str) -> None:
    host = fresh_host(web, faults.Binary(content_type=content_type), "binary")
    result, _, fetcher = fetch_one(fetch_config_for(web), f"https://{host}/")
    assert result.error_kind == "not_html"
    assert result.content_type == content_type
    assert fetcher.stats.bytes_received < 100  # robots.txt only: the body was never read


@pytest.mark.parametrize(
    ("actual", "declared", "meta"),
    [
        ("cp1252", "utf-8", None),  # header lies: body is windows-1252
        ("utf-8", "iso-8859-1", None),  # legacy label on a UTF-8 body
        ("cp1252", None, "windows-1252"),  # only a meta tag
        ("utf-8", None, None),  # nothing declared
        ("iso-8859-15", "utf-8", "iso-8859-15"),  # header wrong, meta right
    ],
)
def test_wrong_or_missing_charset_is_decoded_correctly(
    web: SessionWeb, actual: str, declared: str | None, meta: str | None
) -> None:
    fault = faults.WrongCharset(
        text="Café Olé, Señor Muñoz and the crème brûlée",
        actual=actual,
        declared=declared,
        meta=meta,
    )
    host = fresh_host(web, fault, "charset")
    result, _, _ = fetch_one(fetch_config_for(web), f"https://{host}/")
    assert result.ok, result.error
    assert "Café Olé, Señor Muñoz and the crème brûlée" in result.text
    assert "\ufffd" not in result.text


def test_robots_disallow_is_never_fetched(web: SessionWeb) -> None:
    rules = (
        "User-agent: *\nDisallow: /private/\n\n"
        "User-agent: EnrichmentPipelineBot\nDisallow: /private/\nDisallow: /contact\n"
    )
    host = fresh_host(web, faults.RobotsSite(rules), "robots")

    async def run() -> list[FetchResult]:
        async with Fetcher(fetch_config_for(web)) as fetcher:
            return [
                await fetcher.fetch(f"https://{host}{path}")
                for path in ("/contact", "/private/contact", "/public/about", "/")
            ]

    contact, private, public, home = asyncio.run(run())
    assert contact.error_kind == "robots" and private.error_kind == "robots"
    assert "EnrichmentPipelineBot" in (contact.error or "")
    assert public.ok and home.ok
    paths = [e.path for e in web.requests_for(host)]
    assert paths[0] == "/robots.txt" and paths.count("/robots.txt") == 1
    assert "/contact" not in paths and "/private/contact" not in paths


@pytest.mark.parametrize(
    ("status", "allowed"),
    [(404, True), (403, True), (410, True), (503, False), (500, False), (429, False), (0, False)],
)
def test_robots_status_policy(web: SessionWeb, status: int, allowed: bool) -> None:
    """RFC 9309: 4xx -> allow all; 5xx or unreachable (0: connection reset) -> disallow all."""
    host = fresh_host(web, faults.RobotsSite(robots_status=status), f"robots-{status}")
    config = fetch_config_for(web, retries=1, backoff_base_s=0.02)
    result, _, _ = fetch_one(config, f"https://{host}/")
    assert result.ok is allowed, result.error
    page_hits = [e for e in web.requests_for(host) if e.path != "/robots.txt"]
    assert len(page_hits) == (1 if allowed else 0)
    if status == 0:
        # No HTTP answer at all: the host failure is reported, and nothing else was fetched.
        assert result.error_kind == "connection"
        assert "robots.txt unreachable" in (result.error or "")
    elif not allowed:
        assert result.error_kind == "robots"


def test_crawl_delay_spaces_requests_up_to_the_cap(web: SessionWeb) -> None:
    def spacing(crawl_delay: float, cap: float) -> float:
        host = fresh_host(
            web, faults.RobotsSite(f"User-agent: *\nCrawl-delay: {crawl_delay}\n"), "delay"
        )

        async def run() -> None:
            config = fetch_config_for(web, host_delay_s=0.05, max_crawl_delay_s=cap)
            async with Fetcher(config) as fetcher:
                await asyncio.gather(
                    *(fetcher.fetch(f"https://{host}{p}") for p in ("/", "/contact"))
                )

        asyncio.run(run())
        starts = sorted(e.start for e in web.requests_for(host))
        assert len(starts) == 3  # robots.txt + two pages
        return min(b - a for a, b in itertools.pairwise(starts))

    assert spacing(1.0, cap=10.0) >= 0.9  # honoured (server-side clock: some jitter)
    assert 0.45 <= spacing(30.0, cap=0.5) < 2.0  # capped (30 s were asked for)


def test_unmapped_host_does_not_resolve_in_the_closed_world(web: SessionWeb) -> None:
    result, took, _ = fetch_one(fetch_config_for(web), "https://not-in-the-map.example/")
    assert result.error_kind == "dns"
    assert "ENRICH_HOST_MAP" in (result.error or "")
    assert took < 0.5


def test_dead_server_is_a_connection_error(web: SessionWeb) -> None:
    host = f"dead-{next(_counter)}.example"
    web.add_refused_host(host)
    config = fetch_config_for(web, retries=1, backoff_base_s=0.02)
    result, took, _ = fetch_one(config, f"https://{host}/")
    assert result.error_kind == "connection"
    assert "refused" in (result.error or "").lower()
    assert took < 2.0


def test_missing_page_is_http_4xx(web: SessionWeb) -> None:
    business = next(b for b in web.generated if b.has_live_site)
    result, _, fetcher = fetch_one(fetch_config_for(web), f"{business.website}no-such-page")
    assert result.error_kind == "http_4xx" and result.status == 404
    assert fetcher.stats.retries == 0  # a 404 is an answer, not a failure to retry
