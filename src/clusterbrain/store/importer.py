"""All-or-nothing imports: stage, validate, then replace rows by key in one transaction."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from clusterbrain import __version__
from clusterbrain.exceptions import ImportValidationError, InvalidParameterError, Problem
from clusterbrain.store.headers import HeaderMap, map_headers
from clusterbrain.store.readers import ROW, file_sha256, open_tabular
from clusterbrain.store.schema import IMPORT_KINDS, TABLES, Table
from clusterbrain.store.validation import quote, raw_kept, rules_for, run_rules, typed_select

__all__ = ["ImportReport", "ParquetScan", "Progress", "RowCheck", "import_batches", "import_file", "table_for_kind"]

Progress = Callable[[int], None]
RowCheck = Callable[[pd.DataFrame, str], list[Problem]]
"""Extra check of staged rows: (rows with ``_row``, file name) -> problems."""
"""Called with the number of rows staged so far."""


@dataclass(frozen=True)
class ImportReport:
    """What an import did: rows read and written, rows it replaced, columns it ignored."""

    kind: str
    table: str
    file_name: str
    sha256: str
    file_format: str
    rows_read: int
    rows_written: int
    rows_replaced: int
    ignored_columns: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        """JSON-serialisable form."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self.__dict__.items()}


def table_for_kind(kind: str) -> Table:
    """Return the table an import KIND writes to (``targets`` -> ``kpi_targets``)."""
    name = IMPORT_KINDS.get(kind, kind if kind in TABLES else None)
    if name is None:
        raise InvalidParameterError(
            f"The 'kind' parameter of import must be one of {', '.join(IMPORT_KINDS)}. Got {kind!r} instead."
        )
    return TABLES[name]


def _arrow_kinds(schema: pa.Schema) -> dict[str, str]:
    """``VARCHAR`` for text columns (checked and converted as text), ``NATIVE`` for typed ones."""

    def is_text(t: pa.DataType) -> bool:
        return bool(pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t))

    return {
        f.name: "VARCHAR"
        if is_text(f.type) or (pa.types.is_dictionary(f.type) and is_text(f.type.value_type))
        else "NATIVE"
        for f in schema
    }


def _rename(batches: Iterable[pa.RecordBatch], header_map: HeaderMap) -> Iterator[pa.RecordBatch]:
    """Keep the mapped columns (by position, after ``_row``) under their table names."""
    positions = sorted(header_map.columns)
    names = [ROW, *(header_map.columns[p] for p in positions)]
    for batch in batches:
        arrays = [batch.column(0), *(batch.column(p + 1) for p in positions)]
        yield pa.RecordBatch.from_arrays(arrays, names=names)


@dataclass(frozen=True)
class ParquetScan:
    """A Parquet file to be read by DuckDB's own reader: parallel, and bounded by its memory limit."""

    path: Path
    schema: pa.Schema


def _stage(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    source: Iterable[pa.RecordBatch] | ParquetScan,
    header_map: HeaderMap,
    file_name: str,
    progress: Progress | None,
) -> tuple[int, dict[str, str]]:
    """Convert the source into the staging table ``_typed`` in one streaming query.

    Returns the number of rows and the staged column kinds (see :func:`_arrow_kinds`).
    """
    present = header_map.present
    if isinstance(source, ParquetScan):
        positions = sorted(header_map.columns)
        kinds = _arrow_kinds(
            pa.schema([pa.field(header_map.columns[p], source.schema.field(p).type) for p in positions])
        )
        columns = ", ".join(f"{quote(source.schema.names[p])} AS {quote(header_map.columns[p])}" for p in positions)
        path = str(source.path).replace("'", "''")
        scan = f"(SELECT file_row_number + 2 AS _row, {columns} FROM read_parquet('{path}', file_row_number = true))"
        # A view, not a copy: each rule reads only the columns it needs straight from the file.
        con.execute(f"CREATE OR REPLACE TEMP VIEW _typed AS SELECT {typed_select(table, present, kinds)} FROM {scan}")
        rows = con.execute("SELECT count(*) FROM _typed").fetchall()[0][0]
        if progress is not None:
            progress(rows)
        return rows, kinds
    batches = _rename(source, header_map)
    first = next(batches, None)
    if first is None:
        return 0, {}
    kinds = _arrow_kinds(first.schema)
    rows = 0
    failures: list[BaseException] = []

    def counted() -> Iterator[pa.RecordBatch]:
        nonlocal rows
        try:
            for batch in itertools.chain([first], batches):
                rows += batch.num_rows
                if progress is not None:
                    progress(rows)
                yield batch
        except BaseException as exc:
            # DuckDB pulls this generator and would wrap the error; keep it to re-raise as is.
            failures.append(exc)
            raise

    con.register("_batches", pa.RecordBatchReader.from_batches(first.schema, counted()))
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _typed AS SELECT {typed_select(table, present, kinds)} FROM _batches"
        )
    except duckdb.Error:
        if failures:
            raise failures[0] from None
        raise
    finally:
        con.unregister("_batches")
    return rows, kinds


