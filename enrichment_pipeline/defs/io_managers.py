"""The I/O manager that stores every asset as a partition of a DuckDB table.

A thin shell over `core.storage.warehouse`, which fixes the stock DuckDB I/O manager's defects
(positional inserts, non-atomic replace, dropped empty partitions, silent lock waits).
"""

import dagster as dg
import pandas as pd
from pydantic import Field

from enrichment_pipeline.core.paths import data_paths
from enrichment_pipeline.core.storage import warehouse
from enrichment_pipeline.core.tables import TABLES


class WarehouseIOManager(dg.ConfigurableIOManager):
    """Partitioned DuckDB tables, one per asset, replaced per partition in one transaction."""

    data_dir: str = Field(default="data", description="Data directory holding warehouse.duckdb.")
    duckdb_database: str | None = Field(
        default=None,
        description=(
            "ENRICH_WAREHOUSE: another DuckDB database instead of <data_dir>/warehouse.duckdb: "
            "a file path, or a MotherDuck database such as md:enrichment (MOTHERDUCK_TOKEN)."
        ),
    )
    lock_timeout_s: float = Field(default=600, description="Wait this long for another run's lock.")

    @property
    def database(self) -> str:
        return self.duckdb_database or str(data_paths(self.data_dir).warehouse)

    def _table(self, asset_key: dg.AssetKey) -> warehouse.TableSpec:
        name = asset_key.path[-1]
        if name not in TABLES:
            raise KeyError(f"no declared table for asset {name!r}")
        return TABLES[name]

    def _connect(self, log):
        def on_wait(waited: float, message: str) -> None:
            # Waiting is normal when two uploads run at once; say so, but not on every retry.
            if waited > 1 and int(waited) % 5 == 0:
                log.info(f"waiting {waited:.0f}s for the warehouse lock ({message})")

        return warehouse.connect(self.database, timeout_s=self.lock_timeout_s, on_wait=on_wait)

    def handle_output(self, context: dg.OutputContext, obj: pd.DataFrame) -> None:
        table = self._table(context.asset_key)
        key = context.asset_partition_key
        with self._connect(context.log) as con:
            rows = warehouse.write_partition(con, table, key, obj)
        context.add_output_metadata(
            {"table": f"{table.name} (upload_id = {key!r})", "rows_stored": rows}
        )

    def load_input(self, context: dg.InputContext) -> pd.DataFrame:
        table = self._table(context.asset_key)
        key = context.asset_partition_key
        with self._connect(context.log) as con:
            return warehouse.read_partition(con, table, key)
