# ruff: noqa: E501  (benchmark report formatting)
"""End-to-end benchmark: the real pipeline on N synthetic businesses, against references.

    python -m enrichment_pipeline_tests.bench.bench_pipeline [--records 10000] [--seed 1]
        [--scenarios 1,2,3,4] [--latency-ms 300] [--llm-latency-ms 800] [--concurrency 64]
        [--references aiohttp,httpx_aiohttp,scrapy] [--json-out PATH] [--workdir DIR]

`make bench` runs it with the defaults. Each scenario runs `enrichment-pipeline run` (the same
`enrich_upload` Dagster job the inbox sensor launches) as its own process on a CSV of N
Florida-dealer-mix businesses served by the fixture web (its own process, so its CPU is
reported apart), with a DAGSTER_HOME so per-stage timings and metadata can be read back.

  1  zero-latency web, template writer. The fixture web logs every request the pipeline made;
     the references then replay exactly that request list (same hosts, paths, redirects not
     followed) at the same concurrency: a bare aiohttp loop (the limit), a bare loop on our HTTP
     client configuration (httpx on the httpx-aiohttp transport), and Scrapy.
     Targets: wall <= 2 x aiohttp + Dagster start-up; pipeline CPU <= Scrapy's; peak RSS <= 1.5 GB.
  3  the same file, openai writer against the OpenAI-compatible stub (--llm-latency-ms per call).
     Pages come from scenario 1's cache. Target: generation stage <= 1.2 x records x latency /
     writer concurrency; exactly one model call per business (counted at the stub).
  4  the same file again, with the writer of the scenario before it (openai after 3, else the
     template): zero fetches and zero model calls (counted at the servers); wall time is Dagster
     start-up plus reading caches.
  2  a fresh data directory, every response delayed --latency-ms. Target: the fetching stages
     <= 1.25 x ideal, ideal = requests x latency / concurrency.

Figures per stage: wall, records/s, pages fetched, pages/s, CPU s (whole process tree), CPU ms
per page, peak RSS, model calls and tokens. The result is printed and written as JSON
(default `bench/out/bench_pipeline.json`).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from enrichment_pipeline_tests.bench import bench_fetcher
from enrichment_pipeline_tests.bench.process_monitor import Measured, measure
from enrichment_pipeline_tests.bench.servers import Server, start_web

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DEFAULT_OUT = HERE / "out" / "bench_pipeline.json"
STAGES = (
    "raw_upload",
    "validated_and_rejected_records",
    "website_matches",
    "scraped_contacts",
    "generated_emails",
    "enriched_export",
)
FETCH_STAGES = ("website_matches", "scraped_contacts")
WEB_CONCURRENCY = 64  # WebResource.concurrency default: what the pipeline runs with
WRITER_CONCURRENCY = 16  # WriterResource.concurrency default
TARGETS = {
    "s1_wall_vs_aiohttp_plus_startup": 2.0,
    "s1_cpu_vs_scrapy": 1.0,
    "s1_peak_rss_mb": 1500.0,
    "s2_fetch_wall_vs_ideal": 1.25,
    "s3_generation_vs_ideal": 1.2,
}


# -- inputs -----------------------------------------------------------------------------------


def write_input_csv(path: Path, records: int, seed: int) -> int:
    """The upload: every business's row as a user would have it (website column included)."""
    from enrichment_pipeline_tests.fixtures.web import generate_businesses

    businesses = generate_businesses(records, seed=seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(businesses[0].csv_row().keys()))
        writer.writeheader()
        writer.writerows(b.csv_row() for b in businesses)
    return len(businesses)


def start_llm(latency_ms: float) -> Server:
    return Server(
        [
            sys.executable,
            "-m",
            "enrichment_pipeline_tests.fixtures.llm_stub",
            "--latency-ms",
            str(latency_ms),
        ]
    )


# -- one pipeline run -------------------------------------------------------------------------


