"""Token and cost estimates without calling a model (for `run --estimate`) and run summaries.

The estimate builds the real prompt for every business and counts ~4 characters per token,
the usual figure for English with OpenAI's tokenizers (the test suite checks the estimate
against the token counts a real server reports). Output tokens are taken as
`expected_output_tokens` per call (default 300: three subjects, two sentences, a 90-140 word
body and the JSON around them). Repair requests are not predicted; their real share is in the
run's metadata.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from enrichment_pipeline.core.writing.cache import LlmCache, cache_key
from enrichment_pipeline.core.writing.config import WriterConfig
from enrichment_pipeline.core.writing.facts import EmailFacts
from enrichment_pipeline.core.writing.prompt import build_messages, draft_json_schema
from enrichment_pipeline.core.writing.result import OPENAI, GeneratedEmail
from enrichment_pipeline.core.writing.sender import SenderProfile

CHARS_PER_TOKEN = 4.0
# Chat formats wrap each message in a few special tokens, and the reply is primed with a few.
TOKENS_PER_MESSAGE = 4
TOKENS_PER_REPLY = 3


@dataclass(frozen=True)
class CostEstimate:
    """What writing these emails is expected to take, before any call is made."""

    provider: str
    model: str | None
    records: int
    calls: int
    cached: int
    tokens_in: int
    tokens_out: int
    cost_usd: float
    price_input_per_1m: float
    price_output_per_1m: float

    @property
    def cost_per_10k_usd(self) -> float:
        """The estimated cost scaled to 10,000 records."""
        return self.cost_usd / self.records * 10_000 if self.records else 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form, including cost_per_10k_usd."""
        return {**asdict(self), "cost_per_10k_usd": round(self.cost_per_10k_usd, 4)}

    def summary(self) -> str:
        """One line for the command line."""
        if self.provider != OPENAI:
            return (
                f"{self.records} emails with the template writer: 0 model calls, $0.00 "
                "(set LLM_PROVIDER=openai to use a model)"
            )
        return (
            f"{self.records} emails with {self.model}: {self.calls} model calls "
            f"({self.cached} cached), ~{self.tokens_in:,} tokens in, ~{self.tokens_out:,} out, "
            f"~${self.cost_usd:.2f} (~${self.cost_per_10k_usd:.2f} per 10,000) at "
            f"${self.price_input_per_1m}/${self.price_output_per_1m} per 1M tokens"
        )


def estimate_tokens(text: str) -> int:
    """Approximate token count of English text."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def estimate_prompt_tokens(messages: Sequence[dict[str, str]]) -> int:
    """Approximate prompt tokens of a chat request including the JSON schema it carries."""
    schema = estimate_tokens(json.dumps(draft_json_schema()))
    content = sum(estimate_tokens(m["content"]) + TOKENS_PER_MESSAGE for m in messages)
    return content + TOKENS_PER_REPLY + schema


def estimate_cost(
    facts: Sequence[EmailFacts],
    *,
    config: WriterConfig,
    profile: SenderProfile,
    cache: LlmCache | None = None,
) -> CostEstimate:
    """Expected calls, tokens and dollars for writing `facts` with `config`; calls nothing.

    Businesses with identical facts share one call, and with `cache` given, cached ones cost
    nothing, exactly as `write_emails` behaves.
    """
    price = config.price
    if config.provider != OPENAI:
        return CostEstimate(
            provider=config.provider,
            model=None,
            records=len(facts),
            calls=0,
            cached=0,
            tokens_in=0,
            tokens_out=0,
            cost_usd=0.0,
            price_input_per_1m=price.input_per_1m,
            price_output_per_1m=price.output_per_1m,
        )
    facts = [item.sanitized() for item in facts]
    profile_hash = profile.content_hash()
    keys = [cache_key(item, model=config.model, profile=profile_hash) for item in facts]
    unique = dict(zip(keys, facts, strict=True))  # equal facts share one call
    hits = set(cache.get_many(unique)) if cache is not None else set()
    to_call = [item for key, item in unique.items() if key not in hits]
    tokens_in = sum(estimate_prompt_tokens(build_messages(item, profile)) for item in to_call)
    tokens_out = len(to_call) * config.expected_output_tokens
    return CostEstimate(
        provider=config.provider,
        model=config.model,
        records=len(facts),
        calls=len(to_call),
        cached=sum(1 for key in keys if key in hits),
        tokens_in=tokens_in,
        tokens_out=tokens_out,
        cost_usd=config.cost(tokens_in, tokens_out),
        price_input_per_1m=price.input_per_1m,
        price_output_per_1m=price.output_per_1m,
    )


def summarize_emails(emails: Sequence[GeneratedEmail]) -> dict[str, Any]:
    """Totals for asset metadata: writers used, fallback reasons, calls, tokens and cost."""
    records = len(emails)
    tokens_in = sum(e.tokens_in for e in emails)
    tokens_out = sum(e.tokens_out for e in emails)
    cost = sum(e.cost_usd for e in emails)
    reasons = Counter(
        (e.fallback_reason or "").split(":", 1)[0] for e in emails if e.fallback_reason
    )
    return {
        "records": records,
        "writers": dict(Counter(e.writer for e in emails)),
        "fallback_reasons": dict(reasons.most_common(10)),
        "model_calls": sum(e.calls for e in emails),
        "cache_hits": sum(1 for e in emails if e.cached),
        "tokens_in": tokens_in,
        "tokens_out": tokens_out,
        "cost_usd": round(cost, 6),
        "cost_per_record_usd": round(cost / records, 8) if records else 0.0,
        "cost_per_10k_usd": round(cost / records * 10_000, 4) if records else 0.0,
    }
