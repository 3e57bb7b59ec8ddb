"""What happened to one upload, in numbers: the facts behind the report and the UI metadata.

Everything here is computed from the stage tables and the export's counts, so the report, the
Dagster metadata and the command line's summary can never disagree with the files written.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd

CONTACT_FIELDS = (
    ("email", "an email address"),
    ("phone", "a phone number"),
    ("decision_maker", "a decision maker"),
    ("facebook", "Facebook"),
    ("instagram", "Instagram"),
    ("linkedin", "LinkedIn"),
    ("twitter", "X (Twitter)"),
    ("youtube", "YouTube"),
)
TOP_REASONS = 10
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_PARENS = re.compile(r"\s*\([^()]*\)")
_URL = re.compile(r"\bhttps?://[^\s)]+")
_SPACES = re.compile(r"\s+")
REASON_CHARS = 90


@dataclass(frozen=True)
class FunnelStep:
    """One step of the funnel: how many rows are still in."""

    key: str
    label: str
    rows: int


@dataclass(frozen=True)
class CostSummary:
    """What writing the emails took: who wrote them, model calls, tokens and money."""

    emails: int
    writers: dict[str, int]
    models: list[str]
    model_calls: int
    cached_answers: int
    tokens_in: int
    tokens_out: int
    cost_usd: float
    fallback_reasons: list[tuple[str, int]]

    @property
    def cost_per_10k_usd(self) -> float:
        """The cost scaled to 10,000 businesses (the design target is at most $3)."""
        return self.cost_usd / self.emails * 10_000 if self.emails else 0.0


@dataclass(frozen=True)
class QualitySummary:
    """The per-upload facts the report, the asset metadata and the CLI show."""

    file_name: str
    upload_key: str
    generated_at: datetime
    funnel: list[FunnelStep]
    row_statuses: dict[str, int]  # enriched rows by status (ok, no_website, ...)
    businesses: int  # distinct businesses among the valid rows
    match_statuses: dict[str, int]  # businesses by match status
    sources: dict[str, int]  # where the verified websites came from
    confidence_matched: list[float]
    confidence_rejected: list[float]  # best candidates that were not accepted
    reject_reasons: list[tuple[str, int]]  # rows that could not be used, grouped
    no_website_reasons: list[tuple[str, int]]  # businesses without a verified site, by cause
    sites_scraped: int
    contact_found: dict[str, int]  # CONTACT_FIELDS key -> sites where it was found
    cost: CostSummary
    outputs: dict[str, str] = field(default_factory=dict)  # kind -> file name
    suppression_entries: int = 0

    @property
    def rows_in(self) -> int:
        return self.funnel[0].rows if self.funnel else 0

    def step(self, key: str) -> int:
        """Rows at the funnel step `key` (rows_in, valid, website, email, ready)."""
        return next((s.rows for s in self.funnel if s.key == key), 0)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (for `--json` and tests)."""
        data = asdict(self)
        data["generated_at"] = self.generated_at.isoformat()
        data["cost"]["cost_per_10k_usd"] = round(self.cost.cost_per_10k_usd, 4)
        return data


# Why a business has no verified website, in words for the person who uploaded the file. The
# website stage's messages are detailed and row-specific ("searxng: 2 candidate(s), best https://
# ... did not load (timeout)"); for counting, each is put under one of these causes.
CAUSE_INTERNAL = "an internal error (the error column has the details)"
CAUSE_SEARCH_FAILED = "the search could not be completed (it is tried again on the next run)"
CAUSE_AMBIGUOUS = "two websites look equally right: left for you to decide"
CAUSE_WEAK = "a website was found, but the evidence was too weak to use it"
CAUSE_ROBOTS = "the website asks automated visitors to stay away (robots.txt)"
CAUSE_FILE_SITE = "the website in your file did not load or is not this business's"
CAUSE_NOT_FOUND = "no website found (none in the file; search and guessing found none)"
_CAUSES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("internal error",), CAUSE_INTERNAL),
    (("could not complete the search", "search failed"), CAUSE_SEARCH_FAILED),
    (("two sites verified with similar confidence",), CAUSE_AMBIGUOUS),
    (("no candidate reached",), CAUSE_WEAK),
    (("robots",), CAUSE_ROBOTS),
    (("no website in the file", "nothing to try"), CAUSE_NOT_FOUND),
    (("website in the file", "website from the file"), CAUSE_FILE_SITE),
    (("no website found",), CAUSE_NOT_FOUND),
)


def website_cause(error: Any) -> str:
    """The plain-language cause behind a website stage message (see the CAUSE_* constants)."""
    if not _present(error) or not str(error).strip():
        return "no reason recorded"
    text = str(error).lower()
    for needles, cause in _CAUSES:
        if any(needle in text for needle in needles):
            return cause
    return reason_key(str(error))


def website_causes(errors: Iterable[Any], top: int = TOP_REASONS) -> list[tuple[str, int]]:
    """Most common causes first (see `website_cause`)."""
    return Counter(website_cause(e) for e in errors).most_common(top)


def reason_key(text: str) -> str:
    """A reason with row-specific details removed, so equal causes are counted together.

    "phone '12' is not a valid US number" and "phone '999' is ..." are the same cause; so are
    two refusals that differ only in a (possibly nested) parenthesised detail or the URL.
    """
    text = str(text)
    while (stripped := _PARENS.sub("", text)) != text:  # innermost first: nested details go too
        text = stripped
    text = _URL.sub("<url>", text)
    text = _QUOTED.sub("'…'", text)
    text = _SPACES.sub(" ", text).strip()
    return text if len(text) <= REASON_CHARS else text[: REASON_CHARS - 1] + "…"


