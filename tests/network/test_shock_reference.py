"""A straightforward networkx implementation of the shock model, and the vectorised engine's agreement with it.

The reference loops over days, firms and edges of a :class:`networkx.DiGraph` in plain Python,
following the equations of :mod:`clusterbrain.network.shock` line by line. The benchmark
``benchmarks/shock.py`` imports it from here.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from clusterbrain.network.shock import ProductionNetwork, shock_firms, simulate_shock

EPS = 1e-9


def reference_graph(supplier, customer, flow, group, n_firms, capacity_factor=1.0) -> nx.DiGraph:
    """The network as a DiGraph: edge attributes ``flow`` and ``group``, node ``output``, ``capacity``, ``final``."""
    g = nx.DiGraph()
    g.add_nodes_from(range(n_firms))
    for s, c, v, k in zip(supplier, customer, flow, group, strict=True):
        if v > 0 and s != c:
            g.add_edge(int(s), int(c), flow=float(v), group=int(k))
    for i in g.nodes:
        sales = sum(d["flow"] for _, _, d in g.out_edges(i, data=True))
        purchases = sum(d["flow"] for _, _, d in g.in_edges(i, data=True))
        out = max(sales, purchases)
        g.nodes[i].update(output=out, capacity=out * capacity_factor, final=out - sales)
    return g


def reference_simulate(
    g: nx.DiGraph,
    cut: dict[int, float],
    start: int,
    stop: int,
    *,
    days: int,
    production: str = "leontief",
    rationing: str = "proportional",
    inventory_days: float = 9.0,
    adjustment_days: float = 6.0,
    substitution: bool = True,
) -> list[dict[int, float]]:
    """Output of every firm on every day, by the model's equations, one firm and one edge at a time."""
    nodes = g.nodes
    x0 = {i: nodes[i]["output"] for i in g}
    pairs: dict[tuple[int, int], dict[int, float]] = {}
    for s, c, d in g.edges(data=True):
        pairs.setdefault((c, d["group"]), {})[s] = d["flow"]
    use0 = {k: sum(v.values()) for k, v in pairs.items()}
    a = {k: use0[k] / x0[k[0]] for k in pairs}
    weight = {k: {s: v / use0[k] for s, v in sup.items()} for k, sup in pairs.items()}
    pairs_of: dict[int, list[tuple[int, int]]] = {i: [] for i in g}
    sold_to: dict[int, list[tuple[int, int]]] = {i: [] for i in g}
    for k in pairs:
        pairs_of[k[0]].append(k)
        for s in pairs[k]:
            sold_to[s].append(k)
    stock = {k: inventory_days * use0[k] for k in pairs}
    orders = dict(use0)
    demand = dict(x0)
    history = []
    for t in range(days):
        on = start <= t < stop
        cap = {i: nodes[i]["capacity"] * (1 - cut.get(i, 0.0) * on) for i in g}
        limit = {}
        for i in g:
            ks = pairs_of[i]
            if not ks:
                limit[i] = math.inf
            elif production == "linear":
                limit[i] = sum(stock[k] for k in ks) / sum(a[k] for k in ks)
            else:
                limit[i] = min(stock[k] / a[k] for k in ks)
        producible = {i: min(cap[i], limit[i]) for i in g}
        x = {i: min(producible[i], demand[i]) for i in g}
        received = dict.fromkeys(pairs, 0.0)
        for s in g:
            slots = [(k, weight[k][s] * orders[k], weight[k][s] * use0[k]) for k in sold_to[s]]
            final = nodes[s]["final"]
            if rationing == "smaller_first":
                left = x[s]
                everyone = [*slots, (None, final, final)] if final > 0 else slots
                for k, amount, _ in sorted(everyone, key=lambda slot: slot[2]):
                    served = min(max(left, 0.0), amount)
                    left -= served
                    if k is not None:
                        received[k] += served
                continue
            wanted = demand[s] - final if rationing == "final_demand_last" else demand[s]
            share = min(x[s] / wanted, 1.0) if wanted > EPS else 1.0
            for k, amount, _ in slots:
                received[k] += amount * share
        if substitution:
            spare = {i: producible[i] - x[i] for i in g}
            able = {i: spare[i] > EPS * nodes[i]["capacity"] for i in g}
            request = dict.fromkeys(g, 0.0)
            asked = {}
            for k in pairs:
                short = max(orders[k] - received[k], 0.0)
                reach = sum(w for s, w in weight[k].items() if able[s])
                asked[k] = short / reach if reach > 0 else 0.0
                for s, w in weight[k].items():
                    if able[s]:
                        request[s] += w * asked[k]
            granted = {i: min(spare[i] / request[i], 1.0) if request[i] > 0 else 0.0 for i in g}
            for k in pairs:
                received[k] += asked[k] * sum(w * granted[s] for s, w in weight[k].items())
            x = {i: x[i] + request[i] * granted[i] for i in g}
        for k in pairs:
            c = k[0]
            if production == "linear":
                used = stock[k] * (x[c] / limit[c] if limit[c] > 0 else 0.0)
            else:
                used = a[k] * x[c]
            stock[k] = max(stock[k] - used + received[k], 0.0)
        history.append(dict(x))
        for k in pairs:
            need = a[k] * demand[k[0]]
            orders[k] = max(need + (inventory_days * need - stock[k]) / adjustment_days, 0.0)
        demand = {i: nodes[i]["final"] for i in g}
        for k in pairs:
            for s, w in weight[k].items():
                demand[s] += w * orders[k]
    return history


