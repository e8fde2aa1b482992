"""Economic complexity: diversity, ubiquity, ECI and PCI, and the method of reflections."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse import linalg as splinalg

from clusterbrain._validation import check_option, check_scalar
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.metrics._binary import Vector, as_binary, require_nonempty, standardize
from clusterbrain.metrics._matrix import Matrix, labels_of, relabel

__all__ = ["ComplexityResult", "ReflectionsResult", "economic_complexity", "method_of_reflections"]

# Up to this many nodes on the smaller side a dense symmetric eigensolver costs next to nothing;
# above it ARPACK's Lanczos iterations on two sparse products win (0.03 s against 0.15 s at 600).
_DENSE_MAX = 200
# Eigenvalues of the symmetrised matrix lie in [0, 1]; closer than this, lambda_2 counts as repeated.
_GAP = 1e-10


@dataclass(frozen=True, eq=False)
class ComplexityResult:
    """Diversity, ubiquity, ECI and PCI of one binary specialisation matrix.

    Vectors are Series labelled like the rows (regions) or columns (industries) of the input
    when it was a DataFrame, else ndarrays.
    """

    diversity: Vector
    ubiquity: Vector
    eci: Vector
    pci: Vector


@dataclass(frozen=True, eq=False)
class ReflectionsResult:
    """The iterates of the method of reflections: column ``n`` holds :math:`k_{r,n}` or :math:`k_{i,n}`."""

    regions: Matrix
    industries: Matrix


def economic_complexity(M: Matrix, /, *, eigen_solver: str = "auto", ddof: int = 0) -> ComplexityResult:
    r"""Diversity, ubiquity, Economic Complexity Index (ECI) and Product Complexity Index (PCI).

    With the binary specialisation matrix :math:`M` (regions :math:`r` x industries :math:`i`),
    diversity :math:`k_r = \sum_i M_{ri}`, ubiquity :math:`k_i = \sum_r M_{ri}`, and

    .. math::

        \tilde M^{(r)} = D^{-1} M U^{-1} M^\top, \qquad \tilde M^{(i)} = U^{-1} M^\top D^{-1} M,

    with :math:`D = \operatorname{diag}(k_r)` and :math:`U = \operatorname{diag}(k_i)`, the
    raw PCI :math:`q` is the eigenvector of :math:`\tilde M^{(i)}` with the second largest
    eigenvalue :math:`\lambda_2`, and the raw ECI is the average raw PCI of the region's
    industries, :math:`e = D^{-1} M q` (an eigenvector of :math:`\tilde M^{(r)}` for the same
    :math:`\lambda_2`). Both are then scaled by the mean and standard deviation of the raw ECI:

    .. math::

        \mathrm{ECI}_r = \frac{e_r - \bar e}{\operatorname{sd}(e)}, \qquad
        \mathrm{PCI}_i = \frac{q_i - \bar e}{\operatorname{sd}(e)}.

    Parameters
    ----------
    M : array-like of shape (n_regions, n_industries)
        Binary (0/1) specialisation matrix: ndarray, scipy sparse or DataFrame.
    eigen_solver : {"auto", "dense", "arpack"}, default "auto"
        ``"dense"`` solves the symmetrised problem with :func:`numpy.linalg.eigh`, ``"arpack"``
        with :func:`scipy.sparse.linalg.eigsh` (Lanczos on sparse products, a fixed start vector,
        hence deterministic); ``"auto"`` takes ``"dense"`` when the smaller side has at most 200
        nodes. Both give the same vectors to rounding.
    ddof : {0, 1}, default 0
        Degrees of freedom of the standard deviation; 0 as py-ecomplexity (``numpy.std``).

    Returns
    -------
    ComplexityResult
        ``diversity``, ``ubiquity``, ``eci`` and ``pci``; Series when ``M`` is a DataFrame.

    Raises
    ------
    InvalidParameterError
        If ``M`` is not binary, has a row or column without a 1 (complexity is undefined there:
        drop them), fewer than 2 regions or industries, or if :math:`\lambda_2` is repeated, so
        that the eigenvector is not unique (three or more disconnected blocks, or all regions alike).

    Notes
    -----
    *Sign.* An eigenvector has no sign; it is chosen so that ECI correlates positively with
    diversity (py-ecomplexity and the Atlas), PCI taking the same factor. If diversity is
    constant, ECI is made to correlate negatively with the average ubiquity of the region's
    industries (:math:`k_{r,1}`), and failing that, the entry farthest from the mean is put above it.

    *Scale.* As py-ecomplexity and the Stata package, PCI is scaled with the ECI's mean and
    standard deviation, not its own; this keeps ECI equal to the mean PCI of the region's
    industries, :math:`\mathrm{ECI}_r = k_r^{-1} \sum_i M_{ri} \mathrm{PCI}_i`. ECI has mean 0
    and standard deviation 1; PCI in general has neither.

    *Computation.* :math:`\tilde M^{(i)}` is similar to the symmetric positive semi-definite
    :math:`S = B^\top B` with :math:`B = D^{-1/2} M U^{-1/2}`, whose leading eigenvector
    :math:`\sqrt{k_i}` (eigenvalue 1) is known and deflated; the solver works on the smaller of
    the two sides without ever forming :math:`\tilde M`. Raw PCI has ubiquity-weighted mean 0.

    A disconnected :math:`M` with two blocks gets the block indicator as its ECI; with more
    blocks the ECI is not unique and an error is raised.

    References
    ----------
    .. [1] Hidalgo, C. A., & Hausmann, R. (2009). The building blocks of economic complexity.
       PNAS, 106(26), 10570-10575. https://doi.org/10.1073/pnas.0900943106
    .. [2] Hausmann, R., Hidalgo, C. A., et al. (2014). The Atlas of Economic Complexity:
       Mapping Paths to Prosperity. MIT Press.
    .. [3] Harvard Growth Lab, py-ecomplexity, ``ecomplexity.calc_eci_pci``.
       https://github.com/cid-harvard/py-ecomplexity

    Examples
    --------
    A perfectly nested matrix: the most diversified region makes the rarest industry.

    >>> M = [[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0]]
    >>> result = economic_complexity(M)
    >>> result.diversity.tolist(), result.ubiquity.tolist()
    ([4.0, 3.0, 2.0, 1.0], [4.0, 3.0, 2.0, 1.0])
    >>> np.round(result.eci, 4).tolist()
    [1.3416, 0.4472, -0.4472, -1.3416]
    >>> np.round(result.pci, 4).tolist()
    [-1.3416, 0.4472, 2.2361, 4.0249]
    >>> bool(np.isclose(result.eci[1], result.pci[:3].mean()))  # ECI = mean PCI of its industries
    True
    """
    func = "economic_complexity"
    check_option(eigen_solver, "eigen_solver", func, ("auto", "dense", "arpack"))
    check_option(ddof, "ddof", func, (0, 1))
    Ms = as_binary(M, func)
    k_r = np.asarray(Ms.sum(axis=1)).ravel()
    k_i = np.asarray(Ms.sum(axis=0)).ravel()
    require_nonempty(k_r, k_i, M, func)

    q = _raw_pci(Ms, k_r, k_i, eigen_solver)
    e = (Ms @ q) / k_r
    sign = _orientation(e, k_r, (Ms @ k_i) / k_r)
    e, q = sign * e, sign * q
    # PCI is scaled by the ECI's moments, as py-ecomplexity does: it keeps ECI = mean PCI.
    mean, sd = e.mean(), e.std(ddof=ddof)
    rows, cols = labels_of(M)
    return ComplexityResult(
        diversity=relabel(k_r, rows, "diversity"),
        ubiquity=relabel(k_i, cols, "ubiquity"),
        eci=relabel(standardize(e, ddof=ddof), rows, "eci"),
        pci=relabel((q - mean) / sd, cols, "pci"),
    )


def method_of_reflections(M: Matrix, /, *, iterations: int = 18) -> ReflectionsResult:
    r"""The iterates of the method of reflections (Hidalgo & Hausmann 2009).

    .. math::

        k_{r,0} = \sum_i M_{ri}, \quad k_{i,0} = \sum_r M_{ri}, \quad
        k_{r,n} = \frac{1}{k_{r,0}} \sum_i M_{ri}\, k_{i,n-1}, \quad
        k_{i,n} = \frac{1}{k_{i,0}} \sum_r M_{ri}\, k_{r,n-1}.

    :math:`k_{r,1}` is the average ubiquity of a region's industries, :math:`k_{i,1}` the
    average diversity of an industry's regions. Even region iterates correlate positively with
    diversity; standardised, :math:`k_{r,2n}` tends to the ECI of :func:`economic_complexity`
    as :math:`n` grows (all iterates themselves tend to a constant).

    Parameters
    ----------
    M : array-like of shape (n_regions, n_industries)
        Binary (0/1) specialisation matrix: ndarray, scipy sparse or DataFrame.
    iterations : int, default 18
        The last :math:`n` computed (18 as in Hidalgo & Hausmann 2009); ``0`` gives diversity
        and ubiquity only.

    Returns
    -------
    ReflectionsResult
        ``regions`` of shape (n_regions, iterations + 1) and ``industries`` of shape
        (n_industries, iterations + 1), column :math:`n` holding the :math:`n`-th iterate;
        DataFrames labelled by the input's rows or columns and ``0..iterations`` when ``M`` is one.

    Raises
    ------
    InvalidParameterError
        If ``M`` is not binary, has a row or column without a 1, or ``iterations`` is not an
        integer >= 0.

    References
    ----------
    .. [1] Hidalgo, C. A., & Hausmann, R. (2009). The building blocks of economic complexity.
       PNAS, 106(26), 10570-10575. https://doi.org/10.1073/pnas.0900943106

    Examples
    --------
    >>> result = method_of_reflections([[1, 1, 1], [1, 1, 0], [1, 0, 0]], iterations=1)
    >>> result.regions.tolist()
    [[3.0, 2.0], [2.0, 2.5], [1.0, 3.0]]
    >>> result.industries[:, 1].tolist()  # average diversity of the industry's regions
    [2.0, 2.5, 3.0]
    """
    func = "method_of_reflections"
    check_scalar(iterations, "iterations", func, integer=True, low=0)
    Ms = as_binary(M, func)
    k_r = np.asarray(Ms.sum(axis=1)).ravel()
    k_i = np.asarray(Ms.sum(axis=0)).ravel()
    require_nonempty(k_r, k_i, M, func)
    n = int(iterations)
    regions = np.empty((k_r.size, n + 1))
    industries = np.empty((k_i.size, n + 1))
    regions[:, 0], industries[:, 0] = k_r, k_i
    Mt = Ms.T.tocsr()
    for step in range(1, n + 1):  # loops over iterations only; each step is two sparse products
        regions[:, step] = (Ms @ industries[:, step - 1]) / k_r
        industries[:, step] = (Mt @ regions[:, step - 1]) / k_i
    rows, cols = labels_of(M)
    if rows is None:
        return ReflectionsResult(regions=regions, industries=industries)
    steps = pd.RangeIndex(n + 1, name="n")
    return ReflectionsResult(
        regions=pd.DataFrame(regions, index=rows, columns=steps),
        industries=pd.DataFrame(industries, index=cols, columns=steps),
    )


def _raw_pci(Ms: sparse.csr_array, k_r: np.ndarray, k_i: np.ndarray, eigen_solver: str) -> np.ndarray:
    """Eigenvector q of U^-1 M^T D^-1 M for lambda_2, up to scale and sign."""
    B = sparse.csr_array(sparse.diags_array(1.0 / np.sqrt(k_r)) @ Ms @ sparse.diags_array(1.0 / np.sqrt(k_i)))
    industry_side = k_i.size <= k_r.size
    # S = C^T C has the leading eigenvector sqrt(k) of the side it acts on; on the region side
    # C = B^T and S = B B^T, which shares lambda_2 with the industry side.
    C = B if industry_side else sparse.csr_array(B.T)
    k = k_i if industry_side else k_r
    w1 = np.sqrt(k) / np.linalg.norm(np.sqrt(k))
    n = C.shape[1]
    solver = eigen_solver
    if solver == "auto":
        solver = "dense" if n <= _DENSE_MAX else "arpack"
    if solver == "arpack" and n > 3:
        lam, w = _arpack_top2(C, w1)
    else:
        lam, w = _dense_top2(C, w1)
    if lam[0] - lam[1] <= _GAP:
        raise InvalidParameterError(
            "The 'M' parameter of economic_complexity must give a unique ECI, but the second eigenvalue "
            f"of D^-1 M U^-1 M^T is repeated ({lam[0]:.12g} = {lam[1]:.12g}): M falls into three or more "
            "disconnected blocks, or its regions do not differ. Analyse the blocks separately."
        )
    if industry_side:
        return w / np.sqrt(k_i)
    # Region-side eigenvector u gives raw ECI D^-1/2 u; raw PCI is its mean over each industry's regions.
    return (Ms.T @ (w / np.sqrt(k_r))) / k_i


def _dense_top2(C: sparse.csr_array, w1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    S = (C.T @ C).toarray() - np.outer(w1, w1)
    vals, vecs = np.linalg.eigh(S)
    return vals[[-1, -2]], vecs[:, -1]


def _arpack_top2(C: sparse.csr_array, w1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = C.shape[1]
    Ct = sparse.csr_array(C.T)

    def matvec(x: np.ndarray) -> np.ndarray:
        x = np.ravel(x)
        return Ct @ (C @ x) - w1 * (w1 @ x)

    op = splinalg.LinearOperator((n, n), matvec=matvec, rmatvec=matvec, dtype=float)
    v0 = np.random.default_rng(0).standard_normal(n)  # fixed start vector: deterministic results
    try:
        vals, vecs = splinalg.eigsh(op, k=2, which="LA", v0=v0, tol=0, maxiter=20 * n)
    except splinalg.ArpackNoConvergence:
        # Very close lambda_2 and lambda_3 slow Lanczos down; the dense solver is exact.
        return _dense_top2(C, w1)
    order = np.argsort(vals)[::-1]
    return vals[order], vecs[:, order[0]]


def _orientation(e: np.ndarray, diversity: np.ndarray, mean_ubiquity: np.ndarray) -> float:
    """+1 or -1: ECI correlates positively with diversity (else negatively with k_{r,1})."""
    for target, direction in ((diversity, 1.0), (mean_ubiquity, -1.0)):
        a, b = target - target.mean(), e - e.mean()
        c = float(a @ b)
        if abs(c) > 1e-9 * np.linalg.norm(a) * np.linalg.norm(b):
            return direction * np.sign(c)
    return 1.0 if e[np.argmax(np.abs(e - e.mean()))] >= e.mean() else -1.0
