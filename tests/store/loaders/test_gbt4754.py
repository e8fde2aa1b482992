"""GB/T 4754-2017 code list loader."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyarrow as pa
import pytest

from clusterbrain.exceptions import SchemaError
from clusterbrain.store.loaders import LOADERS, detect_loader
from clusterbrain.store.loaders.gbt4754 import read_gbt4754_list

XLSX = "cn_gbt4754_2017/gbt4754_2017_output_from_docx.xlsx"
CSV = "cn_gbt4754_2017/gbt4754_2017_codes.csv"


@pytest.fixture(scope="module", params=[XLSX, CSV], ids=["xlsx", "csv"])
def industries(request: pytest.FixtureRequest, shared_data: Path, require) -> pa.Table:
    return read_gbt4754_list(require(shared_data / request.param))


def test_counts_per_level_match_source(industries: pa.Table, assert_canonical) -> None:
    assert_canonical(industries, "industries")
    assert Counter(industries["level"].to_pylist()) == {1: 20, 2: 97, 3: 473, 4: 1_381}
    assert len(set(industries["code"].to_pylist())) == industries.num_rows
    assert set(industries["scheme"].to_pylist()) == {"gbt4754_2017"}
    assert industries["name_en"].null_count == industries.num_rows


def test_parents_are_the_next_level_up(industries: pa.Table) -> None:
    rows = industries.to_pylist()
    level = {r["code"]: r["level"] for r in rows}
    for r in rows:
        if r["level"] == 1:
            assert r["parent_code"] is None and len(r["code"]) == 1
        else:
            assert level[r["parent_code"]] == r["level"] - 1
            assert len(r["code"]) == r["level"]
            if r["level"] > 2:
                assert r["code"].startswith(r["parent_code"])


def test_known_codes(industries: pa.Table) -> None:
    rows = {r["code"]: r for r in industries.to_pylist()}
    assert (rows["C"]["name"], rows["39"]["parent_code"]) == ("制造业", "C")
    assert (rows["3911"]["name"], rows["3911"]["parent_code"]) == ("计算机整机制造", "391")
    # a single-class group printed on the line of its class gets its own row
    assert (rows["019"]["name"], rows["019"]["level"], rows["019"]["parent_code"]) == ("其他农业", 3, "01")
    assert rows["0190"]["parent_code"] == "019"


def test_groups_come_before_their_classes(industries: pa.Table) -> None:
    codes = industries["code"].to_pylist()
    position = {c: i for i, c in enumerate(codes)}
    assert all(position[c[:3]] < position[c] for c in codes if len(c) == 4)
    assert codes[:4] == ["A", "01", "011", "0111"]


def test_xlsx_and_csv_agree(shared_data: Path, require) -> None:
    a = read_gbt4754_list(require(shared_data / XLSX))
    b = read_gbt4754_list(require(shared_data / CSV))
    assert a.equals(b)


def test_sparse_list_without_filled_down_codes(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        "门类,大类,中类,小类,类别名称,说明\n"
        "A,,,,农、林、牧、渔业,\n"
        ",01,,,农业,\n"
        ",,011,,谷物种植,\n"
        ",,,0111,稻谷种植,\n"
        ",,019,0190,其他农业,\n",
        encoding="utf-8",
    )
    rows = [(r["code"], r["level"], r["parent_code"], r["name"]) for r in read_gbt4754_list(path).to_pylist()]
    assert rows == [
        ("A", 1, None, "农、林、牧、渔业"),
        ("01", 2, "A", "农业"),
        ("011", 3, "01", "谷物种植"),
        ("0111", 4, "011", "稻谷种植"),
        ("019", 3, "01", "其他农业"),
        ("0190", 4, "019", "其他农业"),
    ]


def test_line_without_name_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("门类,大类,中类,小类,类别名称\nA,,,,农、林、牧、渔业\nA,01,,,\n", encoding="utf-8")
    with pytest.raises(SchemaError, match="line 2"):
        read_gbt4754_list(path)


def test_headers_detect_loader() -> None:
    assert detect_loader("industries", ["门类", "大类", "中类", "小类", "类别名称", "说明"]) is LOADERS["gbt4754-list"]
    header = ["level", "code", "section", "division", "group", "class", "name_zh", "note_zh"]
    assert detect_loader("industries", header) is LOADERS["gbt4754-list"]
