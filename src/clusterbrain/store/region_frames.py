"""Regions, their peers and their ancestors, and the other workspace tables the planning loop reads."""

from __future__ import annotations

import difflib

import duckdb
import pandas as pd

from clusterbrain.exceptions import InvalidParameterError

__all__ = [
    "institutions_frame",
    "policies_frame",
    "projects_frame",
    "region_record",
    "regions_at_level",
    "regions_frame",
]


def regions_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every region with its level, parent, coordinates, population and area."""
    return con.sql(
        "SELECT region_id, name, level, parent_id, name_en, lat, lon, population, area_km2, country FROM regions"
    ).df()


def region_record(con: duckdb.DuckDBPyConnection, region_id: str) -> dict[str, object]:
    """The row of ``region_id`` as a dict.

    Raises
    ------
    InvalidParameterError
        If the workspace has no such region; the message suggests the closest ids and names.
    """
    rows = con.sql(
        "SELECT region_id, name, level, parent_id, name_en, lat, lon, population, area_km2, country "
        "FROM regions WHERE region_id = $r",
        params={"r": region_id},
    ).fetchall()
    if rows:
        keys = ("region_id", "name", "level", "parent_id", "name_en", "lat", "lon", "population", "area_km2", "country")
        return dict(zip(keys, rows[0], strict=True))
    known = con.sql("SELECT region_id, name FROM regions").fetchall()
    by_name = {name: rid for rid, name in known if name}
    close = difflib.get_close_matches(region_id, [rid for rid, _ in known], n=3)
    close += [f"{by_name[n]} ({n})" for n in difflib.get_close_matches(region_id, list(by_name), n=3)]
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise InvalidParameterError(f"the workspace has no region {region_id!r}{hint}")


def regions_at_level(con: duckdb.DuckDBPyConnection, level: str) -> pd.DataFrame:
    """Every region with its ancestor at ``level`` (``region_id``, ``ancestor_id``).

    A region at ``level`` is its own ancestor; regions above ``level`` or in a branch without
    a region of that level are left out.
    """
    return con.sql(
        """
        WITH RECURSIVE up(region_id, ancestor_id, depth) AS (
            SELECT region_id, region_id, 0 FROM regions
            UNION ALL
            SELECT u.region_id, r.parent_id, u.depth + 1
            FROM up u JOIN regions r ON r.region_id = u.ancestor_id
            WHERE r.parent_id IS NOT NULL AND u.depth < 12
        )
        SELECT u.region_id, u.ancestor_id FROM up u JOIN regions a ON a.region_id = u.ancestor_id
        WHERE a.level = $level
        """,
        params={"level": level},
    ).df()


def institutions_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every knowledge institution, intermediary and fund."""
    return con.sql("SELECT inst_id, name, kind, region_id, fields, lat, lon FROM institutions").df()


def policies_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every policy, its scope and its eligibility rules (JSON text)."""
    return con.sql("SELECT policy_id, name, issuer, region_id, valid_from, valid_to, benefit, rules FROM policies").df()


def projects_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every planned project."""
    return con.sql(
        'SELECT project_id, name, region_id, type, chain_node, owner, start, "end", budget, financing, milestones '
        "FROM projects"
    ).df()
