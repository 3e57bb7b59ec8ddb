"""The whole graph materialised on a test instance against the loopback fixture web."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import dagster as dg

from enrichment_pipeline.core.ingest import upload_partition_key
from enrichment_pipeline.core.paths import data_paths
from enrichment_pipeline.core.storage import warehouse
from enrichment_pipeline.core.tables import TABLES
from enrichment_pipeline_tests.integration.pipeline.helpers import materialize_upload, write_csv


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _row_counts(data_dir: Path, key: str) -> dict[str, int]:
    with warehouse.connect(data_paths(data_dir).warehouse) as con:
        return {
            name: len(warehouse.read_partition(con, spec, key)) for name, spec in TABLES.items()
        }


def test_a_file_flows_from_upload_to_outbox(tmp_path: Path, fixture_web) -> None:
    data_dir = tmp_path / "data"
    businesses = [b for b in fixture_web.generated if b.has_live_site][:12]
    source = write_csv(
        tmp_path / "Florida Dealers.csv",
        businesses,
        extra_rows=[
            {"Business Name": "", "Phone": "(352) 555-0100"},  # rejected: no name
            businesses[0].csv_row(),
        ],  # a duplicate of the first row
    )
    key = upload_partition_key(source)
    with dg.instance_for_test() as instance:
        result = materialize_upload(data_dir, key, source, fixture_web, instance)
        assert result.success, [e.message for e in result.all_events if e.is_failure]
        failed = [
            c
            for c in result.get_asset_check_evaluations()
            if not c.passed and c.severity == dg.AssetCheckSeverity.ERROR
        ]
        assert not failed, failed

        outbox = data_dir / "outbox"
        enriched = _read(outbox / "Florida Dealers.csv")
        rejected = _read(outbox / "Florida Dealers.rejected.csv")
        assert len(enriched) + len(rejected) == len(businesses) + 2
        assert [r["status"] for r in enriched].count("duplicate") == 1
        ok = [r for r in enriched if r["status"] == "ok"]
        truth = {b.name: b for b in businesses}
        matched_right = sum(1 for r in ok if r["website"] == truth[r["Business Name"]].website)
        assert matched_right >= 0.9 * len(businesses)
        with_email = [r for r in ok if r["primary_email"]]
        assert len(with_email) >= 0.8 * len(ok)
        for row in with_email:
            known = {e.address for e in truth[row["Business Name"]].emails}
            assert row["primary_email"] in known
        assert all(r["subject_1"] and r["email_body"] for r in ok)
        assert json.loads(ok[0]["sources"])["website"]["url"] == ok[0]["website"]

        # A rerun replaces every partition's rows and fetches nothing: the page cache answers.
        counts = _row_counts(data_dir, key)
        requests_before = len(fixture_web.log)
        again = materialize_upload(data_dir, key, source, fixture_web, instance)
        assert again.success
        assert _row_counts(data_dir, key) == counts
        assert len(fixture_web.log) == requests_before

        # A refresh (max age 0, as the nightly schedule asks for stale data) fetches again.
        fresh = {"config": {"max_age_days": 0.0}}
        refreshed = materialize_upload(
            data_dir, key, source, fixture_web, instance,
            ops={"website_matches": fresh, "scraped_contacts": fresh},
        )  # fmt: skip
        assert refreshed.success
        assert len(fixture_web.log) > requests_before
        assert _row_counts(data_dir, key) == counts
