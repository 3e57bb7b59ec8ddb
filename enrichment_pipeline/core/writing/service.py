"""Entry points: write the emails for a batch of businesses with the configured writer."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from collections import Counter
from collections.abc import Callable, Sequence

from openai import AsyncOpenAI

from enrichment_pipeline.core.writing.cache import LlmCache, cache_key
from enrichment_pipeline.core.writing.config import WriterConfig
from enrichment_pipeline.core.writing.facts import EmailFacts
from enrichment_pipeline.core.writing.openai_writer import OpenAIWriter, WriterStats
from enrichment_pipeline.core.writing.result import OPENAI, TEMPLATE_FALLBACK, GeneratedEmail
from enrichment_pipeline.core.writing.sender import SenderProfile
from enrichment_pipeline.core.writing.template_writer import write_template

log = logging.getLogger(__name__)
Progress = Callable[[int], None]


def write_emails(
    facts: Sequence[EmailFacts],
    *,
    config: WriterConfig,
    profile: SenderProfile,
    cache: LlmCache | None = None,
    progress: Progress | None = None,
    stats: WriterStats | None = None,
) -> list[GeneratedEmail]:
    """Write one email per business, in input order. Never raises for a single business.

    `progress(n)` is called with the number of businesses just finished (an increment).
    With the openai provider, businesses with identical facts share one request, cached
    answers are reused, and new cacheable answers are stored as they arrive. `stats`, when
    given, receives the run's request/retry/repair counters. Safe to call from a thread that
    already runs an event loop (the work then runs in a helper thread).
    """
    run = write_emails_async(
        facts, config=config, profile=profile, cache=cache, progress=progress, stats=stats
    )
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(run)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_run_in_thread, run, cache).result()


async def write_emails_async(
    facts: Sequence[EmailFacts],
    *,
    config: WriterConfig,
    profile: SenderProfile,
    cache: LlmCache | None = None,
    progress: Progress | None = None,
    stats: WriterStats | None = None,
    client: AsyncOpenAI | None = None,
) -> list[GeneratedEmail]:
    """Async form of write_emails (`client` lets a caller share its own AsyncOpenAI)."""
    report = progress or (lambda _n: None)
    facts = [item.sanitized() for item in facts]  # hand-built facts get build_facts' filter
    if config.provider != OPENAI:
        emails = []
        for item in facts:
            emails.append(write_template(item, profile))
            report(1)
        return emails

    profile_hash = profile.content_hash()
    keys = [cache_key(item, model=config.model, profile=profile_hash) for item in facts]
    unique: dict[str, EmailFacts] = dict(zip(keys, facts, strict=True))
    done: dict[str, GeneratedEmail] = {}
    if cache is not None:
        for key, email in cache.get_many(unique).items():
            email.cached, email.tokens_in, email.tokens_out = True, 0, 0
            email.cost_usd, email.calls = 0.0, 0
            done[key] = email
    waiting = Counter(keys)  # how many input rows each unique business stands for
    already = sum(waiting[key] for key in done)
    if already:
        report(already)

    writer = OpenAIWriter(config, profile, client=client)

    async def one(key: str) -> None:
        try:
            email, cacheable = await writer.write(unique[key])
        except Exception as exc:  # a bug must cost one email, not the batch
            log.exception("model writer failed for %s", unique[key].company_key)
            email, cacheable = write_template(unique[key], profile), False
            email.writer, email.model = TEMPLATE_FALLBACK, config.model
            email.fallback_reason = config.redact(f"internal error: {type(exc).__name__}: {exc}")[
                :500
            ]
        done[key] = email
        if cache is not None and cacheable:
            cache.put(key, email)
        report(waiting[key])

    try:
        await asyncio.gather(*(one(key) for key in unique if key not in done))
    finally:
        if client is None:
            await writer.aclose()
    if stats is not None:
        for name, value in vars(writer.stats).items():
            setattr(stats, name, value)
    first_owner: set[str] = set()
    emails = []
    for key in keys:
        email = done[key]
        if key in first_owner:
            # A duplicate business shares the email; the spend is counted once, on the first.
            email = GeneratedEmail.from_dict(
                {**email.to_dict(), "tokens_in": 0, "tokens_out": 0, "cost_usd": 0.0, "calls": 0}
            )
        first_owner.add(key)
        emails.append(email)
    return emails


def _run_in_thread(run: object, cache: LlmCache | None) -> list[GeneratedEmail]:
    try:
        return asyncio.run(run)  # type: ignore[arg-type]
    finally:
        if cache is not None:
            cache.close()  # this thread's connection
