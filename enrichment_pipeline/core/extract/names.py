"""Is this short string a person's name? Shape rules first, then probablepeople.

Never invent a name: a string is only accepted when it looks like a name (2-4 capitalised words,
optional initials, particles and suffixes, no digits), contains none of the words that make
navigation labels and business names ("Used Cars", "Contact Us", "Sunshine Ford"), and
probablepeople's CRF model tags it as a person rather than a corporation.
"""

from __future__ import annotations

import re
from functools import lru_cache

import probablepeople

from enrichment_pipeline.core.extract.titles import HEAD_WORDS
from enrichment_pipeline.core.extract.wordsets import word_set

_PARTICLES = frozenset(
    (
        "de",
        "del",
        "della",
        "la",
        "le",
        "van",
        "von",
        "der",
        "da",
        "di",
        "du",
        "dos",
        "das",
        "bin",
        "al",
        "y",
        "st.",
        "mac",
    )
)
_GENERATIONAL = word_set("jr jr. sr sr. ii iii iv v")
# Credentials written after a name ("Anita Ramaswamy, DMD"): dropped from the output name.
_CREDENTIALS = word_set(
    "phd ph.d. md m.d. cpa esq esq. dmd dds rdh rn np pa pa-c dvm jd mba pe cfp od lmt lcsw "
    "aprn crna"
)
_SUFFIXES = _GENERATIONAL | _CREDENTIALS
_HONORIFICS = word_set(
    "mr mr. mrs mrs. ms ms. miss dr dr. sra sra. sr. srta srta. capt capt. captain rev rev. "
    "prof prof. hon hon."
)

# Words that never appear in a person's name but fill menus, headings and business names.
_STOP_WORDS = word_set(
    """
    about access account accessories address all and apply appointment appraisal approved are
    area auto automotive autos available award awards back bank best blog blvd body book brake
    browse business buy call car care career careers cars center centre certified chat check
    city clearance closed co collision coming community company compare contact contactanos
    contacto copyright corp corporation county coupon coupons credit customer dealer dealers
    dealership dealerships delivery department dept detail details directions discount drive
    email employment en español events express family faq featured fill finance financing
    find fl fleet florida follow for form free from gallery get gift group guarantee have hire
    history home hours how inc incorporated info information inquiry insurance inventory
    is it jobs join learn lease leasing let links list llc loan local location locations
    login ltd main maintenance make map market media meet menu message miles model models more
    motor motors my need new news newsletter now of offer offers oil on online open
    operation order our out owned parking parts pay payment phone photos plaza policy pre
    preowned pricing privacy program quick quote rd read rebates recall recalls register
    rental repair request reserved reviews rights road room sale sales saturday schedule search
    see sell send service services shop shopping showroom sign site sitemap special
    specials staff start store street submit suite sunday support team terms test text the
    their this tire tires today tools top trade trucks tuesday union us used value vehicle
    vehicles view visit warranty we website welcome what when where why with your
    monday wednesday thursday friday january february march april may june july august
    september october november december acura alfa aston audi bentley bmw buick cadillac
    chevrolet chevy chrysler dodge ferrari fiat ford genesis gmc honda hyundai infiniti jaguar
    jeep kia lamborghini land lexus lincoln lotus maserati mazda mclaren mercedes-benz
    mini mitsubishi nissan polestar porsche ram rivian rolls subaru tesla toyota volkswagen vw
    volvo harley yamaha kawasaki suzuki restaurant grill cafe kitchen pizza bar plumbing
    electric roofing heating cooling air hvac landscaping pest dental clinic salon spa
    """
)
# Head nouns that are also common surnames (Baker, Porter, Price...) stay allowed in names.
_SURNAME_LIKE_HEADS = word_set(
    "baker porter host chair lead buyer writer clerk chef partner principal mechanic broker "
    "agent rep hostess expert genius"
)
_STOP_WORDS = _STOP_WORDS | (HEAD_WORDS - _SURNAME_LIKE_HEADS)

