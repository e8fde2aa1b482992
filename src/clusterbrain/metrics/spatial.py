"""Spatial autocorrelation of region indicators (Moran's I, LISA) and firm hot spots (DBSCAN), on the sphere."""

from __future__ import annotations

import copy
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import esda
import numpy as np
import pandas as pd
from libpysal.weights import KNN, DistanceBand, W
from sklearn.cluster import DBSCAN
from sklearn.neighbors import BallTree

from clusterbrain._geo import EARTH_RADIUS_KM
from clusterbrain._validation import check_option, check_scalar
from clusterbrain.exceptions import InvalidParameterError

__all__ = [
    "EARTH_RADIUS_KM",
    "FirmHotspots",
    "MoranResult",
    "firm_hotspots",
    "local_morans",
    "morans_i",
    "spatial_weights",
]

MIN_REGIONS = 4  # esda's moments under randomisation divide by n - 2 and n - 3
QUADRANTS = np.array(["HH", "LH", "LL", "HL"])  # esda's q = 1, 2, 3, 4 (not GeoDa's order)
CLUSTERS = {"HH": "hot spot", "LL": "cold spot", "HL": "high-low outlier", "LH": "low-high outlier"}
NOT_SIGNIFICANT = "not significant"


# eq=False for symmetry with the other results holding arrays; the fields here are plain numbers.
@dataclass(frozen=True, eq=False)
class MoranResult:
    r"""Global Moran's I of one indicator with its inference (see :func:`morans_i`).

    Attributes
    ----------
    I : float
        Moran's I.
    expected : float
        :math:`E[I] = -1/(n-1)` under spatial randomness.
    z : float
        :math:`(I - E[I]) / \sqrt{V[I]}` under the normality assumption.
    p_norm : float
        Two-sided p-value of ``z`` under normality.
    p_sim : float
        Pseudo p-value from ``permutations`` random permutations, one-sided in the
        direction of the observed I: :math:`(\min(R_{\ge}, R - R_{\ge}) + 1) / (R + 1)`.
    n : int
        Number of regions.
    permutations : int
        Number of permutations behind ``p_sim``.
    """

    I: float  # noqa: E741 - the name of the statistic in the literature and in esda
    expected: float
    z: float
    p_norm: float
    p_sim: float
    n: int
    permutations: int


@dataclass(frozen=True, eq=False)
class FirmHotspots:
    """Firm hot spots found by :func:`firm_hotspots`.

    Attributes
    ----------
    labels : ndarray or Series of int, shape (n_firms,)
        Hot spot of each firm, 0 the largest, ``-1`` noise (in no hot spot). A Series
        with the index of ``lat`` when ``lat`` is a Series.
    clusters : DataFrame
        One row per hot spot (index ``cluster``): ``n_firms``, ``weight_sum``,
        centroid ``lat`` and ``lon`` (degrees) and ``radius_km``, the great-circle
        distance from the centroid to the farthest member.
    eps_km : float
        Neighbourhood radius used.
    min_samples : int
        Minimum number of firms within ``eps_km`` of a core firm (itself included).
    """

    labels: np.ndarray | pd.Series
    clusters: pd.DataFrame
    eps_km: float
    min_samples: int


