"""Roll codes up their hierarchy, and translate them through crosswalks (SQL on the workspace)."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from clusterbrain.exceptions import InvalidParameterError

__all__ = ["crosswalk", "rollup"]


def rollup(con: duckdb.DuckDBPyConnection, scheme: str, level: int) -> pa.Table:
    """Map every code of ``scheme`` at ``level`` or deeper to its ancestor at ``level``.

    The ancestor is found by following ``parent_code`` (so NAICS ``336111`` reaches the
    range sector ``31-33`` and GB/T class ``3911`` reaches section ``C``). Codes above
    ``level`` have no ancestor there and are left out.

    Returns
    -------
    pyarrow.Table
        Columns ``code`` and ``ancestor``; a code at ``level`` maps to itself.

    Raises
    ------
    InvalidParameterError
        If the scheme has no code at ``level``.
    """
    levels = [
        r[0]
        for r in con.execute("SELECT DISTINCT level FROM industries WHERE scheme = ? ORDER BY 1", [scheme]).fetchall()
    ]
    if level not in levels:
        raise InvalidParameterError(
            f"The 'level' parameter of rollup must be one of {levels} for scheme {scheme!r}. Got {level!r} instead."
        )
    return con.sql(
        """
        WITH RECURSIVE walk(code, current, current_level) AS (
            SELECT code, code, level FROM industries WHERE scheme = $scheme AND level >= $level
            UNION ALL
            SELECT w.code, i.parent_code, p.level
            FROM walk w
            JOIN industries i ON i.scheme = $scheme AND i.code = w.current
            JOIN industries p ON p.scheme = $scheme AND p.code = i.parent_code
            WHERE w.current_level > $level
        )
        SELECT code, current AS ancestor FROM walk WHERE current_level = $level ORDER BY code
        """,
        params={"scheme": scheme, "level": level},
    ).to_arrow_table()


def crosswalk(con: duckdb.DuckDBPyConnection, source: str, target: str) -> pa.Table:
    """Pairs ``(source_code, target_code, relation)`` linking two schemes, in either direction.

    Raises
    ------
    InvalidParameterError
        If the workspace holds no correspondence between the two schemes.
    """
    table = con.sql(
        """
        SELECT source_code, target_code, relation FROM crosswalks WHERE source_scheme = $s AND target_scheme = $t
        UNION ALL
        SELECT target_code, source_code,
               CASE relation WHEN 'one_to_many' THEN 'many_to_one' WHEN 'many_to_one' THEN 'one_to_many' ELSE relation END
        FROM crosswalks WHERE source_scheme = $t AND target_scheme = $s
        ORDER BY 1, 2
        """,
        params={"s": source, "t": target},
    ).to_arrow_table()
    if table.num_rows == 0:
        raise InvalidParameterError(f"no crosswalk between {source!r} and {target!r} in the workspace")
    return table
