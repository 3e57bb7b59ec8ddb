# ruff: noqa: E501  (benchmark report formatting)
"""Fetcher benchmark: pages/s and CPU-seconds per page against reference clients, same URLs.

    python -m enrichment_pipeline_tests.bench.bench_fetcher [--sites 2000] [--concurrency 64]
        [--latency-ms 0] [--seed 1] [--runners aiohttp,httpx_aiohttp,httpx_default,fetcher,...]

The fixture web runs as its own process (`python -m enrichment_pipeline_tests.fixtures.web`),
so its CPU is not counted. Each client runs in a fresh child process and reports its own CPU
(user + system, all threads) and wall time for fetching every HTML page of every generated
site with the same concurrency. Ratios are against the bare aiohttp loop and Scrapy measured
in the same run. Results are printed and written to `bench/out/bench_fetcher.json`.

What each runner does per page:
  aiohttp        session.get + read: the limit (no decoding, no checks)
  httpx_default  httpx.AsyncClient, default httpcore transport, body decoded to text
  httpx_aiohttp  httpx.AsyncClient on httpx-aiohttp's AiohttpTransport, body decoded to text
  fetcher        our Fetcher, no cache: + robots.txt per host, SSRF checks, caps, charset
  fetcher_cold   our Fetcher writing the SQLite page cache (first run)
  fetcher_warm   our Fetcher reading the same cache (rerun: zero requests)
  scrapy         Scrapy with a minimal spider (robots off, no retries), response.text decoded
The fetcher runners use host_delay_s=0 so that the client, not politeness, is measured.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from enrichment_pipeline_tests.bench.servers import start_web

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = HERE / "out"
DEFAULT_RUNNERS = (
    "aiohttp",
    "httpx_default",
    "httpx_aiohttp",
    "fetcher",
    "fetcher_cold",
    "fetcher_warm",
    "scrapy",
)


# -- the URL list ---------------------------------------------------------------------------


def page_urls(sites: int, seed: int) -> list[str]:
    """Every HTML page of every live generated site (what a full crawl would request)."""
    from enrichment_pipeline_tests.fixtures.web import generate_businesses, render_site

    urls = []
    # The same call as the fixture web process makes, so both sides see the same businesses.
    for business in generate_businesses(sites, seed=seed):
        if not business.has_live_site:
            continue
        for path, page in render_site(business).items():
            if page.truth is not None:
                urls.append(f"{business.website}{path.lstrip('/')}")
    return urls


# -- runners (each in its own process) ------------------------------------------------------


def _usage() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _run_aiohttp(
    urls: list[str], port: int, concurrency: int, follow_redirects: bool = True
) -> int:
    import aiohttp
    from aiohttp.abc import AbstractResolver, ResolveResult

    class Loopback(AbstractResolver):
        async def resolve(self, host: str, _port: int = 0, family: int = 0) -> list[ResolveResult]:
            return [
                ResolveResult(
                    hostname=host, host="127.0.0.1", port=port, family=2, proto=0, flags=0
                )
            ]

        async def close(self) -> None:
            return None

    plain = [u.replace("https://", "http://", 1) for u in urls]
    semaphore = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency, resolver=Loopback())
    ok = 0
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(url: str) -> None:
            nonlocal ok
            async with (
                semaphore,
                session.get(url, allow_redirects=follow_redirects) as response,
            ):
                await response.read()
                ok += response.status == 200

        await asyncio.gather(*(one(u) for u in plain))
    return ok


async def _run_httpx(urls: list[str], port: int, concurrency: int, transport: str) -> int:
    import httpx

    semaphore = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    if transport == "aiohttp":
        import aiohttp
        from aiohttp.abc import AbstractResolver, ResolveResult
        from httpx_aiohttp import AiohttpTransport

        class Loopback(AbstractResolver):
            async def resolve(
                self, host: str, _port: int = 0, family: int = 0
            ) -> list[ResolveResult]:
                return [
                    ResolveResult(
                        hostname=host, host="127.0.0.1", port=port, family=2, proto=0, flags=0
                    )
                ]

            async def close(self) -> None:
                return None

        session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=concurrency, resolver=Loopback())
        )
        client = httpx.AsyncClient(transport=AiohttpTransport(client=session), limits=limits)
        targets = [(u.replace("https://", "http://", 1), None) for u in urls]
    else:
        # httpcore cannot be given a resolver: send to the origin with the Host header kept
        # (one pooled origin - if anything, this flatters the default transport).
        client = httpx.AsyncClient(limits=limits)
        targets = []
        for url in urls:
            rest = url.split("://", 1)[1]
            host, _, path = rest.partition("/")
            targets.append((f"http://127.0.0.1:{port}/{path}", host))
    ok = 0
    async with client:

        async def one(url: str, host: str | None) -> None:
            nonlocal ok
            async with semaphore:
                response = await client.get(url, headers={"Host": host} if host else None)
                _ = response.text
                ok += response.status_code == 200

        await asyncio.gather(*(one(u, h) for u, h in targets))
    return ok


async def _run_fetcher(
    urls: list[str], host_map: str, concurrency: int, cache_path: str | None
) -> int:
    from enrichment_pipeline.core.web import FetchConfig, Fetcher, PageCache

    config = FetchConfig.from_env(
        {"ENRICH_HOST_MAP": host_map}, concurrency=concurrency, host_delay_s=0.0
    )
    cache = PageCache(Path(cache_path)) if cache_path else None

    async def one(fetcher: Fetcher, url: str) -> bool:
        # Keep only the verdict, like the other runners: the caller decides what to hold on to.
        return (await fetcher.fetch(url)).ok

    async with Fetcher(config, cache) as fetcher:
        results = await asyncio.gather(*(one(fetcher, u) for u in urls))
    if cache is not None:
        cache.close()
    return sum(results)


def _run_scrapy(urls: list[str], port: int, concurrency: int, follow_redirects: bool = True) -> int:
    import scrapy
    from scrapy.crawler import CrawlerProcess

    counter = {"ok": 0}
    scrapy_urls = []
    for url in urls:
        rest = url.split("://", 1)[1]
        host, _, path = rest.partition("/")
        scrapy_urls.append(f"http://{host}:{port}/{path}")

    class Pages(scrapy.Spider):
        name = "pages"

        async def start(self):  # type: ignore[no-untyped-def]
            for url in scrapy_urls:
                yield scrapy.Request(url, dont_filter=True)

        def parse(self, response):  # type: ignore[no-untyped-def]
            _ = response.text
            counter["ok"] += response.status == 200

    process = CrawlerProcess(
        settings={
            "LOG_LEVEL": "ERROR",
            "CONCURRENT_REQUESTS": concurrency,
            "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
            "DOWNLOAD_DELAY": 0,
            "ROBOTSTXT_OBEY": False,
            "COOKIES_ENABLED": False,
            "RETRY_ENABLED": False,
            "TELNETCONSOLE_ENABLED": False,
            "DNS_RESOLVER": "enrichment_pipeline_tests.bench.bench_fetcher.LoopbackScrapyResolver",
            "DOWNLOAD_MAXSIZE": 3_000_000,
            # Scrapy's own advice for crawls over many domains ("Broad Crawls" in its docs).
            # Measured on the pipeline's request log: 1.9 ms CPU per page over ~2,000 hosts,
            # 7.5 ms over ~19,000 (7.8 ms with the default queue): Scrapy's per-page cost
            # grows with the number of hosts either way.
            "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.DownloaderAwarePriorityQueue",
            # A replayed request log lists redirect targets itself: fetch each entry once.
            "REDIRECT_ENABLED": follow_redirects,
            # Every status is a fetched page (404s and 301s too): let parse() count them.
            "HTTPERROR_ALLOW_ALL": True,
        }
    )
    process.crawl(Pages)
    process.start()
    return counter["ok"]


def _scrapy_resolver() -> type:
    from scrapy.resolver import CachingThreadedResolver
    from twisted.internet import defer

    class LoopbackScrapyResolver(CachingThreadedResolver):
        """Every name is 127.0.0.1 (the fixture web), like ENRICH_HOST_MAP for our client."""

        def getHostByName(self, name: str, timeout: Any = ()) -> Any:
            return defer.succeed("127.0.0.1")

    return LoopbackScrapyResolver


def __getattr__(name: str) -> Any:
    # Scrapy imports its resolver by dotted path; build the class lazily (Twisted is optional).
    if name == "LoopbackScrapyResolver":
        return _scrapy_resolver()
    raise AttributeError(name)


def child(args: argparse.Namespace) -> None:
    urls = Path(args.urls).read_text().split()
    start_cpu, start_wall = _usage(), time.perf_counter()
    follow = not args.no_redirects
    if args.runner == "aiohttp":
        ok = asyncio.run(_run_aiohttp(urls, args.port, args.concurrency, follow))
    elif args.runner in ("httpx_default", "httpx_aiohttp"):
        transport = "aiohttp" if args.runner == "httpx_aiohttp" else "httpcore"
        ok = asyncio.run(_run_httpx(urls, args.port, args.concurrency, transport))
    elif args.runner.startswith("fetcher"):
        ok = asyncio.run(_run_fetcher(urls, args.host_map, args.concurrency, args.cache))
    elif args.runner == "scrapy":
        ok = _run_scrapy(urls, args.port, args.concurrency, follow)
    else:
        raise SystemExit(f"unknown runner {args.runner}")
    wall, cpu = time.perf_counter() - start_wall, _usage() - start_cpu
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "ok": ok,
                "pages": len(urls),
                "wall_s": wall,
                "cpu_s": cpu,
                "peak_rss_mb": peak_kb / 1024,
            }
        )
    )


# -- orchestration ----------------------------------------------------------------------------


def run_child(
    runner: str,
    urls_file: Path,
    port: int,
    host_map: Path,
    concurrency: int,
    cache: Path | None,
    *,
    follow_redirects: bool = True,
) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "enrichment_pipeline_tests.bench.bench_fetcher",
        "--child",
        "--runner",
        runner,
        "--urls",
        str(urls_file),
        "--port",
        str(port),
        "--host-map",
        str(host_map),
        "--concurrency",
        str(concurrency),
    ]
    if cache is not None:
        command += ["--cache", str(cache)]
    if not follow_redirects:
        command.append("--no-redirects")
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sites", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--runners", default=",".join(DEFAULT_RUNNERS))
    parser.add_argument("--out", default=str(OUT / "bench_fetcher.json"), help="JSON result file")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--runner", help=argparse.SUPPRESS)
    parser.add_argument("--urls", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--host-map", help=argparse.SUPPRESS)
    parser.add_argument("--cache", help=argparse.SUPPRESS)
    parser.add_argument("--no-redirects", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args)
        return 0

    runners = [r for r in args.runners.split(",") if r]
    urls = page_urls(args.sites, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        host_map = workdir / "hosts.json"
        urls_file = workdir / "urls.txt"
        urls_file.write_text("\n".join(urls))
        cache = workdir / "cache.sqlite3"
        web = start_web(args.sites, args.seed, args.latency_ms, host_map, log_requests=False)
        port = web.port
        results: dict[str, dict[str, Any]] = {}
        try:
            for runner in runners:
                use_cache = cache if runner in ("fetcher_cold", "fetcher_warm") else None
                if runner == "fetcher_cold" and cache.exists():
                    cache.unlink()
                server_before = web.cpu_s()
                results[runner] = run_child(
                    runner, urls_file, port, host_map, args.concurrency, use_cache
                )
                results[runner]["server_cpu_s"] = web.cpu_s() - server_before
                print(f"  {runner:14s} {_row(results[runner])}", flush=True)
        finally:
            web.stop()

    print(
        f"\n{len(urls)} pages on {args.sites} sites, {args.concurrency} in flight, "
        f"{args.latency_ms:g} ms per response; machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )
    if args.latency_ms:
        ideal = len(urls) * args.latency_ms / 1000 / args.concurrency
        print(f"ideal wall time at this latency: {ideal:.2f} s")
    print(
        f"{'runner':14s} {'pages/s':>9s} {'CPU ms/page':>12s} {'wall s':>8s} {'RSS MB':>7s} {'ok':>6s}  CPU vs aiohttp  CPU vs scrapy  server ms/page"
    )
    base = results.get("aiohttp", {})
    peer = results.get("scrapy", {})
    for runner, data in results.items():
        if "error" in data:
            print(f"{runner:14s} failed: {data['error']}")
            continue
        per_page = data["cpu_s"] / data["pages"]
        ratio_base = per_page / (base["cpu_s"] / base["pages"]) if "cpu_s" in base else float("nan")
        ratio_peer = per_page / (peer["cpu_s"] / peer["pages"]) if "cpu_s" in peer else float("nan")
        print(
            f"{runner:14s} {data['pages'] / data['wall_s']:9.0f} {per_page * 1000:12.3f} "
            f"{data['wall_s']:8.2f} {data['peak_rss_mb']:7.0f} {data['ok']:6d}  "
            f"{ratio_base:14.2f} {ratio_peer:14.2f} "
            f"{1000 * data.get('server_cpu_s', 0) / data['pages']:15.3f}"
        )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "pages": len(urls),
        "sites": args.sites,
        "concurrency": args.concurrency,
        "latency_ms": args.latency_ms,
        "cpus": os.cpu_count(),
        "results": results,
    }
    out.write_text(json.dumps(report, indent=2))
    return 0


def _row(data: dict[str, Any]) -> str:
    if "error" in data:
        return f"failed: {data['error']}"
    return (
        f"{data['pages'] / data['wall_s']:.0f} pages/s, "
        f"{1000 * data['cpu_s'] / data['pages']:.3f} CPU ms/page, ok {data['ok']}/{data['pages']}"
    )


if __name__ == "__main__":
    sys.exit(main())