def spatial_weights(lat: Any, lon: Any, /, *, method: str = "knn", k: int = 8, threshold_km: float | None = None) -> W:
    r"""Row-standardised spatial weights between region centroids, by great-circle distance.

    With ``method="knn"`` region :math:`j` neighbours region :math:`i` when it is one of
    the ``k`` nearest to :math:`i`; with ``method="distance"`` when the great-circle
    distance :math:`d_{ij} \le` ``threshold_km``. Weights are then row-standardised:

    .. math::

        w_{ij} = \frac{c_{ij}}{\sum_l c_{il}}, \qquad c_{ij} \in \{0, 1\},

    with :math:`d_{ij} = 2R \arcsin\sqrt{\sin^2\frac{\Delta\varphi}{2}
    + \cos\varphi_i\cos\varphi_j\sin^2\frac{\Delta\lambda}{2}}` and
    :math:`R` = :data:`EARTH_RADIUS_KM`.

    Parameters
    ----------
    lat, lon : array-like of shape (n_regions,)
        Centroid latitudes in [-90, 90] and longitudes in [-180, 180], in degrees. When
        either is a Series its index gives the region labels (the ids of the weights);
        two Series must have the same index.
    method : {"knn", "distance"}, default "knn"
        k nearest neighbours, or every region within ``threshold_km``.
    k : int, default 8
        Number of neighbours for ``method="knn"`` (ignored otherwise); fewer than the
        number of regions.
    threshold_km : float, optional
        Distance band in km, required by (and only allowed with) ``method="distance"``.

    Returns
    -------
    libpysal.weights.W
        Row-standardised (``transform == "R"``) weights whose ``id_order`` is the region
        labels (0 … n-1 for unlabelled input).

    Raises
    ------
    InvalidParameterError
        If coordinates are out of range, not finite, of different lengths or duplicate
        labels; if ``k`` is not below the number of regions; if ``threshold_km`` leaves a
        region without neighbours (the message gives the smallest band that does not).

    Notes
    -----
    Built with libpysal's ``KNN`` and ``DistanceBand`` on its arc-distance KD-tree
    (``radius=EARTH_RADIUS_KM``), which searches on the unit sphere: chord length is
    monotone in arc length, so neighbours are exact, and a region at 179.99°E neighbours
    one at 179.99°W. libpysal's warning about disconnected components is silenced: KNN
    graphs of distant groups of regions are legitimately disconnected (check
    ``w.n_components``).

    References
    ----------
    .. [1] Rey, S. J. and Anselin, L. (2007). PySAL: a Python library of spatial
       analytical methods. *Review of Regional Studies* 37(1), 5–27.

    Examples
    --------
    >>> w = spatial_weights([0.0, 0.0, 0.0, 10.0], [0.0, 1.0, 2.0, 0.0], k=1)
    >>> w.neighbors[0], w.neighbors[3]
    ([1], [0])
    >>> w.transform
    'R'
    """
    func = "spatial_weights"
    check_option(method, "method", func, ("knn", "distance"))
    lat_v, lon_v, ids = _coordinates(lat, lon, func)
    n = lat_v.size
    if ids is None:
        ids = list(range(n))  # plain ints: libpysal would otherwise key the weights by numpy integers
    points = np.column_stack([lon_v, lat_v])  # libpysal's arc distances take (lon, lat)
    if method == "knn":
        if threshold_km is not None:
            raise InvalidParameterError(
                f"The 'threshold_km' parameter of {func} is only used with method='distance'. "
                f"Got {threshold_km!r} with method='knn' instead."
            )
        check_scalar(k, "k", func, integer=True, low=1)
        if n <= k:
            raise InvalidParameterError(
                f"{func} needs more regions than neighbours per region: got {n} region(s) for k={k}."
            )
        w = KNN.from_array(points, k=int(k), radius=EARTH_RADIUS_KM, ids=ids, silence_warnings=True)
    else:
        if threshold_km is None:
            raise InvalidParameterError(f"The 'threshold_km' parameter of {func} is required with method='distance'.")
        check_scalar(threshold_km, "threshold_km", func, low=0, closed="neither")
        w = DistanceBand.from_array(
            points, threshold=float(threshold_km), radius=EARTH_RADIUS_KM, ids=ids, silence_warnings=True
        )
        if w.islands:
            nearest = _nearest_km(lat_v, lon_v)
            raise InvalidParameterError(
                f"The 'threshold_km' parameter of {func} leaves {len(w.islands)} region(s) without neighbours "
                f"(e.g. {w.islands[:5]!r}); every region has one within {nearest.max():.4g} km. "
                f"Got {threshold_km!r} instead."
            )
    # libpysal lists neighbours as numpy scalars (np.str_, np.int64); give back the labels
    # themselves, so the weights print, compare and serialise like the ids they came from.
    label = {i: i for i in ids}
    w = W(
        {key: [label[j] for j in nbrs] for key, nbrs in w.neighbors.items()},
        {key: [float(v) for v in vals] for key, vals in w.weights.items()},
        id_order=ids,
        silence_warnings=True,
    )
    w.transform = "r"
    return w