def grouped_reasons(reasons: Iterable[Any], top: int = TOP_REASONS) -> list[tuple[str, int]]:
    """Most common causes first; missing reasons count as 'no reason recorded'."""
    counts = Counter(
        reason_key(r) if _present(r) and str(r).strip() else "no reason recorded" for r in reasons
    )
    return counts.most_common(top)


def summarize_upload(
    *,
    file_name: str,
    upload_key: str,
    rows_in: int,
    validated: pd.DataFrame,
    rejected: pd.DataFrame,
    matches: pd.DataFrame,
    contacts: pd.DataFrame,
    emails: pd.DataFrame,
    row_statuses: Mapping[str, int],
    rows_with_website: int,
    rows_with_email: int,
    rows_ready: int,
    outputs: Mapping[str, str] | None = None,
    suppression_entries: int = 0,
    generated_at: datetime | None = None,
) -> QualitySummary:
    """Summarise one upload from its stage tables and the export's row counts.

    The funnel counts rows of the file (a business listed twice counts twice, as in the CSV):
    rows in the file, valid rows, rows with a verified website, rows with an email address, and
    rows whose email is ready to send (an address and a written email; repeats of a business
    and suppressed addresses never are).
    """
    funnel = [
        FunnelStep("rows_in", "rows in your file", rows_in),
        FunnelStep("valid", "valid rows", len(validated)),
        FunnelStep("website", "website verified", rows_with_website),
        FunnelStep("email", "email address found", rows_with_email),
        FunnelStep("ready", "email ready to send", rows_ready),
    ]
    businesses = (
        int(validated["duplicate_of"].isna().sum())
        if "duplicate_of" in validated
        else len(validated)
    )
    match_statuses = Counter(_column(matches, "status"))
    is_matched = _column(matches, "status") == "matched"
    matched = matches[is_matched] if len(matches) else matches
    unmatched = matches[~is_matched] if len(matches) else matches
    confidence = pd.to_numeric(_column(unmatched, "confidence"), errors="coerce")
    return QualitySummary(
        file_name=file_name,
        upload_key=upload_key,
        generated_at=generated_at or datetime.now(UTC),
        funnel=funnel,
        row_statuses=dict(sorted(row_statuses.items())),
        businesses=businesses,
        match_statuses=dict(sorted(match_statuses.items())),
        sources=dict(Counter(_column(matched, "source").fillna("unknown")).most_common()),
        confidence_matched=_floats(_column(matched, "confidence")),
        confidence_rejected=_floats(confidence[confidence > 0]),
        reject_reasons=grouped_reasons(_column(rejected, "reason")),
        no_website_reasons=website_causes(_column(unmatched, "error")),
        sites_scraped=_sites_scraped(contacts),
        contact_found=_contact_found(contacts),
        cost=_cost(emails),
        outputs=dict(outputs or {}),
        suppression_entries=suppression_entries,
    )


def _present(value: Any) -> bool:
    return (
        value is not None
        and value is not pd.NA
        and not (isinstance(value, float) and value != value)
    )


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _floats(values: Iterable[Any]) -> list[float]:
    return [round(float(v), 4) for v in values if _present(v)]


def _json(text: Any, default: Any) -> Any:
    if not _present(text) or text == "":
        return default
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return default


def _scraped(contacts: pd.DataFrame) -> pd.DataFrame:
    """Rows of businesses whose site was visited (not those without a website)."""
    if contacts.empty:
        return contacts
    return contacts[_column(contacts, "status") != "no_website"]


def _sites_scraped(contacts: pd.DataFrame) -> int:
    return len(_scraped(contacts))


def _contact_found(contacts: pd.DataFrame) -> dict[str, int]:
    found = dict.fromkeys((key for key, _ in CONTACT_FIELDS), 0)
    for row in _scraped(contacts).to_dict("records"):
        if _json(row.get("emails"), []) or _present(row.get("primary_email")):
            found["email"] += 1
        if _json(row.get("phones"), []):
            found["phone"] += 1
        if _present(row.get("owner_name")) or _json(row.get("people"), []):
            found["decision_maker"] += 1
        socials = _json(row.get("socials"), {})
        for platform in ("facebook", "instagram", "linkedin", "twitter", "youtube"):
            if isinstance(socials, dict) and socials.get(platform):
                found[platform] += 1
    return found


def _cost(emails: pd.DataFrame) -> CostSummary:
    def total(name: str) -> float:
        return float(pd.to_numeric(_column(emails, name), errors="coerce").fillna(0).sum())

    writers = Counter(_column(emails, "writer").fillna("unknown"))
    fallbacks = _column(emails, "fallback_reason")
    models = sorted({str(m) for m in _column(emails, "model") if _present(m) and str(m)})
    return CostSummary(
        emails=len(emails),
        writers=dict(writers.most_common()),
        models=models,
        model_calls=int(total("calls")),
        cached_answers=int(_column(emails, "cached").fillna(False).astype(bool).sum()),
        tokens_in=int(total("tokens_in")),
        tokens_out=int(total("tokens_out")),
        cost_usd=round(total("cost_usd"), 6),
        fallback_reasons=grouped_reasons(r for r in fallbacks if _present(r)),
    )
