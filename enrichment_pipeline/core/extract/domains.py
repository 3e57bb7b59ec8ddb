"""Registered-domain arithmetic shared by the extractors (offline public-suffix list)."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

# suffix_list_urls=() and no cache dir: use the snapshot shipped with tldextract, never download.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=65_536)
def split_host(host: str) -> tuple[str, str]:
    """Return (registered domain, public suffix) for a host; ("", "") when it has neither.

    A host without a known public suffix has an empty suffix. Its registered domain is its last
    two labels (`www.shop.example` -> `shop.example`: reserved test and demo names such as
    `.example` and `.test` are not on the public-suffix list, yet `www.` must still be the same
    site), or the host itself for an IP address or a single label.
    """
    host = host.strip().strip(".").lower()
    if not host:
        return "", ""
    parts = _EXTRACT(host)
    if parts.suffix and parts.domain:
        return f"{parts.domain}.{parts.suffix}", parts.suffix
    labels = host.split(".")
    if len(labels) > 2 and not labels[-1].isdigit():
        return ".".join(labels[-2:]), ""
    return host, ""


def registered_domain(host: str) -> str:
    """The registrable domain of a host (`www.shop.co.uk` -> `shop.co.uk`)."""
    return split_host(host)[0]


def has_public_suffix(host: str) -> bool:
    """True when the host ends in a known public suffix (so `logo@2x.png` has none)."""
    return bool(split_host(host)[1])


def url_host(url: str) -> str:
    """Lower-case host of a URL, "" when it has none or cannot be parsed."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def same_site(host_a: str, host_b: str) -> bool:
    """True when two hosts share a registered domain (www and other subdomains count)."""
    return bool(host_a) and registered_domain(host_a) == registered_domain(host_b)
