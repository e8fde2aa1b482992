"""China's national input-output tables (NBS, as packaged by *ionet*) in long form.

Layout: rows ``Code, Description, DescriptionInChinese[, Origin], <sector codes>..., TIU,
<final-use codes>..., GO``; row codes are the sectors (``01``-``42`` or ``001``-``153``),
then ``TII``, ``VA001``-``VA004``, ``TVA``, ``TI``. The 42-sector tables are in
non-competitive-import form: each sector has a ``Domestic`` and an ``Imports`` row, and the
total rows are ``TOT``. The others are competitive-import tables (one row per sector).

The result goes to the workspace tables ``io_tables``, ``io_codes`` and ``io_entries`` (see
``_SYSTEM_DDL`` in :mod:`clusterbrain.store.schema`), not through a :class:`Loader`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from clusterbrain.exceptions import SchemaError
from clusterbrain.store.loaders._base import normalise_header, year_from_name

__all__ = ["COLUMN_NAMES", "IOTable", "detect_io_table", "read_io_table"]

UNIT = "10k CNY"
_LABELS = ("Code", "Description", "DescriptionInChinese")
_ORIGINS = {"domestic": "domestic", "imports": "imports", "tot": "total", "total": "total"}
_SECTOR = re.compile(r"^\d+$")
_ROW_BLOCKS = {"TII": "total", "TI": "total", "TVA": "value_added"}
_COL_TOTALS = {"TIU", "GO"}

COLUMN_NAMES: dict[str, tuple[str, str]] = {
    "TIU": ("Total intermediate use", "中间使用合计"),
    "FU101": ("Rural household consumption", "农村居民消费支出"),
    "FU102": ("Urban household consumption", "城镇居民消费支出"),
    "THC": ("Household consumption", "居民消费支出合计"),
    "FU103": ("Government consumption", "政府消费支出"),
    "TC": ("Final consumption", "最终消费支出合计"),
    "FU201": ("Gross fixed capital formation", "固定资本形成总额"),
    "FU202": ("Changes in inventories", "存货变动"),
    "GCF": ("Gross capital formation", "资本形成总额"),
    "EX": ("Exports", "出口"),
    "TFU": ("Total final use", "最终使用合计"),
    "IM": ("Imports", "进口"),
    "GO": ("Gross output", "总产出"),
}
"""Names of the non-sector columns. The files carry codes only; these follow the standard
NBS layout (as the *ionet* documentation reads it)."""

_IO_TABLES = pa.schema(
    [
        ("table_id", pa.string()),
        ("year", pa.int32()),
        ("n_sectors", pa.int32()),
        ("form", pa.string()),
        ("unit", pa.string()),
        ("source", pa.string()),
    ]
)
_IO_CODES = pa.schema(
    [
        ("table_id", pa.string()),
        ("code", pa.string()),
        ("axis", pa.string()),
        ("block", pa.string()),
        ("name_en", pa.string()),
        ("name_zh", pa.string()),
        ("position", pa.int32()),
    ]
)
_IO_ENTRIES = pa.schema(
    [
        ("table_id", pa.string()),
        ("row_code", pa.string()),
        ("origin", pa.string()),
        ("col_code", pa.string()),
        ("value", pa.float64()),
    ]
)


@dataclass(frozen=True)
class IOTable:
    """One input-output table as three workspace tables.

    Attributes
    ----------
    table : pyarrow.Table
        One ``io_tables`` row: ``table_id, year, n_sectors, form, unit, source``; ``form`` is
        ``non_competitive`` (domestic and imported intermediate use on separate rows) or
        ``competitive``.
    codes : pyarrow.Table
        ``io_codes``: each row and column code with ``axis`` (``row``/``col``), ``block``
        (``intermediate``, ``value_added``, ``final_use`` or ``total``), English and
        Chinese names and its 1-based ``position`` along the axis.
    entries : pyarrow.Table
        ``io_entries``, long form: ``table_id, row_code, origin, col_code, value`` with
        ``origin`` ``domestic``/``imports``/``total``.
    """

    table: pa.Table
    codes: pa.Table
    entries: pa.Table

    @property
    def table_id(self) -> str:
        """The id shared by the three tables, e.g. ``china_2018_153``."""
        return str(self.table["table_id"][0])


def detect_io_table(header: list[str]) -> bool:
    """Return whether a header row is this input-output layout.

    Examples
    --------
    >>> detect_io_table(["Code", "Description", "DescriptionInChinese", "001", "TIU", "GO"])
    True
    """
    names = normalise_header(header)
    return tuple(names[:3]) == _LABELS and "GO" in names


def read_io_table(path: Path, *, year: int | None = None, table_id: str | None = None) -> IOTable:
    """Read an NBS input-output table file into :class:`IOTable`.

    Parameters
    ----------
    path : path-like
        CSV in the *ionet* layout (see the module docstring).
    year : int, optional
        Year of the table; by default the year written in the file name.
    table_id : str, optional
        Id of the table; by default ``china_<year>_<number of sectors>``.

    Returns
    -------
    IOTable
        Values in 10,000 CNY at producers' prices. Every filled cell is an entry, zeros
        included; the empty cells of the file (value-added rows x final-use columns, the
        blank quadrant of the table) are left out.

    Raises
    ------
    SchemaError
        If the label columns are missing, a row code is not a sector or a known total /
        value-added code, an ``Origin`` is not Domestic/Imports/TOT, or the row and column
        sectors differ.

    Notes
    -----
    Codes are read as text so ``001`` keeps its zeros. Blocks: sector rows and columns are
    ``intermediate``; ``TII``, ``TI``, ``TIU`` and ``GO`` are ``total``; ``VA001``-``VA004``
    and their subtotal ``TVA`` are ``value_added``; every column right of ``TIU`` except
    ``GO`` is ``final_use``, subtotals (``THC``, ``TC``, ``GCF``, ``TFU``) and imports
    (``IM``) included, so sum a block by its codes, not blindly.
    """
    path = Path(path)
    frame = pd.read_csv(path, dtype={"Code": str, "Origin": str})
    frame.columns = normalise_header(frame.columns)
    if tuple(frame.columns[:3]) != _LABELS:
        raise SchemaError(f"{path.name}: expected the columns {list(_LABELS)} first, got {list(frame.columns[:3])}.")
    frame["Code"] = frame["Code"].str.strip()
    competitive = "Origin" not in frame.columns
    if competitive:
        origin = pd.Series("total", index=frame.index)
    else:
        origin = frame["Origin"].str.strip().str.lower().map(_ORIGINS)
        if origin.isna().any():
            bad = frame.loc[origin.isna(), "Origin"].iloc[0]
            raise SchemaError(f"{path.name}: Origin {bad!r} is not Domestic, Imports or TOT.")
    value_columns = [c for c in frame.columns if c not in (*_LABELS, "Origin")]
    row_codes = list(dict.fromkeys(frame["Code"]))
    sectors = [c for c in row_codes if _SECTOR.match(c)]
    col_sectors = [c for c in value_columns if _SECTOR.match(c)]
    if sectors != col_sectors:
        raise SchemaError(f"{path.name}: the row sectors and the column sectors differ.")
    year = year_from_name(path) if year is None else year
    table_id = f"china_{year}_{len(sectors)}" if table_id is None else table_id

    names = frame.drop_duplicates("Code").set_index("Code")
    codes = _codes(path, table_id, row_codes, value_columns, names)
    try:
        values = frame[value_columns].to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise SchemaError(f"{path.name}: a value cell is not a number ({exc}).") from exc
    # every filled cell, row by row: the empty cells are the blank quadrant of the table
    r, c = np.nonzero(~np.isnan(values))
    entries = pa.table(
        {
            "table_id": pa.array([table_id] * len(r), pa.string()),
            "row_code": pa.array(frame["Code"].to_numpy(dtype=object)[r], pa.string()),
            "origin": pa.array(origin.to_numpy(dtype=object)[r], pa.string()),
            "col_code": pa.array(np.asarray(value_columns, dtype=object)[c], pa.string()),
            "value": pa.array(values[r, c], pa.float64()),
        },
        schema=_IO_ENTRIES,
    )
    table = pa.table(
        {
            "table_id": [table_id],
            "year": [year],
            "n_sectors": [len(sectors)],
            "form": ["competitive" if competitive else "non_competitive"],
            "unit": [UNIT],
            "source": [path.name],
        },
        schema=_IO_TABLES,
    )
    return IOTable(table=table, codes=codes, entries=entries)


def _row_block(code: str, path: Path) -> str:
    if _SECTOR.match(code):
        return "intermediate"
    if code in _ROW_BLOCKS:
        return _ROW_BLOCKS[code]
    if code.startswith("VA"):
        return "value_added"
    raise SchemaError(f"{path.name}: row code {code!r} is neither a sector nor a known total.")


def _col_block(code: str) -> str:
    if _SECTOR.match(code):
        return "intermediate"
    return "total" if code in _COL_TOTALS else "final_use"


def _codes(path: Path, table_id: str, row_codes: list[str], col_codes: list[str], names: pd.DataFrame) -> pa.Table:
    def name(code: str, column: str, fallback: int) -> str | None:
        if code in names.index:
            return str(names.at[code, column])
        known = COLUMN_NAMES.get(code)
        return known[fallback] if known else None

    rows = [("row", c, _row_block(c, path)) for c in row_codes]
    cols = [("col", c, _col_block(c)) for c in col_codes]
    records = [
        (axis, code, block, name(code, "Description", 0), name(code, "DescriptionInChinese", 1), position)
        for part in (rows, cols)
        for position, (axis, code, block) in enumerate(part, start=1)
    ]
    axis, code, block, name_en, name_zh, position = (list(x) for x in zip(*records, strict=True))
    return pa.table(
        {
            "table_id": [table_id] * len(records),
            "code": code,
            "axis": axis,
            "block": block,
            "name_en": name_en,
            "name_zh": name_zh,
            "position": position,
        },
        schema=_IO_CODES,
    )
