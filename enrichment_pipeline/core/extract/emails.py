"""Email addresses: find candidates everywhere a page shows them, keep only real ones.

Sources, in order of trust: `mailto:` links (entities and %-escapes already decoded by the
parser), JSON-LD / microdata / hCard, visible text (inline tags joined, so split addresses
rejoin), the usual obfuscations ("name [at] domain [dot] com"), Cloudflare-protected addresses
(decoded in `document`), and `noscript` text. Scripts are never scanned, which keeps monitoring
and platform addresses (Sentry DSNs, wixpress) out; the validator below rejects what is left of
them plus placeholders, image names and malformed strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

from email_validator import EmailNotValidError, validate_email

from enrichment_pipeline.core.extract.domains import (
    has_public_suffix,
    registered_domain,
    url_host,
)
from enrichment_pipeline.core.extract.wordsets import word_set

_OPEN = r"\s*[\[({<]\s*"
_CLOSE = r"\s*[\])}>]\s*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62})"
# "name [at] dealer [dot] com", "name(at)dealer.com", "name {at} dealer {dot} co {dot} uk".
_BRACKETED_RE = re.compile(
    rf"([A-Za-z0-9][A-Za-z0-9._%+\-]{{0,63}}){_OPEN}(?:at|@){_CLOSE}"
    rf"({_LABEL}(?:(?:{_OPEN}(?:dot|\.){_CLOSE}|\s*\.\s*){_LABEL})+)",
    re.IGNORECASE,
)
# "name at dealer dot com", "name AT dealer DOT com": bare words need a " dot " to count.
_WORDY_RE = re.compile(
    rf"([A-Za-z0-9][A-Za-z0-9._%+\-]{{0,63}})\s+(?:at|AT)\s+({_LABEL}(?:\s+(?:dot|DOT)\s+{_LABEL})+)"
)
# "name @ dealer . com": spaced-out symbols.
_SPACED_RE = re.compile(
    rf"([A-Za-z0-9][A-Za-z0-9._%+\-]{{0,63}})\s+@\s+({_LABEL}(?:\s*\.\s*{_LABEL})+)"
)
_DOT_WORD = re.compile(rf"{_OPEN}(?:dot|\.){_CLOSE}|\s+dot\s+|\s*\.\s*", re.IGNORECASE)
_OBFUSCATION_HINT = re.compile(r"[\[({<]\s*(?:at|@)\s*[\])}>]|\s(?:dot|DOT)\s|\s@\s", re.I)
_HINT_STRINGS = ("at]", "at)", "at}", "at>", " dot ", " @ ", "@]", "@)")
_LOCAL_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-'")
_LOCAL_BEFORE = re.compile(r"[A-Za-z0-9._%+\-']{1,64}$")
_DOMAIN_AFTER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}\.)+[A-Za-z]{2,24}(?![\w-])")

# Words that precede " at " in ordinary prose ("find us at ..."), never a mailbox.
_PROSE_WORDS = word_set(
    "us me you him her them it online here home anytime today now store shop visit call "
    "located open hours available"
)

# Mailboxes for a function rather than a person.
ROLE_LOCALS = word_set(
    """
    info information sales service services parts contact contactus contacto hello hi office
    admin administrator support help team finance financing marketing internet internetsales
    leads lead bdc webmaster web customerservice customercare care careers jobs hr billing
    accounts accounting orders order reservations reservation booking bookings events catering
    press media noreply no-reply donotreply enquiries enquiry inquiries inquiry general mail
    frontdesk reception appointments appointment store shop ventas servicio partes
    specials fleet used new usedcars newcars credit collision bodyshop body detail
    feedback privacy legal manager management owner owners dealer dealership group
    groups guides tours tour trips charters charter weddings wedding gifts giftcards volunteer
    volunteers dockmaster frontoffice eventos reservaciones leadership corporate rentals rental
    membership members donations community studio payroll purchasing warranty titles recruiting
    estimates quotes quote dispatch emergency repairs kitchen bookkeeping schooltrips
    """
)

_PLACEHOLDER_LOCALS = word_set(
    """
    you your yourname your.name yourusername name firstname first.last firstname.lastname
    first_last fname lname email e-mail user username someone somebody john.doe jane.doe
    johndoe janedoe john.smith.example test testing example sample xxx xxxx abc me
    """
)
_PLACEHOLDER_DOMAINS = word_set(
    """
    example.com example.org example.net domain.com yourdomain.com yoursite.com yourwebsite.com
    yourcompany.com company.com mysite.com mydomain.com website.com sitename.com email.com
    mail.com test.com sentry.io sentry-next.wixpress.com sentry.wixpress.com wixpress.com
    wix.com godaddy.com squarespace.com weebly.com shopify.com sentry.com
    """
)
# File names such as logo@2x.png look like addresses; these endings never are.
_FILE_SUFFIXES = word_set(
    "png jpg jpeg gif webp svg bmp ico tif tiff avif heic css js mjs json map mp4 webm mov "
    "pdf zip woff woff2 ttf eot otf php asp aspx html htm"
)
_RETINA = re.compile(r"^\d+(?:\.\d+)?x$")
_HEX_KEY = re.compile(r"^[0-9a-f]{24,}$")


@dataclass(slots=True)
class EmailHit:
    """A validated address with where it was seen (line index, -1 when not in the text)."""

    address: str
    line: int
    context: str
    via: str  # mailto | text | obfuscated | structured | noscript


@lru_cache(maxsize=65_536)
def clean_address(candidate: str, site_domain: str = "") -> str | None:
    """Validate and normalise one candidate; None when it is not a real, usable address.

    The domain is lower-cased; the local part (plus-addressing included) is kept as written.
    `site_domain` lets an address on the site's own domain pass even when that domain has no
    public suffix (test hosts such as `dealer.test`).
    """
    candidate = candidate.strip().strip("<>()[]{}\"'.,;:").strip()
    if candidate.lower().startswith("mailto:"):
        candidate = candidate[7:]
    local, at, domain = candidate.rpartition("@")
    if not at or not local or not domain:
        return None
    domain = domain.lower().rstrip(".")
    labels = domain.split(".")
    if labels[-1] in _FILE_SUFFIXES or _RETINA.match(labels[0]) or _HEX_KEY.match(local.lower()):
        return None
    if local.lower() in _PLACEHOLDER_LOCALS:
        return None
    reg = registered_domain(domain)
    if reg in _PLACEHOLDER_DOMAINS or domain in _PLACEHOLDER_DOMAINS:
        return None
    on_site = bool(site_domain) and reg == site_domain
    if not on_site and not has_public_suffix(domain):
        return None
    try:
        result = validate_email(
            f"{local}@{domain}",
            check_deliverability=False,
            test_environment=on_site and not has_public_suffix(domain),
        )
    except EmailNotValidError:
        return None
    # The local part stays as written (mailbox names can be case-sensitive; email-validator
    # would lower-case some, such as "Sales", and not others); the domain is lower-cased.
    return f"{local}@{result.domain.lower()}"


def email_kind(address: str, site_domain: str = "") -> str:
    """ "role" for function mailboxes (info@, sales@, the business's own name), else "personal"."""
    local = address.rpartition("@")[0].lower()
    tokens = [t for t in re.split(r"[._+\-]", local) if t]
    if local in ROLE_LOCALS or any(t in ROLE_LOCALS for t in tokens):
        return "role"
    stripped = re.sub(r"\d+$", "", local)
    if stripped in ROLE_LOCALS:
        return "role"
    # A mailbox named after the business itself (sunshineford@gmail.com, a name cut short by
    # the provider's length limit) is shared, not personal.
    site_label = site_domain.split(".")[0].replace("-", "") if site_domain else ""
    flat = re.sub(r"[^a-z0-9]", "", local)
    if (
        len(site_label) >= 4
        and len(flat) >= 6
        and (site_label in flat or flat in site_label or flat[:10] == site_label[:10])
    ):
        return "role"
    return "personal"


def is_on_domain(address: str, site_domain: str) -> bool:
    """True when the address's registered domain is the site's."""
    return bool(site_domain) and registered_domain(address.rpartition("@")[2]) == site_domain


def mailto_addresses(href: str) -> list[str]:
    """The addresses in a mailto: href (several may be comma-separated; query dropped)."""
    body = href.strip()
    if body[:7].lower() != "mailto:":
        return []
    body = unquote(body[7:]).split("?", 1)[0]
    return [part.strip() for part in re.split(r"[,;]", body) if "@" in part]


def find_text_candidates(text: str) -> list[tuple[str, int, str]]:
    """Candidates in plain text: (address, offset, via), obfuscated forms rebuilt.

    Plain addresses are found from each "@" outwards rather than by a regex scan of the whole
    text; obfuscated ones only on the lines that carry a hint ("[at]", " dot ", " @ ").
    """
    found: list[tuple[str, int, str]] = []
    at = text.find("@")
    while at != -1:
        local_match = _LOCAL_BEFORE.search(text, max(0, at - 65), at)
        domain_match = _DOMAIN_AFTER.match(text, at + 1)
        if local_match and domain_match:
            local = local_match.group(0).lstrip("._%+-'")
            start = at - len(local)
            if local and (start == 0 or text[start - 1] not in _LOCAL_CHARS):
                found.append((f"{local}@{domain_match.group(0)}", start, "text"))
        at = text.find("@", at + 1)
    lowered = text.lower()
    if not any(hint in lowered for hint in _HINT_STRINGS):  # cheap C scans before the regex
        return found
    done: set[int] = set()
    for hint in _OBFUSCATION_HINT.finditer(text):
        line_start = text.rfind("\n", 0, hint.start()) + 1
        if line_start in done:
            continue
        done.add(line_start)
        line_end = text.find("\n", hint.end())
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        for pattern in (_BRACKETED_RE, _WORDY_RE, _SPACED_RE):
            for match in pattern.finditer(line):
                local, domain = match.group(1), match.group(2)
                if pattern is _WORDY_RE and local.lower() in _PROSE_WORDS:
                    continue
                rebuilt = f"{local}@{_DOT_WORD.sub('.', domain)}"
                found.append((rebuilt, line_start + match.start(), "obfuscated"))
    return found


def context_around(text: str, needle: str, width: int = 120) -> str:
    """A window of `text` around `needle`, at most `width` characters."""
    index = text.lower().find(needle.lower())
    if index < 0 or len(text) <= width:
        return text[:width]
    start = max(0, index - (width - len(needle)) // 2)
    return text[start : start + width].strip()


def site_domain_of(url: str) -> str:
    """Registered domain of a page URL ("" when it has no host)."""
    host = url_host(url)
    return registered_domain(host) if host else ""
