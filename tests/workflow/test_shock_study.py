"""Shock studies on the synthetic demo province: the planted sole-source separator node, targets, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clusterbrain.demo.build import DemoSummary
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.store import Workspace
from clusterbrain.workflow.shock_study import build_shock_network, run_monte_carlo, run_shock

CHAIN = "lithium_ion_battery"


@pytest.fixture(scope="module")
def demo(demo_summary: DemoSummary) -> tuple[Path, dict]:
    return Path(demo_summary.workspace), demo_summary.planted


@pytest.fixture(scope="module")
def separator(demo: tuple[Path, dict]):
    path, _ = demo
    with Workspace.open(path, read_only=True) as ws:
        return run_shock(ws.con, node="separator", chain_id=CHAIN, share=1.0, duration=30, days=40)


def test_separator_stop_hits_the_battery_cell_makers_after_their_stock(demo, separator) -> None:
    _, planted = demo
    sole = next(n for n in planted["sole_source_nodes"] if n["node_id"] == "separator")
    hits = separator.hits()
    cells = hits[hits["node_id"] == "battery_cells"]
    assert len(cells) >= 5
    # The cell makers run on their 9 days of separator, then stop: all hit through supply on day 9.
    assert set(cells["cause"]) == {"supply"} and set(cells["day"]) == {9}
    # Their paths lead back to a shocked separator maker; the province's sole supplier is one of them.
    data = json.loads(json.dumps(separator.to_dict()))
    origins = {p["path"][0]["firm_id"] for p in data["paths"]}
    assert sole["evidence"]["supplier_id"] in origins
    shocked = set(hits.loc[hits["cause"] == "direct", "firm_id"])
    assert origins <= shocked
    assert data["nodes"]["worst"][0] == {"id": "separator", "min_utilisation": 0.0}
    assert any(n["id"] == "battery_cells" for n in data["nodes"]["worst"])
    assert data["summary"]["loss"] > 0 and data["summary"]["firms_hit"] == len(hits)
    assert data["findings"][0]["evidence"][0]["value"] == len(hits)
    assert len(data["summary"]["total_utilisation"]) == 40


def test_region_country_and_firm_targets(demo) -> None:
    path, planted = demo
    sole = next(n for n in planted["sole_source_nodes"] if n["node_id"] == "separator")
    with Workspace.open(path, read_only=True) as ws:
        region = run_shock(ws.con, region="990000", share=0.5, duration=10, days=20)
        japan = run_shock(ws.con, country="JP", share=1.0, days=20)
        one = run_shock(ws.con, firms=[sole["evidence"]["supplier_id"]], chain_id=CHAIN, days=20)
        sn = build_shock_network(ws.con)
    assert region.scenario["firms_shocked"] > 1000
    assert region.result.loss > 0
    assert japan.scenario["firms_shocked"] == int((sn.firms["country"] == "JP").sum()) > 0
    assert one.scenario["firms_shocked"] == 1 and one.result.loss > 0
    # External suppliers of the links are firms of the network too.
    assert sn.network.n_firms == len(sn.firms) > 3000


def test_unknown_targets_are_named(demo) -> None:
    path, _ = demo
    with Workspace.open(path, read_only=True) as ws:
        with pytest.raises(InvalidParameterError, match="no firm on node 'graphene'"):
            run_shock(ws.con, node="graphene", chain_id=CHAIN)
        with pytest.raises(InvalidParameterError, match="no firm 'NOPE'"):
            run_shock(ws.con, firms=["NOPE"])
        with pytest.raises(InvalidParameterError, match="no firm of country 'XX'"):
            run_shock(ws.con, country="XX")
        with pytest.raises(InvalidParameterError, match="no region '123456'"):
            run_shock(ws.con, region="123456")
        with pytest.raises(InvalidParameterError, match="exactly one shock target"):
            run_shock(ws.con, region="990000", country="JP")
        with pytest.raises(InvalidParameterError, match="needs the chain"):
            run_shock(ws.con, node="separator")
        with pytest.raises(InvalidParameterError, match="'share' parameter of run_shock"):
            run_shock(ws.con, country="JP", share=2.0)


def test_monte_carlo_over_random_nodes(demo) -> None:
    path, _ = demo
    with Workspace.open(path, read_only=True) as ws:
        study = run_monte_carlo(ws.con, target="node", chain_id=CHAIN, n=24, seed=3, days=30)
    data = json.loads(json.dumps(study.to_dict()))
    result = data["result"]
    assert result["n"] == 24 and result["ci"][0] <= result["mean_loss"] <= result["ci"][1]
    assert result["mean_loss"] > 0
