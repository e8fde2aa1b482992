"""Cluster indicators and mode rules on small hand-built regions whose answers are computed by hand."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from clusterbrain.workflow._cluster_type import classify_cluster, cluster_indicators
from clusterbrain.workflow.diagnose import Diagnosis
from clusterbrain.workflow.evidence import Evidence, Finding
from clusterbrain.workflow.planning_context import PlanningContext
from clusterbrain.workflow.planning_params import default_params
from clusterbrain.workflow.position import mode_rules

KINDS = ("incubator", "accelerator", "association", "platform", "pilot_base", "test_center")


def _context(firms: pd.DataFrame, links: pd.DataFrame, institutions: pd.DataFrame) -> PlanningContext:
    """Region R (members R) among firms elsewhere; every firm on one chain 'c'; no statistics, no chain study."""
    firms = firms.assign(local=firms["region_id"].eq("R").to_numpy())
    return PlanningContext(
        region={"region_id": "R", "name": "R", "level": "county", "parent_id": None},
        members=("R",),
        scheme="gbt4754_2017",
        year=2023,
        base_year=None,
        employment=pd.DataFrame(),
        employment_base=pd.DataFrame(),
        industry_names={},
        regions=pd.DataFrame(
            {
                "region_id": ["R", "S"],
                "name": ["R", "S"],
                "level": ["county"] * 2,
                "parent_id": [None, None],
                "lat": [None, None],
                "lon": [None, None],
                "population": [None, None],
            }
        ),
        firms=firms,
        links=links,
        institutions=institutions,
        policies=pd.DataFrame(columns=["policy_id", "region_id"]),
        projects=pd.DataFrame(columns=["project_id", "region_id", "chain_node"]),
        chains={},
        assignments={"c": pd.DataFrame({"firm_id": firms["firm_id"], "node_id": "n"})},
        ancestors=pd.Series({"R": "R", "S": "S"}),
        params=default_params(),
    )


def _firms(rows: list[tuple[str, str, str, float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["firm_id", "region_id", "industry_code", "employees", "revenue", "rd_expense"]
    ).assign(country="CN", exports=0.0, invention_patents=0.0)


def _links(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["supplier_id", "customer_id", "value"])


@pytest.fixture
def clustered() -> PlanningContext:
    """Four local firms in two industries trading locally, all six intermediary kinds, R&D twice the outside's."""
    firms = _firms(
        [
            ("a", "R", "3841", 100, 1000, 60),
            ("b", "R", "3849", 100, 1000, 60),
            ("c", "R", "3841", 100, 1000, 60),
            ("d", "R", "3849", 100, 1000, 60),
            ("x", "S", "3841", 200, 4000, 120),
        ]
    )
    links = _links([("a", "b", 50.0), ("c", "d", 30.0), ("a", "c", 20.0), ("x", "a", 100.0)])
    institutions = pd.DataFrame({"inst_id": list(KINDS), "name": list(KINDS), "kind": list(KINDS), "region_id": "R"})
    return _context(firms, links, institutions)


@pytest.fixture
def agglomerated() -> PlanningContext:
    """Four local firms of one industry, buying only from outside, no intermediaries, low R&D."""
    firms = _firms(
        [
            ("a", "R", "1810", 100, 1000, 5),
            ("b", "R", "1810", 100, 1000, 5),
            ("c", "R", "1810", 100, 1000, 5),
            ("d", "R", "1810", 100, 1000, 5),
            ("x", "S", "1810", 100, 1000, 20),
        ]
    )
    links = _links([("x", "a", 10.0), ("x", "b", 10.0), ("x", "c", 10.0), ("x", "d", 10.0)])
    institutions = pd.DataFrame(columns=["inst_id", "name", "kind", "region_id"])
    return _context(firms, links, institutions)