def morans_i(values: Any, w: W, /, *, permutations: int = 999, seed: int | None = 0) -> MoranResult:
    r"""Global Moran's I of a region indicator: do similar values sit next to each other.

    .. math::

        I = \frac{n}{S_0}\,\frac{\sum_i \sum_j w_{ij} z_i z_j}{\sum_i z_i^2},
        \qquad z_i = x_i - \bar x, \qquad S_0 = \sum_{ij} w_{ij},

    with :math:`E[I] = -1/(n-1)` under spatial randomness. :math:`I > E[I]`: like values
    cluster (a smooth gradient); :math:`I < E[I]`: neighbours differ (a checkerboard).

    Parameters
    ----------
    values : array-like of shape (n_regions,) or Series
        The indicator, finite and not constant. A Series is aligned on ``w.id_order``
        (its labels must be exactly the ids of ``w``); an array is taken in that order.
    w : libpysal.weights.W
        Spatial weights, e.g. from :func:`spatial_weights`, without islands. Row-
        standardised for the computation (a copy is made when ``w`` is not).
    permutations : int, default 999
        Random permutations of ``values`` for the pseudo p-value ``p_sim``.
    seed : int or None, default 0
        Seed of the permutations (reproducible by default); ``None`` draws fresh ones.

    Returns
    -------
    MoranResult
        ``I``, ``expected``, ``z``, ``p_norm``, ``p_sim``, ``n``, ``permutations``.

    Raises
    ------
    InvalidParameterError
        If ``values`` are not finite, constant, misaligned with ``w`` or fewer than four;
        if ``w`` has islands; if ``permutations`` or ``seed`` is out of range.

    Notes
    -----
    Wraps ``esda.Moran``. esda draws its permutations from NumPy's global (legacy)
    generator and takes no seed; with ``seed`` set, that generator is seeded for the call
    and its previous state restored afterwards (so not safe to share across threads).

    References
    ----------
    .. [1] Moran, P. A. P. (1950). Notes on continuous stochastic phenomena.
       *Biometrika* 37(1/2), 17–23.
    .. [2] Cliff, A. D. and Ord, J. K. (1981). *Spatial Processes: Models and
       Applications*. London: Pion.

    Examples
    --------
    >>> from libpysal.weights import lat2W
    >>> w = lat2W(4, 4)  # rook contiguity on a 4 x 4 grid
    >>> checkerboard = [(i + j) % 2 for i in range(4) for j in range(4)]
    >>> round(morans_i(checkerboard, w).I, 6)
    -1.0
    """
    func = "morans_i"
    y, w = _indicator(values, w, func)
    check_scalar(permutations, "permutations", func, integer=True, low=1)
    _check_seed(seed, func)
    with _legacy_seed(seed):
        moran = esda.Moran(y, w, transformation="r", permutations=int(permutations), two_tailed=True)
    return MoranResult(
        I=float(moran.I),
        expected=float(moran.EI),
        z=float(moran.z_norm),
        p_norm=float(moran.p_norm),
        p_sim=float(moran.p_sim),
        n=int(moran.n),
        permutations=int(permutations),
    )


