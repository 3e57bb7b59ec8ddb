"""Partitioned tables in one DuckDB file, written safely.

Why not the stock dagster-duckdb-pandas I/O manager: it inserts columns by position (an all-text
frame in another column order silently swaps data), deletes and inserts in separate transactions,
skips empty frames after the delete (a first empty partition never creates the table; a rerun that
yields nothing wipes the partition) and retries locks silently. Here every write is one transaction
that inserts by column name into a table created from a declared schema, empty partitions are
ordinary writes, and lock waits are reported to the caller.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

PARTITION_COLUMN = "upload_id"
# DuckDB database strings that name a service, not a local file (MotherDuck).
REMOTE_PREFIXES = ("md:", "motherduck:")

LockWaitCallback = Callable[[float, str], None]


class WarehouseLockTimeout(RuntimeError):
    """The DuckDB file stayed locked by another process for longer than the allowed wait."""


class SchemaMismatch(ValueError):
    """A frame does not have exactly the declared columns of its table."""


@dataclass(frozen=True)
class TableSpec:
    """A declared table: ordered (column, DuckDB type) pairs plus the partition column first."""

    name: str
    columns: tuple[tuple[str, str], ...]
    order_by: tuple[str, ...] = ()
    descriptions: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    @property
    def column_names(self) -> list[str]:
        return [name for name, _ in self.columns]

    def create_sql(self) -> str:
        cols = ", ".join(f'"{name}" {sql_type}' for name, sql_type in self.columns)
        return f'CREATE TABLE IF NOT EXISTS "{self.name}" ({cols})'


def spec(
    name: str,
    columns: Sequence[tuple[str, str] | tuple[str, str, str]],
    order_by: Sequence[str] = (),
) -> TableSpec:
    """Build a TableSpec; the partition column is prepended. Triples carry a description."""
    cols: list[tuple[str, str]] = [(PARTITION_COLUMN, "VARCHAR")]
    descriptions = {PARTITION_COLUMN: "Upload partition key: file stem + content hash."}
    for column in columns:
        cols.append((column[0], column[1]))
        if len(column) == 3:
            descriptions[column[0]] = column[2]  # type: ignore[misc]
    return TableSpec(name, tuple(cols), tuple(order_by), descriptions)


@contextmanager
def connect(
    path: str | Path,
    *,
    timeout_s: float = 600.0,
    on_wait: LockWaitCallback | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse for a short read/write, waiting for another process's lock.

    DuckDB lets one process at a time open a file. Runs keep connections for milliseconds, so
    a run that finds the file locked waits with jittered backoff (reported through `on_wait`)
    instead of failing; the connection is always closed, even after an error, so a failed write
    cannot keep the file locked until garbage collection.
    """
    if str(path).startswith(REMOTE_PREFIXES):
        target = str(path)  # MotherDuck: a service, no local file and no file lock
    else:
        local = Path(path)
        local.parent.mkdir(parents=True, exist_ok=True)
        target = str(local)
    deadline = time.monotonic() + timeout_s
    delay = 0.02
    waited = 0.0
    while True:
        try:
            con = duckdb.connect(target)
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                raise WarehouseLockTimeout(
                    f"{target} stayed locked by another process for {waited:.0f}s: {exc}"
                ) from exc
            sleep_for = min(delay, max(deadline - time.monotonic(), 0.0)) * random.uniform(0.5, 1)
            time.sleep(sleep_for)
            waited += sleep_for
            if on_wait is not None:
                on_wait(waited, str(exc).splitlines()[0])
            delay = min(delay * 2, 1.0)
    try:
        yield con
    finally:
        con.close()


def ensure_table(con: duckdb.DuckDBPyConnection, table: TableSpec) -> None:
    """Create the table from its declared schema; add columns declared since it was created."""
    con.execute(table.create_sql())
    existing = {
        row[0]
        for row in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?",
            [table.name],
        ).fetchall()
    }
    for name, sql_type in table.columns:
        if name not in existing:
            con.execute(f'ALTER TABLE "{table.name}" ADD COLUMN "{name}" {sql_type}')


def conform(frame: pd.DataFrame, table: TableSpec, partition_key: str) -> pd.DataFrame:
    """Check a frame against the declared columns and return it in declared order.

    Extra or missing columns are an error: silently dropping or NULL-filling them is how data
    goes missing without anyone noticing.
    """
    declared = table.column_names
    present = [c for c in frame.columns if c != PARTITION_COLUMN]
    missing = [c for c in declared if c != PARTITION_COLUMN and c not in frame.columns]
    extra = [c for c in present if c not in declared]
    if missing or extra:
        raise SchemaMismatch(
            f"frame for table {table.name!r} does not match its schema: "
            f"missing columns {missing}, unexpected columns {extra}"
        )
    out = frame.copy()
    if PARTITION_COLUMN in out.columns and not (out[PARTITION_COLUMN] == partition_key).all():
        raise SchemaMismatch(f"rows of {table.name!r} belong to another partition")
    out[PARTITION_COLUMN] = partition_key
    return out[declared]


def write_partition(
    con: duckdb.DuckDBPyConnection,
    table: TableSpec,
    partition_key: str,
    frame: pd.DataFrame,
) -> int:
    """Replace one partition atomically: delete + insert by column name in one transaction."""
    data = conform(frame, table, partition_key)
    ensure_table(con, table)
    quoted = ", ".join(f'"{c}"' for c in table.column_names)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f'DELETE FROM "{table.name}" WHERE "{PARTITION_COLUMN}" = ?', [partition_key])
        if len(data):
            con.register("_partition_frame", data)
            try:
                con.execute(
                    f'INSERT INTO "{table.name}" ({quoted}) SELECT {quoted} FROM _partition_frame'
                )
            finally:
                con.unregister("_partition_frame")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return len(data)


def read_partition(
    con: duckdb.DuckDBPyConnection, table: TableSpec, partition_key: str
) -> pd.DataFrame:
    """Read one partition in declared column order (an empty frame when nothing is stored)."""
    ensure_table(con, table)
    quoted = ", ".join(f'"{c}"' for c in table.column_names)
    order = ", ".join(f'"{c}"' for c in table.order_by) or "rowid"
    frame = con.execute(
        f'SELECT {quoted} FROM "{table.name}" WHERE "{PARTITION_COLUMN}" = ? ORDER BY {order}',
        [partition_key],
    ).df()
    return frame


def partition_keys(con: duckdb.DuckDBPyConnection, table: TableSpec) -> list[str]:
    ensure_table(con, table)
    rows = con.execute(
        f'SELECT DISTINCT "{PARTITION_COLUMN}" FROM "{table.name}" ORDER BY 1'
    ).fetchall()
    return [r[0] for r in rows]
