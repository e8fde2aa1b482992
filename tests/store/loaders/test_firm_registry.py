"""Firm-registry loader (企查查-style exports), on small files made in the tests."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from clusterbrain.exceptions import ImportValidationError, SchemaError
from clusterbrain.store.loaders import LOADERS, detect_loader
from clusterbrain.store.loaders.firm_registry import detect_firm_registry, read_firm_registry

HEADER = [
    "统一社会信用代码",
    "企业名称",
    "成立日期",
    "注册资本",
    "所属省份",
    "所属城市",
    "所属区县",
    "国标行业门类",
    "国标行业大类",
    "国标行业中类",
    "国标行业小类",
    "参保人数",
    "经营范围",
    "企业类型",
    "登记状态",
]
ROWS = [
    [
        "91330106MA0000001A",
        "杭州甲科技有限公司",
        "2015-03-12",
        "1000万元人民币",
        "浙江省",
        "杭州市",
        "西湖区",
        "C 制造业",
        "39 计算机、通信和其他电子设备制造业",
        "391 计算机制造",
        "3911 计算机整机制造",
        "52",
        "计算机整机制造；软件开发",
        "有限责任公司(自然人投资或控股)",
        "存续",
    ],
    [
        "91360103MA0000002B",
        "南昌乙电子有限公司",
        "2001/7/1",
        "50万元人民币",
        "江西省",
        "南昌市",
        "西湖区",
        "C",
        "39",
        "-",
        "-",
        "-",
        "-",
        "有限责任公司",
        "注销",
    ],
    [
        "91110108MA0000003C",
        "北京丙信息技术有限公司",
        "19991231",
        "-",
        "北京市",
        "北京市",
        "海淀区",
        "I 信息传输、软件和信息技术服务业",
        "65 软件和信息技术服务业",
        "651",
        "",
        "1,200",
        "软件开发",
        "股份有限公司",
        "在业",
    ],
    [
        "91440300MA0000004D",
        "深圳丁有限公司",
        "2020-01-01",
        "",
        "广东",
        "深圳市",
        "",
        "",
        "",
        "",
        "",
        "0",
        "",
        "",
        "吊销，未注销",
    ],
    [
        "-",
        "杭州戊个体工商户",
        "",
        "",
        "浙江省",
        "杭州市",
        "不存在区",
        "制造业",
        "",
        "",
        "",
        "",
        "",
        "个体工商户",
        "存续",
    ],
]
EXPECTED = [
    # firm_id, region_id, scheme, industry_code, founded, employees, tags
    ("91330106MA0000001A", "330106", "gbt4754_2017", "3911", 2015, 52.0, "有限责任公司(自然人投资或控股);存续"),
    ("91360103MA0000002B", "360103", "gbt4754_2017", "39", 2001, None, "有限责任公司;注销"),
    ("91110108MA0000003C", "110108", "gbt4754_2017", "651", 1999, 1200.0, "股份有限公司;在业"),
    ("91440300MA0000004D", "440300", None, None, 2020, 0.0, "吊销，未注销"),
    (None, "330100", None, None, None, None, "个体工商户;存续"),
]


def _summary(rows: list[dict]) -> list[tuple]:
    keys = ("firm_id", "region_id", "scheme", "industry_code", "founded", "employees", "tags")
    return [tuple(r[k] for k in keys) for r in rows]


def _write_csv(path: Path, rows: list[list[str]], *, encoding: str = "utf-8", title: bool = False) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        if title:
            writer.writerow(["企查查导出 2026-01-01"])
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def test_csv_export_gives_canonical_firms(tmp_path: Path, assert_canonical) -> None:
    firms = read_firm_registry(_write_csv(tmp_path / "export.csv", ROWS))
    assert_canonical(firms, "firms")
    assert _summary(firms.to_pylist()) == EXPECTED


def test_other_columns(tmp_path: Path) -> None:
    first = read_firm_registry(_write_csv(tmp_path / "export.csv", ROWS)).to_pylist()[0]
    assert first["name"] == "杭州甲科技有限公司"
    assert first["business_scope"] == "计算机整机制造；软件开发"
    assert first["country"] == "CN"


def test_same_county_name_resolves_inside_its_city(tmp_path: Path) -> None:
    # 西湖区 is both 330106 (杭州) and 360103 (南昌)
    regions = read_firm_registry(_write_csv(tmp_path / "export.csv", ROWS))["region_id"].to_pylist()
    assert regions[:2] == ["330106", "360103"]


def test_deregistered_firms_are_kept_and_tagged(tmp_path: Path) -> None:
    tags = read_firm_registry(_write_csv(tmp_path / "export.csv", ROWS))["tags"].to_pylist()
    assert any("注销" in t for t in tags)
    assert len(tags) == len(ROWS)


def test_gb18030_csv_with_title_line(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "export.csv", ROWS, encoding="gb18030", title=True)
    assert _summary(read_firm_registry(path).to_pylist()) == EXPECTED


def test_xlsx_export_with_title_row_and_date_cells(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["企业数据导出"])
    sheet.append(HEADER)
    for row in ROWS:
        cells: list[object] = list(row)
        if row[2] == "2015-03-12":
            cells[2] = dt.datetime(2015, 3, 12)
        if row[11] == "52":
            cells[11] = 52
        sheet.append(cells)
    path = tmp_path / "export.xlsx"
    book.save(path)
    assert _summary(read_firm_registry(path).to_pylist()) == EXPECTED


def test_industry_code_column_drops_section_letter(tmp_path: Path) -> None:
    path = tmp_path / "gov.csv"
    path.write_text(
        "统一社会信用代码,企业名称,成立日期,所属省份,行业代码,营业收入,登记状态\n"
        "91330000MA0000009X,浙江己有限公司,2010-01-01,浙江省,C3911,12345.5,存续\n"
        "91330000MA0000010Y,浙江庚有限公司,2011-01-01,浙江省,C,,存续\n",
        encoding="utf-8",
    )
    rows = read_firm_registry(path).to_pylist()
    assert [(r["industry_code"], r["region_id"], r["revenue"]) for r in rows] == [
        ("3911", "330000", 12345.5),
        ("C", "330000", None),
    ]


def test_registration_number_replaces_blank_credit_code(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "统一社会信用代码,注册号,企业名称,成立日期,所属省份,登记状态\n-,330106600000001,某个体户,2008-05-01,浙江省,存续\n",
        encoding="utf-8",
    )
    assert read_firm_registry(path)["firm_id"].to_pylist() == ["330106600000001"]


def test_file_without_name_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(SchemaError, match="企业名称"):
        read_firm_registry(path)


def test_detects_registry_exports_only() -> None:
    assert detect_firm_registry(HEADER)
    assert detect_loader("firms", HEADER) is LOADERS["firm-registry"]
    # a canonical firms file with Chinese aliases is left to the generic importer
    assert not detect_firm_registry(["统一社会信用代码", "企业名称", "行业代码", "营业收入"])
    assert detect_loader("firms", ["统一社会信用代码", "企业名称", "行业代码", "营业收入"]) is None


def test_text_in_numeric_or_date_columns_is_refused_with_its_row(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "企查查导出\n"
        "统一社会信用代码,企业名称,成立日期,所属省份,参保人数,登记状态\n"
        "91330000MA0000011Z,浙江辛有限公司,2010-01-01,浙江省,12,存续\n"
        "91330000MA0000012Z,浙江壬有限公司,不详,浙江省,约50人,存续\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportValidationError) as info:
        read_firm_registry(path)
    problems = [(p.row, p.column, p.value) for p in info.value.problems]
    assert problems == [(4, "成立日期", "不详"), (4, "参保人数", "约50人")]
    assert "export.csv, row 4, column '参保人数': value '约50人': must be a number" in str(info.value)
