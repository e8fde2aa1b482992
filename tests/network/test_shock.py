"""The shock model on small networks with hand-computed cascades, rationing, substitution, invariants and errors."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.network._shock_kernels import Options, make_options, run
from clusterbrain.network.shock import (
    CAUSES,
    ProductionNetwork,
    RandomShocks,
    ShockScenario,
    monte_carlo,
    shock_firms,
    shock_group,
    shock_region,
    simulate_shock,
)
from tests.network.test_shock_reference import random_network

SLOW = 1e9  # adjustment_days: orders stay at the pre-shock level, so deliveries are easy to count by hand


def chain(n: int) -> ProductionNetwork:
    """0 -> 1 -> ... -> n-1, one unit a day on every link."""
    return ProductionNetwork.from_links(np.arange(n - 1), np.arange(1, n), np.ones(n - 1))


@pytest.mark.parametrize("k", [1, 3, 5])
def test_chain_stops_one_stock_length_per_link(k: int) -> None:
    net = chain(4)
    result = simulate_shock(net, shock_firms(net, [0], share=1.0), days=4 * k + 2, inventory_days=k)
    assert result.hit_day.tolist() == [0, k, 2 * k, 3 * k]
    assert [CAUSES[c] for c in result.cause] == ["direct", "supply", "supply", "supply"]
    assert result.path(3) == [0, 1, 2, 3]
    util = result.utilisation
    # Firm 2 works in full until its stock is out, then not at all.
    np.testing.assert_allclose(util[: 2 * k, 2], 1.0)
    np.testing.assert_allclose(util[2 * k :, 2], 0.0, atol=1e-12)


def test_shock_shorter_than_the_stock_never_reaches_the_customer() -> None:
    net = chain(3)
    result = simulate_shock(net, shock_firms(net, [0], share=1.0, duration=4), days=30, inventory_days=5)
    assert result.hit_day.tolist() == [0, -1, -1]
    np.testing.assert_allclose(result.utilisation[:, 1:], 1.0)
    # Output lost: firm 0's four days and nothing else.
    assert result.loss == pytest.approx(4.0)


def test_partial_cut_drains_the_stock_then_settles_at_the_supplied_share() -> None:
    # Firm 1 gets half its input a day: its 5-day stock falls by 0.5 a day; on day 9 only 0.5 day is left.
    net = chain(2)
    result = simulate_shock(net, shock_firms(net, [0], share=0.5), days=15, inventory_days=5)
    want = [1.0] * 9 + [0.5] * 6
    np.testing.assert_allclose(result.utilisation[:, 1], want, atol=1e-12)
    assert result.hit_day[1] == -1  # 0.5 is not under the threshold 0.5


def test_sole_source_removal_stops_each_dependent_firm_when_its_stock_runs_out() -> None:
    # A random out-tree from firm 0 (each firm's only supplier is its parent), random stocks per firm:
    # a firm stops on the sum of the stocks along its path from the root.
    rng = np.random.default_rng(5)
    n = 80
    parent = np.array([rng.integers(0, i) for i in range(1, n)])
    stock = rng.integers(1, 7, n).astype(float)
    net = ProductionNetwork.from_links(parent, np.arange(1, n), rng.uniform(0.5, 2.0, n - 1))
    g = nx.DiGraph()
    g.add_weighted_edges_from((int(p), c, stock[c]) for p, c in zip(parent, range(1, n), strict=True))
    predicted = nx.single_source_dijkstra_path_length(g, 0)
    days = 40
    result = simulate_shock(net, shock_firms(net, [0], share=1.0), days=days, inventory_days=stock)
    for firm, day in predicted.items():
        assert result.hit_day[firm] == (day if day < days else -1), firm
        if 0 < day < days:
            assert result.path(firm) == nx.shortest_path(g, 0, firm)
            assert result.utilisation[int(day) :, firm].max() < 1e-9


def test_sole_source_removal_reaches_only_downstream_firms_by_supply() -> None:
    # 0 sole source of 1 and 2; 1 -> 3; 4 supplies 1 another input (its own group).
    net = ProductionNetwork.from_links([0, 0, 1, 4], [1, 2, 3, 1], [1.0, 1.0, 1.0, 1.0])
    result = simulate_shock(net, shock_firms(net, [0], share=1.0), days=30, inventory_days=np.array([1, 2, 4, 3, 1]))
    assert result.hit_day[:4].tolist() == [0, 2, 4, 5]
    # Firm 4 loses its only customer's orders: hit, if at all, through demand, never through supply.
    assert result.cause[4] in (-1, CAUSES.index("demand"))


@pytest.mark.parametrize(("capacity_factor", "settled"), [(1.0, 0.4), (1.2, 0.48), (1.5, 0.6), (3.0, 1.0)])
def test_substitution_covers_the_shortfall_up_to_the_spare_capacity(capacity_factor: float, settled: float) -> None:
    # Firm 2 buys one input from 0 (6 a day) and 1 (4 a day); 0 stops. Firm 1 can add its spare
    # capacity 4 * (factor - 1), at most the 6 missing: firm 2 settles at (4 + min(spare, 6)) / 10.
    capacity = np.array([6.0, 4.0 * capacity_factor, 10.0])
    net = ProductionNetwork.from_links([0, 1], [2, 2], [6.0, 4.0], group=[7, 7], capacity=capacity)
    result = simulate_shock(net, shock_firms(net, [0], share=1.0), days=40, inventory_days=4, adjustment_days=SLOW)
    assert result.utilisation[-1, 2] == pytest.approx(settled, abs=1e-6)
    assert result.utilisation[5, 1] == pytest.approx(min(capacity_factor, 2.5), abs=1e-6)
    off = simulate_shock(
        net, shock_firms(net, [0], share=1.0), days=40, inventory_days=4, adjustment_days=SLOW, substitution=False
    )
    assert off.utilisation[-1, 2] == pytest.approx(0.4, abs=1e-6)
    assert off.hit_day[2] == 6  # stock 4 - 0.6 t stays >= 1 day until day 5


@pytest.mark.parametrize(
    ("rationing", "b", "c"),
    [("proportional", 0.5, 0.5), ("final_demand_last", 0.75, 0.75), ("smaller_first", 1.0, 0.0)],
)
def test_rationing_rules_give_the_hand_computed_allocations(rationing: str, b: float, c: float) -> None:
    # Firm 0 makes 60 a day: 10 to firm 1, 30 to firm 2, 20 to final demand; it loses half its capacity.
    # With one day of stock, a customer's output on day 1 is what it received on day 0.
    net = ProductionNetwork.from_links([0, 0], [1, 2], [10.0, 30.0], output=np.array([60.0, 0.0, 0.0]))
    assert net.final_demand[0] == 20.0
    result = simulate_shock(
        net, shock_firms(net, [0], share=0.5), days=3, inventory_days=1, adjustment_days=SLOW, rationing=rationing
    )
    np.testing.assert_allclose(result.utilisation[1, 1:], [b, c], atol=1e-9)


def test_linear_production_loses_only_the_missing_inputs_share() -> None:
    # Firm 2 needs 3 a day from 0 and 1 a day from 1 (other groups); 0 stops; 2 days of stock.
    net = ProductionNetwork.from_links([0, 1], [2, 2], [3.0, 1.0])
    shock = shock_firms(net, [0], share=1.0)
    leontief = simulate_shock(net, shock, days=6, inventory_days=2, adjustment_days=SLOW)
    linear = simulate_shock(net, shock, days=6, inventory_days=2, adjustment_days=SLOW, production="linear")
    np.testing.assert_allclose(leontief.utilisation[:, 2], [1, 1, 0, 0, 0, 0], atol=1e-9)
    np.testing.assert_allclose(linear.utilisation[:, 2], [1, 1, 0.5, 0.25, 0.25, 0.25], atol=1e-6)


CONFIGS = [(p, r) for p in ("leontief", "linear") for r in ("proportional", "final_demand_last", "smaller_first")]


@pytest.mark.parametrize(("production", "rationing"), CONFIGS)
def test_invariants_capacity_stock_and_monotone_loss(production: str, rationing: str) -> None:
    data = random_network(300, 1500, 15, seed=11)
    base = ProductionNetwork.from_links(
        data["supplier"], data["customer"], data["flow"], n_firms=300, group=data["group"]
    )
    net = ProductionNetwork.from_links(
        data["supplier"], data["customer"], data["flow"], n_firms=300, group=data["group"], capacity=1.1 * base.output
    )
    shocked = np.arange(0, 60, 3)
    losses = []
    for share in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0):
        result = simulate_shock(
            net,
            shock_firms(net, shocked, share=share, start=3, duration=25),
            days=40,
            inventory_days=3,
            production=production,
            rationing=rationing,
        )
        capacity = np.tile(net.capacity, (40, 1))
        capacity[3:28, shocked] *= 1 - share
        assert (result.utilisation * net.output <= capacity * (1 + 1e-6) + 1e-9).all()
        assert result.min_stock >= -1e-9
        assert (result.min_utilisation >= 0).all()
        losses.append(result.loss)
    assert losses[0] == pytest.approx(0.0, abs=1e-6)
    assert all(b >= a - 1e-6 * max(a, 1.0) for a, b in zip(losses, losses[1:], strict=False)), losses


def test_group_and_region_utilisation_aggregate_the_firms() -> None:
    net = ProductionNetwork.from_links(
        [0, 1], [1, 2], [1.0, 1.0], firm_group=np.array([0, 1, 1]), firm_region=np.array([0, 0, 1])
    )
    result = simulate_shock(net, shock_group(net, 0, share=1.0), days=6, inventory_days=2)
    # Node 1 = firms 1 and 2 (output 1 each): 1 on days 0-1, 0.5 on days 2-3 (firm 1 stopped), 0 after.
    np.testing.assert_allclose(result.group_utilisation[:, 1], [1, 1, 0.5, 0.5, 0, 0], atol=1e-9)
    np.testing.assert_allclose(result.region_utilisation[:, 1], [1, 1, 1, 1, 0, 0], atol=1e-9)
    assert shock_region(net, 1, share=0.3).cut.tolist() == [0.0, 0.0, 0.3]


def test_keep_daily_false_keeps_the_aggregates_only() -> None:
    net = chain(3)
    full = simulate_shock(net, shock_firms(net, [0], share=1.0), days=10, inventory_days=2)
    lean = simulate_shock(net, shock_firms(net, [0], share=1.0), days=10, inventory_days=2, keep_daily=False)
    assert lean.utilisation is None
    np.testing.assert_array_equal(lean.hit_day, full.hit_day)
    assert lean.loss == full.loss
    data = full.to_dict()
    assert data["firms_hit"] == 3 and data["first_hits"][-1]["path"] == [0, 1, 2]


def test_monte_carlo_batches_give_the_single_scenario_losses() -> None:
    data = random_network(150, 600, 8, seed=2)
    net = ProductionNetwork.from_links(
        data["supplier"], data["customer"], data["flow"], n_firms=150, group=data["group"]
    )
    sampler = RandomShocks(net, count=3, share=(0.3, 1.0), duration=(3, 15), start=(0, 5))
    mc = monte_carlo(net, sampler, 12, seed=4, batch=5, days=25, inventory_days=3)
    rng = np.random.default_rng(4)
    single = [simulate_shock(net, sampler(rng), days=25, inventory_days=3).loss for _ in range(12)]
    np.testing.assert_allclose(mc.losses, single, rtol=1e-9)
    assert mc.ci_low <= mc.mean <= mc.ci_high
    t = monte_carlo(net, sampler, 12, seed=4, batch=12, days=25, inventory_days=3, interval="t")
    np.testing.assert_allclose(t.losses, mc.losses, rtol=1e-9)
    half = t.ci_high - t.mean
    assert half == pytest.approx(2.2009852 * np.std(single, ddof=1) / np.sqrt(12), rel=1e-6)


@pytest.mark.parametrize(("production", "rationing"), [(p, r) for p, r in CONFIGS if r != "smaller_first"])
@pytest.mark.parametrize("substitution", [True, False])
def test_pairs_kept_per_customer_until_short_give_the_all_pairs_results(
    production: str, rationing: str, substitution: bool
) -> None:
    # dense_share=1: pairs get their own state only once a supplier falls short; 0: every pair from day 0.
    data = random_network(200, 900, 12, seed=7)
    base = ProductionNetwork.from_links(
        data["supplier"], data["customer"], data["flow"], n_firms=200, group=data["group"]
    )
    net = ProductionNetwork.from_links(
        data["supplier"], data["customer"], data["flow"], n_firms=200, group=data["group"], capacity=1.2 * base.output
    )
    rng = np.random.default_rng(1)
    cut = np.zeros((200, 4))
    for b in range(4):
        cut[rng.choice(200, 5, replace=False), b] = rng.uniform(0.3, 1.0, 5)
    start, stop = np.array([0, 2, 5, 1]), np.array([20, 9, 30, 4])
    opt = make_options(net, 30, production, rationing, 4.0, 3.0, substitution, 0.5)
    runs = {}
    for share in (0.0, 1.0):
        batch = run(net, cut, start, stop, Options(**{**opt.__dict__, "dense_share": share}))
        tracked = Options(**{**opt.__dict__, "dense_share": share, "track": True, "keep_daily": True})
        single = run(net, cut[:, 2], start[2], stop[2], tracked)
        runs[share] = (batch, single)
    (dense, dense_one), (sparse, sparse_one) = runs[0.0], runs[1.0]
    np.testing.assert_allclose(sparse.loss, dense.loss, rtol=1e-10)
    np.testing.assert_allclose(sparse.output, dense.output, rtol=1e-10)
    np.testing.assert_array_equal(sparse.hit, dense.hit)
    np.testing.assert_allclose(sparse_one.daily, dense_one.daily, atol=1e-6)
    np.testing.assert_array_equal(sparse_one.hit_day, dense_one.hit_day)
    np.testing.assert_array_equal(sparse_one.parent, dense_one.parent)
    assert sparse_one.min_stock == pytest.approx(dense_one.min_stock, abs=1e-12)
    assert sparse.loss[2] == pytest.approx(float(sparse_one.loss), rel=1e-10)
    assert (sparse.loss > 0).all()


def test_errors_name_the_parameter() -> None:
    net = chain(3)
    shock = shock_firms(net, [0], share=1.0)
    with pytest.raises(InvalidParameterError, match="'production' parameter of simulate_shock must be one of"):
        simulate_shock(net, shock, production="cobb_douglas")
    with pytest.raises(InvalidParameterError, match="'inventory_days'"):
        simulate_shock(net, shock, inventory_days=0.5)
    with pytest.raises(InvalidParameterError, match="'rationing'"):
        simulate_shock(net, shock, rationing="random")
    with pytest.raises(InvalidParameterError, match="scenario has 2 firms, the network 3"):
        simulate_shock(net, ShockScenario(np.zeros(2)))
    with pytest.raises(InvalidParameterError, match="no firm number 7"):
        shock_firms(net, [7], share=0.5)
    with pytest.raises(InvalidParameterError, match="'share' parameter of shock_firms"):
        shock_firms(net, [0], share=1.5)
    with pytest.raises(InvalidParameterError, match="no firm has firm_region code 3"):
        shock_region(net, 3, share=0.5)
    with pytest.raises(InvalidParameterError, match="'flow' must be finite and non-negative"):
        ProductionNetwork.from_links([0], [1], [-1.0])
    with pytest.raises(InvalidParameterError, match="firm numbers must lie in"):
        ProductionNetwork.from_links([0], [5], [1.0], n_firms=3)
    with pytest.raises(InvalidParameterError, match="'n' parameter of monte_carlo"):
        monte_carlo(net, RandomShocks(net), 0)
