"""Workspace tables as DataFrames for the workflow: firms, links, regions below a region, firm-node maps."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from clusterbrain.exceptions import InputValidationError, InvalidParameterError, Problem
from clusterbrain.store.headers import normalise_header
from clusterbrain.store.readers import ROW, open_tabular

__all__ = [
    "firm_nodes_frame",
    "firms_frame",
    "links_frame",
    "read_node_overrides",
    "region_and_descendants",
    "save_firm_nodes",
]


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


def read_node_overrides(path: str | Path) -> pd.DataFrame:
    """Manual firm-to-node assignments from a file with columns ``firm_id, node_id`` (CSV/XLSX/Parquet).

    An empty ``node_id`` means "this firm is not on the chain".

    Raises
    ------
    InputValidationError
        If a column is missing or a firm is listed twice (with the rows).
    """
    source = open_tabular(Path(path))
    table = pa.Table.from_batches(list(source.batches()))
    header = [normalise_header(h) for h in source.header]
    missing = [c for c in ("firm_id", "node_id") if c not in header]
    if missing:
        raise InputValidationError(
            [Problem(Path(path).name, 1, c, None, f"required column '{c}' is missing") for c in missing]
        )
    frame = pd.DataFrame({c: table.column(header.index(c) + 1).to_pandas() for c in ("firm_id", "node_id")})
    frame["firm_id"] = frame["firm_id"].astype("string").str.strip()
    node = frame["node_id"].astype("string").str.strip()
    frame["node_id"] = node.mask(node == "")
    rows = table.column(ROW).to_numpy()
    repeated = frame["firm_id"].duplicated().to_numpy()
    if repeated.any():
        raise InputValidationError(
            [
                Problem(Path(path).name, int(r), "firm_id", str(v), "the firm is listed twice")
                for r, v in zip(rows[repeated], frame.loc[repeated, "firm_id"], strict=True)
            ]
        )
    return frame