def run_pipeline(
    source: Path, data_dir: Path, home: Path, extra_env: dict[str, str]
) -> tuple[Measured, dict[str, Any]]:
    """`enrichment-pipeline run` as its own process; returns the measurement and its summary."""
    home.mkdir(parents=True, exist_ok=True)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("LLM_", "ENRICH_"))},
        "PYTHONPATH": str(ROOT),
        "ENRICH_DATA_DIR": str(data_dir),
        "DAGSTER_HOME": str(home),
        **extra_env,
    }
    command = [
        sys.executable,
        "-m",
        "enrichment_pipeline.cli",
        "run",
        str(source),
        "--out",
        str(data_dir / "outbox"),
        "--json",
    ]
    measured = measure(command, env=env, cwd=ROOT)
    try:
        summary = json.loads(measured.stdout)
    except ValueError:
        summary = {"ok": False, "error": measured.stderr.strip()[-2000:]}
    return measured, summary


def stage_figures(home: Path, run_id: str, measured: Measured, records: int) -> dict[str, Any]:
    """Per-stage wall, CPU, RSS and metadata, read back from the run's Dagster instance."""
    import dagster as dg

    instance = dg.DagsterInstance.from_config(str(home))
    try:
        steps = {s.step_key: s for s in instance.get_run_step_stats(run_id)}
        stages: dict[str, Any] = {}
        for name in STAGES:
            step = steps.get(name)
            if step is None or step.start_time is None or step.end_time is None:
                continue
            wall = step.end_time - step.start_time
            cpu = measured.cpu_between(step.start_time, step.end_time)
            figures: dict[str, Any] = {
                "wall_s": round(wall, 3),
                "records_per_s": round(records / wall, 1) if wall > 0 else None,
                "cpu_s": round(cpu, 2),
                "peak_tree_rss_mb": round(
                    measured.peak_rss_between(step.start_time, step.end_time), 1
                ),
            }
            meta = _metadata(instance, name)
            if name in FETCH_STAGES:
                pages = int(meta.get("pages_fetched", 0))
                figures.update(
                    pages_fetched=pages,
                    pages_from_cache=int(meta.get("pages_from_cache", 0)),
                    pages_per_s=round(pages / wall, 1) if wall > 0 else None,
                    cpu_ms_per_page=round(1000 * cpu / pages, 3) if pages else None,
                )
                for key in ("pages_rendered", "pages_filled_from_data"):
                    if key in meta:
                        figures[key] = int(meta[key])
            if name == "generated_emails":
                figures.update(
                    llm_calls=int(meta.get("model_calls", 0)),
                    llm_cached_answers=int(meta.get("cached_answers", 0)),
                    tokens_in=int(meta.get("tokens_in", 0)),
                    tokens_out=int(meta.get("tokens_out", 0)),
                    cost_usd=float(meta.get("cost_usd", 0.0)),
                )
            stages[name] = figures
        timed = [s for s in steps.values() if s.start_time and s.end_time]
        first = min((s.start_time for s in timed), default=measured.started_at)
        last = max((s.end_time for s in timed), default=measured.ended_at)
        overhead = {
            "before_first_step_s": round(first - measured.started_at, 3),
            "after_last_step_s": round(measured.ended_at - last, 3),
            "steps_total_s": round(last - first, 3),
        }
        overhead["startup_s"] = round(
            overhead["before_first_step_s"] + overhead["after_last_step_s"], 3
        )
        return {"stages": stages, "dagster": overhead}
    finally:
        instance.dispose()


def _metadata(instance: Any, asset: str) -> dict[str, Any]:
    import dagster as dg

    event = instance.get_latest_materialization_event(dg.AssetKey(asset))
    if event is None or event.asset_materialization is None:
        return {}
    return {k: v.value for k, v in event.asset_materialization.metadata.items()}


