"""A tiny helper for the vocabularies the extractors keep inline."""

from __future__ import annotations


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of `text` as a frozenset (vocabularies read as prose)."""
    return frozenset(text.split())
