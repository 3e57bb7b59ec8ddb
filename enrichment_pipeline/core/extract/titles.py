"""Job titles: recognise a title phrase and rank decision makers.

A title is a short phrase built from a small vocabulary: modifiers ("General", "Internet
Sales", "Fixed Operations") around a head noun ("Manager", "Owner", "Director"). Requiring the
head noun at the end (or, in Spanish and "Director of ..." phrases, at the start followed by
"of"/"de") rejects menu labels such as "Owner Resources" or "Service Specials" that share the
vocabulary but are not titles.
"""

from __future__ import annotations

import re
from functools import lru_cache

from enrichment_pipeline.core.extract.wordsets import trie_pattern, word_set

# Head nouns: a title names one of these roles.
_HEADS_EN = word_set(
    """
    owner co-owner coowner founder co-founder cofounder president vice-president vp ceo coo cfo
    cto cmo cio cro principal partner proprietor chairman chairwoman chair manager gm gsm
    director officer supervisor coordinator consultant advisor adviser specialist associate
    representative rep technician estimator controller comptroller accountant bookkeeper cashier
    receptionist porter detailer administrator assistant agent broker realtor attorney lawyer
    dentist chef operator executive treasurer secretary superintendent foreman architect engineer
    designer stylist therapist pharmacist veterinarian physician doctor nurse hygienist mechanic
    salesperson salesman saleswoman buyer clerk leader lead expert analyst strategist
    concierge ambassador genius dispatcher writer host hostess baker bartender sommelier
    installer attendant master plumber electrician planner
    """
)
# Spanish heads come first ("Gerente General", "Gerente de Ventas").
_HEADS_ES = word_set(
    """
    propietario propietaria dueño dueña fundador fundadora presidente presidenta gerente director
    directora asesor asesora vendedor vendedora consultor consultora especialista técnico tecnico
    recepcionista contador contadora socio socia administrador administradora coordinador
    coordinadora chef jefe jefa encargado encargada
    """
)
HEAD_WORDS = _HEADS_EN | _HEADS_ES

_MODIFIERS = word_set(
    """
    general sales service parts finance financial f&i internet bdc business development used new
    car cars vehicle vehicles pre-owned preowned certified fleet commercial marketing operations
    operation fixed variable office customer client relations relation experience collision body
    shop detail accessories senior sr sr. junior jr. assistant asst asst. associate executive
    chief head lead regional district area store branch dealership dealer group human resource
    resources hr it digital social media product products leasing lease credit warranty quality
    training technical master express lube quick rental title titles administrative
    administration inventory acquisition acquisitions purchasing e-commerce ecommerce
    communications public community events event kitchen front house floor project design
    managing vice deputy co owner pastry sous executive-chef guest automotive auto service-parts
    truck trucks rv boat boats marine powersports motorcycle special internet-sales
    appointment appointments accounting accounts payable receivable payroll recruiting talent
    manager ventas servicio partes finanzas repuestos general mercadeo comercial ventas-internet
    oficina administración administracion atención atencion cliente clientes operaciones taller
    catering banquet banquets beverage beverages bar dining food wine culinary restaurant
    front-of-house hospitality reservations install installation field warehouse shipping
    install estimating design-build residential project projects construction crew harbor
    dock lot ejecutivo ejecutiva cocina lead-technician
    """
)
_CONNECTORS = frozenset(("and", "&", "of", "the", "for", "de", "del", "la", "y", "e", "to"))
_SEGMENT_SPLIT = re.compile(r"\s*(?:/|&|\||,|;|\band\b|\by\b|\s[-–—]\s)\s*", re.IGNORECASE)
_TOKEN_STRIP = ".,:;()[]\"'“”‘’*"

MAX_TITLE_CHARS = 64
_DIGIT = re.compile(r"\d")


def _token_ok(token: str) -> bool:
    return token in HEAD_WORDS or token in _MODIFIERS or token in _CONNECTORS


def _segment_kind(tokens: list[str]) -> str:
    """Classify one segment: "title", "modifiers" (only vocabulary, no head) or "other"."""
    if not tokens or not all(_token_ok(t) for t in tokens):
        return "other"
    if tokens[-1] in HEAD_WORDS:
        return "title"
    # Head first, then a prepositional complement: "Director of Sales", "Gerente de Ventas".
    if tokens[0] in HEAD_WORDS and len(tokens) > 2 and tokens[1] in ("of", "de", "del", "for"):
        return "title"
    # Spanish order: "Gerente General", "Asesor Comercial".
    if tokens[0] in _HEADS_ES:
        return "title"
    if any(t in HEAD_WORDS for t in tokens):
        return "modifiers"
    return "modifiers" if all(t in _MODIFIERS or t in _CONNECTORS for t in tokens) else "other"


