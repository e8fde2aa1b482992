"""Import dependence of sectors: direct import shares and the total import content of final demand."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import linalg

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.network._sector_table import IOTable, factor

__all__ = ["ImportDependence", "import_dependence", "proportional_import_split"]


@dataclass(frozen=True, eq=False)
class ImportDependence:
    """Per-sector import dependence (see :func:`import_dependence`)."""

    codes: tuple[str, ...]
    names: tuple[str, ...]
    direct_share: np.ndarray
    direct_coefficient: np.ndarray
    total_content: np.ndarray
    basis: str

    def to_frame(self) -> pd.DataFrame:
        """One row per sector: ``code, name, direct_share, direct_coefficient, total_content, rank``.

        ``rank`` is 1 for the sector of highest total import content.
        """
        frame = pd.DataFrame(
            {
                "code": self.codes,
                "name": self.names,
                "direct_share": self.direct_share,
                "direct_coefficient": self.direct_coefficient,
                "total_content": self.total_content,
            }
        )
        frame["rank"] = frame["total_content"].rank(ascending=False, method="min").astype(int)
        return frame

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (NaN as ``None``)."""
        frame = self.to_frame().astype(object)
        frame = frame.where(frame.notna(), None)
        return {"basis": self.basis, "sectors": frame.to_dict("records")}


def import_dependence(table: IOTable) -> ImportDependence:
    r"""Direct and total (direct + indirect) import dependence of every sector.

    With imported-input coefficients :math:`a^m_{ij} = z^m_{ij}/x_j`, domestic coefficients
    :math:`A^d` and :math:`m_j = \sum_i a^m_{ij}`:

    .. math::

        s_j = \frac{\sum_i z^m_{ij}}{\sum_i (z^d_{ij} + z^m_{ij})}, \qquad
        c_j = m_j, \qquad
        t^\top = m^\top (I - A^d)^{-1}

    :math:`s_j` (``direct_share``) is the imported share of sector *j*'s intermediate
    inputs, :math:`c_j` (``direct_coefficient``) its imported inputs per unit of output, and
    :math:`t_j` (``total_content``) the imports embodied, along the whole domestic chain, in
    one unit of final demand for *j* — the vertical-specialisation measure of Hummels, Ishii
    & Yi (2001); Miller & Blair (2009), ch. 2 and 6.

    Parameters
    ----------
    table : IOTable
        With ``imported_inputs``. When ``table.domestic`` is false, :math:`Z^d = Z - Z^m`.

    Returns
    -------
    ImportDependence
        ``direct_share`` is NaN for a sector without intermediate inputs; ``basis`` repeats
        ``table.import_basis`` (``observed`` rows or the ``proportional`` estimate).

    Raises
    ------
    InvalidParameterError
        If the table has no imported inputs or :math:`I - A^d` is singular.

    Examples
    --------
    >>> t = IOTable([[10, 20], [30, 10]], [100, 100], imported_inputs=[[10, 0], [0, 10]])
    >>> d = import_dependence(t)
    >>> d.direct_share.tolist(), d.direct_coefficient.tolist()
    ([0.2, 0.25], [0.1, 0.1])

    References
    ----------
    Hummels, D., Ishii, J. & Yi, K.-M. (2001). The nature and growth of vertical
    specialization in world trade. *Journal of International Economics* 54(1), 75–96.
    Miller, R. E. & Blair, P. D. (2009). *Input–Output Analysis*, 2nd ed., Cambridge
    University Press.
    """
    if table.imported_inputs is None:
        raise InvalidParameterError(
            "import_dependence needs a table with imported intermediate inputs (imported_inputs); "
            f"table {table.label or '(unnamed)'} has none."
        )
    zm = table.imported_inputs
    zd = table.intermediate if table.domestic else table.intermediate - zm
    x = table.output
    inputs_m = zm.sum(axis=0)
    inputs = zd.sum(axis=0) + inputs_m
    share = np.full(table.n, np.nan)
    np.divide(inputs_m, inputs, out=share, where=inputs != 0)
    coefficient = inputs_m / x
    lu = factor(np.eye(table.n) - zd / x[np.newaxis, :], "I - A^d")
    total = linalg.lu_solve(lu, coefficient, trans=1, check_finite=False)
    return ImportDependence(
        codes=tuple(table.codes),
        names=tuple(table.names),
        direct_share=share,
        direct_coefficient=coefficient,
        total_content=total,
        basis=table.import_basis,
    )


def proportional_import_split(
    intermediate: npt.ArrayLike, domestic_final_use: npt.ArrayLike, imports: npt.ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    r"""Split a competitive-import table's intermediate flows into domestic and imported parts.

    The import-proportionality assumption: every user of product *i* takes the same import
    share of it, the share of imports in domestic absorption (intermediate use plus final
    use at home, exports excluded):

    .. math::

        \mu_i = \frac{M_i}{\sum_j z_{ij} + d_i}, \qquad
        Z^m = \hat{\mu} Z, \qquad Z^d = (I - \hat{\mu}) Z

    An estimate, not an observation: the non-competitive (import-row) table is better where
    it exists (Miller & Blair 2009, ch. 2; the OECD TiVA tables use the same assumption
    where no import-use data exist).

    Parameters
    ----------
    intermediate : array-like of shape (n, n)
        Total (domestic + imported) intermediate use :math:`Z`.
    domestic_final_use : array-like of shape (n,)
        :math:`d`: consumption plus capital formation (final use without exports).
    imports : array-like of shape (n,)
        Imports :math:`M` of each product, non-negative.

    Returns
    -------
    tuple of ndarray
        ``(Z_domestic, Z_imported)``.

    Raises
    ------
    InvalidParameterError
        If a product has imports but no positive domestic absorption, or imports above it
        (the message names the row).

    Examples
    --------
    >>> zd, zm = proportional_import_split([[40, 40], [0, 20]], [20, 30], [10, 0])
    >>> zm.tolist()
    [[4.0, 4.0], [0.0, 0.0]]
    """
    z = np.asarray(intermediate, dtype=float)
    absorption = z.sum(axis=1) + np.asarray(domestic_final_use, dtype=float)
    m = np.asarray(imports, dtype=float)
    mu = np.zeros_like(m)
    np.divide(m, absorption, out=mu, where=absorption > 0)
    bad = np.flatnonzero((m < 0) | ((m > 0) & (absorption <= 0)) | (mu > 1))
    if bad.size:
        i = int(bad[0])
        raise InvalidParameterError(
            f"proportional_import_split: row {i} has imports {m[i]:.6g} against a domestic absorption of "
            f"{absorption[i]:.6g}; the import share must lie in [0, 1]."
        )
    zm = mu[:, np.newaxis] * z
    return z - zm, zm
