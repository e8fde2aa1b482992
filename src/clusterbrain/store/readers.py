"""Streaming readers for CSV, XLSX and Parquet files, in Arrow record batches.

Every reader yields batches of bounded size, so a file of any length is read in bounded
memory. CSV and XLSX values arrive as text (types are checked later, with row numbers);
Parquet values keep their stored types.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
from pyarrow import csv as pacsv

from clusterbrain.exceptions import Problem, SchemaError

__all__ = ["BATCH_ROWS", "ROW", "TabularFile", "file_sha256", "number_rows", "open_tabular"]

BATCH_ROWS = 131_072
ROW = "_row"
_CSV_BLOCK_BYTES = 8 << 20


@dataclass(frozen=True)
class TabularFile:
    """A tabular file opened for streaming: its format, header and encoding.

    Use :func:`open_tabular` to make one; :meth:`batches` reads it.
    """

    path: Path
    format: str
    header: tuple[str, ...]
    encoding: str = "utf-8"
    schema: pa.Schema | None = None

    def batches(self, batch_rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
        """Yield the file's records as Arrow batches of at most ``batch_rows`` rows.

        Each batch starts with a ``_row`` column: the row as a spreadsheet shows it (the
        header is row 1), so every problem found later can name its row.
        """
        if self.format == "xlsx":
            yield from _xlsx_batches(self.path, self.header, batch_rows)
            return
        raw = (
            # The dataset scanner decodes columns on all cores, with read-ahead, in file order.
            ds.dataset(self.path, format="parquet").to_batches(
                batch_size=batch_rows, batch_readahead=4, fragment_readahead=1
            )
            if self.format == "parquet"
            else _csv_batches(self, batch_rows)
        )
        yield from number_rows(raw)


def number_rows(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Prefix each batch with ``_row``, the spreadsheet row of each record (header = row 1)."""
    first = 2
    for batch in batches:
        rows = pa.array(np.arange(first, first + batch.num_rows, dtype=np.int64))
        first += batch.num_rows
        yield pa.RecordBatch.from_arrays([rows, *batch.columns], names=[ROW, *batch.schema.names])


def file_sha256(path: Path) -> str:
    """Return the SHA-256 hex digest of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _format_of(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    last = suffixes[-1] if suffixes else ""
    formats = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".parquet": "parquet", ".pq": "parquet"}
    if last not in formats:
        raise SchemaError(
            f"{path.name}: unsupported file type '{last or '(none)'}'; expected .csv, .csv.gz, .xlsx or .parquet"
        )
    return formats[last]


def _sniff_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM) when the sample decodes as such, else GB18030.

    Chinese government and 企查查-style exports are often GBK; GB18030 is its superset.
    """
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the sample's end is still UTF-8.
        if exc.start < len(sample) - 3:
            return "gb18030"
    return "utf-8"


def _open_text(path: Path, encoding: str) -> io.TextIOWrapper:
    import gzip

    raw = gzip.open(path, "rb") if path.suffix.lower() == ".gz" else path.open("rb")
    return io.TextIOWrapper(raw, encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="")


def _read_sample(path: Path, size: int = 1 << 16) -> bytes:
    import gzip

    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rb") as handle:
        return handle.read(size)


def open_tabular(path: Path) -> TabularFile:
    """Open ``path`` for streaming and read its header.

    Raises
    ------
    SchemaError
        If the file is missing, empty, of an unsupported type, or unreadable.
    """
    path = Path(path)
    if not path.is_file():
        raise SchemaError(f"{path}: no such file")
    fmt = _format_of(path)
    try:
        if fmt == "parquet":
            schema = pq.ParquetFile(path).schema_arrow
            return TabularFile(path, fmt, tuple(schema.names), schema=schema)
        if fmt == "xlsx":
            return TabularFile(path, fmt, _xlsx_header(path))
        encoding = _sniff_encoding(_read_sample(path))
        with _open_text(path, encoding) as handle:
            first = next(csv.reader(handle, delimiter=_delimiter(path)), None)
    except (OSError, pa.ArrowException, ValueError, KeyError, EOFError) as exc:
        raise SchemaError(f"{path.name}: cannot be read as {fmt.upper()} ({exc})") from exc
    if not first or all(not cell.strip() for cell in first):
        raise SchemaError(f"{path.name}: the file is empty (no header row)")
    return TabularFile(path, fmt, tuple(first), encoding)


