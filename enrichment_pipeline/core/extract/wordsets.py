"""A tiny helper for the vocabularies the extractors keep inline."""

from __future__ import annotations


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of `text` as a frozenset (vocabularies read as prose)."""
    return frozenset(text.split())


def trie_pattern(words: frozenset[str] | set[str]) -> str:
    """A regex alternation for `words`, factored by common prefixes.

    Python's `re` tries the branches of `a|b|c` one by one at every position; a prefix tree
    (`man(?:ager|aging)`) lets it reject most positions after one character, which makes a
    scan for ~150 words over a page several times faster.
    """
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _node_pattern(trie)


def _node_pattern(node: dict[str, dict]) -> str:
    import re

    ends = "" in node
    branches = [
        re.escape(char) + _node_pattern(child) for char, child in sorted(node.items()) if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends:
        return "(?:" + body + ")?"
    return body
