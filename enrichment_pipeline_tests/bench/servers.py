"""Helper server processes of the benchmarks (the fixture web, the LLM stub) and their CPU."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of another process (Linux /proc), 0 elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    """A helper server process (fixture web or LLM stub) printing `PORT n` then `READY`."""

    def __init__(self, command: list[str]) -> None:
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert self.process.stdout is not None
        self.port = int(self.process.stdout.readline().split()[1])
        if self.process.stdout.readline().strip() != "READY":
            raise RuntimeError(f"{command[2]} did not start")

    def get(self, path: str) -> Any:
        response = httpx.get(f"http://127.0.0.1:{self.port}{path}", timeout=120)
        response.raise_for_status()
        return response.json()

    def cpu_s(self) -> float:
        return process_cpu(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_web(
    businesses: int, seed: int, latency_ms: float, host_map: Path, *, log_requests: bool = True
) -> Server:
    """The fixture web of `businesses` generated sites, as its own process."""
    command = [
        sys.executable,
        "-m",
        "enrichment_pipeline_tests.fixtures.web",
        "--businesses",
        str(businesses),
        "--seed",
        str(seed),
        "--latency-ms",
        str(latency_ms),
        "--host-map",
        str(host_map),
    ]
    return Server(command if log_requests else [*command, "--no-log"])
