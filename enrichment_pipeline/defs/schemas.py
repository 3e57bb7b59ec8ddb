"""Show each table's declared columns in the UI (Definition tab -> Columns)."""

import dagster as dg

from enrichment_pipeline.core.tables import TABLES


def column_schema(table_name: str) -> dict[str, dg.TableSchema]:
    table = TABLES[table_name]
    return {
        "dagster/column_schema": dg.TableSchema(
            columns=[
                dg.TableColumn(name, sql_type.lower(), description=table.descriptions.get(name))
                for name, sql_type in table.columns
            ]
        ),
        "dagster/table_name": f"warehouse.main.{table_name}",
    }
