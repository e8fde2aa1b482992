"""The risk rules: each reads a region's indicators and returns the warnings it fires."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from clusterbrain.network._graph_candidates import rank_candidates, sellers
from clusterbrain.network._graph_items import (
    SEVERITIES,
    Candidate,
    Levels,
    RiskEvidence,
    RiskThresholds,
    RiskWarning,
    severity_of,
)

if TYPE_CHECKING:
    from clusterbrain.network.graph import FirmNetwork
    from clusterbrain.network.risks import RegionIndicators

__all__ = ["Context", "rule_warnings"]


@dataclass(frozen=True, eq=False)
class Context:
    """What every rule reads: the network, the region's indicators, the thresholds and naming."""

    net: FirmNetwork
    ind: RegionIndicators
    th: RiskThresholds
    top: int
    names: dict[str, tuple[str, str]]
    origin: tuple[float, float] | None
    year: int | None
    served: pd.Series = field(init=False)
    by_id: pd.DataFrame = field(init=False)
    local_codes: list[int] = field(init=False)

    def __post_init__(self) -> None:
        """Index the firms by id and count each supplier's customers per input node, once."""
        object.__setattr__(self, "served", sellers(self.net.edges))
        object.__setattr__(self, "by_id", self.net.firms.assign(code=range(self.net.n_firms)).set_index("firm_id"))
        object.__setattr__(self, "local_codes", np.flatnonzero(self.net.mask(self.ind.local)).tolist())

    def node(self, node_id: str) -> tuple[str, str]:
        """Chinese and English name of a node (its id when unnamed)."""
        return self.names.get(node_id, (node_id, node_id))

    def firm(self, firm_id: str) -> str:
        """A firm's name, or its id."""
        name = self.by_id["name"].get(firm_id) if "name" in self.by_id else None
        return str(name) if isinstance(name, str) and name else str(firm_id)

    def place(self, firm_id: str) -> tuple[str, str]:
        """Where a firm is, as text: in the region, abroad (country) or in another region."""
        if firm_id in self.ind.local:
            return "本地区", "in the region"
        row = self.by_id.loc[firm_id] if firm_id in self.by_id.index else None
        if row is None or not bool(row["known"]):
            return "来源不明", "of unknown origin"
        if row["country"] != self.net.home_country:
            return f"境外 {row['country']}", f"abroad, {row['country']}"
        region = row.get("region_name") if isinstance(row.get("region_name"), str) else row["region_id"]
        return f"区外 {region}", f"outside the region, {region}"

    def candidates(self, node_id: str, exclude: Collection[str], *, domestic: bool = False) -> tuple[Candidate, ...]:
        """Ranked second sources on ``node_id`` outside the region, other than ``exclude``."""
        if self.top == 0 or node_id not in self.net.node_ids:
            return ()
        # Candidates are firms on the node elsewhere (招商 targets): the region's own firms are left out.
        codes = [*self.by_id["code"].reindex(list(exclude)).dropna().astype(int).tolist(), *self.local_codes]
        return rank_candidates(
            self.net.firms,
            self.served,
            int(self.net.node_ids.get_indexer(pd.Index([node_id]))[0]),
            node_id,
            exclude=codes,
            countries=[self.net.home_country] if domestic else None,
            origin=self.origin,
            top=self.top,
            node_name=self.node(node_id),
        )

    def evidence(self, metric: str, value: Any, threshold: Any = None, unit: str = "") -> RiskEvidence:
        """Evidence read from the links."""
        return RiskEvidence(metric, value, threshold, source="links", year=self.year, unit=unit)


def rule_warnings(ctx: Context) -> list[RiskWarning]:
    """Every warning of every rule."""
    return [*_sole_source(ctx), *_foreign(ctx), *_concentration(ctx), *_bridges(ctx), *_regions(ctx)]


def _levels(levels: Levels) -> dict[str, float]:
    return dict(zip(SEVERITIES, levels, strict=True))


def _names(cands: tuple[Candidate, ...], lang: str) -> str:
    sep = "、" if lang == "zh" else ", "
    return sep.join(c.name or c.firm_id for c in cands)


def _sole_source(ctx: Context) -> list[RiskWarning]:
    levels = ctx.th.sole_source_customers
    inputs = ctx.ind.inputs
    sole = inputs[inputs["sole_source"].fillna(False).astype(bool)]
    out = []
    for node_id, r in sole.iterrows():  # one row per flagged input node: a handful, not firms or edges
        out.extend(_sole_warning(ctx, str(node_id), None, r, levels))
    region_level = set(sole.index)
    ni = ctx.ind.node_inputs
    ni = ni[ni["sole_source"] & ~ni["input_node"].isin(region_level)]
    for row in ni.to_dict("records"):
        out.extend(_sole_warning(ctx, str(row["input_node"]), str(row["customer_node"]), pd.Series(row), levels))
    return out