def random_network(n_firms: int, n_links: int, n_groups: int, seed: int) -> dict[str, np.ndarray]:
    """A random layered network: suppliers have lower numbers than customers, groups = the supplier's node."""
    rng = np.random.default_rng(seed)
    firm_group = rng.integers(0, n_groups, n_firms)
    customer = rng.integers(1, n_firms, n_links)
    supplier = (rng.random(n_links) * customer).astype(np.int64)
    flow = rng.lognormal(0.0, 1.0, n_links)
    key = supplier * n_firms + customer
    _, first = np.unique(key, return_index=True)
    supplier, customer, flow = supplier[first], customer[first], flow[first]
    return {
        "supplier": supplier,
        "customer": customer,
        "flow": flow,
        "group": firm_group[supplier],
        "firm_group": firm_group,
        "n_firms": n_firms,
    }


@pytest.mark.parametrize(
    ("production", "rationing", "substitution"),
    [
        ("leontief", "proportional", True),
        ("leontief", "final_demand_last", False),
        ("leontief", "smaller_first", True),
        ("linear", "proportional", False),
        ("linear", "smaller_first", True),
    ],
)
def test_vectorised_engine_agrees_with_networkx_reference(production: str, rationing: str, substitution: bool) -> None:
    data = random_network(200, 900, 12, seed=7)
    g = reference_graph(data["supplier"], data["customer"], data["flow"], data["group"], 200, capacity_factor=1.2)
    net = ProductionNetwork.from_links(
        data["supplier"],
        data["customer"],
        data["flow"],
        n_firms=200,
        group=data["group"],
        firm_group=data["firm_group"],
        capacity=1.2 * np.array([g.nodes[i]["output"] for i in range(200)]),
    )
    shocked = np.random.default_rng(3).choice(100, 15, replace=False)
    options = {"production": production, "rationing": rationing, "substitution": substitution}
    days = 30
    expected = reference_simulate(
        g, dict.fromkeys(shocked.tolist(), 0.8), 2, 22, days=days, inventory_days=4, adjustment_days=3, **options
    )
    result = simulate_shock(
        net,
        shock_firms(net, shocked, share=0.8, start=2, duration=20),
        days=days,
        inventory_days=4,
        adjustment_days=3,
        **options,
    )
    want = np.array([[day[i] for i in range(200)] for day in expected])
    np.testing.assert_allclose(result.total_output, want.sum(axis=1), rtol=1e-9)
    util = np.divide(want, net.output, out=np.ones_like(want), where=net.output > 0)
    np.testing.assert_allclose(result.utilisation, util, atol=1e-5)
    assert result.loss > 0
