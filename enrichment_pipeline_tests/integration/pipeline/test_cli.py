"""The `enrichment-pipeline` command, run as a real subprocess."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from enrichment_pipeline_tests.integration.pipeline.helpers import write_csv

CLI = [sys.executable, "-m", "enrichment_pipeline.cli"]
REPO = Path(__file__).resolve().parents[3]


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # PYTHONPATH: the child imports this checkout's package even when the venv's editable
    # install points at another one (a git worktree sharing the venv).
    pythonpath = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)
    return subprocess.run(
        [*CLI, *args],
        env={**os.environ, "PYTHONPATH": pythonpath, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_help_documents_every_command(tmp_path: Path) -> None:
    top = _run(["--help"], {}, tmp_path)
    assert top.returncode == 0
    assert "run" in top.stdout and "extract" in top.stdout
    run_help = _run(["run", "--help"], {}, tmp_path)
    for flag in ("--out", "--estimate", "--quiet", "--json"):
        assert flag in run_help.stdout


def test_run_writes_the_three_outputs(tmp_path: Path, fixture_web) -> None:
    data_dir = tmp_path / "data"
    businesses = [b for b in fixture_web.generated if b.has_live_site][:5]
    source = write_csv(tmp_path / "leads.csv", businesses)
    host_map = fixture_web.write_host_map(tmp_path / "hosts.json")
    env = {
        "ENRICH_DATA_DIR": str(data_dir),
        "ENRICH_HOST_MAP": str(host_map),
        # A DAGSTER_HOME that does not exist yet: the run is recorded there, as `make run` shows.
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
    }
    out = tmp_path / "out"
    done = _run(["run", str(source), "--out", str(out), "--json"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["ok"] and summary["rows_in"] == 5
    for name in ("leads.csv", "leads.json", "leads.rejected.csv"):
        assert (out / name).exists()
    with (out / "leads.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["Business Name"] for r in rows] == [b.name for b in businesses]
    assert source.exists(), "the user's own file is copied, never moved"
    assert (tmp_path / "dagster_home" / "history" / "runs.db").exists()


def test_a_file_it_cannot_take_exits_2_with_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    env = {"ENRICH_DATA_DIR": str(tmp_path / "data"), "DAGSTER_HOME": ""}
    done = _run(["run", str(empty)], env, tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "empty" in lines[0].lower()
    missing = _run(["run", str(tmp_path / "nope.csv")], {}, tmp_path)
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_extract_prints_the_design_shape(tmp_path: Path) -> None:
    page = tmp_path / "contact.html"
    page.write_text(
        "<html><body><a href='mailto:sales@sunshineford.com'>Email us</a>"
        "<a href='tel:+13526223112'>(352) 622-3112</a>"
        "<a href='https://www.facebook.com/sunshineford'>Facebook</a></body></html>"
    )
    done = _run(
        ["extract", "--url", "https://www.sunshineford.com/contact", str(page)], {}, tmp_path
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == {"emails", "phones", "socials", "people"}
    assert data["emails"] == ["sales@sunshineford.com"]
    assert data["phones"] == ["+13526223112"]
    assert set(data["socials"]) == {
        "facebook",
        "instagram",
        "linkedin",
        "twitter",
        "youtube",
        "tiktok",
    }
    assert data["socials"]["facebook"] == ["https://www.facebook.com/sunshineford"]


def test_a_settings_mistake_stops_before_the_run_with_the_fix(tmp_path: Path, fixture_web) -> None:
    source = write_csv(tmp_path / "leads.csv", fixture_web.generated[:2])
    env = {
        "ENRICH_DATA_DIR": str(tmp_path / "data"),
        "ENRICH_HOST_MAP": str(tmp_path / "missing-hosts.json"),
        "DAGSTER_HOME": "",
    }
    done = _run(["run", str(source), "--quiet"], env, tmp_path)
    assert done.returncode == 3  # configuration: nothing ran
    [line] = done.stderr.strip().splitlines()
    assert "ENRICH_HOST_MAP" in line and "missing-hosts.json" in line and "(fix: " in line
    assert "max_retries" not in line
    assert not list((tmp_path / "data" / "archive").glob("*.csv"))  # the file was not taken