def _delimiter(path: Path) -> str:
    return "\t" if ".tsv" in [s.lower() for s in path.suffixes] else ","


def _csv_batches(source: TabularFile, batch_rows: int) -> Iterator[pa.RecordBatch]:
    names = [f"c{i}" for i in range(len(source.header))]
    options = pacsv.ReadOptions(
        column_names=names,
        skip_rows=1,
        block_size=_CSV_BLOCK_BYTES,
        encoding="utf8" if source.encoding == "utf-8" else source.encoding,
    )
    parse = pacsv.ParseOptions(delimiter=_delimiter(source.path), newlines_in_values=True)
    convert = pacsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()),
        strings_can_be_null=True,
        null_values=[""],
        quoted_strings_can_be_null=True,
    )
    try:
        reader = pacsv.open_csv(source.path, read_options=options, parse_options=parse, convert_options=convert)
        for batch in reader:
            for start in range(0, batch.num_rows, batch_rows):
                part = batch.slice(start, batch_rows)
                yield pa.RecordBatch.from_arrays(part.columns, names=list(source.header))
    except pa.ArrowInvalid as exc:
        raise SchemaError(_locate_csv_error(source, exc)) from exc


def _locate_csv_error(source: TabularFile, exc: Exception) -> str:
    """Find the first row whose field count differs from the header's, for the message."""
    width = len(source.header)
    with _open_text(source.path, source.encoding) as handle:
        for line_no, row in enumerate(csv.reader(handle, delimiter=_delimiter(source.path)), start=1):
            if len(row) != width and any(cell.strip() for cell in row):
                return str(
                    Problem(
                        source.path.name,
                        line_no,
                        None,
                        ",".join(row)[:80],
                        f"the row has {len(row)} fields but the header has {width}",
                    )
                )
    return f"{source.path.name}: malformed CSV ({exc})"


def _xlsx_header(path: Path) -> tuple[str, ...]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        first = next(sheet.iter_rows(max_row=1, values_only=True), None)
    finally:
        book.close()
    if not first or all(v is None for v in first):
        raise SchemaError(f"{path.name}: the first sheet is empty (no header row)")
    while first and first[-1] is None:
        first = first[:-1]
    return tuple("" if v is None else str(v) for v in first)


def _cell_text(value: object) -> str | None:
    """Spreadsheet cell -> text, so XLSX and CSV values are checked by the same rules."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _xlsx_batches(path: Path, header: tuple[str, ...], batch_rows: int) -> Iterator[pa.RecordBatch]:
    from openpyxl import load_workbook

    width = len(header)
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = book.worksheets[0].iter_rows(min_row=2, values_only=True)
        numbers: list[int] = []
        columns: list[list[str | None]] = [[] for _ in range(width)]
        for number, row in enumerate(rows, start=2):
            cells = (tuple(row) + (None,) * width)[:width]
            if all(v is None for v in cells):
                continue
            numbers.append(number)
            for column, value in zip(columns, cells, strict=True):
                column.append(_cell_text(value))
            if len(numbers) >= batch_rows:
                yield _xlsx_batch(numbers, columns, header)
                numbers, columns = [], [[] for _ in range(width)]
        if numbers:
            yield _xlsx_batch(numbers, columns, header)
    finally:
        book.close()


def _xlsx_batch(numbers: list[int], columns: list[list[str | None]], header: tuple[str, ...]) -> pa.RecordBatch:
    arrays = [pa.array(numbers, pa.int64()), *(pa.array(c, pa.string()) for c in columns)]
    return pa.RecordBatch.from_arrays(arrays, names=[ROW, *header])
