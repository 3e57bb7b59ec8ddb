"""Bodies: content-encoding with a hard cap on decoded bytes, content types, and charsets.

Decompression happens here, not in the HTTP client, because a cap must be enforced *inside* the
decompressor: httpx's decoders expand a whole network chunk at once, and 16 KiB of brotli can
expand to gigabytes. The zlib decoders produce at most `remaining + 1` bytes per call; brotli's
output buffer grows in steps and may pass the cap by one step (measured: 4.2 MB for a 3 MB cap),
which still bounds memory.
"""

from __future__ import annotations

import codecs
import re
import zlib
from typing import Final

import brotli
import charset_normalizer

ACCEPT_ENCODING: Final = "gzip, deflate, br"

HTML_TYPES: Final = frozenset({"text/html", "application/xhtml+xml"})


class TooLargeError(Exception):
    """The decoded body passed the cap."""


class UnsupportedEncodingError(Exception):
    """A content-encoding we did not ask for and cannot decode."""


class BodyDecoder:
    """Streaming content-decoder that refuses to produce more than `cap` bytes in total."""

    __slots__ = ("_brotli", "_cap", "_deflate_raw", "_produced", "_zlib", "kind")

    def __init__(self, content_encoding: str | None, cap: int) -> None:
        encoding = (content_encoding or "identity").strip().lower()
        if encoding in ("", "identity", "none"):
            self.kind = "identity"
        elif encoding in ("gzip", "x-gzip"):
            self.kind = "gzip"
        elif encoding == "deflate":
            self.kind = "deflate"
        elif encoding == "br":
            self.kind = "br"
        else:
            raise UnsupportedEncodingError(f"unsupported content-encoding {encoding!r}")
        self._cap = cap
        self._produced = 0
        self._zlib: zlib._Decompress | None = None
        self._brotli: brotli.Decompressor | None = None
        self._deflate_raw = False
        if self.kind == "gzip":
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self.kind == "deflate":
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS)
        elif self.kind == "br":
            self._brotli = brotli.Decompressor()

    @property
    def produced(self) -> int:
        return self._produced

    def feed(self, chunk: bytes) -> bytes:
        """Decode one network chunk; `TooLargeError` past the cap, `ValueError` on garbage."""
        if self.kind == "identity":
            out = chunk
        elif self._zlib is not None:
            out = self._feed_zlib(chunk)
        else:
            out = self._feed_brotli(chunk)
        self._produced += len(out)
        if self._produced > self._cap:
            raise TooLargeError(f"decoded body exceeds {self._cap} bytes")
        return out

    def _feed_zlib(self, chunk: bytes) -> bytes:
        assert self._zlib is not None
        limit = self._cap - self._produced + 1
        try:
            out = self._zlib.decompress(chunk, limit)
        except zlib.error as exc:
            if self.kind == "deflate" and not self._deflate_raw and self._produced == 0:
                # Some servers send raw deflate without the zlib header; browsers accept it.
                self._deflate_raw = True
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                return self._feed_zlib(chunk)
            raise ValueError(f"corrupt {self.kind} body: {exc}") from exc
        if self._zlib.unconsumed_tail:
            # Output stopped at the limit with input left over: the cap is passed.
            raise TooLargeError(f"decoded body exceeds {self._cap} bytes")
        return out

    def _feed_brotli(self, chunk: bytes) -> bytes:
        assert self._brotli is not None
        limit = self._cap - self._produced + 1
        try:
            # The output stops growing at `limit`; reaching it means the cap is passed, and
            # `feed` raises before the decoder is asked for more.
            return self._brotli.process(chunk, output_buffer_limit=limit)
        except brotli.error as exc:
            raise ValueError(f"corrupt br body: {exc}") from exc

    def flush(self) -> bytes:
        """Whatever the decoder still holds at the end of the stream."""
        if self._zlib is not None:
            out = self._zlib.flush()
            self._produced += len(out)
            if self._produced > self._cap:
                raise TooLargeError(f"decoded body exceeds {self._cap} bytes")
            return out
        return b""


