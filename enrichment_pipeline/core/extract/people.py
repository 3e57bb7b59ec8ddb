"""People: (name, title) pairs from structured data, page structure and clear text patterns.

Nothing is guessed. A pair is reported only when
- structured data says so (JSON-LD / microdata Person with jobTitle, founder/owner relations,
  hCard `fn` + `title`), or
- the page layout pairs them: a name line and a title line that are the only name and the only
  title inside their smallest common block (a staff card, a table row), or that alternate
  name/title consistently inside one container (a flat staff list, a definition list), or
- one line reads "Name, Title", "Title: Name", "Name - Title", "Name | Title", "Name Title", or
  a sentence reads "owned and operated by Name", "Name, our General Manager", "our owner, Name",
  "led by Chairman Name", "... — Name, Owner".
Every name must pass `names.is_person_name` (strictly, with probablepeople, where the text
alone decides) and every title `titles.is_title`. Explicit pairs win over prose readings of
the same person. A person gets an email only when the address sits in that person's card or
its local part spells the person's name.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import pairwise

from enrichment_pipeline.core.extract.document import PageDoc
from enrichment_pipeline.core.extract.emails import (
    EmailHit,
    clean_address,
    email_kind,
    mailto_addresses,
)
from enrichment_pipeline.core.extract.names import (
    NAME_PATTERN,
    is_person_name,
    looks_like_name,
    name_key,
    tidy_name,
)
from enrichment_pipeline.core.extract.structured import (
    PEOPLE_RELATIONS,
    Entity,
    person_name,
    text_values,
)
from enrichment_pipeline.core.extract.titles import (
    HEAD_WORD_RE,
    HEAD_WORDS,
    clean_title,
    has_head_word,
    is_title,
)
from enrichment_pipeline.core.extract.wordsets import trie_pattern

MAX_PAIR_DISTANCE = 2  # lines between a name and its title in a card
MAX_INLINE_CHARS = 100
MAX_CARD_LINES = 40  # a staff card is small; a bigger block is a section
MAX_LIST_LINES = 600

# A title inside prose: up to three words before a head noun ("our service advisor"), checked
# afterwards with `is_title`. Case-insensitive; names are not.
_PROSE_TITLE = rf"(?i:(?:[a-z&'-]+\s+){{0,3}}?(?:{trie_pattern(HEAD_WORDS)}))(?![\w-])"
_VERB_TITLES = {
    "owned": "Owner",
    "operated": "Owner",
    "run": "Owner",
    "founded": "Founder",
    "established": "Founder",
    "started": "Founder",
    "opened": "Founder",
}
_OWNED_BY = re.compile(
    r"\b(?P<verb>(?i:owned|operated|run|founded|established|started|opened))"
    r"(?i:\s+and\s+(?:owned|operated|run))?"
    r"(?:\s+in\s+\d{4})?\s+(?i:by)\s+"
    r"(?:(?i:our\s+)?(?i:owner|founder|president|dealer\s+principal)\s+)?"
    rf"(?P<name>{NAME_PATTERN})"
)
_NAME_OUR_TITLE = re.compile(
    rf"(?P<name>{NAME_PATTERN}),?\s+(?i:is\s+|serves\s+as\s+|has\s+been\s+)?"
    rf"(?i:our|the|its|nuestro|nuestra)\s+(?i:proud\s+)?(?P<title>{_PROSE_TITLE})"
)
_OUR_TITLE_NAME = re.compile(
    rf"\b(?i:our|the|meet|nuestro|nuestra)\s+(?i:proud\s+)?(?P<title>{_PROSE_TITLE}),?\s+"
    rf"(?P<name>{NAME_PATTERN})"
)
# "I'm Derek Sandoval, owner of Crystal Clear", "Maria Lopez, general manager at ..."
_NAME_TITLE_OF = re.compile(
    rf"(?P<name>{NAME_PATTERN}),?\s+(?i:the\s+)?(?P<title>{_PROSE_TITLE})\s+(?i:of|at|for)\s"
)
# "led by Chairman Walter Briggs and President Diane Briggs-Holloway"
_LED_BY = re.compile(r"\b(?i:led|headed|managed|directed|run|overseen)\s+(?i:by)\s+(?P<rest>.+)")
_TITLE_NAME = re.compile(rf"^(?i:our\s+)?(?P<title>{_PROSE_TITLE})\s+(?P<name>{NAME_PATTERN})")
# "Posted by Stephanie Wu, Marketing Director" and "— Marcus Bell, Owner" inside a longer line.
_NAME_COMMA_TITLE = re.compile(
    rf"(?:^|\b(?i:by)\s+|[—–]\s*|\s-\s)(?P<name>{NAME_PATTERN}),\s+"
    r"(?P<title>[A-Za-z][A-Za-z&/' -]{1,50}?)\s*(?=$|[·•|;.,(]|\s[—–-]\s)"
)
# The ownership verbs ("owned and operated by Name") need no title word; every other prose
# pattern contains a head noun, so it only runs on lines that hold one.
_OWNERSHIP_TRIGGER = re.compile(r"(?:owned|operated|founded|established|started|opened)\s")
_FIELD_SPLIT = re.compile(r"\s*(?:\||\s[-–—]\s|[–—]|:)\s*")
_FIRST_SPLIT = re.compile(r"^(?P<a>.+?)\s*(?:,|\||–|—|\s-\s|:|\()\s*(?P<b>.+?)\)?$")
# "Name — contact details" on a staff line: the name is the part before the separator.
_NAME_THEN_DETAILS = re.compile(r"^(?P<name>[^@\d|,–—]{3,40}?)\s*(?:[,|–—]|\s-\s)\s*(?P<rest>.+)$")


@dataclass(slots=True)
class PersonHit:
    name: str
    title: str
    email: str | None
    line: int  # -1 for structured data


def find_people(
    doc: PageDoc,
    entities: Iterable[Entity],
    emails: list[EmailHit],
    site_domain: str,
) -> list[PersonHit]:
    """All (name, title) pairs on the page, structured ones first, de-duplicated by name."""
    hits: list[PersonHit] = []
    hits.extend(_from_structured(entities, site_domain))
    hits.extend(_from_hcards(doc, site_domain))
    explicit, prose = _from_lines(doc)
    _attach_card_emails(doc, explicit, emails)
    hits.extend(explicit)
    hits.extend(prose)
    people = _dedupe(hits)
    _attach_name_emails(people, emails)
    return people


# -- structured data ----------------------------------------------------------------------


def _from_structured(entities: Iterable[Entity], site_domain: str) -> list[PersonHit]:
    hits: list[PersonHit] = []
    for entity in entities:
        props = entity.props
        # "founder": "Jane Doe" as a plain string: could be a company, so be strict.
        for relation in ("founder", "owner"):
            value = props.get(relation)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and is_person_name(item, strict=True):
                    hits.append(PersonHit(tidy_name(item), relation.title(), None, -1))
        if "person" not in entity.types:
            continue
        name = person_name(props)
        if not name or not is_person_name(name):
            continue
        titles = text_values(props.get("jobTitle")) or text_values(props.get("roleName"))
        title = clean_title(titles[0]) if titles else ""
        if not title and entity.relation in ("founder", "founders"):
            title = "Founder"
        if not title and entity.relation in ("owner", "owners"):
            title = "Owner"
        if not title or entity.relation not in PEOPLE_RELATIONS | {""}:
            continue
        email = None
        for raw in text_values(props.get("email")):
            email = clean_address(raw, site_domain)
            if email:
                break
        hits.append(PersonHit(tidy_name(name), title, email, -1))
    return hits


def _from_hcards(doc: PageDoc, site_domain: str) -> list[PersonHit]:
    hits = []
    for name, title, href in doc.hcards:
        if not title or not is_person_name(name):
            continue
        addresses = mailto_addresses(href)
        email = clean_address(addresses[0], site_domain) if addresses else None
        hits.append(PersonHit(tidy_name(name), clean_title(title), email, -1))
    return hits


# -- visible text ---------------------------------------------------------------------------


def _from_lines(doc: PageDoc) -> tuple[list[PersonHit], list[PersonHit]]:
    """(explicit pairs from lines and layout, pairs read from prose)."""
    lines = doc.lines
    if not lines:
        return [], []
    lowered = doc.lower_text
    if not has_head_word(doc.words):
        return [], _prose_pairs(doc, set(), [])
    head_lines = sorted({doc.line_at(m.start()) for m in HEAD_WORD_RE.finditer(lowered)})
    titles: set[int] = set()
    hits: list[PersonHit] = []
    used: set[int] = set()
    for index in head_lines:
        line_text = lines[index]
        if is_title(line_text):
            titles.add(index)
            continue
        if len(line_text) <= MAX_INLINE_CHARS:
            pair = _inline_pair(line_text)
            if pair:
                hits.append(PersonHit(pair[0], pair[1], None, index))
                used.add(index)
                continue
    hits.extend(_card_pairs(doc, titles, used, head_lines))
    hits.sort(key=lambda hit: hit.line)
    return hits, _prose_pairs(doc, used, head_lines)


def _name_of_line(text: str) -> str | None:
    """The name a staff line shows: the whole line, or its part before contact details."""
    if looks_like_name(text):
        return text
    match = _NAME_THEN_DETAILS.match(text)
    if match and looks_like_name(match.group("name")):
        rest = match.group("rest")
        if "@" in rest or any(ch.isdigit() for ch in rest):
            return match.group("name")
    return None


def _inline_pair(text: str) -> tuple[str, str] | None:
    """One line holding both: "Name, Title", "Title: Name", "Name | Title", "Name Title"..."""
    text = text.strip(" —–-~•*·|>")
    match = _FIRST_SPLIT.match(text)
    if match:
        first, second = match.group("a"), match.group("b")
        if is_title(second) and is_person_name(first):
            return tidy_name(first), clean_title(second)
        if is_title(first):
            if is_person_name(second):
                return tidy_name(second), clean_title(first)
            # "Owner: Dwayne Hollis, Master Plumber (License ...)": the name leads the rest.
            lead = _leading_name(second)
            if lead:
                return lead, clean_title(first)
    fields = [f for f in _FIELD_SPLIT.split(text) if f]
    if len(fields) >= 3:  # "Sales | Marisa Cole | Internet Sales Manager"
        for a, b in pairwise(fields):
            if is_title(b) and is_person_name(a):
                return tidy_name(a), clean_title(b)
            if is_title(a) and is_person_name(b):
                return tidy_name(b), clean_title(a)
    tokens = text.split()
    if not 3 <= len(tokens) <= 12:
        return None
    # No separator: the split point is a guess, so the name must convince probablepeople too.
    for cut in range(2, min(5, len(tokens))):
        name, title = " ".join(tokens[:cut]), " ".join(tokens[cut:])
        if looks_like_name(name) and is_title(title) and is_person_name(name, strict=True):
            return tidy_name(name), clean_title(title)
    for cut in range(len(tokens) - 2, max(0, len(tokens) - 5), -1):
        title, name = " ".join(tokens[:cut]), " ".join(tokens[cut:])
        if looks_like_name(name) and is_title(title) and is_person_name(name, strict=True):
            return tidy_name(name), clean_title(title)
    return None


def _leading_name(text: str) -> str | None:
    tokens = text.replace(",", " , ").split()
    for size in (4, 3, 2):
        if len(tokens) < size or "," in tokens[:size]:
            continue
        candidate = " ".join(tokens[:size])
        rest = tokens[size:]
        if (not rest or rest[0] == ",") and looks_like_name(candidate):
            return tidy_name(candidate)
    return None


def _common_block(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    block = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        block = x
    return block


def _card_pairs(
    doc: PageDoc, titles: set[int], used: set[int], head_lines: list[int]
) -> list[PersonHit]:
    """Pair title lines with name lines that share a card (or alternate in one list)."""
    lines = doc.lines
    names: dict[int, str | None] = {}

    def name_at(index: int) -> str | None:
        if index not in names:
            names[index] = (
                _name_of_line(lines[index])
                if 0 <= index < len(lines) and index not in titles and index not in used
                else None
            )
        return names[index]

    # Lines next to a name may hold a title the strict vocabulary misses ("Motorclothes
    # Manager"); with a name beside them the lenient test is safe enough.
    for index in head_lines:
        if index in titles or index in used or not lines[index] or len(lines[index]) > 40:
            continue
        if is_title(lines[index], lenient=True) and (name_at(index - 1) or name_at(index + 1)):
            titles.add(index)
            names.pop(index, None)
    title_list = sorted(titles)
    hits: list[PersonHit] = []
    paired: set[int] = set()
    settled_blocks: set[int] = set()
    for t in title_list:
        if t in paired:
            continue
        candidates = [
            n for offset in (-1, 1, -2, 2) if name_at(n := t + offset) and n not in paired
        ]
        for n in candidates:
            block = _common_block(doc.ancestors(n), doc.ancestors(t))
            start, end = doc.span(block)
            titles_inside = bisect_left(title_list, end) - bisect_left(title_list, start)
            if titles_inside == 1 and end - start <= MAX_CARD_LINES:
                names_inside = sum(1 for i in range(start, end) if name_at(i))
                if names_inside == 1:
                    name = name_at(n) or ""
                    if is_person_name(name):
                        hits.append(_hit(name, lines[t], min(n, t)))
                        paired.update((n, t))
                    break
            if block in settled_blocks or end - start > MAX_LIST_LINES:
                continue
            settled_blocks.add(block)
            hits.extend(_alternating_pairs(doc, start, end, titles, name_at, paired))
            if t in paired:
                break
    return hits


def _alternating_pairs(
    doc: PageDoc,
    start: int,
    end: int,
    titles: set[int],
    name_at: Callable[[int], str | None],
    paired: set[int],
) -> list[PersonHit]:
    """A flat list: name and title lines alternate in the same order all the way through."""
    sequence = [i for i in range(start, end) if i in titles or name_at(i)]
    if len(sequence) < 4 or len(sequence) % 2:
        return []
    pairs = list(zip(sequence[0::2], sequence[1::2], strict=True))
    first_is_title = sequence[0] in titles
    for a, b in pairs:
        if (a in titles) != first_is_title or (b in titles) == first_is_title:
            return []
        if b - a > MAX_PAIR_DISTANCE:
            return []
    hits = []
    for a, b in pairs:
        name_line, title_line = (b, a) if first_is_title else (a, b)
        name = name_at(name_line) or ""
        if name_line not in paired and is_person_name(name):
            hits.append(_hit(name, doc.lines[title_line], a))
            paired.update((a, b))
    return hits


def _hit(name: str, title: str, line: int) -> PersonHit:
    return PersonHit(tidy_name(name), clean_title(title), None, line)


def _prose_pairs(doc: PageDoc, used: set[int], head_lines: list[int]) -> list[PersonHit]:
    hits: list[PersonHit] = []
    ownership = {doc.line_at(m.start()) for m in _OWNERSHIP_TRIGGER.finditer(doc.lower_text)}
    titled = set(head_lines)
    for index in sorted(ownership | titled):
        text = doc.lines[index]
        if index in used or len(text) < 12:
            continue
        if index in ownership:
            for match in _OWNED_BY.finditer(text):
                name = _trim_name(match.group("name"))
                if name:
                    title = _VERB_TITLES[match.group("verb").lower()]
                    hits.append(PersonHit(name, title, None, index))
        if index not in titled:
            continue
        for pattern in (_NAME_OUR_TITLE, _OUR_TITLE_NAME, _NAME_COMMA_TITLE, _NAME_TITLE_OF):
            for match in pattern.finditer(text):
                title = match.group("title").strip()
                name = _trim_name(match.group("name"))
                if name and is_title(title):
                    hits.append(PersonHit(name, _title_case(clean_title(title)), None, index))
        for match in _LED_BY.finditer(text):
            for part in re.split(r",\s*(?:and\s+)?|\s+and\s+", match.group("rest")):
                found = _TITLE_NAME.match(part.strip())
                if not found:
                    break
                name = _trim_name(found.group("name"))
                title = found.group("title")
                if name and is_title(title):
                    hits.append(PersonHit(name, _title_case(clean_title(title)), None, index))
    return hits


def _title_case(title: str) -> str:
    if title.islower():
        return " ".join(
            word if word in ("of", "and", "de") else word.capitalize() for word in title.split()
        )
    return title


def _trim_name(candidate: str) -> str | None:
    """The longest run of the candidate's words that is a person's name ("Meet John Smith")."""
    tokens = [t.strip(".;:") or t for t in candidate.replace(",", " ").split()]
    tokens = [t for t in tokens if t]
    for size in range(min(4, len(tokens)), 1, -1):
        for start in range(0, len(tokens) - size + 1):
            name = " ".join(tokens[start : start + size])
            if is_person_name(name, strict=True):
                return tidy_name(name)
    return None


# -- emails ---------------------------------------------------------------------------------


def _attach_card_emails(doc: PageDoc, hits: list[PersonHit], emails: list[EmailHit]) -> None:
    """Give a person the one personal address inside their card, when there is exactly one."""
    if not hits or not emails:
        return
    lines = doc.lines
    person_lines = sorted(hit.line for hit in hits if hit.line >= 0)
    for hit in hits:
        if hit.line < 0 or hit.line >= len(lines):
            continue
        best: str | None = None
        # Widen from the person's own block while no other person shares it.
        for block in reversed(doc.ancestors(hit.line)):
            start, end = doc.span(block)
            others = [p for p in person_lines if start <= p < end and p != hit.line]
            if others:
                break
            inside = {e.address for e in emails if start <= e.line < end and e.line >= 0}
            if len(inside) == 1:
                best = next(iter(inside))
                break
            if len(inside) > 1:
                break
        if best is not None and email_kind(best) == "personal":
            hit.email = best


def _attach_name_emails(people: list[PersonHit], emails: list[EmailHit]) -> None:
    """Link a person to an address whose local part spells their name (jsmith, john.smith)."""
    if not people or not emails:
        return
    locals_ = {}
    for hit in emails:
        local = re.sub(r"[^a-z]", "", hit.address.rpartition("@")[0].lower())
        locals_.setdefault(local, hit.address)
    taken = {p.email for p in people if p.email}
    for person in people:
        if person.email:
            continue
        parts = [re.sub(r"[^a-z]", "", t.lower()) for t in person.name.split()]
        parts = [p for p in parts if len(p) > 1]
        if len(parts) < 2:
            continue
        first, last = parts[0], parts[-1]
        forms = {first + last, first[0] + last, first + last[0], last + first, first + "." + last}
        forms = {f.replace(".", "") for f in forms}
        matches = {locals_[f] for f in forms if f in locals_}
        if len(matches) == 1:
            address = next(iter(matches))
            if address not in taken:
                person.email = address
                taken.add(address)


def _dedupe(hits: list[PersonHit]) -> list[PersonHit]:
    by_key: dict[str, PersonHit] = {}
    for hit in hits:
        key = name_key(hit.name)
        if not key:
            continue
        kept = by_key.get(key)
        if kept is None:
            by_key[key] = hit
        elif kept.email is None and hit.email:
            kept.email = hit.email
    return list(by_key.values())
