"""Domain names guessed from a business name: a bounded, ordered list of likely candidates.

"Sunshine Ford of Ocala" gives sunshinefordofocala.com, sunshinefordocala.com,
sunshine-ford-of-ocala.com, sunshineford.com ... Legal suffixes are already gone (the
normalised name), `&` reads "and", stop words are dropped in some variants and the city or state
appended in others. The most likely spellings get every TLD; the rest only .com.
"""

from __future__ import annotations

import re

from enrichment_pipeline.core.discovery.identity import name_tokens

STOP_WORDS = frozenset({"the", "of", "and", "at", "in", "a", "an", "by", "on"})
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def guess_domains(
    name: str,
    city: str | None = None,
    state: str | None = None,
    *,
    tlds: tuple[str, ...] = (".com", ".net", ".us", ".biz"),
    limit: int = 16,
) -> list[str]:
    """Up to `limit` candidate domains for a business name, most likely first."""
    tokens = [t for t in name_tokens(name) if t.isascii()]
    if not tokens:
        return []
    core = [t for t in tokens if t not in STOP_WORDS] or tokens
    city_tokens = city_words(city)
    has_city = bool(city_tokens) and _contains(tokens, city_tokens)
    without_city = _remove(core, city_tokens) if has_city else core
    bases_all_tlds = ["".join(tokens), "".join(core)]
    bases_com = ["-".join(tokens), "-".join(core)]
    if city_tokens and not has_city:
        bases_com += ["".join(core) + "".join(city_tokens), "-".join(core + city_tokens)]
    if has_city and without_city:
        bases_com.append("".join(without_city))
    if state:
        bases_com.append("".join(core) + state.lower())
    guesses: list[str] = []
    for base in dict.fromkeys(bases_all_tlds):
        guesses += [base + tld for tld in tlds]
    for base in dict.fromkeys(bases_com):
        guesses.append(base + ".com")
    valid = [g for g in dict.fromkeys(guesses) if _valid(g)]
    # Interleave so the bound keeps the best spelling of every kind: .com names first.
    ordered = sorted(valid, key=lambda g: not g.endswith(".com"))  # stable: order kept
    return ordered[:limit]


def city_words(city: str | None) -> list[str]:
    if not city:
        return []
    return re.sub(r"[^a-z0-9]+", " ", city.lower()).split()


def _contains(tokens: list[str], part: list[str]) -> bool:
    n = len(part)
    return any(tokens[i : i + n] == part for i in range(len(tokens) - n + 1))


def _remove(tokens: list[str], part: list[str]) -> list[str]:
    n = len(part)
    for i in range(len(tokens) - n + 1):
        if tokens[i : i + n] == part:
            return [t for t in tokens[:i] + tokens[i + n :] if t not in STOP_WORDS]
    return tokens


def _valid(domain: str) -> bool:
    label = domain.rsplit(".", 1)[0]
    return 3 <= len(label) <= 63 and bool(_LABEL.match(label))
