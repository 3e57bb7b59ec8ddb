"""Benchmark the email writers and measure real token usage and cost.

    python -m enrichment_pipeline_tests.bench.bench_writer [--records 10000] [--llm 6]

Template writer: emails per second on N sample businesses, against a reference measured in the
same run (formatting the same facts into a fixed three-paragraph string: the floor any
template writer pays), plus the guardrail check rate.
--llm K: writes K emails through the real llama.cpp server (SmolLM2-135M) and reports the
tokens per record it counted, the estimate for the same prompts, and dollars per 10,000
records at gpt-4o-mini prices ($0.15 / $0.60 per 1M tokens). The tiny model fails the
guardrails often, so its repair calls make this an upper bound for a capable model.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from enrichment_pipeline.core.writing import (
    DEFAULT_PROFILE,
    WriterConfig,
    WriterStats,
    build_facts,
    build_messages,
    check_email,
    estimate_cost,
    estimate_prompt_tokens,
    summarize_emails,
    write_emails,
)
from enrichment_pipeline_tests.fixtures.writing_samples import sample_businesses


def bench_template(records: int) -> None:
    samples = sample_businesses(records, seed=2024)
    started = time.perf_counter()
    facts = [build_facts(record, contacts) for record, contacts in samples]
    facts_s = time.perf_counter() - started

    started = time.perf_counter()
    reference = [
        f"Hi {f.person_name or f.company_name} team,\n\nI came across {f.company_name} in "
        f"{f.city}.\n\n{DEFAULT_PROFILE.offer}\n\n{DEFAULT_PROFILE.call_to_action}\n\n"
        f"{DEFAULT_PROFILE.footer()}"
        for f in facts
    ]
    reference_s = time.perf_counter() - started

    started = time.perf_counter()
    emails = write_emails(facts, config=WriterConfig(), profile=DEFAULT_PROFILE)
    template_s = time.perf_counter() - started

    sample = list(zip(facts, emails, strict=True))[:2000]
    started = time.perf_counter()
    failures = sum(1 for f, e in sample if check_email(e, f, DEFAULT_PROFILE))
    check_s = time.perf_counter() - started

    assert len(reference) == len(emails)
    print(f"records: {records}")
    print(f"build_facts:      {records / facts_s:10.0f} records/s")
    print(f"reference format: {records / reference_s:10.0f} records/s")
    print(f"template writer:  {records / template_s:10.0f} records/s "
          f"({template_s / reference_s:.1f}x the reference; {template_s * 1000 / records:.3f} "
          "ms per email)")  # fmt: skip
    print(f"guardrail check:  {len(sample) / check_s:10.0f} emails/s; "
          f"failures in {len(sample)}: {failures}")  # fmt: skip


def bench_llm(count: int) -> None:
    from enrichment_pipeline_tests.fixtures.llm_server import start_llm_server

    with tempfile.TemporaryDirectory() as folder:
        process, server = start_llm_server(Path(folder) / "server.log")
        try:
            facts = [build_facts(r, c) for r, c in sample_businesses(count, seed=99)]
            config = WriterConfig(
                provider="openai", base_url=server.base_url, model=server.model,
                temperature=0.0, seed=7, max_output_tokens=300, concurrency=2, timeout_s=180,
            )  # fmt: skip
            estimate = estimate_cost(facts, config=config, profile=DEFAULT_PROFILE)
            stats = WriterStats()
            started = time.perf_counter()
            emails = write_emails(facts, config=config, profile=DEFAULT_PROFILE, stats=stats)
            elapsed = time.perf_counter() - started
        finally:
            process.terminate()
            process.wait(10)
    summary = summarize_emails(emails)
    per_call_in = summary["tokens_in"] / max(1, stats.requests - 1)  # minus the format probe
    first_prompts = [estimate_prompt_tokens(build_messages(f, DEFAULT_PROFILE)) for f in facts]
    print(f"llm records: {count}, wall {elapsed:.1f} s ({elapsed / count:.1f} s per record)")
    print(f"writers: {summary['writers']}, requests: {stats.requests} "
          f"(repairs {stats.repairs}), format: {stats.response_format}")  # fmt: skip
    print(f"measured tokens per record: in {summary['tokens_in'] / count:.0f}, "
          f"out {summary['tokens_out'] / count:.0f}; per request in {per_call_in:.0f}")  # fmt: skip
    print(f"measured $ per 10,000 records at gpt-4o-mini prices: "
          f"{summary['cost_per_10k_usd']:.2f} (includes every repair call)")  # fmt: skip
    one_call = config.cost(
        round(summary["tokens_in"] / max(1, stats.requests - 1)),
        round(summary["tokens_out"] / max(1, stats.requests - 1)),
    )
    print(f"measured $ per 10,000 at one call per record: {one_call * 10_000:.2f}")
    print(f"estimate (no calls): {estimate.tokens_in / count:.0f} in per record "
          f"(first-call prompts avg {sum(first_prompts) / count:.0f}), "
          f"${estimate.cost_per_10k_usd:.2f} per 10,000")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--llm", type=int, default=0, help="emails to write with the real model")
    args = parser.parse_args()
    bench_template(args.records)
    if args.llm:
        bench_llm(args.llm)


if __name__ == "__main__":
    main()
