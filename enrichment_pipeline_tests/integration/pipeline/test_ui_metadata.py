"""What the UI shows after a run: row counts, rates, the funnel, the report link, the run's
warnings, all consistent with the files written."""

from __future__ import annotations

import csv
from pathlib import Path

import dagster as dg
import pytest

from enrichment_pipeline.core.ingest import upload_partition_key
from enrichment_pipeline_tests.integration.pipeline.helpers import materialize_upload, write_csv

pytestmark = pytest.mark.slow


def _meta(result: dg.ExecuteInProcessResult, asset: str) -> dict[str, object]:
    [event] = [
        e for e in result.get_asset_materialization_events() if e.asset_key == dg.AssetKey(asset)
    ]
    return {k: v.value for k, v in event.materialization.metadata.items()}


def test_materialisation_metadata_matches_the_files(tmp_path: Path, fixture_web) -> None:
    businesses = [b for b in fixture_web.generated if b.has_live_site][:6]
    source = write_csv(
        tmp_path / "Six Dealers.csv",
        businesses,
        extra_rows=[{"Business Name": "", "Phone": "(352) 555-0100"}],
    )
    key = upload_partition_key(source)
    data_dir = tmp_path / "data"
    with dg.instance_for_test() as instance:
        result = materialize_upload(data_dir, key, source, fixture_web, instance)
    assert result.success

    assert _meta(result, "raw_upload")["dagster/row_count"] == 7
    assert _meta(result, "validated_records")["dagster/row_count"] == 6
    assert _meta(result, "rejected_records")["dagster/row_count"] == 1
    assert _meta(result, "scraped_contacts")["dagster/row_count"] == 6
    assert _meta(result, "generated_emails")["dagster/row_count"] == 6

    export = _meta(result, "enriched_export")
    outbox = data_dir / "outbox"
    report = Path(str(export["report"]))
    assert report == outbox / "Six Dealers.report.html" and report.exists()
    with (outbox / "Six Dealers.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    # The export's counts are the CSV's counts.
    assert export["rows_with_website"] == sum(1 for r in rows if r["website"])
    assert export["rows_with_email"] == sum(1 for r in rows if r["primary_email"])
    assert export["rows_ready_to_send"] == sum(
        1 for r in rows if r["primary_email"] and r["email_body"]
    )
    assert export["writers"] == {"template": 6} and export["model_calls"] == 0
    funnel = str(export["funnel"])
    assert "| rows in your file | 7 | 100% |" in funnel
    assert f"| website verified | {export['rows_with_website']} |" in funnel
    # The one rejected row is named, with its reason, on the rejected-rows check.
    [rejection] = [
        c for c in result.get_asset_check_evaluations() if c.check_name == "rejection_rate"
    ]
    assert "1 of 7 rows" in rejection.description
    assert "missing business name" in rejection.metadata["rejected_rows"].value
