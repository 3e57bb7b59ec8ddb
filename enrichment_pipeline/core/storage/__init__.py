"""Storage helpers: DuckDB asset tables and the SQLite cache file."""
