"""The firm supply network: who buys what from whom, and how concentrated, foreign and fragile that supply is.

A :class:`FirmNetwork` holds directed, value-weighted supply edges between integer-coded firms,
each firm carrying its region, country and chain node. The indicator functions group the
purchases of customer firms (by firm, chain node, region or all together), optionally per
*input node* (the chain node supplied), and measure supplier concentration, the share bought
abroad and sole sourcing; :func:`betweenness` and :func:`articulation_points` find the firms
that hold the network together; :func:`region_dependence` says where each region's inputs come from.
"""

from collections.abc import Collection

import networkx as nx
import numpy as np
import pandas as pd

from clusterbrain._validation import check_option, check_scalar
from clusterbrain.network._graph_build import FirmNetwork, firm_network
from clusterbrain.network._graph_cut import cut_vertices
from clusterbrain.network._graph_regions import RegionDependence, region_dependence
from clusterbrain.network._graph_table import GROUPINGS, input_table

__all__ = [
    "FirmNetwork",
    "RegionDependence",
    "articulation_points",
    "betweenness",
    "firm_network",
    "foreign_input_share",
    "region_dependence",
    "sole_source_inputs",
    "sourcing_table",
    "supplier_concentration",
]


def supplier_concentration(
    net: FirmNetwork, /, *, by: str = "firm", per_input: bool = False, customers: Collection[str] | None = None
) -> pd.DataFrame:
    r"""Herfindahl–Hirschman index of the suppliers' shares in the purchases of each group of customers.

    With :math:`v_{gs}` the value group :math:`g` buys from supplier :math:`s` (of one input
    node when ``per_input``) and :math:`V_g = \sum_s v_{gs}`:

    .. math::

        \mathrm{HHI}_g = \sum_s \left( \frac{v_{gs}}{V_g} \right)^2 \in (0, 1],

    1 for a single supplier, :math:`1/m` for :math:`m` equal ones [1]_ [2]_. A group is a
    customer firm (``by='firm'``), its chain node (``'node'``), its region (``'region'``) or
    all customers together (``'all'``); firms with no node (region) are left out by node (region).

    Parameters
    ----------
    net : FirmNetwork
    by : {'firm', 'node', 'region', 'all'}, default 'firm'
    per_input : bool, default False
        One row per (group, input node) instead of per group.
    customers : collection of str, optional
        Only the purchases of these customer firms (e.g. a region's firms).

    Returns
    -------
    DataFrame
        Indexed by ``group`` (and ``input_node``): ``input_value``, ``customers``,
        ``suppliers``, ``hhi``, ``top_supplier_id``, ``top_supplier_share``.

    References
    ----------
    .. [1] A. O. Hirschman, *National Power and the Structure of Foreign Trade*, University of
       California Press, 1945.
    .. [2] O. C. Herfindahl, *Concentration in the Steel Industry*, PhD thesis, Columbia University, 1950.

    Examples
    --------
    >>> firms = pd.DataFrame({"firm_id": list("abc"), "region_id": "R", "country": "CN"})
    >>> links = pd.DataFrame({"supplier_id": ["a", "b"], "customer_id": ["c", "c"], "value": [3.0, 1.0]})
    >>> supplier_concentration(firm_network(links, firms)).loc["c", "hhi"]
    np.float64(0.625)
    """
    t = _table(net, by, per_input, customers, "supplier_concentration")
    return t[["input_value", "customers", "suppliers", "hhi", "top_supplier_id", "top_supplier_share"]]


def foreign_input_share(
    net: FirmNetwork, /, *, by: str = "firm", per_input: bool = False, customers: Collection[str] | None = None
) -> pd.DataFrame:
    r"""Share of each group's purchases bought from suppliers abroad.

    A supplier is abroad when its country differs from the customer's own country, so for a
    group :math:`g` with purchases :math:`V_g`,

    .. math::

        f_g = \frac{\sum_{s,c \in g:\ \mathrm{country}_s \neq \mathrm{country}_c} v_{sc}}{V_g}.

    Suppliers of unknown country are not counted abroad; their share is ``unknown_share``.
    Import dependence of this kind is the exposure through which foreign supply shocks
    propagate down the chain [1]_.

    Parameters
    ----------
    net, by, per_input, customers
        As in :func:`supplier_concentration`.

    Returns
    -------
    DataFrame
        Indexed by ``group`` (and ``input_node``): ``input_value``, ``foreign_value``,
        ``foreign_share``, ``unknown_share``, ``top_foreign_share`` (the largest foreign
        supplier's share), ``top_foreign_id``.

    References
    ----------
    .. [1] V. M. Carvalho, M. Nirei, Y. U. Saito, A. Tahbaz-Salehi, "Supply chain disruptions:
       evidence from the Great East Japan Earthquake", *Quarterly Journal of Economics* 136(2), 2021.

    Examples
    --------
    >>> firms = pd.DataFrame({"firm_id": list("abc"), "region_id": "R", "country": ["JP", "CN", "CN"]})
    >>> links = pd.DataFrame({"supplier_id": ["a", "b"], "customer_id": ["c", "c"], "value": [3.0, 1.0]})
    >>> foreign_input_share(firm_network(links, firms)).loc["c", "foreign_share"]
    np.float64(0.75)
    """
    t = _table(net, by, per_input, customers, "foreign_input_share")
    return t[["input_value", "foreign_value", "foreign_share", "unknown_share", "top_foreign_share", "top_foreign_id"]]


