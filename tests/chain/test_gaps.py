"""Gap list (补链 / 强链 / 延链): the planted gaps of a constructed chain and of the demo, with evidence and priority."""

from __future__ import annotations

import json

import pytest

from clusterbrain.chain import parse_template
from clusterbrain.chain.analysis import StatusThresholds, analyse_chain_from_stats
from clusterbrain.chain.gaps import GAP_KINDS, GapItem, GapList, chain_gaps
from clusterbrain.exceptions import InvalidParameterError
from tests.chain.test_analysis import DOC, STATS, demo, mini_analysis, mini_template  # noqa: F401 (demo: fixture)


def evidence(item: GapItem, metric: str) -> dict:
    return next(e.to_dict() for e in item.evidence if e.metric == metric)


@pytest.fixture(scope="module")
def gaps() -> GapList:
    return chain_gaps(mini_analysis(), mini_template())


def test_gap_list_finds_the_planted_fill_strengthen_and_extend_nodes(gaps):
    assert gaps.node_ids("fill") == ["ore"]
    assert gaps.node_ids("strengthen") == ["chip", "after", "pack"]  # by priority
    assert gaps.node_ids("extend") == ["ore", "after"]
    assert [i.kind for i in gaps.items] == ["fill"] + ["strengthen"] * 3 + ["extend"] * 2
    assert {i.kind_zh for i in gaps.items} == {"补链", "强链", "延链"}
    assert GAP_KINDS["extend"] == "延链"


def test_fill_item_carries_its_evidence(gaps):
    ore = gaps.of_kind("fill")[0]
    assert (ore.name_en, ore.stage, ore.status, ore.reason) == ("Ore", "upstream", "missing", "no local firm")
    assert evidence(ore, "local_firms") == {
        "metric": "local_firms",
        "value": 0,
        "threshold": 1,
        "source": "firms x assignments (focus regions)",
    }
    assert ore.value("national_firms") == 1
    assert ore.value("national_leader_firms") == ["f7"]
    assert ore.value("national_leader_regions") == ["D1"]
    assert ore.value("purchase_value") == 60.0
    assert ore.value("purchase_abroad_share") == pytest.approx(10 / 60)
    assert (ore.value("value_added"), ore.value("value_added_rank"), ore.value("barrier")) == (4.0, 3, 3)


def test_strengthen_items_show_foreign_dependence_and_weakness(gaps):
    chip, after, pack = gaps.of_kind("strengthen")
    assert chip.status == "foreign_dependent"
    assert evidence(chip, "purchase_abroad_share")["value"] == pytest.approx(0.75)
    assert evidence(chip, "purchase_abroad_share")["threshold"] == 0.5
    assert evidence(chip, "purchase_top_foreign_share")["threshold"] == 1.0
    assert chip.value("purchase_hhi") == pytest.approx(0.625)
    assert (chip.value("sole_source"), chip.value("foreign_sole_source"), chip.value("purchase_suppliers")) == (
        False,
        False,
        2,
    )
    assert evidence(pack, "local_firms") == {
        "metric": "local_firms",
        "value": 1,
        "threshold": 2,
        "source": "firms x assignments (focus regions)",
    }
    assert evidence(pack, "location_ratio")["value"] == pytest.approx((1 / 6) / 0.6)
    assert after.value("purchase_abroad_share") is None  # nothing bought: null, not NaN


def test_extend_items_name_the_established_neighbours(gaps):
    ore, after = gaps.of_kind("extend")
    assert ore.value("supplies_established_nodes") == ["cell"]
    assert after.value("buys_from_established_nodes") == ["car"]
    assert evidence(after, "value_added") == {
        "metric": "value_added",
        "value": 4.5,
        "threshold": 3.5,
        "source": "template (threshold: median)",
    }
    assert after.value("value_added_rank") == 2
    assert "car" in after.reason


