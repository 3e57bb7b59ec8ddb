"""An upload's file through its life: archive, rejected, duplicates."""

from __future__ import annotations

from pathlib import Path

from enrichment_pipeline.core.paths import data_paths
from enrichment_pipeline.core.uploads import (
    archive_upload,
    find_archived,
    move_aside_duplicate,
    output_stem,
    reject_upload,
)


def test_archiving_moves_inbox_files_and_is_idempotent(tmp_path: Path) -> None:
    paths = data_paths(tmp_path).ensure()
    src = paths.inbox / "My Dealers, 2026.csv"
    src.write_text("name\nA\n", encoding="utf-8")
    first = archive_upload(paths, "my-dealers-2026-abcd1234", src, move=True)
    assert not src.exists()
    assert first.path.read_text(encoding="utf-8") == "name\nA\n"
    assert first.original_name == "My Dealers, 2026.csv" and first.stem == "My Dealers, 2026"
    again = find_archived(paths, "my-dealers-2026-abcd1234")
    assert again == first


def test_archiving_a_file_outside_the_inbox_copies_it(tmp_path: Path) -> None:
    paths = data_paths(tmp_path / "data").ensure()
    src = tmp_path / "leads.csv"
    src.write_text("name\nA\n")
    archive_upload(paths, "leads-1", src, move=False)
    assert src.exists() and find_archived(paths, "leads-1") is not None


def test_rejecting_moves_the_file_and_explains_why(tmp_path: Path) -> None:
    paths = data_paths(tmp_path).ensure()
    src = paths.inbox / "empty.csv"
    src.write_text("")
    upload = archive_upload(paths, "empty-0", src, move=True)
    moved = reject_upload(paths, upload, "the file is empty")
    assert moved == paths.rejected / "empty.csv" and moved.exists()
    note = paths.rejected / "empty.csv.error.txt"
    assert note.read_text().startswith("the file is empty")
    assert find_archived(paths, "empty-0") is None


def test_duplicates_are_moved_aside_with_a_note(tmp_path: Path) -> None:
    paths = data_paths(tmp_path).ensure()
    for _ in range(2):
        src = paths.inbox / "leads.csv"
        src.write_text("name\nA\n")
        moved = move_aside_duplicate(paths, src, "leads-1")
    assert sorted(p.name for p in (paths.archive / "duplicates").iterdir()) == [
        "leads (2).csv",
        "leads (2).csv.note.txt",
        "leads.csv",
        "leads.csv.note.txt",
    ]
    assert "leads-1" in moved.with_name(moved.name + ".note.txt").read_text()


def test_output_stems_cannot_escape_the_outbox() -> None:
    assert output_stem("../../etc/passwd.csv") == "passwd"
    assert output_stem("..csv") == "upload"
    assert output_stem("Café Leads.csv") == "Café Leads"
