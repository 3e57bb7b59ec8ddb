"""Who is writing: the sender profile (identity, offer, call to action, compliance footer).

Loaded from a TOML file (`data/sender_profile.toml`; documented example in
`data/sender_profile.example.toml`). Without a file, a clearly marked placeholder profile is used
so that demos run; `SenderProfile.is_default` says so, and nobody should send those emails.
"""

from __future__ import annotations

import hashlib
import json
import string
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from enrichment_pipeline.core.writing.industries import INDUSTRIES
from enrichment_pipeline.core.writing.pain_points import PainPoint

Tone = Literal["friendly", "professional", "direct"]
# Placeholders a profile sentence may use; filled from the facts by the writers.
PLACEHOLDERS: frozenset[str] = frozenset({"company", "city"})


class SenderProfileError(ValueError):
    """The sender profile file is missing required fields or has invalid values."""


@dataclass(frozen=True)
class SenderProfile:
    """The sender's identity, offer and the CAN-SPAM footer every email carries.

    `offer`, `value_proposition` and `call_to_action` are complete sentences; they may use the
    placeholders {company} (the recipient's short name) and {city}.
    """

    sender_name: str
    company: str
    email: str
    postal_address: str
    offer: str
    call_to_action: str
    value_proposition: str = ""
    sender_title: str | None = None
    website: str | None = None
    phone: str | None = None
    opt_out: str = (
        "If you'd rather not hear from me, just reply \"unsubscribe\" and I won't email you again."
    )
    signature: str | None = None
    tone: Tone = "friendly"
    pain_points: dict[str, tuple[PainPoint, ...]] = field(default_factory=dict, hash=False)
    is_default: bool = False

    def signature_block(self) -> str:
        """The sign-off lines under the message (the custom signature when one is set)."""
        if self.signature:
            return self.signature.strip()
        role = f"{self.sender_title}, {self.company}" if self.sender_title else self.company
        lines = [self.sender_name, role, self.phone or "", self.website or ""]
        return "\n".join(line for line in lines if line)

    def footer(self) -> str:
        """Postal address and opt-out line: required in every commercial email (CAN-SPAM)."""
        return f"--\n{self.postal_address.strip()}\n{self.opt_out.strip()}"

    def closing(self) -> str:
        """Sign-off and signature, as they follow the message."""
        return f"{self.sign_off()}\n{self.signature_block()}"

    def finish_body(self, message: str) -> str:
        """The full email body: message, closing, then the compliance footer."""
        return f"{message.strip()}\n\n{self.closing()}\n\n{self.footer()}"

    def sign_off(self) -> str:
        """The closing word(s) before the signature, by tone."""
        return {"friendly": "Thanks,", "professional": "Best regards,", "direct": "Best,"}[
            self.tone
        ]

    def content_hash(self) -> str:
        """Stable hash of everything that shapes an email (part of the LLM cache key)."""
        blob = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def texts(self) -> list[str]:
        """Every sender-provided string (what the guardrails treat as trusted vocabulary)."""
        values = [
            self.sender_name,
            self.company,
            self.email,
            self.postal_address,
            self.offer,
            self.call_to_action,
            self.value_proposition,
            self.sender_title or "",
            self.website or "",
            self.phone or "",
            self.opt_out,
            self.signature_block(),
        ]
        for points in self.pain_points.values():
            for point in points:
                values.extend((point.hot_button, point.problem, point.subject))
        return [value for value in values if value]


DEFAULT_PROFILE = SenderProfile(
    sender_name="Alex Morgan",
    sender_title="Founder",
    company="Example Outreach Co",
    email="alex@example.com",
    website="https://example.com",
    phone="+1 813-555-0100",
    postal_address="Example Outreach Co, 100 Example Street, Suite 100, Tampa, FL 33602",
    offer=(
        "We set up an assistant that answers every web lead, chat and missed call within "
        "minutes, day or night, and books the appointment straight into your calendar."
    ),
    value_proposition=(
        "Our clients sell more from the leads they already pay for, without adding staff."
    ),
    call_to_action=(
        "Would you be open to a short call next week to see whether it would fit {company}?"
    ),
    is_default=True,
)


