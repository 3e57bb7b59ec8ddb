"""The end-to-end benchmark harness, run small so it cannot rot (figures are not asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from enrichment_pipeline_tests.bench import bench_pipeline

pytestmark = pytest.mark.slow

RECORDS = 60


def test_harness_produces_sane_figures_for_every_scenario(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    code = bench_pipeline.main(
        [
            "--records", str(RECORDS),
            "--seed", "3",
            "--scenarios", "1,3,4,2",
            "--latency-ms", "20",
            "--llm-latency-ms", "10",
            "--references", "aiohttp,httpx_aiohttp,scrapy",
            "--json-out", str(out),
            "--workdir", str(tmp_path / "work"),
        ]
    )  # fmt: skip
    report = json.loads(out.read_text())
    assert code == 0, report
    scenarios = report["scenarios"]
    assert set(scenarios) == {"1", "2", "3", "4"}
    for name, result in scenarios.items():
        assert result["ok"] and result["summary"]["rows_in"] == RECORDS
        assert result["wall_s"] > 0 and result["cpu_s"] > 0 and result["peak_rss_mb"] > 0
        # Stages taken as stored are not executed (and not timed); the others are.
        executed = {"website_matches", "scraped_contacts", "generated_emails"} - {
            *result["stages_reused"]
        }
        assert executed | {"enriched_export"} <= set(result["stages"]), name
        assert result["dagster"]["startup_s"] > 0
    # 3 changes only the writer: the web stages are reused; 4 changes nothing.
    assert scenarios["3"]["stages_reused"] == [
        "raw_upload", "validated_and_rejected_records", "website_matches", "scraped_contacts"
    ]  # fmt: skip
    assert scenarios["4"]["stages_reused"] == [
        *scenarios["3"]["stages_reused"], "generated_emails"
    ]  # fmt: skip
    assert scenarios["1"]["stages_reused"] == [] and scenarios["2"]["stages_reused"] == []
    first = scenarios["1"]
    pages = first["stages"]["website_matches"]["pages_fetched"]
    pages += first["stages"]["scraped_contacts"]["pages_fetched"]
    assert pages > RECORDS and first["web_requests"] >= pages
    for runner in ("aiohttp", "httpx_aiohttp", "scrapy"):
        reference = first["references"][runner]
        # Exactly the pipeline's own request list, replayed.
        assert reference["pages"] == first["web_requests"], runner
        assert reference["cpu_s"] > 0 and reference["wall_s"] > 0
    businesses = report["checks"]["s3_businesses"]
    assert report["checks"]["s3_llm_requests_at_stub"] == businesses  # one call per record
    assert scenarios["3"]["stages"]["generated_emails"]["llm_calls"] == businesses
    assert scenarios["3"]["stages"]["generated_emails"]["tokens_in"] > 0
    assert scenarios["4"]["web_requests"] == 0  # the rerun fetches nothing
    assert scenarios["4"]["llm_server"]["requests"] == 0  # and asks the model nothing
    assert scenarios["2"]["web_requests"] > 0
    assert set(report["checks"]["verdicts"]) >= {
        "s1_wall_vs_aiohttp_plus_startup",
        "s1_cpu_vs_scrapy",
        "s2_fetch_wall_vs_ideal",
        "s3_one_call_per_record",
        "s4_zero_fetches_zero_calls",
        "s4_startup_dominates",
    }
