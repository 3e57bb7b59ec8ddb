"""Run a command and sample its whole process tree (CPU, RSS) from /proc while it runs.

The pipeline's CPU includes everything it starts (Playwright's driver, Chromium): a process's
`cutime`/`cstime` hold the CPU of children it has reaped, so "own + reaped children" summed over
the live tree is a continuous CPU clock for the tree. Samples are kept with wall-clock times so
that per-stage CPU can be read between a stage's start and end (Dagster's step timestamps).
Linux only; elsewhere the samples are empty and the totals come from `getrusage` alone.
"""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass(frozen=True)
class Sample:
    at: float  # time.time()
    cpu_s: float  # tree CPU (user + system, incl. reaped children) so far
    rss_mb: float  # summed proportional resident memory (PSS) of the live tree
    browser_cpu_s: float = 0.0  # the part spent in Playwright's driver and Chromium


@dataclass
class Measured:
    """What one command cost."""

    returncode: int
    wall_s: float
    cpu_s: float  # user + system of the command and all its descendants
    peak_rss_mb: float  # the command's own process: its VmHWM high-water mark, last sampled
    peak_tree_rss_mb: float  # largest sampled PSS sum over the live tree (shared pages once)
    started_at: float
    ended_at: float
    stdout: str
    stderr: str
    samples: list[Sample] = field(default_factory=list)

    @property
    def browser_cpu_s(self) -> float:
        """CPU of the browser subtree (its last sample: it is closed before the run ends)."""
        return max((s.browser_cpu_s for s in self.samples), default=0.0)

    def cpu_between(self, start: float, end: float) -> float:
        """Tree CPU seconds spent between two wall-clock times (linear between samples)."""
        return max(0.0, self._cpu_at(end) - self._cpu_at(start))

    def peak_rss_between(self, start: float, end: float) -> float:
        inside = [s.rss_mb for s in self.samples if start <= s.at <= end]
        return max(inside, default=0.0)

    def _cpu_at(self, when: float) -> float:
        points = [Sample(self.started_at, 0.0, 0.0), *self.samples]
        points.append(Sample(self.ended_at, self.cpu_s, 0.0))
        previous = points[0]
        for point in points[1:]:
            if point.at >= when:
                span = point.at - previous.at
                if span <= 0:
                    return point.cpu_s
                share = (when - previous.at) / span
                return previous.cpu_s + share * (point.cpu_s - previous.cpu_s)
            previous = point
        return points[-1].cpu_s


_BROWSER_NAMES = ("chrom", "node", "headless")


def _pss_mb(pid: int) -> float | None:
    """Proportional set size: resident memory with pages shared by N processes counted 1/N.

    Summing RSS over Chromium's processes counts its shared memory once per process (measured:
    2.0 GB of "RSS" for ~1 GB of real use), so tree memory is summed as PSS.
    """
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        return None
    return None


def _stat(pid: int) -> tuple[int, float, float, str] | None:
    """(parent pid, CPU seconds incl. reaped children, memory MB, name) of one process."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
        statm = Path(f"/proc/{pid}/statm").read_text().split()
    except OSError:
        return None
    head, tail = raw.rsplit(")", 1)
    fields = tail.split()
    ppid = int(fields[1])
    ticks = int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    pss = _pss_mb(pid)
    memory = pss if pss is not None else int(statm[1]) * _PAGE / 1e6
    return ppid, ticks / _TICK, memory, head.split("(", 1)[1].lower()


def high_water_mb(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM), 0 when unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def tree_usage(root: int) -> tuple[float, float, float]:
    """(CPU seconds, RSS MB, browser CPU seconds) summed over `root` and its live descendants."""
    stats: dict[int, tuple[int, float, float, str]] = {}
    try:
        pids = [int(name) for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return 0.0, 0.0, 0.0
    for pid in pids:
        found = _stat(pid)
        if found is not None:
            stats[pid] = found
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    cpu = rss = browser = 0.0
    stack = [(root, False)]
    while stack:
        pid, inside_browser = stack.pop()
        if pid in stats:
            _, pid_cpu, pid_rss, name = stats[pid]
            cpu += pid_cpu
            rss += pid_rss
            if not inside_browser and any(n in name for n in _BROWSER_NAMES):
                inside_browser = True
                browser += pid_cpu  # a browser root: its own and its reaped children's CPU
            elif inside_browser:
                browser += pid_cpu
        stack.extend((child, inside_browser) for child in children.get(pid, ()))
    return cpu, rss, browser


def measure(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    interval_s: float = 0.25,
    timeout_s: float | None = None,
) -> Measured:
    """Run `command` to completion, sampling its process tree every `interval_s`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.time()
    process = subprocess.Popen(
        list(command),
        env=dict(env) if env is not None else None,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    samples: list[Sample] = []
    own_peak = [0.0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(interval_s):
            cpu, rss, browser = tree_usage(process.pid)
            own_peak[0] = max(own_peak[0], high_water_mb(process.pid))
            if rss:
                samples.append(Sample(time.time(), cpu, rss, browser))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        stdout, stderr = process.communicate(timeout=timeout_s)
    finally:
        stop.set()
        sampler.join()
        if process.poll() is None:
            process.kill()
            process.wait()
    ended = time.time()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # Grandchildren orphaned before being waited for (Chromium's helpers when the browser exits)
    # never reach getrusage; the sampled tree clock still saw them.
    cpu = max(cpu, max((s.cpu_s for s in samples), default=0.0))
    return Measured(
        returncode=process.returncode,
        wall_s=ended - started,
        cpu_s=cpu,
        peak_rss_mb=own_peak[0],
        peak_tree_rss_mb=max((s.rss_mb for s in samples), default=0.0),
        started_at=started,
        ended_at=ended,
        stdout=stdout,
        stderr=stderr,
        samples=samples,
    )