def test_indicators_of_the_clustered_region_by_hand(clustered: PlanningContext) -> None:
    ind = cluster_indicators(clustered)
    assert ind["essence"] == pytest.approx(1.0)  # all four local firms trade with a local partner
    assert ind["relations"] == pytest.approx(80 / 100)  # a->b and c->d cross industries, a->c does not
    assert ind["formation"] == pytest.approx(1.0)  # all six intermediary kinds
    # R&D intensity: local 240/4000 = 0.06, country's chain firms 360/8000 = 0.045
    assert ind["impact"] == pytest.approx(0.06 / 0.045)
    # No chain study and no statistics: these proxies cannot be measured.
    assert ind["core_feature"] is None and ind["advantage"] is None and ind["resilience"] is None


def test_indicators_of_the_agglomerated_region_by_hand(agglomerated: PlanningContext) -> None:
    ind = cluster_indicators(agglomerated)
    assert ind["essence"] == 0.0
    assert ind["relations"] is None  # no local-to-local link at all
    assert ind["formation"] is None  # the workspace has no institutions: no data, not zero
    assert ind["impact"] == pytest.approx(0.005 / (40 / 5000))


def test_verdicts_of_the_two_constructed_regions(clustered: PlanningContext, agglomerated: PlanningContext) -> None:
    anchors = default_params()["cluster_dimensions"]
    assert classify_cluster(cluster_indicators(clustered), anchors).verdict == "cluster"
    assert classify_cluster(cluster_indicators(agglomerated), anchors).verdict == "agglomeration"


def _diagnosis(
    *,
    core_firms: int,
    knowledge: int,
    brand: float | None,
    impact: float | None,
    verdict: str,
    strengths: tuple[str, ...] = (),
    export_share: float | None = 0.0,
) -> Diagnosis:
    sections: dict[str, Any] = {
        "elements": [{"element": "core_firms", "count": core_firms}, {"element": "knowledge", "count": knowledge}],
        "cluster_type": {
            "verdict": verdict,
            "dimensions": [
                {"dimension": "brand", "value": brand},
                {"dimension": "impact", "value": impact},
                {"dimension": "advantage", "value": None},
            ],
        },
        "drivers": [{"driver": "brand", "indicators": {"export_share": export_share}}],
        "chains": [],
    }
    findings = tuple(
        Finding(f"strength:{c}", "strength", "", "", (Evidence("location_quotient", 2.0),), data={"industry": c})
        for c in strengths
    )
    return Diagnosis({"region_id": "R"}, 2023, None, sections, findings, {})


@pytest.mark.parametrize(
    ("kwargs", "fired"),
    [
        ({"core_firms": 1, "knowledge": 0, "brand": 1.2, "impact": 1.0, "verdict": "cluster"}, ["core_firm_led"]),
        ({"core_firms": 1, "knowledge": 0, "brand": 1.19, "impact": 1.0, "verdict": "cluster"}, []),
        (
            {"core_firms": 0, "knowledge": 3, "brand": 2.0, "impact": 1.1, "verdict": "transition"},
            ["innovation_resource_driven"],
        ),
        ({"core_firms": 0, "knowledge": 2, "brand": 2.0, "impact": 1.5, "verdict": "transition"}, []),
        (
            {"core_firms": 0, "knowledge": 0, "brand": None, "impact": None, "verdict": "agglomeration"},
            ["policy_guided"],
        ),
        (
            {
                "core_firms": 0,
                "knowledge": 0,
                "brand": 1.0,
                "impact": 1.0,
                "verdict": "transition",
                "strengths": ("51", "59"),
                "export_share": 0.2,
            },
            ["market_hub_led"],
        ),
        (
            {
                "core_firms": 0,
                "knowledge": 0,
                "brand": 1.0,
                "impact": 1.0,
                "verdict": "transition",
                "strengths": ("51", "59"),
                "export_share": 0.19,
            },
            [],
        ),
    ],
)
def test_mode_rules_fire_at_their_thresholds(clustered: PlanningContext, kwargs: dict, fired: list[str]) -> None:
    rules = mode_rules(clustered, _diagnosis(**kwargs))
    assert [r.outcome for r in rules if r.fired] == fired