def scenario_result(
    name: str,
    measured: Measured,
    summary: dict[str, Any],
    home: Path,
    records: int,
    web: Server,
    web_cpu_before: float,
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "scenario": name,
        "ok": bool(summary.get("ok")),
        "records": records,
        "wall_s": round(measured.wall_s, 3),
        "records_per_s": round(records / measured.wall_s, 1),
        "cpu_s": round(measured.cpu_s, 2),
        "browser_cpu_s": round(measured.browser_cpu_s, 2),
        "python_cpu_s": round(measured.cpu_s - measured.browser_cpu_s, 2),
        "peak_rss_mb": round(measured.peak_rss_mb, 1),
        "peak_tree_rss_mb": round(measured.peak_tree_rss_mb, 1),
        "web_server_cpu_s": round(web.cpu_s() - web_cpu_before, 2),
        "summary": {k: summary.get(k) for k in ("rows_in", "rows_enriched", "statuses", "error")},
        "stages_reused": summary.get("reused") or [],
    }
    if not result["ok"]:
        result["stderr_tail"] = measured.stderr.strip()[-3000:]
        return result
    result.update(stage_figures(home, summary["run_id"], measured, records))
    # Deciding which stages to reuse happens before the first step: not Dagster's start-up.
    check = float(summary.get("reuse_check_s") or 0.0)
    dagster = result["dagster"]
    dagster["reuse_check_s"] = round(check, 3)
    dagster["startup_s"] = round(dagster["startup_s"] - check, 3)
    dagster["before_first_step_s"] = round(dagster["before_first_step_s"] - check, 3)
    pages = sum(result["stages"].get(s, {}).get("pages_fetched", 0) for s in FETCH_STAGES)
    result["pages_fetched"] = pages
    result["cpu_ms_per_page"] = round(1000 * measured.cpu_s / pages, 3) if pages else None
    return result


# -- references -------------------------------------------------------------------------------


def request_log(web: Server) -> list[dict[str, Any]]:
    return [e for e in web.get("/__fixture/log") if e["method"] == "GET"]


def run_references(
    entries: list[dict[str, Any]],
    web: Server,
    host_map: Path,
    workdir: Path,
    runners: list[str],
    concurrency: int,
) -> dict[str, Any]:
    """Replay the pipeline's request log with each reference client, one process each."""
    urls_file = workdir / "replay_urls.txt"
    urls_file.write_text("\n".join(f"http://{e['host']}{e['path']}" for e in entries))
    results: dict[str, Any] = {}
    for runner in runners:
        before = web.cpu_s()
        data = bench_fetcher.run_child(
            runner, urls_file, web.port, host_map, concurrency, None, follow_redirects=False
        )
        data["web_server_cpu_s"] = round(web.cpu_s() - before, 2)
        if "cpu_s" in data:
            data["cpu_ms_per_page"] = round(1000 * data["cpu_s"] / data["pages"], 3)
            data["pages_per_s"] = round(data["pages"] / data["wall_s"], 1)
        results[runner] = data
        print(f"  reference {runner:14s} {bench_fetcher._row(data)}", flush=True)
    return results


# -- the whole benchmark ----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scenarios", default="1,3,4,2")
    parser.add_argument("--latency-ms", type=float, default=300.0)
    parser.add_argument("--llm-latency-ms", type=float, default=800.0)
    parser.add_argument("--references", default="aiohttp,httpx_aiohttp,scrapy")
    parser.add_argument("--json-out", type=Path, default=DEFAULT_OUT)
    parser.add_argument(
        "--workdir", type=Path, default=None, help="keep files here (default: temp)"
    )
    args = parser.parse_args(argv)
    scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    runners = [r for r in args.references.split(",") if r]

    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        report = bench(args, scenarios, runners, args.workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="bench_pipeline_") as tmp:
            report = bench(args, scenarios, runners, Path(tmp))
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(report, indent=2))
    print_report(report)
    print(f"\nJSON: {args.json_out}")
    failed = [s for s in report["scenarios"].values() if not s.get("ok")]
    return 1 if failed else 0


