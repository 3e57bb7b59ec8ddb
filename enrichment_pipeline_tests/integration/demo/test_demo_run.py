"""`make demo` end to end: the demo web process, the real CLI, the outputs a newcomer sees."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from enrichment_pipeline_tests.fixtures.demo.__main__ import main
from enrichment_pipeline_tests.fixtures.demo.runner import SAMPLE
from enrichment_pipeline_tests.fixtures.demo.world import demo_businesses

pytestmark = pytest.mark.slow


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_make_demo_enriches_the_sample_offline(tmp_path: Path, capsys) -> None:
    data_dir = tmp_path / "demo"
    assert main(["--data-dir", str(data_dir)]) == 0
    printed = capsys.readouterr().out
    outbox = data_dir / "outbox"
    stem = SAMPLE.stem
    enriched = _read(outbox / f"{stem}.csv")
    rejected = _read(outbox / f"{stem}.rejected.csv")
    with SAMPLE.open(encoding="utf-8-sig", newline="") as handle:
        sample_rows = list(csv.DictReader(handle))
    assert len(enriched) + len(rejected) == len(sample_rows)

    truth = {b.name: b for b in demo_businesses()}
    ok = [r for r in enriched if r["status"] == "ok"]
    # Every business whose file names a demo site is found (Lake Nona's site needs a browser to
    # show its phone; it may or may not verify, so it is not required).
    required = {
        r["Dealer Name"]
        for r in sample_rows
        if ".example" in r["Website"]
        and "@" not in r["Website"]
        and "Lake Nona" not in r["Dealer Name"]
    }
    assert required <= {r["Dealer Name"] for r in ok}
    for row in ok:
        business = truth[row["Dealer Name"]]
        assert row["website"] == business.website  # never someone else's site
        known = {e.address for e in business.emails}
        assert row["primary_email"] in known
        assert set(row["emails"].split("; ")) <= known
        assert row["owner_name"] == business.owner.name
        assert row["subject_1"] and row["email_body"] and row["writer"] == "template"

    report = (outbox / f"{stem}.report.html").read_text(encoding="utf-8")
    with_site = sum(1 for r in enriched if r["website"])
    with_email = sum(1 for r in enriched if r["primary_email"])
    # The report's funnel agrees with counts taken from the CSV itself.
    for label, count in (("website verified", with_site), ("email address found", with_email)):
        assert re.search(rf"<td>{label}</td><td class=\"n\">{count}</td>", report), label
    assert "<script" not in report and report.count("<svg") == 2

    assert "Open the report:" in printed and str(outbox / f"{stem}.report.html") in printed
    assert f"ENRICH_DATA_DIR={data_dir.resolve()}" in printed
    # The run is recorded for the Dagster UI in the demo's own instance folder.
    assert any((data_dir / "dagster_home").iterdir())
