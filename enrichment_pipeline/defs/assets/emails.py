"""Stage 4: write a personalised cold email per business."""

import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd

from enrichment_pipeline.core.tables import GENERATED_EMAILS
from enrichment_pipeline.core.writing import (
    LlmCache,
    build_facts,
    load_sender_profile,
    summarize_emails,
    write_emails,
)
from enrichment_pipeline.defs.assets.common import (
    frame_from,
    naive_utc,
    none_if_missing,
    progress_logger,
    unique_records,
)
from enrichment_pipeline.defs.metadata import Timer, counts_table, preview
from enrichment_pipeline.defs.partitions import uploads_partitions
from enrichment_pipeline.defs.resources import PipelineSettings, WriterResource, misconfigured
from enrichment_pipeline.defs.schemas import column_schema
from enrichment_pipeline.stage_reuse import FOREVER_S, REUSABLE_UNTIL, reusable_until

_JSON_FIELDS = ("emails", "phones", "socials", "people", "facts", "pages", "sources")


def _contacts_by_record(scraped: pd.DataFrame) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for row in scraped.to_dict("records"):
        parsed = {k: none_if_missing(v) for k, v in row.items()}
        for field in _JSON_FIELDS:
            if parsed.get(field):
                parsed[field] = json.loads(parsed[field])
        out[int(row["record_id"])] = parsed
    return out


@dg.asset(
    partitions_def=uploads_partitions,
    group_name="outreach",
    kinds={"python", "duckdb"},
    retry_policy=dg.RetryPolicy(max_retries=2, delay=10, backoff=dg.Backoff.EXPONENTIAL),
    metadata={"partition_expr": "upload_id", **column_schema("generated_emails")},
    tags={"stage": "emails"},
)
def generated_emails(
    context: dg.AssetExecutionContext,
    settings: PipelineSettings,
    writer: WriterResource,
    validated_records: pd.DataFrame,
    website_matches: pd.DataFrame,
    scraped_contacts: pd.DataFrame,
) -> dg.Output[pd.DataFrame]:
    """A personalised cold email per business: three subject lines, an icebreaker, the pain
    point to lead with ("hot button") and the body.

    Written only from facts actually found (name, city, website, decision maker, short quotes
    from the site), never invented. By default an offline template writes them (free). With
    LLM_PROVIDER=openai, any OpenAI-compatible model writes one email per business in one call;
    an answer that invents facts or breaks the rules is replaced by the template and the reason
    recorded (see the fallback_rate check). The sender (you, your offer, signature, postal
    address, opt-out line) comes from `sender_profile.toml`. Tokens and cost are shown below;
    businesses already written for earlier are answered from a cache at no cost.
    """
    timer = Timer()
    records = unique_records(validated_records)
    websites = {
        int(r["record_id"]): none_if_missing(r["website"])
        for r in website_matches.to_dict("records")
        if r["status"] == "matched"
    }
    contacts = _contacts_by_record(scraped_contacts)
    facts = []
    ids: list[tuple[int, str]] = []
    for r in records.to_dict("records"):
        record = {k: none_if_missing(v) for k, v in r.items()}
        record_id = int(record["row_number"])
        record["website"] = websites.get(record_id)
        facts.append(build_facts(record, contacts.get(record_id)))
        ids.append((record_id, record["company_key"]))

    paths = settings.paths()
    profile_path = Path(writer.sender_profile) if writer.sender_profile else paths.sender_profile
    try:
        profile = load_sender_profile(profile_path if profile_path.exists() else None)
    except ValueError as err:  # SenderProfileError: the bad key and what to write instead
        raise misconfigured(f"sender profile {profile_path}", err) from err
    config = writer.writer_config()
    if profile.is_default:
        context.log.warning(
            f"no sender profile at {profile_path}: emails use the placeholder sender "
            "'Example Outreach Co'. Copy data/sender_profile.example.toml there before sending."
        )
    progress = progress_logger(context, "generated_emails", len(facts))
    done = 0

    def advance(step: int) -> None:  # the writer reports increments
        nonlocal done
        done += step
        progress(done)

    emails = write_emails(
        facts, config=config, profile=profile, cache=LlmCache(paths.cache_db), progress=advance
    )
    now = naive_utc(datetime.now(UTC))
    rows = []
    for (record_id, company_key), email in zip(ids, emails, strict=True):
        row = asdict(email)
        row.update(record_id=record_id, company_key=company_key, generated_at=now)
        rows.append(row)
    frame = frame_from(rows, [c for c in GENERATED_EMAILS.column_names if c != "upload_id"])
    totals = summarize_emails(emails)
    return dg.Output(
        frame,
        metadata={
            "dagster/row_count": len(frame),
            "emails": len(emails),
            "by_writer": counts_table(sorted(totals["writers"].items()), ("writer", "emails")),
            "fallbacks": sum(totals["fallback_reasons"].values()),
            "fallback_reasons": counts_table(
                sorted(totals["fallback_reasons"].items(), key=lambda kv: -kv[1]),
                ("reason", "emails"),
            ),
            "model_calls": totals["model_calls"],
            "cached_answers": totals["cache_hits"],
            "tokens_in": totals["tokens_in"],
            "tokens_out": totals["tokens_out"],
            "cost_usd": totals["cost_usd"],
            "cost_per_record_usd": totals["cost_per_record_usd"],
            "cost_per_10k_usd": totals["cost_per_10k_usd"],
            "writer_config": config.describe(),
            "preview": preview(frame, ["record_id", "subject_1", "icebreaker", "writer"]),
            # Emails depend only on their inputs, except after a model failure (retried).
            REUSABLE_UNTIL: reusable_until(
                FOREVER_S, problems=sum(totals["fallback_reasons"].values())
            ),
            "duration_s": timer.seconds,
        },
    )
