"""Writer configuration from the environment: provider, endpoint, model, limits, prices.

The API key is kept out of `repr`, `describe()` and every message this package produces; see
`redact`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from enrichment_pipeline.core.env_fields import EnvFields, read_env_fields

PROVIDERS = ("template", "openai")
RESPONSE_FORMATS = ("auto", "json_schema", "json_object")


class WriterConfigError(ValueError):
    """An LLM_* environment variable or override has an invalid value."""


@dataclass(frozen=True)
class ModelPrice:
    """US dollars per million tokens."""

    input_per_1m: float
    output_per_1m: float


# List prices (standard tier) of common models. Unknown models are priced at `default_price`,
# gpt-4o-mini's, so a local or new model still gets an "as if on gpt-4o-mini" figure.
DEFAULT_PRICES: Mapping[str, ModelPrice] = {
    "gpt-4o-mini": ModelPrice(0.15, 0.60),
    "gpt-4o": ModelPrice(2.50, 10.00),
    "gpt-4.1-mini": ModelPrice(0.40, 1.60),
    "gpt-4.1-nano": ModelPrice(0.10, 0.40),
    "gpt-4.1": ModelPrice(2.00, 8.00),
}
GPT_4O_MINI_PRICE = DEFAULT_PRICES["gpt-4o-mini"]

# Environment variable -> (field, parser). LLM_API_KEY wins over OPENAI_API_KEY.
_ENV_FIELDS: EnvFields = {
    "LLM_PROVIDER": ("provider", str.lower),
    "LLM_BASE_URL": ("base_url", str),
    "LLM_MODEL": ("model", str),
    "LLM_CONCURRENCY": ("concurrency", int),
    "LLM_RPM": ("requests_per_minute", int),
    "LLM_TPM": ("tokens_per_minute", int),
    "LLM_TIMEOUT_S": ("timeout_s", float),
    "LLM_MAX_RETRIES": ("max_retries", int),
    "LLM_TEMPERATURE": ("temperature", float),
    "LLM_MAX_OUTPUT_TOKENS": ("max_output_tokens", int),
    "LLM_RESPONSE_FORMAT": ("response_format", str.lower),
    "LLM_EXPECTED_OUTPUT_TOKENS": ("expected_output_tokens", int),
}


@dataclass(frozen=True)
class WriterConfig:
    """How emails are written.

    provider: "template" (default, offline) or "openai" (any OpenAI-compatible endpoint).
    response_format: "json_schema" sends OpenAI's strict structured-output format; "json_object"
    sends `{"type": "json_object", "schema": ...}`, the form llama-cpp-python's server takes;
    "auto" starts with json_schema and switches for the rest of the run when the server rejects
    it. requests_per_minute/tokens_per_minute default to OpenAI's tier-1 limits for gpt-4o-mini.
    """

    provider: str = "template"
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    model: str = "gpt-4o-mini"
    concurrency: int = 16
    requests_per_minute: int = 500
    tokens_per_minute: int = 200_000
    timeout_s: float = 60.0
    max_retries: int = 4
    backoff_base_s: float = 1.0
    backoff_max_s: float = 60.0
    temperature: float = 0.4
    max_output_tokens: int = 500
    response_format: str = "auto"
    repair_attempts: int = 1
    expected_output_tokens: int = 300
    seed: int | None = None
    prices: Mapping[str, ModelPrice] = field(
        default_factory=lambda: dict(DEFAULT_PRICES), hash=False
    )
    default_price: ModelPrice = GPT_4O_MINI_PRICE

    def __post_init__(self) -> None:
        problems = []
        if self.provider not in PROVIDERS:
            problems.append(f"LLM_PROVIDER must be one of {PROVIDERS}, not {self.provider!r}")
        if self.response_format not in RESPONSE_FORMATS:
            problems.append(f"LLM_RESPONSE_FORMAT must be one of {RESPONSE_FORMATS}")
        for name in (
            "concurrency",
            "requests_per_minute",
            "tokens_per_minute",
            "max_output_tokens",
        ):
            if getattr(self, name) < 1:
                problems.append(f"{name} must be at least 1")
        if self.max_retries < 0 or self.repair_attempts < 0:
            problems.append("max_retries and repair_attempts cannot be negative")
        if self.timeout_s <= 0:
            problems.append("timeout_s must be positive")
        if problems:
            raise WriterConfigError("; ".join(problems))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> WriterConfig:
        """Read LLM_* variables (and OPENAI_API_KEY) from `env` (default os.environ).

        Prices: LLM_PRICE_INPUT_PER_1M / LLM_PRICE_OUTPUT_PER_1M set the configured model's
        price. Keyword overrides win over the environment. Raises WriterConfigError for values
        that do not parse.
        """
        env = os.environ if env is None else env
        try:
            values = read_env_fields(env, _ENV_FIELDS)
        except ValueError as exc:
            raise WriterConfigError(str(exc)) from None
        api_key = (env.get("LLM_API_KEY") or env.get("OPENAI_API_KEY") or "").strip()
        if api_key:
            values["api_key"] = api_key
        values.update(overrides)
        model = values.get("model", cls.model)
        price_in, price_out = env.get("LLM_PRICE_INPUT_PER_1M"), env.get("LLM_PRICE_OUTPUT_PER_1M")
        if (price_in or price_out) and "prices" not in overrides:
            try:
                base = DEFAULT_PRICES.get(model, GPT_4O_MINI_PRICE)
                custom = ModelPrice(
                    float(price_in) if price_in else base.input_per_1m,
                    float(price_out) if price_out else base.output_per_1m,
                )
            except ValueError:
                raise WriterConfigError("LLM_PRICE_*_PER_1M must be numbers") from None
            values["prices"] = {**DEFAULT_PRICES, model: custom}
        return cls(**values)

    def with_overrides(self, **changes: Any) -> WriterConfig:
        """A copy with some fields changed."""
        return replace(self, **changes)

    @property
    def price(self) -> ModelPrice:
        """The configured model's price (the default price for unknown models)."""
        return self.prices.get(self.model, self.default_price)

    def cost(self, tokens_in: int, tokens_out: int) -> float:
        """Dollar cost of a call with these token counts."""
        price = self.price
        return (tokens_in * price.input_per_1m + tokens_out * price.output_per_1m) / 1_000_000

    def describe(self) -> dict[str, Any]:
        """Settings for logs and asset metadata, with the API key reduced to whether it is set."""
        shown = {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in ("api_key", "prices", "default_price")
        }
        shown["api_key_set"] = bool(self.api_key)
        shown["price_input_per_1m"] = self.price.input_per_1m
        shown["price_output_per_1m"] = self.price.output_per_1m
        return shown

    def redact(self, text: str) -> str:
        """`text` with the API key (if any) replaced by ***."""
        if self.api_key and len(self.api_key) >= 4:
            text = text.replace(self.api_key, "***")
        return text
