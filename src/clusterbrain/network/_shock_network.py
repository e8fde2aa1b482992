"""The production network of the shock model: firms, input groups and supply links as sparse arrays."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from clusterbrain.exceptions import InvalidParameterError

__all__ = ["ProductionNetwork"]


def _codes(values: object, n: int, name: str, *, default: int | None = -1) -> np.ndarray:
    """Integer codes per firm (``-1`` = none), checked for length."""
    if values is None:
        return np.full(n, default, dtype=np.int32)
    out = np.asarray(values)
    if out.shape != (n,) or not np.issubdtype(out.dtype, np.integer):
        raise InvalidParameterError(f"'{name}' must be an integer array of length {n} (one code per firm).")
    if out.size and out.min() < -1:
        raise InvalidParameterError(f"'{name}' codes must be >= -1 (-1 = none). Got {int(out.min())}.")
    return out.astype(np.int32, copy=False)


def _amounts(values: object, n: int, name: str) -> np.ndarray | None:
    if values is None:
        return None
    out = np.asarray(values, dtype=np.float64)
    if out.shape != (n,) or not np.isfinite(out).all() or (out < 0).any():
        raise InvalidParameterError(f"'{name}' must be {n} finite non-negative numbers (one per firm).")
    return out


@dataclass(frozen=True, eq=False)
class ProductionNetwork:
    r"""Firms, their supply links and their input groups, stored for the daily shock model.

    Build it with :meth:`from_links`. Links are gathered into *input pairs* :math:`k = (c, g)`:
    the inputs of group :math:`g` (a chain node or product code) that customer :math:`c`
    buys, from one or several suppliers. Pairs are sorted by customer.

    Attributes
    ----------
    n_firms, n_links, n_pairs : int
        Sizes (links after merging duplicates and dropping self-loops and zero flows).
    output : ndarray of shape (n_firms,)
        Daily output :math:`x^0_i` before the shock; at least the firm's sales to other firms.
    capacity : ndarray of shape (n_firms,)
        Daily production capacity :math:`\bar x_i \ge x^0_i`.
    final_demand : ndarray of shape (n_firms,)
        Daily final demand :math:`f_i = x^0_i - \sum_j z_{ij}`.
    pair_customer, pair_group : ndarray of shape (n_pairs,)
        Customer and input group of each pair.
    pair_use : ndarray of shape (n_pairs,)
        Daily use :math:`R_k = \sum_{s} z_{s c}` of the pair's inputs before the shock.
    pair_weight : scipy.sparse.csr_array of shape (n_pairs, n_firms)
        :math:`w_{ks}`: share of supplier :math:`s` in pair :math:`k` before the shock
        (each row sums to 1); its stored entries are the links.
    firm_group, firm_region, firm_country : ndarray of shape (n_firms,)
        Integer codes of each firm's own node (the group of what it sells), region and
        country; ``-1`` = none.
    """

    n_firms: int
    output: np.ndarray
    capacity: np.ndarray
    final_demand: np.ndarray
    pair_customer: np.ndarray
    pair_group: np.ndarray
    pair_use: np.ndarray
    pair_weight: sp.csr_array
    firm_group: np.ndarray
    firm_region: np.ndarray
    firm_country: np.ndarray
    _cache: dict[str, object] = field(default_factory=dict, repr=False)

    @property
    def n_links(self) -> int:
        """Number of supply links (stored entries of :attr:`pair_weight`)."""
        return int(self.pair_weight.nnz)

    @property
    def n_pairs(self) -> int:
        """Number of input pairs (customer, group)."""
        return len(self.pair_customer)

    @classmethod
    def from_links(
        cls,
        supplier: np.ndarray,
        customer: np.ndarray,
        flow: np.ndarray,
        *,
        n_firms: int | None = None,
        group: np.ndarray | None = None,
        firm_group: np.ndarray | None = None,
        output: np.ndarray | None = None,
        capacity: np.ndarray | None = None,
        firm_region: np.ndarray | None = None,
        firm_country: np.ndarray | None = None,
    ) -> ProductionNetwork:
        r"""Build the network from integer-coded link arrays.

        Parameters
        ----------
        supplier, customer : array-like of int, shape (n_links,)
            Firm numbers ``0 .. n_firms-1`` of each link's ends.
        flow : array-like of float, shape (n_links,)
            Daily value :math:`z_{sc}` delivered on the link before the shock. Links with zero
            flow and self-loops are dropped; repeated (supplier, customer, group) links are added.
        n_firms : int, optional
            Number of firms (default: the largest firm number plus one).
        group : array-like of int, shape (n_links,), optional
            Input group of each link (chain node or product code). Default: the supplier's
            ``firm_group``, or, where that is ``-1``, a group of the supplier's own (no substitute).
        firm_group, firm_region, firm_country : array-like of int, shape (n_firms,), optional
            Codes of each firm's node, region and country; ``-1`` = none.
        output : array-like of float, shape (n_firms,), optional
            Daily output before the shock. It is raised where needed so that it covers both the
            firm's sales to other firms and its purchases:
            :math:`x^0_i = \max(x_i, \sum_j z_{ij}, \sum_j z_{ji})`; the rest of the output goes to
            final demand.
        capacity : array-like of float, shape (n_firms,), optional
            Daily capacity (default: the output, i.e. no spare capacity); raised to the output.

        Returns
        -------
        ProductionNetwork

        Raises
        ------
        InvalidParameterError
            If arrays differ in length, a firm number is out of range, or a flow is negative or not finite.

        Examples
        --------
        >>> net = ProductionNetwork.from_links([0, 1], [1, 2], [1.0, 2.0])
        >>> net.n_firms, net.n_links, net.output.tolist(), net.final_demand.tolist()
        (3, 2, [1.0, 2.0, 2.0], [0.0, 0.0, 2.0])
        """
        sup = np.asarray(supplier)
        cus = np.asarray(customer)
        val = np.asarray(flow, dtype=np.float64)
        if not (sup.shape == cus.shape == val.shape and sup.ndim == 1):
            raise InvalidParameterError(
                f"'supplier', 'customer' and 'flow' must be 1-D arrays of one length. "
                f"Got shapes {sup.shape}, {cus.shape} and {val.shape}."
            )
        if sup.size and not (np.issubdtype(sup.dtype, np.integer) and np.issubdtype(cus.dtype, np.integer)):
            raise InvalidParameterError("'supplier' and 'customer' must be integer firm numbers.")
        top = int(max(sup.max(initial=-1), cus.max(initial=-1))) + 1
        n = top if n_firms is None else int(n_firms)
        if sup.size and (min(sup.min(), cus.min()) < 0 or top > n):
            raise InvalidParameterError(f"firm numbers must lie in [0, {n}); got links up to firm {top - 1}.")
        if not np.isfinite(val).all() or (val < 0).any():
            raise InvalidParameterError("'flow' must be finite and non-negative on every link.")
        fgroup = _codes(firm_group, n, "firm_group")
        if group is None:
            grp = fgroup[sup].astype(np.int64)
        else:
            grp = np.asarray(group)
            if grp.shape != sup.shape or not np.issubdtype(grp.dtype, np.integer):
                raise InvalidParameterError("'group' must be an integer array with one code per link.")
            grp = grp.astype(np.int64)
        # A link without a group gets a group of its supplier's own: it has no substitute.
        n_named = int(max(grp.max(initial=-1), fgroup.max(initial=-1))) + 1
        grp = np.where(grp < 0, n_named + sup, grp)
        keep = (val > 0) & (sup != cus)
        sup, cus, val, grp = sup[keep].astype(np.int64), cus[keep].astype(np.int64), val[keep], grp[keep]

        # Pairs (customer, group), numbered in customer order.
        pair_key = cus * (n_named + n + 1) + grp
        keys, pair_of_link = np.unique(pair_key, return_inverse=True)
        pair_customer = (keys // (n_named + n + 1)).astype(np.int32)
        pair_group = (keys % (n_named + n + 1)).astype(np.int64)
        pair_group = np.where(pair_group >= n_named, -1, pair_group).astype(np.int32)
        flows = sp.csr_array((val, (pair_of_link, sup)), shape=(len(keys), n))
        flows.sum_duplicates()
        use = np.asarray(flows.sum(axis=1)).ravel()
        weight = sp.csr_array(
            (flows.data / np.repeat(use, np.diff(flows.indptr)), flows.indices.astype(np.int32), flows.indptr),
            shape=flows.shape,
        )
        sales = np.bincount(sup, weights=val, minlength=n)
        purchases = np.bincount(cus, weights=val, minlength=n)
        given = _amounts(output, n, "output")
        x0 = np.maximum(sales, purchases) if given is None else np.maximum.reduce([given, sales, purchases])
        cap = _amounts(capacity, n, "capacity")
        cap = x0.copy() if cap is None else np.maximum(cap, x0)
        return cls(
            n_firms=n,
            output=x0,
            capacity=cap,
            final_demand=np.maximum(x0 - sales, 0.0),
            pair_customer=pair_customer,
            pair_group=pair_group,
            pair_use=use,
            pair_weight=weight,
            firm_group=fgroup,
            firm_region=_codes(firm_region, n, "firm_region"),
            firm_country=_codes(firm_country, n, "firm_country"),
        )

    def pairs_per_firm(self) -> np.ndarray:
        """Number of input pairs of each firm (pairs are sorted by customer)."""
        if "pairs_per_firm" not in self._cache:
            self._cache["pairs_per_firm"] = np.bincount(self.pair_customer, minlength=self.n_firms)
        return self._cache["pairs_per_firm"]  # type: ignore[return-value]

    def transposed_weight(self) -> sp.csr_array:
        """:attr:`pair_weight` transposed, as CSR (suppliers by pairs), made once."""
        if "weight_t" not in self._cache:
            self._cache["weight_t"] = self.pair_weight.T.tocsr()
        return self._cache["weight_t"]  # type: ignore[return-value]

    def indicator(self, codes: str) -> sp.csr_array:
        """Sparse 0/1 matrix (codes by firms) of ``firm_group``, ``firm_region`` or ``firm_country``."""
        key = f"indicator_{codes}"
        if key not in self._cache:
            values = getattr(self, codes)
            has = np.flatnonzero(values >= 0)
            size = int(values.max(initial=-1)) + 1
            self._cache[key] = sp.csr_array((np.ones(len(has)), (values[has], has)), shape=(size, self.n_firms))
        return self._cache[key]  # type: ignore[return-value]
