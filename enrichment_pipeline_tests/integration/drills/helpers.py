"""Shared pieces of the reliability drills: the CLI as a real process, warehouse audits."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import duckdb

from enrichment_pipeline.core.tables import TABLES

REPO = Path(__file__).resolve().parents[3]
CLI = [sys.executable, "-m", "enrichment_pipeline.cli"]


def cli_env(data_dir: Path, host_map: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment of a CLI run: our variables only (none leak in from the shell)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ENRICH_", "LLM_"))}
    env.update(ENRICH_DATA_DIR=str(data_dir), PYTHONPATH=str(REPO))
    env.pop("DAGSTER_HOME", None)
    if host_map is not None:
        env["ENRICH_HOST_MAP"] = str(host_map)
    env.update(extra)
    return env


def start_cli(args: list[str], env: Mapping[str, str]) -> subprocess.Popen[str]:
    """`enrichment-pipeline ARGS` in its own session, so the whole tree can be killed."""
    return subprocess.Popen(
        [*CLI, *args],
        env=dict(env),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def run_cli(
    args: list[str], env: Mapping[str, str], timeout_s: float = 600
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=dict(env), cwd=REPO, capture_output=True, text=True, timeout=timeout_s
    )


def id_column(table: str) -> str | None:
    names = TABLES[table].column_names
    for candidate in ("record_id", "row_number"):
        if candidate in names:
            return candidate
    return None


def audit_warehouse(path: Path) -> dict[str, dict[str, int]]:
    """Open the DuckDB file read-write (it must not be corrupt) and count rows and duplicates.

    Returns {table: {"rows": n, "duplicates": rows beyond the first per (upload, id)}} for every
    table present; a table without an id column counts one row per upload as the key.
    """
    report: dict[str, dict[str, int]] = {}
    con = duckdb.connect(str(path))
    try:
        present = {
            row[0]
            for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        for table in TABLES:
            if table not in present:
                continue
            column = id_column(table)
            key = f"upload_id, {column}" if column else "upload_id"
            rows, distinct = con.execute(
                f"SELECT count(*), (SELECT count(*) FROM (SELECT DISTINCT {key} FROM {table}))"
                f" FROM {table}"
            ).fetchone()
            report[table] = {"rows": int(rows), "duplicates": int(rows) - int(distinct)}
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return report
