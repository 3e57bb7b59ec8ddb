"""Checks on matching, scraping and writing: one row per business, sane values, warning rates."""

import json
from collections import Counter

import dagster as dg
import pandas as pd
from email_validator import EmailNotValidError, validate_email

from enrichment_pipeline.core.report import grouped_reasons, website_causes
from enrichment_pipeline.defs.assets.common import unique_records
from enrichment_pipeline.defs.metadata import counts_table, preview, rate
from enrichment_pipeline.defs.partitions import uploads_partitions

WARN_MATCH_RATE = 0.5
WARN_FALLBACK_RATE = 0.1


def _one_row_per_business(frame: pd.DataFrame, validated: pd.DataFrame) -> tuple[bool, dict]:
    expected = set(unique_records(validated)["row_number"].astype(int))
    got = list(frame["record_id"].astype(int))
    missing = sorted(expected - set(got))
    extra = sorted(set(got) - expected)
    repeated = len(got) - len(set(got))
    ok = not missing and not extra and not repeated
    return ok, {
        "businesses": len(expected),
        "missing": missing[:20],
        "unexpected": extra[:20],
        "repeated": repeated,
    }


@dg.asset_check(
    partitions_def=uploads_partitions,
    asset="website_matches",
    additional_ins={"validated_records": dg.AssetIn()},
)
def matches_cover_every_business(
    website_matches: pd.DataFrame, validated_records: pd.DataFrame
) -> dg.AssetCheckResult:
    """Every business has exactly one website answer (found or not), with a sane confidence.

    Fails if a business is missing or answered twice, a confidence is outside 0-1, or a
    "matched" row names no website: a sign of a bug, not of your data.
    """
    ok, meta = _one_row_per_business(website_matches, validated_records)
    conf = website_matches["confidence"].fillna(0)
    in_range = bool(((conf >= 0) & (conf <= 1)).all())
    matched = website_matches[website_matches["status"] == "matched"]
    named = bool(matched["website"].notna().all())
    return dg.AssetCheckResult(
        passed=ok and in_range and named, metadata={**meta, "confidence_in_range": in_range}
    )


@dg.asset_check(asset="website_matches", partitions_def=uploads_partitions)
def match_rate(website_matches: pd.DataFrame) -> dg.AssetCheckResult:
    """Warns when fewer than half of the businesses got a verified website, and says why.

    The warning names the most common cause (for example "no website found": configure a search
    provider) and lists the businesses without a website and their best candidate.
    """
    statuses = Counter(website_matches["status"])
    share = rate(statuses.get("matched", 0), len(website_matches))
    unmatched = website_matches[website_matches["status"] != "matched"]
    reasons = website_causes(unmatched.get("error", [None] * len(unmatched)))
    low = share < WARN_MATCH_RATE and not website_matches.empty
    description = None
    if low:
        top = f"; most common reason: {reasons[0][0]} ({reasons[0][1]})" if reasons else ""
        description = f"only {share:.0%} of businesses got a verified website{top}"
    return dg.AssetCheckResult(
        passed=not low,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "match_rate": share,
            "by_status": counts_table(sorted(statuses.items()), ("status", "rows")),
            "reasons": counts_table(reasons, ("reason", "businesses")),
            "unmatched": preview(unmatched, ["record_id", "status", "error", "review_candidate"]),
        },
        description=description,
    )


@dg.asset_check(
    partitions_def=uploads_partitions,
    asset="scraped_contacts",
    additional_ins={"validated_records": dg.AssetIn()},
)
def contacts_are_well_formed(
    scraped_contacts: pd.DataFrame, validated_records: pd.DataFrame
) -> dg.AssetCheckResult:
    """Every business has one contact row; every email address is valid; phones are +1... numbers.

    Fails on a malformed address or phone number, which would break a mail merge or a dialer.
    """
    ok, meta = _one_row_per_business(scraped_contacts, validated_records)
    bad_emails, bad_phones = [], []
    for emails, phones in zip(scraped_contacts["emails"], scraped_contacts["phones"], strict=True):
        for e in json.loads(emails or "[]"):
            try:
                validate_email(e["address"], check_deliverability=False)
            except EmailNotValidError:
                bad_emails.append(e["address"])
        bad_phones += [
            p["e164"] for p in json.loads(phones or "[]") if not str(p["e164"]).startswith("+")
        ]
    return dg.AssetCheckResult(
        passed=ok and not bad_emails and not bad_phones,
        metadata={**meta, "invalid_emails": bad_emails[:20], "invalid_phones": bad_phones[:20]},
    )


