"""Which inbox files are ready: CSV-like and finished copying."""

from __future__ import annotations

import os
import time
from pathlib import Path

from enrichment_pipeline.core.inbox import mark_requested, new_state, scan_inbox


def _age(path: Path, seconds: float) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_a_file_is_ready_after_two_identical_scans_and_the_settle_time(tmp_path: Path) -> None:
    state = new_state()
    f = tmp_path / "leads.csv"
    f.write_text("name\nA\n")
    _age(f, 10)
    first = scan_inbox(tmp_path, state, settle_s=2)
    assert first.ready == [] and first.waiting == [f]
    second = scan_inbox(tmp_path, state, settle_s=2)
    assert second.ready == [f]


def test_a_file_still_being_written_keeps_waiting(tmp_path: Path) -> None:
    state = new_state()
    f = tmp_path / "big.csv"
    f.write_text("name\nA\n")
    _age(f, 10)
    scan_inbox(tmp_path, state, settle_s=2)
    with f.open("a") as handle:  # the copy goes on between two scans
        handle.write("B\n")
    _age(f, 10)
    assert scan_inbox(tmp_path, state, settle_s=2).ready == []
    assert scan_inbox(tmp_path, state, settle_s=2).ready == [f]


def test_a_freshly_modified_file_waits_for_the_settle_time(tmp_path: Path) -> None:
    state = new_state()
    f = tmp_path / "new.csv"
    f.write_text("name\nA\n")
    scan_inbox(tmp_path, state, settle_s=30)
    assert scan_inbox(tmp_path, state, settle_s=30).ready == []


def test_non_csv_and_temporary_files_are_ignored_once(tmp_path: Path) -> None:
    state = new_state()
    for name in ("notes.pdf", "leads.csv.part", "~$leads.csv", ".hidden.csv"):
        (tmp_path / name).write_text("x")
        _age(tmp_path / name, 10)
    first = scan_inbox(tmp_path, state)
    assert sorted(p.name for p in first.newly_ignored) == [
        "leads.csv.part",
        "notes.pdf",
        "~$leads.csv",
    ]
    second = scan_inbox(tmp_path, state)
    assert second.newly_ignored == [] and second.ready == [] and second.waiting == []


def test_a_requested_file_is_not_requested_again_until_it_changes(tmp_path: Path) -> None:
    state = new_state()
    f = tmp_path / "leads.csv"
    f.write_text("name\nA\n")
    _age(f, 10)
    scan_inbox(tmp_path, state)
    assert scan_inbox(tmp_path, state).ready == [f]
    mark_requested(state, f, "leads-abc")
    assert scan_inbox(tmp_path, state).ready == []
    f.write_text("name\nA\nB\n")  # edited in place: a new upload
    _age(f, 5)
    scan_inbox(tmp_path, state)
    assert scan_inbox(tmp_path, state).ready == [f]


def test_state_forgets_files_that_left_the_inbox(tmp_path: Path) -> None:
    state = new_state()
    f = tmp_path / "leads.csv"
    f.write_text("name\nA\n")
    scan_inbox(tmp_path, state)
    f.unlink()
    scan_inbox(tmp_path, state)
    assert state["seen"] == {} and state["requested"] == {}
