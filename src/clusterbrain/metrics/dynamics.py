"""Dynamics of specialisation between two years: which region × industry cells entered, exited or stayed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.metrics._matrix import Matrix, as_dense, as_matrix, labels_of

__all__ = ["SpecializationChangesResult", "specialization_changes"]


# eq=False: the fields are arrays, whose == is elementwise, so a generated __eq__ would raise.
@dataclass(frozen=True, eq=False)
class SpecializationChangesResult:
    """Entry and exit of specialisations between a base year 0 and a later year 1.

    Attributes
    ----------
    entered, exited, kept : ndarray or DataFrame of bool, shape (n_regions, n_industries)
        Cells that went 0 → 1, 1 → 0, and 1 → 1.
    by_region : DataFrame
        One row per region (its label, or 0 … n-1 for arrays), columns ``before`` and
        ``after`` (number of specialisations in each year), ``entered``, ``exited``, ``kept``.
    by_industry : DataFrame
        The same counts per industry: in how many regions it is a specialisation, and how
        many regions entered, left and kept it.
    """

    entered: Matrix
    exited: Matrix
    kept: Matrix
    by_region: pd.DataFrame
    by_industry: pd.DataFrame


def specialization_changes(M0: Matrix, M1: Matrix, /) -> SpecializationChangesResult:
    r"""Entry, exit and persistence of specialisations between two years.

    With binary specialisation matrices :math:`M^0` and :math:`M^1` (1 where region
    :math:`r` is specialised in industry :math:`i`, e.g. RCA ≥ 1),

    .. math::

        \mathrm{entered}_{ri} = (1 - M^0_{ri})\, M^1_{ri}, \qquad
        \mathrm{exited}_{ri} = M^0_{ri}\, (1 - M^1_{ri}), \qquad
        \mathrm{kept}_{ri} = M^0_{ri}\, M^1_{ri},

    and per region :math:`\sum_i M^0_{ri} = \mathrm{kept}_r + \mathrm{exited}_r`,
    :math:`\sum_i M^1_{ri} = \mathrm{kept}_r + \mathrm{entered}_r`.

    Parameters
    ----------
    M0, M1 : array-like of shape (n_regions, n_industries)
        Binary (0/1 or bool) specialisation matrices of the base and the later year;
        ndarray, scipy sparse or DataFrame.

    Returns
    -------
    SpecializationChangesResult
        Boolean ``entered``, ``exited`` and ``kept`` matrices (DataFrames when the inputs
        are) and the counts ``by_region`` and ``by_industry``.

    Raises
    ------
    InvalidParameterError
        If a matrix is not binary, holds NaN, has duplicate labels, or (arrays) the two
        shapes differ.

    Notes
    -----
    Two DataFrames are aligned on their labels, not on positions: the result covers the
    union of their regions and of their industries (in the order of ``M0``, then the
    labels only ``M1`` has), and a cell missing from one year counts as 0 — not
    specialised — in that year. An industry that appears only in ``M1`` is thus an entry
    wherever it is specialised. With one DataFrame and one array the shapes must agree
    and the DataFrame gives the labels.

    References
    ----------
    .. [1] Hidalgo, C. A., Klinger, B., Barabási, A.-L. and Hausmann, R. (2007). The
       product space conditions the development of nations. *Science* 317, 482–487.
    .. [2] Neffke, F., Henning, M. and Boschma, R. (2011). How do regions diversify over
       time? *Economic Geography* 87(3), 237–265.

    Examples
    --------
    >>> import numpy as np
    >>> M0 = np.array([[1, 0, 0], [1, 1, 0]])
    >>> M1 = np.array([[1, 1, 0], [0, 1, 1]])
    >>> changes = specialization_changes(M0, M1)
    >>> changes.entered.astype(int)
    array([[0, 1, 0],
           [0, 0, 1]])
    >>> changes.by_region[["entered", "exited", "kept"]].to_numpy().tolist()
    [[1, 0, 1], [1, 1, 1]]
    """
    func = "specialization_changes"
    m0, m1, rows, cols = _aligned_pair(M0, M1, func, names=("M0", "M1"))
    b0 = _check_binary(m0, func, name="M0")
    b1 = _check_binary(m1, func, name="M1")
    entered = ~b0 & b1
    exited = b0 & ~b1
    kept = b0 & b1
    counts = {"before": b0, "after": b1, "entered": entered, "exited": exited, "kept": kept}
    by_region = pd.DataFrame(
        {name: m.sum(axis=1) for name, m in counts.items()},
        index=rows if rows is not None else pd.RangeIndex(m0.shape[0]),
    )
    by_industry = pd.DataFrame(
        {name: m.sum(axis=0) for name, m in counts.items()},
        index=cols if cols is not None else pd.RangeIndex(m0.shape[1]),
    )
    return SpecializationChangesResult(
        entered=_labelled(entered, rows, cols),
        exited=_labelled(exited, rows, cols),
        kept=_labelled(kept, rows, cols),
        by_region=by_region,
        by_industry=by_industry,
    )


def _aligned_pair(
    A: Matrix, B: Matrix, func: str, *, names: tuple[str, str]
) -> tuple[np.ndarray, np.ndarray, pd.Index | None, pd.Index | None]:
    """Validate two matrices of the same quantity in two years and align them.

    Two DataFrames are aligned on the union of their labels (``A``'s order first, then
    the labels only ``B`` has) with 0 where a cell is missing; otherwise the shapes must
    agree and a DataFrame among the two gives the labels. Returns dense float arrays and
    the row and column labels (``None`` for arrays).
    """
    a = as_dense(as_matrix(A, func, name=names[0]))
    b = as_dense(as_matrix(B, func, name=names[1]))
    for X, name in ((A, names[0]), (B, names[1])):
        _check_unique_labels(X, func, name=name)
    if isinstance(A, pd.DataFrame) and isinstance(B, pd.DataFrame):
        rows = A.index.append(B.index.difference(A.index, sort=False))
        cols = A.columns.append(B.columns.difference(A.columns, sort=False))
        frames = (pd.DataFrame(v, index=X.index, columns=X.columns) for v, X in ((a, A), (b, B)))
        a_all, b_all = (f.reindex(index=rows, columns=cols, fill_value=0.0).to_numpy(dtype=float) for f in frames)
        return a_all, b_all, rows, cols
    if a.shape != b.shape:
        raise InvalidParameterError(
            f"The '{names[1]}' parameter of {func} must have the shape of '{names[0]}' {a.shape}. "
            f"Got shape {b.shape} instead."
        )
    labels = labels_of(A) if isinstance(A, pd.DataFrame) else labels_of(B)
    return a, b, labels[0], labels[1]


def _check_unique_labels(X: Matrix, func: str, *, name: str) -> None:
    """Raise if a DataFrame ``X`` repeats a region or an industry label (alignment would be ambiguous)."""
    if not isinstance(X, pd.DataFrame):
        return
    for axis, labels in (("region", X.index), ("industry", X.columns)):
        if not labels.is_unique:
            repeated = labels[labels.duplicated()].unique().tolist()[:5]
            raise InvalidParameterError(
                f"The '{name}' parameter of {func} must have unique {axis} labels. Got repeated {repeated!r} instead."
            )


def _check_binary(values: np.ndarray, func: str, *, name: str) -> np.ndarray:
    """Boolean view of a validated 0/1 matrix; raise if it holds any other value."""
    bad = (values != 0) & (values != 1)
    if np.any(bad):
        raise InvalidParameterError(
            f"The '{name}' parameter of {func} must be a binary (0/1) specialisation matrix. "
            f"Got {float(values[bad][0])!r} instead."
        )
    return values == 1


def _labelled(values: np.ndarray, rows: pd.Index | None, cols: pd.Index | None) -> Matrix:
    """``values`` as a DataFrame with the given labels, or the bare array when the inputs had none."""
    if rows is None or cols is None:
        return values
    return pd.DataFrame(values, index=rows, columns=cols)
