"""Chain-leader (链主) candidates of a region and the national leaders of each node."""

from __future__ import annotations

import numpy as np
import pandas as pd

from clusterbrain.chain._sourcing import local_degrees

__all__ = ["chain_leaders", "national_leaders"]


def _percentile(values: pd.Series) -> pd.Series:
    """Share of values at most each one; 0 where the value is 0 (no size, no partner)."""
    return values.rank(method="max", pct=True).where(values > 0, 0.0)


def chain_leaders(
    links: pd.DataFrame, firms: pd.DataFrame, local: pd.DataFrame, top: int, node_ids: pd.Index
) -> pd.DataFrame:
    """The ``top`` local firms of each node by score, with every score component.

    ``firms`` is the firm table (``local`` flag), ``local`` the (firm_id, node_id) pairs of
    local firms. Components are percentile ranks among the chain's local firms: revenue
    (``size_score``), ``degree_centrality`` (``centrality_score``) and ``local_partners``
    (``partners_score``); ``score`` is their mean.
    """
    chain_ids = pd.Index(local["firm_id"].unique())
    table = firms.set_index("firm_id").loc[chain_ids, ["name", "region_id", "employees", "revenue"]]
    table = table.join(local_degrees(links, pd.Index(firms.loc[firms["local"], "firm_id"]), chain_ids))
    table["size_score"] = _percentile(table["revenue"])
    table["centrality_score"] = _percentile(table["degree_centrality"])
    table["partners_score"] = _percentile(table["local_partners"].astype(float))
    table["score"] = table[["size_score", "centrality_score", "partners_score"]].mean(axis=1)
    out = local[["node_id", "firm_id"]].join(table, on="firm_id")
    return _rank(out, ["score", "revenue"], top, node_ids)


def national_leaders(national: pd.DataFrame, top: int, node_ids: pd.Index) -> pd.DataFrame:
    """The ``top`` home-country firms of each node by revenue (then employees)."""
    cols = ["node_id", "firm_id", "name", "region_id", "country", "employees", "revenue", "local"]
    return _rank(national[cols], ["revenue", "employees"], top, node_ids)


def _rank(table: pd.DataFrame, by: list[str], top: int, node_ids: pd.Index) -> pd.DataFrame:
    """The ``top`` rows of each node by ``by`` (descending; firm id breaks ties), nodes in template order."""
    position = pd.Series(np.arange(len(node_ids)), index=node_ids)
    ordered = table.assign(_node=table["node_id"].map(position))
    ordered = ordered.sort_values(["_node", *by, "firm_id"], ascending=[True] + [False] * len(by) + [True])
    ordered = ordered.groupby("node_id", sort=False).head(top).drop(columns="_node")
    ordered.insert(1, "rank", ordered.groupby("node_id").cumcount() + 1)
    return ordered.reset_index(drop=True)
