"""Cleaning untrusted text (scraped snippets, CSV cells) before it reaches a prompt or an email.

Everything here treats text as hostile: pages can hide instructions in invisible characters,
smuggle links into "about" paragraphs or address the model directly. The writers only ever see
text that went through these functions.
"""

from __future__ import annotations

import re
import unicodedata

# Zero-width and bidi-control characters: invisible on a page, so never "visible text", and a
# classic way to hide instructions or split words past a filter.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
_WHITESPACE = re.compile(r"\s+")
URL_RE = re.compile(r"(?i)\b(?:[a-z][a-z0-9+.-]*://|www\.)[^\s<>\"']+")
EMAIL_RE = re.compile(r"(?i)(?<![\w.+-])[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+")
# Phone-like digit runs: 7+ digits with the usual separators. Used only to scrub snippets; the
# guardrails use `phonenumbers` for the precise check.
_PHONE_LIKE = re.compile(r"(?<!\w)\+?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\w)")

# Text addressed to a language model rather than to a reader. A snippet matching any of these is
# dropped entirely: a business fact never needs to talk about prompts or instructions.
_INJECTION = re.compile(
    r"""(?ix)
    \b(?:ignore|disregard|forget|override|bypass)\b[^.!?\n]{0,40}?
        \b(?:instructions?|prompts?|rules|directions|guidelines|above|previous|prior|earlier)\b
    | \b(?:system|developer|hidden)\s+(?:prompt|message|instructions?)\b
    | \byou\s+(?:are|must|will|should)\s+(?:now\s+)?(?:an?\s+)?
        (?:ai|assistant|language\s+model|chatbot|llm|gpt|chatgpt)\b
    | \b(?:new|updated|real|additional|secret)\s+instructions?\b
    | <\|?\s*(?:im_start|im_end|system|assistant|user|endoftext)\s*\|?>
    | (?:^|[\s\[(])(?:assistant|system|user)\s*:
    | \b(?:respond|reply|answer|output|return|print)\s+(?:only\s+)?(?:with|in|the\s+following)\b
    | \b(?:jailbreak|prompt\s+injection)\b
    | \bas\s+an?\s+(?:ai|llm|language\s+model)\b
    | \b(?:include|insert|add|append|put)\s+(?:this|the\s+following|our|my)\s+
        (?:link|url|website|text|sentence|email|phone)\b
    | \b(?:language\s+model|llm|chatgpt|openai|large\s+language)\b
    """
)


def clean_text(value: object, max_len: int) -> str:
    """Return `value` as one line of visible, normalised text, at most `max_len` characters.

    NFKC folds look-alike forms (full-width letters, ligatures) so filters see plain text;
    control and invisible characters are removed; whitespace collapses to single spaces; a long
    text is cut at a word boundary rather than mid-word.
    """
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN from pandas
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = _INVISIBLE.sub("", text)
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = _WHITESPACE.sub(" ", text).strip()
    return truncate_words(text, max_len)


def truncate_words(text: str, max_len: int) -> str:
    """Cut `text` to at most `max_len` characters at a word boundary."""
    if len(text) <= max_len:
        return text
    cut = text[: max_len + 1]
    space = cut.rfind(" ")
    cut = cut[:space] if space >= max_len // 2 else text[:max_len]
    return cut.rstrip(" ,;:-")


def looks_like_injection(text: str) -> bool:
    """True when `text` talks to a model (instructions, role markers) instead of to a reader."""
    return bool(_INJECTION.search(text))


def scrub_contact_details(text: str) -> str:
    """Remove URLs, e-mail addresses and phone numbers from a snippet.

    Links and contact details are never allowed in the email except the sender's own and the
    business's website (which the writer adds from trusted fields), so keeping them in a snippet
    only invites the model to copy a hidden or foreign link.
    """
    text = URL_RE.sub(" ", text)
    text = EMAIL_RE.sub(" ", text)
    text = _PHONE_LIKE.sub(" ", text)
    return _WHITESPACE.sub(" ", text).strip(" ,;:-")
