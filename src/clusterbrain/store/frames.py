"""Workspace tables as DataFrames for the workflow: firms, links, regions below a region, firm-node maps."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from clusterbrain.exceptions import InvalidParameterError

__all__ = ["firm_nodes_frame", "firms_frame", "links_frame", "region_and_descendants", "save_firm_nodes"]


def firms_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every firm with the columns the chain and network analyses use."""
    return con.sql(
        "SELECT firm_id, name, region_id, country, scheme, industry_code, business_scope, tags, founded, "
        "employees, revenue, rd_expense, exports, value_added FROM firms ORDER BY firm_id"
    ).df()


def links_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every supply link (the latest year of a pair when links carry several years)."""
    return con.sql(
        """
        SELECT supplier_id, customer_id, year, value, product, coalesce(supplier_external, FALSE) AS supplier_external,
               coalesce(customer_external, FALSE) AS customer_external
        FROM links
        QUALIFY year IS NULL OR year = max(year) OVER (PARTITION BY supplier_id, customer_id, product)
        ORDER BY supplier_id, customer_id
        """
    ).df()


def region_and_descendants(con: duckdb.DuckDBPyConnection, region_id: str) -> list[str]:
    """The region and every region below it (its cities, counties, parks …).

    Raises
    ------
    InvalidParameterError
        If the workspace has no such region.
    """
    rows = con.execute(
        """
        WITH RECURSIVE below(region_id) AS (
            SELECT region_id FROM regions WHERE region_id = $r
            UNION ALL
            SELECT r.region_id FROM regions r JOIN below b ON r.parent_id = b.region_id
        )
        SELECT DISTINCT region_id FROM below ORDER BY 1
        """,
        {"r": region_id},
    ).fetchall()
    if not rows:
        raise InvalidParameterError(f"no region {region_id!r} in the workspace")
    return [r[0] for r in rows]


def save_firm_nodes(con: duckdb.DuckDBPyConnection, chain_id: str, assignments: pd.DataFrame) -> int:
    """Replace the stored firm-to-node mapping of one chain; return the rows written."""
    frame = assignments[["firm_id", "node_id", "confidence", "method", "reason"]].assign(
        chain_id=chain_id, mapped_at=dt.datetime.now()
    )[["firm_id", "chain_id", "node_id", "confidence", "method", "reason", "mapped_at"]]
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM firm_nodes WHERE chain_id = ?", [chain_id])
        con.register("_firm_nodes", frame)
        con.execute("INSERT INTO firm_nodes SELECT * FROM _firm_nodes")
        con.unregister("_firm_nodes")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return len(frame)


def firm_nodes_frame(con: duckdb.DuckDBPyConnection, chain_id: str) -> pd.DataFrame:
    """The stored firm-to-node mapping of one chain (empty when the chain was never mapped)."""
    return con.execute(
        "SELECT firm_id, node_id, confidence, method, reason FROM firm_nodes WHERE chain_id = ? ORDER BY firm_id",
        [chain_id],
    ).df()
