"""The fixture web as its own process (how the benchmark and the demo run it)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

from enrichment_pipeline.core.web import FetchConfig, Fetcher, FetchResult
from enrichment_pipeline_tests.fixtures.web import generate_businesses


def test_served_process_with_host_map_file_and_control_endpoints(tmp_path: Path) -> None:
    host_map = tmp_path / "hosts.json"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "enrichment_pipeline_tests.fixtures.web",
            "--businesses",
            "30",
            "--seed",
            "4",
            "--host-map",
            str(host_map),
            "--latency-ms",
            "20",
            "--faults",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path.cwd())},
    )
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline().split()[1])
        assert proc.stdout.readline().strip() == "READY"
        mapping = json.loads(host_map.read_text())
        businesses = [b for b in generate_businesses(30, seed=4) if b.has_live_site]
        assert all(b.canonical_host in mapping for b in businesses)
        assert "slow.faults.test" in mapping
        config = FetchConfig.from_env({"ENRICH_HOST_MAP": str(host_map)}, host_delay_s=0.0)

        async def go() -> list[FetchResult]:
            async with Fetcher(config) as fetcher:
                return list(
                    await asyncio.gather(*(fetcher.fetch(b.website or "") for b in businesses[:5]))
                )

        results = asyncio.run(go())
        assert all(r.ok and r.elapsed_s >= 0.02 for r in results)  # latency applied
        for result, business in zip(results, businesses, strict=False):
            assert business.name.split(" ")[0] in result.text
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/__fixture/stats", timeout=5
        ) as answer:
            stats = json.load(answer)
        assert stats["requests"] == 10  # five robots.txt + five pages
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/__fixture/log", timeout=5) as answer:
            log = json.load(answer)
        assert {entry["path"] for entry in log} == {"/robots.txt", "/"}
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
