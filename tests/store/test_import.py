"""Imports that succeed: formats, aliases, encodings, idempotence, replacement, provenance."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from clusterbrain.store import Workspace

ROWS = [
    (2020, "330100", "gbt4754_2017", "39", 1200, 35),
    (2020, "330100", "gbt4754_2017", "38", 800, 20),
    (2021, "330100", "gbt4754_2017", "39", 1500, 41),
    (2021, "330200", "gbt4754_2017", "3911", 90, 4),
]
HEADER = ["year", "region_id", "scheme", "industry_code", "employment", "establishments"]


def _csv(path: Path, header: list[str], rows: list[tuple], encoding: str = "utf-8") -> Path:
    text = ",".join(header) + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows)
    path.write_bytes(text.encode(encoding))
    return path


def _stats(ws: Workspace) -> list[tuple]:
    return ws.con.execute(
        "SELECT year, region_id, scheme, industry_code, employment, establishments FROM stats ORDER BY ALL"
    ).fetchall()


def _expected() -> list[tuple]:
    return sorted((y, r, s, c, float(e), float(n)) for y, r, s, c, e, n in ROWS)


def test_csv_import_writes_typed_rows(workspace: Workspace, tmp_path: Path) -> None:
    report = workspace.import_file("stats", _csv(tmp_path / "s.csv", HEADER, ROWS))
    assert (report.rows_read, report.rows_written, report.rows_replaced) == (4, 4, 0)
    assert _stats(workspace) == _expected()


def test_xlsx_and_parquet_give_the_same_rows_as_csv(workspace: Workspace, tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(HEADER)
    for row in ROWS:
        book.active.append(list(row))
    book.save(tmp_path / "s.xlsx")
    workspace.import_file("stats", tmp_path / "s.xlsx")
    from_xlsx = _stats(workspace)
    columns = list(zip(*ROWS, strict=True))
    pq.write_table(pa.table(dict(zip(HEADER, map(list, columns), strict=True))), tmp_path / "s.parquet")
    report = workspace.import_file("stats", tmp_path / "s.parquet")
    assert report.rows_replaced == 4
    assert from_xlsx == _stats(workspace) == _expected()


def test_chinese_headers_gbk_and_thousands_separators(workspace: Workspace, tmp_path: Path) -> None:
    text = (
        "统一社会信用代码,企业名称,所属地区,分类体系,行业代码,成立年份,从业人数,营业收入,用地面积（亩）,标签\n"
        '91330100MA2B3C4D5E,杭州示例电池有限公司,330100,gbt4754_2017,3841,2015,"1,250","35,000.5",88,专精特新;规上\n'
    )
    path = tmp_path / "firms.csv"
    path.write_bytes(text.encode("gbk"))
    report = workspace.import_file("firms", path)
    assert report.rows_written == 1
    row = workspace.con.execute(
        "SELECT firm_id, name, region_id, industry_code, founded, employees, revenue, land_mu, tags FROM firms"
    ).fetchone()
    assert row == (
        "91330100MA2B3C4D5E",
        "杭州示例电池有限公司",
        "330100",
        "3841",
        2015,
        1250.0,
        35000.5,
        88.0,
        "专精特新;规上",
    )


def test_reimporting_the_same_file_changes_nothing(workspace: Workspace, tmp_path: Path) -> None:
    path = _csv(tmp_path / "s.csv", HEADER, ROWS)
    workspace.import_file("stats", path)
    first = workspace.checksum()
    report = workspace.import_file("stats", path)
    second = workspace.checksum()
    assert report.rows_replaced == len(ROWS)
    assert {k: v for k, v in first.items() if k != "imports"} == {k: v for k, v in second.items() if k != "imports"}


def test_newer_rows_replace_older_rows_by_key(workspace: Workspace, tmp_path: Path) -> None:
    workspace.import_file("stats", _csv(tmp_path / "a.csv", HEADER, ROWS))
    workspace.import_file("stats", _csv(tmp_path / "b.csv", HEADER, [(2020, "330100", "gbt4754_2017", "39", 1300, 36)]))
    assert workspace.count("stats") == 4
    value = workspace.con.execute("SELECT employment FROM stats WHERE year = 2020 AND industry_code = '39'").fetchone()[
        0
    ]
    assert value == 1300.0


def test_provenance_records_name_hash_time_and_rows(workspace: Workspace, tmp_path: Path) -> None:
    path = _csv(tmp_path / "s.csv", HEADER, ROWS)
    workspace.import_file("stats", path)
    last = workspace.info().imports[-1]
    assert last["file_name"] == "s.csv"
    assert last["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (last["rows_read"], last["rows_written"], last["kind"]) == (4, 4, "stats")
    assert last["imported_at"]


def test_unknown_columns_are_ignored_and_reported(workspace: Workspace, tmp_path: Path) -> None:
    report = workspace.import_file("stats", _csv(tmp_path / "s.csv", [*HEADER, "comment"], [(*ROWS[0], "ok")]))
    assert report.ignored_columns == ("comment",)


def test_booleans_and_external_link_endpoints(workspace: Workspace, tmp_path: Path) -> None:
    _csv(tmp_path / "f.csv", ["firm_id", "name", "region_id"], [("A", "甲", "330100"), ("B", "乙", "330100")])
    workspace.import_file("firms", tmp_path / "f.csv")
    links = [("A", "B", 2020, 10, "否"), ("JP-1", "A", 2020, 5, "是")]
    _csv(tmp_path / "l.csv", ["supplier_id", "customer_id", "year", "value", "supplier_external"], links)
    workspace.import_file("links", tmp_path / "l.csv")
    rows = workspace.con.execute("SELECT supplier_id, supplier_external FROM links ORDER BY 1").fetchall()
    assert rows == [("A", False), ("JP-1", True)]


def test_region_file_may_reference_its_own_rows(workspace: Workspace, tmp_path: Path) -> None:
    rows = [("P1", "示例园区", "park", "X1"), ("X1", "示例新区", "district", "330100")]
    workspace.import_file("regions", _csv(tmp_path / "r.csv", ["region_id", "name", "level", "parent_id"], rows))
    assert workspace.con.execute("SELECT parent_id FROM regions WHERE region_id = 'P1'").fetchone() == ("X1",)


def test_import_table_validates_arrow_data(workspace: Workspace) -> None:
    table = pa.table({"region_id": ["Q1"], "name": ["某地"], "level": ["park"], "parent_id": ["330100"]})
    report = workspace.import_table("regions", table, source="test:arrow")
    assert report.file_name == "test:arrow"
    assert workspace.con.execute("SELECT level FROM regions WHERE region_id = 'Q1'").fetchone() == ("park",)


@pytest.mark.parametrize("kind", ["institutions", "policies", "targets", "projects", "firm-years"])
def test_every_kind_imports_a_minimal_file(workspace: Workspace, tmp_path: Path, kind: str) -> None:
    _csv(tmp_path / "f.csv", ["firm_id", "name", "region_id"], [("A", "甲", "330100")])
    workspace.import_file("firms", tmp_path / "f.csv")
    files = {
        "institutions": (["inst_id", "name", "kind", "region_id"], [("I1", "浙江大学", "university", "330100")]),
        "policies": (["policy_id", "name", "valid_from", "rules"], [("P1", "研发补助", "2024-01-01", '"{}"')]),
        "targets": (["region_id", "kpi", "year", "target"], [("330100", "output", 2030, 1.5e9)]),
        "projects": (
            ["project_id", "name", "region_id", "type", "budget"],
            [("J1", "电池项目", "330100", "anchor", 5e8)],
        ),
        "firm-years": (["firm_id", "year", "revenue"], [("A", 2022, 100)]),
    }
    header, rows = files[kind]
    report = workspace.import_file(kind, _csv(tmp_path / "x.csv", header, rows))
    assert report.rows_written == 1
