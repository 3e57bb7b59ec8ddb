"""Which pages of a site to read: same-site links, and the choice of contact-bearing pages.

`choose_pages` scores each same-site link by its URL path and its text, in English and
Spanish: contact pages first, then staff/team/leadership pages (including the dealer platforms'
`/dealership/staff.htm`), then about pages, then hours/directions. Inventory, blog, careers,
privacy, login and media pages are skipped outright, whatever their text says.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from enrichment_pipeline.core.extract.domains import same_site, url_host

_SKIP_SCHEMES = ("mailto:", "tel:", "callto:", "sms:", "javascript:", "data:", "#", "fax:")
_MEDIA_SUFFIXES = (
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".pdf", ".zip", ".mp4", ".mov", ".mp3",
    ".doc", ".docx", ".xls", ".xlsx", ".css", ".js", ".xml", ".json", ".ics", ".vcf",
)  # fmt: skip

# (score, pattern over the lower-cased, accent-free path and link text). Highest match wins.
_WANTED: tuple[tuple[int, re.Pattern[str]], ...] = tuple(
    (score, re.compile(pattern))
    for score, pattern in (
        (
            100,
            r"\bcontact|\bcontacto|\bcontactenos|\bcontactanos|\bget[- ]in[- ]touch"
            r"|\breach[- ]us",
        ),
        (
            95,
            r"dealership/staff|\bstaff\b|\bour[- ]team|\bmeet[- ](?:our|the)|\bteam\b|\bpeople\b"
            r"|\bleadership|\bmanagement|\bequipo|\bpersonal\b|\bnuestro[- ]equipo|\bconozca"
            r"|\bemployees|\bour[- ]staff|\bdirectory",
        ),
        (
            85,
            r"\babout|\bour[- ]dealership|\bour[- ]story|\bwho[- ]we[- ]are|\bhistory"
            r"|\bnosotros|\bsobre[- ]nosotros|\bquienes[- ]somos|\bacerca|\bour[- ]company",
        ),
        (
            60,
            r"\bhours|\bdirections|\blocation|\bvisit[- ]us|\bfind[- ]us|\bhorario"
            r"|\bubicacion|\bcomo[- ]llegar",
        ),
    )
)
_SKIP = re.compile(
    r"inventory|\bvehicles?\b|/vdp|/srp|/new/|/used/|/cpo/|\bsearch|\bblog|\bnews\b|\bcareers?"
    r"|\bjobs?\b|employment|\bempleos?\b|privacy|\bterms|\blegal|\bcookie|\blogin|\bsign[- ]?in"
    r"|\bregister|\baccount|\bcart\b|\bcheckout|\bmedia\b|\bgallery|\bphotos?\b|\bvideos?\b"
    r"|\bpress\b|\bsitemap|\bfeed\b|/tag/|/category/|\bwp-|\bcoupons?|\bspecials?\b|\bfinanc"
    r"|\bcredit|\bapply\b|\bschedule|\bappointment|\btrade|\bvalue[- ]your|\bshop\b|\bstore/"
    r"|\bcomparison|\bresearch|\bmodels?\b|\bprivacidad|\binventario"
)

_TRACKING = ("utm_", "fbclid", "gclid", "mc_", "_ga", "msclkid", "yclid")


def _fold(text: str) -> str:
    normalised = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in normalised if not unicodedata.combining(ch))


def normalise_url(url: str) -> str:
    """The URL to fetch: lower-case scheme and host, no fragment, no tracking parameters.

    The path is kept exactly (a trailing slash can be the difference between a page and a
    404); `page_key` is the looser form used to spot duplicates.
    """
    url = url.split("#", 1)[0]
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    host, slash, path_query = rest.partition("/")
    path, _, query = ("/" + path_query if slash else "/").partition("?")
    if query:
        query = "&".join(
            pair for pair in query.split("&") if pair and not pair.lower().startswith(_TRACKING)
        )
    return f"{scheme.lower()}://{host.lower()}{path}{'?' + query if query else ''}"


def page_key(url: str) -> str:
    """Duplicate-detection key: `normalise_url` without a trailing slash, `www.` or scheme."""
    normalised = normalise_url(url)
    rest = normalised.partition("://")[2]
    host, _, path = rest.partition("/")
    host = host.removeprefix("www.")
    path = path.rstrip("/")
    return f"{host}/{path}"


@lru_cache(maxsize=4096)
def _origin(base_url: str) -> tuple[str, str]:
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}", (parts.hostname or "").lower()


def _host_of(absolute: str) -> str:
    authority = absolute.partition("://")[2].split("/", 1)[0].split("?", 1)[0]
    host = authority.rpartition("@")[2]
    if host.startswith("["):
        return host.split("]", 1)[0].lstrip("[").lower()
    return host.split(":", 1)[0].lower()


@lru_cache(maxsize=65_536)
def absolute_same_site_link(base_url: str, href: str) -> str | None:
    """Resolve an href against the page URL; None unless it is an http(s) page on the site.

    Cached: a site's menus and footers repeat the same hrefs on every page.
    """
    href = href.strip()
    if not href or href[:11].lower().startswith(_SKIP_SCHEMES):
        return None
    origin, base_host = _origin(base_url)
    if href[0] == "/" and href[:2] != "//":
        absolute = origin + href  # the common case: a root-relative path on this host
    else:
        lowered = href[:8].lower()
        if lowered.startswith(("http://", "https://")):
            absolute = href
        else:
            try:
                absolute = urljoin(base_url, href)
            except ValueError:
                return None
            if not absolute.lower().startswith(("http://", "https://")):
                return None
        host = _host_of(absolute)
        if not host or not same_site(host, base_host):
            return None
    path = absolute.partition("://")[2].partition("/")[2].split("?", 1)[0].split("#", 1)[0]
    if path.lower().endswith(_MEDIA_SUFFIXES):
        return None
    return normalise_url(absolute)


def page_score(url: str, text: str) -> int:
    """How likely a link leads to contact data: 0 (skip) to 100 (a contact page)."""
    path = _fold(urlsplit(url).path.replace("_", "-"))
    label = _fold(text)
    if _SKIP.search(path) or (not _WANTED_ANY.search(path) and _SKIP.search(label)):
        return 0
    best = 0
    for score, pattern in _WANTED:
        if score <= best:
            continue
        if pattern.search(path) or pattern.search(label):
            best = score
    return best


_WANTED_ANY = re.compile("|".join(f"(?:{p.pattern})" for _, p in _WANTED))


def choose_pages(home_url: str, links: list[tuple[str, str]], limit: int = 6) -> list[str]:
    """Up to `limit` same-site pages worth reading for contacts, best first.

    `links` are (absolute url, link text) pairs as `PageExtraction.links` gives them. Ties keep
    page order, so a site's main "Contact" link beats a footer repeat.
    """
    if limit <= 0:
        return []
    home_key = page_key(home_url)
    home_host = url_host(home_url)
    best: dict[str, tuple[int, int, str]] = {}  # key -> (score, first position, url)
    for order, (url, text) in enumerate(links):
        try:
            normalised = normalise_url(url)
            parts = urlsplit(normalised)
        except ValueError:
            continue
        key = page_key(normalised)
        if key == home_key or not same_site(url_host(normalised), home_host):
            continue
        if parts.path in ("", "/") and not parts.query:
            continue
        score = page_score(normalised, text)
        if score <= 0:
            continue
        previous = best.get(key)
        if previous is None:
            best[key] = (score, order, normalised)
        elif score > previous[0]:
            best[key] = (score, previous[1], previous[2])
    ranked = sorted(best.values(), key=lambda item: (-item[0], item[1]))
    return [url for _, _, url in ranked[:limit]]
