from __future__ import annotations

from pathlib import Path

import pytest

from enrichment_pipeline.core.writing import (
    DEFAULT_PROFILE,
    SenderProfileError,
    WriterConfig,
    WriterConfigError,
    load_sender_profile,
)

EXAMPLE = Path(__file__).parents[3] / "data" / "sender_profile.example.toml"
MINIMAL = """
sender_name = "Ana"
company = "Leads Co"
email = "ana@leads.example"
postal_address = "1 Main St, Tampa, FL 33602"
offer = "We answer every lead for {company} fast."
call_to_action = "Worth a call?"
"""


def test_missing_file_gives_the_marked_default(tmp_path: Path) -> None:
    assert load_sender_profile(None) is DEFAULT_PROFILE
    assert load_sender_profile(tmp_path / "absent.toml").is_default


def test_the_documented_example_loads() -> None:
    profile = load_sender_profile(EXAMPLE)
    assert not profile.is_default
    assert profile.postal_address in profile.footer() and "unsubscribe" in profile.footer()
    assert profile.content_hash() != DEFAULT_PROFILE.content_hash()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ('email = "not-an-email"', "email"),
        ('colour = "blue"', "colour"),
        ('call_to_action = "Call {first_name}?"', "unknown placeholder"),
        ('tone = "shouty"', "tone"),
        ('phone = "12"', "phone"),
        ("[[pain_points.plumbers]]\nhot_button = 'x'", "pain_points"),
    ],
)
def test_invalid_profiles_name_the_problem(tmp_path: Path, change: str, message: str) -> None:
    path = tmp_path / "profile.toml"
    lines = [line for line in MINIMAL.splitlines() if not line.startswith(change.split(" ")[0])]
    path.write_text("\n".join([*lines, change]) + "\n")
    with pytest.raises(SenderProfileError, match=message):
        load_sender_profile(path)


def test_unparseable_toml_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "profile.toml"
    path.write_text("sender_name = \n")
    with pytest.raises(SenderProfileError, match="cannot read sender profile"):
        load_sender_profile(path)


def test_config_from_env_and_overrides() -> None:
    config = WriterConfig.from_env(
        {
            "LLM_PROVIDER": "OpenAI",
            "LLM_BASE_URL": "http://127.0.0.1:9/v1",
            "OPENAI_API_KEY": "sk-openai",
            "LLM_API_KEY": "sk-llm-secret",
            "LLM_CONCURRENCY": "4",
            "LLM_PRICE_INPUT_PER_1M": "1.5",
        },
        timeout_s=5.0,
    )
    assert config.provider == "openai" and config.concurrency == 4 and config.timeout_s == 5.0
    assert config.api_key == "sk-llm-secret"  # LLM_API_KEY wins
    assert config.price.input_per_1m == 1.5 and config.price.output_per_1m == 0.60
    assert WriterConfig.from_env({}).provider == "template"


def test_api_key_never_shown() -> None:
    config = WriterConfig(provider="openai", api_key="sk-very-secret-key")
    assert "sk-very-secret-key" not in repr(config)
    assert "sk-very-secret-key" not in str(config.describe())
    assert config.describe()["api_key_set"] is True
    assert config.redact("boom sk-very-secret-key boom") == "boom *** boom"


@pytest.mark.parametrize(
    "env",
    [{"LLM_PROVIDER": "claude"}, {"LLM_CONCURRENCY": "many"}, {"LLM_RESPONSE_FORMAT": "xml"}],
)
def test_bad_config_values_are_errors(env: dict[str, str]) -> None:
    with pytest.raises(WriterConfigError):
        WriterConfig.from_env(env)


def test_cost_uses_the_price_table() -> None:
    config = WriterConfig()
    assert config.cost(1_000_000, 1_000_000) == pytest.approx(0.15 + 0.60)
    assert WriterConfig(model="local-model").price == config.price  # unknown -> default
