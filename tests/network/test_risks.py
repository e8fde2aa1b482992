"""Risk rules: each fires exactly at its threshold, with the right severity, evidence and candidates."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.network.graph import firm_network
from clusterbrain.network.risks import RiskThresholds, region_indicators, risk_warnings


def _sole(n_customers: int, *, supplier_country: str = "CN") -> tuple[pd.DataFrame, pd.DataFrame]:
    """One local separator maker s selling to ``n_customers`` local cell makers; t, u, v make separators elsewhere."""
    cells = [f"c{i}" for i in range(n_customers)]
    firms = pd.DataFrame(
        {
            "firm_id": ["s", "t", "u", "v", *cells],
            "name": ["S", "T", "U", "V", *cells],
            "region_id": ["R", "X", "Y", "R", *(["R"] * n_customers)],
            "country": [supplier_country, "CN", "CN", "CN", *(["CN"] * n_customers)],
            "node_id": ["sep", "sep", "sep", "sep", *(["cell"] * n_customers)],
            "revenue": [5.0, 9.0, 1.0, 7.0, *([1.0] * n_customers)],
            "lat": [30.0, 31.0, 40.0, 30.0, *([30.0] * n_customers)],
            "lon": [120.0, 120.0, 120.0, 120.0, *([120.0] * n_customers)],
        }
    )
    links = pd.DataFrame({"supplier_id": "s", "customer_id": cells, "value": 1.0})
    # u already sells separators to a firm elsewhere: a proven supplier.
    links = pd.concat([links, pd.DataFrame({"supplier_id": ["u"], "customer_id": ["t"], "value": [1.0]})])
    return links, firms


def _warnings(links: pd.DataFrame, firms: pd.DataFrame, **kw: object) -> tuple:
    net = firm_network(links, firms)
    local = firms.loc[firms["region_id"] == "R", "firm_id"]
    return risk_warnings(net, region_indicators(net, local, region_id="R"), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(("n", "severity"), [(2, None), (3, "low"), (9, "low"), (10, "medium"), (30, "high")])
def test_sole_source_fires_from_three_local_customers(n: int, severity: str | None) -> None:
    found = [w for w in _warnings(*_sole(n)) if w.kind == "sole_source"]
    assert [w.severity for w in found] == ([severity] if severity else [])
    if severity:
        (w,) = found
        assert w.where == {"region_id": "R", "node_id": "sep", "customer_node_id": None, "firm_id": "s"}
        evidence = {e.metric: e.value for e in w.evidence}
        assert evidence["distinct_suppliers"] == 1 and evidence["local_customers"] == n
        assert w.levels == {"low": 3, "medium": 10, "high": 30, "critical": 100}
        assert w.data["customer_nodes"] == ["cell"]


def test_a_sole_supplier_abroad_raises_the_severity_one_level() -> None:
    (w,) = [w for w in _warnings(*_sole(3, supplier_country="JP")) if w.kind == "sole_source"]
    assert w.severity == "medium"
    assert {e.metric: e.value for e in w.evidence}["supplier_abroad"] is True


def test_candidates_are_firms_on_the_node_outside_the_region_ranked_with_reasons() -> None:
    (w,) = [w for w in _warnings(*_sole(5)) if w.kind == "sole_source"]
    ids = [c.firm_id for c in w.candidates]
    # v is on the node but local; s is the sole supplier: neither is proposed.
    assert set(ids) == {"t", "u"}
    by_id = {c.firm_id: c for c in w.candidates}
    assert by_id["u"].customers_served == 1 and by_id["t"].customers_served == 0
    assert by_id["t"].distance_km == pytest.approx(111.2, abs=0.5)
    assert "km" in by_id["t"].reason_en and "公里" in by_id["t"].reason_zh
    assert "T" in w.action_en and "候选企业" in w.action_zh
    assert [c.firm_id for c in _warnings(*_sole(5), top_candidates=1)[0].candidates] == [ids[0]]


def _foreign(share_abroad: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Four local customers buy EDA for 100: ``share_abroad`` from j (JP), the rest from d (CN, elsewhere)."""
    firms = pd.DataFrame(
        {
            "firm_id": ["j", "d", "k", "c0", "c1", "c2", "c3"],
            "region_id": [None, "X", "Y", "R", "R", "R", "R"],
            "country": ["JP", "CN", "KR", "CN", "CN", "CN", "CN"],
            "node_id": ["eda", "eda", "eda", "chip", "chip", "chip", "chip"],
        }
    )
    cust = ["c0", "c1", "c2", "c3"]
    links = pd.DataFrame(
        {
            "supplier_id": ["j"] * 4 + ["d"] * 4,
            "customer_id": cust * 2,
            "value": [25 * share_abroad] * 4 + [25 * (1 - share_abroad)] * 4,
        }
    )
    return links, firms


