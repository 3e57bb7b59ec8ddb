"""The one Definitions object: what `dagster dev`, the CLI and the tests load."""

from __future__ import annotations

import os

import dagster as dg

from enrichment_pipeline.defs.assets.contacts import scraped_contacts
from enrichment_pipeline.defs.assets.emails import generated_emails
from enrichment_pipeline.defs.assets.export import enriched_export
from enrichment_pipeline.defs.assets.ingestion import raw_upload, validated_and_rejected_records
from enrichment_pipeline.defs.assets.websites import website_matches
from enrichment_pipeline.defs.checks import enrichment_checks, export_checks, ingestion_checks
from enrichment_pipeline.defs.io_managers import WarehouseIOManager
from enrichment_pipeline.defs.jobs import enrich_upload_job, refresh_job
from enrichment_pipeline.defs.resources import (
    PipelineSettings,
    SearchResource,
    WebResource,
    WriterResource,
)
from enrichment_pipeline.defs.schedules import catch_up, refresh
from enrichment_pipeline.defs.sensors import inbox_sensor

ASSETS = [
    raw_upload,
    validated_and_rejected_records,
    website_matches,
    scraped_contacts,
    generated_emails,
    enriched_export,
]
CHECKS = dg.load_asset_checks_from_modules([ingestion_checks, enrichment_checks, export_checks])


def _env(name: str, default=None):
    """dg.EnvVar when the variable is set (the UI then shows its name, never a secret's value),
    otherwise the default: every setting is optional so `make run` works with no keys."""
    return dg.EnvVar(name) if os.environ.get(name) else default


def _env_int(name: str, default: int):
    return dg.EnvVar.int(name) if os.environ.get(name) else default


def build_resources() -> dict[str, object]:
    data_dir = _env("ENRICH_DATA_DIR", "data")
    return {
        "io_manager": WarehouseIOManager(
            data_dir=data_dir, duckdb_database=_env("ENRICH_WAREHOUSE")
        ),
        "settings": PipelineSettings(
            data_dir=data_dir,
            max_upload_mb=_env_int("ENRICH_MAX_UPLOAD_MB", 50),
            max_rows=_env_int("ENRICH_MAX_ROWS", 100_000),
            column_map=_env("ENRICH_COLUMN_MAP", "{}"),
        ),
        "web": WebResource(host_map_file=_env("ENRICH_HOST_MAP"), chromium=_env("ENRICH_CHROMIUM")),
        "search": SearchResource(
            searxng_url=_env("SEARXNG_URL"),
            brave_api_key=_env("BRAVE_API_KEY"),
            google_api_key=_env("GOOGLE_API_KEY"),
            google_cse_id=_env("GOOGLE_CSE_ID"),
        ),
        "writer": WriterResource(
            provider=_env("LLM_PROVIDER", "template"),
            base_url=_env("LLM_BASE_URL"),
            api_key=_env("LLM_API_KEY") or _env("OPENAI_API_KEY"),
            model=_env("LLM_MODEL"),
        ),
    }


def build_definitions(io_manager: dg.ConfigurableIOManager | None = None) -> dg.Definitions:
    """The pipeline's Definitions; `io_manager` swaps where the tables live (Snowflake,
    BigQuery: see deploy/warehouses/) with every asset, check, sensor and schedule unchanged."""
    resources = build_resources()
    if io_manager is not None:
        resources["io_manager"] = io_manager
    return dg.Definitions(
        assets=ASSETS,
        asset_checks=CHECKS,
        jobs=[enrich_upload_job, refresh_job],
        sensors=[inbox_sensor],
        schedules=[catch_up, refresh],
        resources=resources,
        executor=dg.in_process_executor,
    )


defs = build_definitions()
