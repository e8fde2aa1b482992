"""Sector-level input–output analysis: Leontief and Ghosh propagation, linkages, key sectors and links, imports.

Works on any :class:`IOTable` (intermediate flows, output, final demand, primary inputs,
imported inputs where the table has them); the workflow builds one from an imported table
(:mod:`clusterbrain.workflow.io_study`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import linalg

from clusterbrain._validation import check_option
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.network._sector_extraction import (
    Extraction,
    KeyLinks,
    hypothetical_extraction,
    key_links,
    sector_extractions,
)
from clusterbrain.network._sector_imports import ImportDependence, import_dependence, proportional_import_split
from clusterbrain.network._sector_table import (
    IOTable,
    allocation_coefficients,
    ghosh_inverse,
    leontief_inverse,
    technical_coefficients,
)

__all__ = [
    "Extraction",
    "IOTable",
    "ImportDependence",
    "KeyLinks",
    "Linkages",
    "allocation_coefficients",
    "demand_shock",
    "ghosh_inverse",
    "hypothetical_extraction",
    "import_dependence",
    "key_links",
    "leontief_inverse",
    "linkages",
    "proportional_import_split",
    "sector_extractions",
    "supply_shock",
    "technical_coefficients",
]

Change = npt.ArrayLike | Mapping[str, float]


def _vector(table: IOTable, change: Change, name: str, func: str) -> np.ndarray:
    if isinstance(change, Mapping):
        out = np.zeros(table.n)
        out[table.index(list(change))] = [float(v) for v in change.values()]
        return out
    out = np.asarray(change, dtype=float)
    if out.ndim not in (1, 2) or out.shape[0] != table.n or not np.isfinite(out).all():
        raise InvalidParameterError(
            f"The '{name}' parameter of {func} must be finite, of shape ({table.n},) or ({table.n}, k), "
            f"or a mapping of sector codes to changes. Got shape {out.shape}."
        )
    return out


def demand_shock(table: IOTable, delta_f: Change) -> np.ndarray:
    r"""Demand-driven (Leontief) propagation of a change in final demand.

    .. math::

        \Delta x = L\,\Delta f = (I - A)^{-1} \Delta f

    Solved with the LU factors of :math:`I - A`, not an explicit inverse.

    Parameters
    ----------
    table : IOTable
    delta_f : array-like of shape (n,) or (n, k), or mapping of code to change
        Change of final demand per sector (several scenarios as columns), in the table's unit.

    Returns
    -------
    ndarray of shape (n,) or (n, k)
        Change of gross output per sector.

    Examples
    --------
    >>> t = IOTable([[150, 500], [200, 100]], [1000, 2000], codes=["agri", "manu"])
    >>> demand_shock(t, {"agri": 100}).round(4).tolist()
    [125.4125, 26.4026]

    References
    ----------
    Leontief, W. (1936). Quantitative input and output relations in the economic system of the
    United States. *Review of Economics and Statistics* 18(3), 105–125. Miller, R. E. & Blair,
    P. D. (2009). *Input–Output Analysis*, 2nd ed., Cambridge University Press, ch. 2.
    """
    change = _vector(table, delta_f, "delta_f", "demand_shock")
    return linalg.lu_solve(table._lu, change, check_finite=False)


def supply_shock(table: IOTable, delta_w: Change) -> np.ndarray:
    r"""Supply-driven (Ghosh) propagation of a change in primary inputs.

    .. math::

        \Delta x^\top = \Delta w^\top G = \Delta w^\top (I - B)^{-1},
        \quad\text{i.e.}\quad \Delta x = \hat{x} (I - A)^{-\top} \hat{x}^{-1} \Delta w

    (the second form reuses the LU factors of :math:`I - A`). A fall in the primary inputs
    available to a sector (labour, capital, imports in a domestic table) spreads downstream
    to its buyers in fixed allocation shares. Read it as an allocation or cost-push model
    rather than a production model: fixed output shares imply substitutable inputs
    (Oosterhaven 1988; Dietzenbacher 1997).

    Parameters
    ----------
    table : IOTable
    delta_w : array-like of shape (n,) or (n, k), or mapping of code to change
        Change of primary inputs per sector, in the table's unit.

    Returns
    -------
    ndarray of shape (n,) or (n, k)
        Change of gross output per sector.

    Examples
    --------
    >>> t = IOTable([[150, 500], [200, 100]], [1000, 2000], codes=["agri", "manu"])
    >>> supply_shock(t, {"agri": 100}).round(4).tolist()
    [125.4125, 66.0066]

    References
    ----------
    Ghosh, A. (1958). Input–output approach in an allocation system. *Economica* 25(97), 58–64.
    Oosterhaven, J. (1988). On the plausibility of the supply-driven input–output model.
    *Journal of Regional Science* 28(2), 203–217. Dietzenbacher, E. (1997). In vindication of
    the Ghosh model: a reinterpretation as a price model. *Journal of Regional Science* 37(4),
    629–651.
    """
    change = _vector(table, delta_w, "delta_w", "supply_shock")
    x = table.output if change.ndim == 1 else table.output[:, np.newaxis]
    return x * linalg.lu_solve(table._lu, change / x, trans=1, check_finite=False)


_KINDS = np.array(["weak", "forward", "backward", "key"], dtype=object)


@dataclass(frozen=True, eq=False)
class Linkages:
    """Rasmussen–Hirschman linkages of every sector (see :func:`linkages`)."""

    codes: tuple[str, ...]
    names: tuple[str, ...]
    output_multiplier: np.ndarray
    input_multiplier: np.ndarray
    backward: np.ndarray
    forward: np.ndarray
    forward_leontief: np.ndarray
    kind: tuple[str, ...]
    forward_basis: str

    @property
    def key_sectors(self) -> tuple[str, ...]:
        """Codes of the key sectors (backward and forward linkage both above 1), strongest backward first."""
        key = np.flatnonzero(np.asarray(self.kind) == "key")
        order = key[np.argsort(-self.backward[key], kind="stable")]
        return tuple(self.codes[i] for i in order)

    def to_frame(self) -> pd.DataFrame:
        """One row per sector: ``code, name, output_multiplier, input_multiplier, backward, forward, forward_leontief, kind``."""
        return pd.DataFrame(
            {
                "code": self.codes,
                "name": self.names,
                "output_multiplier": self.output_multiplier,
                "input_multiplier": self.input_multiplier,
                "backward": self.backward,
                "forward": self.forward,
                "forward_leontief": self.forward_leontief,
                "kind": self.kind,
            }
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        return {
            "forward_basis": self.forward_basis,
            "key_sectors": list(self.key_sectors),
            "sectors": self.to_frame().to_dict("records"),
        }


def linkages(table: IOTable, *, forward: str = "ghosh") -> Linkages:
    r"""Backward and forward linkages (Rasmussen 1956; Hirschman 1958) and key sectors.

    Normalised by their mean over sectors, so 1 is the average sector:

    .. math::

        BL_j = \frac{\sum_i l_{ij}}{\frac{1}{n}\sum_{i,j} l_{ij}}, \qquad
        FL_i = \frac{\sum_j g_{ij}}{\frac{1}{n}\sum_{i,j} g_{ij}}, \qquad
        FL^L_i = \frac{\sum_j l_{ij}}{\frac{1}{n}\sum_{i,j} l_{ij}}

    :math:`BL` (the power of dispersion) uses the column sums of the Leontief inverse
    (``output_multiplier``). The forward linkage is given both ways: ``forward`` from the
    row sums of the Ghosh inverse (``input_multiplier``), the measure Miller & Blair (2009,
    ch. 12) recommend, and ``forward_leontief`` from the row sums of :math:`L`, Rasmussen's
    original sensitivity of dispersion, which measures the response to a uniform rise of
    every final demand rather than the sector's role as a supplier. A sector is ``key``
    when both linkages exceed 1 (Hirschman's key sectors), ``backward`` or ``forward`` when
    only that one does, ``weak`` otherwise.

    Parameters
    ----------
    table : IOTable
    forward : {"ghosh", "leontief"}, default "ghosh"
        Which forward linkage the classification uses.

    Returns
    -------
    Linkages

    Examples
    --------
    >>> t = IOTable([[150, 500], [200, 100]], [1000, 2000], codes=["agri", "manu"])
    >>> lk = linkages(t)
    >>> lk.output_multiplier.round(4).tolist(), lk.backward.round(4).tolist()
    ([1.5182, 1.4521], [1.0222, 0.9778])

    References
    ----------
    Rasmussen, P. N. (1956). *Studies in Inter-Sectoral Relations*. Amsterdam: North-Holland.
    Hirschman, A. O. (1958). *The Strategy of Economic Development*. New Haven: Yale University
    Press. Miller & Blair (2009), ch. 12.
    """
    check_option(forward, "forward", "linkages", ("ghosh", "leontief"))
    n = table.n
    lmat = leontief_inverse(table)
    g = ghosh_inverse(table)
    multiplier = lmat.sum(axis=0)
    supply = g.sum(axis=1)
    backward = multiplier * n / multiplier.sum()
    forward_g = supply * n / supply.sum()
    row_l = lmat.sum(axis=1)
    forward_l = row_l * n / row_l.sum()
    chosen = forward_g if forward == "ghosh" else forward_l
    kind = _KINDS[2 * (backward > 1) + (chosen > 1)]
    return Linkages(
        codes=tuple(table.codes),
        names=tuple(table.names),
        output_multiplier=multiplier,
        input_multiplier=supply,
        backward=backward,
        forward=forward_g,
        forward_leontief=forward_l,
        kind=tuple(str(k) for k in kind),
        forward_basis=forward,
    )
