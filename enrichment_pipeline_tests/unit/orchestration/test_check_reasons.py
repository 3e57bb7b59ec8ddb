"""Warnings say why: each warning check names its most common reason and lists the rows."""

from __future__ import annotations

import json
from types import SimpleNamespace

import dagster as dg
import pandas as pd

from enrichment_pipeline.core.report.summary import CAUSE_NOT_FOUND
from enrichment_pipeline.defs.checks.enrichment_checks import (
    contact_rate,
    fallback_rate,
    match_rate,
)
from enrichment_pipeline.defs.checks.ingestion_checks import rejection_rate
from enrichment_pipeline.runner import _root_message


def test_low_match_rate_names_the_main_reason() -> None:
    matches = pd.DataFrame(
        {
            "record_id": [1, 2, 3, 4],
            "status": ["matched", "not_found", "not_found", "ambiguous"],
            "error": [
                None,
                "no website found; search: no usable result; guessing: 0 of 13 guessed domains",
                "no website found; search: no usable result; guessing: 0 of 9 guessed domains",
                "two sites verified with similar confidence: https://a.example/ (0.70) and ...",
            ],
            "review_candidate": [None, None, None, "https://b.example/"],
        }
    )
    result = match_rate(matches)
    assert not result.passed and result.severity == dg.AssetCheckSeverity.WARN
    assert result.description == (
        f"only 25% of businesses got a verified website; most common reason: {CAUSE_NOT_FOUND} (2)"
    )
    assert f"| {CAUSE_NOT_FOUND} | 2 |" in result.metadata["reasons"].value
    assert "https://b.example/" in result.metadata["unmatched"].value


def test_a_few_rejected_rows_pass_but_are_described_and_listed() -> None:
    raw = pd.DataFrame({"row_number": range(1, 11)})
    rejected = pd.DataFrame(
        {"row_number": [4, 9], "reason": ["missing business name", "phone '12' is not valid"]}
    )
    result = rejection_rate(rejected, raw)
    assert result.passed  # 20% is the warning line
    assert result.description.startswith("2 of 10 rows (20%) could not be used")
    listed = result.metadata["rejected_rows"].value
    assert "| 4 | missing business name |" in listed and "| 9 |" in listed
    assert rejection_rate(rejected.iloc[:0], raw).description is None


def test_low_contact_rate_names_what_went_wrong() -> None:
    contacts = pd.DataFrame(
        {
            "status": ["ok", "blocked", "blocked", "no_website"],
            "primary_email": ["a@a.example", None, None, None],
            "error": [None, "disallowed by robots.txt (x)", "disallowed by robots.txt (y)", None],
        }
    )
    result = contact_rate(contacts)
    assert not result.passed
    assert "33% of visited websites" in result.description
    assert "most common: disallowed by robots.txt (2)" in result.description


def test_fallback_reasons_are_grouped_by_cause() -> None:
    emails = pd.DataFrame(
        {
            "record_id": [1, 2, 3],
            "writer": ["template_fallback"] * 2 + ["openai"],
            "fallback_reason": ["invented 'Since 1990'", "invented 'Best in Tampa'", None],
            "model": ["m", "m", "m"],
        }
    )
    result = fallback_rate(emails)
    assert result.description == "67% of emails fell back to the template; top reason: " + (
        "invented '…' (2)"
    )
    assert result.metadata["fallbacks"].value == 2


def test_a_step_failure_shows_the_users_exception_not_dagsters_wrapper() -> None:
    cause = SimpleNamespace(
        message="enrichment_pipeline.core.writing.config.WriterConfigError: LLM_PROVIDER must "
        "be one of ('template', 'openai'), not 'gpt'\n",
        cause=None,
    )
    retried = SimpleNamespace(message="Exceeded max_retries of 2\n", cause=cause)
    assert _root_message(retried) == (
        "LLM_PROVIDER must be one of ('template', 'openai'), not 'gpt'"
    )
    plain = SimpleNamespace(message="KeyError: 'pages'\nTraceback...", cause=None)
    assert _root_message(plain) == "KeyError: 'pages'"
    assert json.dumps(_root_message(None))  # no error info at all still yields a line
