from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from enrichment_pipeline.core.writing import (
    DEFAULT_PROFILE,
    LlmCache,
    WriterConfig,
    build_facts,
    build_messages,
    cache_key,
    estimate_cost,
    estimate_prompt_tokens,
    summarize_emails,
    write_template,
)
from enrichment_pipeline.core.writing import prompt as prompt_module
from enrichment_pipeline_tests.fixtures.writing_samples import sample_businesses

FACTS = [build_facts(record, contacts) for record, contacts in sample_businesses(200, seed=3)]
OPENAI = WriterConfig(provider="openai", api_key="sk-x")


def test_template_estimate_is_free() -> None:
    estimate = estimate_cost(FACTS, config=WriterConfig(), profile=DEFAULT_PROFILE)
    assert (estimate.calls, estimate.cost_usd) == (0, 0.0)
    assert "template" in estimate.summary()


def test_openai_estimate_one_call_per_distinct_business_and_under_budget() -> None:
    batch = [*FACTS, *FACTS[:10]]  # ten duplicate rows share their call
    estimate = estimate_cost(batch, config=OPENAI, profile=DEFAULT_PROFILE)
    distinct = len({cache_key(f, model=OPENAI.model, profile=DEFAULT_PROFILE) for f in batch})
    assert estimate.calls == distinct and estimate.records == len(batch)
    expected_in = sum(
        estimate_prompt_tokens(build_messages(f, DEFAULT_PROFILE))
        for f in {
            cache_key(f, model=OPENAI.model, profile=DEFAULT_PROFILE): f for f in batch
        }.values()
    )
    assert estimate.tokens_in == expected_in
    assert estimate.tokens_out == distinct * OPENAI.expected_output_tokens
    assert estimate.cost_usd == OPENAI.cost(estimate.tokens_in, estimate.tokens_out)
    assert estimate.cost_per_10k_usd <= 3.0  # the budget at gpt-4o-mini prices


def test_cache_hits_are_not_estimated_and_roundtrip(tmp_path: Path) -> None:
    cache = LlmCache(tmp_path / "cache.sqlite3")
    email = write_template(FACTS[0], DEFAULT_PROFILE)
    email.writer, email.tokens_in = "openai", 123
    key = cache_key(FACTS[0], model=OPENAI.model, profile=DEFAULT_PROFILE)
    cache.put(key, email)
    assert cache.get_many([key, "missing"]) == {key: email}
    estimate = estimate_cost(FACTS[:3], config=OPENAI, profile=DEFAULT_PROFILE, cache=cache)
    assert (estimate.cached, estimate.calls) == (1, 2)
    cache.close()
    assert LlmCache(tmp_path / "cache.sqlite3").get_many([key])[key].tokens_in == 123


def test_cache_key_parts(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    facts = FACTS[0]
    key = cache_key(facts, model="m", profile=DEFAULT_PROFILE)
    assert key == cache_key(replace(facts, company_key="other"), model="m", profile=DEFAULT_PROFILE)
    assert key != cache_key(replace(facts, city="Elsewhere"), model="m", profile=DEFAULT_PROFILE)
    assert key != cache_key(facts, model="m2", profile=DEFAULT_PROFILE)
    other_profile = replace(DEFAULT_PROFILE, call_to_action="Call me?")
    assert key != cache_key(facts, model="m", profile=other_profile)
    monkeypatch.setattr("enrichment_pipeline.core.writing.cache.PROMPT_VERSION", "email-v999")
    assert key != cache_key(facts, model="m", profile=DEFAULT_PROFILE)
    assert prompt_module.PROMPT_VERSION == "email-v1"


def test_summary_totals() -> None:
    emails = [write_template(f, DEFAULT_PROFILE) for f in FACTS[:4]]
    emails[0].writer, emails[0].tokens_in, emails[0].tokens_out = "openai", 500, 300
    emails[0].cost_usd, emails[0].calls = OPENAI.cost(500, 300), 1
    emails[1].writer, emails[1].fallback_reason = "template_fallback", "guardrails: field x"
    summary = summarize_emails(emails)
    assert summary["writers"] == {"openai": 1, "template_fallback": 1, "template": 2}
    assert summary["fallback_reasons"] == {"guardrails": 1}
    assert summary["model_calls"] == 1 and summary["tokens_in"] == 500
    assert summary["cost_per_10k_usd"] == round(OPENAI.cost(500, 300) / 4 * 10_000, 4)
