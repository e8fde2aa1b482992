"""The daily step of the shock model, vectorised over firms, pairs, links and (optionally) scenarios.

Arrays are 1-D (one scenario) or 2-D with one column per scenario; firm-level constants are
broadcast with :func:`_Columns.col`. The only Python loop is over days.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from clusterbrain._validation import check_option, check_scalar
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.network._shock_network import ProductionNetwork

Col = Callable[[np.ndarray], np.ndarray]

__all__ = ["PRODUCTION", "RATIONING", "Options", "Trace", "make_options", "run"]

PRODUCTION = ("leontief", "linear")
RATIONING = ("proportional", "final_demand_last", "smaller_first")

_EPS = 1e-9
DIRECT, SUPPLY, DEMAND = 0, 1, 2


@dataclass(frozen=True)
class Options:
    """Model options, already validated."""

    days: int
    production: str
    rationing: str
    inventory_days: np.ndarray  # per firm
    adjustment_days: float
    substitution: bool
    threshold: float
    keep_daily: bool
    precision: str  # dtype of the pair-level state: "float64" or "float32"
    track: bool  # hit days, causes and parents (one scenario only)


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


@dataclass(frozen=True)
class _Static:
    """Index arrays of a network that every run reuses (made once per network)."""

    counts: np.ndarray  # pairs per firm
    buyers: np.ndarray  # firms with at least one pair
    starts: np.ndarray  # first pair of each buyer
    theta: np.ndarray  # R_k / sum of R over the customer's pairs
    link_counts: np.ndarray  # links per pair
    one_link: bool  # every pair has one link: link arrays are pair arrays
    link_flow: np.ndarray  # z_e in pair order
    link_supplier: np.ndarray  # intp
    flow_t: sp.csr_array  # (n_firms, n_pairs): z_e, for the demand of a batch
    multi: np.ndarray  # pairs with several suppliers (substitution happens only there)
    multi_weight: sp.csr_array
    multi_weight_t: sp.csr_array


def _static(net: ProductionNetwork) -> _Static:
    if "static" not in net._cache:
        w = net.pair_weight
        counts = net.pairs_per_firm()
        buyers = counts > 0
        starts = (np.cumsum(counts) - counts)[buyers]
        total = np.add.reduceat(net.pair_use, starts) if starts.size else np.zeros(0)
        link_counts = np.diff(w.indptr)
        flow = w.data * np.repeat(net.pair_use, link_counts)
        multi = np.flatnonzero(link_counts > 1)
        multi_weight = w[multi] if multi.size else sp.csr_array((0, net.n_firms))
        net._cache["static"] = _Static(
            counts=counts,
            buyers=buyers,
            starts=starts,
            theta=net.pair_use / np.repeat(total, counts[buyers]),
            link_counts=link_counts,
            one_link=bool((link_counts == 1).all()),
            link_flow=flow,
            link_supplier=w.indices.astype(np.intp),
            flow_t=sp.csr_array((flow, w.indices, w.indptr), shape=w.shape).T.tocsr(),
            multi=multi,
            multi_weight=multi_weight,
            multi_weight_t=multi_weight.T.tocsr(),
        )
    return net._cache["static"]  # type: ignore[return-value]


def _slots(net: ProductionNetwork) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Delivery slots for smaller-first rationing: every link, then every firm's final demand.

    Returns the slot order (by supplier, then baseline order size), each ordered slot's
    supplier, the position of its supplier's first slot, and the firms with final demand.
    """
    if "slots" not in net._cache:
        st = _static(net)
        final = np.flatnonzero(net.final_demand > 0)
        supplier = np.concatenate([st.link_supplier, final])
        size = np.concatenate([st.link_flow, net.final_demand[final]])
        order = np.lexsort((size, supplier))
        sorted_supplier = supplier[order]
        first = np.flatnonzero(np.r_[True, sorted_supplier[1:] != sorted_supplier[:-1]])
        seg_start = np.repeat(first, np.diff(np.r_[first, len(order)]))
        net._cache["slots"] = (order, sorted_supplier, seg_start, final)
    return net._cache["slots"]  # type: ignore[return-value]


def _per_link(st: _Static, pair_values: np.ndarray) -> np.ndarray:
    return pair_values if st.one_link else np.repeat(pair_values, st.link_counts, axis=0)


def _smaller_first(net: ProductionNetwork, st: _Static, orders: np.ndarray, x: np.ndarray, col: Col) -> np.ndarray:
    """Deliveries per pair (days of use) when suppliers serve their smaller usual orders in full first."""
    order, sorted_supplier, seg_start, final = _slots(net)
    link_orders = col(st.link_flow) * _per_link(st, orders)
    finals = np.broadcast_to(col(net.final_demand[final]), (len(final), *x.shape[1:]))
    ranked = np.concatenate([link_orders, finals])[order]
    before = np.cumsum(ranked, axis=0) - ranked
    before -= before[seg_start]
    served = np.clip(x[sorted_supplier] - before, 0.0, ranked)
    delivered = np.empty_like(served)
    delivered[order] = served
    link_delivered = delivered[: len(st.link_flow)]
    value = link_delivered if st.one_link else np.add.reduceat(link_delivered, net.pair_weight.indptr[:-1], axis=0)
    return value / col(net.pair_use)