def local_morans(
    values: Any, w: W, /, *, permutations: int = 999, significance: float = 0.05, seed: int | None = 0
) -> pd.DataFrame:
    r"""Local Moran's I (LISA) of each region, with its quadrant and hot/cold-spot label.

    .. math::

        I_i = (n - 1)\,\frac{z_i \sum_j w_{ij} z_j}{\sum_k z_k^2},
        \qquad z_i = \frac{x_i - \bar x}{s_x},

    with row-standardised :math:`w`. The quadrant places region :math:`i` on the Moran
    scatterplot: ``HH`` (:math:`z_i > 0`, lag :math:`> 0`), ``LH``, ``LL``, ``HL`` (a
    zero counts as low). Its p-value comes from conditional permutation: :math:`x_i` is
    held fixed and its neighbours drawn from the other regions.

    Parameters
    ----------
    values : array-like of shape (n_regions,) or Series
        The indicator, as in :func:`morans_i`.
    w : libpysal.weights.W
        Spatial weights without islands, as in :func:`morans_i`.
    permutations : int, default 999
        Conditional permutations per region.
    significance : float, default 0.05
        Level in (0, 1) below which (``p_sim < significance``, as esda) a region is a
        hot spot, cold spot or outlier. Not corrected for the n tests; pass e.g.
        ``0.05 / n`` (Bonferroni) for a family-wise level.
    seed : int or None, default 0
        Seed of the permutations (reproducible by default); ``None`` draws fresh ones.

    Returns
    -------
    DataFrame
        Indexed by ``w.id_order`` (name ``region``): ``Ii``; ``quadrant`` (HH, LH, LL,
        HL); ``p_sim``, the one-sided pseudo p-value in the direction of :math:`I_i`; and
        ``cluster``: ``"hot spot"`` (HH), ``"cold spot"`` (LL), ``"high-low outlier"``,
        ``"low-high outlier"``, or ``"not significant"``.

    Raises
    ------
    InvalidParameterError
        As :func:`morans_i`, and if ``significance`` is not in (0, 1).

    Notes
    -----
    Wraps ``esda.Moran_Local``. Its permutation engine is compiled by numba on the first
    call in a process (about half a minute on a small machine); later calls are fast.

    Differs from esda in one case: a region whose value equals the mean (:math:`z_i = 0`)
    has :math:`I_i = 0` in every permutation; esda then reports the smallest pseudo
    p-value :math:`1/(R+1)` (its folding of ties), we report ``p_sim = 1``.

    References
    ----------
    .. [1] Anselin, L. (1995). Local indicators of spatial association—LISA.
       *Geographical Analysis* 27(2), 93–115.
    .. [2] Sokal, R. R., Oden, N. L. and Thomson, B. A. (1998). Local spatial
       autocorrelation in a biological model. *Geographical Analysis* 30(4), 331–354.

    Examples
    --------
    >>> from libpysal.weights import lat2W
    >>> grid = [1.0 if i < 4 and j < 4 else 0.0 for i in range(8) for j in range(8)]
    >>> lisa = local_morans(grid, lat2W(8, 8))  # doctest: +SKIP
    >>> lisa.loc[0, ["quadrant", "cluster"]].tolist()  # doctest: +SKIP
    ['HH', 'hot spot']
    """
    func = "local_morans"
    y, w = _indicator(values, w, func)
    check_scalar(permutations, "permutations", func, integer=True, low=1)
    check_scalar(significance, "significance", func, low=0, high=1, closed="neither")
    _check_seed(seed, func)
    # esda's conditional randomisation warns that its default alternative will change, but
    # Moran_Local does not let callers choose it (the p-value is documented above); and it
    # divides by a zero spread of the permuted I_i for z_i = 0, in a z_sim we do not use.
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.filterwarnings("ignore", message="The alternative hypothesis", category=DeprecationWarning)
        lisa = esda.Moran_Local(y, w, transformation="r", permutations=int(permutations), seed=seed)
    quadrant = QUADRANTS[np.asarray(lisa.q, dtype=int) - 1]
    p_sim = np.asarray(lisa.p_sim, dtype=float)
    # Where every permuted I_i equals the observed one (z_i = 0: a value at the mean) esda
    # folds a full tie to the smallest p-value, 1 / (R + 1); nothing is unusual there: p = 1.
    p_sim[np.all(np.asarray(lisa.sim) == np.asarray(lisa.Is), axis=0)] = 1.0
    cluster = np.where(p_sim < significance, pd.Series(quadrant).map(CLUSTERS).to_numpy(), NOT_SIGNIFICANT)
    return pd.DataFrame(
        {"Ii": np.asarray(lisa.Is, dtype=float), "quadrant": quadrant, "p_sim": p_sim, "cluster": cluster},
        index=pd.Index(w.id_order, name="region"),
    )


