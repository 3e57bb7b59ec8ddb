"""Benchmark: what the data-quality report adds to the export, measured in the same run.

    python -m enrichment_pipeline_tests.bench.bench_report [--rows 10000] [--repeat 3]

Builds the stage tables of a synthetic upload (matches, contacts and emails shaped like the
real ones), then times, best of `--repeat`:
- reference: `write_outputs` (the export itself: enriched CSV, JSON and rejected CSV);
- `summarize_upload` (the numbers) and `write_report` (charts + HTML), separately;
- the first report in a fresh process (matplotlib's import included), once.
Prints seconds, the report's share of the export, and the report's size.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from enrichment_pipeline.core.export import write_outputs
from enrichment_pipeline.core.report import summarize_upload, write_report


def _frames(rows: int, seed: int = 7) -> dict[str, pd.DataFrame]:
    rng = random.Random(seed)
    raw, valid, rejected, matches, contacts, emails = [], [], [], [], [], []
    for n in range(1, rows + 1):
        fields = {"Dealer Name": f"Dealer {n}", "Phone": f"(305) 555-{n % 10000:04d}"}
        raw.append({"row_number": n, "fields": json.dumps(fields)})
        if rng.random() < 0.03:
            reason = rng.choice(["missing business name", f"phone '{n}' is not a valid US number"])
            rejected.append({"row_number": n, "reason": reason, "fields": json.dumps(fields)})
            continue
        duplicate = n - 1 if valid and rng.random() < 0.02 else None
        valid.append(
            {"row_number": n, "company_key": f"dealer-{n}", "phone_e164": None,
             "duplicate_of": duplicate}
        )  # fmt: skip
        if duplicate is not None:
            continue
        found = rng.random() < 0.8
        domain = f"dealer{n}.example"
        matches.append(
            {"record_id": n, "status": "matched" if found else "not_found",
             "website": f"https://{domain}/" if found else None,
             "confidence": round(rng.uniform(0.6, 1.0) if found else rng.uniform(0, 0.5), 3),
             "source": rng.choice(["csv", "searxng", "guess"]) if found else None,
             "error": None if found else "no website found; search: no usable result",
             "checked_at": "2026-12-01"}
        )  # fmt: skip
        addresses = [f"sales@{domain}", f"owner{n}@{domain}"] if found else []
        socials = {"facebook": [f"https://www.facebook.com/d{n}"]} if found else {}
        contacts.append(
            {"record_id": n, "status": "ok" if found else "no_website", "error": None,
             "emails": json.dumps([{"address": a} for a in addresses]),
             "primary_email": addresses[0] if addresses else None,
             "phones": json.dumps([{"e164": "+13055550230"}] if found else []),
             "owner_name": f"Owner {n}" if found else None, "owner_title": "Owner",
             "people": json.dumps([]), "facts": json.dumps([]), "pages": json.dumps([]),
             "socials": json.dumps(socials),
             "sources": json.dumps({})}
        )  # fmt: skip
        emails.append(
            {"record_id": n, "subject_1": "a", "subject_2": "b", "subject_3": "c",
             "icebreaker": "i", "hot_button": "h", "email_body": "body " * 100,
             "writer": "openai", "fallback_reason": None, "model": "gpt-4o-mini", "calls": 1,
             "tokens_in": 420, "tokens_out": 230, "cost_usd": 0.000201, "cached": False}
        )  # fmt: skip
    return {
        "raw": pd.DataFrame(raw),
        "valid": pd.DataFrame(valid),
        "rejected": pd.DataFrame(rejected),
        "matches": pd.DataFrame(matches),
        "contacts": pd.DataFrame(contacts),
        "emails": pd.DataFrame(emails),
    }


def _best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def _first_report_in_a_fresh_process(rows: int) -> float:
    """Wall time of summarise + write in a new interpreter: matplotlib's import is paid here."""
    code = (
        "import time,sys,tempfile,pathlib;"
        "from enrichment_pipeline_tests.bench.bench_report import _frames,_summary;"
        f"f=_frames({rows});t=time.perf_counter();"
        "from enrichment_pipeline.core.report import write_report;"
        "write_report(pathlib.Path(tempfile.mkdtemp())/'r.html',_summary(f));"
        "print(time.perf_counter()-t)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def _summary(f: dict[str, pd.DataFrame], summary: Any = None) -> Any:
    rows_with_website = rows_with_email = rows_ready = len(f["matches"])
    return summarize_upload(
        file_name="bench.csv",
        upload_key="bench-00000000",
        rows_in=len(f["raw"]),
        validated=f["valid"],
        rejected=f["rejected"],
        matches=f["matches"],
        contacts=f["contacts"],
        emails=f["emails"],
        row_statuses=summary.status_counts if summary else {"ok": rows_with_website},
        rows_with_website=summary.rows_with_website if summary else rows_with_website,
        rows_with_email=summary.rows_with_email if summary else rows_with_email,
        rows_ready=summary.rows_ready if summary else rows_ready,
        outputs={"csv": "bench.csv"},
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    f = _frames(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        export_s, export = _best(
            lambda: write_outputs(
                out, "bench", f["raw"], f["valid"], f["rejected"], f["matches"],
                f["contacts"], f["emails"],
            ),
            args.repeat,
        )  # fmt: skip
        summary_s, quality = _best(lambda: _summary(f, export), args.repeat)
        page_s, path = _best(
            lambda: write_report(out / "bench.report.html", quality, threshold=0.6), args.repeat
        )
        size_kb = path.stat().st_size / 1024
    fresh_s = _first_report_in_a_fresh_process(args.rows)
    report_s = summary_s + page_s
    print(f"rows: {args.rows:,} (best of {args.repeat})")
    print(f"export (CSV + JSON + rejected), reference: {export_s:8.3f} s")
    print(f"report: summary                          : {summary_s:8.3f} s")
    print(f"report: charts + HTML                    : {page_s:8.3f} s")
    print(f"report total                             : {report_s:8.3f} s"
          f"  = {report_s / export_s:.2f}x the export")  # fmt: skip
    print(f"first report in a fresh process          : {fresh_s:8.3f} s (matplotlib import)")
    print(f"report size                              : {size_kb:8.1f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
