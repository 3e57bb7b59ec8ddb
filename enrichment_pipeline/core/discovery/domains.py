"""Host and domain arithmetic for candidates: registrable domains, homepages, `www` variants."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

from enrichment_pipeline.core.normalize.websites import canonical_website

# suffix_list_urls=() and no cache dir: the public-suffix snapshot shipped with tldextract is
# used and nothing is ever downloaded (tests and air-gapped runs stay offline).
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=65_536)
def registrable_domain(host: str) -> str:
    """`www.shop.co.uk` -> `shop.co.uk`; a host without a known suffix is its own domain."""
    host = host.strip().rstrip(".").lower()
    parts = _EXTRACT(host)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    return host


def host_of(url: str) -> str:
    """Lower-case host of a URL ("" when there is none)."""
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def site_key(host: str) -> str:
    """One key per site: the host without a leading `www.` (so both forms dedupe)."""
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def homepage(url: str) -> str | None:
    """`https://www.x.com/about?utm_source=y` -> `https://www.x.com/`; None when unusable.

    The website column and search hits often point at an inner page; identity is judged on the
    homepage (and the homepage is what the scraping stage starts from).
    """
    canonical = canonical_website(url)
    if canonical is None:
        return None
    parts = urlsplit(canonical)
    return f"{parts.scheme}://{parts.netloc}/"


def www_twin(url: str) -> str | None:
    """The same homepage on the other host form (`x.com` <-> `www.x.com`), for a dead host."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not host or host.count(".") < 1:
        return None
    if host.startswith("www."):
        other = host[4:]
        if "." not in other:
            return None
    elif host == registrable_domain(host):
        other = f"www.{host}"
    else:
        return None  # a subdomain site (ocala.group.com) has no www form
    netloc = other if parts.port is None else f"{other}:{parts.port}"
    return f"{parts.scheme}://{netloc}/"


def host_matches(host: str, domains: frozenset[str]) -> bool:
    """True when `host` is one of `domains` or a subdomain of one."""
    host = host.lower().rstrip(".")
    if host in domains:
        return True
    dot = host.find(".")
    while dot != -1:
        host = host[dot + 1 :]
        if host in domains:
            return True
        dot = host.find(".")
    return False
