"""Tushare stock_basic loader: listed companies as firms."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pytest

from clusterbrain.exceptions import SchemaError
from clusterbrain.store.loaders import LOADERS, detect_loader
from clusterbrain.store.loaders.listed import area_region, read_tushare_stock_basic

STOCK_BASIC = "cn_listed_companies/stock_basic.csv"


@pytest.fixture(scope="module")
def stock_path(shared_data: Path, require) -> Path:
    return require(shared_data / STOCK_BASIC)


@pytest.fixture(scope="module")
def firms(stock_path: Path) -> pa.Table:
    return read_tushare_stock_basic(stock_path)


def test_rows_and_ids_match_source(firms: pa.Table, assert_canonical) -> None:
    assert_canonical(firms, "firms")
    assert firms.num_rows == 5_524
    ids = firms["firm_id"].to_pylist()
    assert len(set(ids)) == 5_524
    assert ids[0] == "000001.SZ"
    assert firms.slice(0, 1).to_pylist()[0]["name"] == "平安银行"


def test_market_counts_match_source(firms: pa.Table) -> None:
    markets = Counter(tag.split(";")[1] for tag in firms["tags"].to_pylist())
    assert markets == {"主板": 3_199, "创业板": 1_398, "科创板": 610, "北交所": 317}


def test_tags_carry_listing_and_controller_type(firms: pa.Table, stock_path: Path) -> None:
    with stock_path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    expected = [
        ";".join(
            p
            for p in ("listed", r["market"], r["act_ent_type"], r["industry"] and f"tushare_industry:{r['industry']}")
            if p
        )
        for r in rows
    ]
    assert firms["tags"].to_pylist() == expected
    assert firms["tags"].to_pylist()[0] == "listed;主板;其他;tushare_industry:银行"


def test_regions_from_area(firms: pa.Table, stock_path: Path) -> None:
    with stock_path.open(encoding="utf-8") as handle:
        areas = [r["area"] for r in csv.DictReader(handle)]
    regions = firms["region_id"].to_pylist()
    # 5 rows have an empty area; every other area (32 values) resolves
    assert sum(r is None for r in regions) == 5
    assert all(r is None for a, r in zip(areas, regions, strict=True) if not a)
    counts = Counter(regions)
    assert counts["440300"] == 428  # 深圳, listed apart from 广东
    assert counts["440000"] == 467  # 广东
    assert counts["330000"] == 743  # 浙江
    assert counts["150000"] == 29  # 内蒙
    assert len(set(regions) - {None}) == 32


def test_firm_columns_left_empty_on_purpose(firms: pa.Table) -> None:
    for column in ("founded", "scheme", "industry_code"):
        assert firms[column].null_count == firms.num_rows
    assert set(firms["country"].to_pylist()) == {"CN"}


@pytest.mark.parametrize(
    ("area", "code"),
    [
        ("浙江", "330000"),
        ("北京", "110000"),
        ("内蒙", "150000"),
        ("新疆", "650000"),
        ("吉林", "220000"),
        ("深圳", "440300"),
        ("宁波", "330200"),
        ("大连", "210200"),
        ("青岛", "370200"),
        ("厦门", "350200"),
        ("", None),
        ("火星", None),
    ],
)
def test_area_region(area: str, code: str | None) -> None:
    assert area_region(area) == code


def test_constructed_file_with_empty_area(tmp_path: Path) -> None:
    path = tmp_path / "stock_basic.csv"
    path.write_text(
        "ts_code,symbol,name,area,industry,cnspell,market,list_date,act_name,act_ent_type\n"
        "600000.SH,600000,浦发银行,上海,银行,PFYH,主板,19991110,上海国际集团,地方国有企业\n"
        "920000.BJ,920000,某某,,,MM,北交所,20260101,,\n",
        encoding="utf-8",
    )
    rows = read_tushare_stock_basic(path).to_pylist()
    assert [(r["firm_id"], r["region_id"], r["tags"], r["country"]) for r in rows] == [
        ("600000.SH", "310000", "listed;主板;地方国有企业;tushare_industry:银行", "CN"),
        ("920000.BJ", None, "listed;北交所", "CN"),
    ]


def test_missing_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "stock_basic.csv"
    path.write_text("ts_code,name,area\n600000.SH,浦发银行,上海\n", encoding="utf-8")
    with pytest.raises(SchemaError, match="market"):
        read_tushare_stock_basic(path)


def test_header_detects_loader() -> None:
    header = ["ts_code", "symbol", "name", "area", "industry", "cnspell", "market", "list_date"]
    assert detect_loader("firms", header) is LOADERS["tushare-stock-basic"]