def bench(
    args: argparse.Namespace, scenarios: list[str], runners: list[str], workdir: Path
) -> dict[str, Any]:
    source = workdir / "florida_dealers.csv"
    records = write_input_csv(source, args.records, args.seed)
    report: dict[str, Any] = {
        "records": records,
        "seed": args.seed,
        "machine": machine(),
        "settings": {
            "web_concurrency": WEB_CONCURRENCY,
            "writer_concurrency": WRITER_CONCURRENCY,
            "latency_ms": args.latency_ms,
            "llm_latency_ms": args.llm_latency_ms,
        },
        "targets": TARGETS,
        "scenarios": {},
    }
    shared_data, shared_home = workdir / "data", workdir / "dagster_home"
    host_map = workdir / "hosts.json"
    cached = [s for s in scenarios if s in ("1", "3", "4")]
    if cached:
        web = start_web(records, args.seed, 0.0, host_map)
        llm = start_llm(args.llm_latency_ms) if ("3" in cached or "4" in cached) else None
        # Scenario 4 repeats the run before it: the openai writer after scenario 3 (answers from
        # the model cache), the template writer when 3 was not run (nothing was cached to reuse).
        openai_for = {"3", "4"} if "3" in cached else {"3"}
        try:
            base_env = {"ENRICH_HOST_MAP": str(host_map)}
            llm_env = (
                {
                    "LLM_PROVIDER": "openai",
                    "LLM_BASE_URL": f"http://127.0.0.1:{llm.port}/v1",
                    "LLM_API_KEY": "sk-bench-stub",
                    "LLM_MODEL": "gpt-4o-mini",
                    # The stub has no rate limits: lift the tier-1 defaults (500 RPM, 200k TPM)
                    # so that the writer's concurrency, not the limiter, is what is measured.
                    "LLM_RPM": "1000000",
                    "LLM_TPM": "1000000000",
                }
                if llm
                else {}
            )
            for name in cached:
                print(f"scenario {name} ...", flush=True)
                web.get("/__fixture/clear")
                llm_before = llm.get("/__stats") if llm else None
                web_before = web.cpu_s()
                env = {**base_env, **llm_env} if name in openai_for else dict(base_env)
                measured, summary = run_pipeline(source, shared_data, shared_home, env)
                result = scenario_result(
                    name, measured, summary, shared_home, records, web, web_before
                )
                log = request_log(web)
                result["web_requests"] = len(log)
                if llm is not None and llm_before is not None:
                    after = llm.get("/__stats")
                    result["llm_server"] = {
                        k: after[k] - llm_before[k] for k in ("requests", "served")
                    } | {"max_in_flight": after["max_in_flight"]}
                if name == "1" and result["ok"] and runners:
                    result["references"] = run_references(
                        log, web, host_map, workdir, runners, WEB_CONCURRENCY
                    )
                report["scenarios"][name] = result
                print(f"  {one_line(result)}", flush=True)
        finally:
            web.stop()
            if llm is not None:
                llm.stop()
    if "2" in scenarios:
        print("scenario 2 ...", flush=True)
        web = start_web(records, args.seed, args.latency_ms, host_map)
        try:
            web_before = web.cpu_s()
            measured, summary = run_pipeline(
                source,
                workdir / "data_latency",
                workdir / "dagster_home_latency",
                {"ENRICH_HOST_MAP": str(host_map)},
            )
            result = scenario_result(
                "2", measured, summary, workdir / "dagster_home_latency", records, web, web_before
            )
            result["web_requests"] = len(request_log(web))
            report["scenarios"]["2"] = result
            print(f"  {one_line(result)}", flush=True)
        finally:
            web.stop()
    report["checks"] = checks(report, args)
    return report


