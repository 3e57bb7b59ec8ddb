"""Inputs, outputs and settings of website discovery."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any, Literal

MatchStatus = Literal["matched", "not_found", "ambiguous", "error"]
Source = Literal["csv", "searxng", "brave", "google", "guess"]
STATUSES: tuple[str, ...] = ("matched", "not_found", "ambiguous", "error")
SOURCES: tuple[str, ...] = ("csv", "searxng", "brave", "google", "guess")


@dataclass(frozen=True)
class MatchInput:
    """What we know about a business before looking for its website."""

    record_id: int
    company_key: str
    name: str
    name_normalized: str | None = None
    street: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    phone_e164: str | None = None
    website: str | None = None  # canonical URL from the CSV, when given


@dataclass
class WebsiteMatch:
    """The outcome for one business; its fields are the `website_matches` table columns."""

    record_id: int
    company_key: str
    status: str  # matched, not_found, ambiguous, error
    website: str | None = None  # canonical homepage after redirects
    confidence: float = 0.0
    source: str | None = None  # csv, searxng, brave, google, guess
    evidence: list[dict[str, Any]] = field(default_factory=list)
    candidates_tried: int = 0
    error: str | None = None
    review_candidate: str | None = None
    review_reason: str | None = None
    cached: bool = False
    checked_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (shallow: `evidence` is shared, not deep-copied - at 10,000
        records `dataclasses.asdict`'s deep copy of every evidence item showed in profiles)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WebsiteMatch:
        """Inverse of `to_dict` (also accepts `checked_at` as an ISO string, as JSON stores it)."""
        values = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        checked = values.get("checked_at")
        if isinstance(checked, str):
            parsed = datetime.fromisoformat(checked)
            values["checked_at"] = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        return cls(**values)


@dataclass(frozen=True)
class MatchConfig:
    """How hard to look and how sure to be. Defaults suit ~10,000 Florida dealers."""

    accept_threshold: float = 0.6  # confidence needed for `matched`
    # Below the threshold but at least this sure: `ambiguous` (a human should look), else
    # `not_found`. Also the margin under which two accepted sites make a record ambiguous.
    review_threshold: float = 0.3
    ambiguity_margin: float = 0.1
    cache_ttl_s: float = 30 * 86_400  # reuse a business's answer from the match cache this long
    record_concurrency: int = 512  # businesses worked on at once
    region: str = "US"
    max_search_results: int = 10  # asked of each provider per query
    max_search_candidates: int = 5  # verified per provider response (after skipping directories)
    max_guesses: int = 16  # domain names built from the business name
    max_guess_fetches: int = 4  # guessed domains that resolve and get fetched
    guess_tlds: tuple[str, ...] = (".com", ".net", ".us", ".biz")
    use_guessing: bool = True
    # "auto": render a contact page that only a browser can read; "never": static HTML only.
    render_contact: Literal["never", "auto"] = "auto"
    # Hosts (and their subdomains) that are never a business's own website, on top of the
    # built-in list of directories, aggregators, marketplaces and social sites.
    extra_blocked_hosts: tuple[str, ...] = ()
