"""The gap list of a chain analysis: 补链 (fill), 强链 (strengthen), 延链 (extend), each with its evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from clusterbrain._validation import check_scalar
from clusterbrain.chain._inputs import plain
from clusterbrain.chain.analysis import ChainAnalysis
from clusterbrain.chain.template import ChainTemplate
from clusterbrain.exceptions import InvalidParameterError

__all__ = ["GAP_KINDS", "Evidence", "GapItem", "GapList", "chain_gaps"]

GAP_KINDS = {"fill": "补链", "strengthen": "强链", "extend": "延链"}
"""Gap kinds, in list order, with their Chinese names."""

_ESTABLISHED = ("strong", "present")


@dataclass(frozen=True)
class Evidence:
    """One number behind a gap: the metric, its value, the threshold it was held against, its source."""

    metric: str
    value: Any
    threshold: Any = None
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The evidence as plain JSON data."""
        return {
            "metric": self.metric,
            "value": plain(self.value),
            "threshold": plain(self.threshold),
            "source": self.source,
        }


@dataclass(frozen=True)
class GapItem:
    """One gap on the chain: which node, of what kind, how urgent, and why.

    ``priority`` is documented in :func:`chain_gaps`; ``reason`` is the status rule that
    fired in the analysis (for extend items, why the node is a candidate).
    """

    kind: str
    kind_zh: str
    node_id: str
    name_zh: str
    name_en: str
    stage: str
    status: str
    priority: float
    reason: str
    evidence: tuple[Evidence, ...]

    def value(self, metric: str) -> Any:
        """The value of the evidence called ``metric``."""
        for e in self.evidence:
            if e.metric == metric:
                return e.value
        raise KeyError(metric)

    def to_dict(self) -> dict[str, Any]:
        """The item as plain JSON data; ``evidence`` is a list of {metric, value, threshold, source}."""
        return {
            "kind": self.kind,
            "kind_zh": self.kind_zh,
            "node_id": self.node_id,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "stage": self.stage,
            "status": self.status,
            "priority": self.priority,
            "reason": self.reason,
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True)
class GapList:
    """The gaps of one chain in one region: fill, then strengthen, then extend, each by priority."""

    template_id: str
    basis: str
    regions: tuple[str, ...]
    thresholds: dict[str, Any]
    items: tuple[GapItem, ...]

    def __len__(self) -> int:
        return len(self.items)

    def of_kind(self, kind: str) -> list[GapItem]:
        """The items of one kind ('fill', 'strengthen' or 'extend'), by priority."""
        return [i for i in self.items if i.kind == kind]

    def node_ids(self, kind: str) -> list[str]:
        """The node ids of one kind's items, by priority."""
        return [i.node_id for i in self.of_kind(kind)]

    def to_dict(self) -> dict[str, Any]:
        """The gap list as plain JSON data."""
        return {
            "template_id": self.template_id,
            "basis": self.basis,
            "regions": list(self.regions),
            "thresholds": self.thresholds,
            "items": [i.to_dict() for i in self.items],
        }


