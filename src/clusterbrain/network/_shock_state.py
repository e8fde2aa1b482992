r"""Stocks and orders of the input pairs of a batch of scenarios, kept per customer while they agree.

Before any supplier of a pair falls short, the pair has received exactly what it ordered every
day, so its stock and order (in days of use) equal those of every other such pair of the same
customer: one value per customer and scenario holds them all (*clean* pairs). A pair becomes
*dirty* in a scenario on the first day one of its suppliers fills less than all its orders;
from then on it has its own stock and order (an *entry*). A random shock of a few firms makes
a few hundred pairs dirty out of hundreds of thousands, while the demand side, through smaller
orders, moves every firm a little: the daily work is then over firms and the firm-to-firm flow
matrix, plus the few entries. Once the entries exceed ``dense_share`` of the pairs, every pair
becomes an entry (*dense*) and the work is over pairs, with no bookkeeping.

Demand on supplier :math:`s` in scenario :math:`b`:

.. math::

    D_{sb} = f_s + \sum_c Z_{sc}\, O^{\mathrm{clean}}_{cb}
        + \sum_{(k,b)\ \mathrm{dirty}} \sum_{e \in k,\ s_e = s} z_e \bigl(O_{kb} - O^{\mathrm{clean}}_{c_k b}\bigr).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from clusterbrain.network._shock_network import ProductionNetwork

__all__ = ["PairState"]

_EPS = 1e-9


def _expand(indptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For CSR rows ``rows``: the position in ``rows`` and the stored-entry index of each of their entries."""
    lo = indptr[rows]
    lens = indptr[rows + 1] - lo
    owner = np.repeat(np.arange(len(rows)), lens)
    index = np.arange(int(lens.sum())) + np.repeat(lo - (np.cumsum(lens) - lens), lens)
    return owner, index


