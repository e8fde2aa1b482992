"""Sector-level input–output study of an imported table: linkages, key sectors and links, imports, shocks.

Reads a table imported with ``clusterbrain import io-table FILE -w W`` (workspace tables
``io_tables``, ``io_codes``, ``io_entries``), builds the engine's
:class:`~clusterbrain.network.sector.IOTable` and returns one JSON-serialisable
:class:`IOStudy`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from clusterbrain._validation import check_option, check_scalar
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.network.sector import (
    ImportDependence,
    IOTable,
    KeyLinks,
    Linkages,
    demand_shock,
    import_dependence,
    key_links,
    linkages,
    proportional_import_split,
    sector_extractions,
    supply_shock,
)
from clusterbrain.workflow.evidence import Evidence, Finding, plain, records

__all__ = ["IOShock", "IOStudy", "io_tables", "load_io_table", "study_io"]

_META = "SELECT table_id, year, n_sectors, form, unit, source FROM io_tables"


def io_tables(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The input–output tables of the workspace: ``table_id, year, n_sectors, form, unit, source``."""
    return con.sql(f"{_META} ORDER BY year, n_sectors, table_id").to_arrow_table().to_pandas()


def _meta(con: duckdb.DuckDBPyConnection, table_id: str) -> dict[str, Any]:
    rows = con.sql(f"{_META} WHERE table_id = $id", params={"id": table_id}).fetchall()
    if not rows:
        known = [r[0] for r in con.sql("SELECT table_id FROM io_tables ORDER BY table_id").fetchall()]
        listed = ", ".join(known) if known else "none (import one with `clusterbrain import io-table FILE -w W`)"
        raise InvalidParameterError(f"Unknown input-output table {table_id!r}; the workspace has: {listed}.")
    return dict(zip(("table_id", "year", "n_sectors", "form", "unit", "source"), rows[0], strict=True))


def _load(
    con: duckdb.DuckDBPyConnection, table_id: str, domestic_only: bool
) -> tuple[IOTable, list[str], dict[str, Any]]:
    meta = _meta(con, table_id)
    codes = con.sql(
        "SELECT code, name_en, name_zh FROM io_codes WHERE table_id = $id AND axis = 'row' AND block = 'intermediate' "
        "ORDER BY position",
        params={"id": table_id},
    ).fetchall()
    sectors = [c[0] for c in codes]
    entries = (
        con.sql(
            "SELECT row_code, origin, col_code, value FROM io_entries WHERE table_id = $id", params={"id": table_id}
        )
        .to_arrow_table()
        .to_pandas()
    )
    pos = pd.Series(np.arange(len(sectors)), index=sectors)
    rows, cols = entries["row_code"].map(pos), entries["col_code"].map(pos)
    n = len(sectors)

    def block(origin: str) -> np.ndarray:
        # intermediate block of one origin, sector rows x sector columns
        out = np.zeros((n, n))
        hit = rows.notna() & cols.notna() & (entries["origin"] == origin)
        out[rows[hit].astype(int), cols[hit].astype(int)] = entries.loc[hit, "value"]
        return out

    def column(code: str, origin: str) -> np.ndarray:
        # a non-sector column (GO, TFU, EX, IM) of one origin, by sector row
        out = np.zeros(n)
        hit = rows.notna() & (entries["col_code"] == code) & (entries["origin"] == origin)
        out[rows[hit].astype(int)] = entries.loc[hit, "value"]
        return out

    def row(code: str) -> np.ndarray:
        out = np.zeros(n)
        hit = cols.notna() & (entries["row_code"] == code)
        out[cols[hit].astype(int)] = entries.loc[hit, "value"]
        return out

    notes: list[str] = []
    z_m: np.ndarray | None = None
    basis = "observed"
    if meta["form"] == "non_competitive":
        z_d, z_m = block("domestic"), block("imports")
        x, f_d = column("GO", "domestic"), column("TFU", "domestic")
        imports_final, imports = column("TFU", "imports"), column("GO", "imports")
        z, f = (z_d, f_d) if domestic_only else (z_d + z_m, f_d + imports_final - imports)
    elif {"EX", "IM"} <= set(entries["col_code"]):
        z, x, tfu, imports = block("total"), column("GO", "total"), column("TFU", "total"), column("IM", "total")
        z_d, z_m = proportional_import_split(z, tfu - column("EX", "total"), imports)
        basis = "proportional"
        notes.append(
            "Competitive-import table: imported intermediate inputs estimated by the import-proportionality "
            "assumption (each user takes the product's share of imports in domestic absorption)."
        )
        # the domestic row balance: x = Z^d 1 + f^d, imported intermediate use moves out of f
        z, f = (z_d, tfu - imports + z_m.sum(axis=1)) if domestic_only else (z, tfu - imports)
    else:
        z, x = block("total"), column("GO", "total")
        f = x - z.sum(axis=1)
        domestic_only = False
        notes.append("Competitive-import table without EX/IM columns: domestic and imported flows are not separated.")
    keep = x > 0
    if not keep.all():
        dropped = [s for s, k in zip(sectors, keep, strict=True) if not k]
        notes.append(
            f"Sectors without output left out (their sales to them count as final demand): {', '.join(dropped)}."
        )
        f = f + z[:, ~keep].sum(axis=1)
    names_zh = {c[0]: c[2] or c[1] or c[0] for c in codes}
    sel = np.flatnonzero(keep)
    table = IOTable(
        z[np.ix_(sel, sel)],
        x[sel],
        final_demand=f[sel],
        value_added=row("TVA")[sel] if (entries["row_code"] == "TVA").any() else None,
        imported_inputs=None if z_m is None else z_m[np.ix_(sel, sel)],
        codes=[sectors[i] for i in sel],
        names=[codes[i][1] or sectors[i] for i in sel],
        domestic=domestic_only,
        import_basis=basis,
        unit=meta["unit"] or "",
        label=table_id,
    )
    return table, notes, {**meta, "names_zh": names_zh}


