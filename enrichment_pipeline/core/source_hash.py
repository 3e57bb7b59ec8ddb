"""A hash of source files, for caches and memos that must not outlive the code that made them."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path


@cache
def sources_digest(root: Path, patterns: tuple[str, ...] = ("*.py",)) -> str:
    """SHA-256 over the files under `root` matching `patterns` (glob, `**` allowed): each file's
    path relative to `root`, then its bytes, in sorted order. Read once per process."""
    digest = hashlib.sha256()
    files = sorted({path for pattern in patterns for path in root.glob(pattern) if path.is_file()})
    for path in files:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def file_digest(path: str | Path) -> str | None:
    """SHA-256 of one file's bytes, or None when it cannot be read (missing, say)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None
