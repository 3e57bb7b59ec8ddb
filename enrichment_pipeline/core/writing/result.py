"""What a writer returns for one business."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

TEMPLATE = "template"
OPENAI = "openai"
TEMPLATE_FALLBACK = "template_fallback"

EMAIL_FIELDS: tuple[str, ...] = (
    "subject_1",
    "subject_2",
    "subject_3",
    "icebreaker",
    "hot_button",
    "email_body",
)


@dataclass
class GeneratedEmail:
    """One written email plus how it was made and what it cost.

    `writer` is "template", "openai" or "template_fallback" (the model's answer failed the
    checks or the endpoint failed; `fallback_reason` says why). Token counts and cost are what
    THIS run spent on the record: zero for the template writer and for cache hits (`cached`).
    `calls` counts model requests that reached the endpoint for this record, retries included.
    """

    subject_1: str
    subject_2: str
    subject_3: str
    icebreaker: str
    hot_button: str
    email_body: str
    writer: str
    fallback_reason: str | None = None
    model: str | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    cached: bool = False
    calls: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (asset rows, cache values)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GeneratedEmail:
        """Inverse of to_dict; unknown keys (from older cache rows) are ignored."""
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})

    def content(self) -> dict[str, str]:
        """Just the six written fields."""
        return {name: getattr(self, name) for name in EMAIL_FIELDS}
