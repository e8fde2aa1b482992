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
from clusterbrain.network.shock import (
    CAUSES,
    MonteCarloResult,
    RandomShocks,
    ShockResult,
    ShockScenario,
    monte_carlo,
    simulate_shock,
)
from clusterbrain.workflow._shock_inputs import ShockNetwork, build_shock_network, shock_target
from clusterbrain.workflow.evidence import Evidence, Finding, plain, records

__all__ = ["MonteCarloStudy", "ShockNetwork", "ShockStudy", "build_shock_network", "run_monte_carlo", "run_shock"]


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
                "parent_id": np.where(
                    parent >= 0, self.network.firms["firm_id"].to_numpy()[np.maximum(parent, 0)], None
                ),
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
                "path": [
                    {"firm_id": ids[j], "name": names[j], "day": int(self.result.hit_day[j])}
                    for j in self.result.path(i)
                ],
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
    kind, label, mask = shock_target(con, sn, firms, node, region, country)
    scenario = ShockScenario(np.where(mask, float(share), 0.0), start, duration)
    result = simulate_shock(
        sn.network,
        scenario,
        days=days,
        production=production,
        rationing=rationing,
        inventory_days=inventory_days,
        adjustment_days=adjustment_days,
        substitution=substitution,
        threshold=threshold,
        keep_daily=False,
    )
    described = {
        "target": kind,
        "label": label,
        "chain_id": chain_id,
        "share": share,
        "start": start,
        "duration": duration,
        "firms_shocked": int(mask.sum()),
    }
    parameters = {
        "days": days,
        "production": production,
        "rationing": rationing,
        "inventory_days": inventory_days,
        "adjustment_days": adjustment_days,
        "substitution": substitution,
        "spare_capacity": spare_capacity,
        "threshold": threshold,
        "firms": sn.network.n_firms,
        "links": sn.network.n_links,
    }
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
    sampler = RandomShocks(
        sn.network, target={"node": "group"}.get(target, target), count=count, share=share, duration=duration
    )
    result = monte_carlo(
        sn.network,
        sampler,
        n,
        seed=seed,
        level=level,
        interval=interval,
        days=days,
        production=production,
        rationing=rationing,
        inventory_days=inventory_days,
        substitution=substitution,
    )
    parameters = {
        "target": target,
        "count": count,
        "share": list(share),
        "duration": list(duration),
        "n": n,
        "seed": seed,
        "chain_id": chain_id,
        "days": days,
        "production": production,
        "rationing": rationing,
        "inventory_days": inventory_days,
        "substitution": substitution,
        "spare_capacity": spare_capacity,
        "firms": sn.network.n_firms,
        "links": sn.network.n_links,
    }
    return MonteCarloStudy(parameters, result)
