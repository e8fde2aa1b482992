"""A catalogue of malformed files: each is refused with the right message and the workspace unchanged."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from clusterbrain.exceptions import ImportValidationError, SchemaError
from clusterbrain.store import Workspace

STATS = "year,region_id,scheme,industry_code,employment\n"
FIRMS = "firm_id,name,region_id,scheme,industry_code,founded,employees\n"
LINKS = "supplier_id,customer_id,year,value\n"


@dataclass(frozen=True)
class Case:
    """A malformed file: its kind, name, content, and what the refusal must say."""

    id: str
    kind: str
    name: str
    content: str
    message: str
    row: int | None = None
    column: str | None = None


CASES = [
    Case(
        "missing-required-column",
        "stats",
        "s.csv",
        "region_id,scheme,industry_code,employment\n330100,naics2022,11,5\n",
        "required column 'year' is missing",
        1,
        "year",
    ),
    Case(
        "no-measure-column",
        "stats",
        "s.csv",
        "year,region_id,scheme,industry_code\n2020,330100,naics2022,11\n",
        "at least one of these columns is required",
    ),
    Case(
        "negative-employment",
        "stats",
        "s.csv",
        STATS + "2020,330100,naics2022,11,5\n2020,330100,naics2022,21,-3\n",
        "negative values are impossible",
        3,
        "employment",
    ),
    Case(
        "text-in-number",
        "stats",
        "s.csv",
        STATS + "2020,330100,naics2022,11,many\n",
        "must be a number",
        2,
        "employment",
    ),
    Case("future-year", "stats", "s.csv", STATS + "2099,330100,naics2022,11,5\n", "is in the future", 2, "year"),
    Case("fractional-year", "stats", "s.csv", STATS + "2019.5,330100,naics2022,11,5\n", "whole number", 2, "year"),
    Case(
        "unknown-region", "stats", "s.csv", STATS + "2020,ZZ0000,naics2022,11,5\n", "unknown region id", 2, "region_id"
    ),
    Case("unknown-scheme", "stats", "s.csv", STATS + "2020,330100,sic1987,11,5\n", "unknown code scheme", 2, "scheme"),
    Case(
        "unknown-code",
        "stats",
        "s.csv",
        STATS + "2020,330100,naics2022,999999,5\n",
        "industry code not found",
        2,
        "industry_code",
    ),
    Case(
        "duplicate-key",
        "stats",
        "s.csv",
        STATS + "2020,330100,naics2022,11,5\n2020,330100,naics2022,11,6\n",
        "duplicate key",
        3,
    ),
    Case(
        "empty-required-value",
        "stats",
        "s.csv",
        STATS + "2020,,naics2022,11,5\n",
        "required value is empty",
        2,
        "region_id",
    ),
    Case(
        "firm-founded-in-future",
        "firms",
        "f.csv",
        FIRMS + "F1,甲公司,330100,gbt4754_2017,39,2100,10\n",
        "is in the future",
        2,
        "founded",
    ),
    Case(
        "negative-employees",
        "firms",
        "f.csv",
        FIRMS + "F1,甲公司,330100,gbt4754_2017,39,2001,-10\n",
        "negative values are impossible",
        2,
        "employees",
    ),
    Case("firm-without-place", "firms", "f.csv", "firm_id,name\nF1,甲公司\n", "needs a region_id", 2, "region_id"),
    Case(
        "code-without-scheme",
        "firms",
        "f.csv",
        "firm_id,name,region_id,industry_code\nF1,甲公司,330100,39\n",
        "without a scheme",
        2,
        "scheme",
    ),
    Case(
        "duplicate-firm-chinese-headers",
        "firms",
        "f.csv",
        "统一社会信用代码,企业名称,所属地区\n91330100X,甲公司,330100\n91330100X,乙公司,330100\n",
        "duplicate key",
        3,
        "firm_id",
    ),
    Case(
        "column-given-twice",
        "firms",
        "f.csv",
        "firm_id,统一社会信用代码,name,region_id\nF1,F1,甲,330100\n",
        "names column 'firm_id' twice",
        1,
    ),
    Case(
        "latitude-out-of-range",
        "firms",
        "f.csv",
        "firm_id,name,region_id,lat\nF1,甲,330100,123\n",
        "at most 90",
        2,
        "lat",
    ),
    Case("link-to-unknown-firm", "links", "l.csv", LINKS + "NOPE1,NOPE2,2020,10\n", "unknown firm", 2, "supplier_id"),
    Case(
        "link-to-itself",
        "links",
        "l.csv",
        "supplier_id,customer_id,supplier_external,customer_external\nX,X,true,true\n",
        "cannot be its own supplier",
        2,
    ),
    Case(
        "negative-link-value",
        "links",
        "l.csv",
        "supplier_id,customer_id,value,supplier_external,customer_external\nA,B,-5,是,是\n",
        "negative",
        2,
        "value",
    ),
    Case(
        "bad-boolean",
        "links",
        "l.csv",
        "supplier_id,customer_id,supplier_external,customer_external\nA,B,maybe,yes\n",
        "true/false",
        2,
        "supplier_external",
    ),
    Case(
        "unknown-region-level",
        "regions",
        "r.csv",
        "region_id,name,level\nX1,某地,galaxy\n",
        "must be one of",
        2,
        "level",
    ),
    Case(
        "unknown-parent-region",
        "regions",
        "r.csv",
        "region_id,name,level,parent_id\nX1,某地,park,NOPE\n",
        "unknown region id",
        2,
        "parent_id",
    ),
    Case(
        "unknown-institution-kind",
        "institutions",
        "i.csv",
        "inst_id,name,kind,region_id\nI1,某所,spaceport,330100\n",
        "must be one of",
        2,
        "kind",
    ),
    Case(
        "invalid-json-rules",
        "policies",
        "p.csv",
        'policy_id,name,rules\nP1,补贴,"{""all"": [}"\n',
        "valid JSON",
        2,
        "rules",
    ),
    Case(
        "policy-ends-before-start",
        "policies",
        "p.csv",
        "policy_id,name,valid_from,valid_to\nP1,补贴,2024-05-01,2023-01-01\n",
        "before valid_from",
        2,
        "valid_to",
    ),
    Case(
        "bad-date",
        "policies",
        "p.csv",
        "policy_id,name,valid_from\nP1,补贴,yesterday\n",
        "must be a date",
        2,
        "valid_from",
    ),
    Case(
        "project-ends-before-start",
        "projects",
        "pr.csv",
        "project_id,name,region_id,start,end\nJ1,项目,330100,2025-01-01,2024-01-01\n",
        "ends before it starts",
        2,
        "end",
    ),
    Case(
        "panel-of-unknown-firm",
        "firm-years",
        "fy.csv",
        "firm_id,year,revenue\nGHOST,2020,5\n",
        "unknown firm id",
        2,
        "firm_id",
    ),
    Case(
        "unknown-parent-code",
        "industries",
        "c.csv",
        "scheme,code,name,level,parent_code\ngbt4754_2017,9999,某类,4,999\n",
        "parent code not found",
        2,
        "parent_code",
    ),
    Case(
        "kpi-target-missing",
        "targets",
        "t.csv",
        "region_id,kpi,year\n330100,产值,2030\n",
        "required column 'target'",
        1,
    ),
]


def _write(path: Path, content: str) -> Path:
    path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_import_refuses_malformed_file(case: Case, workspace: Workspace, tmp_path: Path) -> None:
    before = workspace.checksum()
    with pytest.raises(ImportValidationError, match=case.message) as info:
        workspace.import_file(case.kind, _write(tmp_path / case.name, case.content))
    problem = next(p for p in info.value.problems if case.message in p.rule)
    assert problem.file == case.name
    if case.row is not None:
        assert problem.row == case.row
    if case.column is not None:
        assert problem.column == case.column
    assert workspace.checksum() == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ragged.csv", STATS + "2020,330100,naics2022,11,5\n2020,330100,naics2022,11,5,9\n", "row 3.*has 6 fields"),
        ("empty.csv", "", "is empty"),
        ("data.json", '{"year": 2020}', "unsupported file type"),
    ],
)
def test_import_refuses_unreadable_file(
    workspace: Workspace, tmp_path: Path, name: str, content: str, message: str
) -> None:
    before = workspace.checksum()
    with pytest.raises(SchemaError, match=message):
        workspace.import_file("stats", _write(tmp_path / name, content))
    assert workspace.checksum() == before


def test_import_refuses_header_without_rows(workspace: Workspace, tmp_path: Path) -> None:
    with pytest.raises(ImportValidationError, match="no rows"):
        workspace.import_file("stats", _write(tmp_path / "h.csv", STATS))


def test_import_refuses_missing_file(workspace: Workspace, tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match="no such file"):
        workspace.import_file("stats", tmp_path / "absent.csv")


def test_xlsx_problem_names_the_sheet_row(workspace: Workspace, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["年份", "所属地区", "scheme", "行业代码", "从业人数"])
    sheet.append([2020, "330100", "naics2022", "11", 5])
    sheet.append([None, None, None, None, None])
    sheet.append([2020, "330100", "naics2022", "21", -1])
    book.save(tmp_path / "s.xlsx")
    before = workspace.checksum()
    with pytest.raises(ImportValidationError) as info:
        workspace.import_file("stats", tmp_path / "s.xlsx")
    (problem,) = info.value.problems
    assert (problem.row, problem.column, problem.value) == (4, "employment", "-1")
    assert workspace.checksum() == before


def test_parquet_problem_names_the_record(workspace: Workspace, tmp_path: Path) -> None:
    table = pa.table(
        {
            "year": pa.array([2020, 2020, 2020], pa.int32()),
            "region_id": ["330100", "330100", "330100"],
            "scheme": ["naics2022"] * 3,
            "industry_code": ["11", "21", "22"],
            "employment": [1.0, 2.0, -3.0],
        }
    )
    pq.write_table(table, tmp_path / "s.parquet")
    with pytest.raises(ImportValidationError) as info:
        workspace.import_file("stats", tmp_path / "s.parquet")
    assert [(p.row, p.column) for p in info.value.problems] == [(4, "employment")]


def test_error_lists_twenty_problems_and_counts_the_rest(workspace: Workspace, tmp_path: Path) -> None:
    codes = ["11", "21", "22", "23", "42", "51", "52", "53", "54", "55", "56", "61", "62", "71", "72", "81", "92"]
    codes += ["111", "112", "113", "114", "115", "211", "212"]
    rows = "".join(f"2020,330100,naics2022,{code},-{i}\n" for i, code in enumerate(codes, start=1))
    with pytest.raises(ImportValidationError) as info:
        workspace.import_file("stats", _write(tmp_path / "many.csv", STATS + rows))
    error = info.value
    assert len(error.problems) == 20
    assert error.total == 24
    assert "and 4 more problem(s)" in str(error)
    assert "workspace is unchanged" in str(error)


def test_the_same_bad_value_on_many_rows_is_one_problem(workspace: Workspace, tmp_path: Path) -> None:
    rows = "".join(f"2020,ZZ0000,naics2022,{code},1\n" for code in ("11", "21", "22", "23", "42"))
    with pytest.raises(ImportValidationError) as info:
        workspace.import_file("stats", _write(tmp_path / "s.csv", STATS + rows))
    (problem,) = info.value.problems
    assert (problem.row, problem.value, problem.repeats) == (2, "ZZ0000", 5)
    assert "the same in 4 more row(s)" in str(info.value)


def test_problem_in_a_late_batch_keeps_its_row_number(workspace: Workspace, tmp_path: Path) -> None:
    n = 300_000  # more than two read batches
    body = "firm_id,name,region_id,employees\n" + "".join(f"F{i},企业{i},330100,{i % 500}\n" for i in range(n))
    body += "F-last,企业,330100,-9\n"
    with pytest.raises(ImportValidationError) as info:
        workspace.import_file("firms", _write(tmp_path / "big.csv", body))
    assert [(p.row, p.column) for p in info.value.problems] == [(n + 2, "employees")]