@pytest.mark.parametrize(("share", "severity"), [(0.49, None), (0.5, "low"), (0.8, "high"), (0.95, "critical")])
def test_foreign_dependence_fires_at_half_the_purchases_abroad(share: float, severity: str | None) -> None:
    found = [w for w in _warnings(*_foreign(share)) if w.kind == "foreign_dependence"]
    assert [w.severity for w in found] == ([severity] if severity else [])
    if severity:
        (w,) = found
        assert {e.metric: e.value for e in w.evidence}["foreign_share"] == pytest.approx(share)
        # Candidates are home-country firms only: d (CN), not k (KR).
        assert [c.firm_id for c in w.candidates] == ["d"]
        assert w.where["firm_id"] == ("j" if share >= 0.5 else None)


def test_supplier_concentration_needs_enough_customers_and_reads_the_hhi() -> None:
    links, firms = _foreign(0.5)
    firms["country"] = "CN"
    # Two equal suppliers: HHI 0.5 ≥ 0.4 but only 4 customers (< 10): nothing; with min 3: low.
    assert not [w for w in _warnings(links, firms) if w.kind == "supplier_concentration"]
    th = RiskThresholds(concentration_min_customers=3)
    (w,) = [w for w in _warnings(links, firms, thresholds=th) if w.kind == "supplier_concentration"]
    assert w.severity == "low" and {e.metric: e.value for e in w.evidence}["supplier_hhi"] == pytest.approx(0.5)
    th = RiskThresholds(concentration_min_customers=3, supplier_hhi=(0.2, 0.3, 0.5, 0.9))
    assert [w.severity for w in _warnings(links, firms, thresholds=th) if w.kind == "supplier_concentration"] == [
        "high"
    ]


def test_bridge_firm_is_an_articulation_point_cutting_off_enough_firms() -> None:
    # A local hub h supplies 25 local firms that have no other local ties, plus a chain of 10.
    leaves = [f"l{i}" for i in range(25)]
    chain = [f"m{i}" for i in range(10)]
    firms = pd.DataFrame({"firm_id": ["h", *leaves, *chain], "region_id": "R", "country": "CN"})
    links = pd.DataFrame(
        {
            "supplier_id": ["h"] * 25 + ["h", *chain[:-1]],
            "customer_id": leaves + chain,
            "value": 1.0,
        }
    )
    found = [w for w in _warnings(links, firms) if w.kind == "bridge_firm"]
    # Removing h leaves the 10-firm chain as the largest piece: 25 firms cut off (≥ 20) of 36.
    assert [(w.where["firm_id"], w.severity) for w in found] == [("h", "critical")]
    assert {e.metric: e.value for e in found[0].evidence}["separated_firms"] == 25
    assert not [
        w
        for w in _warnings(links, firms, thresholds=RiskThresholds(bridge_min_separated=26))
        if w.kind == "bridge_firm"
    ]


def test_region_dependence_fires_on_one_large_outside_source() -> None:
    links, firms = _foreign(0.5)
    found = [w for w in _warnings(links, firms) if w.kind == "region_dependence"]
    assert sorted((w.where["source"], w.severity) for w in found) == [("JP", "high"), ("X", "high")]


def test_warnings_are_sorted_by_severity_and_serialise() -> None:
    found = _warnings(*_foreign(0.95))
    ranks = [w.rank for w in found]
    assert ranks == sorted(ranks, reverse=True)
    data = json.loads(json.dumps([w.to_dict() for w in found]))
    assert set(data[0]) >= {"id", "kind", "severity", "what_zh", "what_en", "where", "evidence", "levels", "action_zh"}
    assert set(data[0]["evidence"][0]) == {"metric", "value", "threshold", "benchmark", "source", "year", "unit"}


def test_thresholds_and_options_are_checked() -> None:
    with pytest.raises(InvalidParameterError, match="'foreign_share' parameter of RiskThresholds must be four"):
        RiskThresholds(foreign_share=(0.9, 0.5, 0.8, 0.95))
    with pytest.raises(InvalidParameterError, match="'min_customers' parameter of RiskThresholds"):
        RiskThresholds(min_customers=0)
    links, firms = _sole(3)
    net = firm_network(links, firms)
    with pytest.raises(InvalidParameterError, match="'local' parameter of region_indicators"):
        region_indicators(net, [], region_id="R")
    ind = region_indicators(net, ["s"], region_id="R")
    with pytest.raises(InvalidParameterError, match="'top_candidates' parameter of risk_warnings"):
        risk_warnings(net, ind, top_candidates=-1)
    assert RiskThresholds().to_dict()["foreign_share"] == {"low": 0.5, "medium": 0.65, "high": 0.8, "critical": 0.95}
