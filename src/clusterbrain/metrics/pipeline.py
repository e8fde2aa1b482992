"""The complexity pipeline: RCA, M, ECI/PCI, proximity, density, COI and COG of one activity matrix in one pass."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from clusterbrain._validation import check_option, check_scalar
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.metrics._binary import Vector, well_filled
from clusterbrain.metrics._matrix import Matrix, as_matrix, labels_of, relabel
from clusterbrain.metrics.complexity import economic_complexity
from clusterbrain.metrics.specialization import _lq, _region_vector

__all__ = ["PipelineResult", "complexity_pipeline"]

# Below this many regions a column of M sums to at most 2**24, so M^T M is exact in float32
# (0/1 products, integer sums) and single precision halves the cost of the largest product.
_FLOAT32_EXACT = 2**24
_SHOWN = 5


@dataclass(frozen=True, eq=False)  # eq=False: fields are arrays, whose == is elementwise
class PipelineResult:
    """Every quantity of the complexity chain of one region x industry activity matrix.

    Matrices are DataFrames and vectors Series, labelled by the rows (regions) and columns
    (industries) of the input, when it was a DataFrame; else ndarrays (``rca`` and ``M``
    stay sparse for sparse input, as :func:`location_quotient` and :func:`presence` keep them).

    Attributes
    ----------
    rca : matrix of shape (n_regions, n_industries)
        Location quotient (Balassa RCA), or RPOP with a population.
    M : matrix of shape (n_regions, n_industries)
        Binary specialisation, ``rca >= threshold``, as 0.0/1.0 floats.
    diversity, eci : vector of shape (n_regions,)
    ubiquity, pci : vector of shape (n_industries,)
    phi : matrix of shape (n_industries, n_industries)
        Proximity between industries.
    density : matrix of shape (n_regions, n_industries)
        Relatedness density.
    coi : vector of shape (n_regions,)
        Complexity outlook index (Atlas formula).
    cog : matrix of shape (n_regions, n_industries)
        Complexity outlook gain (Atlas formula), 0 where ``M`` is 1.
    """

    rca: Any
    M: Any
    diversity: Vector
    ubiquity: Vector
    eci: Vector
    pci: Vector
    phi: Any
    density: Any
    coi: Vector
    cog: Any


def complexity_pipeline(
    X: Matrix, /, *, threshold: float = 1.0, diagonal: int = 1, population: Any = None
) -> PipelineResult:
    r"""RCA, M, diversity, ubiquity, ECI, PCI, proximity, density, COI and COG, each computed once.

    The same quantities as the kernels, chained without recomputing any intermediate:

    .. math::

        \mathrm{RCA}_{ri} = \frac{x_{ri}/x_r}{x_i/x}, \quad
        M_{ri} = [\mathrm{RCA}_{ri} \geq t], \quad
        \varphi_{ij} = \frac{(M^\top M)_{ij}}{\max(k_i, k_j)}, \quad
        \omega_{ri} = \frac{(M \varphi)_{ri}}{s_i}, \quad s_i = \sum_j \varphi_{ij},

    .. math::

        \mathrm{COI}_r = \sum_i \omega_{ri} (1 - M_{ri}) \mathrm{PCI}_i, \qquad
        \mathrm{COG}_{ri} = (1 - M_{ri}) \Bigl[\sum_j \frac{\varphi_{ji}}{s_j}
        (1 - M_{rj}) \mathrm{PCI}_j - \omega_{ri} \mathrm{PCI}_i\Bigr],

    and ECI/PCI the standardised second eigenvectors of :func:`economic_complexity`.

    Parameters
    ----------
    X : array-like of shape (n_regions, n_industries)
        Non-negative activity (employment, establishments, exports): ndarray, scipy sparse or
        DataFrame, every row and column with some activity.
    threshold : float, default 1.0
        The RCA at and above which a region counts as specialised (see :func:`presence`).
    diagonal : {1, 0}, default 1
        :math:`\varphi_{ii}`: 1 as py-ecomplexity and the Atlas, 0 as EconGeo (see :func:`proximity`).
    population : array-like of shape (n_regions,) or Series, optional
        Use the population-based RCA (see :func:`location_quotient`).

    Returns
    -------
    PipelineResult
        Equal (to rounding) to ``location_quotient``, ``presence``, ``economic_complexity``,
        ``proximity``, ``density``, ``complexity_outlook`` and ``complexity_outlook_gain``
        called one after the other with their defaults (Atlas convention for COI and COG).

    Raises
    ------
    InvalidParameterError
        If ``threshold`` or ``diagonal`` is out of its domain, ``X`` is not a valid
        non-negative matrix, or a region or industry ends up with no specialisation (drop it:
        complexity is undefined there), as the kernels raise.

    Notes
    -----
    *Why one function.* Called one by one, the kernels validate and rebuild M five times and
    form the density twice. Here M is built once as a sparse matrix and the only dense
    products are the three that the results need: :math:`M^\top M` (in single precision,
    exact for 0/1 entries and integer counts below :math:`2^{24}`), :math:`M\varphi` and
    :math:`M\,\operatorname{diag}(\mathrm{PCI}/s)\,\varphi`; for a sparse M (under 5 % ones)
    the products are sparse. ECI/PCI use the Lanczos solver of :func:`economic_complexity`
    above 200 nodes (a dense symmetric one below), never a general dense eigensolver. :math:`\varphi` is symmetric, so
    :math:`\sum_j M_{rj}\varphi_{ij} = (M\varphi)_{ri}` and the column sums equal the row sums.

    *Cost.* At 3,000 regions x 1,500 industries with a third of M set, about 1 s on two cores
    and 0.4 GB beyond the input (``benchmarks/complexity.py``).

    References
    ----------
    .. [1] B. Balassa, "Trade liberalisation and 'revealed' comparative advantage", The
       Manchester School 33(2), 99-123, 1965.
    .. [2] Hidalgo, C. A., Klinger, B., Barabasi, A.-L., & Hausmann, R. (2007). The product space
       conditions the development of nations. Science, 317(5837), 482-487.
    .. [3] Hidalgo, C. A., & Hausmann, R. (2009). The building blocks of economic complexity.
       PNAS, 106(26), 10570-10575.
    .. [4] Hausmann, R., Hidalgo, C. A., et al. (2014). The Atlas of Economic Complexity. MIT Press.

    Examples
    --------
    A chain of four regions, each sharing an industry with the next:

    >>> X = [[6, 2, 1, 0], [4, 3, 1, 0], [3, 3, 2, 1], [2, 3, 3, 4]]
    >>> result = complexity_pipeline(X)
    >>> result.M.tolist()
    [[1.0, 0.0, 0.0, 0.0], [1.0, 1.0, 0.0, 0.0], [0.0, 1.0, 1.0, 0.0], [0.0, 0.0, 1.0, 1.0]]
    >>> np.round(result.eci, 3).tolist()
    [-1.183, -0.674, 0.47, 1.387]
    >>> np.round(result.density[1], 3).tolist()
    [1.0, 0.75, 0.25, 0.0]
    >>> np.round(result.coi, 3).tolist()
    [-0.041, 0.276, 0.162, -0.041]
    """
    func = "complexity_pipeline"
    check_scalar(threshold, "threshold", func, low=0, closed="neither")
    check_option(diagonal, "diagonal", func, (1, 0))
    values = as_matrix(X, func)
    pop = None if population is None else _region_vector(population, X, values.shape[0], "population", func)

    rca = _lq(values, pop, func)
    Ms, Md = _presence(rca, threshold)
    _require_specialised(Ms, X, threshold)
    # The kernel validates M once more (a copy of its ones, a few milliseconds): one source of ECI.
    ec = economic_complexity(Ms)
    k_r, k_i = np.asarray(ec.diversity), np.asarray(ec.ubiquity)
    pci = np.asarray(ec.pci)

    phi = _proximity(Ms, Md, k_i, diagonal)
    s = phi.sum(axis=1)
    related = s > 0
    inv_s = np.divide(1.0, s, out=np.zeros_like(s), where=related)

    product = Md @ phi if Md is not None else np.asarray(Ms @ phi)  # M phi, rows regions
    omega = product  # in place: M phi / s, the relatedness density
    omega *= inv_s
    # Mathematically in [0, 1]; clipped as the kernel does so rounding cannot give 1 + 1e-16.
    np.clip(omega, 0.0, 1.0, out=omega)

    # COI = omega @ PCI - sum over the ones of M of omega PCI: no dense (1 - M).
    rows_of, cols_of = _ones(Ms)
    coi = omega @ pci - np.bincount(rows_of, omega[rows_of, cols_of] * pci[cols_of], minlength=Ms.shape[0])

    # COG: with A = diag(PCI / s) phi, sum_j (1 - M_rj) A_ji = colsum(A)_i - (M diag(PCI / s) phi)_ri.
    weight = pci * inv_s
    if Md is not None:
        scratch = np.multiply(Md, weight)
        gain = scratch @ phi
    else:
        scratch = np.empty_like(omega)
        gain = np.asarray((Ms @ sparse.diags_array(weight)) @ phi)
    np.negative(gain, out=gain)
    gain += weight @ phi  # colsum(A)_i = sum_j PCI_j / s_j phi_ji
    gain -= np.multiply(omega, pci, out=scratch)
    gain[rows_of, cols_of] = 0.0
    del scratch

    rows, cols = labels_of(X)
    return PipelineResult(
        rca=rca if sparse.issparse(rca) else _frame(rca, rows, cols),
        M=Ms if sparse.issparse(values) else _frame(Md if Md is not None else Ms.toarray(), rows, cols),
        diversity=relabel(k_r, rows, "diversity"),
        ubiquity=relabel(k_i, cols, "ubiquity"),
        eci=relabel(np.asarray(ec.eci), rows, "eci"),
        pci=relabel(pci, cols, "pci"),
        phi=_frame(phi, cols, cols),
        density=_frame(omega, rows, cols),
        coi=relabel(coi, rows, "coi"),
        cog=_frame(gain, rows, cols),
    )


def _presence(rca: Any, threshold: float) -> tuple[sparse.csr_array, np.ndarray | None]:
    """``rca >= threshold`` as a canonical 0/1 CSR array, and as a dense array when it is well filled.

    Dense 0/1 M goes to BLAS, which beats the sparse products above 5 % ones (see
    ``_binary.well_filled``); ``threshold > 0``, so a zero RCA is never a one.
    """
    if sparse.issparse(rca):
        Ms = sparse.csr_array(rca, copy=True)
        Ms.data = (Ms.data >= threshold).astype(float)
        Ms.eliminate_zeros()
        return Ms, (Ms.toarray() if well_filled(Ms) else None)
    ones = rca >= threshold
    # CSR straight from the mask: scipy's dense-to-sparse conversion goes through COO and is 5x slower.
    flat = np.flatnonzero(ones)
    indptr = np.concatenate([[0], np.cumsum(np.count_nonzero(ones, axis=1))])
    n, k = ones.shape
    Ms = sparse.csr_array((np.ones(flat.size), flat % k, indptr), shape=(n, k))
    return Ms, (ones.astype(float) if well_filled(Ms) else None)


def _require_specialised(Ms: sparse.csr_array, X: Matrix, threshold: float) -> None:
    """Refuse regions and industries without a specialisation, naming them by label when there are labels."""
    rows, cols = labels_of(X)
    problems = []
    for axis, kind, labels in ((1, "region(s)", rows), (0, "industry(ies)", cols)):
        empty = np.flatnonzero(np.asarray(Ms.sum(axis=axis)).ravel() == 0)
        if empty.size:
            shown = [labels[i] if labels is not None else int(i) for i in empty[:_SHOWN]]
            more = ", ..." if empty.size > _SHOWN else ""
            problems.append(f"{empty.size} {kind} ({', '.join(map(repr, shown))}{more})")
    if problems:
        raise InvalidParameterError(
            "The 'X' parameter of complexity_pipeline must give every region and industry a specialisation "
            f"(RCA >= {threshold:g}); complexity is undefined for {' and '.join(problems)} with no "
            "specialisation. Drop them first."
        )


def _frame(values: np.ndarray, rows: pd.Index | None, cols: pd.Index | None) -> np.ndarray | pd.DataFrame:
    """A matrix result, labelled when the input was a DataFrame; without the copy pandas makes by default."""
    if rows is None or cols is None:
        return values
    return pd.DataFrame(values, index=rows, columns=cols, copy=False)


def _ones(Ms: sparse.csr_array) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of every one of ``M``."""
    return np.repeat(np.arange(Ms.shape[0]), np.diff(Ms.indptr)), Ms.indices


def _proximity(Ms: sparse.csr_array, Md: np.ndarray | None, k: np.ndarray, diagonal: int) -> np.ndarray:
    """Dense proximity C / max(k_i, k_j) with the given diagonal, C = M^T M."""
    if Md is not None and Ms.shape[0] < _FLOAT32_EXACT:
        M32 = Md.astype(np.float32)
        C = (M32.T @ M32).astype(float)
    elif Md is not None:
        C = Md.T @ Md
    else:
        C = np.asarray((Ms.T @ Ms).toarray())
    denominator = np.maximum.outer(k, k)
    phi = np.divide(C, denominator, out=C, where=denominator > 0)
    np.fill_diagonal(phi, float(diagonal))
    return phi
