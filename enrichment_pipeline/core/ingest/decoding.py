"""Turn the bytes of an upload into text: BOMs, UTF-16, UTF-8, Windows-1252/Latin-1, mixtures.

The order matters and is deliberate:
1. formats that are not text at all (ZIP/XLSX, images, PDF) are refused by their signature;
2. a byte-order mark is trusted (UTF-8, UTF-16, UTF-32; Excel's "Unicode Text" is UTF-16);
3. UTF-16 without a BOM is recognised by its every-other-byte NULs;
4. stray NULs (a truncated write, padding) are removed with a warning; many NULs mean binary;
5. strict UTF-8, the modern default, wins when it decodes;
6. UTF-8 with a few Windows-1252 lines (two exports pasted together) is decoded line by line;
7. otherwise charset-normalizer picks the code page, preferring Windows-1252 (what Excel on
   Windows writes for "CSV") whenever it reads the text as cleanly as the top guess, because on
   short Western samples the detector's first choice is often an equivalent-looking cousin
   (cp1250, cp775) that would garble the odd character.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from charset_normalizer import from_bytes

from enrichment_pipeline.core.ingest.binary import SAVE_AS_CSV_HINT, describe_binary, looks_binary
from enrichment_pipeline.core.ingest.errors import UploadError

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SAMPLE_BYTES = 64 * 1024
# A handful of NULs in a text file is damage we can repair; more than this is not text. (Small
# binaries with fewer NULs are still caught by their other control bytes.)
_MAX_STRAY_NULS = 16
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_ASCII = bytes(range(128))
_NON_ASCII_LINE = re.compile(rb"[^\n]*[\x80-\xff][^\n]*")
# How much worse (charset-normalizer "chaos", 0..1) cp1252 may read than the top guess and still
# be preferred.
_CP1252_TOLERANCE = 0.05
_FALLBACK_ERRORS = "enrichment-pipeline-cp1252-fallback"


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: decode the offending bytes as Windows-1252 (Latin-1 for its holes)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    chars = []
    for byte in bad:
        try:
            chars.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            chars.append(chr(byte))
    return "".join(chars), exc.end


codecs.register_error(_FALLBACK_ERRORS, _cp1252_fallback)


@dataclass(frozen=True)
class DecodedText:
    """The text of an upload, the encoding it was read with, and what was repaired on the way."""

    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def decode_upload(data: bytes, filename: str) -> DecodedText:
    """Decode an upload's bytes, or raise `UploadError` (binary_content, undecodable)."""
    what = describe_binary(data)
    if what is not None:
        raise UploadError(
            "binary_content", f"'{filename}' is {what}, not a CSV text file; {SAVE_AS_CSV_HINT}"
        )
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            if encoding == "utf-8-sig":
                return _decode_8bit(data[len(bom) :], filename, bom_encoding="utf-8-sig")
            return _decode_wide(data[len(bom) :], encoding, filename)
    wide = _guess_bomless_utf16(data[:_SAMPLE_BYTES])
    if wide is not None:
        return _decode_wide(data, wide, filename)
    return _decode_8bit(data, filename, bom_encoding=None)


def _decode_wide(data: bytes, encoding: str, filename: str) -> DecodedText:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UploadError(
            "undecodable",
            f"'{filename}' looks like {encoding.upper()} text but byte {exc.start} is invalid "
            f"in that encoding; {SAVE_AS_CSV_HINT}",
        ) from exc
    return DecodedText(text=text.replace("\x00", ""), encoding=encoding)


def _guess_bomless_utf16(sample: bytes) -> str | None:
    """UTF-16 text of mostly ASCII has a NUL in every other byte: even positions for big-endian,
    odd for little-endian."""
    if len(sample) < 8 or b"\x00" not in sample:
        return None
    sample = sample[: len(sample) - len(sample) % 2]
    even_nuls = sample[0::2].count(0) / (len(sample) / 2)
    odd_nuls = sample[1::2].count(0) / (len(sample) / 2)
    if odd_nuls > 0.6 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.6 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def _decode_8bit(data: bytes, filename: str, bom_encoding: str | None) -> DecodedText:
    warnings: list[str] = []
    data = _strip_padding(data)
    data = _remove_stray_nuls(data, filename, warnings)
    if looks_binary(data[:_SAMPLE_BYTES]):
        raise UploadError(
            "binary_content",
            f"'{filename}' contains binary data (control bytes that never appear in text), "
            f"so it is not a CSV file; {SAVE_AS_CSV_HINT}",
        )
    try:
        return DecodedText(data.decode("utf-8"), bom_encoding or "utf-8", warnings)
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    if bom_encoding is not None or _is_mostly_utf8(data):
        # Genuine UTF-8 with a few Windows-1252 bytes: keep the UTF-8 and rescue the rest.
        text = data.decode("utf-8", errors=_FALLBACK_ERRORS)
        line = data.count(b"\n", 0, first_bad) + 1
        warnings.append(
            f"the file is UTF-8 but some lines (first: line {line}) are Windows-1252; "
            "those characters were decoded as Windows-1252"
        )
        return DecodedText(text, "utf-8+cp1252", warnings)
    encoding = _detect_single_byte(data, filename)
    try:
        return DecodedText(data.decode(encoding), encoding, warnings)
    except UnicodeDecodeError:
        # The detector only saw a sample. Latin-1 maps every byte, so nothing is lost.
        return DecodedText(data.decode("latin-1"), "latin-1", warnings)