def chain_gaps(analysis: ChainAnalysis, template: ChainTemplate, /, *, top_extend: int = 3) -> GapList:
    r"""The gap list of a chain analysis: what to fill (补链), strengthen (强链) and extend (延链).

    - **fill** (补链): every ``missing`` node. Evidence: local firms (none), the country's firms
      of the node and where its largest ones are, what the region already buys of the node's
      product and from where, value added and technology barrier.
    - **strengthen** (强链): every ``weak`` or ``foreign_dependent`` node. Evidence: local
      firms, location ratio, abroad share (of the basis that decides foreign dependence),
      sole source, foreign sole source, supplier count and HHI.
    - **extend** (延链): ``missing`` or ``weak`` nodes next to (supplier or customer of, on a
      template edge) an established node (``strong`` or ``present``) whose value added is at
      least the template's median; the ``top_extend`` with the highest value added (then
      barrier). Evidence: the established neighbours up- and downstream, the value-added rank.
      A node can be both a fill (or strengthen) and an extend item: the reasons differ.

    Priority, for node :math:`k` with value added :math:`VA_k`, barrier :math:`b_k`, and
    :math:`a_k` the share of its template neighbours that are established:

    .. math::

        p_k = \frac{VA_k}{\max_j VA_j} \,(0.5 + b_k / 10)\,(1 + a_k)\,u_k,

    with urgency :math:`u_k = 1 + \text{abroad share} + 0.5\,[\text{sole source}]` for
    strengthen items (abroad share 0 where nothing was bought) and :math:`u_k = 1` otherwise.
    Higher value added, a higher barrier (more strategic, 卡脖子-prone) and established
    neighbours (local customers and suppliers waiting) all raise the priority.

    Parameters
    ----------
    analysis : ChainAnalysis
        From :func:`analyse_chain` or :func:`analyse_chain_from_stats`.
    template : ChainTemplate
        The template analysed (its edges give the neighbours).
    top_extend : int, default 3
        How many extend items to keep (0 for none).

    Returns
    -------
    GapList
        Fill items, then strengthen, then extend, each by priority (template order on ties).

    Raises
    ------
    InvalidParameterError
        If ``analysis`` is not of ``template``, or ``top_extend`` is negative.
    """
    func = "chain_gaps"
    if not isinstance(analysis, ChainAnalysis) or not isinstance(template, ChainTemplate):
        raise InvalidParameterError(f"{func} needs a ChainAnalysis and its ChainTemplate.")
    if analysis.template_id != template.id:
        raise InvalidParameterError(
            f"The 'template' parameter of {func} must be the template analysed ({analysis.template_id!r}). "
            f"Got {template.id!r} instead."
        )
    check_scalar(top_extend, "top_extend", func, integer=True, low=0)
    nodes = analysis.nodes.set_index("node_id")
    status: dict[str, str] = {str(k): str(v) for k, v in nodes["status"].items()}
    va = {n.id: float(n.value_added) for n in template.nodes}
    barrier = {n.id: int(n.barrier) for n in template.nodes}
    established = {n for n, s in status.items() if s in _ESTABLISHED}
    suppliers = {n: [e.supplier for e in template.edges if e.customer == n] for n in va}
    customers = {n: [e.customer for e in template.edges if e.supplier == n] for n in va}
    top_va = max(va.values())
    base = {}
    for n in va:
        neighbours = suppliers[n] + customers[n]
        adjacency = sum(m in established for m in neighbours) / len(neighbours) if neighbours else 0.0
        base[n] = va[n] / top_va * (0.5 + barrier[n] / 10) * (1 + adjacency)
    va_rank = {n: 1 + sum(v > va[n] for v in va.values()) for n in va}
    ctx = _Context(analysis, nodes, base, va_rank)

    items = [ctx.item("fill", n, 1.0, ctx.fill_evidence(n)) for n in va if status[n] == "missing"]
    for n in (n for n in va if status[n] in ("weak", "foreign_dependent")):
        abroad, sole = ctx.dependence(n)
        items.append(ctx.item("strengthen", n, 1.0 + abroad + 0.5 * sole, ctx.strengthen_evidence(n)))
    median = float(np.median(list(va.values())))
    candidates = [
        n
        for n in va
        if status[n] in ("missing", "weak") and va[n] >= median and established & set(suppliers[n] + customers[n])
    ]
    candidates.sort(key=lambda n: (-va[n], -barrier[n]))  # stable: template order on ties
    for n in candidates[:top_extend]:
        downstream = [m for m in customers[n] if m in established]  # established customers of n
        upstream = [m for m in suppliers[n] if m in established]  # established suppliers of n
        evidence = (
            Evidence("supplies_established_nodes", downstream, None, "template edges x analysis status"),
            Evidence("buys_from_established_nodes", upstream, None, "template edges x analysis status"),
            Evidence("value_added", va[n], median, "template (threshold: median)"),
            Evidence("value_added_rank", va_rank[n], None, "template (1 = highest)"),
            Evidence("barrier", barrier[n], None, "template"),
            Evidence("status", status[n], None, "analysis"),
        )
        reason = f"{status[n]} node next to established node(s) {', '.join(downstream + upstream)}, high value added"
        items.append(ctx.item("extend", n, 1.0, evidence, reason=reason))
    order = {n: i for i, n in enumerate(va)}
    kinds = list(GAP_KINDS)
    items.sort(key=lambda i: (kinds.index(i.kind), -i.priority, order[i.node_id]))
    return GapList(analysis.template_id, analysis.basis, analysis.regions, analysis.thresholds.to_dict(), tuple(items))


