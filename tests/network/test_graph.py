"""Firm-network indicators: hand-computed sourcing on a small network, graph measures against networkx."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.network.graph import (
    articulation_points,
    betweenness,
    firm_network,
    foreign_input_share,
    region_dependence,
    sole_source_inputs,
    supplier_concentration,
)

LOCAL = ["a", "b", "c", "f"]


@pytest.fixture
def small() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Seven firms: separators (a, d, e abroad), cells (b, c), a pack maker (f) and a tester (h) in another region."""
    firms = pd.DataFrame(
        {
            "firm_id": list("abcdefh"),
            "region_id": ["R", "R", "R", "S", None, "R", "S"],
            "country": ["CN", "CN", "CN", "CN", "JP", "CN", "CN"],
            "node_id": ["sep", "cell", "cell", "sep", "sep", "pack", "test"],
        }
    )
    links = pd.DataFrame(
        {
            "supplier_id": list("adeabchhh"),
            "customer_id": list("bbbcffbcf"),
            "value": [3.0, 1.0, 4.0, 2.0, 5.0, 5.0, 1.0, 1.0, 2.0],
        }
    )
    return links, firms


def test_supplier_hhi_per_firm_is_the_sum_of_squared_shares(small: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    net = firm_network(*small)
    hhi = supplier_concentration(net)
    # b buys 3, 1, 4, 1 from a, d, e, h; c buys 2, 1 from a, h; f buys 5, 5, 2 from b, c, h.
    assert_allclose(hhi.loc[["b", "c", "f"], "hhi"], [27 / 81, 5 / 9, 54 / 144])
    assert hhi.loc["b", "top_supplier_id"] == "e"
    assert_allclose(hhi.loc["b", "top_supplier_share"], 4 / 9)
    assert hhi.loc[["b", "c", "f"], "suppliers"].tolist() == [4, 2, 3]


def test_hhi_by_node_region_and_input(small: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    net = firm_network(*small)
    by_node = supplier_concentration(net, by="node")
    assert_allclose(by_node.loc["cell", "hhi"], (25 + 1 + 16 + 4) / 144)
    by_region = supplier_concentration(net, by="region")
    assert_allclose(by_region.loc["R", "hhi"], (25 + 1 + 16 + 16 + 25 + 25) / 576)
    per_input = supplier_concentration(net, by="all", per_input=True, customers=LOCAL).loc["all"]
    assert_allclose(per_input.loc[["sep", "cell", "test"], "hhi"], [0.42, 0.5, 1.0])
    assert per_input.loc[["sep", "cell", "test"], "customers"].tolist() == [2, 1, 3]


def test_foreign_share_counts_suppliers_of_another_country(small: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    net = firm_network(*small)
    firm = foreign_input_share(net)
    assert_allclose(firm.loc[["b", "c", "f"], "foreign_share"], [4 / 9, 0.0, 0.0])
    assert firm.loc["b", "top_foreign_id"] == "e"
    node = foreign_input_share(net, by="node")
    assert_allclose(node.loc["cell", "foreign_share"], 4 / 12)
    per_input = foreign_input_share(net, by="all", per_input=True, customers=LOCAL).loc["all"]
    assert_allclose(per_input.loc["sep", ["foreign_share", "top_foreign_share"]].to_numpy(dtype=float), [0.4, 0.4])


def test_sole_source_is_one_supplier_per_input_node(small: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    net = firm_network(*small)
    table = sole_source_inputs(net, customers=LOCAL).set_index("input_node")
    assert table["suppliers"].to_dict() == {"cell": 2, "sep": 3, "test": 1}
    assert table["sole_source"].to_dict() == {"cell": False, "sep": False, "test": True}
    assert table.loc["test", ["supplier_id", "supplier_region_id", "supplier_country"]].tolist() == ["h", "S", "CN"]
    assert sole_source_inputs(net, customers=LOCAL, min_customers=3)["input_node"].tolist() == ["test"]
    by_node = sole_source_inputs(net, by="node", customers=LOCAL)
    assert by_node.loc[by_node["sole_source"], ["group", "input_node"]].values.tolist() == [
        ["cell", "test"],
        ["pack", "test"],
    ]


def test_product_names_the_input_node_and_unknown_suppliers_are_not_foreign() -> None:
    firms = pd.DataFrame({"firm_id": ["a", "b"], "region_id": "R", "country": "CN", "node_id": ["sep", "cell"]})
    links = pd.DataFrame(
        {"supplier_id": ["a", "zz"], "customer_id": ["b", "b"], "value": [1.0, 3.0], "product": ["cell", "sep"]}
    )
    net = firm_network(links, firms)
    assert net.edges[["input", "foreign", "unknown"]].values.tolist() == [[0, False, False], [1, False, True]]
    share = foreign_input_share(net).loc["b"]
    assert (share["foreign_share"], share["unknown_share"]) == (0.0, 0.75)


def test_region_dependence_shares_sum_to_one(small: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    net = firm_network(*small)
    table = region_dependence(net).to_frame()
    r = table[table["region_id"] == "R"].set_index("source")["share"]
    assert_allclose(r.loc[["R", "S", "JP"]], [15 / 24, 5 / 24, 4 / 24])
    rng = np.random.default_rng(3)
    n = 60
    firms = pd.DataFrame(
        {
            "firm_id": [f"f{i}" for i in range(n)],
            "region_id": rng.choice(["A", "B", "C", "D"], n),
            "country": rng.choice(["CN", "CN", "CN", "US"], n),
        }
    )
    links = pd.DataFrame(
        {
            "supplier_id": firms["firm_id"].sample(300, replace=True, random_state=1).to_numpy(),
            "customer_id": firms["firm_id"].sample(300, replace=True, random_state=2).to_numpy(),
            "value": rng.random(300),
        }
    )
    dep = region_dependence(firm_network(links, firms))
    assert_allclose(np.asarray(dep.shares.sum(axis=1)).ravel(), 1.0)
    mapped = region_dependence(firm_network(links, firms), region_of={"A": "AB", "B": "AB"})
    assert list(mapped.rows) == ["AB", "C", "D"]


def _random_links(seed: int, n: int = 40, m: int = 70) -> tuple[pd.DataFrame, pd.DataFrame, nx.DiGraph]:
    graph = nx.gnm_random_graph(n, m, seed=seed, directed=True)
    graph.remove_nodes_from(list(nx.isolates(graph)))
    edges = np.array(graph.edges())
    links = pd.DataFrame({"supplier_id": edges[:, 0].astype(str), "customer_id": edges[:, 1].astype(str), "value": 1.0})
    firms = pd.DataFrame({"firm_id": [str(v) for v in graph.nodes], "region_id": "R", "country": "CN"})
    return links, firms, graph


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_betweenness_agrees_with_networkx(seed: int) -> None:
    links, firms, graph = _random_links(seed)
    ours = betweenness(firm_network(links, firms))
    ref = pd.Series({str(k): v for k, v in nx.betweenness_centrality(graph).items()})
    assert_allclose(ours.reindex(ref.index), ref, atol=1e-12)
    sampled = betweenness(firm_network(links, firms), k=10, seed=seed)
    assert set(sampled.index) == set(ref.index) and (sampled >= 0).all()


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_articulation_points_agree_with_networkx_and_count_what_they_cut_off(seed: int) -> None:
    links, firms, graph = _random_links(seed, n=50, m=55)
    table = articulation_points(firm_network(links, firms)).set_index("firm_id")
    undirected = graph.to_undirected()
    assert set(table.index) == {str(v) for v in nx.articulation_points(undirected)}
    for firm_id, row in table.iterrows():
        v = int(firm_id)
        component = nx.node_connected_component(undirected, v)
        pieces = sorted(map(len, nx.connected_components(undirected.subgraph(component - {v}))), reverse=True)
        assert (row["component_size"], row["pieces"], row["separated"]) == (
            len(component),
            len(pieces),
            len(component) - 1 - pieces[0],
        )
    assert table["separated"].is_monotonic_decreasing


def test_graph_measures_restrict_to_the_firms_given() -> None:
    firms = pd.DataFrame({"firm_id": list("abcd"), "region_id": "R", "country": "CN"})
    links = pd.DataFrame({"supplier_id": ["a", "b", "c"], "customer_id": ["b", "c", "d"], "value": 1.0})
    net = firm_network(links, firms)
    assert articulation_points(net)["firm_id"].tolist() == ["b", "c"]
    assert articulation_points(net, firms=["a", "b", "c"])["firm_id"].tolist() == ["b"]
    assert betweenness(net, firms=["a", "b"]).to_dict() == {"a": 0.0, "b": 0.0}


def test_firm_network_rejects_bad_tables() -> None:
    firms = pd.DataFrame({"firm_id": ["a", "b"], "region_id": "R", "country": "CN"})
    links = pd.DataFrame({"supplier_id": ["a"], "customer_id": ["b"], "value": [1.0]})
    with pytest.raises(InvalidParameterError, match="'links' parameter of firm_network must have the columns"):
        firm_network(links.drop(columns="value"), firms)
    with pytest.raises(InvalidParameterError, match=r"'value' column .* Got -1.0 in row 0"):
        firm_network(links.assign(value=-1.0), firms)
    with pytest.raises(InvalidParameterError, match="must be unique. Got 'a' twice"):
        firm_network(links, pd.concat([firms, firms.iloc[:1]]))
    with pytest.raises(InvalidParameterError, match="'by' parameter of supplier_concentration must be one of"):
        supplier_concentration(firm_network(links, firms), by="county")
    with pytest.raises(InvalidParameterError, match="'k' parameter of betweenness"):
        betweenness(firm_network(links, firms), k=0)
