"""The same pipeline with every table in BigQuery instead of the local DuckDB file.

    pip install -e '.[bigquery]'
    dagster dev -m enrichment_pipeline.deploy.warehouses.bigquery_definitions

Only the `io_manager` resource changes (assets, checks, sensor and schedules are untouched);
`partition_expr: upload_id` on every asset tells the I/O manager which rows one upload owns.
Settings: GCP_PROJECT, ENRICH_BIGQUERY_DATASET (default `enrichment`), BIGQUERY_LOCATION
(optional); credentials the usual Google way (GOOGLE_APPLICATION_CREDENTIALS or workload
identity).
"""

from __future__ import annotations

import os

import dagster as dg
from dagster_gcp_pandas import BigQueryPandasIOManager

from enrichment_pipeline import definitions as base

io_manager = BigQueryPandasIOManager(
    project=dg.EnvVar("GCP_PROJECT"),
    dataset=os.environ.get("ENRICH_BIGQUERY_DATASET", "enrichment"),
    location=os.environ.get("BIGQUERY_LOCATION") or None,
)

defs = base.build_definitions(io_manager=io_manager)
