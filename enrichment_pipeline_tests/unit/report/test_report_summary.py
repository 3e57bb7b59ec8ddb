"""The numbers behind the report: funnel, reasons grouped by cause, contacts, cost."""

from __future__ import annotations

import json

import pandas as pd

from enrichment_pipeline.core.report import (
    grouped_reasons,
    reason_key,
    summarize_upload,
    website_cause,
)
from enrichment_pipeline.core.report.summary import (
    CAUSE_AMBIGUOUS,
    CAUSE_FILE_SITE,
    CAUSE_NOT_FOUND,
    CAUSE_ROBOTS,
    CAUSE_SEARCH_FAILED,
    CAUSE_WEAK,
)

VALID = pd.DataFrame(
    {
        "row_number": [1, 2, 3, 4, 5],
        "duplicate_of": pd.array([pd.NA, pd.NA, pd.NA, pd.NA, 1], dtype="Int64"),
    }
)
REJECTED = pd.DataFrame(
    {
        "row_number": [6, 7, 8],
        "reason": [
            "missing business name",
            "phone '12' is not a valid US number, and no address or website",
            "phone '999' is not a valid US number, and no address or website",
        ],
    }
)
MATCHES = pd.DataFrame(
    {
        "record_id": [1, 2, 3, 4],
        "status": ["matched", "matched", "not_found", "ambiguous"],
        "confidence": [0.95, 0.7, 0.0, 0.45],
        "source": ["csv", "searxng", None, None],
        "error": [
            None,
            None,
            "no website found; search: no usable result; guessing: 0 of 13 guessed domains resolve",
            "two sites verified with similar confidence: https://a.example/ (0.70) and "
            "https://b.example/ (0.66)",
        ],
    }
)


def _contacts() -> pd.DataFrame:
    def row(record: int, status: str, emails: list[str], owner: str | None, socials: dict):
        return {
            "record_id": record,
            "status": status,
            "emails": json.dumps([{"address": a} for a in emails]),
            "primary_email": emails[0] if emails else None,
            "phones": json.dumps([{"e164": "+13055550230"}] if emails else []),
            "owner_name": owner,
            "people": json.dumps([]),
            "socials": json.dumps(socials),
        }

    return pd.DataFrame(
        [
            row(1, "ok", ["sales@a.example"], "Ann Lee", {"facebook": ["https://fb/a"]}),
            row(2, "ok", [], None, {"facebook": ["https://fb/b"], "youtube": ["https://yt/b"]}),
            row(3, "no_website", [], None, {}),
            row(4, "no_website", [], None, {}),
        ]
    )


EMAILS = pd.DataFrame(
    {
        "record_id": [1, 2, 3, 4],
        "writer": ["openai", "openai", "template_fallback", "openai"],
        "fallback_reason": [None, None, "invented_fact: 'Since 1990' not in the facts", None],
        "model": ["gpt-4o-mini"] * 3 + [None],
        "calls": [1, 1, 2, 0],
        "tokens_in": [400, 410, 800, 0],
        "tokens_out": [200, 190, 380, 0],
        "cost_usd": [0.00018, 0.00017, 0.00035, 0.0],
        "cached": [False, False, False, True],
    }
)


def _summary():
    return summarize_upload(
        file_name="Dealers Q4.csv",
        upload_key="dealers-q4-0123abcd",
        rows_in=8,
        validated=VALID,
        rejected=REJECTED,
        matches=MATCHES,
        contacts=_contacts(),
        emails=EMAILS,
        row_statuses={"ok": 2, "no_website": 2, "duplicate": 1},
        rows_with_website=3,
        rows_with_email=2,
        rows_ready=1,
        outputs={"csv": "Dealers Q4.csv"},
        suppression_entries=4,
    )


def test_funnel_counts_rows_of_the_file_in_order() -> None:
    summary = _summary()
    assert [(s.key, s.rows) for s in summary.funnel] == [
        ("rows_in", 8),
        ("valid", 5),
        ("website", 3),
        ("email", 2),
        ("ready", 1),
    ]
    assert summary.businesses == 4  # row 5 repeats row 1
    assert summary.step("ready") == 1 and summary.rows_in == 8