class PairState:
    """Pair stocks and orders of ``batch`` scenarios; firm ``c`` of scenario ``b`` is the slot ``c * batch + b``.

    With Leontief production, the clean stock of a customer without clean pairs is infinite
    (it never binds) and its clean order zero.
    """

    def __init__(
        self,
        net: ProductionNetwork,
        st: Any,
        stock_days: np.ndarray,
        batch: int,
        dtype: Any,
        *,
        linear: bool,
        dense: bool,
        dense_share: float,
    ) -> None:
        """Start at the steady state: stock = the customer's target days, order = one day of use."""
        n, self.batch, self.dtype, self.linear = net.n_firms, batch, dtype, linear
        self.net, self.st = net, st
        self.weight = st.weight32 if dtype is np.float32 else net.pair_weight
        self.firm_flow_t = st.firm_flow_t32 if dtype is np.float32 else st.firm_flow_t
        self.limit_entries = dense_share * net.n_pairs * batch
        self.clean_stock = np.repeat(stock_days[:, None], batch, axis=1).astype(dtype)
        if not linear:
            self.clean_stock[~st.buyers] = np.inf
        self.clean_orders = np.ones((n, batch), dtype=dtype)
        self.has_clean = np.repeat(st.buyers[:, None], batch, axis=1)
        self.dirty_count = np.zeros((n, batch), dtype=np.int32)
        self.marked = np.zeros(n * batch, dtype=bool)  # (supplier, scenario) slots whose pairs are all dirty
        self.entry_of = np.full(net.n_pairs * batch, -1, dtype=np.int64)
        self.pair = np.zeros(0, dtype=np.int64)  # pair of each entry
        self.slot = np.zeros(0, dtype=np.int64)  # customer slot of each entry
        self.stock = np.zeros(0, dtype=dtype)
        self.orders = np.zeros(0, dtype=dtype)
        # Links of the entries: owning entry, link index (into the weight's stored entries), supplier slot.
        self.link_owner = self.link_index = self.link_slot = np.zeros(0, dtype=np.int64)
        # Entries of pairs with several suppliers (sorted); their links: position in `multi`, index, slot.
        self.multi = self.multi_pos = self.multi_index = self.multi_slot = np.zeros(0, dtype=np.int64)
        self._suppliers: tuple[np.ndarray, np.ndarray] | None = None  # unique multi_slot and inverse
        self.dense = False
        if dense:
            self._densify()

    @property
    def n_entries(self) -> int:
        """Number of (pair, scenario) entries with a state of their own."""
        return len(self.stock)

    # -- dirty bookkeeping -------------------------------------------------------------------------

    def _links(self, pair: np.ndarray, col: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Links of the given (pair, scenario) entries: position of the entry, link index, supplier slot."""
        owner, index = _expand(self.weight.indptr, pair)
        return owner, index, self.weight.indices[index].astype(np.int64) * self.batch + col[owner]

    def _add_entries(self, pair: np.ndarray, col: np.ndarray) -> None:
        first = self.n_entries
        customer = self.net.pair_customer[pair].astype(np.int64)
        slot = customer * self.batch + col
        self.entry_of[pair * self.batch + col] = np.arange(first, first + len(pair))
        self.pair = np.concatenate([self.pair, pair])
        self.slot = np.concatenate([self.slot, slot])
        self.stock = np.concatenate([self.stock, self.clean_stock.ravel()[slot]])
        self.orders = np.concatenate([self.orders, self.clean_orders.ravel()[slot]])
        counts = self.dirty_count.ravel()
        np.add.at(counts, slot, 1)
        clean = counts[slot] < self.st.counts[customer]
        self.has_clean.ravel()[slot] = clean
        if not self.linear:
            self.clean_stock.ravel()[slot[~clean]] = np.inf
        owner, index, lslot = self._links(pair, col)
        self.link_owner = np.concatenate([self.link_owner, owner + first])
        self.link_index = np.concatenate([self.link_index, index])
        self.link_slot = np.concatenate([self.link_slot, lslot])
        multi = self.st.link_counts[pair] > 1
        self._add_multi(np.arange(first, self.n_entries)[multi], pair[multi], col[multi])

    def _add_multi(self, entries: np.ndarray, pair: np.ndarray, col: np.ndarray) -> None:
        if not entries.size:
            return
        owner, index, lslot = self._links(pair, col)
        self.multi_pos = np.concatenate([self.multi_pos, owner + len(self.multi)])
        self.multi_index = np.concatenate([self.multi_index, index])
        self.multi_slot = np.concatenate([self.multi_slot, lslot])
        self.multi = np.concatenate([self.multi, entries])
        self._suppliers = None

    def _densify(self) -> None:
        """Give every pair its own state, entries in pair-major order (entry ``k * batch + b``)."""
        b, n_pairs = self.batch, self.net.n_pairs
        slot = np.repeat(self.net.pair_customer.astype(np.int64) * b, b) + np.tile(np.arange(b), n_pairs)
        stock = self.clean_stock.ravel()[slot]
        orders = self.clean_orders.ravel()[slot]
        own = np.flatnonzero(self.entry_of >= 0)
        stock[own] = self.stock[self.entry_of[own]]
        orders[own] = self.orders[self.entry_of[own]]
        self.dense = True
        self.stock, self.orders = stock, orders
        self.pair = self.slot = self.entry_of = np.zeros(0, dtype=np.int64)
        self.link_owner = self.link_index = self.link_slot = np.zeros(0, dtype=np.int64)
        self.multi = self.multi_pos = self.multi_index = self.multi_slot = np.zeros(0, dtype=np.int64)
        self.has_clean[:] = False
        pair = np.repeat(self.st.multi, b)
        col = np.tile(np.arange(b), len(self.st.multi))
        self._add_multi(pair * b + col, pair, col)

    def mark(self, short: np.ndarray) -> None:
        """Make dirty the pairs of every (supplier, scenario) slot in ``short`` (flat indices)."""
        if self.dense:
            return
        short = short[~self.marked[short]]
        if not short.size:
            return
        self.marked[short] = True
        b = self.batch
        wt = self.st.weight_t
        owner, index = _expand(wt.indptr, short // b)
        key = wt.indices[index].astype(np.int64) * b + (short % b)[owner]
        key = np.unique(key[self.entry_of[key] < 0])
        if not key.size:
            return
        if self.n_entries + key.size > self.limit_entries:
            self._densify()
        else:
            self._add_entries(key // b, key % b)

    # -- daily steps -------------------------------------------------------------------------------

    def limit(self, scale: np.ndarray, out: np.ndarray) -> None:
        """Output the inputs allow: :meth:`days_left` times ``scale`` (per firm), into ``out``."""
        if self.dense or self.linear:
            np.multiply(self.days_left(), scale, out=out)
            return
        np.multiply(self.clean_stock, scale, out=out)
        if self.n_entries:
            np.minimum.at(out.ravel(), self.slot, self.stock * scale.ravel()[self.slot // self.batch])

    def days_left(self) -> np.ndarray:
        """Days of production the inputs allow: the scarcest pair (Leontief) or the use-weighted mean (linear).

        Shape (n_firms, batch); ``inf`` for firms without inputs.
        """
        st, n, b = self.st, self.net.n_firms, self.batch
        if self.dense:
            out = np.full((n, b), np.inf, dtype=self.dtype)
            if st.starts.size:
                stock = self.stock.reshape(-1, b)
                if self.linear:
                    out[st.buyers] = np.add.reduceat(stock * st.theta[:, None], st.starts, axis=0)
                else:
                    out[st.buyers] = np.minimum.reduceat(stock, st.starts, axis=0)
            return out
        if self.linear:
            out = np.where(self.has_clean, self.clean_stock, 0.0).astype(self.dtype)
            if self.n_entries:
                gap = st.theta[self.pair] * (self.stock - out.ravel()[self.slot])
                np.add.at(out.ravel(), self.slot, gap.astype(self.dtype))
            return np.where(st.buyers[:, None], out, np.inf).astype(self.dtype)
        out = self.clean_stock.copy()
        np.minimum.at(out.ravel(), self.slot, self.stock)
        return out

    def received(self, filled: np.ndarray, any_short: bool) -> np.ndarray:
        """Deliveries of the entries, in days of use, when every supplier fills the share ``filled`` of its orders."""
        if not any_short:
            return self.orders.copy()
        if self.dense:
            share = filled[self.st.pair_supplier]  # one-supplier pairs (weight 1)
            if self.st.multi.size:
                share[self.st.multi] = self.st.multi_weight @ filled
            return self.orders * share.ravel()
        share = self.weight.data[self.link_index] * filled.ravel()[self.link_slot]
        return self.orders * np.bincount(self.link_owner, share, minlength=self.n_entries).astype(self.dtype)

    def substitute(self, received: np.ndarray, x: np.ndarray, producible: np.ndarray) -> None:
        """Cover the shortfall of multi-supplier pairs from their other suppliers' spare capacity.

        Updates ``received`` and ``x`` (the extra output) in place.
        """
        m = self.multi
        if not m.size:
            return
        use = self.net.pair_use[self.pair_of(m)]
        short = use * np.maximum(self.orders[m] - received[m], 0.0)
        if short.max(initial=0.0) <= 0:
            return
        if self._suppliers is None:
            self._suppliers = np.unique(self.multi_slot, return_inverse=True)
        suppliers, which = self._suppliers
        xf, pf = x.ravel(), producible.ravel()
        spare = pf[suppliers] - xf[suppliers]
        able = spare > _EPS * self.net.capacity[suppliers // self.batch]
        if not able.any():
            return
        pos, w = self.multi_pos, self.weight.data[self.multi_index] * able[which]
        reach = np.bincount(pos, w, minlength=len(m))
        asked = np.divide(short, reach, out=np.zeros_like(short), where=reach > 0)
        request = np.bincount(which, w * asked[pos], minlength=len(suppliers))
        granted = np.divide(spare, request, out=np.zeros_like(request), where=request > 0)
        np.minimum(granted, 1.0, out=granted)
        received[m] += (
            asked * np.bincount(pos, self.weight.data[self.multi_index] * granted[which], minlength=len(m)) / use
        )
        xf[suppliers] += request * granted

    def pair_of(self, entries: np.ndarray) -> np.ndarray:
        """Pair of each entry."""
        return entries // self.batch if self.dense else self.pair[entries]

    def _per_entry(self, firm_values: np.ndarray) -> np.ndarray:
        if self.dense:
            return np.repeat(firm_values, self.st.counts, axis=0).ravel()
        return firm_values.ravel()[self.slot]

    def use(self, days: np.ndarray) -> None:
        """Take a day's use out of every stock (``days`` per customer slot, in days of use)."""
        self.stock -= self._per_entry(days)
        if not self.dense:
            self.clean_stock -= days

    def scale(self, factor: np.ndarray) -> None:
        """Multiply every stock by its customer's ``factor`` (linear production)."""
        self.stock *= self._per_entry(factor)
        if not self.dense:
            self.clean_stock *= factor

    def receive(self, received: np.ndarray) -> None:
        """Add the day's deliveries (clean pairs receive their orders)."""
        self.stock += received
        if not self.dense:
            self.clean_stock += self.clean_orders

    def min_stock(self) -> float:
        """Lowest stock of any pair."""
        low = float(self.stock.min(initial=np.inf))
        if not self.dense and self.has_clean.any():
            low = min(low, float(self.clean_stock[self.has_clean].min()))
        return low

    def clip(self) -> None:
        """Stocks cannot fall under zero (rounding)."""
        np.maximum(self.stock, 0.0, out=self.stock)
        if not self.dense:
            np.maximum(self.clean_stock, 0.0, out=self.clean_stock)

    def order(self, target: np.ndarray, slack: Any) -> None:
        """Tomorrow's orders: ``target`` per customer slot minus ``slack`` times the stock, at least zero."""
        self.orders = self._per_entry(target)
        self.orders -= self.stock * slack
        np.maximum(self.orders, 0.0, out=self.orders)
        if not self.dense:
            np.multiply(self.clean_stock, slack, out=self.clean_orders)
            np.subtract(target, self.clean_orders, out=self.clean_orders)
            np.maximum(self.clean_orders, 0.0, out=self.clean_orders)

    def demand(self) -> np.ndarray:
        """Firm orders on each supplier slot, shape (n_firms, batch)."""
        st, b = self.st, self.batch
        if self.dense:
            flow_t = st.flow_t32 if self.dtype is np.float32 else st.flow_t
            return (flow_t @ self.orders.reshape(-1, b)).astype(self.dtype, copy=False)
        out = self.firm_flow_t @ self.clean_orders
        if self.n_entries:
            gap = (self.orders - self.clean_orders.ravel()[self.slot])[self.link_owner] * st.link_flow[self.link_index]
            np.add.at(out.ravel(), self.link_slot, gap.astype(self.dtype))
        return out

    def pair_stock(self, pairs: np.ndarray) -> np.ndarray:
        """Stock of the given pairs in scenario 0."""
        if self.dense:
            return self.stock[pairs * self.batch]
        own = self.entry_of[pairs * self.batch]
        clean = self.clean_stock[self.net.pair_customer[pairs], 0]
        return np.where(own >= 0, self.stock[np.maximum(own, 0)], clean) if self.n_entries else clean


def firm_flow_transposed(net: ProductionNetwork, link_flow: np.ndarray) -> sp.csr_array:
    r""":math:`Z^\top`: suppliers by customers, the flows of the pair links added per firm pair."""
    w = net.pair_weight
    customer = np.repeat(net.pair_customer, np.diff(w.indptr))
    return sp.csr_array((link_flow, (w.indices, customer)), shape=(net.n_firms, net.n_firms))
