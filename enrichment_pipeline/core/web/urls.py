"""URL canonicalisation for the fetcher: one spelling per page, so cache keys and logs agree."""

from __future__ import annotations

from dataclasses import dataclass

import yarl

from enrichment_pipeline.core.web.address_guard import HostCheck, check_host


@dataclass(frozen=True, slots=True)
class Target:
    """A checked, canonical http(s) URL and the parts the fetcher needs."""

    url: str  # canonical: lowercase scheme/host, no default port, no fragment, no userinfo
    scheme: str
    host: str  # lowercase ASCII (IDNA) host; IPv6 without brackets
    port: int
    path_qs: str
    host_check: HostCheck

    @property
    def origin(self) -> str:
        """`scheme://host:port`, the unit robots.txt applies to (RFC 9309 section 2.3)."""
        return f"{self.scheme}://{self.host}:{self.port}"

    @property
    def robots_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        netloc = host if self.port == default else f"{host}:{self.port}"
        return f"{self.scheme}://{netloc}/robots.txt"


def parse_target(raw: str) -> Target | str:
    """Canonical `Target` for an http(s) URL, or a one-line reason why it is not one."""
    if not isinstance(raw, str):
        return f"not a URL: {raw!r}"
    text = raw.strip()
    if not text:
        return "empty URL"
    if any(ord(ch) < 0x20 or ch == "\x7f" for ch in text):
        return "URL contains control characters"
    try:
        url = yarl.URL(text)
    except (ValueError, TypeError, UnicodeError) as exc:
        return f"unparsable URL {text[:200]!r}: {exc}"
    scheme = (url.scheme or "").lower()
    if scheme not in ("http", "https"):
        return f"only http(s) URLs are fetched, not {scheme or 'relative'!r}: {text[:200]}"
    try:
        raw_host = url.raw_host
        port = url.port
    except (ValueError, UnicodeError) as exc:
        return f"bad host in {text[:200]!r}: {exc}"
    check = check_host(raw_host)
    if check.invalid:
        return check.invalid
    if port is None or not 0 < port < 65536:
        return f"bad port in {text[:200]!r}"
    try:
        if url.user is not None or url.password is not None:
            # Never send credentials found in scraped links.
            url = url.with_user(None)
        if url.fragment:
            url = url.with_fragment(None)
        if url.raw_path in ("", "/"):
            # yarl prints "https://a.com" for an empty path; the canonical form has the slash.
            url = url.with_path("/", keep_query=True)
        canonical = str(url)
    except (ValueError, TypeError, UnicodeError) as exc:
        return f"unparsable URL {text[:200]!r}: {exc}"
    return Target(
        url=canonical,
        scheme=scheme,
        host=check.host,
        port=port,
        path_qs=url.raw_path_qs or "/",
        host_check=check,
    )


def resolve_location(base: str, location: str) -> str:
    """Absolute URL of a redirect `Location` relative to the URL that sent it."""
    try:
        return str(yarl.URL(base).join(yarl.URL(location.strip())))
    except (ValueError, TypeError, UnicodeError):
        return location.strip()
