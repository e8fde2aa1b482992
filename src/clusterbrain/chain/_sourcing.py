"""Where supply comes from: origin of each link, sourcing shares and concentration per node, local network degree."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import sparse

__all__ = ["ORIGINS", "link_origins", "local_degrees", "purchases", "sourcing"]

ORIGINS = ("local", "domestic", "abroad")
"""Origin classes of a supplier: in the focus regions, elsewhere in the home country, abroad."""


def link_origins(
    links: pd.DataFrame, firms: pd.DataFrame, home_country: str, external_countries: Mapping[str, str] | None
) -> pd.DataFrame:
    """Add ``origin`` (local / domestic / abroad) and ``origin_unknown`` to each link.

    ``firms`` holds ``firm_id``, ``local`` (bool) and ``country`` (missing read as the home
    country). A supplier not in ``firms`` takes its country from ``external_countries``; one
    with no known country counts as domestic and is flagged ``origin_unknown``.
    """
    where = firms.set_index("firm_id")[["local", "country"]]
    sup = links["supplier_id"]
    known = sup.isin(where.index)
    local = sup.map(where["local"]).fillna(False).astype(bool)
    country = sup.map(where["country"].fillna(home_country))
    if external_countries:
        country = country.where(known, sup.map(pd.Series(dict(external_countries), dtype=object)))
    abroad = ~local & country.notna() & (country != home_country)
    out = links.copy()
    out["origin"] = np.where(local, "local", np.where(abroad, "abroad", "domestic"))
    out["origin_unknown"] = ~local & country.isna()
    return out


def sourcing(flows: pd.DataFrame, node_ids: pd.Index, prefix: str) -> pd.DataFrame:
    r"""Sourcing of each node from its flows (rows with ``node_id``, ``supplier_id``, ``value``, ``origin``).

    Columns, each prefixed: ``value`` (sum), ``local_share``, ``domestic_share``,
    ``abroad_share``, ``unknown_share`` (part of domestic whose origin is unknown),
    ``suppliers`` (distinct), ``hhi`` (Herfindahl-Hirschman index of supplier value shares,
    :math:`\sum_s (v_s / V)^2`), ``top_foreign_share`` (share of the largest supplier abroad),
    ``sole_source`` (one supplier) and ``foreign_sole_source`` (one supplier, abroad). Shares
    and HHI are NaN for a node with nothing bought.
    """
    total = flows.groupby("node_id")["value"].sum()
    by_origin = flows.pivot_table(index="node_id", columns="origin", values="value", aggfunc="sum", fill_value=0.0)
    by_origin = by_origin.reindex(columns=list(ORIGINS), fill_value=0.0)
    unknown = flows.loc[flows["origin_unknown"]].groupby("node_id")["value"].sum()
    per_supplier = flows.groupby(["node_id", "supplier_id"])["value"].sum()
    share = per_supplier / per_supplier.groupby(level="node_id").transform("sum")
    hhi = (share**2).groupby(level="node_id").sum()
    suppliers = per_supplier.groupby(level="node_id").size()
    # A supplier's origin is a property of the supplier, so its value is all of one origin.
    foreign = flows.loc[flows["origin"] == "abroad"].groupby(["node_id", "supplier_id"])["value"].sum()
    top_foreign = foreign.groupby(level="node_id").max()
    out = pd.DataFrame(index=node_ids)
    out["value"] = total.reindex(node_ids, fill_value=0.0).astype(float)
    bought = out["value"].where(out["value"] > 0)
    for origin in ORIGINS:
        out[f"{origin}_share"] = by_origin[origin].reindex(node_ids, fill_value=0.0) / bought
    out["unknown_share"] = unknown.reindex(node_ids, fill_value=0.0) / bought
    out["suppliers"] = suppliers.reindex(node_ids, fill_value=0).astype(int)
    out["hhi"] = hhi.reindex(node_ids).where(bought.notna())
    out["top_foreign_share"] = top_foreign.reindex(node_ids, fill_value=0.0) / bought
    out["sole_source"] = out["suppliers"] == 1
    out["foreign_sole_source"] = out["sole_source"] & (out["abroad_share"] == 1.0)
    return out.add_prefix(f"{prefix}_")


def local_degrees(links: pd.DataFrame, local_ids: pd.Index, chain_ids: pd.Index) -> pd.DataFrame:
    """Degrees of local firms in the local supply network, by sparse adjacency.

    The network is undirected: firms are the local firms ``local_ids``, and two firms are
    partners when a link joins them in either direction (self-links dropped). Returns, indexed
    by ``chain_ids`` (local firms of the chain, a subset of ``local_ids``):

    - ``local_partners``: distinct local partners of any industry;
    - ``degree_centrality``: distinct partners among the chain's local firms divided by
      :math:`n - 1`, with :math:`n` the number of the chain's local firms (networkx's
      ``degree_centrality`` on the chain's local network);
    - ``local_link_value``: value of the links with local partners (weighted degree).
    """
    code = pd.Series(np.arange(len(local_ids)), index=local_ids)
    s = links["supplier_id"].map(code)
    c = links["customer_id"].map(code)
    keep = s.notna() & c.notna() & (s != c)
    i = s[keep].to_numpy(dtype=np.int64)
    j = c[keep].to_numpy(dtype=np.int64)
    v = links.loc[keep, "value"].to_numpy(dtype=float)
    n = len(local_ids)
    # Symmetric: a supplier and its customer are each other's partners. Duplicates (years,
    # products) sum into one entry, so the structure counts distinct partners.
    rows_ij, cols_ij = np.r_[i, j], np.r_[j, i]
    weights = sparse.coo_array((np.r_[v, v], (rows_ij, cols_ij)), shape=(n, n)).tocsr()
    weights.sum_duplicates()
    binary = sparse.coo_array((np.ones(len(rows_ij)), (rows_ij, cols_ij)), shape=(n, n)).tocsr()
    binary.sum_duplicates()
    binary.data[:] = 1.0  # a partner counts once however many links (years, products) join them
    in_chain = np.zeros(n)
    in_chain[code.reindex(chain_ids).to_numpy(dtype=np.int64)] = 1.0
    rows = code.reindex(chain_ids).to_numpy(dtype=np.int64)
    n_chain = len(chain_ids)
    chain_partners = (binary @ in_chain)[rows]
    return pd.DataFrame(
        {
            "local_partners": np.asarray(binary.sum(axis=1)).ravel()[rows].astype(int),
            "degree_centrality": chain_partners / (n_chain - 1) if n_chain > 1 else np.zeros(n_chain),
            "local_link_value": np.asarray(weights.sum(axis=1)).ravel()[rows],
        },
        index=chain_ids,
    )


def purchases(bought: pd.DataFrame, assigned: pd.DataFrame, node_ids: pd.Index) -> pd.DataFrame:
    """Local purchases by the node supplied: the link's ``product`` if it is a node, else the supplier's node(s)."""
    if "product" not in bought:
        bought = bought.assign(product=None)
    by_product = bought["product"].isin(node_ids)
    named = bought[by_product].rename(columns={"product": "node_id"})
    rest = bought[~by_product].drop(columns="product")
    inferred = rest.merge(assigned[["firm_id", "node_id"]], left_on="supplier_id", right_on="firm_id")
    return pd.concat([named, inferred.drop(columns="firm_id")], ignore_index=True)
