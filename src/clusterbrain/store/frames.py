"""Workspace tables as DataFrames for the workflow: firms, links, regions below a region, firm-node maps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from clusterbrain.exceptions import InputValidationError, InvalidParameterError, Problem
from clusterbrain.store.headers import normalise_header
from clusterbrain.store.readers import ROW, open_tabular

__all__ = [
    "firm_measures_frame",
    "firm_nodes_frame",
    "firms_frame",
    "kpi_targets_frame",
    "latest_data_year",
    "links_frame",
    "purchases_by_year",
    "read_node_overrides",
    "region_and_descendants",
    "save_firm_nodes",
    "stats_totals_frame",
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


_FIRM_MEASURES = (
    "employees, revenue, rd_expense, patents, invention_patents, exports, land_mu, tax, energy_tce, value_added"
)


def _firms_in(region_ids: Sequence[str], firm_ids: Sequence[str] | None) -> tuple[str, dict[str, object]]:
    where = "region_id IN (SELECT unnest($regions))"
    params: dict[str, object] = {"regions": list(region_ids)}
    if firm_ids is not None:
        where += " AND firm_id IN (SELECT unnest($ids))"
        params["ids"] = list(firm_ids)
    return where, params


def firm_measures_frame(
    con: duckdb.DuckDBPyConnection,
    region_ids: Sequence[str],
    *,
    firm_ids: Sequence[str] | None = None,
    panel: bool = True,
) -> pd.DataFrame:
    """Numeric columns and tags of the firms located in ``region_ids`` (optionally only ``firm_ids``).

    With ``panel`` one row per firm and year from ``firm_years`` (the firm's ``tags`` from
    ``firms``); without, one row per firm from ``firms`` and a null ``year``.
    """
    where, params = _firms_in(region_ids, firm_ids)
    if panel:
        query = (
            f"SELECT y.firm_id, y.year, f.tags, {', '.join('y.' + c.strip() for c in _FIRM_MEASURES.split(','))} "
            f"FROM firm_years y JOIN (SELECT firm_id, tags FROM firms WHERE {where}) f USING (firm_id)"
        )
    else:
        query = f"SELECT firm_id, CAST(NULL AS INTEGER) AS year, tags, {_FIRM_MEASURES} FROM firms WHERE {where}"
    return con.sql(query, params=params).df()


def purchases_by_year(
    con: duckdb.DuckDBPyConnection, region_ids: Sequence[str], *, customer_ids: Sequence[str] | None = None
) -> pd.DataFrame:
    """What the firms of ``region_ids`` (optionally only ``customer_ids``) bought per link year.

    Columns ``year`` (null for links without a year), ``value`` (all purchases) and ``local``
    (bought from a firm located in ``region_ids``, not flagged ``supplier_external``).
    """
    where, params = _firms_in(region_ids, customer_ids)
    return con.sql(
        f"""
        WITH customers AS (SELECT firm_id FROM firms WHERE {where}),
             local AS (SELECT firm_id FROM firms WHERE region_id IN (SELECT unnest($regions)))
        SELECT l.year, sum(l.value) AS value,
               coalesce(sum(l.value) FILTER (
                   WHERE NOT coalesce(l.supplier_external, FALSE) AND l.supplier_id IN (SELECT firm_id FROM local)
               ), 0) AS local
        FROM links l WHERE l.customer_id IN (SELECT firm_id FROM customers) AND l.value IS NOT NULL
        GROUP BY l.year ORDER BY l.year
        """,
        params=params,
    ).df()


def stats_totals_frame(con: duckdb.DuckDBPyConnection, region_id: str) -> pd.DataFrame:
    """Yearly totals of the statistics of ``region_id`` and the regions below it, over all industries.

    Nothing is added twice: a region's rows are left out in a year when a region above it
    (up to ``region_id``) has statistics that year; within a region, the total code ``00``
    is used when recorded, else every code of which no prefix is also recorded. The scheme
    with the most rows is used. Columns ``year``, ``output``, ``value_added``, ``employment``,
    ``establishments``, ``exports``.
    """
    return con.sql(
        """
        WITH RECURSIVE below(region_id, path) AS (
            SELECT region_id, [region_id] FROM regions WHERE region_id = $root
            UNION ALL
            SELECT r.region_id, list_append(b.path, r.region_id) FROM regions r JOIN below b ON r.parent_id = b.region_id
        ),
        tree AS (SELECT region_id, unnest(path) AS ancestor_id FROM below),
        s AS (
            SELECT * FROM stats WHERE region_id IN (SELECT region_id FROM tree) AND industry_code <> '99'
        ),
        top AS (SELECT scheme FROM s GROUP BY scheme ORDER BY count(*) DESC, scheme LIMIT 1),
        one AS (
            SELECT s.*, bool_or(industry_code = '00') OVER (PARTITION BY year, region_id) AS has_total
            FROM s JOIN top USING (scheme)
            WHERE NOT EXISTS (
                SELECT 1 FROM tree t JOIN s a ON a.region_id = t.ancestor_id
                WHERE t.region_id = s.region_id AND t.ancestor_id <> s.region_id AND a.year = s.year
                  AND a.scheme = s.scheme)
        ),
        kept AS (
            SELECT * FROM one c
            WHERE CASE WHEN has_total THEN industry_code = '00'
                       ELSE NOT EXISTS (
                           SELECT 1 FROM one p WHERE p.year = c.year AND p.region_id = c.region_id
                             AND p.industry_code <> c.industry_code AND starts_with(c.industry_code, p.industry_code))
                  END
        )
        SELECT year, sum(output) AS output, sum(value_added) AS value_added, sum(employment) AS employment,
               sum(establishments) AS establishments, sum(exports) AS exports
        FROM kept GROUP BY year ORDER BY year
        """,
        params={"root": region_id},
    ).df()


def kpi_targets_frame(con: duckdb.DuckDBPyConnection, region_id: str) -> pd.DataFrame:
    """The KPI targets of one region: ``kpi``, ``year``, ``target``, ``baseline``, ``unit``."""
    return con.sql(
        "SELECT kpi, year, target, baseline, unit FROM kpi_targets WHERE region_id = $r ORDER BY kpi, year",
        params={"r": region_id},
    ).df()


def latest_data_year(con: duckdb.DuckDBPyConnection) -> int | None:
    """The latest year of the firm panel, the links or the statistics (None when none has a year)."""
    (row,) = con.sql(
        "SELECT max(year) FROM (SELECT year FROM firm_years UNION ALL SELECT year FROM links "
        "UNION ALL SELECT year FROM stats)"
    ).fetchall()
    return None if row[0] is None else int(row[0])


def firm_services_frames(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """The tables the firm services read: every firm column, the panel, the policies and the region tree.

    Returns ``{"firms", "firm_years", "policies", "regions"}``; ``regions`` has
    ``region_id, parent_id, level``; policy dates are ``datetime.date`` or ``None``.
    """
    return {
        "firms": con.sql("SELECT * FROM firms ORDER BY firm_id").df(),
        "firm_years": con.sql("SELECT * FROM firm_years ORDER BY firm_id, year").df(),
        "policies": con.sql(
            "SELECT policy_id, name, issuer, region_id, valid_from, valid_to, benefit, rules FROM policies "
            "ORDER BY policy_id"
        ).df(),
        "regions": con.sql("SELECT region_id, parent_id, level FROM regions").df(),
    }


__all__ += ["firm_services_frames"]
