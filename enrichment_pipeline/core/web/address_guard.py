"""SSRF guard: which hosts and addresses the crawler may connect to.

Scraped links and redirects are attacker-controlled input. We therefore refuse every address that
is not globally routable, using an explicit deny list (Python's `is_private` misses CGNAT, and
`is_global` wrongly accepts multicast, NAT64 and 6to4 forms) AND `is_global` as a second net.
Addresses that embed an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64) are judged by the
embedded address; deprecated tunnel forms whose embedded address we cannot trust (6to4, Teredo)
are refused outright. Numeric hosts in legacy spellings (`2130706433`, `0x7f.1`, `0177.0.0.1`)
are refused too: real sites never use them and they exist to slip past naive filters.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from typing import Final

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network

# (network, why) pairs. Order does not matter; the first match names the reason.
BLOCKED_V4: Final[tuple[tuple[ipaddress.IPv4Network, str], ...]] = (
    (_V4("0.0.0.0/8"), "this-network"),
    (_V4("10.0.0.0/8"), "private"),
    (_V4("100.64.0.0/10"), "carrier-grade NAT"),
    (_V4("127.0.0.0/8"), "loopback"),
    (_V4("169.254.0.0/16"), "link-local (cloud metadata)"),
    (_V4("172.16.0.0/12"), "private"),
    (_V4("192.0.0.0/24"), "IETF protocol assignments"),
    (_V4("192.0.2.0/24"), "documentation"),
    (_V4("192.31.196.0/24"), "AS112"),
    (_V4("192.52.193.0/24"), "AMT"),
    (_V4("192.88.99.0/24"), "6to4 relay anycast"),
    (_V4("192.168.0.0/16"), "private"),
    (_V4("192.175.48.0/24"), "AS112"),
    (_V4("198.18.0.0/15"), "benchmarking"),
    (_V4("198.51.100.0/24"), "documentation"),
    (_V4("203.0.113.0/24"), "documentation"),
    (_V4("224.0.0.0/4"), "multicast"),
    (_V4("255.255.255.255/32"), "broadcast"),
    (_V4("240.0.0.0/4"), "reserved"),
)

# IPv6 ranges refused outright.
BLOCKED_V6: Final[tuple[tuple[ipaddress.IPv6Network, str], ...]] = (
    (_V6("::/128"), "unspecified"),
    (_V6("::1/128"), "loopback"),
    (_V6("64:ff9b:1::/48"), "local-use NAT64"),
    (_V6("100::/64"), "discard-only"),
    (_V6("2001::/23"), "IETF protocol assignments (incl. Teredo)"),
    (_V6("2001:db8::/32"), "documentation"),
    (_V6("2002::/16"), "6to4"),
    (_V6("3fff::/20"), "documentation"),
    (_V6("5f00::/16"), "SRv6 SIDs"),
    (_V6("fc00::/7"), "unique local"),
    (_V6("fe80::/10"), "link-local"),
    (_V6("fec0::/10"), "site-local"),
    (_V6("ff00::/8"), "multicast"),
)

# IPv6 ranges that carry an IPv4 address in their last 32 bits: judged by that address.
EMBEDDED_V4: Final[tuple[tuple[ipaddress.IPv6Network, str], ...]] = (
    (_V6("::ffff:0:0/96"), "IPv4-mapped"),
    (_V6("::/96"), "IPv4-compatible"),
    (_V6("64:ff9b::/96"), "NAT64"),
    (_V6("::ffff:0:0:0/96"), "IPv4-translated"),
)

_LEGACY_NUMERIC = re.compile(r"^[0-9a-fA-FxX.]+$")
_LAST_LABEL_NUMBER = re.compile(r"^(?:[0-9]+|0[xX][0-9a-fA-F]*)$")
_HOST_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")


def ip_block_reason(ip: IPAddress) -> str | None:
    """Why `ip` must not be contacted, or None when it is a globally routable unicast address."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return "scoped IPv6 address"
        for net, why in BLOCKED_V6:
            if ip in net:
                return why
        for net, why in EMBEDDED_V4:
            if ip in net:
                inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
                inner_reason = ip_block_reason(inner)
                return f"{why} {inner}: {inner_reason}" if inner_reason else None
    else:
        for net4, why in BLOCKED_V4:
            if ip in net4:
                return why
    if not ip.is_global:  # second net for anything the tables miss
        return "not globally routable"
    return None


@dataclass(frozen=True, slots=True)
class HostCheck:
    """Classification of a URL host before any connection is made."""

    host: str  # lowercase ASCII (IDNA) host, IPv6 without brackets
    ip: IPAddress | None  # set when the host is an IP literal
    blocked: str | None  # reason when the host is refused outright (an address problem)
    invalid: str | None  # reason when the host is not a valid host name at all


def check_host(host: str | None) -> HostCheck:
    """Classify a URL host (as yarl's `raw_host` gives it): IP literal, name, refused or invalid.

    Names are not resolved here; their addresses are checked by the resolver at connect time.
    """
    if not host:
        return HostCheck("", None, None, "missing host")
    host = host.lower()
    if ":" in host:  # IPv6 literal (yarl strips the brackets and keeps a %zone)
        try:
            ip6 = ipaddress.IPv6Address(host.replace("%25", "%"))
        except ValueError:
            return HostCheck(host, None, None, f"bad IPv6 literal {host!r}")
        return HostCheck(host, ip6, ip_block_reason(ip6), None)
    bare = host[:-1] if host.endswith(".") else host
    labels = bare.split(".")
    if _LEGACY_NUMERIC.match(bare) and _LAST_LABEL_NUMBER.match(labels[-1]):
        # The WHATWG URL standard parses a host ending in a number as IPv4.
        if bare == host:
            try:
                ip4 = ipaddress.IPv4Address(host)  # strict: canonical dotted decimal only
            except ValueError:
                pass
            else:
                return HostCheck(host, ip4, ip_block_reason(ip4), None)
        try:
            packed = socket.inet_aton(bare)
        except OSError:
            return HostCheck(host, None, None, f"bad numeric host {host!r}")
        meant = ipaddress.IPv4Address(packed)
        return HostCheck(host, meant, f"non-canonical IPv4 spelling of {meant}", None)
    if len(bare) > 253 or not all(_HOST_LABEL.match(label) for label in labels):
        return HostCheck(host, None, None, f"bad host name {host!r}")
    if bare == "localhost" or bare.endswith(".localhost"):
        return HostCheck(host, None, "localhost name", None)
    return HostCheck(host, None, None, None)


def parse_ip(text: str) -> IPAddress | None:
    """An address from a resolver answer, or None when it is not one."""
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None
