"""Daily records of a single shock scenario: utilisation, aggregates, first hits, their causes and parents."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from clusterbrain.network._shock_network import ProductionNetwork

__all__ = ["DEMAND", "DIRECT", "SUPPLY", "Trace", "record", "start_tracking"]

_EPS = 1e-9
DIRECT, SUPPLY, DEMAND = 0, 1, 2


@dataclass
class Trace:
    """What a run records; the per-firm parts only when tracked (one scenario)."""

    output: np.ndarray  # (days,) or (days, B): total output per day
    loss: np.ndarray  # () or (B,): sum over days of the output under x0
    hit: np.ndarray  # (n,) or (n, B) bool: fell under the threshold at least once
    daily: np.ndarray | None = None  # (days, n) float32 utilisation
    group_output: np.ndarray | None = None  # (days, n_groups)
    region_output: np.ndarray | None = None  # (days, n_regions)
    hit_day: np.ndarray | None = None
    cause: np.ndarray | None = None
    parent: np.ndarray | None = None
    min_utilisation: np.ndarray | None = None
    min_stock: float = np.inf  # lowest stock (days) of any pair on any day, before rounding guards


def start_tracking(net: ProductionNetwork, tr: Trace, days: int, keep_daily: bool) -> None:
    """Allocate the per-firm records of one scenario."""
    n = net.n_firms
    tr.hit_day = np.full(n, -1, dtype=np.int32)
    tr.cause = np.full(n, -1, dtype=np.int8)
    tr.parent = np.full(n, -1, dtype=np.int64)
    tr.min_utilisation = np.ones(n, dtype=np.float32)
    tr.group_output = np.zeros((days, net.indicator("firm_group").shape[0]))
    tr.region_output = np.zeros((days, net.indicator("firm_region").shape[0]))
    if keep_daily:
        tr.daily = np.empty((days, n), dtype=np.float32)


def record(
    net: ProductionNetwork,
    tr: Trace,
    t: int,
    firm: dict[str, np.ndarray],
    state: Any,
    unfilled: np.ndarray,
    threshold: float,
) -> None:
    """Daily records of one scenario; ``firm`` holds x, cap, limit, demand (1-D) and safe_x0."""
    x0, x = net.output, firm["x"]
    util = np.where(x0 > 0, x / firm["safe_x0"], 1.0)
    if tr.daily is not None:
        tr.daily[t] = util
    np.minimum(tr.min_utilisation, util, out=tr.min_utilisation)  # type: ignore[arg-type]
    tr.group_output[t] = net.indicator("firm_group") @ x  # type: ignore[index]
    tr.region_output[t] = net.indicator("firm_region") @ x  # type: ignore[index]
    new = (util < threshold) & (tr.hit_day < 0)  # type: ignore[operator]
    if not new.any():
        return
    tr.hit[new] = True
    tr.hit_day[new] = t  # type: ignore[index]
    tol = 1e-9 * np.maximum(x0, 1.0)
    cap = firm["cap"]
    direct = new & (cap < x0) & (x >= cap - tol)
    supply = new & ~direct & (firm["limit"] <= np.minimum(cap, firm["demand"]) + tol)
    tr.cause[direct] = DIRECT  # type: ignore[index]
    tr.cause[supply] = SUPPLY  # type: ignore[index]
    tr.cause[new & ~direct & ~supply] = DEMAND  # type: ignore[index]
    if supply.any():
        tr.parent[supply] = _binding_supplier(net, supply, state, unfilled)  # type: ignore[index]


def _binding_supplier(net: ProductionNetwork, firms: np.ndarray, state: Any, unfilled: np.ndarray) -> np.ndarray:
    """For each firm in the mask (in firm order): the supplier that bound it.

    The binding pair is the firm's pair with the fewest days of stock left; within it, the
    supplier with the most undelivered orders so far (weight times cumulative unfilled share).
    """
    w = net.pair_weight
    pairs = np.flatnonzero(np.repeat(firms, net.pairs_per_firm()))
    days_left = state.pair_stock(pairs)
    customer = net.pair_customer[pairs]
    order = np.lexsort((days_left, customer))
    first = order[np.r_[True, customer[order][1:] != customer[order][:-1]]]
    chosen = pairs[first]  # one pair per firm, in firm order
    lo, hi = w.indptr[chosen], w.indptr[chosen + 1]
    lens = hi - lo
    owner = np.repeat(np.arange(len(chosen)), lens)
    links = np.repeat(lo - np.cumsum(lens) + lens, lens) + np.arange(lens.sum())
    score = w.data[links] * (unfilled[w.indices[links]] + _EPS)
    best = np.lexsort((-score, owner))
    keep = best[np.r_[True, owner[best][1:] != owner[best][:-1]]]
    return w.indices[links[keep]].astype(np.int64)
