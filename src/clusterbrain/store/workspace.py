"""The workspace: one DuckDB file holding every table of the data model."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import duckdb
import pyarrow as pa

from clusterbrain.exceptions import WorkspaceError
from clusterbrain.store.codes import SCHEMES, builtin_code_lists
from clusterbrain.store.importer import ImportReport, Progress, import_batches, import_file
from clusterbrain.store.migrations import migrate
from clusterbrain.store.readers import number_rows
from clusterbrain.store.regions import builtin_regions
from clusterbrain.store.schema import SCHEMA_VERSION, TABLES

__all__ = ["Workspace", "WorkspaceInfo"]

_MEMORY_LIMIT = "512MB"


@dataclass(frozen=True)
class WorkspaceInfo:
    """What a workspace holds: tables and row counts, years, code schemes, imports."""

    path: str
    schema_version: int
    tables: dict[str, int]
    years: dict[str, list[int]]
    schemes: list[dict[str, object]]
    imports: list[dict[str, object]]

    def to_dict(self) -> dict[str, object]:
        """JSON-serialisable form."""
        return dict(self.__dict__)


def _connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    try:
        con = duckdb.connect(
            str(path),
            read_only=read_only,
            config={"autoload_known_extensions": False, "autoinstall_known_extensions": False},
        )
    except duckdb.IOException as exc:
        raise WorkspaceError(f"cannot open workspace {path}: {exc}") from exc
    con.execute(f"SET memory_limit = '{_MEMORY_LIMIT}'")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")
    return con


class Workspace:
    """An open workspace. Create one with :meth:`create`, open one with :meth:`open`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "w.duckdb"
    >>> with Workspace.create(path) as ws:
    ...     ws.count("industries") > 6000
    True
    """

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection) -> None:
        self.path = path
        self.con = con

    @classmethod
    def create(cls, path: str | Path) -> Workspace:
        """Create a new workspace file with the built-in code lists and region registries.

        Raises
        ------
        WorkspaceError
            If ``path`` already exists.
        """
        path = Path(path)
        if path.exists():
            raise WorkspaceError(f"{path} already exists; open it, or choose another path")
        path.parent.mkdir(parents=True, exist_ok=True)
        con = _connect(path)
        try:
            migrate(con, 0)
            ws = cls(path, con)
            industries, crosswalks = builtin_code_lists()
            ws.import_table("industries", industries, source="builtin:code-lists")
            ws.import_table("crosswalks", crosswalks, source="builtin:crosswalks")
            for source, regions in builtin_regions():
                ws.import_table("regions", regions, source=source)
        except BaseException:
            con.close()
            path.unlink(missing_ok=True)
            raise
        return ws

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False) -> Workspace:
        """Open an existing workspace, migrating it forward to the current schema.

        Raises
        ------
        WorkspaceError
            If the file is missing, is not a workspace, or comes from a newer clusterbrain.
        """
        path = Path(path)
        if not path.is_file():
            raise WorkspaceError(f"no workspace at {path}; create one with: clusterbrain init {path}")
        con = _connect(path, read_only=read_only)
        try:
            version = cls._version(con, path)
            if version > SCHEMA_VERSION:
                raise WorkspaceError(
                    f"{path} has schema version {version}, newer than this clusterbrain ({SCHEMA_VERSION}); upgrade clusterbrain"
                )
            if version < SCHEMA_VERSION:
                if read_only:
                    raise WorkspaceError(f"{path} needs a migration to schema {SCHEMA_VERSION}; open it writable once")
                migrate(con, version)
        except BaseException:
            con.close()
            raise
        return cls(path, con)

    @staticmethod
    def _version(con: duckdb.DuckDBPyConnection, path: Path) -> int:
        try:
            rows = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
        except duckdb.CatalogException as exc:
            raise WorkspaceError(f"{path} is a DuckDB file but not a clusterbrain workspace") from exc
        if not rows:
            raise WorkspaceError(f"{path} has no schema version; it is not a clusterbrain workspace")
        return int(rows[0][0])

    def close(self) -> None:
        """Close the connection (checkpointing the file)."""
        self.con.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def import_file(self, kind: str, path: str | Path, *, progress: Progress | None = None) -> ImportReport:
        """Import a CSV, XLSX or Parquet file into the table of ``kind``; see :func:`import_file`."""
        return import_file(self.con, kind, Path(path), progress=progress)

    def import_table(
        self, kind: str, data: pa.Table | Iterable[pa.RecordBatch], *, source: str, schema: pa.Schema | None = None
    ) -> ImportReport:
        """Import Arrow data of canonical columns, with the same validation as a file.

        ``data`` is a table, or an iterable of record batches together with their ``schema``.
        ``source`` names the data in the provenance record.
        """
        if isinstance(data, pa.Table):
            schema, batches = data.schema, data.to_batches()
        elif schema is None:
            raise TypeError("import_table needs the schema when given record batches")
        else:
            batches = data
        return import_batches(
            self.con, kind, tuple(schema.names), number_rows(batches), file_name=source, file_format="arrow"
        )

    def count(self, table: str) -> int:
        """Number of rows in a workspace table."""
        if table not in self.table_names():
            raise WorkspaceError(f"no table {table!r} in the workspace")
        return int(self.con.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0])

    def table_names(self) -> list[str]:
        """Names of the workspace's tables."""
        return [
            r[0]
            for r in self.con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY table_name"
            ).fetchall()
        ]

    def info(self) -> WorkspaceInfo:
        """Describe the workspace: tables and row counts, years, schemes, provenance."""
        con = self.con
        tables = {name: self.count(name) for name in self.table_names()}
        years = {
            name: [
                r[0]
                for r in con.execute(f"SELECT DISTINCT year FROM {name} WHERE year IS NOT NULL ORDER BY 1").fetchall()
            ]
            for name in ("stats", "firm_years", "links")
        }
        schemes = [
            {"scheme": s, "codes": n, "levels": sorted(levels), "title": SCHEMES[s].title_en if s in SCHEMES else s}
            for s, n, levels in con.execute(
                "SELECT scheme, count(*), list(DISTINCT level) FROM industries GROUP BY scheme ORDER BY scheme"
            ).fetchall()
        ]
        cursor = con.execute("SELECT * FROM imports ORDER BY import_id")
        names = [d[0] for d in cursor.description]
        imports = [
            {
                k: (v.isoformat(timespec="seconds") if hasattr(v, "isoformat") else v)
                for k, v in zip(names, row, strict=True)
            }
            for row in cursor.fetchall()
        ]
        version = self._version(con, self.path)
        return WorkspaceInfo(str(self.path), version, tables, years, schemes, imports)

    def checksum(self) -> dict[str, tuple[int, int]]:
        """Row count and an order-independent content hash of every data table.

        Two calls give the same result exactly when no table changed; the tests use it
        to prove that a refused import leaves the workspace as it was.
        """
        out = {}
        for name in [*TABLES, "imports"]:
            (row,) = self.con.execute(f"SELECT count(*), coalesce(sum(hash(t)), 0) FROM {name} t").fetchall()
            out[name] = (int(row[0]), int(row[1]))
        return out