def import_batches(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    header: tuple[str, ...],
    batches: Iterable[pa.RecordBatch] | ParquetScan,
    *,
    file_name: str,
    file_path: str = "",
    sha256: str = "",
    file_format: str = "arrow",
    progress: Progress | None = None,
    row_check: RowCheck | None = None,
) -> ImportReport:
    """Stage, validate and write ``batches`` into the table of ``kind``, all or nothing.

    ``row_check``, when given, sees the staged rows (a DataFrame with ``_row``, in file
    order) after the schema rules pass and returns the problems it finds; an upper layer
    uses it for checks the schema cannot express (a policy's eligibility-rule language).

    Batches carry a leading ``_row`` column (see :meth:`TabularFile.batches`) and then
    the columns named by ``header``; a :class:`ParquetScan` is read by DuckDB itself. Rows whose key already exists in the workspace are
    replaced, so importing the same file twice leaves the tables as after the first time.

    Raises
    ------
    ImportValidationError
        With the first problems found; the workspace is unchanged.
    """
    table = table_for_kind(kind)
    header_map, problems = map_headers(header, table, file_name)
    if problems:
        raise ImportValidationError(problems)
    present = header_map.present
    con.execute("BEGIN TRANSACTION")
    try:
        rows_read, kinds = _stage(con, table, batches, header_map, file_name, progress)
        if rows_read == 0:
            raise ImportValidationError([Problem(file_name, None, None, None, "the file has a header but no rows")])
        run_rules(con, rules_for(table, present, raw_kept(table, present, kinds)), file_name)
        if row_check is not None:
            found = row_check(con.sql("SELECT * FROM _typed ORDER BY _row").df(), file_name)
            if found:
                raise ImportValidationError(found)
        replaced = _replace_rows(con, table)
        con.execute(
            "INSERT INTO imports SELECT coalesce(max(import_id), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM imports",
            [
                kind,
                file_name,
                file_path,
                sha256,
                file_format,
                dt.datetime.now(),
                rows_read,
                rows_read,
                replaced,
                __version__,
            ],
        )
        staged = "VIEW" if isinstance(batches, ParquetScan) else "TABLE"
        con.execute(f"DROP {staged} _typed")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return ImportReport(
        kind, table.name, file_name, sha256, file_format, rows_read, rows_read, replaced, header_map.ignored
    )


def _replace_rows(con: duckdb.DuckDBPyConnection, table: Table) -> int:
    """Delete the rows whose key the import brings again, then insert the import."""
    replaced = 0
    if con.execute(f"SELECT EXISTS (SELECT 1 FROM {table.name})").fetchall()[0][0]:
        # Keys are unique within the import (checked), so a plain join finds each old row once.
        match = " AND ".join(f"t.{quote(k)} IS NOT DISTINCT FROM s.{quote(k)}" for k in table.key)
        keys = ", ".join(quote(k) for k in table.key)
        replaced = con.execute(
            f"DELETE FROM {table.name} t USING (SELECT {keys} FROM _typed) s WHERE {match}"
        ).fetchall()[0][0]
    columns = ", ".join(quote(c) for c in table.names)
    con.execute(f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM _typed")
    return int(replaced)


def import_file(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    path: Path,
    *,
    progress: Progress | None = None,
    row_check: RowCheck | None = None,
) -> ImportReport:
    """Import a CSV, XLSX or Parquet file of canonical columns (or their aliases)."""
    path = Path(path)
    source = open_tabular(path)
    return import_batches(
        con,
        kind,
        source.header,
        ParquetScan(path, source.schema) if source.schema is not None else source.batches(),
        file_name=path.name,
        file_path=str(path.resolve()),
        sha256=file_sha256(path),
        file_format=source.format,
        progress=progress,
        row_check=row_check,
    )
