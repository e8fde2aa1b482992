"""Arrow schemas taken from the workspace schema, and streaming Parquet sinks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType

import pyarrow as pa
import pyarrow.parquet as pq

from clusterbrain.exceptions import SchemaError
from clusterbrain.store.schema import TABLES

__all__ = ["ParquetSink", "arrow_schema", "table_from_columns", "write_parquet"]

_DTYPES = {
    "VARCHAR": pa.string(),
    "INTEGER": pa.int32(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "DATE": pa.date32(),
}
_COMPRESSION = "zstd"


def arrow_schema(table: str, columns: Sequence[str]) -> pa.Schema:
    """Return the Arrow schema of ``columns`` of workspace table ``table``, in table order.

    Raises
    ------
    SchemaError
        If a column is not a column of the table (the demo never invents columns).
    """
    spec = TABLES[table]
    unknown = sorted(set(columns) - set(spec.names))
    if unknown:
        raise SchemaError(f"table {table!r} has no column(s) {unknown}; expected some of {list(spec.names)}")
    return pa.schema([pa.field(c, _DTYPES[spec.column(c).dtype]) for c in spec.names if c in columns])


def table_from_columns(table: str, data: Mapping[str, object]) -> pa.Table:
    """Build an Arrow table of workspace table ``table`` from column data (lists or arrays)."""
    schema = arrow_schema(table, list(data))
    return pa.table([pa.array(data[f.name], type=f.type) for f in schema], schema=schema)


def write_parquet(path: Path, table: pa.Table) -> None:
    """Write a small table to ``path`` in one go (same settings as :class:`ParquetSink`)."""
    pq.write_table(table, path, compression=_COMPRESSION)


class ParquetSink:
    """Append Arrow tables of one schema to a Parquet file, one row group per call.

    The file is opened on the first write; a sink that is closed without any write still
    leaves a valid, empty file.
    """

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path = path
        self.schema = schema
        self.rows = 0
        self._writer: pq.ParquetWriter | None = None

    def write(self, table: pa.Table) -> None:
        """Append ``table`` (cast to the sink's schema, column order included)."""
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, self.schema, compression=_COMPRESSION)
        table = table.select(self.schema.names).cast(self.schema)
        self._writer.write_table(table, row_group_size=max(1, table.num_rows))
        self.rows += table.num_rows

    def close(self) -> None:
        """Finish the file."""
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, self.schema, compression=_COMPRESSION)
        self._writer.close()

    def __enter__(self) -> ParquetSink:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
