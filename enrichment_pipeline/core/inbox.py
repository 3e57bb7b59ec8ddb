"""Deciding which inbox files are ready: CSV-like, and no longer being written.

A file counts as stable once the same size and modification time have been seen on two scans
and it has not changed for `settle_s` seconds; a copy in progress keeps changing and waits.
The state is a plain dict so the sensor can keep it in its cursor.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from enrichment_pipeline.core.uploads import is_candidate_file


@dataclass
class InboxScan:
    ready: list[Path] = field(default_factory=list)
    waiting: list[Path] = field(default_factory=list)
    newly_ignored: list[Path] = field(default_factory=list)


def new_state() -> dict[str, Any]:
    return {"seen": {}, "requested": {}, "ignored": []}


def scan_inbox(
    inbox: Path, state: dict[str, Any], *, settle_s: float = 2.0, now: float | None = None
) -> InboxScan:
    """Classify inbox files, updating `state` in place (seen sizes, ignored names)."""
    now = time.time() if now is None else now
    scan = InboxScan()
    present: set[str] = set()
    seen: dict[str, list[int]] = state.setdefault("seen", {})
    requested: dict[str, list[Any]] = state.setdefault("requested", {})
    ignored: list[str] = state.setdefault("ignored", [])
    if not inbox.is_dir():
        return scan
    for path in sorted(inbox.iterdir()):
        if not path.is_file() or path.name == ".gitkeep":
            continue
        present.add(path.name)
        if not is_candidate_file(path):
            if path.name not in ignored and not path.name.startswith("."):
                ignored.append(path.name)
                scan.newly_ignored.append(path)
            continue
        stat = path.stat()
        signature = [stat.st_size, stat.st_mtime_ns]
        previous_request = requested.get(path.name)
        if previous_request is not None and previous_request[:2] == signature:
            continue  # a run was already requested for exactly this file
        if seen.get(path.name) == signature and now - stat.st_mtime >= settle_s:
            scan.ready.append(path)
        else:
            seen[path.name] = signature
            scan.waiting.append(path)
    # Forget files that left the inbox so the state stays small.
    for table in (seen, requested):
        for name in [n for n in table if n not in present]:
            del table[name]
    state["ignored"] = [n for n in ignored if n in present]
    return scan


def mark_requested(state: dict[str, Any], path: Path, key: str) -> None:
    stat = path.stat()
    state.setdefault("requested", {})[path.name] = [stat.st_size, stat.st_mtime_ns, key]
    state.setdefault("seen", {}).pop(path.name, None)
