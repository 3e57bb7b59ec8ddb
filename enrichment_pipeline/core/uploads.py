"""Where an upload's file lives over its life: inbox -> archive (or rejected).

The archive holds `<partition key>.csv` plus a `<partition key>.json` sidecar with the original
file name, so reruns and backfills read the archived copy long after the inbox file is gone, and
outputs keep the user's file name.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from enrichment_pipeline.core.paths import DataPaths

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
# Partial downloads and editor temp files are never picked up.
TEMP_MARKERS = (".part", ".tmp", ".crdownload", ".download", ".swp")


@dataclass(frozen=True)
class ArchivedUpload:
    key: str
    path: Path
    original_name: str
    sha256: str
    size: int
    received_at: str

    @property
    def stem(self) -> str:
        return output_stem(self.original_name)


def is_candidate_file(path: Path) -> bool:
    """An inbox file the sensor should consider (CSV-like, not hidden, not half-written)."""
    name = path.name
    if name.startswith((".", "~$")) or name.lower().endswith(TEMP_MARKERS):
        return False
    return path.suffix.lower() in CSV_SUFFIXES


def output_stem(original_name: str) -> str:
    """The stem used for output files: the user's own name, minus path tricks."""
    stem = Path(original_name).stem.replace("/", "_").replace("\\", "_").strip(" .")
    return stem or "upload"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sidecar(paths: DataPaths, key: str) -> Path:
    return paths.archive / f"{key}.json"


def archived_path(paths: DataPaths, key: str) -> Path:
    return paths.archive / f"{key}.csv"


def find_archived(paths: DataPaths, key: str) -> ArchivedUpload | None:
    data_path, sidecar = archived_path(paths, key), _sidecar(paths, key)
    if not data_path.exists() or not sidecar.exists():
        return None
    meta = json.loads(sidecar.read_text(encoding="utf-8"))
    return ArchivedUpload(key=key, path=data_path, **meta)


def archived_contents(paths: DataPaths) -> dict[str, str]:
    """SHA-256 of every archived upload -> its partition key (to spot re-dropped content)."""
    found: dict[str, str] = {}
    if not paths.archive.is_dir():
        return found
    for sidecar in paths.archive.glob("*.json"):
        try:
            meta = json.loads(sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if archived_path(paths, sidecar.stem).exists():
            found[meta.get("sha256", "")] = sidecar.stem
    return found


def archive_upload(paths: DataPaths, key: str, source: Path, *, move: bool) -> ArchivedUpload:
    """Put `source` into the archive as the file of partition `key` (idempotent).

    Copy to a temp name then rename, so a crash never leaves a truncated archive file that a
    rerun would trust.
    """
    existing = find_archived(paths, key)
    if existing is not None:
        if move and source.exists() and source.resolve() != existing.path.resolve():
            source.unlink()
        return existing
    paths.archive.mkdir(parents=True, exist_ok=True)
    target = archived_path(paths, key)
    tmp = target.with_name(f".{target.name}.tmp")
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)
    meta = {
        "original_name": source.name,
        "sha256": file_sha256(target),
        "size": target.stat().st_size,
        "received_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    sidecar_tmp = _sidecar(paths, key).with_suffix(".json.tmp")
    sidecar_tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(sidecar_tmp, _sidecar(paths, key))
    if move:
        source.unlink(missing_ok=True)
    return ArchivedUpload(key=key, path=target, **meta)


def reject_upload(paths: DataPaths, upload: ArchivedUpload, reason: str) -> Path:
    """Move a file we cannot take to `rejected/` with `<name>.error.txt` saying why."""
    paths.rejected.mkdir(parents=True, exist_ok=True)
    target = _free_name(paths.rejected / upload.original_name)
    shutil.move(str(upload.path), target)
    _sidecar(paths, upload.key).unlink(missing_ok=True)
    note = target.with_name(target.name + ".error.txt")
    note.write_text(
        f"{reason}\n\nfile: {upload.original_name}\nupload: {upload.key}\n"
        f"received: {upload.received_at}\nsize: {upload.size} bytes\n"
        "Fix the file and drop it into the inbox again.\n",
        encoding="utf-8",
    )
    return target


def move_aside_duplicate(paths: DataPaths, source: Path, key: str) -> Path:
    """A file whose exact content was already processed goes to archive/duplicates/."""
    folder = paths.archive / "duplicates"
    folder.mkdir(parents=True, exist_ok=True)
    target = _free_name(folder / source.name)
    shutil.move(str(source), target)
    target.with_name(target.name + ".note.txt").write_text(
        f"Same content as upload {key}, which was already processed; not processed again.\n",
        encoding="utf-8",
    )
    return target


def _free_name(path: Path) -> Path:
    if not path.exists():
        return path
    for n in range(2, 10_000):
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
        if not candidate.exists():
            return candidate
    raise FileExistsError(path)


def sidecar_dict(upload: ArchivedUpload) -> dict[str, object]:
    data = asdict(upload)
    data["path"] = str(upload.path)
    return data
