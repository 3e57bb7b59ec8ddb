"""The model writer: one request per business to any OpenAI-compatible endpoint.

Per business: one chat completion returning all six fields as JSON (schema-constrained),
validated with pydantic and the guardrails; on a violation, one repair request listing the
problems; if that fails too, the template writer's email with `writer = template_fallback` and
the reason. Transport: bounded concurrency, a shared requests/tokens-per-minute limiter,
retries with exponential backoff that honour Retry-After and x-ratelimit-* headers, a timeout
per request. The openai client's own retries are off so that every wait is ours and counted.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
from dataclasses import dataclass

import openai
from openai import AsyncOpenAI
from openai.types.chat import ChatCompletion
from pydantic import ValidationError

from enrichment_pipeline.core.writing.config import WriterConfig
from enrichment_pipeline.core.writing.cost import estimate_prompt_tokens, estimate_tokens
from enrichment_pipeline.core.writing.facts import EmailFacts
from enrichment_pipeline.core.writing.guardrails import check_email, count_words
from enrichment_pipeline.core.writing.limiter import RateLimiter, retry_after_seconds
from enrichment_pipeline.core.writing.prompt import (
    EmailDraft,
    body_word_range,
    build_messages,
    repair_messages,
    response_format,
)
from enrichment_pipeline.core.writing.result import OPENAI, TEMPLATE_FALLBACK, GeneratedEmail
from enrichment_pipeline.core.writing.sender import SenderProfile
from enrichment_pipeline.core.writing.template_writer import write_template

log = logging.getLogger(__name__)

# Local servers ignore the key, but the client refuses to start without one.
LOCAL_PLACEHOLDER_KEY = "sk-no-key-required"
_REASON_MAX_CHARS = 500
_FATAL_STATUS = {401, 403, 404}


@dataclass
class _Answer:
    """Outcome of one logical request (after transport retries)."""

    content: str | None = None
    finish_reason: str | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    calls: int = 0
    error: str | None = None


@dataclass
class WriterStats:
    """Run-level counters for metadata and tests."""

    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    repairs: int = 0
    response_format: str = ""
    fatal_error: str | None = None


class OpenAIWriter:
    """Writes emails through one OpenAI-compatible endpoint; use one instance per run."""

    def __init__(
        self, config: WriterConfig, profile: SenderProfile, *, client: AsyncOpenAI | None = None
    ) -> None:
        self.config = config
        self.profile = profile
        self._format = "json_object" if config.response_format == "json_object" else "json_schema"
        self._limiter = RateLimiter(config.requests_per_minute, config.tokens_per_minute)
        self._slots = asyncio.Semaphore(config.concurrency)
        self._body_range = body_word_range(profile)
        self.stats = WriterStats(response_format=self._format)
        self._fatal: str | None = None
        api_key = config.api_key or (LOCAL_PLACEHOLDER_KEY if config.base_url else None)
        self._client = client
        if client is None and api_key:
            self._client = AsyncOpenAI(
                api_key=api_key,
                base_url=config.base_url or None,
                timeout=config.timeout_s,
                max_retries=0,
            )
        if self._client is None:
            self._set_fatal("no API key: set LLM_API_KEY or OPENAI_API_KEY (or LLM_BASE_URL)")

    async def aclose(self) -> None:
        """Release the HTTP connections."""
        if self._client is not None:
            await self._client.close()

    async def write(self, facts: EmailFacts) -> tuple[GeneratedEmail, bool]:
        """The email for one business and whether it may be cached (see cache.py)."""
        messages = build_messages(facts, self.profile)
        spent = _Answer()
        answer = await self._complete(messages)
        _add(spent, answer)
        if answer.error:
            return self._fallback(facts, spent, f"endpoint: {answer.error}"), False
        email, problems = self._review(answer, facts)
        for _ in range(self.config.repair_attempts):
            if not problems:
                break
            self.stats.repairs += 1
            answer = await self._complete(repair_messages(messages, answer.content or "", problems))
            _add(spent, answer)
            if answer.error:
                reason = f"endpoint: {answer.error} (during repair of: {problems[0]})"
                return self._fallback(facts, spent, reason), False
            email, problems = self._review(answer, facts)
        if problems or email is None:
            return self._fallback(facts, spent, "guardrails: " + "; ".join(problems[:6])), True
        email.tokens_in, email.tokens_out, email.calls = (
            spent.tokens_in,
            spent.tokens_out,
            spent.calls,
        )
        email.cost_usd = self.config.cost(spent.tokens_in, spent.tokens_out)
        return email, True

    # -- checking ---------------------------------------------------------------------------

    def _review(
        self, answer: _Answer, facts: EmailFacts
    ) -> tuple[GeneratedEmail | None, list[str]]:
        """Parse and check one answer: the email if usable, else the list of problems."""
        problems: list[str] = []
        if answer.finish_reason == "length":
            problems.append("the answer was cut off at the token limit; write less")
        try:
            draft = EmailDraft.model_validate_json(answer.content or "")
        except ValidationError as exc:
            return None, [*problems, *_describe_schema_errors(exc)]
        fields = {name: value.strip() for name, value in draft.model_dump().items()}
        low, high = self._body_range
        words = count_words(fields["email_body"])
        if not low <= words <= high:
            problems.append(f"email_body has {words} words; write {low}-{high} words")
        email = GeneratedEmail(
            **{**fields, "email_body": self.profile.finish_body(fields["email_body"])},
            writer=OPENAI,
            model=self.config.model,
        )
        for problem in check_email(email, facts, self.profile):
            if not problem.startswith("email_body has"):  # reported above in the model's terms
                problems.append(problem)
        return (None if problems else email), problems

    def _fallback(self, facts: EmailFacts, spent: _Answer, reason: str) -> GeneratedEmail:
        email = write_template(facts, self.profile)
        email.writer = TEMPLATE_FALLBACK
        email.fallback_reason = self.config.redact(reason)[:_REASON_MAX_CHARS]
        email.model = self.config.model
        email.tokens_in, email.tokens_out, email.calls = (
            spent.tokens_in,
            spent.tokens_out,
            spent.calls,
        )
        email.cost_usd = self.config.cost(spent.tokens_in, spent.tokens_out)
        log.debug("template fallback for %s: %s", facts.company_key, email.fallback_reason)
        return email

    # -- transport --------------------------------------------------------------------------

    async def _complete(self, messages: list[dict[str, str]]) -> _Answer:
        """One chat completion with retries; `error` is set when it could not be obtained."""
        estimated = estimate_prompt_tokens(messages) + self.config.max_output_tokens
        answer = _Answer()
        attempt = 0
        while True:
            if self._fatal:
                answer.error = self._fatal
                return answer
            wait = 0.0
            async with self._slots:
                # Rate budget is taken once a slot is free, so a pause announced by a response
                # (429, x-ratelimit-remaining-*: 0) holds every request not yet sent.
                await self._limiter.acquire(estimated)
                if self._fatal:  # decided while this request waited for its turn
                    answer.error = self._fatal
                    return answer
                sent_format = self._format
                answer.calls += 1
                self.stats.requests += 1
                try:
                    raw = await self._client.chat.completions.with_raw_response.create(
                        **self._request(messages)
                    )
                    self._limiter.observe(raw.headers)
                    completion = raw.parse()
                    if not isinstance(completion, ChatCompletion) or not completion.choices:
                        raise ValueError("response is not a chat completion")
                except openai.RateLimitError as exc:
                    if _error_code(exc) == "insufficient_quota":
                        self._set_fatal("HTTP 429 insufficient_quota: the account has no credit")
                        continue
                    self.stats.rate_limited += 1
                    wait = retry_after_seconds(exc.response.headers) or self._backoff(attempt)
                    self._limiter.pause_for(wait)
                    wait = 0.0  # the limiter now holds every caller, this one included
                    answer.error = "rate limited (HTTP 429); retries exhausted"
                except openai.APIStatusError as exc:
                    status = exc.status_code
                    if sent_format == "json_schema" and _rejects_json_schema(exc):
                        if self.config.response_format == "auto":
                            if self._format == "json_schema":
                                log.info("endpoint rejects json_schema; using json_object")
                            self._format = self.stats.response_format = "json_object"
                            continue  # a capability probe, not a failed attempt
                        self._set_fatal(f"HTTP {status}: endpoint does not support json_schema")
                        continue
                    if status in _FATAL_STATUS:
                        self._set_fatal(f"HTTP {status}: {self.config.redact(_message(exc))}")
                        continue
                    answer.error = f"HTTP {status}: {self.config.redact(_message(exc))}"
                    if status < 500 and status not in (408, 409):
                        return answer  # this request is wrong; repeating it will not help
                    wait = retry_after_seconds(exc.response.headers) or self._backoff(attempt)
                except openai.APITimeoutError:
                    answer.error = f"timed out after {self.config.timeout_s:g} s"
                    wait = self._backoff(attempt)
                except openai.APIConnectionError as exc:
                    answer.error = f"connection failed: {self.config.redact(str(exc))}"
                    wait = self._backoff(attempt)
                except (ValueError, TypeError, json.JSONDecodeError) as exc:
                    answer.error = f"malformed response: {self.config.redact(str(exc))[:200]}"
                    wait = self._backoff(attempt)
                else:
                    choice = completion.choices[0]
                    answer.content = choice.message.content or ""
                    answer.finish_reason = choice.finish_reason
                    usage = completion.usage
                    if usage is not None:
                        answer.tokens_in += usage.prompt_tokens or 0
                        answer.tokens_out += usage.completion_tokens or 0
                    else:  # some servers omit usage; count what we sent and got
                        answer.tokens_in += estimate_prompt_tokens(messages)
                        answer.tokens_out += estimate_tokens(answer.content)
                    answer.error = None
                    return answer
            if attempt >= self.config.max_retries:
                return answer
            attempt += 1
            self.stats.retries += 1
            if wait > 0:
                await asyncio.sleep(wait)

    def _request(self, messages: list[dict[str, str]]) -> dict[str, object]:
        request: dict[str, object] = {
            "model": self.config.model,
            "messages": messages,
            "response_format": response_format(self._format),
            "max_tokens": self.config.max_output_tokens,
            "temperature": self.config.temperature,
        }
        if self.config.seed is not None:
            request["seed"] = self.config.seed
        return request

    def _backoff(self, attempt: int) -> float:
        base = min(self.config.backoff_max_s, self.config.backoff_base_s * 2**attempt)
        return base * (0.5 + random.random() / 2)  # jitter: retries do not arrive in lockstep

    def _set_fatal(self, reason: str) -> None:
        if self._fatal is None:
            self._fatal = self.stats.fatal_error = self.config.redact(reason)
            log.warning("model writer disabled for this run: %s", self._fatal)


def _add(total: _Answer, answer: _Answer) -> None:
    total.tokens_in += answer.tokens_in
    total.tokens_out += answer.tokens_out
    total.calls += answer.calls


def _describe_schema_errors(exc: ValidationError) -> list[str]:
    problems = []
    for error in exc.errors()[:8]:
        where = ".".join(str(part) for part in error["loc"]) or "answer"
        kind = error["type"]
        if kind == "json_invalid":
            problems.append("the answer is not valid JSON")
        elif kind == "missing":
            problems.append(f"field {where} is missing")
        elif kind == "extra_forbidden":
            problems.append(f"field {where} is not allowed")
        else:
            problems.append(f"field {where}: {error['msg']}")
    return problems


def _message(exc: openai.APIStatusError) -> str:
    """The server's own error message (OpenAI-style body), else the client's summary."""
    body = exc.body
    inner = body.get("error", body) if isinstance(body, dict) else None
    text = inner.get("message") if isinstance(inner, dict) else None
    if not isinstance(text, str) or not text:
        text = re.sub(r"^Error code: \d+ - ", "", str(exc.message))
    return " ".join(text.split())[:300]


def _error_code(exc: openai.APIStatusError) -> str | None:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict):
            code = inner.get("code") or inner.get("type")
            return str(code) if code else None
    return None


def _rejects_json_schema(exc: openai.APIStatusError) -> bool:
    """True when the server refused the request because it does not know `json_schema`."""
    if exc.status_code not in (400, 422, 500, 501):
        return False
    text = f"{exc.message} {json.dumps(exc.body, default=str)}".lower()
    return "json_schema" in text or "response_format" in text