@lru_cache(maxsize=16_384)
def is_title(text: str, *, lenient: bool = False) -> bool:
    """True when the whole text is a job title ("General Sales Manager", "Owner & CEO").

    `lenient` (for a line the layout already pairs with a name) lets one unknown word stand
    before the head noun ("Motorclothes Manager", "Warranty Administrator").
    """
    text = text.strip(" \t:-–—|,")
    if not text or len(text) > MAX_TITLE_CHARS or _DIGIT.search(text):
        return False
    lowered = text.lower()
    segments = [s for s in _SEGMENT_SPLIT.split(lowered) if s]
    if not segments or len(lowered.split()) > 9:
        return False
    saw_title = False
    for segment in segments:
        tokens = [t for t in (t.strip(_TOKEN_STRIP) for t in segment.split()) if t]
        if lenient and 2 <= len(tokens) <= 3 and tokens[-1] in HEAD_WORDS:
            unknown = [t for t in tokens[:-1] if not _token_ok(t)]
            if len(unknown) == 1 and unknown[0].isalpha():
                tokens = [t for t in tokens if _token_ok(t)]
        kind = _segment_kind(tokens)
        if kind == "other":
            return False
        saw_title = saw_title or kind == "title"
    return saw_title


# Cheap pre-filter over the LOWER-CASED page text: lines without a head word hold no title.
HEAD_WORD_RE = re.compile(rf"(?<![\w-])(?:{trie_pattern(HEAD_WORDS)})(?![\w-])")
_EDGE_PUNCTUATION = ".,:;()[]\"'“”‘’*|/&!?-–—"


def has_head_word(words: frozenset[str]) -> bool:
    """Does a page's word set (lower-cased, split on whitespace) contain any head noun?

    A set test costs far less than scanning the text with HEAD_WORD_RE, and most pages
    (inventory, specials, blog) name no job title at all.
    """
    if not HEAD_WORDS.isdisjoint(words):
        return True
    return any(
        word.strip(_EDGE_PUNCTUATION) in HEAD_WORDS or "/" in word or "&" in word
        for word in words
        if not word.isalpha()
    )


_ACRONYMS = frozenset(
    ("ceo", "coo", "cfo", "cto", "cmo", "cio", "gm", "gsm", "vp", "bdc", "f&i", "hr", "it", "cpa")
)
_SMALL_WORDS = frozenset(("of", "and", "the", "for", "de", "del", "la", "y", "to"))


def clean_title(text: str) -> str:
    """Tidy a title for output: trimmed, whitespace collapsed, no trailing punctuation, and
    ALL-CAPS styling undone ("GENERAL MANAGER" -> "General Manager", acronyms kept)."""
    title = " ".join(text.split()).strip(" \t:-–—|,.;")
    letters = [ch for ch in title if ch.isalpha()]
    if letters and all(ch.isupper() for ch in letters) and len(letters) > 4:
        words = []
        for word in title.split():
            lowered = word.lower()
            if lowered in _ACRONYMS:
                words.append(word)
            elif lowered in _SMALL_WORDS and words:
                words.append(lowered)
            else:
                words.append("-".join(p.capitalize() for p in word.split("-")))
        title = " ".join(words)
    return title


# Decision-maker rank: higher means more likely to sign off on a purchase. Checked in order;
# the first pattern that matches decides (so "Vice President" is caught before "President").
_RANKS: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), score)
    for pattern, score in (
        (r"\b(assistant|asst\.?)\b", -1),  # handled below: an assistant ranks lower
        (r"\b(vice[- ]president|vp)\b", 70),
        (
            r"\b(owner|co-owner|proprietor|propietari[oa]|dueñ[oa]|dealer principal|"
            r"dealer[ /-]operator|owner[ /-]operator)\b",
            100,
        ),
        (r"\b(president|presidente|presidenta|ceo|chief executive)\b", 95),
        (r"\b(chairman|chairwoman|founder|co-founder|cofounder|fundador[a]?)\b", 90),
        (r"\b(managing partner|partner|principal|soci[oa])\b", 85),
        (r"\b(general manager|gm|gerente general|coo|chief operating)\b", 80),
        (
            r"\b(general sales manager|gsm|sales director|director of sales|cfo|"
            r"chief financial)\b",
            70,
        ),
        (r"\b(director|directora)\b", 60),
        (r"\b(internet|bdc|e-?commerce|digital)\b.*\b(manager|director|gerente)\b", 55),
        (r"\b(sales|used car|new car|pre-owned|variable)\b.*\bmanager\b", 50),
        (r"\b(manager|gerente|supervisor)\b", 40),
    )
)

# Titles at or above this rank can fill owner_name/owner_title.
DECISION_MAKER_MIN_RANK = 40


@lru_cache(maxsize=16_384)
def title_rank(title: str) -> int:
    """Score a title by decision power: Owner 100 ... managers 40, anyone else 10."""
    assistant = False
    for pattern, score in _RANKS:
        if pattern.search(title):
            if score < 0:
                assistant = True
                continue
            return score - 30 if assistant else score
    return 10