def sole_source_inputs(
    net: FirmNetwork,
    /,
    *,
    by: str = "all",
    customers: Collection[str] | None = None,
    min_customers: int = 1,
) -> pd.DataFrame:
    """Distinct suppliers of each input node of each group of customers; sole source where there is one.

    ``by='all'`` with ``customers`` the firms of a region answers "does the region buy input
    node Y from exactly one firm?"; ``by='node'`` asks it of the region's firms of each chain
    node X. A single supplier feeding several customers is a single point of failure through
    which a disruption reaches them all [1]_ [2]_.

    Parameters
    ----------
    net, customers
        As in :func:`supplier_concentration`.
    by : {'firm', 'node', 'region', 'all'}, default 'all'
    min_customers : int, default 1
        Keep only (group, input) pairs with at least this many distinct customers.

    Returns
    -------
    DataFrame
        One row per (``group``, ``input_node``) with a known input node: ``input_value``,
        ``customers``, ``suppliers``, ``sole_source`` (one supplier), ``supplier_id``,
        ``supplier_region_id``, ``supplier_country`` (of the sole supplier, else missing) and
        ``foreign_share``.

    References
    ----------
    .. [1] D. Acemoglu, V. M. Carvalho, A. Ozdaglar, A. Tahbaz-Salehi, "The network origins of
       aggregate fluctuations", *Econometrica* 80(5), 1977-2016, 2012.
    .. [2] H. Inoue, Y. Todo, "Firm-level propagation of shocks through supply-chain networks",
       *Nature Sustainability* 2, 841-847, 2019.

    Examples
    --------
    >>> firms = pd.DataFrame({"firm_id": list("abcd"), "region_id": "R", "country": "CN",
    ...     "node_id": ["sep", "cell", "cell", "cell"]})
    >>> links = pd.DataFrame({"supplier_id": ["a", "a", "a"], "customer_id": ["b", "c", "d"], "value": 1.0})
    >>> sole_source_inputs(firm_network(links, firms))[["input_node", "customers", "sole_source", "supplier_id"]].values
    array([['sep', 3, True, 'a']], dtype=object)
    """
    check_scalar(min_customers, "min_customers", "sole_source_inputs", integer=True, low=1)
    t = _table(net, by, True, customers, "sole_source_inputs").reset_index()
    t = t[(t["input_node"].notna()) & (t["customers"] >= min_customers)].reset_index(drop=True)
    sole = t["suppliers"] == 1
    who = net.firms.set_index("firm_id")
    out = t[["group", "input_node", "input_value", "customers", "suppliers"]].copy()
    out["sole_source"] = sole
    out["supplier_id"] = t["top_supplier_id"].where(sole)
    out["supplier_region_id"] = out["supplier_id"].map(who["region_id"])
    out["supplier_country"] = out["supplier_id"].map(who["country"])
    out["foreign_share"] = t["foreign_share"]
    return out


