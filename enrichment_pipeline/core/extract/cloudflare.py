"""Cloudflare "email address obfuscation": the address is hex, XOR-ed with its first byte."""

from __future__ import annotations


def decode_cfemail(blob: str) -> str | None:
    """Decode a `data-cfemail` value (or the hex after `/cdn-cgi/l/email-protection#`).

    Returns None for anything that is not a well-formed blob, so a mangled attribute never
    becomes a made-up address.
    """
    blob = blob.strip()
    if len(blob) < 4 or len(blob) % 2:
        return None
    try:
        raw = bytes.fromhex(blob)
    except ValueError:
        return None
    key = raw[0]
    try:
        decoded = bytes(byte ^ key for byte in raw[1:]).decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "@" not in decoded or not decoded.isprintable():
        return None
    return decoded


def encode_cfemail(address: str, key: int = 0x5A) -> str:
    """The inverse of decode_cfemail, for building test pages the way Cloudflare does."""
    data = address.encode("utf-8")
    return bytes([key, *(byte ^ key for byte in data)]).hex()
