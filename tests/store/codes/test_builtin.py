"""Built-in code lists, crosswalks and roll-up."""

from __future__ import annotations

import csv

import pytest

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.store import Workspace
from clusterbrain.store.codes import builtin_code_lists, crosswalk, rollup
from tests.conftest import require_data


def _codes(scheme: str) -> dict[str, dict]:
    industries, _ = builtin_code_lists()
    return {r["code"]: r for r in industries.to_pylist() if r["scheme"] == scheme}


def test_gbt4754_sections_and_divisions_match_the_official_list() -> None:
    official = require_data("cn_gbt4754_2017/gbt4754_2017_codes.csv")
    with official.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["level"] in ("1", "2")]
    ours = _codes("gbt4754_2017")
    assert len(ours) == len(rows) == 117
    for row in rows:
        mine = ours[row["code"]]
        assert mine["name"] == row["name_zh"].strip()
        assert mine["level"] == int(row["level"])
        assert mine["parent_code"] == (row["section"] if row["level"] == "2" else None)
        assert mine["name_en"]


def test_naics_vintages_have_the_published_numbers_of_national_industries() -> None:
    # 6-digit national industries: 1,065 (2012), 1,057 (2017), 1,012 (2022), per the Census Bureau.
    for scheme, expected in (("naics2012", 1065), ("naics2017", 1057), ("naics2022", 1012)):
        codes = _codes(scheme)
        assert sum(1 for r in codes.values() if r["level"] == 6) == expected
        assert codes["00"]["level"] == 0
        assert {"31-33", "44-45", "48-49"} <= set(codes)


def test_every_parent_code_exists_in_its_scheme() -> None:
    industries, _ = builtin_code_lists()
    known = {(r["scheme"], r["code"]) for r in industries.to_pylist()}
    missing = [r for r in industries.to_pylist() if r["parent_code"] and (r["scheme"], r["parent_code"]) not in known]
    assert missing == []


def test_crosswalks_cover_every_division_and_subsector() -> None:
    industries, crosswalks = builtin_code_lists()
    rows = crosswalks.to_pylist()
    sources = {(r["source_scheme"], r["source_code"]) for r in rows}
    for r in industries.to_pylist():
        if (r["scheme"], r["level"]) in (("gbt4754_2017", 2), ("naics2022", 3)):
            assert (r["scheme"], r["code"]) in sources, r
    isic = set(_codes("isic4"))
    assert {r["target_code"] for r in rows} <= isic


def test_rollup_follows_parents_to_the_level(workspace: Workspace) -> None:
    naics = dict(zip(*rollup(workspace.con, "naics2022", 2).to_pydict().values(), strict=True))
    assert naics["336110"] == "31-33"
    assert naics["441110"] == "44-45"
    assert naics["11"] == "11"
    gbt = dict(zip(*rollup(workspace.con, "gbt4754_2017", 1).to_pydict().values(), strict=True))
    assert gbt["39"] == "C"
    assert gbt["01"] == "A"


def test_rollup_rejects_a_level_the_scheme_lacks(workspace: Workspace) -> None:
    with pytest.raises(InvalidParameterError, match="'level' parameter of rollup"):
        rollup(workspace.con, "isic4", 4)


def test_crosswalk_reads_both_directions(workspace: Workspace) -> None:
    forward = crosswalk(workspace.con, "gbt4754_2017", "isic4").to_pylist()
    backward = crosswalk(workspace.con, "isic4", "gbt4754_2017").to_pylist()
    assert {(r["source_code"], r["target_code"]) for r in forward} == {
        (r["target_code"], r["source_code"]) for r in backward
    }
    assert ("26", "20") in {(r["source_code"], r["target_code"]) for r in forward}  # chemicals
    with pytest.raises(InvalidParameterError, match="no crosswalk"):
        crosswalk(workspace.con, "naics2012", "gbt4754_2017")
