"""Hypothetical extraction of sectors and of single input coefficients (key sectors, key links)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd

from clusterbrain.network._sector_table import (
    IOTable,
    allocation_coefficients,
    factor,
    leontief_inverse,
    technical_coefficients,
)

__all__ = ["Extraction", "KeyLinks", "hypothetical_extraction", "key_links", "sector_extractions"]


@dataclass(frozen=True, eq=False)
class Extraction:
    """Output lost when a set of sectors is hypothetically extracted (see :func:`hypothetical_extraction`).

    ``total``, ``backward`` and ``forward`` are losses of total gross output in the table's
    unit; ``*_share`` divide them by total output. ``delta_x`` is the loss by sector of the
    total extraction.
    """

    sectors: tuple[str, ...]
    total_output: float
    total: float
    backward: float
    forward: float
    delta_x: np.ndarray

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        out = float(self.total_output)
        return {
            "sectors": list(self.sectors),
            "total_output": out,
            "total": float(self.total),
            "backward": float(self.backward),
            "forward": float(self.forward),
            "total_share": float(self.total) / out,
            "backward_share": float(self.backward) / out,
            "forward_share": float(self.forward) / out,
        }


def hypothetical_extraction(table: IOTable, sectors: str | Sequence[str]) -> Extraction:
    r"""Gross output lost when sectors are hypothetically extracted from the economy.

    For the set :math:`S` of extracted sectors (Miller & Lahr 2001; Miller & Blair 2009, ch. 12):

    - **total**: the sectors neither buy intermediate inputs from nor sell them to any sector
      (rows and columns :math:`S` of :math:`A` set to zero, intra-sector flows included),
      final demand unchanged: :math:`\bar{x} = (I - \bar{A})^{-1} f`,
      :math:`T = \iota^\top (x - \bar{x})`;
    - **backward** (Dietzenbacher, van der Linden & Steenge 1993): only the columns
      :math:`S` of :math:`A` are zeroed — the sectors buy their inputs elsewhere (imports)
      — demand-driven;
    - **forward**: only the rows :math:`S` of the allocation matrix :math:`B` are zeroed —
      the sectors' outputs stop feeding the others — supply-driven (Ghosh):
      :math:`\bar{x}^\top = w^\top (I - \bar{B})^{-1}`.

    The three measures are not additive: the total extraction is one counterfactual, not
    the sum of the other two (Dietzenbacher & Lahr 2013).

    Parameters
    ----------
    table : IOTable
    sectors : str or sequence of str
        Code(s) of the sectors to extract together.

    Returns
    -------
    Extraction

    Raises
    ------
    InvalidParameterError
        If a code is unknown, or an extracted system is singular.

    Examples
    --------
    >>> t = IOTable([[150, 500], [200, 100]], [1000, 2000], codes=["agri", "manu"])
    >>> e = hypothetical_extraction(t, "agri")
    >>> round(e.total, 4), round(e.backward, 4), round(e.forward, 4)
    (860.5263, 413.1579, 728.9474)

    References
    ----------
    Miller, R. E. & Lahr, M. L. (2001). A taxonomy of extractions. In M. L. Lahr & R. E. Miller
    (eds.), *Regional Science Perspectives in Economic Analysis*, Elsevier, 407–441.
    Dietzenbacher, E. & Lahr, M. L. (2013). Expanding extractions. *Economic Systems Research*
    25(3), 341–360. Dietzenbacher, E., van der Linden, J. A. & Steenge, A. E. (1993). The
    regional extraction method: EC input–output comparisons. *Economic Systems Research* 5(2),
    185–206. Miller & Blair (2009), ch. 12.
    """
    where = table.index(sectors)
    x, f, n = table.output, cast(np.ndarray, table.final_demand), table.n
    a = technical_coefficients(table).copy()
    a[:, where] = 0.0
    backward = np.linalg.solve(_checked(np.eye(n) - a), f)
    a[where, :] = 0.0
    total = np.linalg.solve(_checked(np.eye(n) - a), f)
    b = allocation_coefficients(table).copy()
    b[where, :] = 0.0
    forward = np.linalg.solve(_checked(np.eye(n) - b).T, table.primary_inputs)
    out = float(x.sum())
    return Extraction(
        sectors=tuple(table.codes[i] for i in where),
        total_output=out,
        total=out - float(total.sum()),
        backward=out - float(backward.sum()),
        forward=out - float(forward.sum()),
        delta_x=x - total,
    )


def _checked(matrix: np.ndarray) -> np.ndarray:
    factor(matrix, "of the extracted system")
    return matrix


def sector_extractions(table: IOTable) -> pd.DataFrame:
    r"""Hypothetical extraction of every sector on its own, in closed form.

    With :math:`L = (I - A)^{-1}`, output multipliers :math:`m_j = \sum_i l_{ij}` and
    :math:`x = Lf`, removing one row and/or column is a rank-one (or, for both, a
    Schur-complement) update of :math:`L`, so every sector's extraction follows from
    :math:`L` at once (derived with Sherman & Morrison 1950; agrees with
    :func:`hypothetical_extraction`):

    .. math::

        T_j = \frac{m_j x_j}{l_{jj}} - f_j, \qquad
        BL_j = \frac{(m_j - 1)\,x_j}{l_{jj}}, \qquad
        FL_j = \frac{\sum_k l_{jk} x_k - x_j}{l_{jj}}.

    Returns
    -------
    DataFrame
        One row per sector: ``code, name, total, backward, forward`` (output lost) and
        ``total_share, backward_share, forward_share`` (of total output).

    Examples
    --------
    >>> t = IOTable([[150, 500], [200, 100]], [1000, 2000], codes=["agri", "manu"])
    >>> sector_extractions(t)["total"].round(4).tolist()
    [860.5263, 888.2353]

    References
    ----------
    See :func:`hypothetical_extraction`. Sherman, J. & Morrison, W. J. (1950). Adjustment of
    an inverse matrix corresponding to a change in one element of a given matrix. *Annals of
    Mathematical Statistics* 21(1), 124–127.
    """
    lmat = leontief_inverse(table)
    x, f = table.output, cast(np.ndarray, table.final_demand)
    diag = np.diag(lmat)
    multiplier = lmat.sum(axis=0)
    total = multiplier * x / diag - f
    backward = (multiplier - 1.0) * x / diag
    forward = (lmat @ x - x) / diag
    out = x.sum()
    return pd.DataFrame(
        {
            "code": table.codes,
            "name": table.names,
            "total": total,
            "backward": backward,
            "forward": forward,
            "total_share": total / out,
            "backward_share": backward / out,
            "forward_share": forward / out,
        }
    )


@dataclass(frozen=True, eq=False)
class KeyLinks:
    """Output lost by extracting each single input coefficient (see :func:`key_links`).

    ``loss[i, j]`` is the loss when sector ``codes[j]`` stops buying from ``codes[i]``.
    """

    codes: tuple[str, ...]
    names: tuple[str, ...]
    coefficients: np.ndarray
    loss: np.ndarray
    total_output: float

    def top(self, k: int = 20) -> pd.DataFrame:
        """The ``k`` links of largest loss: ``supplier, supplier_name, buyer, buyer_name, coefficient, loss, loss_share``."""
        flat = self.loss.ravel()
        k = min(int(k), int(np.count_nonzero(flat > 0)))
        order = np.argsort(-flat, kind="stable")[:k]
        i, j = np.unravel_index(order, self.loss.shape)
        codes, names = np.asarray(self.codes, dtype=object), np.asarray(self.names, dtype=object)
        return pd.DataFrame(
            {
                "supplier": codes[i],
                "supplier_name": names[i],
                "buyer": codes[j],
                "buyer_name": names[j],
                "coefficient": self.coefficients[i, j],
                "loss": flat[order],
                "loss_share": flat[order] / self.total_output,
            }
        )

    def to_dict(self, k: int = 20) -> dict[str, Any]:
        """Plain JSON data: the total output and the ``k`` key links."""
        top = self.top(k)
        return {"total_output": float(self.total_output), "links": top.to_dict("records")}


def key_links(table: IOTable) -> KeyLinks:
    r"""Key links: the output lost by extracting each input coefficient :math:`a_{ij}` alone.

    Setting :math:`a_{ij}` to zero changes :math:`I - A` by the rank-one term
    :math:`a_{ij} e_i e_j^\top`; by the Sherman–Morrison formula the new inverse is
    :math:`\bar{L} = L - a_{ij} L e_i e_j^\top L / (1 + a_{ij} l_{ji})`, so the loss of total
    output at unchanged final demand is, for all links at once,

    .. math::

        T_{ij} = \iota^\top (L - \bar{L}) f = \frac{a_{ij}\, m_i\, x_j}{1 + a_{ij}\, l_{ji}},
        \qquad m_i = \sum_k l_{ki},\; x = Lf

    — an :math:`O(n^2)` step after :math:`L`, instead of :math:`n^2` inversions
    (Dietzenbacher & Lahr 2013 call extractions of single cells "key links").

    Returns
    -------
    KeyLinks

    Examples
    --------
    >>> t = IOTable([[150, 500], [200, 100]], [1000, 2000], codes=["agri", "manu"])
    >>> key_links(t).top(1)[["supplier", "buyer"]].to_dict("records")
    [{'supplier': 'agri', 'buyer': 'manu'}]

    References
    ----------
    Sherman, J. & Morrison, W. J. (1950), see :func:`sector_extractions`. Dietzenbacher, E. &
    Lahr, M. L. (2013), see :func:`hypothetical_extraction`. Miller & Blair (2009), ch. 12.
    """
    lmat = leontief_inverse(table)
    a = technical_coefficients(table)
    multiplier = lmat.sum(axis=0)
    x = table.output  # = L f: the table balances
    loss = a * multiplier[:, np.newaxis] * x[np.newaxis, :] / (1.0 + a * lmat.T)
    return KeyLinks(
        codes=tuple(table.codes),
        names=tuple(table.names),
        coefficients=a,
        loss=loss,
        total_output=float(table.output.sum()),
    )