def test_priorities_follow_the_documented_formula(gaps):
    # p = VA/max VA * (0.5 + barrier/10) * (1 + established share of neighbours) * urgency
    priority = {(i.kind, i.node_id): i.priority for i in gaps.items}
    assert priority[("fill", "ore")] == pytest.approx(4 / 5 * 0.8 * 2)
    assert priority[("strengthen", "chip")] == pytest.approx(1.0 * 1.0 * 1 * (1 + 0.75))
    assert priority[("strengthen", "after")] == pytest.approx(0.9 * 0.7 * 2)
    assert priority[("strengthen", "pack")] == pytest.approx(0.3 * 0.7 * (1 + 2 / 3))
    assert priority[("extend", "after")] == pytest.approx(0.9 * 0.7 * 2)


def test_top_extend_limits_the_extend_items_by_value_added():
    a, t = mini_analysis(), mini_template()
    assert chain_gaps(a, t, top_extend=1).node_ids("extend") == ["after"]
    assert chain_gaps(a, t, top_extend=0).node_ids("extend") == []


def test_threshold_changes_move_nodes_between_kinds():
    loose = StatusThresholds(min_firms=2, strong_min_firms=3, foreign_share=0.8)
    g = chain_gaps(mini_analysis(loose), mini_template())
    chip = next(i for i in g.of_kind("strengthen") if i.node_id == "chip")
    assert chip.status == "weak"
    assert chip.priority == pytest.approx(1.75)  # urgency still counts the abroad share


def test_gap_list_is_plain_json(gaps):
    d = gaps.to_dict()
    back = json.loads(json.dumps(d, ensure_ascii=False, allow_nan=False))
    assert back["template_id"] == "mini" and back["basis"] == "firms"
    assert back["thresholds"]["min_firms"] == 2
    item = back["items"][0]
    assert set(item) == {
        "kind",
        "kind_zh",
        "node_id",
        "name_zh",
        "name_en",
        "stage",
        "status",
        "priority",
        "reason",
        "evidence",
    }
    assert all(set(e) == {"metric", "value", "threshold", "source"} for i in back["items"] for e in i["evidence"])


def test_gaps_from_a_code_based_analysis():
    a = analyse_chain_from_stats(mini_template(), STATS, regions={"A1", "A2"}, scheme="g")
    g = chain_gaps(a, mini_template())
    assert g.basis == "stats"
    assert g.node_ids("fill") == ["ore"]
    assert sorted(g.node_ids("strengthen")) == ["after", "chip"]
    # chip, after and ore are all next to established nodes; listed by priority (2.0, 1.28, 1.26)
    assert g.node_ids("extend") == ["chip", "ore", "after"]
    assert [i.priority for i in g.of_kind("extend")] == pytest.approx([2.0, 1.28, 1.26])
    ore = g.of_kind("fill")[0]
    assert evidence(ore, "location_quotient") == {
        "metric": "location_quotient",
        "value": 0.0,
        "threshold": 0.1,
        "source": "stats",
    }
    json.dumps(g.to_dict(), allow_nan=False)


def test_gap_list_refuses_a_foreign_template_and_negative_top_extend():
    other = parse_template({**DOC, "id": "other"})
    with pytest.raises(InvalidParameterError, match="must be the template analysed \\('mini'\\). Got 'other'"):
        chain_gaps(mini_analysis(), other)
    with pytest.raises(
        InvalidParameterError, match="'top_extend' parameter of chain_gaps must be an int in \\[0, inf\\)"
    ):
        chain_gaps(mini_analysis(), mini_template(), top_extend=-1)


def test_demo_gap_list_holds_the_planted_gaps(demo):  # noqa: F811 (the fixture)
    planted = demo["manifest"].planted
    gaps = {c: chain_gaps(demo["analyses"][c], t) for c, t in demo["templates"].items()}
    fill = {(c, n) for c, g in gaps.items() for n in g.node_ids("fill")}
    assert fill == {(n.chain_id, n.node_id) for n in planted.missing_nodes}
    for n in planted.foreign_dependent_nodes:
        strengthen = {i.node_id: i for i in gaps[n.chain_id].of_kind("strengthen")}
        assert strengthen[n.node_id].status == "foreign_dependent"
    for n in planted.sole_source_nodes:
        strengthen = {i.node_id: i for i in gaps[n.chain_id].of_kind("strengthen")}
        assert strengthen[n.node_id].value("sole_source") is True
    for g in gaps.values():
        json.dumps(g.to_dict(), ensure_ascii=False, allow_nan=False)
