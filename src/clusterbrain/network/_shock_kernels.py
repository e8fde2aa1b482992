"""The daily step of the shock model, vectorised over firms, pairs, links and scenarios.

Firm arrays have one column per scenario (a single scenario is a batch of one); the pair
state lives in :class:`~clusterbrain.network._shock_state.PairState`. The only Python loop is
over days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from clusterbrain._validation import check_option, check_scalar
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.network._shock_network import ProductionNetwork
from clusterbrain.network._shock_state import PairState, firm_flow_transposed
from clusterbrain.network._shock_track import Trace, record, start_tracking

__all__ = ["PRODUCTION", "RATIONING", "Options", "make_options", "run"]

PRODUCTION = ("leontief", "linear")
RATIONING = ("proportional", "final_demand_last", "smaller_first")

_EPS = 1e-9


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
    dense_share: float = 0.1  # share of dirty pairs (times scenarios) above which every pair has its own state


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
    flow_t: sp.csr_array  # (n_firms, n_pairs): z_e, the demand of the pair orders
    flow_t32: sp.csr_array  # the same as float32
    multi: np.ndarray  # pairs with several suppliers (substitution happens only there)
    pair_supplier: np.ndarray  # the (first) supplier of each pair
    multi_weight: sp.csr_array  # the rows of the weights of the multi-supplier pairs
    weight_t: sp.csr_array  # (n_firms, n_pairs): the pairs each supplier serves
    weight32: sp.csr_array  # the weights as float32
    firm_flow_t: sp.csr_array  # (n_firms, n_firms): Z^T, flows from supplier to customer
    firm_flow_t32: sp.csr_array  # the same as float32


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
        firm_flow_t = firm_flow_transposed(net, flow)
        weight_t = net.transposed_weight()
        flow_t = sp.csr_array(
            (weight_t.data * net.pair_use[weight_t.indices], weight_t.indices, weight_t.indptr), shape=weight_t.shape
        )
        net._cache["static"] = _Static(
            counts=counts,
            buyers=buyers,
            starts=starts,
            theta=net.pair_use / np.repeat(total, counts[buyers]),
            link_counts=link_counts,
            one_link=bool((link_counts == 1).all()),
            link_flow=flow,
            flow_t=flow_t,
            flow_t32=flow_t.astype(np.float32),
            multi=multi,
            pair_supplier=w.indices[w.indptr[:-1]] if w.nnz else np.zeros(0, dtype=np.int32),
            multi_weight=w[multi] if multi.size else sp.csr_array((0, net.n_firms)),
            weight_t=weight_t,
            weight32=sp.csr_array((w.data.astype(np.float32), w.indices, w.indptr), shape=w.shape),
            firm_flow_t=firm_flow_t,
            firm_flow_t32=firm_flow_t.astype(np.float32),
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
        supplier = np.concatenate([net.pair_weight.indices, final])
        size = np.concatenate([st.link_flow, net.final_demand[final]])
        order = np.lexsort((size, supplier))
        sorted_supplier = supplier[order]
        first = np.flatnonzero(np.r_[True, sorted_supplier[1:] != sorted_supplier[:-1]])
        seg_start = np.repeat(first, np.diff(np.r_[first, len(order)]))
        net._cache["slots"] = (order, sorted_supplier, seg_start, final)
    return net._cache["slots"]  # type: ignore[return-value]


def _per_link(st: _Static, pair_values: np.ndarray) -> np.ndarray:
    return pair_values if st.one_link else np.repeat(pair_values, st.link_counts, axis=0)


def _smaller_first(net: ProductionNetwork, st: _Static, orders: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Deliveries per pair (days of use, (n_pairs, B)) when suppliers serve their smaller usual orders in full first."""

    def col(v: np.ndarray) -> np.ndarray:
        return v[:, None]

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


