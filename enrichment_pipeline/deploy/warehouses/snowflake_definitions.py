"""The same pipeline with every table in Snowflake instead of the local DuckDB file.

    pip install -e '.[snowflake]'
    dagster dev -m enrichment_pipeline.deploy.warehouses.snowflake_definitions

Only the `io_manager` resource changes: the assets, checks, sensor and schedules are the ones
in `enrichment_pipeline.definitions`, untouched. Each asset declares
`partition_expr: upload_id`, which the Snowflake I/O manager uses to replace one upload's rows.
Connection settings come from SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_PASSWORD,
SNOWFLAKE_WAREHOUSE, SNOWFLAKE_DATABASE (schema ENRICH_SNOWFLAKE_SCHEMA, default `enrichment`).
Caches (pages, robots, matches, model answers) stay in SQLite under ENRICH_DATA_DIR: put that on
a volume every run can reach (see README "Beyond one machine").
"""

from __future__ import annotations

import os

import dagster as dg
from dagster_snowflake_pandas import SnowflakePandasIOManager

from enrichment_pipeline import definitions as base

io_manager = SnowflakePandasIOManager(
    account=dg.EnvVar("SNOWFLAKE_ACCOUNT"),
    user=dg.EnvVar("SNOWFLAKE_USER"),
    password=dg.EnvVar("SNOWFLAKE_PASSWORD"),
    warehouse=dg.EnvVar("SNOWFLAKE_WAREHOUSE"),
    database=dg.EnvVar("SNOWFLAKE_DATABASE"),
    schema=os.environ.get("ENRICH_SNOWFLAKE_SCHEMA", "enrichment"),
)

defs = base.build_definitions(io_manager=io_manager)
