"""Health checks: peer percentiles against a direct count, trends, supply risks, and the demo workspace."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from clusterbrain.demo.build import build_demo_workspace
from clusterbrain.store import Workspace
from clusterbrain.workflow.chain_study import map_chain_firms
from clusterbrain.workflow.firms import (
    check_firms,
    evaluate_firms,
    load_firm_data,
    load_srdi_rules,
    peer_percentiles,
    screen_firms,
    supply_risk_flags,
)
from clusterbrain.workflow.firms.panel import indicator_trends


def test_peer_percentiles_agree_with_a_direct_count() -> None:
    rng = np.random.default_rng(1)
    n = 300
    f = pd.DataFrame({"industry_code": rng.choice(["3841", "3842", "3985"], n), "peer_region": rng.choice(["A", "B"], n),
                      "rd_intensity": rng.random(n), "energy_per_value_added": rng.random(n)})  # fmt: skip
    pct = peer_percentiles(f, ["rd_intensity", "energy_per_value_added"], code_digits=3)
    for i in range(0, n, 37):
        same = f["industry_code"].str[:3] == f.loc[i, "industry_code"][:3]
        x = f.loc[same, "rd_intensity"]
        assert pct.loc[i, "rd_intensity_pct_nation"] == pytest.approx((x <= x[i]).mean())
        y = f.loc[same & (f["peer_region"] == f.loc[i, "peer_region"]), "energy_per_value_added"]
        # Lower energy per value added is better: the share of peers using at least as much.
        assert pct.loc[i, "energy_per_value_added_pct_region"] == pytest.approx((y >= y[i]).mean())


def test_trend_slope_matches_numpy_polyfit() -> None:
    fy = pd.DataFrame({"firm_id": ["a"] * 4 + ["b"] * 2, "year": [2020, 2021, 2022, 2023, 2022, 2023],
                       "revenue": [10.0, 14.0, 13.0, 20.0, 5.0, 4.0], "rd_expense": [1.0, 1.0, 2.0, 2.0, 0.0, 0.0]})  # fmt: skip
    t = indicator_trends(fy, ["revenue", "rd_intensity"]).set_index(["firm_id", "indicator"])
    assert t.loc[("a", "revenue"), "slope"] == pytest.approx(
        np.polyfit([2020, 2021, 2022, 2023], [10, 14, 13, 20], 1)[0]
    )
    assert t.loc[("b", "revenue"), "direction"] == "falling"
    assert np.isnan(t.loc[("b", "rd_intensity"), "relative_slope"])  # zero mean: no relative trend


def test_supply_risks_hhi_and_foreign_sole_source() -> None:
    links = pd.DataFrame({"supplier_id": ["s1", "s2", "s3", "s4", "s4"], "customer_id": ["c", "c", "c", "d", "d"],
                          "value": [50.0, 30.0, 20.0, 10.0, 10.0], "product": ["x", "x", "y", "z", "w"],
                          "supplier_external": [False] * 5})  # fmt: skip
    firms = pd.DataFrame(
        {"firm_id": ["s1", "s2", "s3", "s4", "c", "d"], "country": ["CN", "CN", "DE", "CN", "CN", "CN"]}
    )
    r = supply_risk_flags(links, firms).set_index("firm_id")
    assert r.loc["c", "supplier_hhi"] == pytest.approx(0.5**2 + 0.3**2 + 0.2**2)
    assert r.loc["c", "foreign_sole_source_inputs"] == "y"  # x has two suppliers; y one, in Germany
    assert r.loc["d", "supplier_hhi"] == 1.0 and bool(r.loc["d", "supplier_concentration"])
    assert not r.loc["d", "foreign_sole_source"]  # a single domestic supplier
    # A supplier outside the firms table is of unknown origin, never counted as foreign (as in the network report).
    external = links.assign(supplier_id=["s1", "s2", "zz", "s4", "s4"], supplier_external=[False, False, True, False, False])
    r = supply_risk_flags(external, firms).set_index("firm_id")
    assert r.loc["c", "foreign_sole_source_inputs"] == "" and not r.loc["c", "foreign_sole_source"]
    assert r.loc["c", "unknown_origin_sole_source_inputs"] == "y" and r.loc["c", "unknown_origin_sole_source"]
    # HHI = 1 / (effective number of suppliers): check against the degree of a bipartite graph for even shares.
    g = nx.DiGraph([("s1", "e"), ("s2", "e"), ("s3", "e"), ("s4", "e")])
    even = pd.DataFrame({"supplier_id": list(g.predecessors("e")), "customer_id": "e", "value": 1.0, "product": "p"})
    assert supply_risk_flags(even, firms).iloc[0]["supplier_hhi"] == pytest.approx(1 / g.in_degree("e"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = Path(build_demo_workspace(tmp_path_factory.mktemp("firmdemo"), n_firms=3000).workspace)
    with Workspace.open(path) as ws:
        map_chain_firms(ws.con, "lithium_ion_battery")
    return path


def test_health_check_documents_on_the_demo(demo: Path) -> None:
    with Workspace.open(demo, read_only=True) as ws:
        data = load_firm_data(ws.con)
    checks = check_firms(data, region_id="990000")
    assert set(checks.frame["region_id"]) <= {r for r in data.regions["region_id"] if r.startswith("99")}
    docs = dict(checks.documents())
    assert len(docs) == len(checks.firm_ids) > 100
    doc = json.loads(json.dumps(next(iter(docs.values()))))
    assert [i["key"] for i in doc["indicators"]][:2] == ["revenue_growth", "rd_intensity"]
    for ind in doc["indicators"]:
        p = ind["peers"]["nation"]["percentile"]
        assert p is None or 0 < p <= 1
    on_chain = [d for d in docs.values() if d["chain"]]
    assert on_chain and all(0 < c["node_share"] <= 1 for d in on_chain for c in d["chain"])
    # Policies in the document are exactly the eligible ones of the policy matcher.
    some = next(d for d in docs.values() if d["policies"])
    assert all(p["reason_zh"] for p in some["policies"])
    index = checks.index()
    assert len(index) == len(docs) and index["eligible_policies"].sum() == sum(
        len(d["policies"]) for d in docs.values()
    )
    # 专精特新 readiness: both levels per firm, as the screening says, and a finding for each near-eligible level.
    screening = screen_firms(data, region_id="990000", rules=load_srdi_rules(as_of=dt.date.today())).table
    status = screening.set_index(["firm_id", "level"])["status"]
    assert all(lv["status"] == status[(d["firm_id"], lv["level"])] for d in docs.values() for lv in d["srdi"]["levels"])
    assert all([lv["level"] for lv in d["srdi"]["levels"]] == ["specialised_sme", "little_giant"] for d in docs.values())
    near = [(d, lv) for d in docs.values() for lv in d["srdi"]["levels"] if lv["status"] == "near_eligible"]
    assert near
    for d, lv in near:
        finding = next(f for f in d["findings"] if f["id"] == f"srdi_near_{lv['level']}")
        assert finding["kind"] == "opportunity" and lv["missed_detail"] in finding["text_zh"]
        assert 0 < finding["evidence"][0]["value"] <= finding["evidence"][0]["threshold"] == 0.2
    assert doc["srdi"]["rules"]["id"] == "srdi_miit_2026" and doc["srdi"]["rules"]["verified"] is False
    # 亩均: each firm evaluated within its own region, the same class as the region's evaluation on its own.
    seen = {True: 0, False: 0}
    for region in sorted({d["region_id"] for d in docs.values()})[:3]:
        alone = evaluate_firms(data, region_id=region).firms.set_index("firm_id")
        for d in (d for d in docs.values() if d["region_id"] == region and d["mujun"] is not None):
            m, row = d["mujun"], alone.loc[d["firm_id"]]
            assert m["group"] == row["group"] and m["evaluated"] == bool(row["evaluated"])
            seen[m["evaluated"]] += 1
            if m["evaluated"]:
                assert m["class"] == row["class"] and m["score"] == pytest.approx(row["score"])
                assert m["rank"] == row["rank_in_group"] and m["of"] == row["firms_in_group"]
                assert m["measures"]["zh"] and (m["class"] in ("A", "C", "D")) == any(
                    f["id"] == "mujun_class" for f in d["findings"])  # fmt: skip
            else:
                assert m["exemption"] == row["exemption"] and m["exemption_zh"]
    assert seen[True] > 50 and seen[False] > 0
