"""The warehouse writer, including regressions for each defect of the stock DuckDB I/O manager."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from enrichment_pipeline.core.storage import warehouse
from enrichment_pipeline.core.storage.warehouse import SchemaMismatch, WarehouseLockTimeout, spec

PEOPLE = spec(
    "people",
    [("row_number", "BIGINT"), ("first", "VARCHAR"), ("last", "VARCHAR"), ("city", "VARCHAR")],
    order_by=("row_number",),
)


def _frame(rows: list[tuple[int, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["row_number", "first", "last", "city"])


def _write(db: Path, key: str, frame: pd.DataFrame, table=PEOPLE) -> int:
    with warehouse.connect(db) as con:
        return warehouse.write_partition(con, table, key, frame)


def _read(db: Path, key: str, table=PEOPLE) -> pd.DataFrame:
    with warehouse.connect(db) as con:
        return warehouse.read_partition(con, table, key)


def test_columns_are_matched_by_name_not_position(tmp_path: Path) -> None:
    # All-text frames in another column order: the stock I/O manager swaps the data silently.
    db = tmp_path / "w.duckdb"
    shuffled = _frame([(1, "Ada", "Lovelace", "Tampa")])[["city", "last", "row_number", "first"]]
    _write(db, "u1", shuffled)
    back = _read(db, "u1")
    assert back.loc[0, ["first", "last", "city"]].tolist() == ["Ada", "Lovelace", "Tampa"]
    assert list(back.columns) == PEOPLE.column_names


def test_rerun_replaces_partition_and_leaves_others(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    _write(db, "u1", _frame([(1, "A", "B", "C"), (2, "D", "E", "F")]))
    _write(db, "u2", _frame([(1, "X", "Y", "Z")]))
    _write(db, "u1", _frame([(1, "A2", "B2", "C2")]))
    assert _read(db, "u1")["first"].tolist() == ["A2"]
    assert _read(db, "u2")["first"].tolist() == ["X"]
    with warehouse.connect(db) as con:
        assert con.execute("SELECT count(*) FROM people").fetchone()[0] == 2


def test_empty_first_partition_creates_the_table(tmp_path: Path) -> None:
    # Stock behaviour: skipped with a warning, table never created, downstream fails.
    db = tmp_path / "w.duckdb"
    assert _write(db, "u1", _frame([])) == 0
    back = _read(db, "u1")
    assert back.empty and list(back.columns) == PEOPLE.column_names
    with warehouse.connect(db) as con:
        assert con.execute("SELECT count(*) FROM people").fetchone()[0] == 0


def test_empty_rerun_is_an_explicit_replace_not_a_skipped_write(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    _write(db, "u1", _frame([(1, "A", "B", "C")]))
    _write(db, "u2", _frame([(1, "X", "Y", "Z")]))
    _write(db, "u1", _frame([]))
    assert _read(db, "u1").empty
    assert len(_read(db, "u2")) == 1


def test_failed_insert_rolls_back_the_delete(tmp_path: Path) -> None:
    # Stock behaviour: delete and insert are separate transactions; a failed insert loses data.
    db = tmp_path / "w.duckdb"
    _write(db, "u1", _frame([(1, "A", "B", "C")]))
    bad = pd.DataFrame(
        {"row_number": ["not a number"], "first": ["x"], "last": ["y"], "city": ["z"]}
    )
    with pytest.raises(duckdb.Error):
        _write(db, "u1", bad)
    assert _read(db, "u1")["first"].tolist() == ["A"]


def test_schema_mismatch_is_refused_before_touching_the_table(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    _write(db, "u1", _frame([(1, "A", "B", "C")]))
    extra = _frame([(2, "D", "E", "F")]).assign(surprise="!")
    with pytest.raises(SchemaMismatch, match="surprise"):
        _write(db, "u1", extra)
    with pytest.raises(SchemaMismatch, match="city"):
        _write(db, "u1", _frame([(2, "D", "E", "F")]).drop(columns=["city"]))
    assert _read(db, "u1")["first"].tolist() == ["A"]


def test_rows_of_another_partition_are_refused(tmp_path: Path) -> None:
    frame = _frame([(1, "A", "B", "C")]).assign(upload_id="other")
    with pytest.raises(SchemaMismatch, match="another partition"):
        _write(tmp_path / "w.duckdb", "u1", frame)


def test_columns_declared_later_are_added(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    _write(db, "u1", _frame([(1, "A", "B", "C")]))
    wider = spec("people", [*[(n, t) for n, t in PEOPLE.columns[1:]], ("zip", "VARCHAR")])
    _write(db, "u2", _frame([(1, "X", "Y", "Z")]).assign(zip="33101"), table=wider)
    assert _read(db, "u2", table=wider)["zip"].tolist() == ["33101"]
    assert _read(db, "u1", table=wider)["zip"].isna().all()


HOLDER = textwrap.dedent(
    """
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1])
    con.execute("CREATE TABLE IF NOT EXISTS hold (x INT)")
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    con.close()
    """
)


def _hold_lock(db: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def test_lock_held_by_another_process_is_waited_for_and_reported(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    holder = _hold_lock(db, 1.5)
    waits: list[float] = []
    started = time.monotonic()
    try:
        _write_with = warehouse.connect(db, timeout_s=30, on_wait=lambda s, _m: waits.append(s))
        with _write_with as con:
            warehouse.write_partition(con, PEOPLE, "u1", _frame([(1, "A", "B", "C")]))
    finally:
        holder.wait(timeout=10)
    assert waits, "the wait for the lock was not reported"
    assert time.monotonic() - started >= 0.5
    assert _read(db, "u1")["first"].tolist() == ["A"]


def test_lock_wait_gives_up_with_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    holder = _hold_lock(db, 3)
    try:
        with (
            pytest.raises(WarehouseLockTimeout, match="locked by another process"),
            warehouse.connect(db, timeout_s=0.5),
        ):
            pass
    finally:
        holder.wait(timeout=10)


def test_connection_is_released_after_a_failed_write(tmp_path: Path) -> None:
    # Stock behaviour: a failed write could leak the connection and keep the file locked.
    db = tmp_path / "w.duckdb"
    with pytest.raises(SchemaMismatch):
        _write(db, "u1", _frame([(1, "A", "B", "C")]).assign(extra=1))
    probe = subprocess.run(
        [sys.executable, "-c", f"import duckdb; duckdb.connect({str(db)!r}).close()"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert probe.returncode == 0, probe.stderr
