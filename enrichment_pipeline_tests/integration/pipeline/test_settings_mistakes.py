"""A settings mistake met inside a run (the UI's path: no CLI preflight) fails its step once,
with the reason, and the command line's failure line shows that reason, not Dagster's wrapper."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from enrichment_pipeline.core.ingest import upload_partition_key
from enrichment_pipeline.core.paths import data_paths
from enrichment_pipeline.definitions import ASSETS
from enrichment_pipeline.defs.io_managers import WarehouseIOManager
from enrichment_pipeline.defs.resources import (
    PipelineSettings,
    SearchResource,
    WebResource,
    WriterResource,
)
from enrichment_pipeline.runner import _failure
from enrichment_pipeline_tests.integration.pipeline.helpers import write_csv


def test_a_missing_host_map_fails_website_matches_once(tmp_path: Path, fixture_web) -> None:
    data_dir = tmp_path / "data"
    data_paths(data_dir).ensure()
    source = write_csv(tmp_path / "leads.csv", fixture_web.generated[:2])
    key = upload_partition_key(source)
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("uploads", [key])
        result = dg.materialize(
            ASSETS,
            partition_key=key,
            instance=instance,
            resources={
                "io_manager": WarehouseIOManager(data_dir=str(data_dir)),
                "settings": PipelineSettings(data_dir=str(data_dir)),
                "web": WebResource(host_map_file=str(tmp_path / "missing-hosts.json")),
                "search": SearchResource(),
                "writer": WriterResource(),
            },
            run_config={"ops": {"raw_upload": {"config": {"source_path": str(source)}}}},
            raise_on_error=False,
        )
    assert not result.success
    types = [e.event_type_value for e in result.all_events if e.step_key == "website_matches"]
    assert types.count("STEP_FAILURE") == 1 and "STEP_UP_FOR_RETRY" not in types
    message, bad_file = _failure(result)
    assert message.startswith("website_matches: ") and not bad_file
    assert "ENRICH_HOST_MAP" in message and "missing-hosts.json" in message
    assert "max_retries" not in message
