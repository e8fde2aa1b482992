"""Fitness and complexity (Tacchella et al. 2012): the non-linear alternative to ECI and PCI."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clusterbrain._validation import check_scalar
from clusterbrain.metrics._binary import Vector, as_binary, require_nonempty
from clusterbrain.metrics._matrix import Matrix, labels_of, relabel

__all__ = ["FitnessResult", "fitness_complexity"]


@dataclass(frozen=True, eq=False)
class FitnessResult:
    """Region fitness and industry complexity, each with mean 1, and how the iteration ended.

    ``fitness`` and ``complexity`` are Series labelled like the input's rows and columns when it
    was a DataFrame, else ndarrays. ``iterations`` is the number of steps taken; ``converged``
    tells whether the last step changed no value by more than ``tol``.
    """

    fitness: Vector
    complexity: Vector
    iterations: int
    converged: bool


def fitness_complexity(M: Matrix, /, *, iterations: int = 200, tol: float = 1e-10) -> FitnessResult:
    r"""Fitness of regions and complexity of industries by the Fitness-Complexity algorithm.

    Starting from :math:`F_r^{(0)} = Q_i^{(0)} = 1`,

    .. math::

        \tilde F_r^{(n)} = \sum_i M_{ri} Q_i^{(n-1)}, \qquad
        \tilde Q_i^{(n)} = \frac{1}{\sum_r M_{ri} / F_r^{(n-1)}}, \qquad
        F^{(n)} = \frac{\tilde F^{(n)}}{\langle \tilde F^{(n)} \rangle}, \quad
        Q^{(n)} = \frac{\tilde Q^{(n)}}{\langle \tilde Q^{(n)} \rangle},

    each normalised by its mean at every step. A region is fit when it is diversified into
    complex industries; an industry is complex when the regions making it are all fit -- its
    complexity is bounded by its least fit producer, which is what makes the map non-linear.

    Parameters
    ----------
    M : array-like of shape (n_regions, n_industries)
        Binary (0/1) specialisation matrix: ndarray, scipy sparse or DataFrame.
    iterations : int, default 200
        Most steps taken.
    tol : float, default 1e-10
        Stop when no fitness or complexity changed by more than ``tol`` in one step.

    Returns
    -------
    FitnessResult
        ``fitness`` (mean 1), ``complexity`` (mean 1), ``iterations`` and ``converged``.

    Raises
    ------
    InvalidParameterError
        If ``M`` is not binary, has a row or column without a 1 (an industry no region makes has
        infinite complexity), fewer than 2 regions or industries, or an option is out of range.

    Notes
    -----
    Unless :math:`M` is perfectly nested, the fitness of some regions and the complexity of
    some industries tend to 0 while the ranking settles long before; the iteration then stops
    after ``iterations`` steps with ``converged=False`` and the values are those of that step
    (the usual practice, see [2]_). Values that underflow to 0 stay 0; no NaN is produced.

    References
    ----------
    .. [1] Tacchella, A., Cristelli, M., Caldarelli, G., Gabrielli, A., & Pietronero, L. (2012).
       A new metrics for countries' fitness and products' complexity. Scientific Reports, 2, 723.
       https://doi.org/10.1038/srep00723
    .. [2] Pugliese, E., Zaccaria, A., & Pietronero, L. (2016). On the convergence of the
       Fitness-Complexity algorithm. Eur. Phys. J. Special Topics, 225, 1893-1911.

    Examples
    --------
    >>> result = fitness_complexity([[1, 1, 1], [1, 1, 0], [1, 0, 0]], iterations=1)
    >>> result.fitness.tolist(), np.round(result.complexity * 11, 6).tolist()
    ([1.5, 1.0, 0.5], [6.0, 9.0, 18.0])

    On a perfectly nested matrix the fitness ranks regions by diversity:

    >>> result = fitness_complexity([[1, 1, 1], [1, 1, 0], [1, 0, 0]])
    >>> bool(np.all(np.diff(result.fitness) < 0)), bool(np.all(np.diff(result.complexity) > 0))
    (True, True)
    """
    func = "fitness_complexity"
    check_scalar(iterations, "iterations", func, integer=True, low=1)
    check_scalar(tol, "tol", func, low=0)
    Ms = as_binary(M, func)
    k_r = np.asarray(Ms.sum(axis=1)).ravel()
    k_i = np.asarray(Ms.sum(axis=0)).ravel()
    require_nonempty(k_r, k_i, M, func)
    Mt = Ms.T.tocsr()
    F, Q = np.ones(k_r.size), np.ones(k_i.size)
    converged, step = False, 0
    with np.errstate(divide="ignore"):
        for step in range(1, int(iterations) + 1):  # noqa: B007 - the last step is reported
            # Sparse products only multiply stored ones, so a fitness underflowed to 0 gives
            # 1/F = inf and complexity 1/inf = 0 for its industries, never 0 * inf = NaN.
            F_new = Ms @ Q
            Q_new = 1.0 / (Mt @ (1.0 / F))
            F_new /= F_new.mean()
            Q_new /= Q_new.mean()
            converged = max(np.abs(F_new - F).max(), np.abs(Q_new - Q).max()) <= tol
            F, Q = F_new, Q_new
            if converged:
                break
    rows, cols = labels_of(M)
    return FitnessResult(
        fitness=relabel(F, rows, "fitness"),
        complexity=relabel(Q, cols, "complexity"),
        iterations=step,
        converged=bool(converged),
    )
