"""The shock model end to end on the 38 real multi-echelon supply chains of Willems (2008): stages as firms."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from clusterbrain.network.shock import ProductionNetwork, shock_firms, simulate_shock
from clusterbrain.store.loaders.willems import read_willems_arcs, read_willems_stages
from tests.conftest import require_data

STOCK = 4  # days of stock at every stage
DAYS = 30


@pytest.fixture(scope="module")
def willems() -> tuple[pd.DataFrame, ProductionNetwork, np.ndarray, dict[int, int]]:
    stages = read_willems_stages(require_data("supply_chains_willems/willems_stages.csv")).to_pandas()
    arcs = read_willems_arcs(require_data("supply_chains_willems/willems_arcs.csv")).to_pandas()
    number = pd.Series(np.arange(len(stages)), index=stages["firm_id"])
    sup = number[arcs["supplier_id"]].to_numpy()
    cus = number[arcs["customer_id"]].to_numpy()
    # Bill-of-material quantities as daily flows; every input of a stage is critical (no group given).
    net = ProductionNetwork.from_links(sup, cus, arcs["quantity"].fillna(1.0).to_numpy(), n_firms=len(stages))
    sources = np.setdiff1d(np.arange(len(stages)), cus)
    g = nx.DiGraph(zip(sup.tolist(), cus.tolist(), strict=True))
    g.add_nodes_from(range(len(stages)))
    g.add_edges_from(("origin", int(s)) for s in sources)
    distance = {k: d - 1 for k, d in nx.single_source_shortest_path_length(g, "origin").items() if k != "origin"}
    return stages, net, sources, distance


def test_all_38_chains_lose_output_downstream_of_their_parts(willems) -> None:
    stages, net, sources, distance = willems
    assert net.n_firms == 15_872 and stages["firm_id"].str[:3].nunique() == 38
    result = simulate_shock(net, shock_firms(net, sources, share=1.0), days=DAYS, inventory_days=STOCK)
    chain = stages["firm_id"].str[:3].to_numpy()
    downstream = np.ones(net.n_firms, dtype=bool)
    downstream[sources] = False
    lost = pd.Series((1.0 - result.min_utilisation) * downstream).groupby(chain).sum()
    assert (lost > 0).all(), lost[lost <= 0]
    # Invariants: no output above capacity, no negative stock.
    assert (result.utilisation <= 1 + 1e-9).all() and result.min_stock >= -1e-9
    # Every input is critical: a stage d links from the nearest part stops by day d * STOCK, unless
    # its customers stopped first and, ordering less, let its stocks last longer (it then worked
    # below its usual output before that day). A stage next to a part stops exactly then.
    for firm, d in distance.items():
        if 0 < d and d * STOCK < DAYS:
            by_supply = 0 <= result.hit_day[firm] <= d * STOCK
            slowed = result.utilisation[: d * STOCK, firm].min() < 1 - 1e-9
            assert by_supply or slowed, (stages["firm_id"][firm], d)
    first = [f for f, d in distance.items() if d == 1]
    assert (result.hit_day[first] == STOCK).all()


def test_a_part_stop_shorter_than_the_stocks_costs_only_the_parts_output(willems) -> None:
    _, net, sources, _ = willems
    result = simulate_shock(
        net, shock_firms(net, sources, share=1.0, duration=STOCK - 1), days=DAYS, inventory_days=STOCK
    )
    assert result.loss == pytest.approx((STOCK - 1) * net.output[sources].sum(), rel=1e-9)
