"""Where a region's purchases come from: other regions and foreign countries, as a sparse matrix."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from clusterbrain._json import plain
from clusterbrain.network._graph_build import FirmNetwork, firm_network

__all__ = ["RegionDependence", "firm_network", "region_dependence"]


@dataclass(frozen=True, eq=False)
class RegionDependence:
    """Where each region's purchases come from: ``value`` (regions × sources, sparse) and row ``shares``.

    ``rows`` are the customer regions; ``sources`` has per column ``kind`` (``region`` for a
    domestic supplier's region, ``country`` for a foreign supplier's country, ``unknown``)
    and ``source`` (the id).
    """

    rows: pd.Index
    sources: pd.DataFrame
    value: sparse.csr_array

    @property
    def shares(self) -> sparse.csr_array:
        """Row shares: each region's value per source divided by its total purchases."""
        total = np.asarray(self.value.sum(axis=1)).ravel()
        inv = np.divide(1.0, total, out=np.zeros_like(total), where=total > 0)
        return sparse.csr_array(sparse.diags_array(inv) @ self.value)

    def to_frame(self) -> pd.DataFrame:
        """Long table: ``region_id``, ``kind``, ``source``, ``value``, ``share`` (non-zero cells, largest share first)."""
        v = sparse.coo_array(self.value)
        total = np.asarray(self.value.sum(axis=1)).ravel()
        out = pd.DataFrame(
            {
                "region_id": self.rows.to_numpy()[v.row],
                "kind": self.sources["kind"].to_numpy()[v.col],
                "source": self.sources["source"].to_numpy()[v.col],
                "value": v.data,
                "share": v.data / total[v.row],
            }
        )
        return out.sort_values(["region_id", "share", "source"], ascending=[True, False, True], ignore_index=True)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data: the long table as records."""
        return {"cells": [{k: plain(v) for k, v in r.items()} for r in self.to_frame().to_dict("records")]}


def region_dependence(
    net: FirmNetwork,
    /,
    *,
    customers: Collection[str] | None = None,
    region_of: Mapping[str, str] | None = None,
) -> RegionDependence:
    r"""Share of each region's purchases bought from each region (its own included) and each foreign country.

    With the link-by-customer-region indicator :math:`C` (regions × links), the
    link-by-source indicator :math:`S` (links × sources) and link values :math:`v`,

    .. math::

        D = C \,\mathrm{diag}(v)\, S, \qquad d_{rk} = D_{rk} / \textstyle\sum_{k'} D_{rk'},

    so each row of shares sums to 1 for a region that buys anything. A supplier's source is
    its country when abroad (relative to the customer), ``unknown`` without a firm row,
    else its region. This is the regional view of import and inter-regional dependence in
    supply-network studies [1]_.

    Parameters
    ----------
    net : FirmNetwork
    customers : collection of str, optional
        Only the purchases of these firms.
    region_of : mapping of str to str, optional
        Maps a firm's ``region_id`` to the region it is counted in (e.g. county → province);
        an unmapped region stays itself.

    Returns
    -------
    RegionDependence

    References
    ----------
    .. [1] H. Inoue, Y. Todo, "Firm-level propagation of shocks through supply-chain networks",
       *Nature Sustainability* 2, 841-847, 2019.

    Examples
    --------
    >>> firms = pd.DataFrame({"firm_id": list("abc"), "region_id": ["R", "S", None],
    ...     "country": ["CN", "CN", "JP"]})
    >>> links = pd.DataFrame({"supplier_id": ["b", "c"], "customer_id": ["a", "a"], "value": [1.0, 3.0]})
    >>> region_dependence(firm_network(links, firms)).to_frame()[["region_id", "source", "share"]].values.tolist()
    [['R', 'JP', 0.75], ['R', 'S', 0.25]]
    """
    e = net.edges[net.mask(customers)[net.edges["customer"].to_numpy()]]
    region = net.firms["region_id"].astype("string")
    if region_of:
        region = region.map(pd.Series(dict(region_of), dtype="string")).fillna(region)
    s, c = e["supplier"].to_numpy(), e["customer"].to_numpy()
    c_region = region.to_numpy(dtype=object)[c]
    keep = pd.notna(c_region)
    kind = np.where(e["foreign"], "country", np.where(e["unknown"], "unknown", "region"))
    source = np.where(
        e["foreign"], net.firms["country"].to_numpy(dtype=object)[s], region.to_numpy(dtype=object)[s]
    ).astype(object)
    source = np.where(kind == "unknown", "unknown", source)
    kind = np.where((kind == "region") & pd.isna(source), "unknown", kind)
    source = np.where(pd.isna(source), "unknown", source)
    rows, r_code = np.unique(c_region[keep].astype(str), return_inverse=True)
    pairs = pd.MultiIndex.from_arrays([kind[keep], source[keep].astype(str)])
    col_code, cols = pd.factorize(pairs, sort=True)
    matrix = sparse.coo_array((e["value"].to_numpy()[keep], (r_code, col_code)), shape=(len(rows), len(cols))).tocsr()
    matrix.sum_duplicates()
    sources = pd.DataFrame({"kind": cols.get_level_values(0), "source": cols.get_level_values(1)})
    return RegionDependence(pd.Index(rows, name="region_id"), sources, matrix)
