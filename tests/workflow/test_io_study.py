"""Input–output study on imported tables: China's national tables 2017/2018/2020 and small hand-made ones."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.network.sector import (
    IOTable,
    allocation_coefficients,
    demand_shock,
    ghosh_inverse,
    import_dependence,
    key_links,
    leontief_inverse,
    linkages,
    sector_extractions,
    supply_shock,
    technical_coefficients,
)
from clusterbrain.store import Workspace
from clusterbrain.store.sources import import_path
from clusterbrain.workflow.io_study import io_tables, load_io_table, study_io
from tests.conftest import require_data

TABLES = {
    # table id: sectors, form
    "china_2017_42": (42, "non_competitive"),
    "china_2018_42": (42, "non_competitive"),
    "china_2020_42": (42, "non_competitive"),
    "china_2017_149": (149, "competitive"),
    "china_2018_153": (153, "competitive"),
    "china_2020_153": (153, "competitive"),
}
# The computer sector: 通信设备、计算机和其他电子设备 (42 sectors), 计算机 (149/153 sectors).
COMPUTERS = {"china_2017_149": "088", "china_2018_153": "090", "china_2020_153": "090"}


@pytest.fixture(scope="module")
def con(_template_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """One workspace with all six national tables, imported once for the module."""
    paths = [require_data(f"cn_input_output/{t}.csv") for t in TABLES]
    path = tmp_path_factory.mktemp("io") / "io.duckdb"
    path.write_bytes(_template_workspace.read_bytes())
    ws = Workspace.open(path)
    for p in paths:
        import_path(ws.con, "io-table", p)
    yield ws.con
    ws.close()


@pytest.fixture(scope="module")
def loaded(con) -> dict[tuple[str, bool], IOTable]:
    return {(t, d): load_io_table(con, t, domestic_only=d) for t in TABLES for d in (True, False)}


def test_io_tables_lists_the_imports(con) -> None:
    listed = io_tables(con)
    assert dict(zip(listed["table_id"], zip(listed["n_sectors"], listed["form"], strict=True), strict=True)) == TABLES
    assert set(listed["unit"]) == {"10k CNY"}


@pytest.mark.parametrize("table_id", sorted(TABLES))
def test_tables_balance_and_match_a_direct_inverse(loaded, table_id: str) -> None:
    n = TABLES[table_id][0]
    for domestic in (True, False):
        t = loaded[(table_id, domestic)]
        assert t.n == n and t.domestic is domestic
        # SOURCE.md: total input equals gross output exactly; measured max gap 1.4e-12 relative
        assert_allclose(t.intermediate.sum(axis=1) + t.final_demand, t.output, rtol=1e-9)
        assert_allclose(t.primary_inputs, t.output - t.intermediate.sum(axis=0))
        imported = t.imported_inputs.sum(axis=0) if domestic else 0.0
        assert_allclose(t.intermediate.sum(axis=0) + t.value_added + imported, t.output, rtol=1e-9)
        a = technical_coefficients(t)
        brute = np.linalg.inv(np.eye(n) - a)
        assert_allclose(leontief_inverse(t), brute, rtol=1e-9, atol=1e-12)
        if domestic:
            ghosh = np.linalg.inv(np.eye(n) - allocation_coefficients(t))
            assert_allclose(ghosh_inverse(t), ghosh, rtol=1e-9, atol=1e-12)
        assert_allclose(leontief_inverse(t) @ t.final_demand, t.output, rtol=1e-9)
        assert_allclose(t.primary_inputs @ ghosh_inverse(t), t.output, rtol=1e-9)
        delta = np.zeros(n)
        delta[[0, n // 2]] = [1e6, -3e5]
        assert_allclose(demand_shock(t, delta), np.linalg.solve(np.eye(n) - a, delta), rtol=1e-9, atol=1e-6)
        assert_allclose(supply_shock(t, delta), delta @ ghosh_inverse(t), rtol=1e-9, atol=1e-6)
        # a productive economy: the inverse is non-negative with a diagonal of at least one
        assert (brute > -1e-12).all() and (np.diag(brute) >= 1).all()


def test_domestic_table_keeps_imported_rows_apart(con, loaded) -> None:
    dom, tot = loaded[("china_2018_42", True)], loaded[("china_2018_42", False)]
    assert dom.import_basis == "observed" and dom.imported_inputs is not None
    assert_allclose(tot.intermediate, dom.intermediate + dom.imported_inputs)
    tii = dict(
        con.sql(
            "SELECT col_code, value FROM io_entries WHERE table_id = 'china_2018_42' AND row_code = 'TII'"
        ).fetchall()
    )
    assert_allclose(tot.intermediate.sum(axis=0), [tii[c] for c in tot.codes], rtol=1e-9)
    assert_allclose(import_dependence(tot).total_content, import_dependence(dom).total_content, rtol=1e-9)


def test_extractions_and_key_links_match_reinversion_on_real_data(loaded) -> None:
    t = loaded[("china_2018_153", True)]
    a, f, x = technical_coefficients(t), t.final_demand, t.output
    closed = sector_extractions(t)
    for j in (0, 40, 90, 152):
        cut = a.copy()
        cut[:, j] = 0
        cut[j, :] = 0
        brute = x.sum() - (np.linalg.inv(np.eye(t.n) - cut) @ f).sum()
        assert closed.loc[j, "total"] == pytest.approx(brute, rel=1e-8)
    links = key_links(t)
    rng = np.random.default_rng(7)
    nonzero = np.argwhere(a > 0)
    sample = [*nonzero[rng.choice(len(nonzero), 8, replace=False)], np.unravel_index(links.loss.argmax(), a.shape)]
    for i, j in sample:
        cut = a.copy()
        cut[i, j] = 0
        brute = x.sum() - (np.linalg.inv(np.eye(t.n) - cut) @ f).sum()
        assert links.loss[i, j] == pytest.approx(brute, rel=1e-7)


@pytest.mark.parametrize("table_id", ["china_2017_42", "china_2018_42", "china_2020_42"])
def test_electronics_leads_import_content_in_the_observed_tables(loaded, table_id: str) -> None:
    # verified on the data: sector 20 (communication equipment, computers, electronics) has the highest
    # total import content, petroleum/coking (11) the second, and about a third of its inputs imported
    dep = import_dependence(loaded[(table_id, True)]).to_frame().set_index("code")
    assert dep["total_content"].notna().all() and ((dep["total_content"] > 0) & (dep["total_content"] < 1)).all()
    assert list(dep.sort_values("rank").index[:2]) == ["20", "11"]
    assert 0.3 < dep.at["20", "direct_share"] < 0.35
    assert dep.at["20", "total_content"] > dep.at["20", "direct_coefficient"]


@pytest.mark.parametrize("table_id", sorted(COMPUTERS))
def test_computers_lead_import_content_under_proportional_split(loaded, table_id: str) -> None:
    t = loaded[(table_id, True)]
    assert t.import_basis == "proportional"
    dep = import_dependence(t).to_frame().set_index("code")
    assert dep["rank"].idxmin() == COMPUTERS[table_id]
    assert dep.at[COMPUTERS[table_id], "name"] == "Manufacture of computers"


def test_study_to_dict_is_json_with_key_sectors_links_imports(con) -> None:
    study = study_io(con, "china_2018_153", top=5)
    data = json.loads(json.dumps(study.to_dict(), ensure_ascii=False))
    assert data["table"]["n_sectors"] == 153 and data["table"]["import_basis"] == "proportional"
    assert len(data["linkages"]) == 153 and "extraction_total" in data["linkages"][0]
    assert data["key_sectors"] and all(r["backward"] > 1 and r["forward"] > 1 for r in data["key_sectors"])
    assert len(data["key_links"]) == 5 and data["key_links"][0]["loss"] >= data["key_links"][-1]["loss"]
    assert data["import_dependence"]["top"][0]["code"] == "090"
    assert data["import_dependence"]["top"][0]["name_zh"] == "计算机"
    assert {"name_zh", "supplier_name_zh", "buyer_name_zh"} <= {*data["linkages"][0], *data["key_links"][0]}
    assert data["shock"] is None and data["notes"]
    kinds = {f["kind"] for f in data["findings"]}
    assert kinds == {"classification", "risk"}
    assert data["findings"][0]["evidence"][0]["threshold"] == 1.0


def test_study_shocks_match_the_engine(con, loaded) -> None:
    t = loaded[("china_2020_42", True)]
    demand = study_io(con, "china_2020_42", shock={"20": -1e6})
    j = t.codes.index("20")
    assert_allclose(demand.shock.delta_x, demand_shock(t, {"20": -1e6}))
    shown = demand.to_dict()["shock"]
    # one sector's demand shock: total output change / shock = its output multiplier
    assert shown["multiplier"] == pytest.approx(leontief_inverse(t)[:, j].sum())
    assert shown["sectors"][0]["code"] == "20"
    supply = study_io(con, "china_2020_42", shock={"11": -5e5, "25": 1e5}, shock_kind="supply")
    assert_allclose(supply.shock.delta_x, supply_shock(t, {"11": -5e5, "25": 1e5}))
    assert linkages(t).key_sectors == demand.linkages.key_sectors


def test_unknown_table_or_sector_is_named(con) -> None:
    with pytest.raises(InvalidParameterError, match="Unknown input-output table 'china_1999_42'.*china_2017_149"):
        study_io(con, "china_1999_42")
    with pytest.raises(InvalidParameterError, match=r"Unknown sector\(s\) '99'.*01, 02"):
        study_io(con, "china_2018_42", shock={"99": 1.0})
    with pytest.raises(InvalidParameterError, match="shock_kind"):
        study_io(con, "china_2018_42", shock={"01": 1.0}, shock_kind="price")


def test_empty_workspace_says_how_to_import(workspace: Workspace) -> None:
    assert io_tables(workspace.con).empty
    with pytest.raises(InvalidParameterError, match="none .*import io-table"):
        load_io_table(workspace.con, "china_2018_42")


def test_small_table_with_a_zero_output_sector(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "china_2019_3.csv"
    path.write_text(
        "Code,Description,DescriptionInChinese,01,02,03,TIU,TC,GCF,EX,TFU,IM,GO\n"
        "01,Farming,农业,10,40,0,50,30,10,20,60,10,100\n"
        "02,Industry,工业,20,60,0,80,100,40,0,140,20,200\n"
        "03,Dormant,休眠,0,0,0,0,0,0,0,0,0,0\n"
        "TII,Total intermediate input,中间投入合计,30,100,0,,,,,,,\n"
        "TVA,Total value-added,增加值合计,70,100,0,,,,,,,\n"
        "TI,Total inputs,总投入,100,200,0,,,,,,,\n",
        encoding="utf-8",
    )
    import_path(workspace.con, "io-table", path)
    table = load_io_table(workspace.con, "china_2019_3", domestic_only=False)
    assert table.codes == ("01", "02") and table.names == ("Farming", "Industry")
    assert_allclose(table.final_demand, [50.0, 120.0])
    # import shares: 10 / (50 + 40) for farming, 20 / (80 + 140) for industry
    dom = load_io_table(workspace.con, "china_2019_3")
    assert_allclose(dom.imported_inputs.sum(axis=1), [50 / 9, 80 / 11])
    study = study_io(workspace.con, "china_2019_3")
    assert any("03" in note for note in study.notes)
    assert study.findings[-1].text_zh.startswith("进口依赖")