def media_type(content_type: str | None) -> str:
    """`text/html` from `text/html; charset=UTF-8`; "" when absent."""
    if not content_type:
        return ""
    return content_type.split(";", 1)[0].strip().lower()


def is_html_type(content_type: str | None) -> bool:
    return media_type(content_type) in HTML_TYPES


_SNIFF = re.compile(
    rb"^\s*(?:<!doctype\s+html|<html|<head|<body|<!--|<meta|<title|<div|<p\b)", re.I
)


def looks_like_html(head: bytes) -> bool:
    """Content sniffing for responses without a content type (HTML spec's tag list, shortened)."""
    return bool(_SNIFF.match(head[:512].lstrip(b"\xef\xbb\xbf")))


_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.I)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([\w.:-]+)""",
    re.I,
)
# WHATWG Encoding: these labels mean windows-1252 in every browser.
_LATIN1_LABELS: Final = frozenset(
    {
        "iso-8859-1",
        "iso8859-1",
        "latin1",
        "latin-1",
        "l1",
        "ascii",
        "us-ascii",
        "iso_8859-1",
        "cp819",
        "ibm819",
        "windows-1252",
        "cp1252",
        "x-cp1252",
    }
)


def _codec(label: str | None) -> str | None:
    """Python codec name for a charset label, or None when unknown/unusable."""
    if not label:
        return None
    label = label.strip().strip("'\"").lower()
    if label in _LATIN1_LABELS:
        return "cp1252"
    if label in ("utf8", "unicode-1-1-utf-8"):
        return "utf-8"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # UTF-16/32 declared in a meta tag is a lie (the tag could not be read otherwise).
    return name


def charset_from_header(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _CHARSET_PARAM.search(content_type)
    return _codec(match.group(1)) if match else None


def charset_from_meta(body: bytes) -> str | None:
    """The `<meta charset>` / http-equiv declaration in the first 1024 bytes (HTML prescan)."""
    match = _META_CHARSET.search(body, 0, 1024)
    if not match:
        return None
    name = _codec(match.group(1).decode("ascii", "replace"))
    if name and name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return name


def _has_high_bytes(body: bytes) -> bool:
    return not body.isascii()


def decode_html(body: bytes, content_type: str | None) -> tuple[str, str]:
    """Decode an HTML body: BOM, then the header charset, then `<meta>`, then detection.

    A declared charset that does not decode the bytes is skipped rather than trusted (servers
    often mislabel). One deliberate exception to "header first": a legacy single-byte label
    (ISO-8859-1/windows-1252) on a body that is valid UTF-8 with non-ASCII bytes is decoded as
    UTF-8, because such a body is almost never really windows-1252 and the mislabel is common.
    Returns (text, codec used).
    """
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", "replace"), "utf-8"
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return body.decode("utf-16", "replace"), "utf-16"
    if not _has_high_bytes(body):
        return body.decode("ascii"), "ascii"
    for declared in (charset_from_header(content_type), charset_from_meta(body)):
        if declared is None:
            continue
        if declared == "cp1252":
            try:
                return body.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                pass
        try:
            return body.decode(declared), declared
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    name = _detect(body) or "cp1252"
    return body.decode(name, "replace"), name


def _detect(body: bytes) -> str | None:
    """charset-normalizer's guess, preferring windows-1252 among equally good candidates.

    Short Western-European texts decode cleanly in several single-byte charsets (cp1250,
    cp1252, ISO-8859-10...). The sites we crawl are US businesses, and windows-1252 is the
    WHATWG default for an English locale, so it wins a tie.
    """
    matches = list(charset_normalizer.from_bytes(body[:200_000]))
    if not matches:
        return None
    best = matches[0]
    for match in matches:
        if _codec(match.encoding) == "cp1252" and match.chaos <= best.chaos + 0.02:
            return "cp1252"
    return _codec(best.encoding)
