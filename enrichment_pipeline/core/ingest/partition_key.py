"""Partition keys for uploads: a readable slug of the file name plus a hash of its content."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

from enrichment_pipeline.core.ingest.errors import UploadError

STEM_LIMIT = 40
HASH_LENGTH = 8
_NOT_SLUG = re.compile(r"[^a-z0-9_-]+")
_DASHES = re.compile(r"-{2,}")


def slugify_stem(stem: str, limit: int = STEM_LIMIT) -> str:
    """Reduce a file stem to `[a-z0-9_-]`, at most `limit` characters, never empty.

    Accents are folded ("Café" -> "cafe"); anything else becomes a dash. A stem with nothing
    readable left (all CJK, all punctuation) becomes "upload".
    """
    folded = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    slug = _DASHES.sub("-", _NOT_SLUG.sub("-", folded.lower())).strip("-_")
    if len(slug) > limit:
        cut = slug[:limit]
        # Prefer to cut at a word boundary when one is reasonably close to the limit.
        boundary = max(cut.rfind("-"), cut.rfind("_"))
        slug = cut[:boundary] if boundary >= limit // 2 else cut
        slug = slug.strip("-_")
    return slug or "upload"


def content_hash(path: Path) -> str:
    """SHA-256 hex digest of the file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    try:
        with Path(path).open("rb") as handle:
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(chunk)
    except OSError as exc:
        raise UploadError(
            "unreadable", f"cannot read '{Path(path).name}': {exc.strerror or exc}"
        ) from exc
    return digest.hexdigest()


def upload_partition_key(path: Path) -> str:
    """`<slug of the file stem>-<first 8 hex digits of the content's SHA-256>`.

    The same bytes under the same name always give the same key (a re-dropped file is not
    processed twice); an edited file gets a new key. Keys only use `[a-z0-9_-]`, so they are safe
    as Dagster partition keys, DuckDB values and file names. Raises `UploadError("unreadable")`
    when the file cannot be read.
    """
    path = Path(path)
    return f"{slugify_stem(path.stem)}-{content_hash(path)[:HASH_LENGTH]}"
