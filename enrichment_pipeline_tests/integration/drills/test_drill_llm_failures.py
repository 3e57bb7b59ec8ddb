"""Drill: the model endpoint fails (a 429 storm, 500s, timeouts) during a pipeline run."""

from __future__ import annotations

import itertools
import threading
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from enrichment_pipeline.core.writing.facts import short_company_name
from enrichment_pipeline_tests.fixtures.llm_fault_server import (
    FaultServer,
    RecordedRequest,
    Reply,
    user_facts,
)
from enrichment_pipeline_tests.fixtures.llm_stub import grounded_handler
from enrichment_pipeline_tests.fixtures.web import generate_businesses
from enrichment_pipeline_tests.integration.drills.helpers import cli_env, run_cli
from enrichment_pipeline_tests.integration.pipeline.helpers import write_csv

pytestmark = pytest.mark.slow

BUSINESSES = 12
STORM_REQUESTS = 8  # the first requests of the run all get 429
RETRIES = 2
TIMEOUT_S = 0.5


def test_endpoint_failures_back_off_then_fall_back_and_the_run_completes(tmp_path: Path) -> None:
    businesses = generate_businesses(BUSINESSES, seed=99)
    group = {short_company_name(b.name) or b.name: i % 4 for i, b in enumerate(businesses)}
    good = grounded_handler()
    lock = threading.Lock()
    seen = {"count": 0}

    def handler(record: RecordedRequest) -> Reply:
        with lock:
            seen["count"] += 1
            storm = seen["count"] <= STORM_REQUESTS
        if storm:
            return Reply.error(429, "rate limit reached", code="rate_limit_exceeded",
                               headers={"retry-after-ms": "200"})  # fmt: skip
        kind = group[user_facts(record)["business"]]
        if kind == 0:
            return Reply.error(500, "upstream model crashed")
        if kind == 1:
            reply = good(record)
            reply.delay_s = TIMEOUT_S * 4  # longer than the client waits
            return reply
        return good(record)

    source = write_csv(tmp_path / "no sites.csv", businesses, with_website=False)
    data_dir = tmp_path / "data"
    with FaultServer(handler) as server:
        env = cli_env(
            data_dir,
            LLM_PROVIDER="openai",
            LLM_BASE_URL=server.base_url,
            LLM_API_KEY="sk-drill-0123456789",
            LLM_MAX_RETRIES=str(RETRIES),
            LLM_TIMEOUT_S=str(TIMEOUT_S),
        )
        done = run_cli(["run", str(source), "--out", str(tmp_path / "out"), "--json"], env)
        requests = server.chat_requests()
    assert done.returncode == 0, done.stderr

    by_business: dict[str, list[RecordedRequest]] = defaultdict(list)
    for record in requests:
        by_business[user_facts(record)["business"]].append(record)
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "SELECT v.name, g.writer, g.fallback_reason FROM generated_emails g"
            " JOIN validated_records v ON v.row_number = g.record_id AND v.upload_id = g.upload_id"
        ).fetchall()
    finally:
        con.close()
    assert len(rows) == BUSINESSES
    for name, writer, reason in rows:
        key = short_company_name(name) or name
        calls = by_business[key]
        if group[key] == 0:
            assert writer == "template_fallback" and "500" in reason, (name, reason)
            assert len(calls) >= RETRIES + 1
        elif group[key] == 1:
            assert writer == "template_fallback" and "timed out" in reason, (name, reason)
        else:
            assert writer == "openai" and not reason, (name, writer, reason)
        if len(calls) > 1:  # every retry waited: backoff, or the server's retry-after-ms
            gaps = [b.started - a.started for a, b in itertools.pairwise(calls)]
            assert min(gaps) >= 0.19, gaps
    assert any(r.index < STORM_REQUESTS for r in requests)