class _PainPointFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str = ""
    hot_button: str = Field(min_length=5, max_length=200)
    problem: str = Field(min_length=10, max_length=600)
    subject: str = Field(min_length=3, max_length=40)
    triggers: list[str] = Field(default_factory=list)


class _ProfileFile(BaseModel):
    """The TOML file's schema; unknown keys are errors so typos are caught, not ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    sender_name: str = Field(min_length=1, max_length=100)
    sender_title: str | None = Field(default=None, max_length=100)
    company: str = Field(min_length=1, max_length=120)
    email: str
    website: str | None = None
    phone: str | None = None
    postal_address: str = Field(min_length=10, max_length=300)
    offer: str = Field(min_length=10, max_length=600)
    value_proposition: str = Field(default="", max_length=400)
    call_to_action: str = Field(min_length=5, max_length=300)
    opt_out: str | None = Field(default=None, min_length=10, max_length=300)
    signature: str | None = Field(default=None, max_length=400)
    tone: Tone = "friendly"
    pain_points: dict[str, list[_PainPointFile]] = Field(default_factory=dict)

    @field_validator("email")
    @classmethod
    def _valid_email(cls, value: str) -> str:
        try:
            return validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError as exc:
            raise ValueError(str(exc)) from exc

    @field_validator("phone")
    @classmethod
    def _valid_phone(cls, value: str | None) -> str | None:
        if not value:
            return None
        try:
            number = phonenumbers.parse(value, "US")
        except phonenumbers.NumberParseException as exc:
            raise ValueError(f"not a phone number: {value!r}") from exc
        if not phonenumbers.is_valid_number(number) and not phonenumbers.is_possible_number(number):
            raise ValueError(f"not a valid phone number: {value!r}")
        return value

    @field_validator("website")
    @classmethod
    def _valid_website(cls, value: str | None) -> str | None:
        if not value:
            return None
        if "://" not in value:
            value = "https://" + value
        if " " in value or "." not in value:
            raise ValueError(f"not a website address: {value!r}")
        return value

    @field_validator("offer", "value_proposition", "call_to_action")
    @classmethod
    def _known_placeholders(cls, value: str) -> str:
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError as exc:
            raise ValueError(f"bad {{placeholder}} syntax ({exc}); write {{{{ for a brace") from exc
        unknown = names - PLACEHOLDERS
        if unknown:
            raise ValueError(
                f"unknown placeholder(s) {sorted(unknown)}; allowed: {sorted(PLACEHOLDERS)}"
            )
        return value

    @field_validator("pain_points")
    @classmethod
    def _known_industries(cls, value: dict[str, Any]) -> dict[str, Any]:
        unknown = set(value) - set(INDUSTRIES)
        if unknown:
            raise ValueError(f"unknown industries {sorted(unknown)}; use {list(INDUSTRIES)}")
        return value


def load_sender_profile(path: Path | None) -> SenderProfile:
    """Read the sender profile TOML at `path`; the built-in placeholder when it is absent.

    Raises SenderProfileError (one line per problem, naming the key) for an unreadable or
    invalid file: a bad profile must stop the run before any email is written.
    """
    if path is None or not Path(path).is_file():
        return DEFAULT_PROFILE
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SenderProfileError(f"cannot read sender profile {path}: {exc}") from exc
    try:
        parsed = _ProfileFile.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
            for error in exc.errors()
        )
        raise SenderProfileError(f"invalid sender profile {path}: {problems}") from None
    data = parsed.model_dump(exclude={"pain_points", "opt_out"})
    if parsed.opt_out:
        data["opt_out"] = parsed.opt_out
    pain_points = {
        industry: tuple(
            PainPoint(
                key=entry.key or f"custom_{index}",
                hot_button=entry.hot_button,
                problem=entry.problem,
                subject=entry.subject,
                triggers=tuple(entry.triggers),
            )
            for index, entry in enumerate(entries)
        )
        for industry, entries in parsed.pain_points.items()
        if entries
    }
    return SenderProfile(**data, pain_points=pain_points)


def fill_placeholders(text: str, *, company: str, city: str | None) -> str:
    """Fill {company} and {city} in a profile sentence."""
    return text.format_map({"company": company, "city": city or "your area"})
