"""Chain analysis of a region (按图索骥): node by node what it has, where it buys, what is strong, weak or missing."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from clusterbrain._validation import check_scalar
from clusterbrain.chain._inputs import as_regions, records
from clusterbrain.chain._leaders import chain_leaders, national_leaders
from clusterbrain.chain._smile import completeness, smile_curve
from clusterbrain.chain._sourcing import link_origins, purchases, sourcing
from clusterbrain.chain._stats_basis import stats_nodes
from clusterbrain.chain._status import STATUSES, StatusThresholds, firm_status, stats_status
from clusterbrain.chain._tables import assignment_table, firm_table, link_table
from clusterbrain.chain.template import ChainTemplate
from clusterbrain.exceptions import InvalidParameterError

__all__ = ["STATUSES", "ChainAnalysis", "StatusThresholds", "analyse_chain", "analyse_chain_from_stats"]

_NODE_COLUMNS = ("node_id", "name_zh", "name_en", "stage", "kind", "value_added", "barrier")
_STATS_LIMITS = (
    "code-based analysis from region x industry statistics: no firm or supply-link data",
    "no sourcing data, so no node can be found foreign-dependent and there is no local supporting rate",
    (
        "nodes sharing an industry code share its location quotient; statistics coarser than a node's "
        "codes give the node the whole coarser industry"
    ),
)


@dataclass(frozen=True, eq=False)  # eq=False: fields are DataFrames, whose == is elementwise
class ChainAnalysis:
    """A region's position on one chain: per-node table, chain leaders, smile curve, chain-level rates.

    Attributes
    ----------
    template_id : str
        The chain analysed.
    basis : {'firms', 'stats'}
        Firm and link data (:func:`analyse_chain`) or region x industry statistics
        (:func:`analyse_chain_from_stats`).
    regions : tuple of str
        The focus regions (sorted), whose firms count as local.
    home_country : str or None
        Country whose firms are "national" (None on the stats basis).
    thresholds : StatusThresholds
        The status rules' thresholds used.
    nodes : DataFrame
        One row per template node in template order (columns in the function docs).
    leaders : DataFrame
        Chain-leader (链主) candidates per node with each score component (empty on stats).
    national_leaders : DataFrame
        The largest home-country firms of each node by revenue (empty on stats).
    stages : DataFrame
        The smile curve: one row per stage present in the template (upstream → downstream).
    local_supporting_rate : float or None
        本地配套率; None when it cannot be measured (no inputs; stats basis).
    local_input_value, local_sourced_value : float
        Denominator and numerator of the local supporting rate.
    completeness : float
        Value-added-weighted share of nodes not missing.
    node_completeness : float
        Unweighted share of nodes not missing.
    region_value_added, national_value_added : float or None
        Employment-weighted (stats: value-weighted) mean node value added of the region and of
        the country: where their firms sit on the smile curve.
    year : int or None
        The link (or stats) year used; None when all rows were used.
    notes : tuple of str
        Limits of the analysis to show with it.
    """

    template_id: str
    basis: str
    regions: tuple[str, ...]
    home_country: str | None
    thresholds: StatusThresholds
    nodes: pd.DataFrame
    leaders: pd.DataFrame
    national_leaders: pd.DataFrame
    stages: pd.DataFrame
    local_supporting_rate: float | None
    local_input_value: float
    local_sourced_value: float
    completeness: float
    node_completeness: float
    region_value_added: float | None
    national_value_added: float | None
    year: int | None = None
    notes: tuple[str, ...] = ()

    def status(self, node_id: str) -> str:
        """The status of node ``node_id``."""
        return str(self.nodes.set_index("node_id").at[node_id, "status"])

    def nodes_with(self, status: str) -> list[str]:
        """Ids of the nodes with ``status``, in template order."""
        return self.nodes.loc[self.nodes["status"] == status, "node_id"].tolist()

    def to_dict(self) -> dict[str, Any]:
        """The analysis as plain JSON-serialisable data (tables as lists of records, NaN as None)."""
        return {
            "template_id": self.template_id,
            "basis": self.basis,
            "regions": list(self.regions),
            "home_country": self.home_country,
            "year": self.year,
            "thresholds": self.thresholds.to_dict(),
            "local_supporting_rate": self.local_supporting_rate,
            "local_input_value": self.local_input_value,
            "local_sourced_value": self.local_sourced_value,
            "completeness": self.completeness,
            "node_completeness": self.node_completeness,
            "region_value_added": self.region_value_added,
            "national_value_added": self.national_value_added,
            "notes": list(self.notes),
            "nodes": records(self.nodes),
            "leaders": records(self.leaders),
            "national_leaders": records(self.national_leaders),
            "stages": records(self.stages),
        }


def analyse_chain(
    template: ChainTemplate,
    firms: pd.DataFrame,
    assignments: pd.DataFrame,
    links: pd.DataFrame,
    /,
    *,
    regions: Collection[str],
    home_country: str = "CN",
    thresholds: StatusThresholds = StatusThresholds(),  # noqa: B008 - frozen, immutable
    external_countries: Mapping[str, str] | None = None,
    year: int | None = None,
    min_confidence: float = 0.0,
    top_leaders: int = 3,
) -> ChainAnalysis:
    r"""Analyse a region's firms on a chain: presence, sourcing, leaders, status, 本地配套率, smile curve.

    A firm is *local* when its ``region_id`` is one of ``regions``, *national* when its
    ``country`` is ``home_country`` (a missing country is read as the home country). A
    supplier's origin is *local*, *domestic* (elsewhere in the home country) or *abroad*, from
    its firm row; a supplier outside ``firms`` takes its country from ``external_countries``,
    and one with no known country counts as domestic (its value is also in ``*_unknown_share``).

    For node :math:`k` with local employment :math:`e_k`, national employment :math:`E_k`,
    and the chain's local and national employment :math:`e, E` (each firm counted once):

    .. math::

        s_k = e_k / E_k, \qquad \text{location ratio}_k = \frac{e_k / E_k}{e / E},

    and for the chain, with :math:`v^{\mathrm{loc}}` the value the chain's local firms buy
    from local suppliers and :math:`v` all they buy (from any supplier, any product):

    .. math::

        \text{本地配套率} = v^{\mathrm{loc}} / v, \qquad
        \text{completeness} = \frac{\sum_{k \text{ not missing}} VA_k}{\sum_k VA_k}.

    Parameters
    ----------
    template : ChainTemplate
        The chain.
    firms : DataFrame
        ``firm_id`` (unique), ``region_id``, ``employees``, ``revenue``; optional ``name``,
        ``country``. Missing employees or revenue count as 0.
    assignments : DataFrame
        ``firm_id``, ``node_id``, optional ``confidence``: firms' chain nodes. A firm on several
        nodes counts fully on each (chain totals count it once); rows of other chains are ignored.
    links : DataFrame
        ``supplier_id``, ``customer_id``, ``value``; optional ``product`` (the node supplied)
        and ``year``. Suppliers need not be in ``firms``.
    regions : collection of str
        The focus region ids.
    home_country : str, default 'CN'
        The country of "national" firms and of domestic suppliers.
    thresholds : StatusThresholds
        The status rules (see :class:`StatusThresholds`).
    external_countries : mapping of str to str, optional
        Country of suppliers not in ``firms``.
    year : int, optional
        Use only the links of this year (``links`` must have ``year``); by default all rows
        are summed.
    min_confidence : float, default 0.0
        Assignments below this confidence are ignored.
    top_leaders : int, default 3
        Chain-leader candidates and national leaders kept per node.

    Returns
    -------
    ChainAnalysis
        ``nodes`` has, per node: the template fields; ``local_firms``, ``local_employment``,
        ``local_revenue`` and ``national_*`` alike; ``employment_share`` (:math:`s_k`) and
        ``location_ratio``; the sourcing of the node's local firms (``input_value``,
        ``input_{local,domestic,abroad,unknown}_share``, ``input_suppliers``, ``input_hhi``,
        ``input_top_foreign_share`` (the largest foreign supplier's share),
        ``input_sole_source``, ``input_foreign_sole_source``: links whose customer is a
        local firm of the node); the region's purchases of the node's product (the same with
        ``purchase_``: links to any local customer whose ``product`` is the node, or, without
        a product that is a node, whose supplier is assigned to the node), with ``sole_source``
        and ``foreign_sole_source`` (one supplier; one supplier abroad); ``status`` and
        ``status_reason``. Shares and HHI are NaN where nothing was bought; the ratio is NaN
        where the node has no national employment. ``stages`` (the smile curve) has per
        stage ``nodes``, ``mean_value_added``, ``local_employment``, ``national_employment``,
        ``local_share``, ``national_share`` (of employment over the stages) and the
        employment-weighted ``local_mean_value_added`` and ``national_mean_value_added``.
        ``leaders`` has ``node_id``, ``rank``, ``firm_id``, ``name``, ``region_id``,
        ``employees``, ``revenue``, ``local_partners``, ``degree_centrality``,
        ``local_link_value`` and the scores below.

    Raises
    ------
    InvalidParameterError
        If a table lacks a column, ``firm_id`` repeats, a value is negative or not a number,
        ``regions`` is empty, or an option is outside its domain.

    Notes
    -----
    Sourcing is seen two ways. *Inputs* are what a node's local firms buy (from any node);
    *purchases* are what the region's firms buy of the node's product. Dependence on abroad
    (卡脖子) is a property of the link supplied, so by default the status reads the purchases
    (``dependence_basis='purchases'``): that is the only view in which a node whose firms buy
    nothing upstream on the chain (EDA/IP, ore) can be found foreign-dependent.

    Chain-leader (链主) candidates are scored on three components, each a percentile rank
    among the chain's local firms (the share with a value at most the firm's; 0 for a value
    of 0): size (``revenue``), ``degree_centrality`` in the chain's local supply network
    (distinct local chain partners / (n - 1), as networkx's ``degree_centrality``; computed
    with a sparse adjacency matrix, networkx is not used), and ``local_partners`` (distinct
    local partners of any industry). ``score`` is their mean. The supplier HHI is
    :math:`\sum_s (v_s/V)^2` over the node's suppliers' value shares [1]_.

    References
    ----------
    .. [1] S. A. Rhoades, "The Herfindahl-Hirschman index", Federal Reserve Bulletin 79, 188-189, 1993.

    Examples
    --------
    >>> from clusterbrain.chain import parse_template
    >>> node = {"name_zh": "节点", "name_en": "Node", "kind": "component", "value_added": 1.0, "barrier": 2}
    >>> t = parse_template({"id": "mini", "name_zh": "链", "name_en": "Chain", "nodes": [
    ...     {**node, "id": "part", "stage": "upstream"}, {**node, "id": "car", "stage": "downstream"}],
    ...     "edges": [{"from": "part", "to": "car"}]})
    >>> firms = pd.DataFrame({"firm_id": ["a", "b", "c"], "region_id": ["L", "L", "X"],
    ...     "employees": [10, 10, 10], "revenue": [5, 5, 5], "country": ["CN", "CN", "JP"]})
    >>> assignments = pd.DataFrame({"firm_id": ["a", "b", "c"], "node_id": ["car", "car", "part"]})
    >>> links = pd.DataFrame({"supplier_id": ["c", "a"], "customer_id": ["a", "b"], "value": [3.0, 1.0]})
    >>> result = analyse_chain(t, firms, assignments, links, regions={"L"})
    >>> result.nodes[["node_id", "local_firms", "status"]].values.tolist()
    [['part', 0, 'missing'], ['car', 2, 'weak']]
    >>> result.local_supporting_rate, result.completeness
    (0.25, 0.5)
    """
    func = "analyse_chain"
    _check_template(template, func)
    region_set = as_regions(regions, func)
    _check_common(home_country, thresholds, func)
    check_scalar(min_confidence, "min_confidence", func, low=0, high=1)
    check_scalar(top_leaders, "top_leaders", func, integer=True, low=1)
    node_ids = pd.Index([n.id for n in template.nodes], name="node_id")

    f = firm_table(firms, region_set, home_country, func)
    a = assignment_table(assignments, node_ids, min_confidence, func).merge(f, on="firm_id", how="inner")
    lk = link_table(links, year, func)

    nodes = _template_frame(template)
    local, national = a[a["local"]], a[a["home"]]
    for prefix, part in (("local", local), ("national", national)):
        g = part.groupby("node_id")
        nodes[f"{prefix}_firms"] = g["firm_id"].nunique().reindex(node_ids, fill_value=0).to_numpy(dtype=int)
        nodes[f"{prefix}_employment"] = g["employees"].sum().reindex(node_ids, fill_value=0.0).to_numpy(dtype=float)
        nodes[f"{prefix}_revenue"] = g["revenue"].sum().reindex(node_ids, fill_value=0.0).to_numpy(dtype=float)
    chain_firms = f[f["firm_id"].isin(a["firm_id"])]
    chain_local = chain_firms.loc[chain_firms["local"], "employees"].sum()
    chain_national = chain_firms.loc[chain_firms["home"], "employees"].sum()
    region_share = chain_local / chain_national if chain_national > 0 else np.nan
    nodes["employment_share"] = nodes["local_employment"] / nodes["national_employment"].where(
        nodes["national_employment"] > 0
    )
    nodes["location_ratio"] = nodes["employment_share"] / region_share if region_share > 0 else np.nan

    lk = link_origins(lk, f, home_country, external_countries)
    bought = lk[lk["customer_id"].isin(f.loc[f["local"], "firm_id"])]
    pairs = local[["firm_id", "node_id"]]
    inputs = bought.merge(pairs, left_on="customer_id", right_on="firm_id")
    nodes = nodes.join(sourcing(inputs, node_ids, "input"), on="node_id")
    nodes = nodes.join(sourcing(purchases(bought, a, node_ids), node_ids, "purchase"), on="node_id")
    nodes = nodes.rename(
        columns={"purchase_sole_source": "sole_source", "purchase_foreign_sole_source": "foreign_sole_source"}
    )
    nodes["status"], nodes["status_reason"] = firm_status(nodes, thresholds)

    chain_inputs = bought[bought["customer_id"].isin(local["firm_id"])]
    total = float(chain_inputs["value"].sum())
    sourced = float(chain_inputs.loc[chain_inputs["origin"] == "local", "value"].sum())
    stages, region_va, national_va = smile_curve(nodes, "local_employment", "national_employment")
    return ChainAnalysis(
        template_id=template.id,
        basis="firms",
        regions=tuple(sorted(region_set)),
        home_country=home_country,
        thresholds=thresholds,
        nodes=nodes,
        leaders=chain_leaders(lk, f, local, top_leaders, node_ids),
        national_leaders=national_leaders(national, top_leaders, node_ids),
        stages=stages,
        local_supporting_rate=sourced / total if total > 0 else None,
        local_input_value=total,
        local_sourced_value=sourced,
        completeness=completeness(nodes, weighted=True),
        node_completeness=completeness(nodes, weighted=False),
        region_value_added=region_va,
        national_value_added=national_va,
        year=year,
    )


def analyse_chain_from_stats(
    template: ChainTemplate,
    stats: pd.DataFrame,
    /,
    *,
    regions: Collection[str],
    scheme: str,
    thresholds: StatusThresholds = StatusThresholds(),  # noqa: B008 - frozen, immutable
    year: int | None = None,
) -> ChainAnalysis:
    r"""Code-based chain analysis from region x industry statistics, for a region without firm data.

    Each node's activity is the value of the industries matching its codes in ``scheme``: an
    industry matches a node code when one is a prefix of the other (equal codes, a class under
    a node's division, or the division holding a node's class). With :math:`x_k` the focus
    regions' value in node :math:`k`, :math:`x` their total over all industries, and
    :math:`X_k, X` the same over every region in ``stats`` (the benchmark),

    .. math::

        LQ_k = \frac{x_k / x}{X_k / X}.

    Status: ``missing`` if :math:`x_k = 0` or :math:`LQ_k <` ``lq_missing``; ``weak`` if
    :math:`LQ_k <` ``weak_ratio``; ``strong`` if :math:`LQ_k \ge` ``strong_ratio``; else
    ``present`` (see :class:`StatusThresholds`).

    Parameters
    ----------
    template : ChainTemplate
        The chain; every node needs codes in ``scheme``.
    stats : DataFrame
        Long table ``region``, ``industry``, ``value`` (employment, say; optional ``year``),
        at one level of the classification (classes or divisions, not both).
    regions : collection of str
        The focus region ids.
    scheme : str
        The classification of ``stats`` (a key of the nodes' ``codes``, e.g. 'gbt4754_2017').
    thresholds : StatusThresholds
        The status rules.
    year : int, optional
        The year to use when ``stats`` has several.

    Returns
    -------
    ChainAnalysis
        ``basis='stats'``; ``nodes`` has the template fields, ``industries`` (matched codes),
        ``local_value``, ``national_value``, ``location_quotient``, ``status`` and
        ``status_reason``; no leaders; ``local_supporting_rate`` is None.

    Raises
    ------
    InvalidParameterError
        If ``stats`` lacks a column or holds a negative value, holds several years and no
        ``year`` is chosen, a node has no code in ``scheme``, or ``regions`` is empty.

    Notes
    -----
    The limits are listed in ``notes``: without firms and links nothing is known about
    sourcing, so no node can be ``foreign_dependent`` and there is no local supporting rate;
    nodes with the same codes (cells and packs in one class) get the same quotient; a node
    whose codes are finer than the statistics takes the whole coarser industry.

    Examples
    --------
    >>> from clusterbrain.chain import parse_template
    >>> node = {"name_zh": "节点", "name_en": "Node", "kind": "component", "value_added": 1.0, "barrier": 2}
    >>> t = parse_template({"id": "mini", "name_zh": "链", "name_en": "Chain", "nodes": [
    ...     {**node, "id": "part", "stage": "upstream", "codes": {"g": ["36"]}},
    ...     {**node, "id": "car", "stage": "downstream", "codes": {"g": ["38"]}}]})
    >>> stats = pd.DataFrame({"region": ["A", "A", "B", "B"], "industry": ["3610", "3810", "3610", "3810"],
    ...     "value": [30.0, 10.0, 10.0, 30.0]})
    >>> r = analyse_chain_from_stats(t, stats, regions={"A"}, scheme="g")
    >>> r.nodes[["node_id", "location_quotient", "status"]].values.tolist()
    [['part', 1.5, 'strong'], ['car', 0.5, 'present']]
    """
    func = "analyse_chain_from_stats"
    _check_template(template, func)
    region_set = as_regions(regions, func)
    _check_common("CN", thresholds, func)
    nodes = _template_frame(template).join(stats_nodes(template, stats, region_set, scheme, year, func), on="node_id")
    nodes["status"], nodes["status_reason"] = stats_status(nodes["local_value"], nodes["location_quotient"], thresholds)
    stages, region_va, national_va = smile_curve(nodes, "local_value", "national_value")
    empty = pd.DataFrame(columns=["node_id", "rank", "firm_id"])
    return ChainAnalysis(
        template_id=template.id,
        basis="stats",
        regions=tuple(sorted(region_set)),
        home_country=None,
        thresholds=thresholds,
        nodes=nodes,
        leaders=empty,
        national_leaders=empty.copy(),
        stages=stages,
        local_supporting_rate=None,
        local_input_value=0.0,
        local_sourced_value=0.0,
        completeness=completeness(nodes, weighted=True),
        node_completeness=completeness(nodes, weighted=False),
        region_value_added=region_va,
        national_value_added=national_va,
        year=year,
        notes=_STATS_LIMITS,
    )


def _check_template(template: Any, func: str) -> None:
    if not isinstance(template, ChainTemplate):
        raise InvalidParameterError(
            f"The 'template' parameter of {func} must be a ChainTemplate. Got {type(template).__name__} instead."
        )


def _check_common(home_country: Any, thresholds: Any, func: str) -> None:
    if not isinstance(home_country, str) or not home_country:
        raise InvalidParameterError(
            f"The 'home_country' parameter of {func} must be a non-empty str. Got {home_country!r} instead."
        )
    if not isinstance(thresholds, StatusThresholds):
        raise InvalidParameterError(
            f"The 'thresholds' parameter of {func} must be a StatusThresholds. Got {type(thresholds).__name__} instead."
        )


def _template_frame(template: ChainTemplate) -> pd.DataFrame:
    return pd.DataFrame(
        [(n.id, n.name_zh, n.name_en, n.stage, n.kind, n.value_added, n.barrier) for n in template.nodes],
        columns=list(_NODE_COLUMNS),
    )
