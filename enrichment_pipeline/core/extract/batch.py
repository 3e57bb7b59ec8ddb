"""Scrape a batch of websites: in this process, or split by host over worker processes.

One Python process scraping 10,000 sites is CPU-bound (measured: 113 CPU-seconds in 112 s for
the contacts stage; parsing, extraction, the HTTP client and the caches all share one core).
`scrape_websites` therefore splits a large batch into one shard per worker process; each worker
runs the same `scrape_site` loop with its own `Fetcher`, on the same page cache and memos
(SQLite in WAL mode takes writers from several processes). Politeness is unchanged: every site
of a host lands in the same shard, so per-host limits and spacing still hold, and the global
limits (requests in flight, sites at once, browser pages) are divided between the shards, so the
batch never has more requests in flight than configured. Workers start with `spawn` (the
caller runs threads: Dagster's, the page-cache writer; forking those is unsafe). A shard whose
worker dies (killed, out of memory) is scraped again in this process, mostly from the page cache:
a dead worker costs time, never rows. Small batches (under `MIN_SITES_FOR_WORKERS`) stay in this
process: starting a worker (~0.5 s) would not pay.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import queue
import time
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from enrichment_pipeline.core.extract.domains import url_host
from enrichment_pipeline.core.extract.memo import ExtractionMemo
from enrichment_pipeline.core.extract.site import SiteContacts, scrape_site
from enrichment_pipeline.core.extract.site_memo import SiteMemo
from enrichment_pipeline.core.web import Fetcher, FetchStats, PageCache
from enrichment_pipeline.core.web.config import FetchConfig

MIN_SITES_FOR_WORKERS = 200
_PROGRESS_EVERY_S = 0.5

Progress = Callable[[int], None]  # called with the number of sites finished so far


@dataclass
class BatchResult:
    """Per input website, in input order, and the counters of every fetcher that worked on it."""

    sites: list[SiteContacts]
    stats: FetchStats = field(default_factory=FetchStats)
    sites_reused: int = 0  # whole sites taken from the site memo
    pages_reused: int = 0  # pages those sites had read
    workers: int = 0  # worker processes used (0: this process)
    worker_failures: list[str] = field(default_factory=list)


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def scrape_websites(
    websites: Sequence[str],
    config: FetchConfig,
    cache_path: Path,
    *,
    max_pages: int = 6,
    region: str = "US",
    record_concurrency: int = 512,
    workers: int | None = None,
    progress: Progress | None = None,
    min_sites_for_workers: int = MIN_SITES_FOR_WORKERS,
) -> BatchResult:
    """Scrape every website (never raises for one site: its row says what went wrong).

    `workers`: processes to split the batch over; None picks one per core, 0 or 1 keeps it in
    this process, as does a batch under `min_sites_for_workers`.
    """
    count = default_workers() if workers is None else workers
    shards = min(count, len(websites)) if len(websites) >= min_sites_for_workers else 1
    job = _Job(cache_path, max_pages, region, record_concurrency)
    if shards <= 1:
        return asyncio.run(_scrape_all(list(websites), config, job, _Reporter(progress)))
    return _scrape_sharded(list(websites), config, job, shards, progress)


@dataclass(frozen=True)
class _Job:
    cache_path: Path
    max_pages: int
    region: str
    record_concurrency: int


class _Reporter:
    """Counts finished sites; hands the total to `progress` in this process, or to a queue
    (at most every half second) in a worker."""

    def __init__(self, progress: Progress | None = None, channel: object = None) -> None:
        self.progress = progress
        self.channel = channel
        self.done = 0
        self._sent = 0
        self._last = 0.0

    def one(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done)
        elif self.channel is not None and time.monotonic() - self._last >= _PROGRESS_EVERY_S:
            self.flush()

    def flush(self) -> None:
        if self.channel is not None and self.done > self._sent:
            self.channel.put(self.done - self._sent)  # type: ignore[attr-defined]
            self._sent, self._last = self.done, time.monotonic()


async def _scrape_all(
    websites: list[str], config: FetchConfig, job: _Job, reporter: _Reporter
) -> BatchResult:
    gate = asyncio.Semaphore(max(1, job.record_concurrency))
    memo = ExtractionMemo(job.cache_path)  # extractions of cached pages, reused
    # ...and whole sites, for the same fetch settings that decide what a scrape reads.
    site_memo = SiteMemo(job.cache_path, settings=f"data_endpoints={config.read_data_endpoints}")

    async def one(website: str) -> SiteContacts:
        async with gate:
            try:
                site = await scrape_site(
                    fetcher,
                    website,
                    max_pages=job.max_pages,
                    region=job.region,
                    memo=memo,
                    site_memo=site_memo,
                )
            except Exception as exc:  # one bad site never costs the batch
                site = SiteContacts(
                    website=website, status="error", error=f"{type(exc).__name__}: {exc}"[:300]
                )
        reporter.one()
        return site

    try:
        async with Fetcher(config, PageCache(job.cache_path)) as fetcher:
            sites = await asyncio.gather(*(one(w) for w in websites))
    finally:
        memo.close()
        site_memo.close()
        reporter.flush()
    return BatchResult(
        list(sites),
        fetcher.stats,
        sites_reused=site_memo.hits,
        pages_reused=site_memo.pages_reused,
    )


def _shard_of(website: str, shards: int) -> int:
    host = url_host(website) or website
    host = host.removeprefix("www.")
    return zlib.crc32(host.encode("utf-8", "surrogatepass")) % shards


def _split(config: FetchConfig, job: _Job, shards: int) -> tuple[FetchConfig, _Job]:
    """Each shard's share of the global limits, so the batch as a whole keeps them."""
    shard_config = config.replace(
        concurrency=max(1, config.concurrency // shards),
        render_pool=max(1, config.render_pool // shards),
    )
    return shard_config, replace(job, record_concurrency=max(1, job.record_concurrency // shards))


_channel: object = None  # a worker's progress queue, set when the worker starts


def _set_channel(channel: object) -> None:
    global _channel
    _channel = channel


def _run_shard(websites: list[str], config: FetchConfig, job: _Job) -> BatchResult:
    """A worker process's whole job: one shard, in its own event loop."""
    return asyncio.run(_scrape_all(websites, config, job, _Reporter(channel=_channel)))


def _scrape_sharded(
    websites: list[str],
    config: FetchConfig,
    job: _Job,
    shards: int,
    progress: Progress | None,
) -> BatchResult:
    members: list[list[int]] = [[] for _ in range(shards)]
    for index, website in enumerate(websites):
        members[_shard_of(website, shards)].append(index)
    members = [m for m in members if m]
    shard_config, shard_job = _split(config, job, len(members))
    context = multiprocessing.get_context("spawn")
    results: list[BatchResult | None] = [None] * len(members)
    failures: list[str] = []
    # Progress comes back on a queue the workers inherit at start (a queue cannot be passed
    # with each job); counts are increments.
    channel = context.Queue()
    with ProcessPoolExecutor(
        max_workers=len(members),
        mp_context=context,
        initializer=_set_channel,
        initargs=(channel,),
    ) as pool:
        futures: list[Future[BatchResult]] = [
            pool.submit(_run_shard, [websites[i] for i in m], shard_config, shard_job)
            for m in members
        ]
        done = 0
        while not all(f.done() for f in futures):
            done += _drain(channel, timeout=_PROGRESS_EVERY_S)
            if progress is not None:
                progress(min(done, len(websites)))
        for position, future in enumerate(futures):
            try:
                results[position] = future.result()
            except Exception as exc:  # a dead worker: its shard again, here
                failures.append(f"{type(exc).__name__}: {exc}"[:300])
    channel.close()
    for position, result in enumerate(results):
        if result is None:
            again = [websites[i] for i in members[position]]
            results[position] = asyncio.run(
                _scrape_all(again, shard_config, shard_job, _Reporter())
            )
    if progress is not None:
        progress(len(websites))
    merged = BatchResult([], workers=len(members), worker_failures=failures)
    by_index: dict[int, SiteContacts] = {}
    for m, result in zip(members, results, strict=True):
        assert result is not None
        by_index.update(zip(m, result.sites, strict=True))
        merged.stats.add(result.stats)
        merged.sites_reused += result.sites_reused
        merged.pages_reused += result.pages_reused
    merged.sites = [by_index[i] for i in range(len(websites))]
    return merged


def _drain(channel: object, timeout: float) -> int:
    got = 0
    try:
        got += channel.get(timeout=timeout)  # type: ignore[attr-defined]
        while True:
            got += channel.get_nowait()  # type: ignore[attr-defined]
    except queue.Empty:
        pass
    return got