_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ"
_WORD = re.compile(
    rf"^(?:[{_UPPER}][{_LOWER}]+(?:[-'’][{_UPPER}]?[{_LOWER}]+)*"  # Smith, O'Neil, Smith-Jones
    rf"|(?:Mc|Mac|De|Di|La|Le|Van|O')[{_UPPER}][{_LOWER}]+"  # McDonald, DeLuca
    rf"|(?:Mc|Mac)[{_UPPER}]{{2,}}"  # McNAIR (styled headings)
    rf"|[{_UPPER}]\.?"  # initial
    rf"|[{_UPPER}]{{2,}}(?:[-'’][{_UPPER}]+)*)$"  # SMITH (styled headings)
)

# A run of 2-4 capitalised words: the NAME part of text patterns such as "Name, Title".
_NAME_WORD = rf"(?:[{_UPPER}][{_LOWER}'’.]*(?:-[{_UPPER}]?[{_LOWER}'’.]+)*|[{_UPPER}]\.)"
NAME_PATTERN = (
    rf"{_NAME_WORD}(?:\s+(?:(?:de|del|la|van|von|da|di|du)\s+)?{_NAME_WORD}){{1,3}}"
    r"(?:,?\s+(?:Jr\.?|Sr\.?|II|III|IV))?"
)

MAX_NAME_CHARS = 40
_DIGIT = re.compile(r"\d")


def _clean(text: str) -> list[str]:
    tokens = text.replace(",", " ").split()
    while tokens and tokens[0].lower() in _HONORIFICS:
        tokens = tokens[1:]
    return tokens


@lru_cache(maxsize=32_768)
def looks_like_name(text: str) -> bool:
    """Cheap shape test: could this text be a person's name? (No model call.)"""
    text = text.strip()
    if not text or len(text) > MAX_NAME_CHARS or _DIGIT.search(text):
        return False
    tokens = _clean(text)
    core = [t for t in tokens if t.lower() not in _PARTICLES and t.lower() not in _SUFFIXES]
    if not 2 <= len(core) <= 4 or len(tokens) > 6:
        return False
    if sum(1 for t in core if len(t.rstrip(".")) > 1) < 2:  # "J. R." is not a name
        return False
    for token in tokens:
        lowered = token.lower()
        if lowered in _PARTICLES or lowered in _SUFFIXES:
            continue
        if lowered.strip(".'’") in _STOP_WORDS or not _WORD.match(token):
            return False
    return True


@lru_cache(maxsize=32_768)
def is_person_name(text: str, *, strict: bool = False) -> bool:
    """Could this text be a person's name, given how strong the surrounding evidence is?

    With `strict=False` (the layout or structured data already says "this is a person": a
    staff card, a JSON-LD Person) the shape and stop-word tests decide. With `strict=True`
    (free text such as "Meet John Smith" or a title glued to a name) probablepeople's model
    must also tag it as a person. Its model rejects a few real names ("Dmitri Sanchez" reads
    as a company to it), which is why it only guards the weak contexts.
    """
    if not looks_like_name(text):
        return False
    if not strict:
        return True
    candidate = " ".join(_clean(text))
    try:
        _, kind = probablepeople.tag(candidate)
    except probablepeople.RepeatedLabelError:
        return False
    return kind == "Person"


def tidy_name(text: str) -> str:
    """Normalise a name for output: honorifics and credentials dropped, ALL-CAPS words
    (styled headings) turned into Title Case, generational suffixes kept."""
    tokens = _clean(text.strip(" ,.;:-–—|"))
    while len(tokens) > 2 and tokens[-1].lower().strip(",") in _CREDENTIALS:
        tokens = tokens[:-1]
    out = []
    for token in tokens:
        lowered = token.lower()
        if lowered in _GENERATIONAL or len(token.rstrip(".")) <= 1:
            out.append(token)
        elif token[:2] == "Mc" and token[2:].isupper() and len(token) > 3:
            out.append("Mc" + token[2:].capitalize())
        elif token.isupper() and len(token) > 2:
            out.append("-".join(part.capitalize() for part in token.split("-")))
        else:
            out.append(token)
    return " ".join(out)


def name_key(name: str) -> str:
    """Key for de-duplicating people: case-folded letters of the name."""
    return "".join(ch for ch in name.casefold() if ch.isalpha() or ch == " ").strip()