def _substitute(
    net: ProductionNetwork,
    st: _Static,
    orders: np.ndarray,
    received: np.ndarray,
    x: np.ndarray,
    spare: np.ndarray,
    col: Col,
) -> np.ndarray:
    """Cover shortfalls of multi-supplier pairs from the spare capacity of their other suppliers.

    Updates ``received`` in place; returns the output with the extra production.
    """
    m = st.multi
    if not m.size:
        return x
    able = (spare > _EPS * col(net.capacity)).astype(np.float64)
    use = col(net.pair_use[m])
    short = use * np.maximum(orders[m] - received[m], 0.0)
    if short.max(initial=0.0) <= 0 or not able.any():
        return x
    reach = st.multi_weight @ able
    asked = np.divide(short, reach, out=np.zeros_like(short), where=reach > 0)
    request = (st.multi_weight_t @ asked) * able
    granted = np.minimum(np.divide(spare, request, out=np.zeros_like(spare), where=request > 0), 1.0)
    received[m] += asked * (st.multi_weight @ granted) / use
    return x + request * granted


def run(net: ProductionNetwork, cut: np.ndarray, start: np.ndarray, stop: np.ndarray, opt: Options) -> Trace:
    r"""Simulate ``opt.days`` days; ``cut`` is (n,) or (n, B), ``start``/``stop`` scalars or (B,).

    Stocks and orders are kept in days of the pair's pre-shock use (:math:`S_k / R_k`, :math:`O_k / R_k`).
    """
    batch = cut.ndim == 2

    def col(v: np.ndarray) -> np.ndarray:
        return v[:, None] if batch else v

    st = _static(net)
    STATE = np.dtype(opt.precision).type  # noqa: N806
    weight = net.pair_weight
    if STATE is np.float32:
        weight = net._cache.setdefault(  # type: ignore[assignment]
            "weight32", sp.csr_array((weight.data.astype(STATE), weight.indices, weight.indptr), shape=weight.shape)
        )
    shape = cut.shape[1:]
    n = net.n_firms
    x0, f = net.output, net.final_demand
    safe_x0 = np.where(x0 > 0, x0, 1.0)
    stock = np.broadcast_to(col(np.repeat(opt.inventory_days, st.counts).astype(STATE)), (net.n_pairs, *shape)).copy()
    orders = np.ones((net.n_pairs, *shape), dtype=STATE)
    slack = STATE(1.0 / opt.adjustment_days)
    demand = np.broadcast_to(col(x0), (n, *shape)).copy()
    reorder = col((1.0 + opt.inventory_days / opt.adjustment_days) / safe_x0)
    linear = opt.production == "linear"

    tr = Trace(output=np.zeros((opt.days, *shape)), loss=np.zeros(shape), hit=np.zeros((n, *shape), dtype=bool))
    if opt.track:
        _start_tracking(net, tr, opt)
        unfilled = np.zeros(n)
    for t in range(opt.days):
        cap = col(net.capacity) * (1.0 - cut * ((t >= start) & (t < stop)))
        limit = np.full((n, *shape), np.inf)
        if st.starts.size:
            if linear:
                days_left = np.add.reduceat(stock * col(st.theta), st.starts, axis=0)
            else:
                days_left = np.minimum.reduceat(stock, st.starts, axis=0)
            limit[st.buyers] = days_left * col(x0[st.buyers])
        producible = np.minimum(cap, limit)
        x = np.minimum(producible, demand)

        # Rationing: deliveries per pair, and the share of firm orders each supplier fills.
        if opt.rationing == "smaller_first":
            received = _smaller_first(net, st, orders, x, col)
            filled = np.divide(x, demand, out=np.ones_like(x), where=demand > 0)
        else:
            wanted = demand - col(f) if opt.rationing == "final_demand_last" else demand
            filled = np.minimum(np.divide(x, wanted, out=np.ones_like(x), where=wanted > _EPS), 1.0)
            received = orders * (weight @ filled.astype(STATE)) if filled.min(initial=1.0) < 1.0 else orders.copy()
        if opt.substitution:
            x = _substitute(net, st, orders, received, x, producible - x, col)

        # Inventories: today's use out, today's deliveries in (they serve from tomorrow).
        if linear:
            ratio = np.divide(x, limit, out=np.zeros_like(x), where=np.isfinite(limit) & (limit > 0))
            stock *= np.repeat((1.0 - ratio).astype(STATE), st.counts, axis=0)
        else:
            stock -= np.repeat((x / col(safe_x0)).astype(STATE), st.counts, axis=0)
        stock += received
        if opt.track and stock.size:
            tr.min_stock = min(tr.min_stock, float(stock.min()))
        np.maximum(stock, 0.0, out=stock)

        if opt.track:
            unfilled += 1.0 - filled
            _record(net, tr, t, x, cap, limit, demand, stock, unfilled, opt.threshold, safe_x0)
        else:
            tr.hit |= (x < opt.threshold * col(x0)) & col(x0 > 0)
        tr.output[t] = x.sum(axis=0)
        tr.loss += np.maximum(col(x0) - x, 0.0).sum(axis=0)

        # Orders for tomorrow: today's use at today's demand, plus a share 1/tau of the stock gap.
        orders = np.repeat((demand * reorder).astype(STATE), st.counts, axis=0)
        orders -= stock * slack
        np.maximum(orders, 0.0, out=orders)
        if batch:
            demand = st.flow_t @ orders + col(f)
        else:
            demand = np.bincount(st.link_supplier, st.link_flow * _per_link(st, orders), minlength=n) + f
    return tr