@dg.asset_check(asset="scraped_contacts", partitions_def=uploads_partitions)
def contact_rate(scraped_contacts: pd.DataFrame) -> dg.AssetCheckResult:
    """Warns when most visited websites yielded no email address, with what went wrong.

    Typical causes: sites that hide addresses behind contact forms, sites whose robots.txt asks
    crawlers to stay away (status blocked), or sites that did not load (status error).
    """
    scraped = scraped_contacts[scraped_contacts["status"] != "no_website"]
    share = rate(int(scraped["primary_email"].notna().sum()), len(scraped))
    statuses = Counter(scraped["status"])
    without = scraped[scraped["primary_email"].isna()]
    errors = without.get("error", pd.Series(None, index=without.index, dtype=object))
    reasons = grouped_reasons(errors.where(errors.notna(), "no address on the pages read"))
    low = share < 0.5 and not scraped.empty
    description = None
    if low:
        top = f"; most common: {reasons[0][0]} ({reasons[0][1]})" if reasons else ""
        description = f"only {share:.0%} of visited websites yielded an email address{top}"
    return dg.AssetCheckResult(
        passed=not low,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "emails_found_rate": share,
            "by_status": counts_table(sorted(statuses.items()), ("status", "sites")),
            "without_email": counts_table(reasons, ("reason", "sites")),
        },
        description=description,
    )


@dg.asset_check(
    partitions_def=uploads_partitions,
    asset="generated_emails",
    additional_ins={"validated_records": dg.AssetIn()},
)
def emails_complete(
    generated_emails: pd.DataFrame, validated_records: pd.DataFrame
) -> dg.AssetCheckResult:
    """Every business got a complete email: three different subject lines, icebreaker, body.

    Fails if any field is empty or two subject lines are the same.
    """
    ok, meta = _one_row_per_business(generated_emails, validated_records)
    fields = ["subject_1", "subject_2", "subject_3", "icebreaker", "hot_button", "email_body"]
    empty = int(
        generated_emails[fields].fillna("").apply(lambda c: c.str.strip().eq("")).any(axis=1).sum()
    )
    same_subjects = int(
        sum(
            len({a, b, c}) < 3
            for a, b, c in zip(
                generated_emails["subject_1"],
                generated_emails["subject_2"],
                generated_emails["subject_3"],
                strict=True,
            )
        )
    )
    return dg.AssetCheckResult(
        passed=ok and empty == 0 and same_subjects == 0,
        metadata={
            **meta,
            "emails_with_empty_fields": empty,
            "emails_with_repeated_subjects": same_subjects,
        },
    )


@dg.asset_check(asset="generated_emails", partitions_def=uploads_partitions)
def fallback_rate(generated_emails: pd.DataFrame) -> dg.AssetCheckResult:
    """Warns when more than 10% of model-written emails were replaced by the template, and why.

    A model answer is replaced when it invents facts, breaks the rules or does not answer; the
    reasons say which (an overloaded endpoint, a model too small for the task, a bad prompt).
    """
    fallbacks = generated_emails[generated_emails["writer"] == "template_fallback"]
    share = rate(len(fallbacks), len(generated_emails))
    reasons = grouped_reasons(fallbacks["fallback_reason"], top=5) if len(fallbacks) else []
    too_many = share > WARN_FALLBACK_RATE
    return dg.AssetCheckResult(
        passed=not too_many,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "fallback_rate": share,
            "fallbacks": len(fallbacks),
            "reasons": counts_table(reasons, ("reason", "emails")),
            "fallback_rows": preview(fallbacks, ["record_id", "fallback_reason", "model"]),
        },
        description=f"{share:.0%} of emails fell back to the template; top reason: "
        f"{reasons[0][0]} ({reasons[0][1]})"
        if too_many and reasons
        else None,
    )
