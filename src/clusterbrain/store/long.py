"""Long-format inputs of the metrics: ``region, industry, value`` (optional ``year``), from a file or a workspace."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from clusterbrain._validation import check_option
from clusterbrain.exceptions import InputValidationError, InvalidParameterError, Problem
from clusterbrain.store.codes import rollup
from clusterbrain.store.headers import normalise_header
from clusterbrain.store.readers import ROW, open_tabular
from clusterbrain.store.schema import REGION_LEVELS

__all__ = ["LONG_COLUMNS", "MEASURES", "grouping_members", "read_long", "stats_long"]

LONG_COLUMNS = ("year", "region", "industry", "value")
MEASURES = ("employment", "establishments", "output", "value_added", "exports", "payroll")
_ALIASES = {
    "region": ("region", "region_id", "loc", "location", "origin", "地区", "地区代码"),
    "industry": ("industry", "industry_code", "prod", "product", "行业", "行业代码"),
    "value": ("value", "val", "employment", "export_val", "数值", "值"),
    "year": ("year", "time", "年份"),
}


def _find(header: tuple[str, ...], column: str) -> int | None:
    wanted = {normalise_header(a) for a in _ALIASES[column]}
    return next((i for i, h in enumerate(header) if normalise_header(h) in wanted), None)


def read_long(path: str | Path) -> pd.DataFrame:
    """Read a long table of ``region, industry, value`` (and optionally ``year``).

    Labels are kept exactly as written (as text). Values must be finite and non-negative;
    a (year, region, industry) may appear once.

    Returns
    -------
    pandas.DataFrame
        Columns ``year`` (only when the file has one), ``region``, ``industry``, ``value``.

    Raises
    ------
    InputValidationError
        Listing file, row, column, value and rule of each problem (at most 20 shown).
    """
    path = Path(path)
    source = open_tabular(path)
    positions = {c: _find(source.header, c) for c in ("year", "region", "industry", "value")}
    missing = [c for c in ("region", "industry", "value") if positions[c] is None]
    if missing:
        raise InputValidationError(
            [Problem(path.name, 1, c, None, f"required column '{c}' is missing") for c in missing]
        )
    batches = list(source.batches())
    table = pa.Table.from_batches(batches) if batches else pa.table({ROW: pa.array([], pa.int64())})
    if table.num_rows == 0:
        raise InputValidationError([Problem(path.name, None, None, None, "the file has a header but no rows")])
    used = {c: p for c, p in positions.items() if p is not None}
    frame = pd.DataFrame({c: table.column(p + 1).to_pandas() for c, p in used.items()})
    rows = table.column(ROW).to_numpy()
    problems: list[Problem] = []

    raw = frame.copy()

    def report(mask: np.ndarray, column: str, rule: str) -> None:
        problems.extend(
            Problem(path.name, int(r), column, None if pd.isna(v) else str(v), rule)
            for r, v in zip(rows[mask], raw.loc[mask, column], strict=True)
        )

    for label in ("region", "industry"):
        frame[label] = frame[label].astype("string").str.strip()
        report(frame[label].isna().to_numpy() | (frame[label] == "").fillna(False).to_numpy(), label, "empty label")
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    bad = frame["value"].isna().to_numpy() | ~np.isfinite(frame["value"].to_numpy(dtype=float, na_value=np.nan))
    report(bad, "value", "must be a finite number")
    report((frame["value"] < 0).fillna(False).to_numpy(), "value", "negative values are impossible")
    keys = ["region", "industry"]
    if "year" in frame:
        year = pd.to_numeric(frame["year"], errors="coerce")
        report((year.isna() | (year % 1 != 0)).to_numpy(), "year", "must be a whole number (a year)")
        frame["year"] = year.astype("Int64")
        keys = ["year", *keys]
    report(frame.duplicated(keys, keep="first").to_numpy(), keys[-1], f"duplicate ({', '.join(keys)})")
    if problems:
        problems.sort(key=lambda p: p.row or 0)
        raise InputValidationError(problems)
    return frame[[c for c in LONG_COLUMNS if c in frame]].reset_index(drop=True)


def stats_long(
    con: duckdb.DuckDBPyConnection,
    *,
    scheme: str,
    measure: str = "employment",
    level: int | None = None,
    year: int | None = None,
    region_level: str | None = None,
) -> pd.DataFrame:
    """Region × industry statistics of a workspace as a long table, rolled up to ``level``.

    Codes deeper than ``level`` are summed into their ancestor at that level and codes above
    it are left out; without ``level`` the codes are kept as recorded. The Census
    pseudo-codes (``00`` total, ``99`` unclassified) are always left out.

    Returns
    -------
    pandas.DataFrame
        Columns ``year``, ``region``, ``industry``, ``value`` (rows with a positive value).

    Raises
    ------
    InvalidParameterError
        For an unknown measure, region level or scheme level, or when nothing matches.
    """
    check_option(measure, "measure", "stats_long", MEASURES)
    if region_level is not None:
        check_option(region_level, "region_level", "stats_long", REGION_LEVELS)
    if level is None:
        # Codes as recorded, including classes deeper than the loaded code list.
        mapping = con.sql(
            "SELECT DISTINCT industry_code AS code, industry_code AS ancestor FROM stats WHERE scheme = $s",
            params={"s": scheme},
        ).to_arrow_table()
    else:
        mapping = rollup(con, scheme, level)
    con.register("_rollup", mapping)
    try:
        frame = con.sql(
            f"""
            SELECT s.year, s.region_id AS region, m.ancestor AS industry, sum(s."{measure}") AS value
            FROM stats s JOIN _rollup m ON m.code = s.industry_code
            JOIN regions r ON r.region_id = s.region_id
            WHERE s.scheme = $scheme AND s.industry_code NOT IN ('00', '99')
              AND ($year IS NULL OR s.year = $year) AND ($level IS NULL OR r.level = $level)
            GROUP BY ALL HAVING sum(s."{measure}") > 0
            ORDER BY 1, 2, 3
            """,
            params={"scheme": scheme, "year": year, "level": region_level},
        ).df()
    finally:
        con.unregister("_rollup")
    if frame.empty:
        raise InvalidParameterError(
            f"no {measure} statistics in the workspace for scheme {scheme!r}"
            + (f", year {year}" if year is not None else "")
            + (f", region level {region_level!r}" if region_level else "")
        )
    frame["year"] = frame["year"].astype("int64")
    return frame


def grouping_members(
    con: duckdb.DuckDBPyConnection, *, grouping: str, scheme: str, level: int = 1, only: str | None = None
) -> pd.DataFrame:
    """Codes of ``scheme`` and the group (of ``grouping``, at ``level``) each belongs to.

    Memberships are read from ``crosswalks`` (relation ``member``). When they are defined on
    another edition of the same classification (the US Cluster Mapping uses NAICS 2012; CBP
    2019 data are NAICS 2017), codes are matched by identity across the editions: the 6-digit
    codes that both editions share mean the same industry. ``only`` keeps the groups whose
    code starts with it (``traded`` for the traded clusters).

    Returns
    -------
    pandas.DataFrame
        Columns ``code`` and ``group``; a code belongs to at most one group.

    Raises
    ------
    InvalidParameterError
        If no membership links the two schemes.
    """
    family = scheme.rstrip("0123456789")
    frame = con.sql(
        """
        SELECT DISTINCT c.source_code AS code, c.target_code AS "group"
        FROM crosswalks c JOIN industries g ON g.scheme = c.target_scheme AND g.code = c.target_code
        WHERE c.target_scheme = $grouping AND g.level = $level AND c.relation = 'member'
          AND (c.source_scheme = $scheme OR c.source_scheme LIKE $family || '%')
          AND ($only IS NULL OR starts_with(c.target_code, $only))
        ORDER BY 1
        """,
        params={"grouping": grouping, "level": level, "scheme": scheme, "family": family, "only": only},
    ).df()
    if frame.empty:
        raise InvalidParameterError(
            f"no membership of {scheme} codes in grouping {grouping!r} at level {level}"
            + (f" starting with {only!r}" if only else "")
            + "; import the grouping's definitions first (clusterbrain import industries / crosswalks)"
        )
    return frame.drop_duplicates("code", keep="first").reset_index(drop=True)
