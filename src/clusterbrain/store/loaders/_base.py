"""Shared pieces of the third-party loaders: the ``Loader`` record and canonical tables."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from clusterbrain.exceptions import InvalidParameterError, SchemaError
from clusterbrain.store.schema import TABLES

__all__ = [
    "ARROW_TYPES",
    "KINDS",
    "Loader",
    "canonical_table",
    "has_columns",
    "map_unique",
    "normalise_header",
    "year_from_name",
]

ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "INTEGER": pa.int32(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "DATE": pa.date32(),
}
"""Arrow type of each DuckDB column type used in :data:`clusterbrain.store.schema.TABLES`."""

KINDS = ("stats", "firms", "links", "regions", "industries", "crosswalks")
"""Workspace tables a :class:`Loader` may produce."""


@dataclass(frozen=True)
class Loader:
    """A reader of one third-party file layout into one workspace table.

    Parameters
    ----------
    name : str
        The ``--format`` value, e.g. ``"cbp-cbsa"``.
    kind : str
        The workspace table produced, one of :data:`KINDS`.
    description : str
        One line for ``--help`` and the documentation: source and layout.
    detect : callable
        ``detect(header) -> bool``: whether a header row (column names as read) is this
        layout. Names are compared after :func:`normalise_header`.
    read : callable
        ``read(path) -> pyarrow.Table``: the whole file as a canonical table, that is every
        column of the workspace table in schema order, typed as in the schema; columns the
        layout does not provide are all null.
    """

    name: str
    kind: str
    description: str
    detect: Callable[[list[str]], bool]
    read: Callable[[Path], pa.Table]


def normalise_header(header: Iterable[str]) -> list[str]:
    """Return column names without a byte-order mark and surrounding white space."""
    return [str(h).replace("\ufeff", "").strip() for h in header]


def has_columns(*required: str) -> Callable[[list[str]], bool]:
    """Return a ``detect`` function that is true when a header holds all ``required`` names.

    Parameters
    ----------
    *required : str
        Column names, compared case-insensitively after :func:`normalise_header`.

    Returns
    -------
    callable
        ``detect(header) -> bool``.

    Examples
    --------
    >>> has_columns("cbsa_code", "EMP")(["cbsa_code ", "naics_code", "emp"])
    True
    """
    wanted = {r.lower() for r in required}

    def detect(header: list[str]) -> bool:
        return wanted <= {h.lower() for h in normalise_header(header)}

    return detect


def canonical_table(table: str, columns: Mapping[str, Any], num_rows: int) -> pa.Table:
    """Build a table with every column of workspace table ``table``, in schema order.

    Parameters
    ----------
    table : str
        Name of a table in :data:`clusterbrain.store.schema.TABLES`.
    columns : mapping of str to array-like or scalar
        Values of the columns the layout provides; arrays of length ``num_rows`` (Arrow
        arrays, chunked arrays, pandas series, lists) or a scalar repeated on every row.
        ``None`` means an all-null column.
    num_rows : int
        Number of rows.

    Returns
    -------
    pyarrow.Table
        Columns typed as in the schema (see :data:`ARROW_TYPES`); the ones not in
        ``columns`` are all null.

    Raises
    ------
    InvalidParameterError
        If ``columns`` names a column that the table does not have.
    """
    spec = TABLES[table]
    unknown = set(columns) - set(spec.names)
    if unknown:
        raise InvalidParameterError(f"The columns {sorted(unknown)} are not columns of table '{table}'.")
    arrays = []
    for col in spec.columns:
        dtype = ARROW_TYPES[col.dtype]
        value = columns.get(col.name)
        arrays.append(_column(value, dtype, num_rows))
    return pa.table(arrays, names=list(spec.names))


def _column(value: Any, dtype: pa.DataType, num_rows: int) -> pa.Array | pa.ChunkedArray:
    if value is None:
        return pa.nulls(num_rows, dtype)
    if isinstance(value, (str, int, float, bool)):
        return pa.array([value] * num_rows, dtype)
    if isinstance(value, (pa.Array, pa.ChunkedArray)):
        array = value
    elif hasattr(value, "to_numpy") and hasattr(value, "isna"):  # a pandas Series
        array = pa.array(value, from_pandas=True)
    else:
        array = pa.array(value)
    if pa.types.is_null(array.type):
        return pa.nulls(num_rows, dtype)
    return array.cast(dtype)


def map_unique(values: pa.Array | pa.ChunkedArray, func: Callable[[str], str | None]) -> pa.Array:
    """Apply ``func`` to each distinct string of ``values`` and spread the results back.

    Vectorised: ``func`` runs once per distinct value, not once per row. Nulls stay null.

    Examples
    --------
    >>> import pyarrow as pa
    >>> map_unique(pa.array(["a", "b", "a", None]), str.upper).to_pylist()
    ['A', 'B', 'A', None]
    """
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    encoded = pc.dictionary_encode(values.cast(pa.string()))
    mapped = pa.array([func(v) for v in encoded.dictionary.to_pylist()], pa.string())
    return mapped.take(encoded.indices)


_YEAR = re.compile(r"(?<!\d)((?:18|19|20)\d\d)(?!\d)")


def year_from_name(path: Path) -> int:
    """Return the year written in a file name, the last one if there are several.

    Raises
    ------
    SchemaError
        If the name holds no 4-digit year between 1800 and 2099.

    Examples
    --------
    >>> year_from_name(Path("US-DE-census-naics4-counties-2021.csv"))
    2021
    """
    found = _YEAR.findall(Path(path).name)
    if not found:
        raise SchemaError(f"{Path(path).name}: the file name holds no year (e.g. '...-2021.csv').")
    return int(found[-1])