def firm_hotspots(
    lat: Any, lon: Any, /, *, eps_km: float = 2.0, min_samples: int = 10, weights: Any = None
) -> FirmHotspots:
    r"""Hot spots of firm locations: DBSCAN with great-circle (haversine) distance.

    A firm is a core firm when at least ``min_samples`` firms (itself included) lie
    within ``eps_km`` of it; a hot spot is a maximal set of cores within ``eps_km`` of
    one another plus the firms within ``eps_km`` of a core; the rest is noise (``-1``).
    Distances are

    .. math::

        d_{ij} = 2R \arcsin\sqrt{\sin^2\frac{\varphi_j - \varphi_i}{2}
        + \cos\varphi_i\cos\varphi_j\sin^2\frac{\lambda_j - \lambda_i}{2}},

    with :math:`R` = :data:`EARTH_RADIUS_KM`, so hot spots cross the antimeridian.

    Parameters
    ----------
    lat, lon : array-like of shape (n_firms,)
        Firm latitudes in [-90, 90] and longitudes in [-180, 180], in degrees; a Series
        ``lat`` (or ``lon``) labels the output ``labels``.
    eps_km : float, default 2.0
        Neighbourhood radius in km.
    min_samples : int, default 10
        Firms within ``eps_km`` (itself included) that make a firm a core firm.
    weights : array-like of shape (n_firms,), optional
        Non-negative firm weights (employment, turnover …) summed per hot spot in
        ``weight_sum``; each firm counts 1 when omitted. They do not change the
        clustering: a hot spot is a concentration of firms, and one large plant should
        not make one on its own.

    Returns
    -------
    FirmHotspots
        ``labels`` per firm (hot spots numbered by decreasing size, ties by first
        discovery) and ``clusters``, one summary row per hot spot; the centroid is the
        normalised mean of the members' unit vectors (correct across the antimeridian).

    Raises
    ------
    InvalidParameterError
        If coordinates are out of range, not finite or of different lengths; if there
        are no firms; if ``weights`` are negative, not finite or of another length; if
        ``eps_km`` or ``min_samples`` is out of range.

    Notes
    -----
    scikit-learn's ``DBSCAN(metric="haversine", algorithm="ball_tree")`` on
    ``(lat, lon)`` in radians, with ``eps = eps_km / R``.

    References
    ----------
    .. [1] Ester, M., Kriegel, H.-P., Sander, J. and Xu, X. (1996). A density-based
       algorithm for discovering clusters in large spatial databases with noise.
       *Proceedings of KDD-96*, 226–231.

    Examples
    --------
    >>> lat = [0.0, 0.0, 0.0, 0.0, 10.0]
    >>> lon = [0.0, 0.005, 0.01, 0.015, 10.0]  # about 0.56 km apart, and one far away
    >>> spots = firm_hotspots(lat, lon, eps_km=1.0, min_samples=3)
    >>> spots.labels.tolist()
    [0, 0, 0, 0, -1]
    >>> spots.clusters[["n_firms", "weight_sum"]].to_numpy().tolist()
    [[4.0, 4.0]]
    """
    func = "firm_hotspots"
    lat_v, lon_v, ids = _coordinates(lat, lon, func, what="firms")
    check_scalar(eps_km, "eps_km", func, low=0, closed="neither")
    check_scalar(min_samples, "min_samples", func, integer=True, low=1)
    n = lat_v.size
    if weights is None:
        weight = np.ones(n)
    else:
        weight = np.asarray(weights, dtype=float).ravel()
        if weight.size != n or not np.all(np.isfinite(weight)) or np.any(weight < 0):
            raise InvalidParameterError(
                f"The 'weights' parameter of {func} must hold {n} finite non-negative numbers (one per firm). "
                f"Got {weight.size} value(s), {int(np.sum(~np.isfinite(weight)))} not finite, "
                f"{int(np.sum(weight < 0))} negative instead."
            )
    radians = np.radians(np.column_stack([lat_v, lon_v]))  # scikit-learn's haversine takes (lat, lon)
    model = DBSCAN(
        eps=float(eps_km) / EARTH_RADIUS_KM, min_samples=int(min_samples), metric="haversine", algorithm="ball_tree"
    )
    raw = model.fit_predict(radians)

    found = raw >= 0
    labels = np.full(n, -1)
    if found.any():
        sizes = np.bincount(raw[found])
        order = np.argsort(-sizes, kind="stable")  # largest first; stable keeps discovery order on ties
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        labels[found] = rank[raw[found]]

    xyz = _unit_vectors(lat_v, lon_v)
    members = pd.DataFrame({"cluster": labels, "weight": weight, "x": xyz[:, 0], "y": xyz[:, 1], "z": xyz[:, 2]})
    members = members[found]
    sums = members.groupby("cluster").agg(
        n_firms=("weight", "size"), weight_sum=("weight", "sum"), x=("x", "sum"), y=("y", "sum"), z=("z", "sum")
    )
    centre = sums[["x", "y", "z"]].to_numpy()
    centre /= np.linalg.norm(centre, axis=1, keepdims=True)
    # distance of each member to its own centroid; atan2 keeps metre accuracy at small angles
    mine = centre[members["cluster"].to_numpy()]
    own = members[["x", "y", "z"]].to_numpy()
    angle = np.arctan2(np.linalg.norm(np.cross(own, mine), axis=1), np.einsum("ij,ij->i", own, mine))
    radius = pd.Series(angle * EARTH_RADIUS_KM).groupby(members["cluster"].to_numpy()).max()
    clusters = pd.DataFrame(
        {
            "n_firms": sums["n_firms"].to_numpy(dtype=int),
            "weight_sum": sums["weight_sum"].to_numpy(dtype=float),
            "lat": np.degrees(np.arcsin(np.clip(centre[:, 2], -1.0, 1.0))),
            "lon": np.degrees(np.arctan2(centre[:, 1], centre[:, 0])),
            "radius_km": radius.reindex(sums.index).to_numpy(dtype=float),
        },
        index=pd.Index(sums.index.to_numpy(dtype=int), name="cluster"),
    )
    out_labels: np.ndarray | pd.Series = labels if ids is None else pd.Series(labels, index=ids, name="cluster")
    return FirmHotspots(labels=out_labels, clusters=clusters, eps_km=float(eps_km), min_samples=int(min_samples))


