"""The page cache in a real SQLite file: round trips, TTLs, and durability across SIGKILL."""

from __future__ import annotations

import base64
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from enrichment_pipeline.core.web import FetchResult, PageCache


def page(
    url: str, text: str = "<html>hi</html>", *, kind: str | None = None, age_s: float = 0
) -> FetchResult:
    return FetchResult(
        url=url,
        final_url=url + "?final",
        status=200 if kind is None else 503,
        error_kind=kind,
        error=None if kind is None else "HTTP 503",
        content_type="text/html; charset=utf-8",
        text=text if kind is None else "",
        fetched_at=datetime.now(UTC) - timedelta(seconds=age_s),
        rendered=False,
        elapsed_s=0.25,
    )


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    text = "<html><body>Crème brûlée – 😀 " + "x" * 50_000 + "</body></html>"
    original = page("https://a.example/", text)
    with PageCache(tmp_path / "cache.sqlite3") as cache:
        cache.put(original)
        queued = cache.get("https://a.example/", 3600)  # visible before the commit
        assert queued is not None and queued.text == text and queued.from_cache
        cache.flush()
    with PageCache(tmp_path / "cache.sqlite3") as reopened:
        stored = reopened.get("https://a.example/", 3600)
        assert stored is not None
        assert stored.from_cache is True
        assert (stored.final_url, stored.status, stored.text, stored.content_type) == (
            original.final_url,
            200,
            text,
            original.content_type,
        )
        assert abs((stored.fetched_at - original.fetched_at).total_seconds()) < 0.001
        assert stored.elapsed_s == 0.25
        assert reopened.get("https://b.example/", 3600) is None
        assert len(reopened) == 1


def test_max_age_and_transient_ttl(tmp_path: Path) -> None:
    with PageCache(tmp_path / "c.sqlite3", transient_ttl_s=60) as cache:
        cache.put(page("https://old.example/", age_s=7200))
        cache.put(page("https://error.example/", kind="http_5xx", age_s=120))
        cache.put(page("https://fresh-error.example/", kind="http_5xx", age_s=10))
        cache.flush()
        assert cache.get("https://old.example/", 3600) is None
        assert cache.get("https://old.example/", 10_000) is not None
        # A 5xx two minutes old is stale even though the caller accepts a day-old page.
        assert cache.get("https://error.example/", 86_400) is None
        assert cache.get("https://fresh-error.example/", 86_400) is not None


def test_copy_times_answer_what_get_would_serve_without_reading_bodies(tmp_path: Path) -> None:
    urls = [f"https://p{i}.example/" for i in range(700)]  # more than one IN (...) batch
    with PageCache(tmp_path / "c.sqlite3", transient_ttl_s=60) as cache:
        for url in urls:
            cache.put(page(url))
        cache.put(page("https://old.example/", age_s=7200))
        cache.put(page("https://error.example/", kind="http_5xx", age_s=120))
        cache.flush()
        cache.put(page("https://queued.example/"))  # not committed yet: still answered
        asked = [*urls, "https://old.example/", "https://error.example/"]
        asked += ["https://queued.example/", "https://missing.example/"]
        times = cache.copy_times(asked, 3600)
        assert set(times) == {*urls, "https://queued.example/"}
        for url in (urls[0], urls[-1], "https://queued.example/"):
            served = cache.get(url, 3600)
            assert served is not None
            assert abs(times[url] - served.fetched_at.timestamp()) < 0.001
        assert "https://old.example/" in cache.copy_times(["https://old.example/"], 10_000)


def test_robots_entries(tmp_path: Path) -> None:
    with PageCache(tmp_path / "c.sqlite3") as cache:
        cache.put_robots("https://a.example:443", 200, "User-agent: *\nDisallow: /x\n", time.time())
        cache.put_robots("https://b.example:443", 404, "", time.time() - 90_000)
        cache.flush()
        stored = cache.get_robots("https://a.example:443", 86_400)
        assert stored is not None and stored[0] == 200 and "Disallow: /x" in stored[1]
        assert cache.get_robots("https://b.example:443", 86_400) is None


def test_stale_listing_and_prune(tmp_path: Path) -> None:
    with PageCache(tmp_path / "c.sqlite3") as cache:
        cache.put(page("https://older.example/", age_s=20_000))
        cache.put(page("https://old.example/", age_s=10_000))
        cache.put(page("https://old-error.example/", kind="http_5xx", age_s=10_000))
        cache.put(page("https://new.example/"))
        assert cache.stale_urls(3600) == ["https://older.example/", "https://old.example/"]
        assert cache.stale_urls(3600, limit=1) == ["https://older.example/"]
        assert cache.prune(3600) == 3
        assert len(cache) == 1


WRITER = textwrap.dedent(
    """
    import sys, time
    from datetime import UTC, datetime
    from pathlib import Path
    from enrichment_pipeline.core.web import FetchResult, PageCache
    cache = PageCache(Path(sys.argv[1]))
    for i in range(200):
        cache.put(FetchResult(url=f"https://s{i}.example/", final_url=f"https://s{i}.example/",
            status=200, error_kind=None, error=None, content_type="text/html",
            text=f"<p>page {i}</p>", fetched_at=datetime.now(UTC)))
    time.sleep(1.5)  # longer than the commit interval: these must be durable now
    for i in range(200, 300):
        cache.put(FetchResult(url=f"https://s{i}.example/", final_url=f"https://s{i}.example/",
            status=200, error_kind=None, error=None, content_type="text/html",
            text=f"<p>page {i}</p>", fetched_at=datetime.now(UTC)))
    print("ready", flush=True)
    time.sleep(60)
    """
)


def test_a_sigkilled_writer_keeps_what_it_committed(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(Path.cwd())}
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    with PageCache(path) as cache:
        for i in range(200):
            hit = cache.get(f"https://s{i}.example/", 3600)
            assert hit is not None and hit.text == f"<p>page {i}</p>"
        # Whatever of the last batch made it is intact; the table is readable.
        assert 200 <= len(cache) <= 300


def test_put_applies_backpressure_when_the_writer_is_stuck(tmp_path: Path) -> None:
    text = "<p>" + base64.b64encode(os.urandom(9_000)).decode() + "</p>"  # barely compressible
    path = tmp_path / "c.sqlite3"
    with PageCache(path, max_pending_bytes=30_000) as cache:
        blocker = sqlite3.connect(path, isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")  # another process holding the write lock
        done = threading.Event()

        def producer() -> None:
            for i in range(20):
                cache.put(page(f"https://p{i}.example/", text))
            done.set()

        thread = threading.Thread(target=producer)
        thread.start()
        time.sleep(1.0)
        assert not done.is_set()  # put() is waiting instead of growing the queue
        assert 30_000 < cache._pending_bytes <= 30_000 + len(text) + 200
        blocker.execute("ROLLBACK")
        blocker.close()
        assert done.wait(30)
        thread.join()
        cache.flush()
        assert len(cache) == 20
