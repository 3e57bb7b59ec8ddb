"""The `enrichment-pipeline` command.

`run` executes the same Dagster job the inbox sensor launches (`enrich_upload`), in process, for
one file; `extract` runs the contact extractor on one saved page. Dagster's own log lines are
kept at WARNING so the terminal shows progress, not plumbing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_FILE = 2
EXIT_CONFIG = 3
EXIT_INTERRUPTED = 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="enrichment-pipeline",
        description=(
            "Enrich a CSV of local businesses: official website, contacts, decision makers and "
            "a personalised cold email per row. The same Dagster assets as `make run`, in process."
        ),
        epilog="Environment: ENRICH_DATA_DIR, ENRICH_HOST_MAP, SEARXNG_URL, BRAVE_API_KEY, "
        "GOOGLE_API_KEY/GOOGLE_CSE_ID, LLM_PROVIDER, LLM_BASE_URL, LLM_API_KEY, LLM_MODEL, "
        "ENRICH_CHROMIUM (see README).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="enrich one CSV file and write DIR/<name>.csv, .json and .rejected.csv",
        description="Enrich one CSV file. Writes <name>.csv, <name>.json, <name>.rejected.csv "
        "and the data-quality report <name>.report.html into the output folder. Exit 0 on "
        "success, 1 when a stage fails, 2 when the file cannot be taken, 3 when the "
        "configuration is wrong (nothing ran); the reason and its fix are printed on stderr "
        "in one line.",
    )
    run.add_argument("file", type=Path, help="the CSV file (any delimiter/encoding)")
    run.add_argument("--out", type=Path, default=None, help="output folder (default data/outbox)")
    run.add_argument(
        "--estimate",
        action="store_true",
        help="print the expected model calls, tokens and cost; run nothing",
    )
    run.add_argument(
        "--recompute",
        action="store_true",
        help="execute every stage even when this file's stored results are still good "
        "(pages and model answers still come from the caches)",
    )
    run.add_argument(
        "--quiet", action="store_true", help="no progress bars or summary (errors still print)"
    )
    run.add_argument(
        "--json",
        action="store_true",
        help="print the outcome as JSON on stdout (no progress bars): paths, counts, warnings",
    )

    extract = sub.add_parser(
        "extract",
        help="run the contact extractor on one saved HTML page and print JSON",
        description="Extract emails, phones, social profiles and people from a saved page.",
    )
    extract.add_argument("--url", required=True, help="the page's URL (for links and domains)")
    extract.add_argument("file", type=Path, help="the saved HTML file")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "extract":
        return _extract(args)
    return _run(args)


def _fail(message: str, code: int) -> int:
    """One line on stderr: what went wrong and, when it is a known situation, the fix."""
    from enrichment_pipeline.core.troubleshooting import fix_for

    fix = fix_for(message)
    if fix and "(fix:" not in message:
        message = f"{message} (fix: {fix})"
    print(f"enrichment-pipeline: {message}", file=sys.stderr)
    return code


def _extract(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        return _fail(f"{args.file}: no such file", EXIT_BAD_FILE)
    from enrichment_pipeline.core.extract import extract_file

    print(json.dumps(extract_file(args.file, args.url), indent=2, ensure_ascii=False))
    return EXIT_OK


def _estimate(path: Path, as_json: bool) -> int:
    from enrichment_pipeline.core.ingest import IngestConfig, UploadError, read_upload
    from enrichment_pipeline.core.normalize import validate_records
    from enrichment_pipeline.core.paths import data_paths
    from enrichment_pipeline.core.writing import (
        LlmCache,
        SenderProfileError,
        WriterConfig,
        WriterConfigError,
        build_facts,
        estimate_cost,
        load_sender_profile,
    )
    from enrichment_pipeline.defs.assets.common import none_if_missing, unique_records

    try:
        raw = read_upload(path, IngestConfig())
    except UploadError as err:
        return _fail(f"{path.name}: {err}", EXIT_BAD_FILE)
    valid = unique_records(validate_records(raw.frame).valid)
    facts = [
        build_facts({k: none_if_missing(v) for k, v in r.items()}, None)
        for r in valid.to_dict("records")
    ]
    paths = data_paths()
    try:
        config = WriterConfig.from_env(dict(os.environ, LLM_PROVIDER="openai"))
        profile_path = paths.sender_profile
        profile = load_sender_profile(profile_path if profile_path.exists() else None)
    except (WriterConfigError, SenderProfileError) as err:
        return _fail(str(err), EXIT_FAILED)
    estimate = estimate_cost(facts, config=config, profile=profile, cache=LlmCache(paths.cache_db))
    if as_json:
        print(json.dumps(estimate.to_dict(), indent=2))
    else:
        print(estimate.summary())
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    path: Path = args.file
    if not path.is_file():
        return _fail(f"{path}: no such file", EXIT_BAD_FILE)
    if args.estimate:
        return _estimate(path, args.json)

    from enrichment_pipeline.core.troubleshooting import preflight

    problems = preflight()
    if problems:
        return _fail(problems[0].line(), EXIT_CONFIG)
    from enrichment_pipeline.runner import run_file

    started = time.perf_counter()
    try:
        # Bars only on a terminal: piped or captured stderr (scripts, CI, logs) gets the one-line
        # error contract and nothing else.
        bars = not (args.quiet or args.json) and sys.stderr.isatty()
        outcome = run_file(path, out_dir=args.out, show_progress=bars, recompute=args.recompute)
    except KeyboardInterrupt:
        return _fail(
            "interrupted (fix: run the same command again; pages, matches and emails already "
            "done are reused from the caches)",
            EXIT_INTERRUPTED,
        )
    outcome["seconds"] = round(time.perf_counter() - started, 2)
    if args.json:
        print(json.dumps(outcome, indent=2, default=str))
    elif not args.quiet and outcome["ok"]:
        _print_summary(outcome)
    if not outcome["ok"]:
        return _fail(outcome["error"], EXIT_BAD_FILE if outcome.get("bad_file") else EXIT_FAILED)
    return EXIT_OK


def _share(part: Any, whole: Any) -> str:
    return f" ({part / whole:.0%})" if isinstance(part, int) and whole else ""


def _print_summary(outcome: dict[str, Any]) -> None:
    """The final table: the funnel in rows, who wrote the emails, warnings, and the files."""
    from rich.console import Console
    from rich.table import Table

    rows_in = outcome.get("rows_in") or 0
    table = Table(
        title=f"{outcome['file']}  (upload {outcome['upload']})",
        show_header=False,
        title_justify="left",
    )
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    rejected = outcome.get("rows_rejected") or 0
    table.add_row("rows in your file", f"{rows_in:,}")
    table.add_row(
        "rows not usable",
        f"{rejected:,}" + (" (reasons in the rejected file below)" if rejected else ""),
    )
    for label, key in (
        ("website verified", "rows_with_website"),
        ("email address found", "rows_with_email"),
        ("email ready to send", "rows_ready_to_send"),
    ):
        value = outcome.get(key)
        if value is not None:
            table.add_row(label, f"{value:,}{_share(value, rows_in)}")
    statuses = outcome.get("statuses") or {}
    if statuses:
        table.add_row("row status", ", ".join(f"{k} {v:,}" for k, v in sorted(statuses.items())))
    writers = outcome.get("writers") or {}
    if writers:
        cost = outcome.get("cost_usd") or 0.0
        calls = outcome.get("model_calls") or 0
        written = ", ".join(f"{k} {v:,}" for k, v in writers.items())
        table.add_row("emails written by", f"{written}; {calls:,} model calls, ${cost:.4f}")
    reused = outcome.get("reused") or []
    if reused:
        from enrichment_pipeline.stage_progress import STAGES as SHOWN
        from enrichment_pipeline.stage_reuse import STAGES

        labels = {stage.key: stage.label.lower() for stage in SHOWN}  # the progress bars' names
        names = ", ".join(labels[s.assets[0]] for s in STAGES if s.op in reused)
        table.add_row("reused", f"{names}: unchanged since the last run (--recompute redoes them)")
    for warning in outcome.get("warnings") or []:
        text = warning["description"] or f"check {warning['check']} did not pass"
        table.add_row("[yellow]warning[/yellow]", f"{warning['asset']}: {text}")
    table.add_row("time", f"{outcome['seconds']} s")
    console = Console(stderr=True)
    console.print(table)
    # Paths after the table, whole (soft_wrap): copy-pasteable however narrow the terminal.
    for label, key in (
        ("report", "report"),
        ("CSV", "csv"),
        ("JSON", "json"),
        ("rejected rows", "rejected"),
    ):
        if outcome.get(key):
            console.print(f"[bold]{label:>13}[/bold]  {outcome[key]}", soft_wrap=True)


if __name__ == "__main__":
    raise SystemExit(main())
