"""The firm supply network as integer-coded firms and summed, value-weighted edges."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from clusterbrain.exceptions import InvalidParameterError

__all__ = ["FirmNetwork", "firm_network"]


@dataclass(frozen=True, eq=False)
class FirmNetwork:
    """Directed supply edges between firms, with the firms' region, country and chain node.

    ``firms`` has one row per firm code ``0 … n-1``: ``firm_id``, ``region_id``, ``country``
    (missing for a supplier with no firm row, whose origin is unknown), ``node_id`` (missing
    when not on a chain), ``known`` (has a firm row) and any other columns of the firm table.
    ``edges`` has one row per (supplier, customer, input node): integer codes ``supplier``,
    ``customer``, ``input`` (a code into ``node_ids``, -1 when unknown), the summed ``value``
    and ``foreign`` / ``unknown`` (supplier abroad relative to the customer's country /
    supplier of unknown country).
    """

    firms: pd.DataFrame
    edges: pd.DataFrame
    node_ids: pd.Index
    home_country: str
    index: pd.Index = field(init=False, repr=False)

    def __post_init__(self) -> None:
        """Index the firm ids once (object dtype: pandas' arrow strings are slow in ``isin``)."""
        object.__setattr__(self, "index", pd.Index(self.firms["firm_id"].to_numpy(dtype=object), dtype=object))

    @property
    def n_firms(self) -> int:
        """Number of firms (with or without a firm row)."""
        return len(self.firms)

    def adjacency(self) -> sparse.csr_array:
        """Value-weighted adjacency, shape (n_firms, n_firms): :math:`A_{sc}` = value supplier ``s`` sells ``c``."""
        e = self.edges
        n = self.n_firms
        a = sparse.coo_array((e["value"].to_numpy(), (e["supplier"].to_numpy(), e["customer"].to_numpy())), (n, n))
        return a.tocsr()

    def mask(self, firm_ids: Collection[str] | None) -> np.ndarray:
        """Boolean mask over firm codes of ``firm_ids`` (all firms when None)."""
        if firm_ids is None:
            return np.ones(self.n_firms, dtype=bool)
        return np.asarray(self.index.isin(list(firm_ids)), dtype=bool)


def firm_network(
    links: pd.DataFrame,
    firms: pd.DataFrame,
    /,
    *,
    nodes: Collection[str] | None = None,
    home_country: str = "CN",
) -> FirmNetwork:
    """Build the supply network of ``links`` among ``firms``.

    The input node of a link is its ``product`` when that is one of ``nodes``, else the
    supplier's ``node_id``. Rows of the same (supplier, customer, input node) are summed;
    self-links are dropped. A firm's missing country is read as ``home_country``; a supplier
    absent from ``firms`` has no region and no country (its origin is unknown, never foreign).

    Parameters
    ----------
    links : DataFrame
        ``supplier_id``, ``customer_id``, ``value`` (finite, ≥ 0); optional ``product``.
    firms : DataFrame
        ``firm_id`` (unique), ``region_id``, ``country``; optional ``node_id`` and any
        attributes (``name``, ``revenue``, ``lat``, ``lon`` …), carried along.
    nodes : collection of str, optional
        The chain node ids; by default the distinct ``node_id`` of ``firms``.
    home_country : str, default 'CN'
        Country of firms with no country.

    Returns
    -------
    FirmNetwork

    Raises
    ------
    InvalidParameterError
        If a column is missing, ``firm_id`` repeats or a value is negative or not a number.

    Examples
    --------
    >>> firms = pd.DataFrame({"firm_id": ["a", "b", "c"], "region_id": ["R", "R", None],
    ...     "country": ["CN", "CN", "JP"], "node_id": ["cell", "pack", "cell"]})
    >>> links = pd.DataFrame({"supplier_id": ["a", "c", "x"], "customer_id": ["b", "b", "b"],
    ...     "value": [3.0, 1.0, 1.0], "product": [None, None, "cell"]})
    >>> net = firm_network(links, firms)
    >>> net.n_firms, list(net.node_ids), net.edges["foreign"].tolist(), net.edges["unknown"].tolist()
    (4, ['cell', 'pack'], [False, True, False], [False, False, True])
    """
    func = "firm_network"
    _columns(links, "links", func, ("supplier_id", "customer_id", "value"))
    _columns(firms, "firms", func, ("firm_id", "region_id", "country"))
    if not isinstance(home_country, str) or not home_country:
        raise InvalidParameterError(
            f"The 'home_country' parameter of {func} must be a non-empty str. Got {home_country!r} instead."
        )
    repeated = firms["firm_id"].duplicated()
    if repeated.any():
        raise InvalidParameterError(
            f"The 'firm_id' column of {func} must be unique. Got {firms.loc[repeated, 'firm_id'].iloc[0]!r} twice."
        )
    value = pd.to_numeric(links["value"], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(value) | (value < 0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InvalidParameterError(
            f"The 'value' column of {func} must hold finite numbers >= 0. "
            f"Got {links['value'].tolist()[row]!r} in row {row} instead ({int(bad.sum())} such row(s))."
        )

    f = firms.reset_index(drop=True).copy()
    f["firm_id"] = f["firm_id"].astype(str)
    if "node_id" not in f:
        f["node_id"] = None
    f["country"] = f["country"].astype("string").fillna(home_country)
    f["known"] = True
    ids = pd.Index(f["firm_id"])
    sup = links["supplier_id"].astype(str)
    cus = links["customer_id"].astype(str)
    extra = pd.Index(pd.unique(pd.concat([sup, cus]).to_numpy())).difference(ids)
    if len(extra):
        f = pd.concat([f, pd.DataFrame({"firm_id": extra, "known": False})], ignore_index=True)
        f["known"] = f["known"].astype(bool)
    code = pd.Series(np.arange(len(f)), index=pd.Index(f["firm_id"]))

    node_ids = pd.Index(sorted(set(nodes) if nodes is not None else set(f["node_id"].dropna().astype(str))))
    node_code = pd.Series(np.arange(len(node_ids)), index=node_ids)
    s = code.reindex(sup).to_numpy()
    c = code.reindex(cus).to_numpy()
    of_supplier = f["node_id"].map(node_code).fillna(-1).to_numpy(dtype=np.int64)[s]
    product = links["product"].astype("string") if "product" in links else pd.Series(pd.NA, index=links.index)
    named = product.map(node_code).to_numpy(dtype=float)
    inp = np.where(np.isnan(named), of_supplier, np.nan_to_num(named, nan=-1)).astype(np.int64)

    e = pd.DataFrame({"supplier": s, "customer": c, "input": inp, "value": value})
    e = e[e["supplier"] != e["customer"]]
    e = e.groupby(["supplier", "customer", "input"], sort=True)["value"].sum().reset_index()
    country = f["country"].to_numpy(dtype=object)
    s_country = pd.Series(country[e["supplier"].to_numpy()])
    c_country = pd.Series(country[e["customer"].to_numpy()]).fillna(home_country)
    e["unknown"] = s_country.isna().to_numpy()
    e["foreign"] = (~e["unknown"] & (s_country != c_country)).to_numpy()
    return FirmNetwork(f, e.reset_index(drop=True), node_ids, home_country)


def _columns(value: Any, name: str, func: str, required: tuple[str, ...]) -> None:
    if not isinstance(value, pd.DataFrame):
        raise InvalidParameterError(
            f"The '{name}' parameter of {func} must be a pandas DataFrame. Got {type(value).__name__} instead."
        )
    lacking = [c for c in required if c not in value.columns]
    if lacking:
        raise InvalidParameterError(
            f"The '{name}' parameter of {func} must have the columns {', '.join(required)}. "
            f"Got {', '.join(map(str, value.columns)) or 'no columns'} instead (missing: {', '.join(lacking)})."
        )
