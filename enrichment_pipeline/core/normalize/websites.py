"""Website cells to one canonical URL, or None when the cell holds no usable business website."""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from enrichment_pipeline.core.normalize.cells import clean_cell, hyperlink_parts, is_placeholder

# Query parameters that only track a click; they make one site look like many.
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        "gclid", "gbraid", "wbraid", "dclid", "fbclid", "msclkid", "yclid", "igshid", "mc_cid",
        "mc_eid", "_ga", "_gl", "srsltid", "ref_src", "s_kwcid", "ttclid", "twclid", "li_fat_id",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "pk_", "hsa_")
# Profiles and listings are not a business's own website. They stay in website_raw; website
# becomes None so discovery looks for the real site.
NOT_OWN_SITE: frozenset[str] = frozenset(
    {
        "facebook.com", "fb.com", "fb.me", "instagram.com", "twitter.com", "x.com",
        "linkedin.com", "youtube.com", "youtu.be", "tiktok.com", "pinterest.com", "yelp.com",
        "google.com", "goo.gl", "g.page", "g.co", "bing.com", "yellowpages.com", "bbb.org",
        "mapquest.com", "foursquare.com", "nextdoor.com", "manta.com", "cars.com",
        "cargurus.com", "autotrader.com", "dealerrater.com", "carfax.com", "edmunds.com",
        "truecar.com", "linktr.ee", "bit.ly",
    }
)  # fmt: skip
_EMAIL = re.compile(r"^(?:mailto:)?[^@\s/:]+@[^@\s/]+$", re.IGNORECASE)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):(//)?", re.IGNORECASE)
# Typos seen in hand-typed lists: "http//x.com", "https;//x.com", "http:/x.com".
_BROKEN_SCHEME = re.compile(r"^(https?)[:;]?/{1,3}(?=[^/])", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s;,|]+")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TLD = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"


def canonical_website(value: object) -> str | None:
    """Canonical form of a website cell: https:// added when no scheme is given, lower-case
    host, default port, fragment and tracking parameters dropped, "/" for an empty path.

    None for placeholders ("N/A", "none"), e-mail addresses, non-web schemes, hosts that are not
    domain names (IP addresses, "localhost", "joescars") and social or listing pages.
    """
    text = clean_cell(value)
    link = hyperlink_parts(text)
    if link is not None:
        text = link[0]
    if not text or is_placeholder(text):
        return None
    return _canonical(text)


@lru_cache(maxsize=65_536)
def _canonical(text: str) -> str | None:
    candidate = next((part for part in _SEPARATORS.split(text) if "." in part), None)
    if candidate is None or _EMAIL.match(candidate):
        return None
    candidate = _BROKEN_SCHEME.sub(lambda m: m.group(1).lower() + "://", candidate)
    scheme_match = _SCHEME.match(candidate)
    if candidate.startswith("//"):
        candidate = "https:" + candidate
    elif scheme_match is None or not scheme_match.group(2):
        # No scheme, or "host:port/..." which urlsplit would read as a scheme.
        candidate = "https://" + candidate
    elif scheme_match.group(1).lower() not in {"http", "https"}:
        return None
    try:
        parts = urlsplit(candidate)
        port = parts.port
    except ValueError:
        return None
    host = _canonical_host(parts.hostname or "")
    if host is None or _is_listing(host):
        return None
    scheme = parts.scheme.lower()
    default_port = {"http": 80, "https": 443}[scheme]
    netloc = host if port is None or port == default_port else f"{host}:{port}"
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    query = _strip_tracking(parts.query)
    return f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")


def _canonical_host(host: str) -> str | None:
    host = host.strip().rstrip(".").lower()
    if not host:
        return None
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    else:
        return None  # an IP address is not a business's website
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = host.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return None
    if not _TLD.match(labels[-1]):
        return None
    return host


def _is_listing(host: str) -> bool:
    return any(host == domain or host.endswith("." + domain) for domain in NOT_OWN_SITE)


def _strip_tracking(query: str) -> str:
    if not query:
        return ""
    kept = [
        (key, value)
        for key, value in parse_qsl(query, keep_blank_values=True)
        if key.lower() not in TRACKING_PARAMS and not key.lower().startswith(_TRACKING_PREFIXES)
    ]
    return urlencode(kept, quote_via=quote, safe=_PATH_SAFE.replace("&", "").replace("=", ""))
