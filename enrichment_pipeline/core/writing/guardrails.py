"""Checks every written email must pass: shape, length, grounding, contact details, compliance.

One function, `check_email`, is applied to the model's answers at run time (a failure triggers
one repair request, then the template writer) and to the template writer's output in the tests.
It returns human-readable violations, which are also what the repair request shows the model.

Grounding rules: no URL, e-mail address or phone number except the sender's own and the
business's website; every number and every capitalised name-like word that does not start a
sentence must occur in the facts, the sender profile or a short list of common words. A
sentence-initial invented name ("Mike will call you") is beyond a rule-based check; everything
after the first word of a sentence, including greetings ("Hi Mike,"), is covered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
import tldextract

from enrichment_pipeline.core.normalize.addresses import STATE_NAMES
from enrichment_pipeline.core.writing.facts import EmailFacts, short_company_name, website_host
from enrichment_pipeline.core.writing.result import EMAIL_FIELDS
from enrichment_pipeline.core.writing.sanitize import EMAIL_RE, URL_RE, looks_like_injection
from enrichment_pipeline.core.writing.sender import SenderProfile

SUBJECT_MAX_CHARS = 60
ICEBREAKER_MAX_CHARS = 300
HOT_BUTTON_MAX_CHARS = 200
BODY_MIN_WORDS = 90
BODY_MAX_WORDS = 160


def _word_set(*lines: str) -> frozenset[str]:
    return frozenset(word for line in lines for word in line.split())


# Capitalised words an honest email may use without them being in the facts.
COMMON_CAPITALISED = _word_set(
    "i i'm i'd i'll i've ok okay hi hello hey dear thanks thank best regards cheers sincerely",
    "mr mrs ms dr p.s ps monday tuesday wednesday thursday friday saturday sunday weekend",
    "mondays tuesdays wednesdays thursdays fridays saturdays sundays weekends",
    "january february march april may june july august september october november december",
    "ai crm seo sms faq suv suvs usa us u.s roi bdc dms gm ceo coo cfo vp hvac a/c q&a diy",
    "google facebook instagram yelp linkedin tiktok youtube internet wi-fi email e-mail",
    "christmas thanksgiving easter",
)
_STATES = STATE_NAMES
_STOPWORDS = _word_set(
    "a an the and or of for to in on at by with from your you our we us it its is are was be",
    "this that these those as all any more most very just also than then llc inc co corp",
)
# Reserved names (RFC 2606/6761) are not in the public suffix list but are links all the same.
_RESERVED_TLDS = frozenset({"example", "test", "invalid", "localhost", "local", "internal"})
_WORD = re.compile(r"[^\W_][\w'’&-]*")
_CAPITALISED = re.compile(r"(?<![\w'’-])[A-Z][\w'’&-]*")
_NUMBER = re.compile(r"\d+(?:[.,:/]\d+)*")
_DOMAIN_LIKE = re.compile(
    r"(?i)(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?![\w-])"
)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n\s*|[\"“(]\s*|\s[-–—]\s+)$")
_FAKE_REPLY = re.compile(r"(?i)^\s*(?:re|fwd?|aw)\s*:")


@lru_cache(maxsize=1)
def _domain_parser() -> tldextract.TLDExtract:
    # The bundled public-suffix snapshot only: never fetch a list at run time.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@dataclass(frozen=True)
class GroundingContext:
    """What one email may mention, precomputed from its facts and the sender profile."""

    vocabulary: frozenset[str]
    numbers: frozenset[str]
    hosts: frozenset[str]
    emails: frozenset[str]
    phones: frozenset[str]
    fact_words: frozenset[str]
    footer: str
    postal_address: str
    opt_out: str
    # The business's, city's and person's names as written: a name such as "Cars.com Auto" or
    # "St.Augustine" must not read as a link when the email says it.
    own_names: tuple[str, ...] = ()


def grounding_context(facts: EmailFacts, profile: SenderProfile) -> GroundingContext:
    """Build the allowlists for one business and sender."""
    fact_texts = [
        facts.company_name,
        facts.city or "",
        facts.state or "",
        facts.website or "",
        facts.person_name or "",
        facts.person_title or "",
        *(snippet.text for snippet in facts.snippets),
    ]
    if facts.state and facts.state.upper() in _STATES:
        fact_texts.append(_STATES[facts.state.upper()])
    sender_texts = profile.texts()
    vocabulary = set(COMMON_CAPITALISED)
    for text in (*fact_texts, *sender_texts):
        vocabulary.update(_vocabulary_words(text))
    numbers: set[str] = set()
    for text in (*fact_texts, *sender_texts):
        numbers.update(_normalise_number(n) for n in _NUMBER.findall(text))
    hosts = {host for host in (facts.website, website_host(profile.website)) if host}
    hosts.add(profile.email.rsplit("@", 1)[-1].lower())
    phones = {_e164(profile.phone)} if profile.phone else set()
    fact_words = {
        word
        for text in fact_texts
        for word in _vocabulary_words(text)
        if len(word) >= 3 and word not in _STOPWORDS
    }
    return GroundingContext(
        vocabulary=frozenset(vocabulary),
        numbers=frozenset(numbers),
        hosts=frozenset(_registered_domain(host) for host in hosts),
        emails=frozenset({profile.email.casefold()}),
        phones=frozenset(phone for phone in phones if phone),
        fact_words=frozenset(fact_words),
        footer=profile.footer(),
        postal_address=profile.postal_address.strip(),
        opt_out=profile.opt_out.strip(),
        own_names=tuple(
            sorted(
                {
                    n
                    for n in (
                        facts.company_name,
                        short_company_name(facts.company_name),
                        facts.city,
                        facts.person_name,
                    )
                    if n
                },
                key=len,
                reverse=True,
            )
        ),
    )


def check_email(
    email: Mapping[str, str] | object,
    facts: EmailFacts,
    profile: SenderProfile,
    *,
    context: GroundingContext | None = None,
) -> list[str]:
    """Violations of the email rules; an empty list means the email may be used.

    `email` is a GeneratedEmail or a mapping with the six written fields; its `email_body` is
    the finished body (message, signature and the compliance footer).
    """
    context = context or grounding_context(facts, profile)
    values = {
        name: str((email.get(name) if isinstance(email, Mapping) else getattr(email, name)) or "")
        for name in EMAIL_FIELDS
    }
    problems: list[str] = []
    for name, value in values.items():
        if not value.strip():
            problems.append(f"{name} is empty")
    problems.extend(
        _check_subjects([values["subject_1"], values["subject_2"], values["subject_3"]])
    )
    if len(values["icebreaker"]) > ICEBREAKER_MAX_CHARS:
        problems.append(f"icebreaker is longer than {ICEBREAKER_MAX_CHARS} characters")
    if len(values["hot_button"]) > HOT_BUTTON_MAX_CHARS:
        problems.append(f"hot_button is longer than {HOT_BUTTON_MAX_CHARS} characters")
    body = values["email_body"]
    message = message_part(body, context.footer)
    if message is None:
        if context.postal_address not in body:
            problems.append("email_body lacks the sender's postal address")
        if context.opt_out not in body:
            problems.append("email_body lacks the opt-out line")
        message = body
    words = count_words(message)
    if not BODY_MIN_WORDS <= words <= BODY_MAX_WORDS:
        problems.append(
            f"email_body has {words} words; it must have {BODY_MIN_WORDS}-{BODY_MAX_WORDS} "
            "(not counting the address and opt-out footer)"
        )
    if context.fact_words and values["icebreaker"].strip():
        cited = set(_vocabulary_words(values["icebreaker"])) & context.fact_words
        if not cited:
            problems.append("icebreaker does not mention any fact about the business")
    for name, value in values.items():
        text = message if name == "email_body" else value
        problems.extend(f"{name}: {issue}" for issue in _grounding_issues(text, context))
    if any(p.startswith("subject_") and "name or term" in p for p in problems):
        problems.append("write subject lines in sentence case: capitalise the first word and names")
    return list(dict.fromkeys(problems))  # one line per distinct problem, in order


def message_part(body: str, footer: str) -> str | None:
    """The body without its compliance footer, or None when the footer is not at its end."""
    stripped = body.rstrip()
    if footer and stripped.endswith(footer.rstrip()):
        return stripped[: len(stripped) - len(footer.rstrip())]
    return None


def count_words(text: str) -> int:
    """Words as a reader counts them: whitespace-separated tokens containing a letter or digit."""
    # Most tokens are plain words: `isalnum()` settles them without a per-character loop.
    return sum(1 for token in text.split() if token.isalnum() or any(ch.isalnum() for ch in token))


def _check_subjects(subjects: list[str]) -> list[str]:
    problems = []
    for index, subject in enumerate(subjects, start=1):
        if len(subject) > SUBJECT_MAX_CHARS:
            problems.append(f"subject_{index} is longer than {SUBJECT_MAX_CHARS} characters")
        if "\n" in subject or "\r" in subject:
            problems.append(f"subject_{index} contains a line break")
        if _FAKE_REPLY.match(subject):
            problems.append(f"subject_{index} pretends to be a reply or forward (deceptive)")
    keys = [re.sub(r"\W+", " ", subject).strip().casefold() for subject in subjects]
    if all(keys) and len(set(keys)) < len(keys):
        problems.append("the three subject lines are not all different")
    return problems


def _grounding_issues(text: str, context: GroundingContext) -> Iterable[str]:
    if not text:
        return
    if "{" in text or "}" in text:
        yield "contains a {placeholder} or brace"
    # The business's, city's and person's own names come from the user's file, not from a page:
    # a business called "LLM" or "Assistant Auto" is not an instruction (hypothesis found one).
    unnamed = text
    for name in context.own_names:
        unnamed = re.sub(re.escape(name), " ", unnamed, flags=re.IGNORECASE)
    if looks_like_injection(unnamed):
        yield "contains instruction-like text"
    scrubbed = text
    for name in context.own_names:
        # Only names that read like a domain need this; never inside a URL or an address.
        if "." in name and len(name) >= 4:
            pattern = rf"(?<![\w/@.:]){re.escape(name)}(?![\w/@])"
            scrubbed = re.sub(pattern, " ", scrubbed, flags=re.IGNORECASE)
    for match in EMAIL_RE.finditer(scrubbed):
        address = match.group(0).casefold().rstrip(".")
        if address not in context.emails:
            yield f"e-mail address not allowed: {match.group(0)}"
    scrubbed = EMAIL_RE.sub(" ", scrubbed)
    for match in URL_RE.finditer(scrubbed):
        host = website_host(match.group(0).rstrip(".,;:!?)"))
        if not host or _registered_domain(host) not in context.hosts:
            yield f"link not allowed: {match.group(0)}"
    scrubbed = URL_RE.sub(" ", scrubbed)
    for match in _DOMAIN_LIKE.finditer(scrubbed):
        candidate = match.group(0).lower()
        parts = _domain_parser()(candidate)
        if not parts.suffix and candidate.rsplit(".", 1)[-1] not in _RESERVED_TLDS:
            continue  # "e.g", "St.Pete": not a domain name
        if _registered_domain(candidate) not in context.hosts:
            yield f"link not allowed: {match.group(0)}"
    scrubbed = _DOMAIN_LIKE.sub(" ", scrubbed)
    for found in phonenumbers.PhoneNumberMatcher(
        scrubbed, "US", leniency=phonenumbers.Leniency.POSSIBLE
    ):
        e164 = phonenumbers.format_number(found.number, phonenumbers.PhoneNumberFormat.E164)
        if e164 not in context.phones:
            yield f"phone number not allowed: {found.raw_string}"
        scrubbed = scrubbed.replace(found.raw_string, " ")
    for number in _NUMBER.findall(scrubbed):
        if _normalise_number(number) not in context.numbers:
            yield f"number not found in the facts: {number}"
    for match in _CAPITALISED.finditer(scrubbed):
        if _SENTENCE_START.search(scrubbed[: match.start()]):
            continue
        word = match.group(0)
        if not _known_word(word, context.vocabulary):
            yield f"name or term not found in the facts: {word.rstrip('.,')}"


def _known_word(word: str, vocabulary: frozenset[str]) -> bool:
    key = _fold(word)
    if not key or key in vocabulary:
        return True
    parts = [part for part in re.split(r"[-&/]", key) if part]
    return bool(parts) and all(part in vocabulary for part in parts)


def _vocabulary_words(text: str) -> list[str]:
    words = []
    for token in _WORD.findall(text or ""):
        key = _fold(token)
        if key:
            words.append(key)
            words.extend(part for part in re.split(r"[-&/]", key) if part and part != key)
    return words


def _fold(word: str) -> str:
    key = word.casefold().replace("’", "'").strip("'.,-&")
    if key.endswith("'s"):
        key = key[:-2]
    return key


def _normalise_number(number: str) -> str:
    return number.replace(",", "").rstrip(".:/")


def _registered_domain(host: str) -> str:
    parts = _domain_parser()(host)
    if parts.suffix and parts.domain:
        return f"{parts.domain}.{parts.suffix}".lower()
    return host.lower().removeprefix("www.")


def _e164(phone: str | None) -> str | None:
    if not phone:
        return None
    try:
        number = phonenumbers.parse(phone, "US")
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
