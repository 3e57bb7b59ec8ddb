"""Recognise uploads that are not delimited text (workbooks, archives, images, documents)."""

from __future__ import annotations

import io
import re
import zipfile

# Leading bytes of formats people rename to .csv or drop by mistake. Only signatures that cannot
# plausibly begin a text header are listed ("MZ" or "BZh" could start a column name).
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style Excel .xls workbook or Office file"),
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "a program (ELF binary)"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"{\\rtf", "a rich-text (RTF) document"),
)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_MARKUP = re.compile(rb"^\s*(<!doctype\s+html|<html|<\?xml)", re.IGNORECASE)

SAVE_AS_CSV_HINT = "open it in Excel or Google Sheets and save it as 'CSV UTF-8 (Comma delimited)'"

# Control characters that never appear in text files (tab, LF, VT, FF, CR and SUB are allowed).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1A))
_CONTROL_RE = re.compile(b"[" + re.escape(_CONTROL_BYTES) + b"]")
_CONTROL_RATIO_LIMIT = 0.02  # 2 % of the sampled bytes; real text has none, binaries have many


def describe_binary(data: bytes) -> str | None:
    """Say what non-text format `data` is ("an Excel .xlsx workbook"), or None if it may be text.

    NUL bytes are not judged here (UTF-16 text is full of them); see `decoding`.
    """
    head = data[:64]
    if head.startswith(_ZIP_MAGIC):
        return _describe_zip(data)
    for magic, what in _SIGNATURES:
        if head.startswith(magic):
            return what
    if _MARKUP.match(data[:512]):
        text = data[:4096].lower()
        if b"urn:schemas-microsoft-com:office:spreadsheet" in text:
            return "an Excel XML spreadsheet"
        return "an HTML page" if b"html" in text[:512] else "an XML document"
    return None


def control_byte_ratio(sample: bytes) -> float:
    """Share of bytes in `sample` that are control characters text never contains (NUL excluded)."""
    if not sample:
        return 0.0
    return len(_CONTROL_RE.findall(sample)) / len(sample)


def looks_binary(sample: bytes) -> bool:
    """True when `sample` has too many non-text control bytes to be a CSV in a single-byte or
    UTF-8 encoding."""
    return control_byte_ratio(sample) > _CONTROL_RATIO_LIMIT


def _describe_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype") if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError):
        return "a ZIP archive (possibly damaged)"
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return "an Excel .xlsx workbook"
    if b"opendocument.spreadsheet" in mimetype:
        return "an OpenDocument .ods spreadsheet"
    if "word/document.xml" in names:
        return "a Word .docx document"
    if "[Content_Types].xml" in names:
        return "a Microsoft Office document"
    if any(name.lower().endswith((".csv", ".txt", ".tsv")) for name in names):
        return "a ZIP archive containing a CSV (unzip it and upload the CSV inside)"
    return "a ZIP archive"
