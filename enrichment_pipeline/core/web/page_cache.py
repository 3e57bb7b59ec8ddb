"""The page cache: every fetch outcome, keyed by requested URL, in the SQLite cache file.

Reruns read pages from here instead of the network, which is also how a killed run resumes
cheaply. Writes are queued and committed by one background thread at least every
`commit_interval_s` (0.5 s by default): the event loop never waits on SQLite or on compression,
and a SIGKILLed process keeps everything committed before it died (WAL, one transaction per batch).
Bodies are stored zlib-compressed (level 1: ~6x smaller for HTML at a fraction of a millisecond).
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
import zlib
from datetime import UTC, datetime
from pathlib import Path

from enrichment_pipeline.core.storage.cache_db import open_cache_db
from enrichment_pipeline.core.web import result as kinds
from enrichment_pipeline.core.web.result import FetchResult

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS web_pages ("
    " url TEXT PRIMARY KEY, final_url TEXT NOT NULL, status INTEGER, error_kind TEXT,"
    " error TEXT, content_type TEXT, body BLOB, content_hash TEXT, size INTEGER NOT NULL,"
    " fetched_at REAL NOT NULL, rendered INTEGER NOT NULL, elapsed_s REAL NOT NULL)",
    "CREATE TABLE IF NOT EXISTS web_robots ("
    " origin TEXT PRIMARY KEY, status INTEGER, body TEXT, fetched_at REAL NOT NULL)",
)

_COLUMNS = (
    "url, final_url, status, error_kind, error, content_type, body, content_hash, size,"
    " fetched_at, rendered, elapsed_s"
)

# Failures that prove nothing about tomorrow are not worth caching.
_NOT_CACHED = frozenset({kinds.BAD_URL})


class PageCache:
    """Fetch outcomes by URL with fetch time, status, final URL, content hash and size."""

    def __init__(
        self,
        path: Path,
        *,
        transient_ttl_s: float = 3_600,
        robots_ttl_s: float = 86_400,
        commit_interval_s: float = 0.5,
        compress_level: int = 1,
    ) -> None:
        self.path = Path(path)
        self._transient_ttl_s = transient_ttl_s
        self._robots_ttl_s = robots_ttl_s
        self._commit_interval_s = commit_interval_s
        self._compress_level = compress_level
        self._local = threading.local()
        con = self._reader()
        for statement in _SCHEMA:
            con.execute(statement)
        self._lock = threading.Condition()
        self._pending: dict[str, FetchResult] = {}  # queued, not yet committed
        self._pending_robots: dict[str, tuple[int | None, str, float]] = {}
        self._writer: threading.Thread | None = None
        self._closing = False
        self._busy = False
        self._flush_requested = False
        self._error: BaseException | None = None
        self.committed_rows = 0

    # -- reading -------------------------------------------------------------------------------

    def _reader(self) -> sqlite3.Connection:
        # One connection per thread: sqlite3 connections must stay in the thread that made them.
        con = getattr(self._local, "con", None)
        if con is None:
            con = self._local.con = open_cache_db(self.path)
        return con

    def get(self, url: str, max_age_s: float) -> FetchResult | None:
        """The cached outcome for `url` if younger than `max_age_s` (less for transient errors)."""
        with self._lock:
            queued = self._pending.get(url)
        if queued is not None:
            found: FetchResult | None = queued
            fetched = queued.fetched_at.timestamp()
        else:
            row = (
                self._reader()
                .execute(f"SELECT {_COLUMNS} FROM web_pages WHERE url = ?", (url,))
                .fetchone()
            )
            if row is None:
                return None
            found, fetched = _from_row(row), row[9]
        assert found is not None
        limit = max_age_s
        if found.error_kind in kinds.TRANSIENT_KINDS:
            limit = min(limit, self._transient_ttl_s)
        elif found.error_kind == kinds.ROBOTS:
            limit = min(limit, self._robots_ttl_s)
        if time.time() - fetched > limit:
            return None
        return _copy_from_cache(found)

    def get_robots(self, origin: str, max_age_s: float) -> tuple[int | None, str, float] | None:
        """(status, body, fetched_at) of a stored robots.txt for an origin, if fresh enough."""
        with self._lock:
            queued = self._pending_robots.get(origin)
        row = queued or (
            self._reader()
            .execute("SELECT status, body, fetched_at FROM web_robots WHERE origin = ?", (origin,))
            .fetchone()
        )
        if row is None or time.time() - row[2] > max_age_s:
            return None
        return row[0], row[1] or "", row[2]

    def __len__(self) -> int:
        self.flush()
        return int(self._reader().execute("SELECT count(*) FROM web_pages").fetchone()[0])

    # -- writing -------------------------------------------------------------------------------

    def put(self, result: FetchResult) -> None:
        """Queue an outcome; committed by the writer thread within `commit_interval_s`."""
        if result.error_kind in _NOT_CACHED or result.from_cache:
            return
        with self._lock:
            self._pending[result.url] = result
            self._ensure_writer()
            if len(self._pending) == 1:
                self._lock.notify_all()

    def put_robots(self, origin: str, status: int | None, body: str, fetched_at: float) -> None:
        """Queue a robots.txt answer for an origin (2xx/4xx answers only; see the fetcher)."""
        with self._lock:
            self._pending_robots[origin] = (status, body, fetched_at)
            self._ensure_writer()
            self._lock.notify_all()

    def flush(self) -> None:
        """Block until everything queued so far is committed."""
        with self._lock:
            while self._pending or self._pending_robots or self._busy:
                if self._writer is None or not self._writer.is_alive():
                    break
                self._flush_requested = True
                self._lock.notify_all()
                self._lock.wait(0.05)
        if self._error is not None:
            raise RuntimeError(f"page cache writer failed: {self._error}") from self._error

    def close(self) -> None:
        """Commit what is queued and stop the writer thread."""
        with self._lock:
            self._closing = True
            self._lock.notify_all()
            writer = self._writer
        if writer is not None:
            writer.join()
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None

    def __enter__(self) -> PageCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ensure_writer(self) -> None:
        if self._writer is None or not self._writer.is_alive():
            if self._closing:
                self._closing = False  # reopened after close(): a new writer serves it
            self._writer = threading.Thread(target=self._write_loop, name="page-cache", daemon=True)
            self._writer.start()

    def _write_loop(self) -> None:
        con = open_cache_db(self.path)
        try:
            while True:
                with self._lock:
                    while not (self._pending or self._pending_robots or self._closing):
                        self._lock.wait()
                    if not (self._closing or self._flush_requested):
                        # Let writes accumulate into one transaction; flush()/close() cut it short.
                        self._lock.wait(self._commit_interval_s)
                    pages = list(self._pending.values())
                    robots = list(self._pending_robots.items())
                    self._busy = True
                    self._flush_requested = False
                    closing = self._closing
                if pages or robots:
                    self._commit(con, pages, robots)
                with self._lock:
                    for page in pages:
                        if self._pending.get(page.url) is page:
                            del self._pending[page.url]
                    for origin, value in robots:
                        if self._pending_robots.get(origin) is value:
                            del self._pending_robots[origin]
                    self._busy = False
                    self._lock.notify_all()
                    if closing and not (self._pending or self._pending_robots):
                        return
        except BaseException as exc:  # surfaced by flush(); a dead writer must not hang callers
            self._error = exc
            with self._lock:
                self._busy = False
                self._lock.notify_all()
        finally:
            con.close()

    def _commit(
        self,
        con: sqlite3.Connection,
        pages: list[FetchResult],
        robots: list[tuple[str, tuple[int | None, str, float]]],
    ) -> None:
        rows = []
        for page in pages:
            raw = page.text.encode("utf-8", "surrogatepass")
            rows.append(
                (
                    page.url,
                    page.final_url,
                    page.status,
                    page.error_kind,
                    page.error,
                    page.content_type,
                    zlib.compress(raw, self._compress_level) if raw else None,
                    hashlib.blake2b(raw, digest_size=16).hexdigest() if raw else None,
                    len(raw),
                    page.fetched_at.timestamp(),
                    int(page.rendered),
                    page.elapsed_s,
                )
            )
        con.execute("BEGIN IMMEDIATE")
        try:
            con.executemany(
                f"INSERT OR REPLACE INTO web_pages ({_COLUMNS}) VALUES ({','.join('?' * 12)})",
                rows,
            )
            con.executemany(
                "INSERT OR REPLACE INTO web_robots (origin, status, body, fetched_at)"
                " VALUES (?, ?, ?, ?)",
                [(origin, *value) for origin, value in robots],
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        self.committed_rows += len(rows)

    # -- maintenance ---------------------------------------------------------------------------

    def prune(self, older_than_s: float) -> int:
        """Delete entries fetched more than `older_than_s` ago; returns how many pages went."""
        self.flush()
        cutoff = time.time() - older_than_s
        con = self._reader()
        with con:
            con.execute("BEGIN IMMEDIATE")
            gone = con.execute("DELETE FROM web_pages WHERE fetched_at < ?", (cutoff,)).rowcount
            con.execute("DELETE FROM web_robots WHERE fetched_at < ?", (cutoff,))
        return int(gone)


def _from_row(row: tuple) -> FetchResult:
    body = row[6]
    text = zlib.decompress(body).decode("utf-8", "surrogatepass") if body else ""
    return FetchResult(
        url=row[0],
        final_url=row[1],
        status=row[2],
        error_kind=row[3],
        error=row[4],
        content_type=row[5],
        text=text,
        fetched_at=datetime.fromtimestamp(row[9], UTC),
        from_cache=True,
        rendered=bool(row[10]),
        elapsed_s=row[11],
    )


def _copy_from_cache(found: FetchResult) -> FetchResult:
    if found.from_cache:
        return found
    return FetchResult(
        url=found.url,
        final_url=found.final_url,
        status=found.status,
        error_kind=found.error_kind,
        error=found.error,
        content_type=found.content_type,
        text=found.text,
        fetched_at=found.fetched_at,
        from_cache=True,
        rendered=found.rendered,
        elapsed_s=found.elapsed_s,
    )