def _coordinates(lat: Any, lon: Any, func: str, *, what: str = "regions") -> tuple[np.ndarray, np.ndarray, Any]:
    """Validated latitudes and longitudes in degrees, and the labels (a list, or None)."""
    lat_v = np.asarray(lat, dtype=float).ravel()
    lon_v = np.asarray(lon, dtype=float).ravel()
    if lat_v.size != lon_v.size:
        raise InvalidParameterError(
            f"The 'lat' and 'lon' parameters of {func} must have the same length. "
            f"Got {lat_v.size} and {lon_v.size} instead."
        )
    if lat_v.size == 0:
        raise InvalidParameterError(f"{func} needs at least one point. Got no {what}.")
    for name, v, bound in (("lat", lat_v, 90.0), ("lon", lon_v, 180.0)):
        bad = ~np.isfinite(v) | (np.abs(v) > bound)
        if bad.any():
            first = int(np.argmax(bad))
            raise InvalidParameterError(
                f"The '{name}' parameter of {func} must hold finite degrees in [-{bound:g}, {bound:g}]. "
                f"Got {float(v[first])!r} at position {first} ({int(bad.sum())} such value(s)) instead."
            )
    index = None
    series = [s for s in (lat, lon) if isinstance(s, pd.Series)]
    if len(series) == 2 and not series[0].index.equals(series[1].index):
        raise InvalidParameterError(f"The 'lat' and 'lon' Series of {func} must have the same index.")
    if series:
        index = series[0].index
        if index.has_duplicates:
            dup = index[index.duplicated()][0]
            raise InvalidParameterError(f"The labels of {func}'s {what} must be unique. Got {dup!r} twice.")
    return lat_v, lon_v, None if index is None else index.tolist()


