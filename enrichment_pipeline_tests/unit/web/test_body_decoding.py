"""Content decoding with a hard cap, content types, and charset selection."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest

from enrichment_pipeline.core.web.decoding import (
    BodyDecoder,
    TooLargeError,
    UnsupportedEncodingError,
    decode_html,
    is_html_type,
    looks_like_html,
)

PAGE = (
    "<html><body>" + "<p>Sunshine Ford of Ocala, (352) 732-4100</p>" * 200 + "</body></html>"
).encode()


def encode(data: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.compress(data)
    if encoding == "deflate":
        return zlib.compress(data)
    if encoding == "raw-deflate":
        obj = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        return obj.compress(data) + obj.flush()
    if encoding == "br":
        return brotli.compress(data, quality=1)
    return data


def feed_all(decoder: BodyDecoder, data: bytes, chunk: int = 4096) -> bytes:
    out = [decoder.feed(data[i : i + chunk]) for i in range(0, len(data), chunk)]
    out.append(decoder.flush())
    return b"".join(out)


@pytest.mark.parametrize(
    ("wire", "header"),
    [
        ("identity", None),
        ("gzip", "gzip"),
        ("deflate", "deflate"),
        ("raw-deflate", "deflate"),
        ("br", "br"),
        ("gzip", "x-gzip"),
        ("identity", "identity"),
    ],
)
def test_every_supported_encoding_round_trips(wire: str, header: str | None) -> None:
    decoder = BodyDecoder(header, cap=len(PAGE))
    assert feed_all(decoder, encode(PAGE, wire)) == PAGE
    assert decoder.produced == len(PAGE)


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_bomb_stops_at_the_cap_without_expanding(encoding: str) -> None:
    bomb = encode(b"\0" * 64_000_000, encoding)
    assert len(bomb) < 200_000
    decoder = BodyDecoder(encoding, cap=100_000)
    produced = 0
    with pytest.raises(TooLargeError):
        for i in range(0, len(bomb), 16_384):
            produced += len(decoder.feed(bomb[i : i + 16_384]))
    # Bounded whatever one input chunk expands to: zlib stops at cap + 1, brotli's output buffer
    # may pass the cap by one growth step (under 2x the cap, at least 128 KiB).
    assert decoder.produced <= 2 * 100_000 + 131_072


def test_identity_body_over_the_cap_is_too_large() -> None:
    decoder = BodyDecoder(None, cap=1000)
    decoder.feed(b"x" * 1000)
    with pytest.raises(TooLargeError):
        decoder.feed(b"x")


def test_unknown_and_corrupt_encodings_are_errors() -> None:
    with pytest.raises(UnsupportedEncodingError):
        BodyDecoder("zstd", cap=10)
    with pytest.raises(ValueError):
        BodyDecoder("gzip", cap=10_000).feed(b"definitely not gzip data")
    with pytest.raises(ValueError):
        BodyDecoder("br", cap=10_000).feed(b"\xff\xff\xff not brotli")


@pytest.mark.parametrize(
    ("ctype", "html"),
    [
        ("text/html", True),
        ("text/html; charset=UTF-8", True),
        ("TEXT/HTML", True),
        ("application/xhtml+xml", True),
        ("application/pdf", False),
        ("text/plain", False),
        ("application/json", False),
        (None, False),
        ("", False),
    ],
)
def test_html_content_types(ctype: str | None, html: bool) -> None:
    assert is_html_type(ctype) is html


def test_sniffing_a_body_without_content_type() -> None:
    assert looks_like_html(b"\xef\xbb\xbf  <!DOCTYPE html><html>")
    assert looks_like_html(b"\n<html lang='en'>")
    assert not looks_like_html(b"%PDF-1.7 binary")
    assert not looks_like_html(b'{"json": true}')


META_UTF8 = '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
TEXT = "Café Olé — Señor Muñoz’s crème brûlée"


@pytest.mark.parametrize(
    ("body", "ctype", "expected_codec"),
    [
        (TEXT.encode("utf-8"), "text/html; charset=utf-8", "utf-8"),
        (TEXT.encode("cp1252"), "text/html; charset=windows-1252", "cp1252"),
        (TEXT.encode("cp1252"), "text/html; charset=iso-8859-1", "cp1252"),  # WHATWG: latin1 = 1252
        (TEXT.encode("utf-8"), "text/html; charset=iso-8859-1", "utf-8"),  # mislabelled UTF-8
        (TEXT.encode("cp1252"), "text/html; charset=utf-8", "cp1252"),  # header lies
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "text/html; charset=cp1252", "utf-8"),  # BOM wins
        (f'<meta charset="windows-1252"><p>{TEXT}</p>'.encode("cp1252"), "text/html", "cp1252"),
        (
            (META_UTF8 + f"<p>{TEXT}</p>").encode(),
            None,
            "utf-8",
        ),
        (TEXT.encode("utf-8"), "text/html; charset=bogus-charset", "utf-8"),
    ],
)
def test_charset_sources_in_order(body: bytes, ctype: str | None, expected_codec: str) -> None:
    text, codec = decode_html(body, ctype)
    assert TEXT in text
    assert codec == expected_codec


def test_undeclared_legacy_text_is_detected() -> None:
    body = ("<html><body>" + f"<p>{TEXT}. Ven a visitarnos pronto, señora.</p>" * 20).encode(
        "cp1252"
    )
    text, codec = decode_html(body, "text/html")
    assert TEXT in text and codec == "cp1252"


def test_pure_ascii_is_fast_path() -> None:
    assert decode_html(b"<p>plain</p>", "text/html; charset=utf-16") == ("<p>plain</p>", "ascii")