def run(net: ProductionNetwork, cut: np.ndarray, start: np.ndarray, stop: np.ndarray, opt: Options) -> Trace:
    r"""Simulate ``opt.days`` days; ``cut`` is (n,) or (n, B), ``start``/``stop`` scalars or (B,).

    Stocks and orders are kept in days of the pair's pre-shock use (:math:`S_k / R_k`, :math:`O_k / R_k`)
    by a :class:`PairState`. Firm arrays have shape (n, B) and the precision's type; the output and
    the loss are added up in float64.
    """
    batch = cut.ndim == 2
    cut = cut if batch else cut[:, None]
    n, b = cut.shape
    start, stop = np.broadcast_to(start, (b,)), np.broadcast_to(stop, (b,))
    st = _static(net)
    dtype = np.dtype(opt.precision).type
    linear = opt.production == "linear"
    smaller_first = opt.rationing == "smaller_first"
    state = PairState(
        net,
        st,
        opt.inventory_days,
        b,
        dtype,
        linear=linear,
        dense=smaller_first or opt.dense_share <= 0,
        dense_share=opt.dense_share,
    )

    def firm(values: np.ndarray) -> np.ndarray:
        return values.astype(dtype)[:, None]

    x0, f = firm(net.output), firm(net.final_demand)
    safe_x0 = firm(np.where(net.output > 0, net.output, 1.0))
    limit_scale = firm(np.where(st.buyers, net.output, 1.0))  # days of stock to output (inf stays inf)
    per_output = firm(1.0 / np.where(net.output > 0, net.output, 1.0))  # output to days of use
    under = firm(np.where(net.output > 0, opt.threshold * net.output, -np.inf))
    reorder = firm((1.0 + opt.inventory_days / opt.adjustment_days) / safe_x0[:, 0])
    slack = dtype(1.0 / opt.adjustment_days)
    ones = np.ones(n, dtype=dtype)  # sums over firms by BLAS
    demand = np.repeat(x0, b, axis=1)
    cap = np.repeat(firm(net.capacity), b, axis=1)
    shocked = np.flatnonzero(cut > 0)
    shocked_capacity, shocked_cut, shocked_col = net.capacity[shocked // b], cut.ravel()[shocked], shocked % b
    producible, x, work = (np.empty((n, b), dtype=dtype) for _ in range(3))
    limit = np.empty((n, b), dtype=dtype) if opt.track or linear else producible  # kept only where read again
    below = np.empty((n, b), dtype=bool)
    filled = np.ones((n, b), dtype=dtype)
    short = np.zeros(0, dtype=np.intp)

    tr = Trace(output=np.zeros((opt.days, b)), loss=np.zeros(b), hit=np.zeros((n, b), dtype=bool))
    if opt.track:
        start_tracking(net, tr, opt.days, opt.keep_daily)
        unfilled = np.zeros(n)
    for t in range(opt.days):
        active = (t >= start) & (t < stop)
        cap.ravel()[shocked] = shocked_capacity * (1.0 - shocked_cut * active[shocked_col])
        state.limit(limit_scale, out=limit)
        np.minimum(cap, limit, out=producible)
        np.minimum(producible, demand, out=x)

        # Rationing: the share of its firm orders each supplier fills (1 but where short), deliveries per pair.
        filled.ravel()[short] = 1.0
        if opt.rationing == "final_demand_last":
            wanted, floor = np.subtract(demand, f, out=work), _EPS
        else:
            wanted, floor = demand, (0.0 if smaller_first else _EPS)
        np.less(x, wanted, out=below)
        short = np.flatnonzero(below)
        short = short[wanted.ravel()[short] > floor]
        filled.ravel()[short] = np.minimum(x.ravel()[short] / wanted.ravel()[short], 1.0)
        if smaller_first:
            received = _smaller_first(net, st, state.orders.reshape(-1, b), x).ravel()
        else:
            short = short[filled.ravel()[short] < 1.0]
            state.mark(short)
            received = state.received(filled, short.size > 0)
        if opt.substitution:
            state.substitute(received, x, producible)

        # Inventories: today's use out, today's deliveries in (they serve from tomorrow).
        if linear:
            ratio = np.divide(x, limit, out=np.zeros_like(x), where=np.isfinite(limit) & (limit > 0))
            state.scale(1.0 - ratio)
        else:
            state.use(np.multiply(x, per_output, out=work))
        state.receive(received)
        if opt.track:
            tr.min_stock = min(tr.min_stock, state.min_stock())
        state.clip()

        if opt.track:
            unfilled += 1.0 - filled[:, 0]
            firm_day = {"x": x[:, 0], "cap": cap[:, 0], "limit": limit[:, 0], "demand": demand[:, 0]}
            record(net, tr, t, {**firm_day, "safe_x0": safe_x0[:, 0]}, state, unfilled, opt.threshold)
        else:
            np.less(x, under, out=below)
            tr.hit |= below
        tr.output[t] = ones @ x
        np.subtract(x0, x, out=work)
        np.maximum(work, 0.0, out=work)
        tr.loss += ones @ work

        # Orders for tomorrow: today's use at today's demand, plus a share 1/tau of the stock gap.
        state.order(np.multiply(demand, reorder, out=work), slack)
        demand = state.demand()
        demand += f
    if not batch:
        tr.output, tr.loss, tr.hit = tr.output[:, 0], tr.loss[0], tr.hit[:, 0]
    return tr


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
