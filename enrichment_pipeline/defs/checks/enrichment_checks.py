"""Checks on matching, scraping and writing: one row per business, sane values, warning rates."""

import json
from collections import Counter

import dagster as dg
import pandas as pd
from email_validator import EmailNotValidError, validate_email

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
    """Exactly one match row per business; confidences in [0, 1]; matched rows name a site."""
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
    """Warns when fewer than half of the businesses got a verified website."""
    statuses = Counter(website_matches["status"])
    share = rate(statuses.get("matched", 0), len(website_matches))
    review = website_matches[website_matches["status"].isin(["ambiguous", "not_found"])]
    return dg.AssetCheckResult(
        passed=share >= WARN_MATCH_RATE or website_matches.empty,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "match_rate": share,
            "by_status": counts_table(sorted(statuses.items()), ("status", "rows")),
            "unmatched": preview(review, ["record_id", "status", "error", "review_candidate"]),
        },
        description=None
        if share >= WARN_MATCH_RATE
        else f"only {share:.0%} of businesses matched; see 'unmatched' for the reasons",
    )


@dg.asset_check(
    partitions_def=uploads_partitions,
    asset="scraped_contacts",
    additional_ins={"validated_records": dg.AssetIn()},
)
def contacts_are_well_formed(
    scraped_contacts: pd.DataFrame, validated_records: pd.DataFrame
) -> dg.AssetCheckResult:
    """One row per business; every stored email is syntactically valid; phones are E.164."""
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
    """Warns when most scraped sites yielded no email, with the page errors behind it."""
    scraped = scraped_contacts[scraped_contacts["status"] != "no_website"]
    share = rate(int(scraped["primary_email"].notna().sum()), len(scraped))
    statuses = Counter(scraped["status"])
    return dg.AssetCheckResult(
        passed=share >= 0.5 or scraped.empty,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "emails_found_rate": share,
            "by_status": counts_table(sorted(statuses.items()), ("status", "sites")),
        },
        description=None
        if share >= 0.5 or scraped.empty
        else f"only {share:.0%} of sites yielded an email",
    )


@dg.asset_check(
    partitions_def=uploads_partitions,
    asset="generated_emails",
    additional_ins={"validated_records": dg.AssetIn()},
)
def emails_complete(
    generated_emails: pd.DataFrame, validated_records: pd.DataFrame
) -> dg.AssetCheckResult:
    """Every business has an email with all fields filled and three distinct subject lines."""
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
    """Warns when more than 10% of model answers were replaced by the template, with reasons."""
    fallbacks = generated_emails[generated_emails["writer"] == "template_fallback"]
    share = rate(len(fallbacks), len(generated_emails))
    reasons = Counter(fallbacks["fallback_reason"].fillna("unknown")).most_common(5)
    return dg.AssetCheckResult(
        passed=share <= WARN_FALLBACK_RATE,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"fallback_rate": share, "reasons": counts_table(reasons, ("reason", "emails"))},
        description=None
        if share <= WARN_FALLBACK_RATE
        else f"{share:.0%} of emails fell back to the template; top reason: {reasons[0][0]}",
    )
