"""SSRF classification: every spelling of a non-global address is refused, globals pass."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enrichment_pipeline.core.web.address_guard import (
    BLOCKED_V4,
    BLOCKED_V6,
    check_host,
    ip_block_reason,
)
from enrichment_pipeline.core.web.urls import parse_target

V4_BLOCKED_NETS = [net for net, _ in BLOCKED_V4]
V6_BLOCKED_NETS = [net for net, _ in BLOCKED_V6]


def in_blocked_v4(ip: ipaddress.IPv4Address) -> bool:
    return any(ip in net for net in V4_BLOCKED_NETS)


@st.composite
def blocked_v4(draw: st.DrawFn) -> ipaddress.IPv4Address:
    net = draw(st.sampled_from(V4_BLOCKED_NETS))
    offset = draw(st.integers(0, net.num_addresses - 1))
    return net[offset]


# First octets where every address is public unicast (no special-purpose block inside).
_PUBLIC_FIRST_OCTETS = [
    o for o in range(1, 224) if o not in (10, 100, 127, 169, 172, 192, 198, 203)
]


@st.composite
def global_v4(draw: st.DrawFn) -> ipaddress.IPv4Address:
    first = draw(st.sampled_from(_PUBLIC_FIRST_OCTETS))
    ip = ipaddress.IPv4Address((first << 24) | draw(st.integers(0, 2**24 - 1)))
    assert ip.is_global and not in_blocked_v4(ip)
    return ip


def spellings(ip: ipaddress.IPv4Address) -> list[str]:
    """Legacy spellings of one IPv4 address that URL parsers and inet_aton accept."""
    n = int(ip)
    a, b, c, d = ip.packed
    return [
        str(n),  # decimal integer
        hex(n),  # 0x7f000001
        hex(n).upper().replace("0X", "0x"),
        f"0{n:o}",  # octal integer
        f"{a}.{(b << 16) | (c << 8) | d}",  # a.b24
        f"{a}.{b}.{(c << 8) | d}",  # a.b.c16
        f"0{a:o}.0{b:o}.0{c:o}.0{d:o}",  # dotted octal
        f"0x{a:x}.0x{b:x}.0x{c:x}.0x{d:x}",  # dotted hex
        f"{ip}.",  # trailing dot
        f"0x{a:02x}.{b}.{c}.{d}",  # mixed
    ]


@given(blocked_v4())
@settings(max_examples=300, deadline=None)
def test_blocked_ipv4_is_refused_in_every_spelling(ip: ipaddress.IPv4Address) -> None:
    assert ip_block_reason(ip) is not None
    for host in [str(ip), *spellings(ip)]:
        target = parse_target(f"http://{host}:8080/path")
        assert not isinstance(target, str), (host, target)
        assert target.host_check.blocked, host


@given(blocked_v4())
@settings(max_examples=200, deadline=None)
def test_blocked_ipv4_is_refused_in_ipv6_wrappers(ip: ipaddress.IPv4Address) -> None:
    n = int(ip)
    hi, lo = n >> 16, n & 0xFFFF
    forms = [
        f"::ffff:{ip}",  # IPv4-mapped, dotted tail
        f"::ffff:{hi:x}:{lo:x}",  # IPv4-mapped, hex tail
        f"0:0:0:0:0:ffff:{hi:x}:{lo:x}",  # expanded
        f"::{ip}",  # IPv4-compatible (deprecated)
        f"64:ff9b::{ip}",  # NAT64 well-known prefix
        f"64:ff9b::{hi:x}:{lo:x}",
        f"2002:{hi:x}:{lo:x}::1",  # 6to4
        f"::FFFF:{ip}",  # upper case
    ]
    for form in forms:
        target = parse_target(f"http://[{form}]/")
        assert not isinstance(target, str), (form, target)
        assert target.host_check.blocked, form


@given(global_v4())
@settings(max_examples=300, deadline=None)
def test_global_ipv4_passes_only_when_spelled_canonically(ip: ipaddress.IPv4Address) -> None:
    assert ip_block_reason(ip) is None
    canonical = parse_target(f"http://{ip}/")
    assert not isinstance(canonical, str)
    assert canonical.host_check.blocked is None
    # Legacy spellings are refused even for public addresses: no real site uses them.
    for host in spellings(ip):
        target = parse_target(f"http://{host}/")
        assert not isinstance(target, str)
        assert target.host_check.blocked, host
    mapped = parse_target(f"http://[::ffff:{ip}]/")
    assert not isinstance(mapped, str) and mapped.host_check.blocked is None
    nat64 = parse_target(f"http://[64:ff9b::{ip}]/")
    assert not isinstance(nat64, str) and nat64.host_check.blocked is None


@given(st.sampled_from(V6_BLOCKED_NETS), st.integers(0, 2**64 - 1))
@settings(max_examples=300, deadline=None)
def test_blocked_ipv6_ranges_are_refused(net: ipaddress.IPv6Network, offset: int) -> None:
    ip = net[offset % net.num_addresses]
    assert ip_block_reason(ip) is not None
    for text in (ip.compressed, ip.exploded, ip.compressed.upper()):
        target = parse_target(f"http://[{text}]:80/")
        assert not isinstance(target, str)
        assert target.host_check.blocked, text


@given(st.integers(0x2400 << 112, (0x2C00 << 112) - 1))
@settings(max_examples=200, deadline=None)
def test_global_unicast_ipv6_passes(value: int) -> None:
    ip = ipaddress.IPv6Address(value)
    assert ip.is_global
    assert ip_block_reason(ip) is None


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("169.254.169.254", "link-local"),
        ("100.64.0.1", "carrier-grade NAT"),  # neither private nor global in ipaddress
        ("100.127.255.254", "carrier-grade NAT"),
        ("0.0.0.0", "this-network"),
        ("255.255.255.255", "broadcast"),
        ("224.0.0.251", "multicast"),
        ("239.255.255.250", "multicast"),
        ("192.0.0.170", "IETF"),
        ("198.18.0.1", "benchmarking"),
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("fd00::1", "unique local"),
        ("ff02::1", "multicast"),  # ipaddress calls this global
        ("64:ff9b::a9fe:a9fe", "NAT64 169.254.169.254"),  # ipaddress calls this global
        ("2002:a9fe:a9fe::", "6to4"),  # ipaddress calls this global
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"),
        ("64:ff9b:1::10.0.0.1", "local-use NAT64"),
    ],
)
def test_known_dangerous_addresses_name_their_reason(address: str, why: str) -> None:
    reason = ip_block_reason(ipaddress.ip_address(address))
    assert reason is not None and why.lower() in reason.lower()


def test_is_private_alone_would_miss_cgnat_and_is_global_would_pass_multicast() -> None:
    # Why the guard keeps its own deny list (see dagster-notes): these stdlib answers are traps.
    assert not ipaddress.ip_address("100.64.0.1").is_private
    assert ipaddress.ip_address("ff0e::1").is_global
    assert ip_block_reason(ipaddress.ip_address("100.64.0.1"))
    assert ip_block_reason(ipaddress.ip_address("ff0e::1"))


@pytest.mark.parametrize(
    "host", ["localhost", "LOCALHOST", "app.localhost", "localhost.", "[fe80::1%25eth0]"]
)
def test_local_names_and_scoped_addresses_are_refused(host: str) -> None:
    target = parse_target(f"http://{host}/")
    assert not isinstance(target, str)
    assert target.host_check.blocked


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:text/html,hi",
        "gopher://example.com/",
        "//example.com/",
        "http://exa mple.com/",
        "http://-bad-.example.com/",
        "http://example.com:99999/",
        "http:///nohost",
        "http://ex\x00ample.com/",
        "",
    ],
)
def test_non_http_and_malformed_urls_are_refused(url: str) -> None:
    assert isinstance(parse_target(url), str)


def test_names_are_not_judged_before_resolution() -> None:
    check = check_host("www.sunshinefordofocala.com")
    assert check.ip is None and check.blocked is None and check.invalid is None
    assert check_host("xn--bcher-kva.de").invalid is None