def _indicator(values: Any, w: W, func: str) -> tuple[np.ndarray, W]:
    """Validated indicator in the order of ``w.id_order``, and a row-standardised ``w``."""
    if not isinstance(w, W):
        raise InvalidParameterError(
            f"The 'w' parameter of {func} must be a libpysal.weights.W (e.g. from spatial_weights). "
            f"Got {type(w).__name__} instead."
        )
    if w.islands:
        raise InvalidParameterError(
            f"The 'w' parameter of {func} must give every region a neighbour. "
            f"Got {len(w.islands)} island(s), e.g. {w.islands[:5]!r}, instead."
        )
    if isinstance(values, pd.Series):
        ids = pd.Index(w.id_order)
        missing, extra = ids.difference(values.index), values.index.difference(ids)
        if values.index.has_duplicates or len(missing) or len(extra):
            raise InvalidParameterError(
                f"The 'values' Series of {func} must be indexed by the ids of 'w', once each. "
                f"Got {len(missing)} missing (e.g. {missing[:3].tolist()!r}), {len(extra)} unknown "
                f"(e.g. {extra[:3].tolist()!r}) and duplicates={values.index.has_duplicates} instead."
            )
        values = values.reindex(ids)
    y = np.asarray(values, dtype=float).ravel()
    if y.size != w.n:
        raise InvalidParameterError(
            f"The 'values' parameter of {func} must have one value per region of 'w' ({w.n}). Got {y.size} instead."
        )
    if y.size < MIN_REGIONS:
        raise InvalidParameterError(f"{func} needs at least {MIN_REGIONS} regions. Got {y.size}.")
    if not np.all(np.isfinite(y)):
        raise InvalidParameterError(f"The 'values' parameter of {func} must hold finite numbers. Got NaN or inf.")
    if np.ptp(y) == 0:
        raise InvalidParameterError(
            f"The 'values' parameter of {func} must vary across regions (Moran's I is undefined for a constant). "
            f"Got {y[0]!r} everywhere."
        )
    if w.transform.lower() != "r":
        w = copy.deepcopy(w)  # esda row-standardises its argument in place; leave the caller's alone
    return y, w


def _check_seed(seed: int | None, func: str) -> None:
    if seed is not None:
        check_scalar(seed, "seed", func, integer=True, low=0, high=2**32 - 1)


@contextmanager
def _legacy_seed(seed: int | None) -> Iterator[None]:
    """Seed NumPy's global generator for the block (if ``seed`` is set), then restore it."""
    if seed is None:
        yield
        return
    state = np.random.get_state()  # noqa: NPY002
    np.random.seed(seed)  # noqa: NPY002 - esda.Moran draws from the global generator only
    try:
        yield
    finally:
        np.random.set_state(state)  # noqa: NPY002


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    phi, lam = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


def _nearest_km(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Great-circle distance from each point to its nearest other point, in km."""
    tree = BallTree(np.radians(np.column_stack([lat, lon])), metric="haversine")
    dist, _ = tree.query(np.radians(np.column_stack([lat, lon])), k=2)
    return dist[:, 1] * EARTH_RADIUS_KM
