"""The default writer: offline, instant, free and deterministic.

Every sentence is chosen because of a fact: the opening cites the strongest fact we have (an
award, the year they started, the brands they sell, the decision maker's role, their own words,
their city), the problem comes from the industry's pain-point library with trigger words from
the facts deciding which one fits, and subject lines use the name, the person and the place.
Where several phrasings fit, a stable hash of the facts picks one, so equal facts always give
the same email while two similar dealers do not get word-for-word copies.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from enrichment_pipeline.core.writing.facts import EmailFacts, first_name, short_company_name
from enrichment_pipeline.core.writing.guardrails import (
    BODY_MAX_WORDS,
    BODY_MIN_WORDS,
    SUBJECT_MAX_CHARS,
    count_words,
)
from enrichment_pipeline.core.writing.industries import CAR_DEALER, find_brands
from enrichment_pipeline.core.writing.pain_points import INDUSTRY_WORDS, PainPoint, pain_points_for
from enrichment_pipeline.core.writing.result import TEMPLATE, GeneratedEmail
from enrichment_pipeline.core.writing.sender import SenderProfile, fill_placeholders

_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_SINCE = re.compile(
    r"(?i)\b(?:since|established|est\.?|founded(?:\s+in)?|serving\s+\w+\s+since)\s+(1[89]\d\d|20\d\d)\b"
)
_QUOTE_MAX = 90
_SUBJECT_NAME_MAX = 30


def write_template(
    facts: EmailFacts, profile: SenderProfile, *, model: str | None = None
) -> GeneratedEmail:
    """Write the email for one business from its facts alone."""
    plan = _Plan(facts.sanitized(), profile)
    return GeneratedEmail(
        subject_1=plan.subjects[0],
        subject_2=plan.subjects[1],
        subject_3=plan.subjects[2],
        icebreaker=plan.icebreaker,
        hot_button=plan.pain.hot_button,
        email_body=plan.body(),
        writer=TEMPLATE,
        model=model,
    )


class _Plan:
    """The choices for one email, each derived from the facts."""

    def __init__(self, facts: EmailFacts, profile: SenderProfile) -> None:
        self.facts = facts
        self.profile = profile
        self.seed = int(facts.content_hash()[:12], 16)
        self.industry = facts.resolved_industry
        self.words = INDUSTRY_WORDS[self.industry]
        self.name = short_company_name(facts.company_name) or facts.company_name
        self.first = first_name(facts.person_name)
        self.snippets = [(s.kind, s.text) for s in facts.snippets]
        texts = [facts.company_name, *(text for _, text in self.snippets)]
        self.brands = find_brands(texts)[:2] if self.industry == CAR_DEALER else []
        self.since = _since_year(self.snippets)
        self.pain = self._choose_pain(" ".join(texts))
        self.icebreaker = self._icebreaker()
        self.subjects = self._subjects()

    # -- choices -------------------------------------------------------------------------

    def pick(self, options: Sequence[str], salt: int) -> str:
        """A stable choice among phrasings: same facts, same choice."""
        return options[(self.seed // (salt * 7 + 1)) % len(options)]

    def _choose_pain(self, fact_text: str) -> PainPoint:
        points = pain_points_for(self.industry, self.profile.pain_points)
        triggered = [point for point in points if point.triggers and point.matches(fact_text)]
        if triggered:
            return triggered[0]
        untriggered = [point for point in points if not point.triggers] or list(points)
        return untriggered[self.seed % len(untriggered)]

    def _icebreaker(self) -> str:
        name, city = self.name, self.facts.city
        award = next((t for k, t in self.snippets if k == "awards" and len(t) <= _QUOTE_MAX), None)
        if award:
            award = award.rstrip(" .!")
            return self.pick(
                (
                    f'I saw "{award}" on your website. Congratulations; recognition like that '
                    "is earned one customer at a time.",
                    f'Congratulations on "{award}". It says a lot about the way {name} treats '
                    f"its {self.words.customers}.",
                ),
                1,
            )
        if self.since:
            place = city or "your community"
            return self.pick(
                (
                    f"{name} has been serving {place} since {self.since}, and that kind of "
                    "staying power is rare.",
                    f"Serving {place} since {self.since} is a real track record; {name} "
                    "clearly does something right.",
                ),
                2,
            )
        if self.brands:
            brand = " and ".join(self.brands)
            place = f"around {city}" if city else "in your area"
            return self.pick(
                (
                    f"I was looking at {brand} dealers {place}, and {name} stood out.",
                    f"I was looking at {brand} stores {place} and spent some time on the "
                    f"{name} website.",
                ),
                3,
            )
        if self.facts.person_title and self.first:
            return (
                f"I was reading about {name} and saw that you lead the team there as "
                f"{self.facts.person_title}."
            )
        quote = next(
            (
                t.rstrip(" .!")
                for k, t in self.snippets
                if k in ("services", "about", "description") and 12 <= len(t) <= _QUOTE_MAX
            ),
            None,
        )
        if quote:
            return f'Your website says "{quote}", and that caught my attention.'
        if city:
            return self.pick(
                (
                    f"I came across {name} while looking at {self.words.plural} in {city}.",
                    f"{name} came up while I was looking at {self.words.plural} in {city}.",
                ),
                4,
            )
        return f"I came across {name} while looking at {self.words.plural} online."

    def _subjects(self) -> list[str]:
        name = _shorten(self.name, _SUBJECT_NAME_MAX)
        topic = self.pain.subject
        city = self.facts.city
        groups: list[list[str]] = [
            [f"{name}: {topic}", f"{_capitalise(topic)} at {name}"],
            (
                [f"{self.first}, quick question", f"Question for {self.first}"]
                if self.first
                else [f"Quick question for {name}", f"Question for the {name} team"]
            ),
        ]
        if self.brands:
            groups.append(
                [f"An idea for your {self.brands[0]} store", f"Your {self.brands[0]} leads"]
            )
        elif city:
            groups.append([f"Idea for {city} {self.words.plural}", f"An idea for {name}"])
        else:
            groups.append([f"An idea for {name}", f"{_capitalise(topic)}?"])
        fallbacks = ["Quick question", "An idea for you", f"{_capitalise(topic)}?"]
        chosen: list[str] = []
        for salt, options in enumerate(groups, start=5):
            rotated = [*options[self.seed // salt % 2 :], *options[: self.seed // salt % 2]]
            for option in rotated:
                if _subject_ok(option, chosen):
                    chosen.append(option)
                    break
        for option in fallbacks:
            if len(chosen) == 3:
                break
            if _subject_ok(option, chosen):
                chosen.append(option)
        return chosen[:3]

    # -- body ----------------------------------------------------------------------------

    def body(self) -> str:
        """Message, signature and compliance footer, with the message at 90-160 words."""
        fill = {"company": self.name, "city": self.facts.city}
        greeting = self._greeting()
        bridge = self.pick(
            (
                f"For a busy {self.words.singular} like {self.name}, that adds up over a year.",
                f"For a {self.words.singular} the size of {self.name}, those missed chances "
                "add up.",
            ),
            6,
        )
        offer = fill_placeholders(self.profile.offer, **fill)
        value = fill_placeholders(self.profile.value_proposition, **fill)
        cta = fill_placeholders(self.profile.call_to_action, **fill)
        softener = "If the timing is wrong, a quick no is completely fine too."
        closing = self.profile.closing()
        # Optional sentences, added or dropped to land in the word range; order = priority.
        optional = {"bridge": True, "value": bool(value), "softener": False}

        def render() -> str:
            problem = self.pain.problem + (f" {bridge}" if optional["bridge"] else "")
            pitch = offer + (f" {value}" if optional["value"] else "")
            ask = cta + (f" {softener}" if optional["softener"] else "")
            return "\n\n".join((greeting, self.icebreaker, problem, pitch, ask, closing))

        message = render()
        if count_words(message) < BODY_MIN_WORDS:
            optional["softener"] = True
            message = render()
        for part in ("bridge", "softener", "value"):
            if count_words(message) <= BODY_MAX_WORDS:
                break
            optional[part] = False
            message = render()
        return self.profile.finish_body(message.removesuffix(closing))

    def _greeting(self) -> str:
        tone = self.profile.tone
        if self.first:
            return {"friendly": f"Hi {self.first},", "professional": f"Hello {self.first},"}.get(
                tone, f"{self.first},"
            )
        team = f"{_shorten(self.name, 40)} team"
        return {"friendly": f"Hi {team},", "professional": f"Hello {team},"}.get(tone, "Hello,")


def _since_year(snippets: Sequence[tuple[str, str]]) -> str | None:
    for kind, text in snippets:
        match = _SINCE.search(text)
        if match:
            return match.group(1)
        if kind == "since":
            year = _YEAR.search(text)
            if year:
                return year.group(1)
    return None


def _subject_ok(subject: str, chosen: list[str]) -> bool:
    key = re.sub(r"\W+", " ", subject).strip().casefold()
    taken = {re.sub(r"\W+", " ", s).strip().casefold() for s in chosen}
    return 0 < len(subject) <= SUBJECT_MAX_CHARS and bool(key) and key not in taken


def _shorten(text: str, limit: int) -> str:
    """Cut at a word boundary; never mid-word (a cut word is not a name from the facts)."""
    if len(text) <= limit or " " not in text[:limit]:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,&-'") or text


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]
