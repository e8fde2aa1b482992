"""Risk warnings (风险预警) for a region's supply network: sole sources, foreign dependence, concentration, bridges.

:func:`region_indicators` measures a region's firm network (per input node, customer node,
firm and source region); :func:`risk_warnings` turns those measurements into structured
:class:`RiskWarning` items by the rules and cut-offs of :class:`RiskThresholds`, each with its
evidence, a suggested action and candidate firms for a second source.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from clusterbrain._validation import check_scalar
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.network._graph_items import SEVERITIES, Candidate, RiskEvidence, RiskThresholds, RiskWarning
from clusterbrain.network._graph_rules import Context, rule_warnings
from clusterbrain.network.graph import (
    FirmNetwork,
    RegionDependence,
    articulation_points,
    betweenness,
    region_dependence,
    sole_source_inputs,
    sourcing_table,
)

__all__ = [
    "SEVERITIES",
    "Candidate",
    "RegionIndicators",
    "RiskEvidence",
    "RiskThresholds",
    "RiskWarning",
    "region_indicators",
    "risk_warnings",
]


@dataclass(frozen=True, eq=False)
class RegionIndicators:
    """A region's supply-network indicators.

    Attributes
    ----------
    region_id : str
        The region (its firms are ``local``).
    local : frozenset of str
        Firm ids of the region's firms.
    inputs : DataFrame
        Per input node (index ``input_node``), the region's purchases of it: ``input_value``,
        ``customers``, ``suppliers``, ``hhi``, ``top_supplier_id``, ``top_supplier_share``,
        ``foreign_value``, ``foreign_share``, ``unknown_share``, ``top_foreign_share``,
        ``top_foreign_id``, ``sole_source``, ``supplier_id``, ``supplier_region_id``, ``supplier_country``.
    node_inputs : DataFrame
        Per (``customer_node``, ``input_node``) of the region's firms: the
        :func:`~clusterbrain.network.graph.sole_source_inputs` columns.
    nodes : DataFrame
        Per customer node (index ``node_id``): ``local_firms`` and the sourcing of its local
        firms (value, suppliers, ``hhi``, ``foreign_share`` …).
    firms : DataFrame
        Per local firm with purchases or links (index ``firm_id``): ``input_value``,
        ``suppliers``, ``hhi``, ``foreign_share``, ``betweenness``, ``separated`` (firms cut
        off if it fails; 0 when not an articulation point).
    bridges : DataFrame
        The articulation points of the region's internal network (see
        :func:`~clusterbrain.network.graph.articulation_points`).
    dependence : RegionDependence
        Where the region's purchases come from, one row for the region.
    betweenness_k : int or None
        Sources sampled for betweenness (None: exact).
    """

    region_id: str
    local: frozenset[str]
    inputs: pd.DataFrame
    node_inputs: pd.DataFrame
    nodes: pd.DataFrame
    firms: pd.DataFrame
    bridges: pd.DataFrame
    dependence: RegionDependence
    betweenness_k: int | None


def region_indicators(
    net: FirmNetwork,
    local: Collection[str],
    /,
    *,
    region_id: str,
    region_of: Mapping[str, str] | None = None,
    betweenness_k: int | None = 50,
    seed: int = 0,
) -> RegionIndicators:
    """Measure the supply network of the region whose firms are ``local``.

    Sourcing indicators read the purchases of the local firms from any supplier;
    betweenness and articulation points are computed on the network among local firms (the
    region's own supply web), betweenness from ``betweenness_k`` sampled sources when the
    region has more firms than that (see :func:`~clusterbrain.network.graph.betweenness`).
    The dependence row counts the region's purchases by source: the region itself for local
    suppliers, ``region_of[r]`` for a supplier in region ``r`` elsewhere (e.g. its province;
    unmapped regions stay themselves), the country for one abroad.

    Raises
    ------
    InvalidParameterError
        If ``local`` is empty or a string, or ``betweenness_k`` is not a positive int.
    """
    func = "region_indicators"
    if isinstance(local, str) or not isinstance(local, Collection) or len(local) == 0:
        raise InvalidParameterError(
            f"The 'local' parameter of {func} must be a non-empty collection of firm ids. Got {local!r} instead."
        )
    if betweenness_k is not None:
        check_scalar(betweenness_k, "betweenness_k", func, integer=True, low=1)
    local_set = frozenset(str(f) for f in local)
    inputs = _inputs(net, local_set)
    node_inputs = sole_source_inputs(net, by="node", customers=local_set).rename(columns={"group": "customer_node"})

    nodes = sourcing_table(net, by="node", customers=local_set)
    on_node = net.firms[net.mask(local_set) & net.firms["node_id"].notna().to_numpy()]
    counts = on_node.groupby("node_id")["firm_id"].nunique().rename("local_firms")
    nodes = counts.to_frame().join(nodes, how="outer").rename_axis("node_id")
    nodes["local_firms"] = nodes["local_firms"].fillna(0).astype(int)

    bridges = articulation_points(net, firms=local_set)
    between = betweenness(net, firms=local_set, k=betweenness_k, seed=seed)
    firms = sourcing_table(net, by="firm", customers=local_set)[["input_value", "suppliers", "hhi", "foreign_share"]]
    firms = firms.join(between, how="outer").rename_axis("firm_id")
    firms["separated"] = bridges.set_index("firm_id")["separated"].reindex(firms.index, fill_value=0).astype(int)
    firms["betweenness"] = firms["betweenness"].fillna(0.0)
    region_map = dict(region_of or {})
    region_map.update({str(r): region_id for r in net.firms.loc[net.mask(local_set), "region_id"].dropna().unique()})
    dependence = region_dependence(net, customers=local_set, region_of=region_map)
    n_local = int(net.mask(local_set).sum())
    return RegionIndicators(
        region_id=region_id,
        local=local_set,
        inputs=inputs,
        node_inputs=node_inputs,
        nodes=nodes,
        firms=firms,
        bridges=bridges,
        dependence=dependence,
        betweenness_k=None if betweenness_k is None or betweenness_k >= n_local else betweenness_k,
    )


def risk_warnings(
    net: FirmNetwork,
    indicators: RegionIndicators,
    /,
    *,
    thresholds: RiskThresholds | None = None,
    top_candidates: int = 5,
    node_names: Mapping[str, tuple[str, str]] | None = None,
    year: int | None = None,
) -> tuple[RiskWarning, ...]:
    """Turn a region's indicators into risk warnings, most severe first.

    Rules (each fires at the first of its four levels in ``thresholds``; the severity is the
    highest level reached):

    - ``sole_source``: the region's firms buy an input node from exactly one supplier [1]_;
      severity by the number of local customers (``sole_source_customers``: under the first
      level it is a firm's own choice, not the region's), one level higher when that
      supplier is abroad. A chain node X whose local firms alone buy the input from one
      supplier also fires, unless the region as a whole already does. Candidates: firms on
      the input node outside the region.
    - ``foreign_dependence``: share of the region's purchases of an input node bought abroad
      (at least ``min_customers`` local customers) [2]_. Candidates: home-country firms on
      the node outside the region (domestic second sources, 国产替代).
    - ``supplier_concentration``: HHI of the suppliers of an input node with two or more
      suppliers and at least ``concentration_min_customers`` local customers. Candidates:
      firms on the node outside the region other than the largest supplier.
    - ``bridge_firm``: a local firm whose failure cuts off at least ``bridge_min_separated``
      firms and a share of the region's connected supply network (an articulation point)
      [3]_. Candidates: firms on its node outside the region.
    - ``region_dependence``: share of the region's purchases from one other region or country.

    Candidates are ranked by the mean percentile of revenue, customers already served with
    the node's product, and nearness to the centroid of the local firms (when firms have
    ``lat``/``lon``); at most ``top_candidates`` per warning.

    Parameters
    ----------
    net : FirmNetwork
    indicators : RegionIndicators
        From :func:`region_indicators` on ``net``.
    thresholds : RiskThresholds, optional
        Defaults to ``RiskThresholds()``.
    top_candidates : int, default 5
    node_names : mapping of str to (str, str), optional
        Chinese and English name of each node id (ids are shown otherwise).
    year : int, optional
        Year of the links, recorded in the evidence.

    Returns
    -------
    tuple of RiskWarning
        Sorted by severity (critical first), then kind and id.

    References
    ----------
    .. [1] H. Inoue, Y. Todo, "Firm-level propagation of shocks through supply-chain networks",
       *Nature Sustainability* 2, 841-847, 2019.
    .. [2] D. Acemoglu, V. M. Carvalho, A. Ozdaglar, A. Tahbaz-Salehi, "The network origins of
       aggregate fluctuations", *Econometrica* 80(5), 1977-2016, 2012.
    .. [3] J. Hopcroft, R. Tarjan, "Algorithm 447: efficient algorithms for graph manipulation",
       *Communications of the ACM* 16(6), 372-378, 1973.

    Examples
    --------
    >>> from clusterbrain.network.graph import firm_network
    >>> firms = pd.DataFrame({"firm_id": ["s", "t", "c1", "c2", "c3"], "region_id": ["R", "X", "R", "R", "R"],
    ...     "country": "CN", "node_id": ["sep", "sep", "cell", "cell", "cell"], "revenue": [5, 9, 1, 1, 1]})
    >>> links = pd.DataFrame({"supplier_id": "s", "customer_id": ["c1", "c2", "c3"], "value": 1.0})
    >>> net = firm_network(links, firms)
    >>> ind = region_indicators(net, ["s", "c1", "c2", "c3"], region_id="R")
    >>> [(w.kind, w.severity, w.where["node_id"], [c.firm_id for c in w.candidates]) for w in risk_warnings(net, ind)]
    [('sole_source', 'low', 'sep', ['t'])]
    """
    check_scalar(top_candidates, "top_candidates", "risk_warnings", integer=True, low=0)
    thresholds = thresholds or RiskThresholds()
    if not isinstance(thresholds, RiskThresholds):
        raise InvalidParameterError(
            f"The 'thresholds' parameter of risk_warnings must be a RiskThresholds. Got {thresholds!r} instead."
        )
    local = net.mask(indicators.local)
    origin = _centroid(net.firms[local])
    context = Context(net, indicators, thresholds, int(top_candidates), dict(node_names or {}), origin, year)
    found = rule_warnings(context)
    return tuple(sorted(found, key=lambda w: (-w.rank, w.kind, w.id)))


def _inputs(net: FirmNetwork, local: frozenset[str]) -> pd.DataFrame:
    table = sourcing_table(net, by="all", per_input=True, customers=local).droplevel("group")
    table = table[table.index.notna()].rename_axis("input_node")
    # As sole_source_inputs: the single supplier, where it is one, with its region and country.
    table["sole_source"] = table["suppliers"] == 1
    table["supplier_id"] = table["top_supplier_id"].where(table["sole_source"])
    who = net.firms.set_index("firm_id")
    table["supplier_region_id"] = table["supplier_id"].map(who["region_id"])
    table["supplier_country"] = table["supplier_id"].map(who["country"])
    return table


def _centroid(local: pd.DataFrame) -> tuple[float, float] | None:
    if not {"lat", "lon"} <= set(local.columns):
        return None
    lat = pd.to_numeric(local["lat"], errors="coerce")
    lon = pd.to_numeric(local["lon"], errors="coerce")
    ok = lat.notna() & lon.notna()
    if not ok.any():
        return None
    return float(np.mean(lat[ok])), float(np.mean(lon[ok]))
