"""Outputs already on disk that an export would write again unchanged, so it need not.

Rerunning an unchanged file reuses every stage and leaves only the export, which rebuilt and
rewrote 10,000 rows into the CSV, JSON, rejected CSV and report each time (3.3 s, as long as
Dagster's start-up) although nothing it reads had changed. The export now fingerprints what
it reads (every input table's content, the output folder and name, the suppression list, the
report's threshold, and the code of the export and report packages) and records, after
writing, that fingerprint with a SHA-256 of each file. When the fingerprint matches and every
file is still there with the same bytes, the files are left as they are and the recorded
summary is returned; a deleted or edited output, a new suppression entry or any changed row
means a full export. The report keeps the time it was generated at.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from enrichment_pipeline.core.source_hash import file_digest, sources_digest
from enrichment_pipeline.core.storage.cache_db import JsonCache, open_cache_db

_TABLE = "export_outputs"


def _code_version() -> str:
    core = Path(__file__).parent.parent
    return sources_digest(core, ("export/*.py", "report/*.py"))


def inputs_fingerprint(
    frames: Sequence[pd.DataFrame | None], settings: Iterable[object] = ()
) -> str:
    """A hash of everything an export reads: the tables' content and the given settings."""
    digest = hashlib.sha256(_code_version().encode())
    for frame in frames:
        if frame is None:
            digest.update(b"<none>")
            continue
        digest.update(repr(list(frame.columns)).encode())
        digest.update(str(len(frame)).encode())
        if len(frame):
            try:
                hashed = pd.util.hash_pandas_object(frame, index=False)
            except TypeError:  # a cell pandas cannot hash (a list, say): hash its text
                hashed = pd.util.hash_pandas_object(frame.astype(str), index=False)
            digest.update(hashed.to_numpy().tobytes())
    for value in settings:
        digest.update(b"\0" + repr(value).encode())
    return digest.hexdigest()


class ExportRecords:
    """Per output CSV path: the fingerprint it was written from, its files' hashes, a summary."""

    def __init__(self, cache_db: Path) -> None:
        self._con = open_cache_db(cache_db)
        self._records = JsonCache(self._con, _TABLE)

    def unchanged(self, csv_path: Path, fingerprint: str) -> dict[str, Any] | None:
        """The recorded summary when the files from `fingerprint` are all on disk, unedited."""
        record = self._records.get(str(csv_path))
        if not isinstance(record, Mapping) or record.get("fingerprint") != fingerprint:
            return None
        files = record.get("files")
        if not isinstance(files, Mapping) or not files:
            return None
        for path, expected in files.items():
            if file_digest(Path(path)) != expected:
                return None
        summary = record.get("summary")
        return dict(summary) if isinstance(summary, Mapping) else None

    def remember(
        self,
        csv_path: Path,
        fingerprint: str,
        files: Iterable[Path],
        summary: Mapping[str, Any],
    ) -> None:
        hashes = {str(path): file_digest(Path(path)) for path in files}
        self._records.put(
            str(csv_path), {"fingerprint": fingerprint, "files": hashes, "summary": dict(summary)}
        )

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> ExportRecords:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
