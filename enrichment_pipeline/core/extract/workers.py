"""Page extraction in worker processes, so parsing uses the cores the event loop cannot.

Scraping at 10,000 businesses is CPU-bound in one Python process (measured: 113 CPU-seconds in
112 s for scraped_contacts, about 60% of it parsing and extracting pages), while the second core
mostly waits. `ExtractionPool` hands `extract_page(html, url, region)` to a small process pool;
the stage's event loop keeps fetching meanwhile. Workers are started with `spawn` (the parent
runs threads: the page-cache writer, Dagster's; forking those is unsafe). A page costs a pickle
of its HTML one way and of the `PageExtraction` the other (tens of microseconds against the
milliseconds of parsing). If a worker dies (killed, out of memory), the pool is dropped and
pages are extracted in the calling process from then on: a dead worker costs time, not rows.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import BrokenExecutor, ProcessPoolExecutor
from functools import partial

from enrichment_pipeline.core.extract.memo import encode
from enrichment_pipeline.core.extract.models import PageExtraction
from enrichment_pipeline.core.extract.page import extract_page

# Below this many sites a pool's start-up (~0.5 s a worker, importing the extractor) is not
# repaid; callers use `ExtractionPool.for_batch` to decide.
MIN_SITES_FOR_POOL = 200


def _extract_job(
    html: str, url: str, region: str, encoded: bool
) -> tuple[PageExtraction, bytes | None]:
    extraction = extract_page(html, url, region=region)
    return extraction, (encode(extraction) if encoded else None)


def default_workers() -> int:
    """One worker per core: the parent mostly waits on sockets and SQLite while they parse."""
    return max(1, os.cpu_count() or 1)


class ExtractionPool:
    """`await pool.extract(html, url, region)`, in a worker process; `close()` when done."""

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise ValueError("workers must be >= 1")
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn")
        )
        self.pages_in_workers = 0
        self.pages_inline = 0
        self.broken: str | None = None

    @classmethod
    def for_batch(cls, sites: int, workers: int | None = None) -> ExtractionPool | None:
        """A pool when the batch is big enough to repay starting one, else None (inline).

        `workers`: None picks one per core; 0 turns the pool off.
        """
        count = default_workers() if workers is None else workers
        if count <= 0 or sites < MIN_SITES_FOR_POOL:
            return None
        return cls(count)

    async def extract(self, html: str, url: str, region: str) -> PageExtraction:
        extraction, _ = await self.extract_encoded(html, url, region, encoded=False)
        return extraction

    async def extract_encoded(
        self, html: str, url: str, region: str, *, encoded: bool = True
    ) -> tuple[PageExtraction, bytes | None]:
        """The extraction and, with `encoded`, its memo form (`memo.encode`), made in the worker
        so the event loop's process does not spend its time serialising either."""
        pool = self._pool
        if pool is not None:
            try:
                loop = asyncio.get_running_loop()
                job = partial(_extract_job, html, url, region, encoded)
                answer = await loop.run_in_executor(pool, job)
            except BrokenExecutor as exc:
                self._drop(f"{type(exc).__name__}: {exc}")
            else:
                self.pages_in_workers += 1
                return answer
        self.pages_inline += 1
        return _extract_job(html, url, region, encoded)

    def _drop(self, reason: str) -> None:
        if self._pool is not None:
            self.broken = reason
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