def _sole_warning(
    ctx: Context, node_id: str, customer_node: str | None, r: pd.Series, levels: Levels
) -> list[RiskWarning]:
    n = int(r["customers"])
    level = severity_of(n, levels)
    if level < 0:
        return []
    supplier = str(r["supplier_id"])
    abroad = isinstance(r["supplier_country"], str) and r["supplier_country"] != ctx.net.home_country
    level = min(level + int(abroad), len(SEVERITIES) - 1)
    y_zh, y_en = ctx.node(node_id)
    s_name = ctx.firm(supplier)
    p_zh, p_en = ctx.place(supplier)
    who_zh, who_en = (
        (f"{ctx.node(customer_node)[0]}环节的", f"{ctx.node(customer_node)[1]} ") if customer_node else ("", "")
    )
    cands = ctx.candidates(node_id, [supplier])
    region = ctx.ind.region_id
    buyers = ctx.ind.node_inputs
    customer_nodes = sorted(buyers.loc[buyers["input_node"] == node_id, "customer_node"].astype(str))
    return [
        RiskWarning(
            id=f"sole_source:{region}:{customer_node + ':' if customer_node else ''}{node_id}",
            kind="sole_source",
            severity=SEVERITIES[level],
            what_zh=f"本地区{who_zh}{n}家企业采购的{y_zh}全部来自同一家供应商（{s_name}，{p_zh}），存在单一来源断供风险",
            what_en=f"All {n} local {who_en}buyers of {y_en} buy it from a single supplier ({s_name}, {p_en}): "
            "one failure cuts their supply",
            where={"region_id": region, "node_id": node_id, "customer_node_id": customer_node, "firm_id": supplier},
            evidence=(
                ctx.evidence("distinct_suppliers", 1, 1),
                ctx.evidence("local_customers", n, levels[0]),
                ctx.evidence("input_value", float(r["input_value"])),
                ctx.evidence("supplier_abroad", bool(abroad)),
            ),
            levels=_levels(levels),
            action_zh=f"培育{y_zh}第二供应来源，推动本地客户开展双源认证与备份采购"
            + (f"；候选企业：{_names(cands, 'zh')}" if cands else ""),
            action_en=f"Cultivate a second source of {y_en} and have local buyers qualify a backup supplier"
            + (f"; candidates: {_names(cands, 'en')}" if cands else ""),
            candidates=cands,
            data={"customer_nodes": customer_nodes} if customer_node is None else {},
        )
    ]


def _foreign(ctx: Context) -> list[RiskWarning]:
    levels = ctx.th.foreign_share
    t = ctx.ind.inputs
    t = t[(t["customers"] >= ctx.th.min_customers) & (t["foreign_share"] >= levels[0])]
    out = []
    for node_id, r in t.iterrows():  # flagged input nodes only
        node_id = str(node_id)
        y_zh, y_en = ctx.node(node_id)
        share, top = float(r["foreign_share"]), float(r["top_foreign_share"])
        top_id = str(r["top_foreign_id"])
        cands = ctx.candidates(node_id, [top_id], domestic=True)
        one = top >= 0.5
        out.append(
            RiskWarning(
                id=f"foreign_dependence:{ctx.ind.region_id}:{node_id}",
                kind="foreign_dependence",
                severity=SEVERITIES[severity_of(share, levels)],
                what_zh=f"本地区{int(r['customers'])}家企业采购的{y_zh}有{share:.0%}来自境外"
                + (f"，其中{top:.0%}来自一家境外供应商（{ctx.firm(top_id)}）" if one else ""),
                what_en=f"{share:.0%} of the {y_en} bought by {int(r['customers'])} local firms comes from abroad"
                + (f", {top:.0%} from one foreign supplier ({ctx.firm(top_id)})" if one else ""),
                where={"region_id": ctx.ind.region_id, "node_id": node_id, "firm_id": top_id if one else None},
                evidence=(
                    ctx.evidence("foreign_share", share, levels[0]),
                    ctx.evidence("top_foreign_supplier_share", top),
                    ctx.evidence("distinct_suppliers", int(r["suppliers"])),
                    ctx.evidence("input_value", float(r["input_value"])),
                ),
                levels=_levels(levels),
                action_zh=f"推进{y_zh}国产替代与多元化采购，培育国内第二来源"
                + (f"；候选企业：{_names(cands, 'zh')}" if cands else "；数据中区外尚无国内同环节企业，需招引或孵化"),
                action_en=f"Diversify {y_en} sourcing and cultivate a domestic second source"
                + (
                    f"; candidates: {_names(cands, 'en')}"
                    if cands
                    else "; the data hold no domestic firm on this node outside the region: attract or incubate one"
                ),
                candidates=cands,
            )
        )
    return out


