"""Inputs, outputs and settings of website discovery."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any


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
    record_id: int
    company_key: str
    status: str  # matched, not_found, ambiguous, error
    website: str | None = None
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
        return asdict(self)


@dataclass(frozen=True)
class MatchConfig:
    accept_threshold: float = 0.6
    cache_ttl_s: float = 30 * 86_400
    record_concurrency: int = 512
    region: str = "US"
