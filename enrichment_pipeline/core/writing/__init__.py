"""Email writing: grounded, cheap, safe personalised cold emails.

Two writers share one interface: `template` (default; offline, deterministic, free) and `openai`
(any OpenAI-compatible endpoint, one JSON-schema request per business, guardrails, template
fallback). Start with `build_facts`, `load_sender_profile`, `WriterConfig.from_env`, then
`write_emails` (or `estimate_cost` to price a run without calling a model).
"""

from __future__ import annotations

from enrichment_pipeline.core.writing.cache import LlmCache, cache_key
from enrichment_pipeline.core.writing.config import (
    DEFAULT_PRICES,
    ModelPrice,
    WriterConfig,
    WriterConfigError,
)
from enrichment_pipeline.core.writing.cost import (
    CostEstimate,
    estimate_cost,
    estimate_prompt_tokens,
    summarize_emails,
)
from enrichment_pipeline.core.writing.facts import EmailFacts, Snippet, build_facts
from enrichment_pipeline.core.writing.guardrails import check_email
from enrichment_pipeline.core.writing.industries import INDUSTRIES, detect_industry
from enrichment_pipeline.core.writing.openai_writer import OpenAIWriter, WriterStats
from enrichment_pipeline.core.writing.prompt import PROMPT_VERSION, build_messages
from enrichment_pipeline.core.writing.result import (
    EMAIL_FIELDS,
    OPENAI,
    TEMPLATE,
    TEMPLATE_FALLBACK,
    GeneratedEmail,
)
from enrichment_pipeline.core.writing.sender import (
    DEFAULT_PROFILE,
    SenderProfile,
    SenderProfileError,
    load_sender_profile,
)
from enrichment_pipeline.core.writing.service import write_emails, write_emails_async
from enrichment_pipeline.core.writing.template_writer import write_template

__all__ = [
    "DEFAULT_PRICES",
    "DEFAULT_PROFILE",
    "EMAIL_FIELDS",
    "INDUSTRIES",
    "OPENAI",
    "PROMPT_VERSION",
    "TEMPLATE",
    "TEMPLATE_FALLBACK",
    "CostEstimate",
    "EmailFacts",
    "GeneratedEmail",
    "LlmCache",
    "ModelPrice",
    "OpenAIWriter",
    "SenderProfile",
    "SenderProfileError",
    "Snippet",
    "WriterConfig",
    "WriterConfigError",
    "WriterStats",
    "build_facts",
    "build_messages",
    "cache_key",
    "check_email",
    "detect_industry",
    "estimate_cost",
    "estimate_prompt_tokens",
    "load_sender_profile",
    "summarize_emails",
    "write_emails",
    "write_emails_async",
    "write_template",
]
