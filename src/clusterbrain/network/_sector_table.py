"""The input–output table of the sector engine and its coefficient matrices and inverses."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from scipy import linalg

from clusterbrain._validation import check_option, check_scalar
from clusterbrain.exceptions import InvalidParameterError

__all__ = [
    "IOTable",
    "allocation_coefficients",
    "ghosh_inverse",
    "leontief_inverse",
    "technical_coefficients",
]

_IMPORT_BASES = ("observed", "proportional")
# 1 / condition number below which I - A counts as singular: the solution would carry no correct digit.
_RCOND = float(np.finfo(float).eps) * 16


def _frozen(values: Any, name: str, shape: tuple[int, ...]) -> np.ndarray:
    array = np.array(values, dtype=float)
    if array.shape != shape:
        raise InvalidParameterError(f"The '{name}' parameter of IOTable must have shape {shape}. Got {array.shape}.")
    if not np.isfinite(array).all():
        raise InvalidParameterError(f"The '{name}' parameter of IOTable must hold finite numbers only.")
    array.flags.writeable = False
    return array


@dataclass(frozen=True, eq=False)
class IOTable:
    r"""An input–output table: intermediate flows, final demand, output, primary inputs.

    Rows of ``intermediate`` are the selling (supplying) sectors, columns the buying sectors:
    :math:`z_{ij}` is what sector *j* buys from sector *i*. The accounts balance by rows and
    by columns,

    .. math::

        x_i = \sum_j z_{ij} + f_i, \qquad x_j = \sum_i z_{ij} + w_j,

    where :math:`w_j` are the primary inputs of *j*: value added, plus imported intermediate
    inputs when ``intermediate`` holds domestic flows only (Miller & Blair 2009, ch. 2).

    Parameters
    ----------
    intermediate : array-like of shape (n, n)
        Intermediate flows :math:`Z` (domestic flows only when ``domestic``).
    output : array-like of shape (n,)
        Gross output :math:`x`, positive in every sector.
    final_demand : array-like of shape (n,), optional
        Final demand :math:`f` for each sector's output (net of imports in a competitive
        table). By default the row residual :math:`x - Z\iota`; when given, the row balance
        must hold within ``balance_rtol``.
    value_added : array-like of shape (n,), optional
        Value added :math:`v` as published; when given, the column balance
        :math:`x_j = \sum_i z_{ij} + \sum_i z^m_{ij} + v_j` must hold within ``balance_rtol``
        (without the import term when ``domestic`` is false).
    imported_inputs : array-like of shape (n, n), optional
        Imported intermediate inputs :math:`Z^m` (row *i*: imported product *i*; column *j*:
        the using sector).
    codes, names : sequence of str, optional
        Sector codes (default ``"1"`` … ``"n"``) and names (default: the codes).
    domestic : bool, default True
        Whether ``intermediate`` holds domestic flows only, imports being primary inputs.
    import_basis : {"observed", "proportional"}, default "observed"
        How ``imported_inputs`` were obtained: published import rows (non-competitive
        tables) or estimated with the import-proportionality assumption.
    unit, label : str
        Unit of the values and a name of the table, for reports.
    balance_rtol : float, default 1e-6
        Relative tolerance of the balance checks.

    Attributes
    ----------
    primary_inputs : ndarray of shape (n,)
        :math:`w = x - Z^\top\iota`, the column residual: what the Ghosh model holds
        exogenous.

    Raises
    ------
    InvalidParameterError
        If a shape differs, a value is not finite, a sector has zero or negative output (the
        message names it: drop such sectors first), codes repeat, or a balance fails.

    Examples
    --------
    >>> t = IOTable([[150, 500], [200, 100]], [1000, 2000], codes=["agri", "manu"])
    >>> t.final_demand.tolist(), t.primary_inputs.tolist()
    ([350.0, 1700.0], [650.0, 1400.0])
    """

    intermediate: np.ndarray
    output: np.ndarray
    final_demand: np.ndarray | None = None
    value_added: np.ndarray | None = None
    imported_inputs: np.ndarray | None = None
    codes: Sequence[str] = ()
    names: Sequence[str] = ()
    domestic: bool = True
    import_basis: str = "observed"
    unit: str = ""
    label: str = ""
    balance_rtol: float = 1e-6

    def __post_init__(self) -> None:
        x = np.array(self.output, dtype=float)
        if x.ndim != 1 or x.size == 0:
            raise InvalidParameterError(f"The 'output' parameter of IOTable must be a non-empty vector. Got {x.shape}.")
        n = x.size
        codes = tuple(str(c) for c in self.codes) if len(self.codes) else tuple(str(i + 1) for i in range(n))
        names = tuple(str(c) for c in self.names) if len(self.names) else codes
        if len(codes) != n or len(names) != n:
            raise InvalidParameterError(f"IOTable has {n} sectors but {len(codes)} codes and {len(names)} names.")
        if len(set(codes)) != n:
            raise InvalidParameterError("The sector codes of IOTable must be unique.")
        check_option(self.import_basis, "import_basis", "IOTable", _IMPORT_BASES)
        check_scalar(self.balance_rtol, "balance_rtol", "IOTable", low=0)
        x = _frozen(x, "output", (n,))
        dead = [codes[i] for i in np.flatnonzero(x <= 0)]
        if dead:
            raise InvalidParameterError(
                f"IOTable needs a positive output in every sector; drop the sectors with none first: {', '.join(dead)}."
            )
        z = _frozen(self.intermediate, "intermediate", (n, n))
        set_ = object.__setattr__
        set_(self, "output", x)
        set_(self, "intermediate", z)
        set_(self, "codes", codes)
        set_(self, "names", names)
        tol = self.balance_rtol * np.abs(x)
        if self.final_demand is None:
            f = x - z.sum(axis=1)
            f.flags.writeable = False
        else:
            f = _frozen(self.final_demand, "final_demand", (n,))
            self._check_balance(z.sum(axis=1) + f, tol, "row (intermediate use + final demand)")
        set_(self, "final_demand", f)
        if self.imported_inputs is not None:
            set_(self, "imported_inputs", _frozen(self.imported_inputs, "imported_inputs", (n, n)))
        if self.value_added is not None:
            v = _frozen(self.value_added, "value_added", (n,))
            inputs = z.sum(axis=0) + v
            if self.domestic and self.imported_inputs is not None:
                inputs = inputs + self.imported_inputs.sum(axis=0)
            self._check_balance(inputs, tol, "column (intermediate inputs + value added)")
            set_(self, "value_added", v)

    def _check_balance(self, total: np.ndarray, tol: np.ndarray, what: str) -> None:
        gap = np.abs(total - self.output)
        worst = int(np.argmax(gap - tol))
        if gap[worst] > tol[worst]:
            raise InvalidParameterError(
                f"IOTable does not balance by {what}: sector {self.codes[worst]!r} sums to {total[worst]:.6g}, "
                f"output {self.output[worst]:.6g} (relative tolerance {self.balance_rtol:g})."
            )

    @property
    def n(self) -> int:
        """Number of sectors."""
        return int(self.output.size)

    @property
    def primary_inputs(self) -> np.ndarray:
        r""":math:`w = x - Z^\top\iota`: value added, plus imported inputs in a domestic table."""
        return self.output - self.intermediate.sum(axis=0)

    def index(self, sectors: str | Sequence[str]) -> np.ndarray:
        """Positions of sector codes.

        Raises
        ------
        InvalidParameterError
            If a code is not a sector of the table; the message lists the codes.
        """
        wanted = [sectors] if isinstance(sectors, str) else [str(s) for s in sectors]
        where = {c: i for i, c in enumerate(self.codes)}
        unknown = [s for s in wanted if s not in where]
        if unknown:
            shown = ", ".join(self.codes[:60]) + (" …" if self.n > 60 else "")
            raise InvalidParameterError(f"Unknown sector(s) {', '.join(map(repr, unknown))}; the sectors are: {shown}.")
        return np.array([where[s] for s in wanted], dtype=int)

    @cached_property
    def _lu(self) -> tuple[np.ndarray, np.ndarray]:
        return factor(np.eye(self.n) - technical_coefficients(self), "I - A")

    @cached_property
    def _leontief(self) -> np.ndarray:
        inverse = linalg.lu_solve(self._lu, np.eye(self.n))
        inverse.flags.writeable = False
        return inverse


def factor(matrix: np.ndarray, what: str) -> tuple[np.ndarray, np.ndarray]:
    """LU factors of a square matrix, refusing a (numerically) singular one."""
    with warnings.catch_warnings():
        # an exactly singular matrix is reported below, as an InvalidParameterError
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        lu, piv = linalg.lu_factor(matrix, check_finite=False)
    anorm = np.linalg.norm(matrix, 1)
    gecon = linalg.get_lapack_funcs("gecon", (lu,))
    rcond = 0.0 if not np.all(np.diag(lu)) else float(gecon(lu, anorm, norm="1")[0])
    if not rcond > _RCOND:
        raise InvalidParameterError(
            f"The matrix {what} is singular (reciprocal condition number {rcond:.3g}): the model has no unique "
            "solution. Check for a sector whose inputs from the others exhaust its output (column sums of A of 1)."
        )
    return lu, piv


def technical_coefficients(table: IOTable) -> np.ndarray:
    r"""Technical (input) coefficients :math:`A = Z\hat{x}^{-1}`, :math:`a_{ij} = z_{ij}/x_j` (Leontief 1936).

    :math:`a_{ij}` is the input from sector *i* per unit of output of sector *j*.

    Examples
    --------
    >>> technical_coefficients(IOTable([[150, 500], [200, 100]], [1000, 2000])).tolist()
    [[0.15, 0.25], [0.2, 0.05]]

    References
    ----------
    Leontief, W. (1936). Quantitative input and output relations in the economic system of the
    United States. *Review of Economics and Statistics* 18(3), 105–125.
    """
    return table.intermediate / table.output[np.newaxis, :]


def allocation_coefficients(table: IOTable) -> np.ndarray:
    r"""Allocation (output) coefficients :math:`B = \hat{x}^{-1}Z`, :math:`b_{ij} = z_{ij}/x_i` (Ghosh 1958).

    :math:`b_{ij}` is the share of sector *i*'s output sold to sector *j*.

    Examples
    --------
    >>> allocation_coefficients(IOTable([[150, 500], [200, 100]], [1000, 2000])).tolist()
    [[0.15, 0.5], [0.1, 0.05]]

    References
    ----------
    Ghosh, A. (1958). Input–output approach in an allocation system. *Economica* 25(97), 58–64.
    """
    return table.intermediate / table.output[:, np.newaxis]


def leontief_inverse(table: IOTable) -> np.ndarray:
    r"""The Leontief inverse :math:`L = (I - A)^{-1}` (total requirements matrix).

    :math:`l_{ij}` is the output of sector *i* needed, directly and indirectly, per unit of
    final demand for sector *j*; :math:`x = Lf`. Computed from one LU factorisation of
    :math:`I - A` (kept on the table for the other functions) rather than an explicit
    ``inv``. The result is read-only; copy it to change it.

    Raises
    ------
    InvalidParameterError
        If :math:`I - A` is singular.

    Examples
    --------
    >>> L = leontief_inverse(IOTable([[150, 500], [200, 100]], [1000, 2000]))
    >>> L.round(4).tolist()
    [[1.2541, 0.33], [0.264, 1.1221]]

    References
    ----------
    Leontief, W. (1936), see :func:`technical_coefficients`. Miller, R. E. & Blair, P. D. (2009).
    *Input–Output Analysis: Foundations and Extensions*, 2nd ed., Cambridge University Press,
    ch. 2.
    """
    return table._leontief


def ghosh_inverse(table: IOTable) -> np.ndarray:
    r"""The Ghosh inverse :math:`G = (I - B)^{-1} = \hat{x}^{-1} L \hat{x}` (output inverse).

    :math:`g_{ij}` is the output of sector *j* that one unit of primary input into sector *i*
    ends up in; :math:`x^\top = w^\top G`. Obtained from :math:`L` by the similarity
    :math:`B = \hat{x}^{-1} A \hat{x}` (Miller & Blair 2009, ch. 12), so no second inversion.

    Examples
    --------
    >>> G = ghosh_inverse(IOTable([[150, 500], [200, 100]], [1000, 2000]))
    >>> G.round(4).tolist()
    [[1.2541, 0.6601], [0.132, 1.1221]]

    References
    ----------
    Ghosh, A. (1958), see :func:`allocation_coefficients`. Miller & Blair (2009), ch. 12.
    """
    x = table.output
    return leontief_inverse(table) * x[np.newaxis, :] / x[:, np.newaxis]