def _concentration(ctx: Context) -> list[RiskWarning]:
    levels = ctx.th.supplier_hhi
    t = ctx.ind.inputs
    t = t[(t["suppliers"] >= 2) & (t["customers"] >= ctx.th.concentration_min_customers) & (t["hhi"] >= levels[0])]
    out = []
    for node_id, r in t.iterrows():  # flagged input nodes only
        node_id = str(node_id)
        y_zh, y_en = ctx.node(node_id)
        hhi, top_id = float(r["hhi"]), str(r["top_supplier_id"])
        cands = ctx.candidates(node_id, [top_id])
        out.append(
            RiskWarning(
                id=f"supplier_concentration:{ctx.ind.region_id}:{node_id}",
                kind="supplier_concentration",
                severity=SEVERITIES[severity_of(hhi, levels)],
                what_zh=f"本地区{y_zh}采购高度集中于少数供应商（HHI {hhi:.2f}，最大供应商{ctx.firm(top_id)}占"
                f"{float(r['top_supplier_share']):.0%}）",
                what_en=f"The region's purchases of {y_en} are concentrated on few suppliers (HHI {hhi:.2f}; "
                f"the largest, {ctx.firm(top_id)}, has {float(r['top_supplier_share']):.0%})",
                where={"region_id": ctx.ind.region_id, "node_id": node_id, "firm_id": top_id},
                evidence=(
                    ctx.evidence("supplier_hhi", hhi, levels[0]),
                    ctx.evidence("top_supplier_share", float(r["top_supplier_share"])),
                    ctx.evidence("distinct_suppliers", int(r["suppliers"])),
                ),
                levels=_levels(levels),
                action_zh=f"扩大{y_zh}合格供应商名录，分散采购"
                + (f"；候选企业：{_names(cands, 'zh')}" if cands else ""),
                action_en=f"Widen the list of qualified {y_en} suppliers"
                + (f"; candidates: {_names(cands, 'en')}" if cands else ""),
                candidates=cands,
            )
        )
    return out


def _bridges(ctx: Context) -> list[RiskWarning]:
    levels = ctx.th.bridge_share
    b = ctx.ind.bridges
    b = b.assign(share=b["separated"] / b["component_size"])
    b = b[(b["separated"] >= ctx.th.bridge_min_separated) & (b["share"] >= levels[0])]
    out = []
    for r in b.to_dict("records"):  # flagged firms only
        firm_id = str(r["firm_id"])
        node = ctx.by_id["node_id"].get(firm_id)
        node = node if isinstance(node, str) else None
        name = ctx.firm(firm_id)
        cands = ctx.candidates(node, [firm_id]) if node else ()
        between = float(ctx.ind.firms["betweenness"].get(firm_id, 0.0))
        out.append(
            RiskWarning(
                id=f"bridge_firm:{ctx.ind.region_id}:{firm_id}",
                kind="bridge_firm",
                severity=SEVERITIES[severity_of(r["share"], levels)],
                what_zh=f"{name}是本地供应网络的关键枢纽：一旦停产，{int(r['separated'])}家本地企业"
                f"（占连通网络的{r['share']:.1%}）将与本地网络失去联系",
                what_en=f"{name} holds the local supply network together: if it stops, {int(r['separated'])} "
                f"local firms ({r['share']:.1%} of the connected network) lose their ties to it",
                where={"region_id": ctx.ind.region_id, "node_id": node, "firm_id": firm_id},
                evidence=(
                    ctx.evidence("separated_firms", int(r["separated"]), ctx.th.bridge_min_separated),
                    ctx.evidence("separated_share", float(r["share"]), levels[0]),
                    ctx.evidence("betweenness", between),
                ),
                levels=_levels(levels),
                action_zh="将该企业列入重点保障与应急预案，帮助其上下游企业建立本地备份合作关系"
                + (f"；同环节候选企业：{_names(cands, 'zh')}" if cands else ""),
                action_en="Put the firm on the watch list and in contingency plans; help its partners build "
                "backup local ties" + (f"; candidates on the same node: {_names(cands, 'en')}" if cands else ""),
                candidates=cands,
            )
        )
    return out


def _regions(ctx: Context) -> list[RiskWarning]:
    levels = ctx.th.region_share
    t = ctx.ind.dependence.to_frame()
    region = ctx.ind.region_id
    t = t[(t["region_id"] == region) & (t["kind"] != "unknown") & (t["source"] != region) & (t["share"] >= levels[0])]
    out = []
    for r in t.to_dict("records"):  # flagged sources only
        abroad = r["kind"] == "country"
        where_zh = f"境外 {r['source']}" if abroad else f"地区 {r['source']}"
        where_en = f"abroad, {r['source']}" if abroad else f"region {r['source']}"
        out.append(
            RiskWarning(
                id=f"region_dependence:{region}:{r['kind']}:{r['source']}",
                kind="region_dependence",
                severity=SEVERITIES[severity_of(r["share"], levels)],
                what_zh=f"本地区企业{r['share']:.0%}的采购额来自{where_zh}",
                what_en=f"{r['share']:.0%} of the region's purchases come from {where_en}",
                where={"region_id": region, "source_kind": r["kind"], "source": r["source"]},
                evidence=(ctx.evidence("purchase_share", float(r["share"]), levels[0]),),
                levels=_levels(levels),
                action_zh="拓展多地区供应渠道，提高本地配套率",
                action_en="Spread sourcing over more regions and raise local supply",
            )
        )
    return out
