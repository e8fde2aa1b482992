"""The demo's chain layout: the shipped templates' nodes and edges, once each, with mappable words."""

from __future__ import annotations

import re

import pytest

from clusterbrain.chain import ChainTemplate
from clusterbrain.demo.chains import CHAIN_IDS, FOREIGN_DEPENDENT, MISSING, SOLE_SOURCE, layout
from clusterbrain.workflow.chains import load_chain


@pytest.fixture(scope="module")
def templates() -> dict[str, ChainTemplate]:
    return {c: load_chain(c) for c in CHAIN_IDS}


def test_layout_has_every_template_node_once_and_every_edge(templates: dict[str, ChainTemplate]) -> None:
    chains = layout()
    ids = [n.node_id for n in chains.nodes]
    assert len(ids) == len(set(ids))
    assert set(ids) == {n.id for t in templates.values() for n in t.nodes}
    edges = {(e.supplier, e.customer) for t in templates.values() for e in t.edges}
    assert {(s, c) for s, c, _ in chains.edges} == edges
    assert all(w > 0 for _, _, w in chains.edges)
    # The node both templates have is one demo node, on the integrated-circuit chain.
    assert chains.nodes[chains.index("consumer_electronics")].chain_id == "integrated_circuits"


def test_planted_nodes_are_template_nodes_of_the_expected_chains() -> None:
    chains = layout()
    on = {n.node_id: n.chain_id for n in chains.nodes}
    assert [on[n] for n in MISSING] == ["lithium_ion_battery", "integrated_circuits"]
    assert [on[n] for n in SOLE_SOURCE] == ["lithium_ion_battery", "integrated_circuits"]
    assert [on[n] for n in FOREIGN_DEPENDENT] == ["integrated_circuits"]
    for node_id in (*MISSING, *SOLE_SOURCE):
        assert chains.nodes[chains.index(node_id)].w_focus == 0.0


def test_firm_codes_are_the_first_template_class(templates: dict[str, ChainTemplate]) -> None:
    for node in layout().nodes:
        template = templates[node.chain_id]
        assert node.industry_code == template.node(node.node_id).codes["gbt4754_2017"][0]
        assert len(node.industry_code) == 4 and node.division == node.industry_code[:2]


def _inside(short: str, long: str) -> bool:
    """Substring; a Latin keyword only between word boundaries ('pvd' is not in 'pvdf')."""
    if not short.isascii():
        return short in long
    return re.search(rf"(?<![a-z0-9]){re.escape(short)}(?![a-z0-9])", long) is not None


def test_name_and_scope_words_overlap_no_keyword_of_another_node(templates: dict[str, ChainTemplate]) -> None:
    others = [(n.id, k.lower()) for t in templates.values() for n in t.nodes for k in (*n.keywords_zh, *n.keywords_en)]
    for node in layout().nodes:
        assert node.name_words and set(node.name_words) <= set(node.scope_words)
        assert set(node.scope_words) <= set(templates[node.chain_id].node(node.node_id).keywords_zh)
        for word in node.scope_words:
            w = word.lower()
            clashes = [(m, o) for m, o in others if m != node.node_id and (_inside(o, w) or _inside(w, o))]
            assert not clashes, (node.node_id, word, clashes)