def checks(report: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """Ratios against the references and the issue's targets (reported, not asserted)."""
    out: dict[str, Any] = {}
    s = report["scenarios"]
    records = report["records"]
    one = s.get("1", {})
    refs = one.get("references", {})
    if one.get("ok") and "cpu_s" in refs.get("aiohttp", {}):
        startup = one["dagster"]["startup_s"]
        limit = refs["aiohttp"]["wall_s"] + startup
        out["s1_wall_vs_aiohttp_plus_startup"] = round(one["wall_s"] / limit, 3)
        out["s1_wall_vs_aiohttp"] = round(one["wall_s"] / refs["aiohttp"]["wall_s"], 3)
        out["s1_cpu_vs_aiohttp"] = round(one["cpu_s"] / refs["aiohttp"]["cpu_s"], 3)
    for runner in ("httpx_aiohttp", "scrapy"):
        if one.get("ok") and "cpu_s" in refs.get(runner, {}):
            out[f"s1_cpu_vs_{runner}"] = round(one["cpu_s"] / refs[runner]["cpu_s"], 3)
            out[f"s1_python_cpu_vs_{runner}"] = round(
                one["python_cpu_s"] / refs[runner]["cpu_s"], 3
            )
            out[f"s1_wall_vs_{runner}"] = round(one["wall_s"] / refs[runner]["wall_s"], 3)
    if one.get("ok"):
        out["s1_peak_rss_mb"] = max(one["peak_rss_mb"], one["peak_tree_rss_mb"])
        out["s1_web_requests"] = one.get("web_requests")
    two = s.get("2", {})
    if two.get("ok"):
        ideal = two["web_requests"] * args.latency_ms / 1000 / WEB_CONCURRENCY
        fetch_wall = sum(two["stages"].get(x, {}).get("wall_s", 0) for x in FETCH_STAGES)
        out["s2_ideal_s"] = round(ideal, 2)
        out["s2_fetch_wall_s"] = round(fetch_wall, 2)
        out["s2_fetch_wall_vs_ideal"] = round(fetch_wall / ideal, 3) if ideal else None
        out["s2_wall_vs_ideal_plus_startup"] = (
            round(two["wall_s"] / (ideal + two["dagster"]["startup_s"]), 3) if ideal else None
        )
    three = s.get("3", {})
    if three.get("ok"):
        businesses = int(three["summary"]["rows_enriched"] or records) - int(
            (three["summary"].get("statuses") or {}).get("duplicate", 0)
        )
        ideal = businesses * args.llm_latency_ms / 1000 / WRITER_CONCURRENCY
        gen = three["stages"]["generated_emails"]
        out["s3_ideal_s"] = round(ideal, 2)
        out["s3_generation_wall_s"] = gen["wall_s"]
        out["s3_generation_vs_ideal"] = round(gen["wall_s"] / ideal, 3) if ideal else None
        out["s3_businesses"] = businesses
        out["s3_llm_calls_reported"] = gen.get("llm_calls")
        out["s3_llm_requests_at_stub"] = three.get("llm_server", {}).get("requests")
        out["s3_calls_per_record"] = (
            round(out["s3_llm_requests_at_stub"] / businesses, 4)
            if businesses and out["s3_llm_requests_at_stub"] is not None
            else None
        )
        out["s3_cost_per_10k_usd"] = round(gen.get("cost_usd", 0) * 10_000 / businesses, 3)
    four = s.get("4", {})
    if four.get("ok"):
        out["s4_web_requests"] = four.get("web_requests")
        out["s4_llm_requests_at_stub"] = four.get("llm_server", {}).get("requests")
        out["s4_wall_s"] = four["wall_s"]
        out["s4_startup_s"] = four["dagster"]["startup_s"]
        out["s4_startup_share"] = round(four["dagster"]["startup_s"] / four["wall_s"], 3)
    verdicts = {}
    for key, limit in TARGETS.items():
        if out.get(key) is not None:
            verdicts[key] = "met" if out[key] <= limit else "missed"
    if "s3_calls_per_record" in out:
        verdicts["s3_one_call_per_record"] = "met" if out["s3_calls_per_record"] == 1 else "missed"
    if "s4_web_requests" in out:
        zero = out["s4_web_requests"] == 0 and not out.get("s4_llm_requests_at_stub")
        verdicts["s4_zero_fetches_zero_calls"] = "met" if zero else "missed"
        # "Dominated by start-up": Dagster's start-up is at least half of the rerun's wall time.
        dominant = out["s4_startup_share"] >= 0.5
        verdicts["s4_startup_dominates"] = "met" if dominant else "missed"
    out["verdicts"] = verdicts
    return out


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": sys.platform,
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    return info


def one_line(result: dict[str, Any]) -> str:
    if not result.get("ok"):
        return f"FAILED: {result.get('summary', {}).get('error')}"
    return (
        f"wall {result['wall_s']:.1f} s, CPU {result['cpu_s']:.1f} s "
        f"(browser {result.get('browser_cpu_s', 0):.1f} s), "
        f"peak RSS {result['peak_rss_mb']:.0f} MB (tree {result['peak_tree_rss_mb']:.0f}), "
        f"{result.get('web_requests', 0)} web requests, web server CPU {result['web_server_cpu_s']:.1f} s"
    )


def print_report(report: dict[str, Any]) -> None:
    m = report["machine"]
    print(
        f"\n{report['records']} records; {m.get('cpus')} CPUs ({m.get('cpu_model', '?')}), "
        f"{m.get('memory_gb', '?')} GB, Python {m.get('python')}"
    )
    for name, result in report["scenarios"].items():
        print(f"\nscenario {name}: {one_line(result)}")
        if not result.get("ok"):
            print(result.get("stderr_tail", ""))
            continue
        d = result["dagster"]
        print(
            f"  Dagster start-up + teardown {d['startup_s']:.2f} s (before first step "
            f"{d['before_first_step_s']:.2f} s, after last {d['after_last_step_s']:.2f} s); "
            f"deciding what to reuse {d.get('reuse_check_s', 0):.2f} s"
        )
        if result.get("stages_reused"):
            print(f"  reused as stored: {', '.join(result['stages_reused'])}")
        print(
            f"  {'stage':32s} {'wall s':>8s} {'rec/s':>8s} {'pages':>7s} {'pages/s':>8s} "
            f"{'CPU s':>7s} {'CPU ms/pg':>9s} {'RSS MB':>7s}  model calls / tokens in / out"
        )
        for stage, f in result["stages"].items():
            llm = ""
            if "llm_calls" in f:
                llm = f"{f['llm_calls']} / {f['tokens_in']} / {f['tokens_out']}"
            print(
                f"  {stage:32s} {f['wall_s']:8.2f} {f['records_per_s'] or 0:8.1f} "
                f"{f.get('pages_fetched', ''):>7} {f.get('pages_per_s') or '':>8} "
                f"{f['cpu_s']:7.2f} {f.get('cpu_ms_per_page') or '':>9} "
                f"{f['peak_tree_rss_mb']:7.0f}  {llm}"
            )
        for runner, data in result.get("references", {}).items():
            if "cpu_s" in data:
                print(
                    f"  reference {runner:14s} wall {data['wall_s']:.2f} s, CPU {data['cpu_s']:.2f} s "
                    f"({data['cpu_ms_per_page']:.3f} ms/page), {data['pages']} requests, "
                    f"RSS {data['peak_rss_mb']:.0f} MB"
                )
            else:
                print(f"  reference {runner}: {data}")
    print("\nchecks:")
    for key, value in report["checks"].items():
        if key != "verdicts":
            print(f"  {key:36s} {value}")
    for key, verdict in report["checks"]["verdicts"].items():
        limit = TARGETS.get(key)
        print(f"  target {key:30s} {verdict}" + (f" (limit {limit})" if limit else ""))


if __name__ == "__main__":
    sys.exit(main())