def load_io_table(con: duckdb.DuckDBPyConnection, table_id: str, *, domestic_only: bool = True) -> IOTable:
    """Build the engine's :class:`IOTable` from an imported input–output table.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.
    table_id : str
        Id in ``io_tables`` (e.g. ``china_2018_42``).
    domestic_only : bool, default True
        Intermediate flows of domestic output only, imports treated as primary inputs (the
        usual basis of domestic multipliers and linkages); otherwise total (domestic +
        imported) flows, with final demand net of imports. Non-competitive tables (separate
        import rows) split observed flows; competitive tables are split by the
        import-proportionality assumption (``import_basis == "proportional"``; see
        :func:`~clusterbrain.network.sector.proportional_import_split`). Either way
        ``imported_inputs`` holds the imported intermediate flows.

    Returns
    -------
    IOTable
        Sector codes and English names in table order; sectors with zero output are left
        out (their purchases from others move to final demand).

    Raises
    ------
    InvalidParameterError
        If the table is unknown (the message lists those in the workspace) or does not balance.
    """
    return _load(con, table_id, domestic_only)[0]


@dataclass(frozen=True, eq=False)
class IOShock:
    """Outcome of a demand (Leontief) or supply (Ghosh) shock on a table."""

    kind: str
    changes: dict[str, float]
    codes: tuple[str, ...]
    names: tuple[str, ...]
    delta_x: np.ndarray

    def to_frame(self) -> pd.DataFrame:
        """``code, name, delta_x`` by sector, largest absolute change first."""
        frame = pd.DataFrame({"code": self.codes, "name": self.names, "delta_x": self.delta_x})
        return frame.reindex(frame["delta_x"].abs().sort_values(ascending=False, kind="stable").index)

    def to_dict(self, k: int = 10) -> dict[str, Any]:
        """Plain JSON data: the shock, the total output change, the multiplier and the ``k`` most affected sectors."""
        size = sum(self.changes.values())
        total = float(self.delta_x.sum())
        return {
            "kind": self.kind,
            "changes": self.changes,
            "total_change": total,
            "multiplier": total / size if size else None,
            "sectors": records(self.to_frame().head(k)),
        }