def _strip_padding(data: bytes) -> bytes:
    """Drop NUL padding (left by interrupted writes) and a DOS end-of-file mark at the end."""
    return data.rstrip(b"\x00\x1a")


def _remove_stray_nuls(data: bytes, filename: str, warnings: list[str]) -> bytes:
    count = data.count(b"\x00")
    if count == 0:
        return data
    first = data.index(b"\x00")
    line = data.count(b"\n", 0, first) + 1
    if count > _MAX_STRAY_NULS:
        raise UploadError(
            "binary_content",
            f"'{filename}' contains {count:,} NUL bytes (first on line {line}), so it is binary "
            f"data, not a CSV text file; {SAVE_AS_CSV_HINT}",
        )
    warnings.append(f"removed {count} stray NUL byte(s) (first on line {line})")
    return data.replace(b"\x00", b"")


def _is_mostly_utf8(data: bytes) -> bool:
    """True when the non-ASCII bytes are mostly well-formed UTF-8 sequences.

    Windows-1252 text almost never forms valid UTF-8 sequences by accident ("é," is 0xE9 0x2C),
    so valid sequences covering most non-ASCII bytes means a UTF-8 file with some damage.
    """
    in_sequences = sum(len(m) for m in _UTF8_MULTIBYTE.findall(data))
    if in_sequences == 0:
        return False
    non_ascii = len(data.translate(None, _ASCII))
    return in_sequences >= non_ascii - in_sequences


# Code pages for scripts other than Latin: when the detector reads the bytes cleanly in one of
# these, the file really is, say, Russian or Greek, and Windows-1252 would make mojibake of it.
_NON_LATIN = re.compile(
    r"1251|1253|1255|1256|874|koi8|cyrillic|greek|hebrew|arabic|thai|tis|8859_[5678]|866|855"
    r"|shift|sjis|932|949|950|936|gb|big5|euc|johab|hz|iso2022"
)


_HIGH_BYTE_RUN = re.compile(rb"[\x80-\xff]+")


def _is_non_latin(encoding: str) -> bool:
    return bool(_NON_LATIN.search(encoding.lower().replace("-", "_")))


def _high_bytes_come_in_words(sample: bytes) -> bool:
    """True when most non-ASCII bytes sit next to other non-ASCII bytes.

    Cyrillic, Greek, Hebrew, Arabic and Thai words are all high bytes, and CJK characters are
    written two bytes at a time and run together; Western text has an accent alone between ASCII
    letters ("Ni\xf1o"). Without this test a short Spanish list whose "\xf1o" happens to be a
    valid Big5 pair comes back as Chinese.
    """
    runs = _HIGH_BYTE_RUN.findall(sample)
    total = sum(len(run) for run in runs)
    isolated = sum(1 for run in runs if len(run) == 1)
    return total > 0 and isolated * 2 < total


def _decodes_as_western(sample: bytes) -> bool:
    """Decodes as Windows-1252 without C1 control characters (which real text never has)."""
    try:
        text = sample.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return not any("\x80" <= ch <= "\x9f" for ch in text)


def _detect_single_byte(data: bytes, filename: str) -> str:
    sample = b"\n".join(m.group(0) for m in _NON_ASCII_LINE.finditer(data[: 8 * _SAMPLE_BYTES]))
    sample = sample[:_SAMPLE_BYTES] or data[:_SAMPLE_BYTES]
    best = from_bytes(sample).best()
    western = _decodes_as_western(sample)
    if (
        best is not None
        and _is_non_latin(best.encoding)
        and best.chaos <= _CP1252_TOLERANCE
        and (_high_bytes_come_in_words(sample) or not western)
    ):
        return best.encoding  # a clean Cyrillic, Greek, Hebrew, Arabic, Thai or CJK reading
    if western:
        # Our users' lists come from US/European Excel: a Western reading that decodes cleanly
        # beats a Latin "cousin" code page (cp1250, cp1257, cp775...) that garbles accents.
        return "cp1252"
    if best is not None:
        return best.encoding
    # charset-normalizer rejects everything when the bytes make no sense in any code page.
    if looks_binary(sample):
        raise UploadError(
            "undecodable",
            f"'{filename}' is not in any text encoding we recognise (tried UTF-8, UTF-16, "
            f"Windows-1252 and others); {SAVE_AS_CSV_HINT}",
        )
    return "latin-1"
