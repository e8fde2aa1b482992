"""Industry labels, name hints, curated firms and the coverage counts of a mapping; jieba's cut recomputed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jieba
import pandas as pd
import pytest

from clusterbrain.chain import map_firms, parse_template
from clusterbrain.chain._segment import DagSegmenter
from clusterbrain.chain._text import _BLOCK, node_keywords, normalise
from clusterbrain.chain.coverage import mapping_coverage
from clusterbrain.exceptions import InvalidParameterError

NODE = {"stage": "midstream", "kind": "component", "value_added": 1.0, "barrier": 2}
DOC: dict[str, Any] = {
    "id": "mini",
    "name_zh": "迷你链",
    "name_en": "Mini chain",
    "nodes": [
        {**NODE, "id": "cell", "name_zh": "电芯", "name_en": "Cells", "keywords": {"zh": ["电芯"]}},
        {**NODE, "id": "separator", "name_zh": "隔膜", "name_en": "Separator", "keywords": {"zh": ["隔膜"]}},
        {**NODE, "id": "pack", "name_zh": "电池包", "name_en": "Packs", "keywords": {"zh": ["电池包"]}},
    ],
}
TEMPLATE = parse_template(DOC)
LABELS = pd.DataFrame(
    {
        "label": ["电气设备", "电气设备", "电气设备", "化工原料"],
        "chain_id": ["mini", "mini", "other_chain", "mini"],
        "node_id": ["cell", "pack", "whatever", "separator"],
        "prior": [0.3, 0.2, 0.9, 0.2],
        "hints": ["锂能|电池", "", "", "膜"],
    }
)


def firms(*rows: tuple[str, str | None]) -> pd.DataFrame:
    """Firms F1, F2, … from (name, industry label) pairs."""
    return pd.DataFrame(
        {
            "firm_id": [f"F{i + 1}" for i in range(len(rows))],
            "name": [r[0] for r in rows],
            "industry_label": [r[1] for r in rows],
        }
    )


def one(result: Any, firm_id: str) -> dict[str, Any]:
    row = result.assignments.set_index("firm_id").loc[firm_id]
    return {
        "node_id": row["node_id"],
        "confidence": row["confidence"],
        "method": row["method"],
        "reason": row["reason"],
    }


def test_label_alone_is_a_prior_below_the_threshold() -> None:
    result = map_firms(firms(("宏达股份", "电气设备")), TEMPLATE, labels=LABELS)
    assert result.assignments.empty
    assert result.unmapped.iloc[0][["best_node", "best_confidence"]].tolist() == ["cell", 0.3]
    lowered = map_firms(firms(("宏达股份", "电气设备")), TEMPLATE, labels=LABELS, min_confidence=0.3)
    assert one(lowered, "F1") == {
        "node_id": "cell",
        "confidence": 0.3,
        "method": "label",
        "reason": "industry label 电气设备",
    }


def test_hint_under_its_label_combines_by_noisy_or() -> None:
    result = map_firms(firms(("宏达锂能", "电气设备"), ("宏达锂能", "化工原料")), TEMPLATE, labels=LABELS)
    # 1 - (1 - 0.5)(1 - 0.3) = 0.65; under another label the same fragment says nothing
    assert one(result, "F1") == {
        "node_id": "cell",
        "confidence": 0.65,
        "method": "hint",
        "reason": "name fragment 锂能 under industry label 电气设备; industry label 电气设备",
    }
    assert result.unmapped["firm_id"].tolist() == ["F2"]
    assert result.unmapped.iloc[0][["best_node", "best_confidence"]].tolist() == ["separator", 0.2]


def test_label_refines_a_name_keyword() -> None:
    result = map_firms(firms(("示例电池包", "电气设备")), TEMPLATE, labels=LABELS)
    # keyword 电池包 (0.8) and the label's prior for pack (0.2): 1 - 0.2 * 0.8 = 0.84
    assert one(result, "F1")["node_id"] == "pack"
    assert one(result, "F1")["confidence"] == pytest.approx(0.84)
    assert one(result, "F1")["method"] == "name"


def test_firms_without_label_column_ignore_the_crosswalk() -> None:
    plain = pd.DataFrame({"firm_id": ["F1"], "name": ["宏达锂能"]})
    assert map_firms(plain, TEMPLATE, labels=LABELS).candidates.empty


CURATED = pd.DataFrame(
    {
        "name": ["宏达股份|宏达新能源", "远山"],
        "chain_id": ["mini", "other_chain"],
        "node_id": ["separator", "anything"],
        "reason": ["curated: main product separators", "curated: elsewhere"],
    }
)


def test_curated_entry_decides_over_stronger_evidence_and_matches_aliases() -> None:
    rows = (("宏达股份", "电气设备"), ("宏达新能源科技股份有限公司", None), ("示例电芯", None), ("远山", None))
    result = map_firms(firms(*rows), TEMPLATE, labels=LABELS, curated=CURATED)
    assert one(result, "F1") == {
        "node_id": "separator",
        "confidence": 0.95,
        "method": "curated",
        "reason": "curated: main product separators",
    }
    assert one(result, "F2")["node_id"] == "separator"  # the full name, its suffixes removed
    assert one(result, "F3")["method"] == "name"
    assert "F4" in set(result.unmapped["firm_id"])  # an entry of another chain


def test_curated_entry_outranks_a_stronger_node() -> None:
    result = map_firms(firms(("宏达股份", None)), TEMPLATE, curated=CURATED.assign(name="宏达股份"))
    links = pd.DataFrame({"supplier_id": ["F1"] * 2, "customer_id": ["C1", "C2"], "product": ["cell", "电芯"]})
    both = map_firms(firms(("宏达股份", None)), TEMPLATE, curated=CURATED, links=links)
    assert one(result, "F1")["node_id"] == one(both, "F1")["node_id"] == "separator"
    cands = both.candidates.set_index("node_id")["confidence"]
    assert cands["cell"] == 0.9 and cands["separator"] == 0.95


def test_manual_override_beats_a_curated_entry() -> None:
    overrides = pd.DataFrame({"firm_id": ["F1"], "node_id": ["pack"]})
    result = map_firms(firms(("宏达股份", None)), TEMPLATE, curated=CURATED, overrides=overrides)
    assert one(result, "F1")["method"] == "override"
    assert one(result, "F1")["node_id"] == "pack"


def test_bad_label_and_curated_tables_are_refused() -> None:
    with pytest.raises(InvalidParameterError, match=r"labels name node\(s\) not in chain template 'mini': 'nowhere'"):
        map_firms(firms(("甲", "电气设备")), TEMPLATE, labels=LABELS.assign(node_id="nowhere"))
    with pytest.raises(
        InvalidParameterError, match=re.escape("The 'prior' column of labels must hold numbers in (0, 1)")
    ):
        map_firms(firms(("甲", "电气设备")), TEMPLATE, labels=LABELS.assign(prior=1.5))
    with pytest.raises(InvalidParameterError, match=r"'curated' parameter of map_firms lacks the column\(s\) 'reason'"):
        map_firms(firms(("甲", None)), TEMPLATE, curated=CURATED.drop(columns="reason"))
    with pytest.raises(InvalidParameterError, match=r"curated entries name node\(s\) not in chain template"):
        map_firms(firms(("甲", None)), TEMPLATE, curated=CURATED.assign(chain_id="mini"))


def test_coverage_recounts_the_assignments() -> None:
    rows = (
        ("宏达锂能", "电气设备"),
        ("示例电芯", "电气设备"),
        ("宏达股份", None),
        ("无关", "银行"),
        ("乙", "电气设备"),
    )
    result = map_firms(firms(*rows), TEMPLATE, labels=LABELS, curated=CURATED)
    c = result.coverage()
    a = result.assignments
    assert (c["firms"], c["mapped"], c["unmapped"], c["excluded"]) == (5, 3, 2, 0)
    assert c["low_confidence"] == int((a["confidence"] < 0.7).sum()) == 1  # the hint alone, 0.65
    assert c["low_confidence_share"] == pytest.approx(1 / 3)
    assert c["unmapped_with_guess"] == 1  # 乙: the label's prior; 无关: nothing
    assert c["by_method"] == {**dict.fromkeys(c["by_method"], 0), "curated": 1, "name": 1, "hint": 1}
    assert result.coverage(low_confidence=0.9)["low_confidence"] == 2
    with pytest.raises(InvalidParameterError, match="low_confidence"):
        result.coverage(low_confidence=2)


def test_coverage_over_chains_counts_each_firm_by_its_best_assignment() -> None:
    other = parse_template({**DOC, "id": "other", "nodes": [{**DOC["nodes"][1], "keywords": {"zh": ["宏达"]}}]})
    rows = (("宏达锂能", "电气设备"), ("乙", None), ("丙", None))
    mini = map_firms(firms(*rows), TEMPLATE, labels=LABELS)
    second = map_firms(firms(*rows), other)
    cov = mapping_coverage([mini, second])
    assert cov.per_chain["chain_id"].tolist() == ["mini", "other"]
    assert cov.per_chain["low_confidence"].tolist() == [1, 0]
    # F1: 0.65 on mini and 0.8 by name on other, so mapped with high confidence overall
    assert {k: cov.overall[k] for k in ("firms", "mapped", "low_confidence", "unmapped")} == {
        "firms": 3,
        "mapped": 1,
        "low_confidence": 0,
        "unmapped": 2,
    }
    assert cov.to_dict()["overall"]["by_method"]["name"] == 1
    with pytest.raises(InvalidParameterError, match="mapped twice"):
        mapping_coverage([mini, mini])
    with pytest.raises(InvalidParameterError, match="non-empty sequence of FirmMapping"):
        mapping_coverage([])


@pytest.fixture(scope="module")
def demo_blocks(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    from clusterbrain.demo import generate

    out: Path = tmp_path_factory.mktemp("demo-blocks")
    generate(out, n_firms=1500)
    table = pd.read_parquet(out / "firms.parquet", columns=["name", "business_scope"])
    texts = pd.concat([table["name"], table["business_scope"]]).dropna().unique()
    return sorted({b for t in texts for b in _BLOCK.findall(normalise(t))})


def test_segmenter_cuts_as_jieba_does(demo_blocks: list[str]) -> None:
    from clusterbrain.workflow.chains import load_chain

    template = load_chain("lithium_ion_battery")
    matcher = node_keywords(tuple((*n.keywords_zh, *n.keywords_en) for n in template.nodes)).matcher
    tokenizer: jieba.Tokenizer = matcher._tokenizer
    segmenter = DagSegmenter(tokenizer)
    extra = ["电池片电池包abc12锂电池", "供电路由器", "x", "废旧电池回收利用"]
    for block in [*demo_blocks, *extra]:
        assert segmenter.cut(block) == list(tokenizer.cut(block, HMM=False)), block