class _Context:
    """What the item builders share: the node table, the base priorities, the thresholds."""

    def __init__(
        self, analysis: ChainAnalysis, nodes: pd.DataFrame, base: dict[str, float], va_rank: dict[str, int]
    ) -> None:
        self.analysis = analysis
        self.nodes = nodes
        self.base = base
        self.va_rank = va_rank
        self.t = analysis.thresholds
        self.firms = analysis.basis == "firms"

    def get(self, node: str, column: str) -> Any:
        return plain(self.nodes.at[node, column])

    def item(
        self, kind: str, node: str, urgency: float, evidence: tuple[Evidence, ...], *, reason: str = ""
    ) -> GapItem:
        row = self.nodes.loc[node]
        return GapItem(
            kind=kind,
            kind_zh=GAP_KINDS[kind],
            node_id=node,
            name_zh=str(row["name_zh"]),
            name_en=str(row["name_en"]),
            stage=str(row["stage"]),
            status=str(row["status"]),
            priority=round(float(self.base[node] * urgency), 4),
            reason=reason or str(row["status_reason"]),
            evidence=evidence,
        )

    def template_evidence(self, node: str) -> tuple[Evidence, ...]:
        return (
            Evidence("value_added", self.get(node, "value_added"), None, "template"),
            Evidence("value_added_rank", self.va_rank[node], None, "template (1 = highest)"),
            Evidence("barrier", self.get(node, "barrier"), None, "template"),
        )

    def stats_evidence(self, node: str, threshold: float) -> tuple[Evidence, ...]:
        return (
            Evidence("location_quotient", self.get(node, "location_quotient"), threshold, "stats"),
            Evidence("local_value", self.get(node, "local_value"), None, "stats (focus regions)"),
            Evidence("national_value", self.get(node, "national_value"), None, "stats (all regions)"),
            Evidence("industries", self.get(node, "industries"), None, "template codes x stats"),
        )

    def fill_evidence(self, node: str) -> tuple[Evidence, ...]:
        if not self.firms:
            return self.stats_evidence(node, self.t.lq_missing) + self.template_evidence(node)
        leaders = self.analysis.national_leaders
        top = leaders[leaders["node_id"] == node]
        return (
            Evidence("local_firms", self.get(node, "local_firms"), 1, "firms x assignments (focus regions)"),
            Evidence("national_firms", self.get(node, "national_firms"), None, "firms x assignments (home country)"),
            Evidence("national_leader_firms", top["firm_id"].tolist(), None, "firms (home country, top by revenue)"),
            Evidence(
                "national_leader_regions", top["region_id"].tolist(), None, "firms (home country, top by revenue)"
            ),
            Evidence(
                "purchase_value", self.get(node, "purchase_value"), None, "links (local customers, node's product)"
            ),
            Evidence("purchase_domestic_share", self.get(node, "purchase_domestic_share"), None, "links"),
            Evidence("purchase_abroad_share", self.get(node, "purchase_abroad_share"), None, "links"),
            *self.template_evidence(node),
        )

    def dependence(self, node: str) -> tuple[float, bool]:
        """Abroad share (0 where nothing bought) and sole-source flag of the deciding basis."""
        if not self.firms:
            return 0.0, False
        prefix = "purchase" if self.t.dependence_basis == "purchases" else "input"
        abroad = self.get(node, f"{prefix}_abroad_share")
        sole = self.get(node, "sole_source" if prefix == "purchase" else "input_sole_source")
        return (0.0 if abroad is None else float(abroad)), bool(sole)

    def strengthen_evidence(self, node: str) -> tuple[Evidence, ...]:
        if not self.firms:
            return self.stats_evidence(node, self.t.weak_ratio) + self.template_evidence(node)
        p = "purchase" if self.t.dependence_basis == "purchases" else "input"
        sole, foreign_sole = (
            ("sole_source", "foreign_sole_source")
            if p == "purchase"
            else (
                "input_sole_source",
                "input_foreign_sole_source",
            )
        )
        return (
            Evidence(
                "local_firms", self.get(node, "local_firms"), self.t.min_firms, "firms x assignments (focus regions)"
            ),
            Evidence("location_ratio", self.get(node, "location_ratio"), self.t.weak_ratio, "firms x assignments"),
            Evidence(f"{p}_abroad_share", self.get(node, f"{p}_abroad_share"), self.t.foreign_share, "links"),
            Evidence(
                f"{p}_top_foreign_share",
                self.get(node, f"{p}_top_foreign_share"),
                self.t.foreign_supplier_share,
                "links",
            ),
            Evidence(sole, self.get(node, sole), None, "links"),
            Evidence(foreign_sole, self.get(node, foreign_sole), None, "links"),
            Evidence(f"{p}_suppliers", self.get(node, f"{p}_suppliers"), None, "links"),
            Evidence(f"{p}_hhi", self.get(node, f"{p}_hhi"), None, "links (Herfindahl-Hirschman index)"),
            *self.template_evidence(node),
        )
