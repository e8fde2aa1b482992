"""Import any supported file: canonical columns, or a known third-party layout via a loader."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from clusterbrain import __version__
from clusterbrain.exceptions import InvalidParameterError, SchemaError
from clusterbrain.store.importer import ImportReport, Progress, RowCheck, import_batches, import_file, table_for_kind
from clusterbrain.store.loaders import KINDS as LOADER_KINDS
from clusterbrain.store.loaders import LOADERS, Loader, detect_loader
from clusterbrain.store.loaders.io_tables import read_io_table
from clusterbrain.store.readers import file_sha256, number_rows, open_tabular

__all__ = ["FORMATS", "import_io_table", "import_path"]

FORMATS: tuple[str, ...] = ("canonical", *LOADERS)


def import_path(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    path: Path,
    *,
    fmt: str = "auto",
    progress: Progress | None = None,
    row_check: RowCheck | None = None,
) -> ImportReport:
    """Import ``path`` as ``kind``, reading it with the layout ``fmt``.

    ``fmt="auto"`` picks a loader whose header signature matches (US County Business
    Patterns, the GB/T 4754 official list, Tushare listings, 企查查-style registries,
    Willems supply chains, US Cluster Mapping definitions) and otherwise reads canonical
    columns and their aliases. ``kind="io-table"`` imports an input–output table.
    """
    path = Path(path)
    if kind == "io-table":
        return import_io_table(con, path)
    table_for_kind(kind)
    if fmt not in ("auto", *FORMATS):
        raise InvalidParameterError(
            f"The 'format' parameter of import must be one of auto, {', '.join(FORMATS)}. Got {fmt!r} instead."
        )
    if fmt == "canonical":
        return import_file(con, kind, path, progress=progress, row_check=row_check)
    header = list(open_tabular(path).header)
    loader: Loader | None
    if fmt != "auto":
        loader = LOADERS[fmt]
    else:
        loader = detect_loader(kind, header) if kind in LOADER_KINDS else None
    if loader is None:
        return import_file(con, kind, path, progress=progress, row_check=row_check)
    if loader.kind != table_for_kind(kind).name and loader.kind != kind:
        raise InvalidParameterError(f"format {loader.name!r} produces {loader.kind}, not {kind}")
    data = loader.read(path)
    batches = number_rows(data.to_batches())
    return import_batches(
        con,
        kind,
        tuple(data.schema.names),
        batches,
        file_name=path.name,
        file_path=str(path.resolve()),
        sha256=file_sha256(path),
        file_format=loader.name,
        progress=progress,
    )


def import_io_table(con: duckdb.DuckDBPyConnection, path: Path) -> ImportReport:
    """Import an input–output table into ``io_tables``, ``io_codes`` and ``io_entries``, replacing one of the same id."""
    io = read_io_table(path)
    ids = io.table["table_id"].to_pylist()
    if len(ids) != 1:
        raise SchemaError(f"{path.name}: expected one input-output table, found {len(ids)}")
    sha = file_sha256(path)
    con.execute("BEGIN TRANSACTION")
    try:
        replaced = con.execute("SELECT count(*) FROM io_entries WHERE table_id = ?", ids).fetchall()[0][0]
        for name, data in (("io_tables", io.table), ("io_codes", io.codes), ("io_entries", io.entries)):
            con.execute(f"DELETE FROM {name} WHERE table_id = ?", ids)
            con.register("_io_part", data)
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _io_part")
            con.unregister("_io_part")
        rows = io.entries.num_rows
        con.execute(
            "INSERT INTO imports SELECT coalesce(max(import_id), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM imports",
            [
                "io-table",
                path.name,
                str(path.resolve()),
                sha,
                "io-table",
                dt.datetime.now(),
                rows,
                rows,
                replaced,
                __version__,
            ],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return ImportReport("io-table", "io_entries", path.name, sha, "io-table", rows, rows, int(replaced))
