"""Scraping a batch split by host over worker processes: the same rows as one process, the
limits kept, and a killed worker costs time, never rows."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

from enrichment_pipeline.core.extract.batch import _Job, _shard_of, _split, scrape_websites
from enrichment_pipeline.core.web.config import FetchConfig
from enrichment_pipeline_tests.fixtures.web import generate_businesses
from enrichment_pipeline_tests.fixtures.web.plugin import (
    STATIC_STYLES,
    SessionWeb,
    fetch_config_for,
    static_websites,
)
from enrichment_pipeline_tests.fixtures.web.server import FixtureWeb


def _worker_pids() -> list[int]:
    """This process's spawned multiprocessing workers (from /proc: no psutil needed)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        parent = int(stat.rpartition(")")[2].split()[1])
        if parent == os.getpid() and "spawn_main" in cmdline and "resource_tracker" not in cmdline:
            pids.append(int(entry.name))
    return pids


def _comparable(site: object) -> dict[str, object]:
    data = site.to_dict()  # type: ignore[attr-defined]
    return {k: v for k, v in data.items() if k not in ("sources", "pages")}


def test_sharded_batch_gives_the_rows_one_process_gives(
    fixture_web: SessionWeb, tmp_path: Path
) -> None:
    websites = static_websites(fixture_web.generated, 16)
    websites.append(websites[0])  # a duplicate lands in the same shard as its twin
    config = fetch_config_for(fixture_web)
    alone = scrape_websites(websites, config, tmp_path / "a.sqlite3", workers=1)
    seen: list[int] = []
    split = scrape_websites(
        websites,
        config,
        tmp_path / "b.sqlite3",
        workers=2,
        min_sites_for_workers=0,
        progress=seen.append,
    )
    assert alone.workers == 0 and split.workers == 2 and not split.worker_failures
    assert [_comparable(s) for s in split.sites] == [_comparable(s) for s in alone.sites]
    assert all(s.status == "ok" for s in split.sites)
    assert seen and seen[-1] == len(websites) and seen == sorted(seen)
    assert split.stats.network_requests == alone.stats.network_requests > len(websites)
    # Run again: every site comes whole from the memo, in the workers too.
    again = scrape_websites(
        websites, config, tmp_path / "b.sqlite3", workers=2, min_sites_for_workers=0
    )
    assert again.stats.network_requests == 0 and again.sites_reused == len(websites)
    assert [_comparable(s) for s in again.sites] == [_comparable(s) for s in split.sites]


def test_shards_split_the_global_limits_and_keep_hosts_together() -> None:
    config = FetchConfig(concurrency=64, render_pool=16)
    job = _Job(Path("c.sqlite3"), 6, "US", 512)
    shard_config, shard_job = _split(config, job, 3)
    assert (shard_config.concurrency, shard_config.render_pool) == (21, 5)
    assert shard_job.record_concurrency == 170
    assert shard_config.per_host == config.per_host  # a host lives in one shard: unchanged
    for shards in (2, 3, 8):
        assert _shard_of("https://www.a-dealer.com/", shards) == _shard_of(
            "http://a-dealer.com/contact", shards
        )


def test_a_killed_worker_has_its_shard_redone_in_this_process(tmp_path: Path) -> None:
    businesses = [b for b in generate_businesses(60, seed=77) if b.has_live_site]
    businesses = [b for b in businesses if b.style in STATIC_STYLES][:12]
    with FixtureWeb(latency_s=0.05) as web:
        web.add_businesses(businesses)
        config = fetch_config_for(web)
        websites = [b.website or "" for b in businesses]
        killed: list[int] = []

        def kill_a_worker() -> None:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not killed:
                for pid in _worker_pids():
                    if web.log:  # the workers are scraping
                        os.kill(pid, signal.SIGKILL)
                        killed.append(pid)
                        return
                time.sleep(0.02)

        killer = threading.Thread(target=kill_a_worker, daemon=True)
        killer.start()
        result = scrape_websites(
            websites, config, tmp_path / "c.sqlite3", workers=2, min_sites_for_workers=0
        )
        killer.join()
    assert killed, "no worker was started"
    assert result.worker_failures
    assert len(result.sites) == len(websites)
    assert all(s.status == "ok" for s in result.sites), [s.error for s in result.sites]
