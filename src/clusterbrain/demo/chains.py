"""The demo's chains: the shipped lithium-ion battery and integrated-circuit templates, with synthetic firm parameters.

Node ids, names, stages, kinds, industry codes, keywords and edges come from the chain
templates (:func:`clusterbrain.workflow.chains.builtin_templates`); this module adds only
what a generator needs and a template does not say: how many firms each node has in the
focus province, elsewhere in China and abroad, their size and intensities, and which nodes
carry the planted gaps. A node id found in both templates (``consumer_electronics``) is one
demo node whose firms belong to the chain named in :data:`_HOME` (they are on both chains).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from clusterbrain.chain import ChainNode as TemplateNode
from clusterbrain.chain import ChainTemplate
from clusterbrain.demo._keywords import usable_keywords
from clusterbrain.demo.industry import DIVISIONS, SCHEME
from clusterbrain.exceptions import ClusterBrainError
from clusterbrain.workflow.chains import builtin_templates

__all__ = [
    "CHAIN_IDS",
    "FOREIGN_COUNTRIES",
    "FOREIGN_DEPENDENT",
    "MISSING",
    "SOLE_SOURCE",
    "ChainLayout",
    "DemoNode",
    "layout",
]

CHAIN_IDS: tuple[str, ...] = ("lithium_ion_battery", "integrated_circuits")
"""The shipped chain templates the demo firms are placed on."""

MISSING: tuple[str, ...] = ("lithium_resources", "wafer_foundry")
"""Nodes with no firm in the focus province (demand met from other provinces and abroad)."""

SOLE_SOURCE: tuple[str, ...] = ("separator", "packaging_testing")
"""Nodes with exactly one firm in the focus province, the only supplier of local customers."""

FOREIGN_DEPENDENT: tuple[str, ...] = ("eda_tools",)
"""Nodes whose purchases by focus-province customers come mostly (> 80 % of value) from abroad."""

FOREIGN_COUNTRIES: tuple[str, ...] = ("JP", "KR", "DE", "US")

_HOME = {"consumer_electronics": "integrated_circuits"}
"""Chain of the firms of a node that both templates have (default: the first template that has it)."""

# Per node kind: firms weight, Lomax scale of employees (mean about 4x), revenue per employee
# (万元), R&D intensity at barrier 3, energy (tce per 万元 revenue), land (亩 per employee), and
# the weight of the supplier kind in its customers' purchases.
# fmt: off
_KIND: dict[str, tuple[float, float, float, float, float, float, float]] = {
    "material":    (2.0, 20.0, 220.0, 0.035, 0.050, 0.30, 1.0),
    "equipment":   (1.5, 14.0, 110.0, 0.060, 0.010, 0.20, 0.4),
    "component":   (2.5, 25.0, 130.0, 0.050, 0.020, 0.20, 1.0),
    "system":      (2.0, 15.0, 160.0, 0.035, 0.010, 0.15, 1.0),
    "application": (3.0, 60.0, 250.0, 0.035, 0.015, 0.25, 1.0),
    "service":     (2.0,  6.0, 100.0, 0.150, 0.002, 0.01, 0.5),
    "recycling":   (1.5, 10.0, 180.0, 0.020, 0.040, 0.30, 0.7),
}
# fmt: on
_GROWTH = {"lithium_ion_battery": 0.15, "integrated_circuits": 0.08}
_DEFAULT_GROWTH = 0.08

# How the focus province stands in each node, as relative numbers of firms (focus, other
# provinces, abroad) times the kind's weight. Nodes not listed are "present"; the planted
# nodes are listed by role.
_PROFILES: dict[str, tuple[float, float, float]] = {
    "strong": (2.0, 0.15, 0.4),
    "present": (1.0, 2.0, 0.6),
    "weak": (0.3, 4.0, 1.2),
    "missing": (0.0, 1.0, 0.8),
    "sole": (0.0, 1.0, 1.0),
    "foreign": (0.8, 0.5, 3.0),
}
# fmt: off
_PROFILE = {
    **dict.fromkeys(MISSING, "missing"), **dict.fromkeys(SOLE_SOURCE, "sole"),
    **dict.fromkeys(FOREIGN_DEPENDENT, "foreign"),
    # lithium-ion batteries: a cell, pack and storage cluster with cathode and equipment makers
    **dict.fromkeys(("cathode_materials", "electrode_equipment", "battery_cells", "modules_packs",
                     "energy_storage_systems"), "strong"),
    **dict.fromkeys(("nickel_cobalt_resources", "graphite_carbon_feedstock", "binders_conductive_agents",
                     "battery_chips", "second_life_utilization"), "weak"),
    # integrated circuits: design and electronics assembly, weak in front-end materials and tools
    **dict.fromkeys(("processor_design", "analog_rf_design", "component_distribution", "consumer_electronics",
                     "communication_equipment"), "strong"),
    **dict.fromkeys(("compound_semiconductor_substrates", "photoresist", "sputtering_targets", "photomasks",
                     "lithography_equipment", "ion_implant_equipment", "metrology_inspection",
                     "wafer_reclaim"), "weak"),
}
# fmt: on

# Country mix of foreign firms per node (JP, KR, DE, US); nodes not listed use _DEFAULT_MIX.
_DEFAULT_MIX = (0.35, 0.25, 0.20, 0.20)
_COUNTRY_MIX = {
    "eda_tools": (0.05, 0.0, 0.05, 0.90),
    "semiconductor_ip": (0.10, 0.0, 0.10, 0.80),
    "processor_design": (0.0, 0.10, 0.0, 0.90),
    "memory_chips": (0.10, 0.60, 0.0, 0.30),
    "photoresist": (0.85, 0.05, 0.0, 0.10),
    "silicon_wafers": (0.60, 0.20, 0.10, 0.10),
    "electronic_specialty_gases": (0.40, 0.10, 0.30, 0.20),
    "lithography_equipment": (0.70, 0.0, 0.10, 0.20),
    "etch_equipment": (0.30, 0.0, 0.0, 0.70),
    "deposition_equipment": (0.30, 0.0, 0.0, 0.70),
    "metrology_inspection": (0.20, 0.0, 0.0, 0.80),
    "separator": (0.70, 0.30, 0.0, 0.0),
    "cathode_materials": (0.30, 0.70, 0.0, 0.0),
    "electrode_equipment": (0.40, 0.20, 0.40, 0.0),
    "ev_application": (0.30, 0.20, 0.30, 0.20),
}


class DemoLayoutError(ClusterBrainError):
    """The shipped templates no longer fit the demo (a planted node or an industry code is gone)."""


@dataclass(frozen=True)
class DemoNode:
    """One populated chain node with the parameters of its synthetic firms.

    ``industry_code`` is the GB/T 4754-2017 class (the node's first code in the template)
    every firm of the node carries; ``division`` its first two digits. ``name_words`` and
    ``scope_words`` are the template keywords firm names and business scopes are built from
    (those no other node of the two templates shares). ``w_focus``, ``w_other`` and
    ``w_foreign`` are relative numbers of firms in the focus province, in other provinces and
    abroad; ``scale`` is the Lomax scale of employees; ``productivity`` revenue per employee
    in 万元; ``rd``, ``energy`` (tce per 万元 revenue) and ``land`` (亩 per employee) node
    means; ``growth`` the annual log growth of revenue.
    """

    node_id: str
    chain_id: str
    name_zh: str
    name_en: str
    stage: str
    kind: str
    industry_code: str
    division: str
    name_words: tuple[str, ...]
    scope_words: tuple[str, ...]
    w_focus: float
    w_other: float
    w_foreign: float
    scale: float
    productivity: float
    rd: float
    energy: float
    land: float
    growth: float


@dataclass(frozen=True, eq=False)
class ChainLayout:
    """The demo nodes (both templates, each node id once), the supply edges and their weights."""

    templates: tuple[ChainTemplate, ...]
    nodes: tuple[DemoNode, ...]
    edges: tuple[tuple[str, str, float], ...]

    @functools.cached_property
    def _index(self) -> dict[str, int]:
        return {n.node_id: i for i, n in enumerate(self.nodes)}

    @property
    def n_nodes(self) -> int:
        """Number of demo nodes."""
        return len(self.nodes)

    def index(self, node_id: str) -> int:
        """Position of ``node_id`` in :attr:`nodes`."""
        return self._index[node_id]

    def indices(self, node_ids: tuple[str, ...]) -> list[int]:
        """Positions of several nodes."""
        return [self.index(n) for n in node_ids]

    def params(self, name: str) -> np.ndarray:
        """The numeric attribute ``name`` of every node as a float64 array."""
        return np.array([getattr(n, name) for n in self.nodes], dtype=np.float64)

    def column(self, name: str) -> np.ndarray:
        """The text attribute ``name`` of every node as an object array."""
        return np.array([getattr(n, name) for n in self.nodes], dtype=object)

    @functools.cached_property
    def edge_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Supplier node index, customer node index and weight of every edge."""
        sup = np.array([self.index(s) for s, _, _ in self.edges], dtype=np.int64)
        cus = np.array([self.index(c) for _, c, _ in self.edges], dtype=np.int64)
        w = np.array([w for _, _, w in self.edges], dtype=np.float64)
        return sup, cus, w

    def country_mix(self) -> np.ndarray:
        """Probabilities of each foreign country per node, shape (n_nodes, 4)."""
        return np.array([_COUNTRY_MIX.get(n.node_id, _DEFAULT_MIX) for n in self.nodes], dtype=np.float64)

    def document(self) -> list[dict[str, object]]:
        """The chains as plain data (for the manifest): per template its nodes and the weighted edges."""
        out: list[dict[str, object]] = []
        for t in self.templates:
            ids = {n.id for n in t.nodes}
            nodes = []
            for n in t.nodes:
                demo = self.nodes[self.index(n.id)]
                nodes.append(
                    {
                        "node_id": n.id,
                        "name_zh": n.name_zh,
                        "name_en": n.name_en,
                        "stage": n.stage,
                        "kind": n.kind,
                        "industry_codes": list(n.codes.get(SCHEME, ())),
                        "firm_industry_code": demo.industry_code,
                        "firm_chain_id": demo.chain_id,
                        "keywords_zh": list(demo.name_words),
                    }
                )
            edges = [{"supplier": s, "customer": c, "weight": w} for s, c, w in self.edges if s in ids and c in ids]
            out.append(
                {
                    "chain_id": t.id,
                    "version": t.version,
                    "name_zh": t.name_zh,
                    "name_en": t.name_en,
                    "nodes": nodes,
                    "edges": edges,
                }
            )
        return out


def _node(node: TemplateNode, chain_id: str, words: tuple[tuple[str, ...], tuple[str, ...]]) -> DemoNode:
    codes = node.codes.get(SCHEME, ())
    divisions = {d[0]: d for d in DIVISIONS}
    if not codes or codes[0][:2] not in divisions:
        raise DemoLayoutError(
            f"chain node {chain_id}/{node.id} needs a first {SCHEME} code whose division the demo statistics "
            f"cover ({', '.join(divisions)}); it has {list(codes)}"
        )
    weight, scale, productivity, rd, energy, land, _ = _KIND[node.kind]
    focus, other, foreign = _PROFILES[_PROFILE.get(node.id, "present")]
    return DemoNode(
        node_id=node.id,
        chain_id=chain_id,
        name_zh=node.name_zh,
        name_en=node.name_en,
        stage=node.stage,
        kind=node.kind,
        industry_code=codes[0],
        division=codes[0][:2],
        name_words=words[0],
        scope_words=words[1],
        w_focus=weight * focus,
        w_other=weight * other,
        w_foreign=weight * foreign * (2.0 if node.barrier >= 5 else 1.0),
        scale=scale,
        productivity=productivity * (0.8 + 0.15 * node.value_added),
        rd=rd * (0.4 + 0.2 * node.barrier),
        energy=energy,
        land=land,
        growth=_GROWTH.get(chain_id, _DEFAULT_GROWTH),
    )


@functools.cache
def layout() -> ChainLayout:
    """The demo chains, built once per process from the shipped templates.

    Raises
    ------
    DemoLayoutError
        If a template is missing, a planted node is not in the templates, or a node lacks a
        usable GB/T 4754 code.
    """
    found = builtin_templates()
    absent = [c for c in CHAIN_IDS if c not in found]
    if absent:
        raise DemoLayoutError(f"the demo needs the chain templates {absent}; shipped: {sorted(found)}")
    templates = tuple(found[c] for c in CHAIN_IDS)
    home: dict[str, str] = {}
    first: dict[str, TemplateNode] = {}
    for t in templates:
        for n in t.nodes:
            home.setdefault(n.id, _HOME.get(n.id, t.id))
            first.setdefault(n.id, n)
    planted = [n for n in (*MISSING, *SOLE_SOURCE, *FOREIGN_DEPENDENT) if n not in first]
    if planted:
        raise DemoLayoutError(f"planted demo nodes {planted} are not in the templates {list(CHAIN_IDS)}")
    words = usable_keywords(templates, home)
    nodes = []
    for node_id, chain_id in home.items():
        node = next(n for t in templates if t.id == chain_id for n in t.nodes if n.id == node_id)
        nodes.append(_node(node, chain_id, words[node_id]))
    edges: dict[tuple[str, str], float] = {}
    for t in templates:
        for e in t.edges:
            supplier = first[e.supplier]
            # A supplier's share of its customers' purchases: its value added, less for equipment and services.
            edges.setdefault((e.supplier, e.customer), round(supplier.value_added * _KIND[supplier.kind][6], 4))
    if len(nodes) >= 100:  # external supplier ids carry the node number in two digits
        raise DemoLayoutError(f"the demo supports at most 99 chain nodes; the templates have {len(nodes)}")
    return ChainLayout(templates, tuple(nodes), tuple((s, c, w) for (s, c), w in edges.items()))
