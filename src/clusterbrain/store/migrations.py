"""Schema versions and forward migrations of a workspace file.

Each entry of ``MIGRATIONS`` takes a workspace from version ``n - 1`` to ``n``. A new
schema version appends an entry; entries are never edited once released, so any older
workspace can be brought forward step by step.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from clusterbrain.store.schema import FIRM_NODES_DDL, SCHEMA_VERSION, ddl

__all__ = ["MIGRATIONS", "migrate"]


def _initial(con: duckdb.DuckDBPyConnection) -> None:
    for statement in ddl():
        con.execute(statement)


def _firm_nodes(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(FIRM_NODES_DDL)


MIGRATIONS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {1: _initial, 2: _firm_nodes}


def migrate(con: duckdb.DuckDBPyConnection, from_version: int) -> int:
    """Apply the migrations after ``from_version`` in one transaction; return the new version."""
    con.execute("BEGIN TRANSACTION")
    try:
        for version in range(from_version + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[version](con)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return SCHEMA_VERSION
