"""Business names: the display form kept for people, the normalised form used for matching."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from enrichment_pipeline.core.normalize.cells import clean_cell, hyperlink_parts

# Legal-form words that say nothing about which business it is. Stripped from the end only, and
# never when they are the whole name ("Company" stays "company").
LEGAL_SUFFIXES: frozenset[str] = frozenset(
    {
        "llc", "lc", "inc", "incorporated", "corp", "corporation", "co", "company", "ltd",
        "limited", "lp", "llp", "lllp", "pllc", "plc", "pc", "pa", "pllp",
    }
)  # fmt: skip
# "Holdings LLC dba Sunshine Ford": the trade name after "dba" is the business people know.
_DBA = re.compile(r"\b(?:d\s*/\s*b\s*/\s*a|d\.b\.a\.?|dba|doing business as|t/a|a/k/a|aka)\b\W*")
_DOTTED_INITIALS = re.compile(r"\b(?:[a-z]\.){1,}[a-z]?\b\.?")
_AMPERSAND = re.compile(r"\s*&\s*|\s+\+\s+")
_APOSTROPHES = re.compile(r"['\u2018\u2019`´]")
_NON_WORD = re.compile(r"[\W_]+")


def display_name(value: object) -> str:
    """The name as people should see it: the cell's text (a HYPERLINK's label), tidied."""
    text = clean_cell(value)
    link = hyperlink_parts(text)
    if link is not None:
        text = link[1] or link[0]
    return text


@lru_cache(maxsize=65_536)
def normalize_company_name(name: str) -> str:
    """Lower-case, accent-free, punctuation-free name without legal suffixes, for matching.

    "Joe's Auto Sales, L.L.C." and "JOES AUTO SALES LLC" both give "joes auto sales";
    "Smith & Sons" and "Smith and Sons" both give "smith and sons".
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    parts = _DBA.split(text)
    # The last trade name wins; only split when there is a name on both sides of "dba".
    if len(parts) > 1 and _NON_WORD.sub("", parts[0]) and _NON_WORD.sub("", parts[-1]):
        text = parts[-1]
    text = _APOSTROPHES.sub("", text)
    text = _DOTTED_INITIALS.sub(lambda m: m.group(0).replace(".", ""), text)
    text = _AMPERSAND.sub(" and ", text)
    tokens = _NON_WORD.sub(" ", text).split()
    while len(tokens) > 1 and tokens[-1] in LEGAL_SUFFIXES:
        tokens.pop()
    if len(tokens) > 1 and tokens[0] == "the":
        tokens.pop(0)
    return " ".join(tokens)
