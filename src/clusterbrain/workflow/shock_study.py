"""Supply-shock studies on a workspace: build the firm network, cut some firms' capacity, follow the cascade.

Reads ``firms``, ``links`` (the latest year of each relation) and, for a chain, ``firm_nodes``
(mapping the firms on the fly when the chain was never mapped), builds a
:class:`~clusterbrain.network.shock.ProductionNetwork` and returns JSON-serialisable studies:
:class:`ShockStudy` for one scenario, :class:`MonteCarloStudy` for many random ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from clusterbrain._validation import check_option, check_scalar
from clusterbrain.chain import map_firms
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.network.shock import (
    CAUSES,
    MonteCarloResult,
    ProductionNetwork,
    RandomShocks,
    ShockResult,
    ShockScenario,
    monte_carlo,
    simulate_shock,
)
from clusterbrain.store.frames import firm_nodes_frame, firms_frame, links_frame, region_and_descendants
from clusterbrain.workflow.chains import load_chain
from clusterbrain.workflow.evidence import Evidence, Finding, plain, records

__all__ = ["MonteCarloStudy", "ShockNetwork", "ShockStudy", "build_shock_network", "run_monte_carlo", "run_shock"]

_DAYS_PER_YEAR = 365.0


@dataclass(frozen=True, eq=False)
class ShockNetwork:
    """The workspace's firm network with the labels behind its integer codes.

    ``firms`` has one row per firm number: ``firm_id``, ``name``, ``region_id``, ``country``,
    ``node_id`` and ``external`` (an end of a link that is not in the firms table).
    """

    network: ProductionNetwork
    firms: pd.DataFrame
    nodes: tuple[str, ...]
    regions: tuple[str, ...]
    countries: tuple[str, ...]
    chain_id: str | None


def _firm_nodes(con: duckdb.DuckDBPyConnection, chain_id: str, firms: pd.DataFrame, links: pd.DataFrame) -> pd.Series:
    assignments = firm_nodes_frame(con, chain_id)
    if assignments.empty:
        assignments = map_firms(firms, load_chain(chain_id, con), links=links).assignments
    return assignments.set_index("firm_id")["node_id"]


def build_shock_network(
    con: duckdb.DuckDBPyConnection, *, chain_id: str | None = None, spare_capacity: float = 0.1
) -> ShockNetwork:
    """Build the production network of the workspace.

    Daily link flows are the yearly ``value`` (else ``quantity``, else 1) over 365; daily
    output is revenue over 365, raised by the engine to cover sales and purchases; capacity
    is output times ``1 + spare_capacity``. A link's input group is its ``product``, else its
    supplier's node on ``chain_id`` (or, without a chain, the product the supplier sells most).

    Raises
    ------
    InvalidParameterError
        If the workspace has no supply links, or ``chain_id`` is not a known chain.
    """
    check_scalar(spare_capacity, "spare_capacity", "build_shock_network", low=0)
    links = links_frame(con)
    if links.empty:
        raise InvalidParameterError("the workspace has no supply links: import links before a shock study")
    if links["year"].notna().any():
        links = links[links["year"].isna() | (links["year"] == links["year"].max())]
    firms = firms_frame(con)
    ids = pd.Index(firms["firm_id"])
    outside = pd.Index(pd.concat([links["supplier_id"], links["customer_id"]]).unique()).difference(ids)
    table = pd.concat(
        [
            firms[["firm_id", "name", "region_id", "country", "revenue"]].assign(external=False),
            pd.DataFrame({"firm_id": outside, "name": outside, "external": True}),
        ],
        ignore_index=True,
    )
    number = pd.Series(np.arange(len(table)), index=table["firm_id"])
    sup = number[links["supplier_id"]].to_numpy()
    cus = number[links["customer_id"]].to_numpy()
    amount = links["value"].fillna(links["quantity"] if "quantity" in links else np.nan).fillna(1.0)
    flow = amount.to_numpy(dtype=np.float64) / _DAYS_PER_YEAR

    if chain_id is not None:
        node = table["firm_id"].map(_firm_nodes(con, chain_id, firms, links))
    else:
        sold = links.dropna(subset=["product"]).groupby(["supplier_id", "product"]).size().reset_index(name="k")
        top = sold.sort_values(["supplier_id", "k"], ascending=[True, False]).drop_duplicates("supplier_id")
        node = table["firm_id"].map(top.set_index("supplier_id")["product"])
    table["node_id"] = node.astype("string")
    node_codes, nodes = pd.factorize(pd.concat([table["node_id"], links["product"].astype("string")]))
    firm_node = node_codes[: len(table)]
    link_group = node_codes[len(table) :]
    link_group = np.where(link_group >= 0, link_group, firm_node[sup])
    region_codes, regions = pd.factorize(table["region_id"])
    country_codes, countries = pd.factorize(table["country"])
    revenue = table["revenue"].astype("float64").fillna(0.0).clip(lower=0).to_numpy() / _DAYS_PER_YEAR
    arrays = {
        "n_firms": len(table),
        "group": link_group.astype(np.int64),
        "firm_group": firm_node.astype(np.int32),
        "firm_region": region_codes.astype(np.int32),
        "firm_country": country_codes.astype(np.int32),
    }
    base = ProductionNetwork.from_links(sup, cus, flow, output=revenue, **arrays)
    net = ProductionNetwork.from_links(sup, cus, flow, output=base.output, capacity=base.output * (1 + spare_capacity), **arrays)
    return ShockNetwork(
        net, table.drop(columns="revenue"), tuple(map(str, nodes)), tuple(map(str, regions)),
        tuple(map(str, countries)), chain_id,
    )


def _target(
    con: duckdb.DuckDBPyConnection,
    sn: ShockNetwork,
    firms: list[str] | None,
    node: str | None,
    region: str | None,
    country: str | None,
) -> tuple[str, str, np.ndarray]:
    """The shocked firms as a mask, with the kind and label of the target."""
    given = {k: v for k, v in {"firms": firms, "node": node, "region": region, "country": country}.items() if v}
    if len(given) != 1:
        raise InvalidParameterError(
            f"give exactly one shock target among firms, node, region and country; got {sorted(given) or 'none'}"
        )
    kind, value = next(iter(given.items()))
    table = sn.firms
    if kind == "firms":
        wanted = pd.Index([str(f) for f in value])  # type: ignore[union-attr]
        unknown = wanted.difference(pd.Index(table["firm_id"]))
        if len(unknown):
            raise InvalidParameterError(f"no firm {', '.join(map(repr, unknown[:5]))} in the workspace's network")
        return kind, ", ".join(wanted[:5]), table["firm_id"].isin(wanted).to_numpy()
    if kind == "node":
        if sn.chain_id is None:
            raise InvalidParameterError("a node shock needs the chain: pass chain_id with node")
        mask = (table["node_id"] == value).fillna(False).to_numpy(dtype=bool)
        if not mask.any():
            raise InvalidParameterError(f"no firm on node {value!r} of chain {sn.chain_id!r}; nodes with firms: "
                                        f"{', '.join(sorted(set(sn.nodes)))}")
        return kind, str(value), mask
    if kind == "region":
        below = region_and_descendants(con, str(value))
        mask = table["region_id"].isin(below).to_numpy()
        if not mask.any():
            raise InvalidParameterError(f"no firm in region {value!r} or the regions below it")
        return kind, str(value), mask
    mask = (table["country"] == value).fillna(False).to_numpy(dtype=bool)
    if not mask.any():
        raise InvalidParameterError(f"no firm of country {value!r}; countries: {', '.join(sorted(sn.countries))}")
    return kind, str(value), mask


@dataclass(frozen=True, eq=False)
class ShockStudy:
    """One shock scenario on the workspace's network: summary, hit firms, paths, daily utilisation."""

    scenario: dict[str, Any]
    parameters: dict[str, Any]
    result: ShockResult
    network: ShockNetwork
    top: int = 20
    findings: tuple[Finding, ...] = field(default=())

    def hits(self) -> pd.DataFrame:
        """Firms under the threshold, by day: firm, name, node, region, day, cause, lowest utilisation, parent."""
        idx = self.result.hit_firms()
        t = self.network.firms.iloc[idx]
        parent = self.result.parent[idx]
        return pd.DataFrame(
            {
                "firm_id": t["firm_id"].to_numpy(),
                "name": t["name"].to_numpy(),
                "node_id": t["node_id"].to_numpy(),
                "region_id": t["region_id"].to_numpy(),
                "day": self.result.hit_day[idx],
                "cause": [CAUSES[c] for c in self.result.cause[idx]],
                "min_utilisation": self.result.min_utilisation[idx].astype(float).round(4),
                "parent_id": np.where(parent >= 0, self.network.firms["firm_id"].to_numpy()[np.maximum(parent, 0)], None),
            }
        )

    def paths(self) -> list[dict[str, Any]]:
        """Propagation paths (origin first) of the first ``top`` firms hit through their supplies."""
        ids, names = self.network.firms["firm_id"].to_numpy(), self.network.firms["name"].to_numpy()
        supply = [i for i in self.result.hit_firms() if self.result.cause[i] == CAUSES.index("supply")]
        return [
            {
                "firm_id": ids[i],
                "day": int(self.result.hit_day[i]),
                "path": [{"firm_id": ids[j], "name": names[j], "day": int(self.result.hit_day[j])} for j in self.result.path(i)],
            }
            for i in supply[: self.top]
        ]

    def _series(self, matrix: np.ndarray, labels: tuple[str, ...]) -> dict[str, Any]:
        worst = matrix.min(axis=0) if matrix.size else np.zeros(0)
        keep = np.flatnonzero(worst < 1 - 1e-6)
        keep = keep[np.argsort(worst[keep], kind="stable")]
        return {
            "worst": [{"id": labels[k], "min_utilisation": round(float(worst[k]), 4)} for k in keep[: self.top]],
            "daily": {labels[k]: np.round(matrix[:, k], 4).tolist() for k in keep},
        }

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data: scenario, parameters, summary, hits, paths, node and region utilisation."""
        r = self.result
        hits = self.hits()
        return {
            "scenario": plain(self.scenario),
            "parameters": plain(self.parameters),
            "summary": {
                "loss": round(r.loss, 4),
                "loss_share": round(r.loss_share, 6),
                "firms_hit": len(hits),
                "hits_by_cause": r.to_dict(top=0)["hits_by_cause"],
                "total_utilisation": np.round(r.total_output / max(float(r.output.sum()), 1e-300), 4).tolist(),
            },
            "findings": [f.to_dict() for f in self.findings],
            "hits": records(hits.head(self.top * 10)),
            "paths": plain(self.paths()),
            "nodes": self._series(r.group_utilisation, self.network.nodes),
            "regions": self._series(r.region_utilisation, self.network.regions),
        }


def _findings(study_scenario: dict[str, Any], result: ShockResult, threshold: float) -> tuple[Finding, ...]:
    hit = int((result.hit_day >= 0).sum())
    label = f"{study_scenario['target']} {study_scenario['label']}"
    return (
        Finding(
            id="shock_reach",
            kind="risk",
            severity=3 if result.loss_share > 0.05 else 2 if hit else 0,
            text_zh=f"冲击{label}（产能下降{study_scenario['share']:.0%}）后，{hit}家企业产能利用率降至{threshold:.0%}以下，"
            f"产出损失占比{result.loss_share:.2%}。",
            text_en=f"Cutting {label} by {study_scenario['share']:.0%} brings {hit} firms under {threshold:.0%} utilisation; "
            f"{result.loss_share:.2%} of output is lost.",
            evidence=(
                Evidence("firms_hit", hit, threshold=threshold, source="links"),
                Evidence("output_loss_share", round(result.loss_share, 6), source="links"),
            ),
        ),
    )


def run_shock(
    con: duckdb.DuckDBPyConnection,
    *,
    firms: list[str] | None = None,
    node: str | None = None,
    chain_id: str | None = None,
    region: str | None = None,
    country: str | None = None,
    share: float = 1.0,
    start: int = 0,
    duration: int | None = 30,
    days: int = 60,
    production: str = "leontief",
    rationing: str = "proportional",
    inventory_days: float = 9.0,
    adjustment_days: float = 6.0,
    substitution: bool = True,
    spare_capacity: float = 0.1,
    threshold: float = 0.5,
    top: int = 20,
) -> ShockStudy:
    """Cut the capacity of some firms (by id), of a chain node, a region (with the regions below) or a country.

    The model and its options are those of :func:`clusterbrain.network.shock.simulate_shock`.

    Raises
    ------
    InvalidParameterError
        If not exactly one target is given, the target is unknown (the message names it), or an
        option is outside its domain.
    """
    check_scalar(share, "share", "run_shock", low=0, high=1)
    check_scalar(top, "top", "run_shock", integer=True, low=1)
    sn = build_shock_network(con, chain_id=chain_id, spare_capacity=spare_capacity)
    kind, label, mask = _target(con, sn, firms, node, region, country)
    scenario = ShockScenario(np.where(mask, float(share), 0.0), start, duration)
    result = simulate_shock(
        sn.network, scenario, days=days, production=production, rationing=rationing, inventory_days=inventory_days,
        adjustment_days=adjustment_days, substitution=substitution, threshold=threshold, keep_daily=False,
    )
    described = {"target": kind, "label": label, "chain_id": chain_id, "share": share, "start": start,
                 "duration": duration, "firms_shocked": int(mask.sum())}
    parameters = {"days": days, "production": production, "rationing": rationing, "inventory_days": inventory_days,
                  "adjustment_days": adjustment_days, "substitution": substitution, "spare_capacity": spare_capacity,
                  "threshold": threshold, "firms": sn.network.n_firms, "links": sn.network.n_links}
    return ShockStudy(described, parameters, result, sn, top, _findings(described, result, threshold))


@dataclass(frozen=True, eq=False)
class MonteCarloStudy:
    """Losses of many random scenarios on the workspace's network."""

    parameters: dict[str, Any]
    result: MonteCarloResult

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data: the parameters and the loss statistics with their confidence interval."""
        return {"parameters": plain(self.parameters), "result": plain(self.result.to_dict())}


def run_monte_carlo(
    con: duckdb.DuckDBPyConnection,
    *,
    target: str = "firms",
    count: int = 1,
    share: tuple[float, float] = (0.5, 1.0),
    duration: tuple[int, int] = (7, 30),
    n: int = 1000,
    seed: int | None = None,
    chain_id: str | None = None,
    days: int = 60,
    production: str = "leontief",
    rationing: str = "proportional",
    inventory_days: float = 9.0,
    substitution: bool = True,
    spare_capacity: float = 0.1,
    level: float = 0.95,
    interval: str = "percentile",
) -> MonteCarloStudy:
    """Draw ``n`` scenarios, each cutting ``count`` random firms (or nodes, regions, countries), and estimate the mean loss.

    Raises
    ------
    InvalidParameterError
        On an option outside its domain (``target`` one of firms, node, region, country).
    """
    check_option(target, "target", "run_monte_carlo", ("firms", "node", "region", "country"))
    sn = build_shock_network(con, chain_id=chain_id, spare_capacity=spare_capacity)
    sampler = RandomShocks(sn.network, target={"node": "group"}.get(target, target), count=count, share=share,
                           duration=duration)
    result = monte_carlo(
        sn.network, sampler, n, seed=seed, level=level, interval=interval, days=days, production=production,
        rationing=rationing, inventory_days=inventory_days, substitution=substitution,
    )
    parameters = {"target": target, "count": count, "share": list(share), "duration": list(duration), "n": n,
                  "seed": seed, "chain_id": chain_id, "days": days, "production": production, "rationing": rationing,
                  "inventory_days": inventory_days, "substitution": substitution, "spare_capacity": spare_capacity,
                  "firms": sn.network.n_firms, "links": sn.network.n_links}
    return MonteCarloStudy(parameters, result)
