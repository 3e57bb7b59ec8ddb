"""The `website_matches` asset on a Dagster test instance: providers, match cache, metadata."""

from __future__ import annotations

import csv
from pathlib import Path

import dagster as dg
import pytest

from enrichment_pipeline.core.ingest import upload_partition_key
from enrichment_pipeline.core.paths import data_paths
from enrichment_pipeline.core.storage import warehouse
from enrichment_pipeline.core.tables import WEBSITE_MATCHES
from enrichment_pipeline.defs.assets.ingestion import raw_upload, validated_and_rejected_records
from enrichment_pipeline.defs.assets.websites import website_matches
from enrichment_pipeline.defs.io_managers import WarehouseIOManager
from enrichment_pipeline.defs.resources import PipelineSettings, SearchResource, WebResource
from enrichment_pipeline_tests.integration.discovery.conftest import DiscoveryWeb

SCENARIOS = ("csv_ok", "search_only", "csv_dead_found", "twin_only", "no_website")


def _write_csv(path: Path, dweb: DiscoveryWeb) -> list[str | None]:
    """A CSV with a few businesses of each scenario; returns their expected site keys."""
    chosen = [
        case
        for scenario in SCENARIOS
        for case in [c for c in dweb.world.cases if c.scenario == scenario][:3]
        if case.business.style != "jsrendered"
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(
            handle, ["Business Name", "Address", "City", "State", "Zip", "Phone", "Website"]
        )
        writer.writeheader()
        for case in chosen:
            row = case.csv_row()
            writer.writerow(
                {
                    "Business Name": row["name"],
                    "Address": row["address"],
                    "City": row["city"],
                    "State": row["state"],
                    "Zip": row["zip"],
                    "Phone": row["phone"],
                    "Website": row["website"],
                }
            )
    return [case.expected for case in chosen]


def _materialize(
    data_dir: Path, source: Path, dweb: DiscoveryWeb, instance
) -> dg.ExecuteInProcessResult:
    key = upload_partition_key(source)
    instance.add_dynamic_partitions("uploads", [key])
    host_map = dweb.web.write_host_map(data_dir / "hosts.json")
    settings = dweb.apis.settings()
    return dg.materialize(
        [raw_upload, validated_and_rejected_records, website_matches],
        partition_key=key,
        instance=instance,
        resources={
            "io_manager": WarehouseIOManager(data_dir=str(data_dir)),
            "settings": PipelineSettings(data_dir=str(data_dir)),
            "web": WebResource(host_map_file=str(host_map), host_delay_s=0.05),
            "search": SearchResource(**settings, brave_min_interval_s=0.0),
        },
        run_config={"ops": {"raw_upload": {"config": {"source_path": str(source)}}}},
    )


def _metadata(result: dg.ExecuteInProcessResult) -> dict[str, object]:
    event = next(
        e
        for e in result.get_asset_materialization_events()
        if e.asset_key == dg.AssetKey("website_matches")
    )
    return {k: v.value for k, v in event.materialization.metadata.items()}


@pytest.mark.slow
def test_website_matches_asset_with_search_and_the_match_cache(
    dweb: DiscoveryWeb, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    data_paths(data_dir).ensure()
    first_file = tmp_path / "dealers.csv"
    expected = _write_csv(first_file, dweb)
    with dg.instance_for_test() as instance:
        first = _materialize(data_dir, first_file, dweb, instance)
        meta = _metadata(first)
        assert meta["search_providers"] == "searxng, brave, google"
        assert meta["businesses"] == len(expected)
        assert meta["matched"] == sum(e is not None for e in expected)
        assert meta["from_match_cache"] == 0 and meta["pages_fetched"] > 0
        with warehouse.connect(data_paths(data_dir).warehouse) as con:
            key = upload_partition_key(first_file)
            rows = warehouse.read_partition(con, WEBSITE_MATCHES, key)
        assert list(rows.columns) == WEBSITE_MATCHES.column_names
        by_status = rows["status"].value_counts().to_dict()
        assert by_status.get("matched") == meta["matched"]
        assert set(rows["source"].dropna()) <= {"csv", "searxng", "brave", "google", "guess"}

        # The same businesses in another upload: answered from the match cache, no fetches.
        second_file = tmp_path / "dealers-again.csv"
        second_file.write_text(first_file.read_text() + "\n", encoding="utf-8")
        second = _materialize(data_dir, second_file, dweb, instance)
        again = _metadata(second)
        assert again["from_match_cache"] == len(expected)
        assert again["pages_fetched"] == 0
        assert again["matched"] == meta["matched"]
