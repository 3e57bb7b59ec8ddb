"""The SQLite file that holds cross-run caches (pages, robots.txt, website matches, LLM answers).

Each cache owns its table; this module only opens connections with the settings every cache
needs: WAL so readers never block the writer, a busy timeout so concurrent runs wait instead of
failing, and `synchronous=NORMAL`, which is durable across a killed process (WAL keeps committed
transactions) and far cheaper than FULL.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

BUSY_TIMEOUT_MS = 60_000


def open_cache_db(path: str | Path) -> sqlite3.Connection:
    """Open (and create) the cache database with concurrency-safe settings."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    con.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    return con


class JsonCache:
    """A key -> JSON value table with a write time, for caches whose values are small documents.

    Used by the website-match cache (keyed by company_key) and the LLM answer cache (keyed by
    facts hash + prompt version + model + sender profile hash).
    """

    def __init__(self, con: sqlite3.Connection, table: str) -> None:
        if not table.isidentifier():
            raise ValueError(f"bad cache table name: {table!r}")
        self._con = con
        self._table = table
        con.execute(
            f"CREATE TABLE IF NOT EXISTS {table} ("
            " key TEXT PRIMARY KEY, value TEXT NOT NULL, written_at REAL NOT NULL)"
        )

    def get(self, key: str, max_age_s: float | None = None) -> Any | None:
        row = self._con.execute(
            f"SELECT value, written_at FROM {self._table} WHERE key = ?", (key,)
        ).fetchone()
        if row is None:
            return None
        if max_age_s is not None and time.time() - row[1] > max_age_s:
            return None
        return json.loads(row[0])

    def get_many(self, keys: Iterable[str], max_age_s: float | None = None) -> dict[str, Any]:
        found: dict[str, Any] = {}
        now = time.time()
        key_list = list(dict.fromkeys(keys))
        for chunk in _chunks(key_list, 500):
            marks = ",".join("?" * len(chunk))
            rows = self._con.execute(
                f"SELECT key, value, written_at FROM {self._table} WHERE key IN ({marks})", chunk
            )
            for key, value, written_at in rows:
                if max_age_s is None or now - written_at <= max_age_s:
                    found[key] = json.loads(value)
        return found

    def put(self, key: str, value: Any) -> None:
        self.put_many([(key, value)])

    def put_many(self, items: Iterable[tuple[str, Any]]) -> None:
        now = time.time()
        rows = [(k, json.dumps(v, default=str), now) for k, v in items]
        if not rows:
            return
        with self._con:  # one transaction: a killed process leaves all or nothing
            self._con.execute("BEGIN IMMEDIATE")
            self._con.executemany(
                f"INSERT OR REPLACE INTO {self._table} (key, value, written_at) VALUES (?, ?, ?)",
                rows,
            )

    def delete(self, key: str) -> None:
        self._con.execute(f"DELETE FROM {self._table} WHERE key = ?", (key,))


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class MemoTable:
    """One memo table on its own connection: single-row reads, and writes batched into one
    transaction per `batch` rows (a killed process loses at most the unwritten batch, which
    only costs recomputing it). Shared by the page-extraction and site memos."""

    def __init__(self, path: str | Path, schema: str, table: str, columns: int, batch: int = 500):
        if not table.isidentifier():
            raise ValueError(f"bad memo table name: {table!r}")
        self._con = open_cache_db(path)
        self._con.execute(schema)
        self._insert = f"INSERT OR REPLACE INTO {table} VALUES ({','.join('?' * columns)})"
        self._batch = batch
        self._lock = threading.Lock()  # reads and flushes share one connection
        self._pending: list[tuple[Any, ...]] = []

    def read_one(self, sql: str, params: tuple[Any, ...]) -> tuple[Any, ...] | None:
        with self._lock:
            return self._con.execute(sql, params).fetchone()

    def add(self, row: tuple[Any, ...]) -> None:
        with self._lock:
            self._pending.append(row)
            full = len(self._pending) >= self._batch
        if full:
            self.flush()

    def flush(self) -> None:
        with self._lock:
            rows, self._pending = self._pending, []
            if rows:
                # One transaction per batch (the connection is in autocommit mode).
                self._con.execute("BEGIN IMMEDIATE")
                try:
                    self._con.executemany(self._insert, rows)
                    self._con.execute("COMMIT")
                except BaseException:
                    self._con.execute("ROLLBACK")
                    raise

    def close(self) -> None:
        self.flush()
        self._con.close()
