"""`make demo` end to end: the demo web process, the real CLI, the outputs a newcomer sees."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from enrichment_pipeline_tests.fixtures.demo.__main__ import main
from enrichment_pipeline_tests.fixtures.demo.runner import SAMPLE
from enrichment_pipeline_tests.fixtures.demo.world import DEMO_BUSINESSES, demo_businesses

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
    assert len(rejected) == 2  # the nameless row and the one with phone '12'

    truth = {b.name: b for b in demo_businesses()}
    by_name = {r["Dealer Name"]: r for r in enriched}
    for spec in DEMO_BUSINESSES:
        row = by_name[spec.name]
        if spec.domain is None or spec.robots is not None:
            # No site, or a site that asks crawlers to stay away: honestly not found.
            assert row["status"] == "no_website" and not row["website"], row
            continue
        # Found, from the file's website column or by the demo's search engine (which ranks a
        # same-named business from another state first), and it is the right site.
        assert row["status"] == "ok", row
        assert row["website"] == truth[spec.name].website
    assert "robots" in by_name["Sunrise Collision & Paint"]["error"]
    sources = {r["website_source"] for r in enriched if r["status"] == "ok"}
    assert sources == {"csv", "searxng"}
    for row in (r for r in enriched if r["status"] == "ok"):
        business = truth[row["Dealer Name"]]
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
