"""Profile one `enrichment-pipeline run` with py-spy: where the pipeline's CPU goes.

    python -m enrichment_pipeline_tests.bench.profile_pipeline [--records 1000] [--seed 1]
        [--latency-ms 0] [--rate 100] [--top 25]

Starts the fixture web, runs the CLI on N businesses under `py-spy record` (sampling, no
instrumentation, so the figures are the real run's), writes a speedscope profile
(`bench/out/profile.speedscope.json`, open it at speedscope.app) and prints the functions
with the most samples, by own time and including callees. Chromium's CPU is not in a Python
profile; `bench_pipeline` reports it separately.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from enrichment_pipeline_tests.bench.bench_pipeline import ROOT, write_input_csv
from enrichment_pipeline_tests.bench.servers import start_web

OUT = Path(__file__).resolve().parent / "out"


def summarise(raw: Path, top: int) -> str:
    """Own-time and inclusive sample shares per function from py-spy's raw (collapsed) output."""
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [re.sub(r":\d+\)$", ")", f) for f in stack.split(";")]
        own[frames[-1]] += n
        for frame in set(frames):
            inclusive[frame] += n
    if not total:
        return "no samples"
    lines = [f"{total} samples", "-- own time"]
    lines += [f"{100 * n / total:5.1f}%  {f}" for f, n in own.most_common(top)]
    lines.append("-- including callees (our code)")
    ours = [(f, n) for f, n in inclusive.most_common() if "enrichment_pipeline" in f]
    lines += [f"{100 * n / total:5.1f}%  {f}" for f, n in ours[:top]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--rate", type=int, default=100, help="samples per second")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    py_spy = Path(sys.executable).with_name("py-spy")
    if not py_spy.exists():
        print("py-spy is not installed: pip install -e '.[bench]'", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="profile_") as tmp:
        work = Path(tmp)
        source = work / "dealers.csv"
        write_input_csv(source, args.records, args.seed)
        web = start_web(args.records, args.seed, args.latency_ms, work / "hosts.json")
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("LLM_", "ENRICH_"))},
            "PYTHONPATH": str(ROOT),
            "ENRICH_DATA_DIR": str(work / "data"),
            "ENRICH_HOST_MAP": str(work / "hosts.json"),
        }
        cli = [sys.executable, "-m", "enrichment_pipeline.cli", "run", str(source), "--quiet"]
        try:
            for fmt, target in (
                ("speedscope", OUT / "profile.speedscope.json"),
                ("raw", OUT / "profile.raw.txt"),
            ):
                # Two runs (one per format) on fresh data dirs: py-spy writes one format a run.
                env["ENRICH_DATA_DIR"] = str(work / f"data_{fmt}")
                subprocess.run(
                    [str(py_spy), "record", "--subprocesses", "-r", str(args.rate), "-f", fmt,
                     "-o", str(target), "--", *cli],
                    env=env, cwd=ROOT, check=True, capture_output=True,
                )  # fmt: skip
        finally:
            web.stop()
    print(summarise(OUT / "profile.raw.txt", args.top))
    print(f"\nspeedscope profile: {OUT / 'profile.speedscope.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