def betweenness(
    net: FirmNetwork,
    /,
    *,
    firms: Collection[str] | None = None,
    k: int | None = None,
    seed: int = 0,
) -> pd.Series:
    r"""Betweenness centrality of each firm in the directed supply network (networkx, Brandes' algorithm).

    .. math::

        c_B(v) = \frac{1}{(n-1)(n-2)} \sum_{s \neq v \neq t} \frac{\sigma_{st}(v)}{\sigma_{st}},

    with :math:`\sigma_{st}` the number of shortest directed supply paths from :math:`s` to
    :math:`t` and :math:`\sigma_{st}(v)` those through :math:`v` [1]_ [2]_. Paths count hops, not
    value (a link's value is not a distance). Exact cost is :math:`O(nm)`; with ``k`` the sum
    runs over ``k`` random sources (networkx's estimate, rescaled by :math:`n/k`), which is
    how large networks are handled.

    Parameters
    ----------
    net : FirmNetwork
    firms : collection of str, optional
        Use the subnetwork among these firms (e.g. a region's firms).
    k : int, optional
        Number of sampled sources; exact when None or ≥ the number of firms.
    seed : int, default 0
        Seed of the sample.

    Returns
    -------
    Series
        Betweenness by ``firm_id`` (firms of the subnetwork with at least one edge).

    References
    ----------
    .. [1] L. C. Freeman, "A set of measures of centrality based on betweenness", *Sociometry* 40(1), 35-41, 1977.
    .. [2] U. Brandes, "A faster algorithm for betweenness centrality", *J. Math. Sociology* 25(2), 163-177, 2001.

    Examples
    --------
    >>> firms = pd.DataFrame({"firm_id": list("abc"), "region_id": "R", "country": "CN"})
    >>> links = pd.DataFrame({"supplier_id": ["a", "b"], "customer_id": ["b", "c"], "value": 1.0})
    >>> betweenness(firm_network(links, firms)).to_dict()
    {'a': 0.0, 'b': 0.5, 'c': 0.0}
    """
    if k is not None:
        check_scalar(k, "k", "betweenness", integer=True, low=1)
    graph = _graph(net, firms, directed=True)
    n = graph.number_of_nodes()
    sample = None if k is None or k >= n else int(k)
    values = nx.betweenness_centrality(graph, k=sample, seed=seed) if n else {}
    ids = net.firms["firm_id"].to_numpy()
    codes = np.fromiter(values.keys(), dtype=np.int64, count=len(values))
    return pd.Series(np.fromiter(values.values(), dtype=float, count=len(values)), index=pd.Index(ids[codes])).rename(
        "betweenness"
    )


def articulation_points(net: FirmNetwork, /, *, firms: Collection[str] | None = None) -> pd.DataFrame:
    """Firms whose removal splits their part of the (undirected) supply network, and how many firms they cut off.

    Computed on the undirected projection (a supplier and its customer are connected either
    way) restricted to ``firms``. ``separated`` counts the firms no longer connected to the
    largest remaining piece of the component when the firm is removed (component size − 1 −
    largest piece); ``pieces`` is the number of pieces. The points are networkx's
    ``articulation_points`` (Hopcroft–Tarjan) [1]_; the piece sizes come from the block–cut tree.

    Returns
    -------
    DataFrame
        ``firm_id``, ``component_size``, ``pieces``, ``separated``, sorted by ``separated``
        (largest first) then ``firm_id``.

    References
    ----------
    .. [1] J. Hopcroft, R. Tarjan, "Algorithm 447: efficient algorithms for graph manipulation",
       *Communications of the ACM* 16(6), 372-378, 1973.

    Examples
    --------
    >>> firms = pd.DataFrame({"firm_id": list("abcd"), "region_id": "R", "country": "CN"})
    >>> links = pd.DataFrame({"supplier_id": ["a", "b", "b"], "customer_id": ["b", "c", "d"], "value": 1.0})
    >>> articulation_points(firm_network(links, firms)).values.tolist()
    [['b', 4, 3, 2]]
    """
    graph = _graph(net, firms, directed=False)
    table = cut_vertices(graph)
    table.insert(0, "firm_id", net.firms["firm_id"].to_numpy()[table.pop("code").to_numpy(dtype=np.int64)])
    return table.sort_values(["separated", "firm_id"], ascending=[False, True], ignore_index=True)


def sourcing_table(
    net: FirmNetwork, /, *, by: str = "firm", per_input: bool = False, customers: Collection[str] | None = None
) -> pd.DataFrame:
    """Every sourcing column at once: those of :func:`supplier_concentration` and :func:`foreign_input_share`.

    One pass over the edges for callers that need both (the parameters are theirs).
    """
    return _table(net, by, per_input, customers, "sourcing_table")


def _table(net: FirmNetwork, by: str, per_input: bool, customers: Collection[str] | None, func: str) -> pd.DataFrame:
    check_option(by, "by", func, GROUPINGS)
    return input_table(net.firms, net.edges, net.node_ids, by=by, per_input=per_input, mask=net.mask(customers))


def _graph(net: FirmNetwork, firms: Collection[str] | None, *, directed: bool) -> nx.Graph:
    """The (un)directed graph of distinct supplier–customer pairs among ``firms``, nodes = firm codes."""
    keep = net.mask(firms)
    e = net.edges
    inside = keep[e["supplier"].to_numpy()] & keep[e["customer"].to_numpy()]
    graph: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    graph.add_edges_from(zip(e.loc[inside, "supplier"].tolist(), e.loc[inside, "customer"].tolist(), strict=True))
    return graph
