"""A tiny run of the fetcher benchmark so the script cannot rot (no timing is asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.slow
def test_bench_fetcher_runs_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "enrichment_pipeline_tests.bench.bench_fetcher",
            "--sites",
            "15",
            "--runners",
            "aiohttp,fetcher,fetcher_cold,fetcher_warm",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(Path.cwd())},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(out.read_text())
    results = report["results"]
    assert set(results) == {"aiohttp", "fetcher", "fetcher_cold", "fetcher_warm"}
    for name, data in results.items():
        assert data["ok"] == data["pages"] == report["pages"] > 20, name
        assert data["cpu_s"] > 0 and data["wall_s"] > 0
    assert "CPU vs scrapy" in done.stdout
