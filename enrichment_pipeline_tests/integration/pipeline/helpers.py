"""Shared set-up for whole-pipeline tests: data dir, CSV of fixture-web businesses, resources."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import dagster as dg

from enrichment_pipeline.core.paths import data_paths
from enrichment_pipeline.definitions import ASSETS, CHECKS
from enrichment_pipeline.defs.io_managers import WarehouseIOManager
from enrichment_pipeline.defs.resources import (
    PipelineSettings,
    SearchResource,
    WebResource,
    WriterResource,
)
from enrichment_pipeline_tests.fixtures.web.business import Business
from enrichment_pipeline_tests.fixtures.web.server import FixtureWeb


def write_csv(
    path: Path,
    businesses: Sequence[Business],
    *,
    with_website: bool = True,
    extra_rows: Sequence[dict[str, str]] = (),
) -> Path:
    rows = [b.csv_row(with_website=with_website) for b in businesses]
    fieldnames = list(rows[0].keys()) if rows else ["Business Name"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)
        for extra in extra_rows:
            writer.writerow({k: extra.get(k, "") for k in fieldnames})
    return path


def pipeline_resources(data_dir: Path, web: FixtureWeb) -> dict[str, object]:
    host_map = web.write_host_map(data_dir / "hosts.json")
    return {
        "io_manager": WarehouseIOManager(data_dir=str(data_dir)),
        "settings": PipelineSettings(data_dir=str(data_dir)),
        "web": WebResource(host_map_file=str(host_map), host_delay_s=0.05),
        "search": SearchResource(),
        "writer": WriterResource(),
    }


def materialize_upload(
    data_dir: Path,
    key: str,
    source: Path,
    web: FixtureWeb,
    instance: dg.DagsterInstance,
    ops: dict[str, object] | None = None,
) -> dg.ExecuteInProcessResult:
    data_paths(data_dir).ensure()
    if not instance.has_dynamic_partition("uploads", key):
        instance.add_dynamic_partitions("uploads", [key])
    return dg.materialize(
        [*ASSETS, *CHECKS],
        partition_key=key,
        instance=instance,
        resources=pipeline_resources(data_dir, web),
        run_config={"ops": {"raw_upload": {"config": {"source_path": str(source)}}, **(ops or {})}},
        raise_on_error=False,
    )