def _start_tracking(net: ProductionNetwork, tr: Trace, opt: Options) -> None:
    n = net.n_firms
    tr.hit_day = np.full(n, -1, dtype=np.int32)
    tr.cause = np.full(n, -1, dtype=np.int8)
    tr.parent = np.full(n, -1, dtype=np.int64)
    tr.min_utilisation = np.ones(n, dtype=np.float32)
    tr.group_output = np.zeros((opt.days, net.indicator("firm_group").shape[0]))
    tr.region_output = np.zeros((opt.days, net.indicator("firm_region").shape[0]))
    if opt.keep_daily:
        tr.daily = np.empty((opt.days, n), dtype=np.float32)


def _record(
    net: ProductionNetwork,
    tr: Trace,
    t: int,
    x: np.ndarray,
    cap: np.ndarray,
    limit: np.ndarray,
    demand: np.ndarray,
    stock: np.ndarray,
    unfilled: np.ndarray,
    threshold: float,
    safe_x0: np.ndarray,
) -> None:
    """Daily records of one scenario: utilisation, aggregates, first hits and who caused them."""
    x0 = net.output
    util = np.where(x0 > 0, x / safe_x0, 1.0)
    if tr.daily is not None:
        tr.daily[t] = util
    np.minimum(tr.min_utilisation, util, out=tr.min_utilisation)  # type: ignore[arg-type]
    tr.group_output[t] = net.indicator("firm_group") @ x  # type: ignore[index]
    tr.region_output[t] = net.indicator("firm_region") @ x  # type: ignore[index]
    new = (util < threshold) & (tr.hit_day < 0)  # type: ignore[operator]
    if not new.any():
        return
    tr.hit |= new
    tr.hit_day[new] = t  # type: ignore[index]
    tol = 1e-9 * np.maximum(x0, 1.0)
    direct = new & (cap < x0) & (x >= cap - tol)
    supply = new & ~direct & (limit <= np.minimum(cap, demand) + tol)
    tr.cause[direct] = DIRECT  # type: ignore[index]
    tr.cause[supply] = SUPPLY  # type: ignore[index]
    tr.cause[new & ~direct & ~supply] = DEMAND  # type: ignore[index]
    if supply.any():
        tr.parent[supply] = _binding_supplier(net, supply, stock, unfilled)  # type: ignore[index]


def _binding_supplier(net: ProductionNetwork, firms: np.ndarray, stock: np.ndarray, unfilled: np.ndarray) -> np.ndarray:
    """For each firm in the mask (in firm order): the supplier that bound it.

    The binding pair is the firm's pair with the fewest days of stock left; within it, the
    supplier with the most undelivered orders so far (weight times cumulative unfilled share).
    """
    w = net.pair_weight
    pairs = np.flatnonzero(np.repeat(firms, net.pairs_per_firm()))
    days_left = stock[pairs]
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


def make_options(
    network: ProductionNetwork,
    days: int,
    production: str,
    rationing: str,
    inventory_days: float | np.ndarray,
    adjustment_days: float,
    substitution: bool,
    threshold: float,
    precision: str = "float64",
) -> Options:
    """Validate the model options shared by :func:`simulate_shock` and :func:`monte_carlo`."""
    func = "simulate_shock"
    check_scalar(days, "days", func, integer=True, low=1)
    check_option(production, "production", func, PRODUCTION)
    check_option(rationing, "rationing", func, RATIONING)
    check_scalar(adjustment_days, "adjustment_days", func, low=1)
    check_scalar(threshold, "threshold", func, low=0, high=1)
    check_option(precision, "precision", func, ("float64", "float32"))
    if np.ndim(inventory_days) == 0:
        check_scalar(inventory_days, "inventory_days", func, low=1)  # type: ignore[arg-type]
        stock_days = np.full(network.n_firms, float(inventory_days))  # type: ignore[arg-type]
    else:
        stock_days = np.asarray(inventory_days, dtype=np.float64)
        if stock_days.shape != (network.n_firms,) or not (stock_days >= 1).all() or not np.isfinite(stock_days).all():
            raise InvalidParameterError(
                f"The 'inventory_days' parameter of {func} must be a number >= 1 or {network.n_firms} such numbers."
            )
    return Options(
        days=int(days),
        production=production,
        rationing=rationing,
        inventory_days=stock_days,
        adjustment_days=float(adjustment_days),
        substitution=bool(substitution),
        threshold=float(threshold),
        keep_daily=False,
        precision=precision,
        track=False,
    )
