"""National input-output tables of China in long form."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pytest

from clusterbrain.exceptions import SchemaError
from clusterbrain.store.loaders import IOTable, detect_io_table, read_io_table

IO_DIR = "cn_input_output"
FILES = {
    # file: table_id, sectors, form, rows x columns of the file (SOURCE.md)
    "china_2017_42.csv": ("china_2017_42", 42, "non_competitive", (91, 53)),
    "china_2018_42.csv": ("china_2018_42", 42, "non_competitive", (91, 53)),
    "china_2020_42.csv": ("china_2020_42", 42, "non_competitive", (91, 53)),
    "china_2017_149.csv": ("china_2017_149", 149, "competitive", (156, 165)),
    "china_2018_153.csv": ("china_2018_153", 153, "competitive", (160, 169)),
    "china_2020_153.csv": ("china_2020_153", 153, "competitive", (160, 169)),
}
SCHEMAS = {
    "table": ["table_id", "year", "n_sectors", "form", "unit", "source"],
    "codes": ["table_id", "code", "axis", "block", "name_en", "name_zh", "position"],
    "entries": ["table_id", "row_code", "origin", "col_code", "value"],
}


def _io(shared_data: Path, require, name: str) -> IOTable:
    return read_io_table(require(shared_data / IO_DIR / name))


def _cells(path: Path) -> tuple[int, int, int]:
    """Rows, columns and filled value cells of the file, counted with the csv module."""
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    first_value = 4 if "Origin" in header else 3
    filled = sum(1 for row in body for cell in row[first_value:] if cell != "")
    return len(body), len(header), filled


def _matrix(io: IOTable) -> dict[tuple[str, str, str], float]:
    e = io.entries.to_pydict()
    return {(r, o, c): v for r, o, c, v in zip(e["row_code"], e["origin"], e["col_code"], e["value"], strict=True)}


@pytest.mark.parametrize("name", sorted(FILES))
def test_table_row_and_shapes(name: str, shared_data: Path, require) -> None:
    io = _io(shared_data, require, name)
    table_id, sectors, form, shape = FILES[name]
    assert io.table.to_pylist() == [
        {
            "table_id": table_id,
            "year": int(name[6:10]),
            "n_sectors": sectors,
            "form": form,
            "unit": "10k CNY",
            "source": name,
        }
    ]
    assert io.table_id == table_id
    n_rows, n_cols, filled = _cells(shared_data / IO_DIR / name)
    assert (n_rows, n_cols) == shape
    # every filled cell is an entry (zeros too); only the blank cells are left out
    assert io.entries.num_rows == filled
    for part, columns in SCHEMAS.items():
        assert getattr(io, part).column_names == columns
    assert io.table.schema.field("year").type == pa.int32()
    assert io.entries.schema.field("value").type == pa.float64()


@pytest.mark.parametrize("name", sorted(FILES))
def test_codes_axes_and_blocks(name: str, shared_data: Path, require) -> None:
    io = _io(shared_data, require, name)
    _, sectors, form, _ = FILES[name]
    codes = io.codes.to_pylist()
    rows = [c for c in codes if c["axis"] == "row"]
    cols = [c for c in codes if c["axis"] == "col"]
    width = 3 if sectors > 99 else 2
    sector_codes = [f"{i:0{width}d}" for i in range(1, sectors + 1)]
    assert [c["code"] for c in rows if c["block"] == "intermediate"] == sector_codes
    assert [c["code"] for c in cols if c["block"] == "intermediate"] == sector_codes
    assert [c["position"] for c in rows] == list(range(1, len(rows) + 1))
    assert [c["position"] for c in cols] == list(range(1, len(cols) + 1))
    blocks = {c["code"]: c["block"] for c in rows}
    assert [blocks[k] for k in ("TII", "VA001", "VA004", "TVA", "TI")] == [
        "total",
        "value_added",
        "value_added",
        "value_added",
        "total",
    ]
    col_blocks = {c["code"]: c["block"] for c in cols}
    assert (col_blocks["TIU"], col_blocks["GO"], col_blocks["EX"]) == ("total", "total", "final_use")
    assert all(c["name_en"] and c["name_zh"] for c in codes)
    assert len(rows) == sectors + 7


def test_2018_153_total_input_equals_gross_output(shared_data: Path, require) -> None:
    m = _matrix(_io(shared_data, require, "china_2018_153.csv"))
    for i in range(1, 154):
        code = f"{i:03d}"
        assert m[("TI", "total", code)] == m[(code, "total", "GO")], code


@pytest.mark.parametrize("name", ["china_2017_149.csv", "china_2020_153.csv"])
def test_competitive_tables_balance(name: str, shared_data: Path, require) -> None:
    io = _io(shared_data, require, name)
    m = _matrix(io)
    for code in (c for c in io.codes.to_pydict()["code"][: FILES[name][1]]):
        assert m[("TI", "total", code)] == pytest.approx(m[(code, "total", "GO")], rel=1e-12)


@pytest.mark.parametrize("name", ["china_2017_42.csv", "china_2018_42.csv", "china_2020_42.csv"])
def test_42_sector_tables_have_domestic_and_imports_rows(name: str, shared_data: Path, require) -> None:
    io = _io(shared_data, require, name)
    e = io.entries.to_pydict()
    origins: dict[str, set[str]] = {}
    for row, origin in zip(e["row_code"], e["origin"], strict=True):
        origins.setdefault(row, set()).add(origin)
    for i in range(1, 43):
        assert origins[f"{i:02d}"] == {"domestic", "imports"}
    for total in ("TII", "VA001", "VA002", "VA003", "VA004", "TVA", "TI"):
        assert origins[total] == {"total"}
    # the gross output of the domestic rows is the total input of the sector
    m = _matrix(io)
    for i in range(1, 43):
        code = f"{i:02d}"
        assert m[(code, "domestic", "GO")] == pytest.approx(m[("TI", "total", code)], rel=1e-9)


def test_zero_cells_are_kept(shared_data: Path, require) -> None:
    values = _io(shared_data, require, "china_2018_153.csv").entries["value"].to_pylist()
    assert values.count(0.0) > 0


def _small(tmp_path: Path, body: str, name: str = "china_2019_2.csv") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_small_competitive_table(tmp_path: Path) -> None:
    path = _small(
        tmp_path,
        "Code,Description,DescriptionInChinese,01,02,TIU,EX,TFU,GO\n"
        "01,Farming,农业,1,2,3,4,4,7\n"
        "02,Industry,工业,0,5,5,1,1,6\n"
        "TII,Total intermediate input,中间投入合计,1,7,,,,\n"
        "VA001,Compensation of employees,劳动者报酬,6,-1,,,,\n"
        "TI,Total inputs,总投入,7,6,,,,\n",
    )
    io = read_io_table(path)
    assert io.table_id == "china_2019_2"
    assert io.entries.num_rows == 2 * 6 + 3 * 2  # sector rows full, total rows blank right of 02
    m = _matrix(io)
    assert m[("02", "total", "01")] == 0.0
    assert m[("VA001", "total", "02")] == -1.0
    assert ("TI", "total", "GO") not in m
    assert read_io_table(path, year=2019, table_id="toy").table_id == "toy"


def test_unknown_origin_is_refused(tmp_path: Path) -> None:
    path = _small(
        tmp_path,
        "Code,Description,DescriptionInChinese,Origin,01,GO\n01,Farming,农业,Foreign,1,1\n",
    )
    with pytest.raises(SchemaError, match="Origin 'Foreign'"):
        read_io_table(path)


def test_row_and_column_sectors_must_agree(tmp_path: Path) -> None:
    path = _small(tmp_path, "Code,Description,DescriptionInChinese,01,02,GO\n01,Farming,农业,1,1,2\n")
    with pytest.raises(SchemaError, match="differ"):
        read_io_table(path)


def test_detects_layout() -> None:
    assert detect_io_table(["Code", "Description", "DescriptionInChinese", "Origin", "01", "GO"])
    assert not detect_io_table(["cbsa_code", "naics_code"])
