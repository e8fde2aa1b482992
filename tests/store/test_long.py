"""Long-format metric inputs from files and from the workspace."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from clusterbrain.exceptions import InputValidationError, InvalidParameterError
from clusterbrain.store import Workspace
from clusterbrain.store.exports import write_csv_tables
from clusterbrain.store.long import read_long, stats_long


def test_read_long_keeps_labels_as_written(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("region,industry,value\n001,0111,5\n001,A1,2.5\nB,0111,0\n", encoding="utf-8")
    frame = read_long(path)
    assert list(frame.columns) == ["region", "industry", "value"]
    assert frame["region"].tolist() == ["001", "001", "B"]
    assert frame["industry"].tolist() == ["0111", "A1", "0111"]
    assert frame["value"].tolist() == [5.0, 2.5, 0.0]


def test_read_long_with_years(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("year,region,industry,value\n2020,A,x,1\n2021,A,x,2\n", encoding="utf-8")
    assert read_long(path)["year"].tolist() == [2020, 2021]


def test_read_long_lists_every_problem_with_its_row(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("region,industry,value\nA,x,1\nA,x,2\nB,,-1\nC,y,abc\n", encoding="utf-8")
    with pytest.raises(InputValidationError) as info:
        read_long(path)
    found = [(p.row, p.column, p.value, p.rule) for p in info.value.problems]
    assert found == [
        (3, "industry", "x", "duplicate (region, industry)"),
        (4, "industry", None, "empty label"),
        (4, "value", "-1", "negative values are impossible"),
        (5, "value", "abc", "must be a finite number"),
    ]


def test_read_long_names_the_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("region,value\nA,1\n", encoding="utf-8")
    with pytest.raises(InputValidationError, match="required column 'industry' is missing"):
        read_long(path)


def test_stats_long_rolls_codes_up_to_a_level(workspace: Workspace, tmp_path: Path) -> None:
    rows = "".join(
        f"2020,US-06037,naics2022,{code},{emp}\n"
        for code, emp in (("00", 999), ("336110", 10), ("336120", 5), ("541511", 7))
    )
    (tmp_path / "s.csv").write_text("year,region_id,scheme,industry_code,employment\n" + rows, encoding="utf-8")
    workspace.import_file("stats", tmp_path / "s.csv")
    frame = stats_long(workspace.con, scheme="naics2022", level=3, region_level="county")
    assert frame.to_dict("records") == [
        {"year": 2020, "region": "US-06037", "industry": "336", "value": 15.0},
        {"year": 2020, "region": "US-06037", "industry": "541", "value": 7.0},
    ]
    with pytest.raises(InvalidParameterError, match="no employment statistics"):
        stats_long(workspace.con, scheme="naics2022", region_level="state")


def test_written_tables_read_back_exactly(tmp_path: Path) -> None:
    frame = pd.DataFrame({"region": ["001", "B"], "eci": [0.1 + 0.2, -1 / 3]})
    (path,) = write_csv_tables(tmp_path / "out", {"regions": frame})
    back = pd.read_csv(path, dtype={"region": str})
    pd.testing.assert_frame_equal(back, frame)
