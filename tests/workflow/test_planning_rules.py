"""The planning loop's scores and rules on constructed cases: cluster type, niche scores, modes, Atlas approach."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from clusterbrain.exceptions import InputValidationError, InvalidParameterError
from clusterbrain.store.pestel import read_pestel
from clusterbrain.workflow._cluster_type import DIMENSIONS, classify_cluster
from clusterbrain.workflow._modes import Condition, Rule, atlas_approach, evaluate_rules
from clusterbrain.workflow._niche import niche_scores
from clusterbrain.workflow.planning_params import default_params, load_params

ANCHORS = default_params()["cluster_dimensions"]


def _at(fraction: float) -> dict[str, float]:
    """Every dimension's proxy at ``fraction`` of the way from its agglomeration to its cluster anchor."""
    return {d: a + fraction * (c - a) for d, (a, c) in ANCHORS.items()}


def test_dimension_score_is_linear_between_the_anchors() -> None:
    result = classify_cluster(_at(0.25), ANCHORS)
    assert all(s == pytest.approx(0.25) for s in result.scores.values())
    assert result.mean_score == pytest.approx(0.25)


@pytest.mark.parametrize(
    ("fraction", "verdict"),
    [
        (0.0, "agglomeration"),
        (0.39, "agglomeration"),
        (0.4, "transition"),
        (0.59, "transition"),
        (0.6, "cluster"),
        (1.5, "cluster"),
    ],
)
def test_verdict_thresholds(fraction: float, verdict: str) -> None:
    assert classify_cluster(_at(fraction), ANCHORS, cluster_at=0.6, agglomeration_below=0.4).verdict == verdict


def test_scores_are_clipped_and_missing_dimensions_left_out() -> None:
    values: dict[str, float | None] = _at(2.0)  # beyond the cluster anchor: score 1, not 2
    values["impact"] = None
    values["brand"] = float("nan")
    result = classify_cluster(values, ANCHORS)
    assert result.scores["impact"] is None and result.scores["brand"] is None
    assert result.mean_score == pytest.approx(1.0)
    data = result.to_dict()
    assert [d["dimension"] for d in data["dimensions"]] == list(DIMENSIONS)
    assert data["verdict_zh"] == "集群"


def test_no_data_verdict() -> None:
    assert classify_cluster(dict.fromkeys(DIMENSIONS), ANCHORS).verdict == "no_data"


def test_niche_score_weights_and_crowding_direction() -> None:
    candidates = pd.DataFrame(
        {
            "barrier": [1.0, 1.0],
            "value_added": [1.0, 1.0],
            "national_growth": [0.0, 0.0],
            "relatedness_density": [0.0, 0.0],
            "complexity": [0.0, 0.0],
            "crowding": [0.9, 0.1],
        }
    )
    weights = {
        "barrier": 1,
        "value_added": 1,
        "national_growth": 1,
        "relatedness_density": 1,
        "complexity": 1,
        "crowding": 2,
    }
    scored = niche_scores(candidates, weights)
    # Equal criteria score 0.5 each; crowding decides: the less crowded candidate (index 1) scores (5*0.5 + 2*1)/7.
    assert scored.index.tolist() == [1, 0]
    assert scored.loc[1, "score"] == pytest.approx(4.5 / 7)
    assert scored.loc[0, "score"] == pytest.approx(2.5 / 7)
    assert scored.loc[1, "contribution_crowding"] == pytest.approx(2 / 7)


def test_niche_score_ignores_a_criterion_with_zero_weight() -> None:
    candidates = pd.DataFrame({"barrier": [5.0, 1.0], "value_added": [1.0, 2.0]})
    scored = niche_scores(candidates, {"barrier": 0, "value_added": 1})
    assert scored.index[0] == 1
    assert scored["score"].tolist() == pytest.approx([1.0, 0.0])


def test_rules_fire_in_order_and_report_their_conditions() -> None:
    rules = [
        Rule("core_firm_led", "核心企业带动型", "Core-firm-led", (Condition("core_firms", 0, ">=", 1),)),
        Rule(
            "innovation",
            "创新资源驱动型",
            "Innovation",
            (Condition("knowledge", 3, ">=", 3), Condition("rd_ratio", 1.2, ">=", 1.1)),
        ),
        Rule("policy_guided", "政策规划引导型", "Policy-guided", (Condition("weak", 1, "==", 1),)),
    ]
    outcome, fired = evaluate_rules(rules, fallback="policy_guided")
    assert outcome == "innovation"
    assert [r.outcome for r in fired] == ["innovation", "policy_guided"]
    assert rules[1].to_dict()["conditions"][1] == {
        "metric": "rd_ratio",
        "value": 1.2,
        "op": ">=",
        "threshold": 1.1,
        "holds": True,
        "source": "",
    }


def test_a_condition_without_data_does_not_hold() -> None:
    rule = Rule("x", "x", "x", (Condition("population", None, ">=", 1),))
    assert not rule.fired and rule.support == 0
    assert evaluate_rules([rule], fallback="fallback") == ("fallback", [])


@pytest.mark.parametrize(
    ("eci", "coi", "approach"),
    [
        (0.9, 0.0, "technological_frontier"),
        (0.89, 0.5, "light_touch"),
        (0.89, 0.49, "parsimonious_industrial_policy"),
        (0.2, 0.25, "parsimonious_industrial_policy"),
        (0.49, 0.24, "strategic_bets"),
    ],
)
def test_atlas_approach_at_its_thresholds(eci: float, coi: float, approach: str) -> None:
    rule = atlas_approach(eci, coi, default_params()["atlas"])
    assert rule is not None and rule.outcome == approach and rule.fired


def test_atlas_approach_needs_both_percentiles() -> None:
    assert atlas_approach(None, 0.5, default_params()["atlas"]) is None


def test_params_file_overrides_and_rejects_unknown_keys(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("positioning:\n  weights:\n    barrier: 3\n", encoding="utf-8")
    assert load_params(good)["positioning"]["weights"]["barrier"] == 3
    assert load_params(good)["positioning"]["weights"]["complexity"] == 1.0
    bad = tmp_path / "bad.yaml"
    bad.write_text("positioning:\n  weight:\n    barrier: 3\n", encoding="utf-8")
    with pytest.raises(InvalidParameterError, match="unknown parameter positioning.'weight'"):
        load_params(bad)
    negative = tmp_path / "negative.yaml"
    negative.write_text("competition:\n  crowded_share: -1\n", encoding="utf-8")
    with pytest.raises(InvalidParameterError, match="'crowded_share' must be a non-negative number"):
        load_params(negative)


def test_pestel_sheet_accepts_chinese_and_names_bad_rows(tmp_path: Path) -> None:
    sheet = tmp_path / "pestel.csv"
    sheet.write_text(
        "因素,事项,影响,权重\n政治,省级集群政策(示例),机遇,5\n技术,固态电池路线,挑战,4\n", encoding="utf-8"
    )
    table = read_pestel(sheet)
    assert table[["factor", "impact", "weight"]].values.tolist() == [
        ["political", "opportunity", 5],
        ["technological", "threat", 4],
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text("factor,item,impact,weight\nweather,rain,threat,3\npolitical,,opportunity,7\n", encoding="utf-8")
    with pytest.raises(InputValidationError) as info:
        read_pestel(bad)
    text = str(info.value)
    assert "bad.csv, row 2, column 'factor': value 'weather'" in text
    assert "row 3, column 'weight': value '7'" in text
    assert "row 3, column 'item'" in text