def test_matches_split_into_accepted_and_rejected_confidence() -> None:
    summary = _summary()
    assert sorted(summary.confidence_matched) == [0.7, 0.95]
    # A business with no candidate at all (confidence 0) is not a "near miss".
    assert summary.confidence_rejected == [0.45]
    assert summary.sources == {"csv": 1, "searxng": 1}
    assert summary.match_statuses == {"ambiguous": 1, "matched": 2, "not_found": 1}


def test_reasons_with_row_specific_values_are_one_cause() -> None:
    summary = _summary()
    assert summary.reject_reasons[0] == (
        "phone '…' is not a valid US number, and no address or website",
        2,
    )
    assert ("missing business name", 1) in summary.reject_reasons
    assert dict(summary.no_website_reasons) == {CAUSE_NOT_FOUND: 1, CAUSE_AMBIGUOUS: 1}


def test_contacts_count_only_visited_sites() -> None:
    summary = _summary()
    assert summary.sites_scraped == 2
    found = summary.contact_found
    assert (found["email"], found["phone"], found["decision_maker"]) == (1, 1, 1)
    assert (found["facebook"], found["youtube"], found["instagram"]) == (2, 1, 0)


def test_cost_totals_and_scale_to_ten_thousand() -> None:
    cost = _summary().cost
    assert cost.model_calls == 4 and cost.cached_answers == 1
    assert (cost.tokens_in, cost.tokens_out) == (1610, 770)
    assert abs(cost.cost_usd - 0.0007) < 1e-9
    assert abs(cost.cost_per_10k_usd - 0.0007 / 4 * 10_000) < 1e-6
    assert cost.writers == {"openai": 3, "template_fallback": 1}
    assert cost.models == ["gpt-4o-mini"]
    assert cost.fallback_reasons == [("invented_fact: '…' not in the facts", 1)]


def test_empty_upload_has_a_summary_not_an_error() -> None:
    empty = pd.DataFrame()
    summary = summarize_upload(
        file_name="empty.csv",
        upload_key="empty-1",
        rows_in=3,
        validated=pd.DataFrame({"row_number": [], "duplicate_of": []}),
        rejected=REJECTED,
        matches=empty,
        contacts=empty,
        emails=empty,
        row_statuses={},
        rows_with_website=0,
        rows_with_email=0,
        rows_ready=0,
    )
    assert summary.step("valid") == 0 and summary.sites_scraped == 0
    assert summary.confidence_matched == [] and summary.cost.emails == 0
    json.dumps(summary.to_dict())  # serialisable for --json


def test_reason_key_strips_values_urls_and_details() -> None:
    assert reason_key("phone '12' is bad") == reason_key('phone "999" is bad')
    assert reason_key("did not load: timeout (https://x.example/contact)") == (
        "did not load: timeout"
    )
    assert reason_key("see https://x.example/a?b=1 now") == "see <url> now"
    assert len(reason_key("x" * 500)) == 90
    assert grouped_reasons([None, "", "a"]) == [("no reason recorded", 2), ("a", 1)]


def test_website_stage_messages_map_to_plain_causes() -> None:
    robots = (
        "no website found; searxng: 1 candidate(s), best https://x.example/ did not load "
        "(robots: disallowed by robots.txt for EnrichmentPipelineBot (robots.txt parsed))"
    )
    assert website_cause(robots) == CAUSE_ROBOTS
    assert website_cause("no website in the file") == CAUSE_NOT_FOUND
    assert (
        website_cause("no website found; website in the file did not load (dns: no such host)")
        == CAUSE_FILE_SITE
    )
    assert website_cause("no candidate reached 0.6; searxng: 2 candidate(s)") == CAUSE_WEAK
    assert website_cause("could not complete the search: brave: HTTP 429") == (CAUSE_SEARCH_FAILED)
    # Unknown wording falls back to the generic grouping rather than being misfiled.
    assert website_cause("something new (detail)") == "something new"
    assert website_cause(None) == "no reason recorded"


def test_nested_details_are_removed_whole() -> None:
    assert reason_key("did not load (robots: no (robots.txt parsed)); next") == "did not load; next"
