"""Where the tables live: the local DuckDB file, another DuckDB database, or another I/O manager."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd

from enrichment_pipeline.core.storage import warehouse
from enrichment_pipeline.core.tables import TABLES
from enrichment_pipeline.definitions import build_definitions, defs
from enrichment_pipeline.defs.io_managers import WarehouseIOManager


def test_enrich_warehouse_points_the_io_manager_at_another_database(tmp_path: Path) -> None:
    local = WarehouseIOManager(data_dir=str(tmp_path / "data"))
    assert local.database == str(tmp_path / "data" / "warehouse.duckdb")
    elsewhere = tmp_path / "shared" / "team.duckdb"
    moved = WarehouseIOManager(data_dir=str(tmp_path / "data"), duckdb_database=str(elsewhere))
    assert moved.database == str(elsewhere)
    table = TABLES["enriched_export"]
    frame = pd.DataFrame([{c: None for c in table.column_names if c != "upload_id"}])
    with warehouse.connect(moved.database) as con:
        warehouse.ensure_table(con, table)
        warehouse.write_partition(con, table, "u-1", frame)
    assert not (tmp_path / "data" / "warehouse.duckdb").exists()
    con = duckdb.connect(str(elsewhere), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM enriched_export").fetchone() == (1,)
    finally:
        con.close()


def test_build_definitions_swaps_only_the_io_manager() -> None:
    class Elsewhere(dg.ConfigurableIOManager):
        def handle_output(self, context: dg.OutputContext, obj: object) -> None: ...

        def load_input(self, context: dg.InputContext) -> object: ...

    swapped = build_definitions(io_manager=Elsewhere())
    assert isinstance(swapped.resources["io_manager"], Elsewhere)
    assert set(swapped.resources) == set(defs.resources)
    graph = {k.to_user_string() for k in swapped.resolve_asset_graph().get_all_asset_keys()}
    assert graph == {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
