"""Where the pipeline keeps its files: one data directory, configurable by ENRICH_DATA_DIR."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DATA_DIR_ENV = "ENRICH_DATA_DIR"


@dataclass(frozen=True)
class DataPaths:
    """The layout of the data directory (inbox, outbox, archive, rejected, stores)."""

    root: Path

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    @property
    def rejected(self) -> Path:
        return self.root / "rejected"

    @property
    def samples(self) -> Path:
        return self.root / "samples"

    @property
    def warehouse(self) -> Path:
        """The DuckDB file holding every asset table."""
        return self.root / "warehouse.duckdb"

    @property
    def cache_db(self) -> Path:
        """SQLite file for the cross-run caches (pages, robots, websites, LLM answers).

        SQLite rather than DuckDB because caches are written continuously while a stage runs and
        by several runs at once; DuckDB allows one writing process per file, SQLite's WAL does not
        block readers and serialises writers in microseconds.
        """
        return self.root / "cache.sqlite3"

    @property
    def sender_profile(self) -> Path:
        return self.root / "sender_profile.toml"

    @property
    def suppression_list(self) -> Path:
        return self.root / "suppression.csv"

    def ensure(self) -> DataPaths:
        for folder in (self.inbox, self.outbox, self.archive, self.rejected):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def data_paths(root: str | os.PathLike[str] | None = None) -> DataPaths:
    """Resolve the data directory: explicit argument, then ENRICH_DATA_DIR, then ./data."""
    chosen = root if root is not None else os.environ.get(DATA_DIR_ENV) or "data"
    return DataPaths(Path(chosen).expanduser().resolve())