@dataclass(frozen=True, eq=False)
class IOStudy:
    """A sector-level input–output study (see :func:`study_io`)."""

    meta: dict[str, Any]
    domestic_only: bool
    import_basis: str
    notes: tuple[str, ...]
    linkages: Linkages
    extractions: pd.DataFrame
    key_links: KeyLinks
    imports: ImportDependence | None
    shock: IOShock | None
    findings: tuple[Finding, ...]
    top: int

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data: table, notes, linkages (with extraction losses), key sectors, key links, imports, shock."""
        zh = self.meta["names_zh"]
        extraction = self.extractions.drop(columns="name").set_index("code").add_prefix("extraction_")
        table = self.linkages.to_frame().merge(extraction, left_on="code", right_index=True)
        table.insert(2, "name_zh", table["code"].map(zh))
        lk = table.set_index("code")
        links = self.key_links.top(self.top)
        links.insert(2, "supplier_name_zh", links["supplier"].map(zh))
        links.insert(5, "buyer_name_zh", links["buyer"].map(zh))
        imports = None
        if self.imports is not None:
            frame = self.imports.to_frame().sort_values("rank", kind="stable").head(self.top)
            frame.insert(2, "name_zh", frame["code"].map(zh))
            imports = {"basis": self.imports.basis, "top": records(frame)}
        meta = {k: v for k, v in self.meta.items() if k != "names_zh"}
        return {
            "table": plain({**meta, "domestic_only": self.domestic_only, "import_basis": self.import_basis}),
            "notes": list(self.notes),
            "forward_basis": self.linkages.forward_basis,
            "linkages": records(table),
            "key_sectors": records(
                lk.loc[list(self.linkages.key_sectors), ["name", "name_zh", "backward", "forward"]].reset_index()
            ),
            "key_links": records(links),
            "import_dependence": imports,
            "shock": None if self.shock is None else self.shock.to_dict(self.top),
            "findings": [f.to_dict() for f in self.findings],
        }


def study_io(
    con: duckdb.DuckDBPyConnection,
    table_id: str,
    *,
    shock: Mapping[str, float] | None = None,
    shock_kind: str = "demand",
    domestic_only: bool = True,
    forward: str = "ghosh",
    top: int = 10,
) -> IOStudy:
    """Linkages, key sectors, key links, import dependence and (optionally) a shock on one imported table.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace connection.
    table_id : str
        Id in ``io_tables``.
    shock : mapping of sector code to change, optional
        Change of final demand (``shock_kind="demand"``, Leontief) or of primary inputs
        (``"supply"``, Ghosh), in the table's unit.
    shock_kind : {"demand", "supply"}
    domestic_only : bool, default True
        See :func:`load_io_table`.
    forward : {"ghosh", "leontief"}
        Forward linkage used to classify key sectors (see :func:`~clusterbrain.network.sector.linkages`).
    top : int, default 10
        How many key links, import-dependent sectors and shocked sectors to report.

    Returns
    -------
    IOStudy

    Raises
    ------
    InvalidParameterError
        Unknown table or sector (the message lists the available ones), bad option.
    """
    check_option(shock_kind, "shock_kind", "study_io", ("demand", "supply"))
    check_scalar(top, "top", "study_io", integer=True, low=1)
    table, notes, meta = _load(con, table_id, domestic_only)
    result = None
    if shock:
        changes = {str(k): float(v) for k, v in shock.items()}
        run = demand_shock if shock_kind == "demand" else supply_shock
        result = IOShock(shock_kind, changes, tuple(table.codes), tuple(table.names), run(table, changes))
    lk = linkages(table, forward=forward)
    imports = None if table.imported_inputs is None else import_dependence(table)
    return IOStudy(
        meta=meta,
        domestic_only=table.domestic,
        import_basis=table.import_basis if imports is not None else "",
        notes=tuple(notes),
        linkages=lk,
        extractions=sector_extractions(table),
        key_links=key_links(table),
        imports=imports,
        shock=result,
        findings=_findings(meta, lk, imports, int(top)),
        top=int(top),
    )


def _findings(
    meta: dict[str, Any], linked: Linkages, imports: ImportDependence | None, top: int
) -> tuple[Finding, ...]:
    source, year = f"io_tables:{meta['table_id']}", meta["year"]
    zh = meta["names_zh"]
    where = {c: i for i, c in enumerate(linked.codes)}
    out = []
    for code in linked.key_sectors[:top]:
        i = where[code]
        bl, fl = float(linked.backward[i]), float(linked.forward[i])
        out.append(
            Finding(
                id=f"io_key_sector:{code}",
                kind="classification",
                text_zh=f"关键部门:{zh.get(code, code)}(后向关联 {bl:.2f},前向关联 {fl:.2f})",
                text_en=f"Key sector: {linked.names[i]} (backward linkage {bl:.2f}, forward linkage {fl:.2f})",
                evidence=(
                    Evidence("backward_linkage", bl, threshold=1.0, source=source, year=year),
                    Evidence("forward_linkage", fl, threshold=1.0, source=source, year=year),
                ),
                data={"sector": code},
            )
        )
    if imports is not None:
        imp = imports.to_frame().sort_values("rank", kind="stable").head(3)
        out.extend(
            Finding(
                id=f"io_import_dependence:{r.code}",
                kind="risk",
                text_zh=f"进口依赖:{zh.get(r.code, r.code)} 每单位最终需求含进口 {r.total_content:.1%}(直接与间接)",
                text_en=f"Import dependence: {r.name} embodies {r.total_content:.1%} imports per unit of final demand",
                evidence=(
                    Evidence("total_import_content", r.total_content, source=source, year=year),
                    Evidence("direct_import_share", r.direct_share, source=source, year=year),
                ),
                severity=2,
                data={"sector": r.code, "rank": r.rank, "basis": imports.basis},
            )
            for r in imp.itertuples()
        )
    return tuple(out)
