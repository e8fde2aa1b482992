"""Relatedness: proximity between industries, relatedness density and distance of regions to industries."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from clusterbrain._validation import check_option
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.metrics._binary import (
    Vector,
    as_binary,
    as_industry_vector,
    as_like_m,
    as_square,
    left_product,
    well_filled,
)
from clusterbrain.metrics._matrix import Matrix, labels_of, relabel, relabel_matrix

__all__ = ["complexity_outlook", "complexity_outlook_gain", "density", "distance", "proximity"]


def proximity(M: Matrix, /, *, diagonal: int = 1) -> Matrix:
    r"""Proximity between industries: the smaller of the two conditional probabilities of co-specialisation.

    .. math::

        \varphi_{ij} = \min\{P(M_{ri}=1 \mid M_{rj}=1),\ P(M_{rj}=1 \mid M_{ri}=1)\}
                     = \frac{C_{ij}}{\max(k_i, k_j)}, \qquad C = M^\top M,

    where :math:`C_{ij}` counts the regions specialised in both :math:`i` and :math:`j` and
    :math:`k_i = C_{ii}` is the ubiquity of :math:`i`.

    Parameters
    ----------
    M : array-like of shape (n_regions, n_industries)
        Binary (0/1) specialisation matrix: ndarray, scipy sparse or DataFrame.
    diagonal : {1, 0}, default 1
        :math:`\varphi_{ii}`: 1 as the formula gives and py-ecomplexity / the Atlas use (an
        industry counts towards its own density), or 0 as EconGeo (only other industries count).

    Returns
    -------
    ndarray or DataFrame of shape (n_industries, n_industries)
        Symmetric, in [0, 1]; labelled by the columns of ``M`` on both axes when it is a DataFrame.

    Raises
    ------
    InvalidParameterError
        If ``M`` is not binary or ``diagonal`` is not 0 or 1.

    Notes
    -----
    An industry in which no region is specialised has proximity 0 to every other industry
    (there is no evidence of relatedness), and ``diagonal`` to itself.

    References
    ----------
    .. [1] Hidalgo, C. A., Klinger, B., Barabasi, A.-L., & Hausmann, R. (2007). The product space
       conditions the development of nations. Science, 317(5837), 482-487.
       https://doi.org/10.1126/science.1144581
    .. [2] Harvard Growth Lab, py-ecomplexity, ``calc_discrete_proximity``.
    .. [3] Balland, P.-A. (2017). Economic Geography in R: Introduction to the EconGeo package.
       Papers in Evolutionary Economic Geography, 17.09.

    Examples
    --------
    >>> phi = proximity([[1, 1, 0], [1, 0, 1], [1, 1, 1]])
    >>> np.round(phi, 3).tolist()
    [[1.0, 0.667, 0.667], [0.667, 1.0, 0.5], [0.667, 0.5, 1.0]]
    """
    func = "proximity"
    check_option(diagonal, "diagonal", func, (1, 0))
    Ms = as_binary(M, func)
    C = _gram(Ms)
    k = np.diag(C).copy()
    denominator = np.maximum.outer(k, k)
    phi = np.divide(C, denominator, out=np.zeros_like(C), where=denominator > 0)
    np.fill_diagonal(phi, float(diagonal))
    _, cols = labels_of(M)
    return phi if cols is None else pd.DataFrame(phi, index=cols, columns=cols)


def density(M: Matrix, phi: Matrix, /) -> Matrix:
    r"""Relatedness density: the share of an industry's related industries in which a region is specialised.

    .. math::

        \omega_{ri} = \frac{\sum_j M_{rj}\, \varphi_{ij}}{\sum_j \varphi_{ij}}.

    Parameters
    ----------
    M : array-like of shape (n_regions, n_industries)
        Binary (0/1) specialisation matrix: ndarray, scipy sparse or DataFrame.
    phi : array-like of shape (n_industries, n_industries)
        Non-negative relatedness between industries, e.g. :func:`proximity` or
        :func:`~clusterbrain.metrics.colocation.colocation_relatedness`. A DataFrame is aligned
        to the columns of a DataFrame ``M`` by label.

    Returns
    -------
    ndarray or DataFrame of shape (n_regions, n_industries)
        Values in [0, 1], for every cell (also where :math:`M_{ri} = 1`), labelled like ``M``.

    Raises
    ------
    InvalidParameterError
        If ``M`` is not binary, or ``phi`` is not a finite non-negative square matrix matching
        the industries of ``M``.

    Notes
    -----
    With ``diagonal=1`` proximity, a region's own specialisation in :math:`i` counts towards
    :math:`\omega_{ri}`, as in py-ecomplexity (whose ``density`` equals this one exactly). An
    industry related to nothing (:math:`\sum_j \varphi_{ij} = 0`) has density 0 everywhere.

    References
    ----------
    .. [1] Hidalgo, C. A., Klinger, B., Barabasi, A.-L., & Hausmann, R. (2007). The product space
       conditions the development of nations. Science, 317(5837), 482-487.
    .. [2] Hausmann, R., Hidalgo, C. A., et al. (2014). The Atlas of Economic Complexity. MIT Press.

    Examples
    --------
    >>> M = [[1, 1, 0], [1, 0, 1], [1, 1, 1]]
    >>> np.round(density(M, proximity(M)), 3).tolist()
    [[0.714, 0.769, 0.538], [0.714, 0.538, 0.769], [1.0, 1.0, 1.0]]
    """
    func = "density"
    Ms = as_binary(M, func)
    phi_values = as_square(phi, func, M, Ms.shape[1])
    return relabel_matrix(_density(Ms, phi_values), M)


def distance(M: Matrix, phi: Matrix, /) -> Matrix:
    r"""Distance of a region to an industry: one minus relatedness density.

    .. math::

        d_{ri} = 1 - \omega_{ri} = \frac{\sum_j (1 - M_{rj})\, \varphi_{ij}}{\sum_j \varphi_{ij}}.

    Parameters
    ----------
    M : array-like of shape (n_regions, n_industries)
        Binary (0/1) specialisation matrix: ndarray, scipy sparse or DataFrame.
    phi : array-like of shape (n_industries, n_industries)
        Non-negative relatedness between industries, e.g. :func:`proximity`.

    Returns
    -------
    ndarray or DataFrame of shape (n_regions, n_industries)
        Values in [0, 1], labelled like ``M``.

    Raises
    ------
    InvalidParameterError
        As :func:`density`.

    References
    ----------
    .. [1] Hausmann, R., Hidalgo, C. A., et al. (2014). The Atlas of Economic Complexity. MIT Press.

    Examples
    --------
    >>> M = [[1, 1, 0], [1, 0, 1], [1, 1, 1]]
    >>> np.round(distance(M, proximity(M)), 3).tolist()
    [[0.286, 0.231, 0.462], [0.286, 0.462, 0.231], [0.0, 0.0, 0.0]]
    """
    func = "distance"
    Ms = as_binary(M, func)
    phi_values = as_square(phi, func, M, Ms.shape[1])
    return relabel_matrix(1.0 - _density(Ms, phi_values), M)


def complexity_outlook(
    M: Matrix, phi: Matrix, pci: object, /, *, convention: str = "atlas", density: Matrix | None = None
) -> Vector:
    r"""Complexity outlook index (COI): how much complex, nearby capability a region has not yet used.

    With relatedness density :math:`\omega_{ri} = 1 - d_{ri}` (:func:`density`),

    .. math::

        \text{atlas:}\quad \mathrm{COI}_r = \sum_i \omega_{ri}\,(1 - M_{ri})\,\mathrm{PCI}_i,

    .. math::

        \text{ecomplexity:}\quad \mathrm{COI}_r = \operatorname{std}\Bigl(\sum_i \omega_{ri}\,
        (1 - M_{ri})\,(\mathrm{PCI}_i - c)\Bigr), \qquad c = \frac{\sum_i k_i\,\mathrm{PCI}_i}{\sum_i k_i},

    where :math:`\operatorname{std}` standardises across regions (mean 0, standard deviation
    with ddof 0) and :math:`k_i` is the ubiquity of :math:`i` in ``M``.

    Parameters
    ----------
    M : array-like of shape (n_regions, n_industries)
        Binary (0/1) specialisation matrix: ndarray, scipy sparse or DataFrame.
    phi : array-like of shape (n_industries, n_industries)
        Non-negative relatedness between industries, e.g. :func:`proximity`.
    pci : array-like of shape (n_industries,)
        Product complexity, normally ``economic_complexity(M).pci``; a Series is aligned to the
        columns of a DataFrame ``M`` by label.
    convention : {"atlas", "ecomplexity"}, default "atlas"
        ``"atlas"``: the Atlas of Economic Complexity formula with ``pci`` as given.
        ``"ecomplexity"``: exactly what py-ecomplexity (and the Stata package) reports, see Notes.
    density : array-like of shape (n_regions, n_industries), optional
        ``density(M, phi)`` when already computed; saves the one costly product (labels as ``M``).

    Returns
    -------
    ndarray or Series of shape (n_regions,)
        Labelled by the rows of ``M`` when it is a DataFrame.

    Raises
    ------
    InvalidParameterError
        If ``M`` is not binary, ``phi`` does not match its industries, ``pci`` is not one finite
        value per industry, ``convention`` is unknown, or (``"ecomplexity"``) COI is the same in
        every region and cannot be standardised.

    Notes
    -----
    py-ecomplexity computes COI with the PCI *before* its final scaling -- the raw eigenvector,
    whose ubiquity-weighted mean is 0 -- and then standardises COI itself. Given the scaled PCI
    of :func:`~clusterbrain.metrics.complexity.economic_complexity`, the raw one is, up to a
    positive factor that the standardisation removes, ``pci`` minus its ubiquity-weighted mean
    :math:`c` (an identity of the eigenvector); the ``"ecomplexity"`` convention applies exactly
    this, and so reproduces the package's ``coi`` column (tested to 1e-9).

    References
    ----------
    .. [1] Hausmann, R., Hidalgo, C. A., et al. (2014). The Atlas of Economic Complexity:
       Mapping Paths to Prosperity. MIT Press. (Technical box "Complexity outlook".)
    .. [2] Harvard Growth Lab, py-ecomplexity, ``calc_coi_cog``.

    Examples
    --------
    >>> M = [[1, 1, 0], [1, 0, 1], [1, 1, 1]]
    >>> phi = proximity(M)
    >>> np.round(complexity_outlook(M, phi, [-1.0, 0.5, 1.0]), 3).tolist()
    [0.538, 0.269, 0.0]
    """
    func = "complexity_outlook"
    check_option(convention, "convention", func, ("atlas", "ecomplexity"))
    Ms, phi_values, pci_values = _outlook_inputs(M, phi, pci, func, convention)
    omega = _density(Ms, phi_values) if density is None else as_like_m(density, M, Ms.shape, func, name="density")
    coi = (omega * (1.0 - Ms.toarray())) @ pci_values
    if convention == "ecomplexity":
        sd = coi.std()
        if not sd > 0:
            raise InvalidParameterError(
                f"The 'M' parameter of {func} must give COI that differs between regions to standardise it "
                f"(convention 'ecomplexity'). Got the same value {coi[0]!r} in every region instead."
            )
        coi = (coi - coi.mean()) / sd
    return relabel(coi, labels_of(M)[0], "coi")


def complexity_outlook_gain(
    M: Matrix, phi: Matrix, pci: object, /, *, convention: str = "atlas", density: Matrix | None = None
) -> Matrix:
    r"""Complexity outlook gain (COG): how much a region's outlook improves by specialising in an industry.

    With :math:`\omega_{ri} = 1 - d_{ri}` from :func:`density` and :math:`s_j = \sum_k \varphi_{jk}`,

    .. math::

        \text{atlas:}\quad \mathrm{COG}_{ri} = (1 - M_{ri}) \Bigl[\sum_j \frac{\varphi_{ji}}{s_j}
        (1 - M_{rj})\,\mathrm{PCI}_j - \omega_{ri}\,\mathrm{PCI}_i\Bigr],

    .. math::

        \text{ecomplexity:}\quad \mathrm{COG}_{ri} = (1 - M_{ri}) \sum_j \frac{\varphi_{ji}}{s_j}
        (1 - M_{rj})\,(\mathrm{PCI}_j - c), \qquad c = \frac{\sum_j k_j\,\mathrm{PCI}_j}{\sum_j k_j}.

    The first sum is the gain in density of every still-open neighbour :math:`j`, weighted by
    its complexity and normalised by the neighbour's own proximity sum (the derivative of COI);
    the Atlas subtracts the outlook that :math:`i` itself stops contributing once it is taken.

    Parameters
    ----------
    M : array-like of shape (n_regions, n_industries)
        Binary (0/1) specialisation matrix: ndarray, scipy sparse or DataFrame.
    phi : array-like of shape (n_industries, n_industries)
        Non-negative relatedness between industries, e.g. :func:`proximity`.
    pci : array-like of shape (n_industries,)
        Product complexity, normally ``economic_complexity(M).pci``.
    convention : {"atlas", "ecomplexity"}, default "atlas"
        ``"atlas"``: the Atlas formula with ``pci`` as given. ``"ecomplexity"``: exactly
        py-ecomplexity's ``cog``, see Notes.
    density : array-like of shape (n_regions, n_industries), optional
        ``density(M, phi)`` when already computed (only the ``"atlas"`` convention uses it).

    Returns
    -------
    ndarray or DataFrame of shape (n_regions, n_industries)
        0 where :math:`M_{ri} = 1` (no gain from what a region already has); labelled like ``M``.

    Raises
    ------
    InvalidParameterError
        As :func:`complexity_outlook`.

    Notes
    -----
    py-ecomplexity differs from the Atlas in two ways, both reproduced by ``"ecomplexity"``
    (tested to 1e-9 against its ``cog`` column): it omits the term
    :math:`-\omega_{ri}\mathrm{PCI}_i`, and its PCI is the raw eigenvector divided by the
    standard deviation of the raw ECI, i.e. the scaled PCI minus :math:`c` (see
    :func:`complexity_outlook`). For a symmetric :math:`\varphi` (proximity, co-location),
    :math:`\varphi_{ji} = \varphi_{ij}` as the Atlas writes it.

    References
    ----------
    .. [1] Hausmann, R., Hidalgo, C. A., et al. (2014). The Atlas of Economic Complexity:
       Mapping Paths to Prosperity. MIT Press. (Technical box "Complexity outlook gain".)
    .. [2] Harvard Growth Lab, py-ecomplexity, ``calc_coi_cog``.

    Examples
    --------
    >>> M = [[1, 1, 0], [1, 0, 1], [1, 1, 1]]
    >>> np.round(complexity_outlook_gain(M, proximity(M), [-1.0, 0.5, 1.0]), 3).tolist()
    [[0.0, 0.0, -0.077], [0.0, -0.038, 0.0], [0.0, 0.0, 0.0]]
    """
    func = "complexity_outlook_gain"
    check_option(convention, "convention", func, ("atlas", "ecomplexity"))
    Ms, phi_values, pci_values = _outlook_inputs(M, phi, pci, func, convention)
    total = phi_values.sum(axis=1)
    scale = np.divide(pci_values, total, out=np.zeros_like(total), where=total > 0)
    A = phi_values * scale[:, np.newaxis]  # A[j, i] = phi_ji PCI_j / s_j
    # (1 - M) @ A without the dense (1 - M): column sums of A less M @ A.
    gain = A.sum(axis=0)[np.newaxis, :] - left_product(Ms, A)
    if convention == "atlas":
        omega = _density(Ms, phi_values) if density is None else as_like_m(density, M, Ms.shape, func, name="density")
        gain -= omega * pci_values[np.newaxis, :]
    gain[Ms.toarray() == 1.0] = 0.0
    return relabel_matrix(gain, M)


def _outlook_inputs(
    M: Matrix, phi: Matrix, pci: object, func: str, convention: str
) -> tuple[sparse.csr_array, np.ndarray, np.ndarray]:
    Ms = as_binary(M, func)
    n = Ms.shape[1]
    phi_values = as_square(phi, func, M, n)
    pci_values = as_industry_vector(pci, "pci", func, M, n)
    if convention == "ecomplexity":
        ubiquity = np.asarray(Ms.sum(axis=0)).ravel()
        if ubiquity.sum() > 0:
            pci_values = pci_values - (ubiquity @ pci_values) / ubiquity.sum()
    return Ms, phi_values, pci_values


def _density(Ms: sparse.csr_array, phi: np.ndarray) -> np.ndarray:
    total = phi.sum(axis=1)
    weights = np.divide(phi, total[:, np.newaxis], out=np.zeros_like(phi), where=total[:, np.newaxis] > 0)
    # Mathematically in [0, 1]; clipped so that rounding cannot give 1 + 1e-16 (and distance -0.0).
    return np.clip(left_product(Ms, weights.T), 0.0, 1.0)


def _gram(Ms: sparse.csr_array) -> np.ndarray:
    """Dense ``M.T @ M``."""
    if well_filled(Ms):
        D = Ms.toarray()
        return D.T @ D
    return np.asarray((Ms.T @ Ms).toarray())
