"""Configuration mistakes found before a run, and fixes for errors met during one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from enrichment_pipeline.core.troubleshooting import fix_for, preflight


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    return {"ENRICH_DATA_DIR": str(tmp_path / "data"), **values}


def test_a_clean_environment_has_no_problems(tmp_path: Path) -> None:
    hosts = tmp_path / "hosts.json"
    hosts.write_text(json.dumps({"dealer.example": "http://127.0.0.1:8080"}))
    env = _env(
        tmp_path,
        ENRICH_HOST_MAP=str(hosts),
        LLM_PROVIDER="openai",
        LLM_API_KEY="sk-test",
        SEARXNG_URL="http://localhost:8888",
        GOOGLE_API_KEY="k",
        GOOGLE_CSE_ID="cx",
        ENRICH_COLUMN_MAP='{"Dealer": "name"}',
    )
    assert preflight(env) == []
    assert (tmp_path / "data" / "outbox").is_dir()


@pytest.mark.parametrize(
    ("values", "what", "fix"),
    [
        ({"ENRICH_HOST_MAP": "/nonexistent/hosts.json"}, "cannot read", "ENRICH_HOST_MAP"),
        ({"ENRICH_HOST_MAP": '{"a.example": "https://x"}'}, "must look like", "unset it"),
        ({"LLM_PROVIDER": "gpt"}, "LLM_PROVIDER", "'template'"),
        ({"ENRICH_COLUMN_MAP": "{bad"}, "not valid JSON", "ENRICH_COLUMN_MAP="),
        ({"ENRICH_MAX_ROWS": "lots"}, "not a number", "plain numbers"),
        ({"GOOGLE_API_KEY": "k"}, "only GOOGLE_API_KEY", "both"),
        ({"GOOGLE_CSE_ID": "cx"}, "only GOOGLE_CSE_ID", "both"),
        ({"SEARXNG_URL": "searx.local"}, "not an http(s) address", "SEARXNG_URL=http"),
    ],
)
def test_each_mistake_is_named_with_its_fix(
    tmp_path: Path, values: dict[str, str], what: str, fix: str
) -> None:
    [problem] = preflight(_env(tmp_path, **values))
    assert what in problem.what and fix in problem.fix
    assert "\n" not in problem.line() and problem.line().endswith(")")


def test_a_broken_sender_profile_is_found_before_the_run(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "sender_profile.toml").write_text("company = [\n")
    [problem] = preflight(_env(tmp_path))
    assert "sender profile" in problem.what and "sender_profile.example.toml" in problem.fix


def test_an_unwritable_data_folder_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    [problem] = preflight({"ENRICH_DATA_DIR": str(blocker)})
    assert "cannot write to the data folder" in problem.what
    assert "ENRICH_DATA_DIR" in problem.fix


def test_several_mistakes_are_all_reported(tmp_path: Path) -> None:
    problems = preflight(_env(tmp_path, LLM_PROVIDER="gpt", GOOGLE_CSE_ID="cx"))
    assert len(problems) == 2


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("generated_emails: LLM_PROVIDER must be one of ('template', 'openai')", "'template'"),
        ("IO Error: Could not set lock on file data/warehouse.duckdb", "ENRICH_DATA_DIR"),
        ("HTTP 429 Too Many Requests from api.search.brave.com", "rate-limiting"),
        ("brave: 401 unauthorized", "BRAVE_API_KEY"),
        ("BrowserType.launch: Executable doesn't exist at /x/chrome", "sudo apt-get install"),
        ("[Errno 13] Permission denied: 'out/x.csv'", "--out"),
    ],
)
def test_known_failures_get_a_fix(message: str, expected: str) -> None:
    fix = fix_for(message)
    assert fix is not None and expected in fix


def test_unknown_failures_get_no_made_up_fix() -> None:
    assert fix_for("scraped_contacts: KeyError: 'pages'") is None
