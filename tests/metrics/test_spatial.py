"""Spatial statistics: hand-checkable grids, agreement with esda and scikit-learn, haversine geometry, real data."""

from __future__ import annotations

import esda
import numpy as np
import pandas as pd
import pytest
from libpysal.weights import W, lat2W
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.cluster import DBSCAN

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.metrics.spatial import (
    EARTH_RADIUS_KM,
    FirmHotspots,
    MoranResult,
    firm_hotspots,
    local_morans,
    morans_i,
    spatial_weights,
)
from tests.conftest import require_data

KM_PER_DEGREE = np.pi * EARTH_RADIUS_KM / 180

# esda.Moran_Local compiles its numba permutation engine on the first call in a process
# (about 25 s on a 2-core machine); the tests that call it are marked slow.
lisa = pytest.mark.slow


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2, dl = np.radians(lat1), np.radians(lat2), np.radians(lon2 - lon1)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return float(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h)))


def _grid(rows: int, cols: int, step: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Latitudes and longitudes of a rows x cols grid near the equator, row-major."""
    lat, lon = np.meshgrid(np.arange(rows) * step, np.arange(cols) * step, indexing="ij")
    return lat.ravel(), lon.ravel()


def _disc(rng: np.random.Generator, lat: float, lon: float, n: int, radius_km: float) -> tuple[np.ndarray, np.ndarray]:
    """n random points within radius_km of (lat, lon)."""
    r = radius_km * np.sqrt(rng.random(n))
    theta = 2 * np.pi * rng.random(n)
    return (
        lat + r * np.sin(theta) / KM_PER_DEGREE,
        lon + r * np.cos(theta) / (KM_PER_DEGREE * np.cos(np.radians(lat))),
    )


def _two_blocks() -> np.ndarray:
    """10 x 10 grid, 0 everywhere but a 4 x 4 block of +1 (top left) and of -1 (bottom right)."""
    grid = np.zeros((10, 10))
    grid[:4, :4] = 1.0
    grid[6:, 6:] = -1.0
    return grid.ravel()


# --- spatial_weights -------------------------------------------------------------------


def test_knn_weights_are_row_standardised_and_labelled() -> None:
    lat, lon = _grid(4, 5)
    labels = [f"r{i}" for i in range(20)]
    w = spatial_weights(pd.Series(lat, index=labels), pd.Series(lon, index=labels), k=3)
    assert isinstance(w, W)
    assert w.id_order == labels
    assert w.transform == "R"
    assert all(len(nbrs) == 3 for nbrs in w.neighbors.values())
    assert_allclose(np.asarray(w.sparse.sum(axis=1)).ravel(), 1.0)
    assert all(type(j) is str for nbrs in w.neighbors.values() for j in nbrs)


def test_knn_uses_great_circle_not_degree_distance() -> None:
    # At 80°N, 20° of longitude is about 386 km while 5° of latitude is 556 km: the nearest
    # neighbour of the first point is the second one, though it is farther in degrees.
    w = spatial_weights([80.0, 80.0, 75.0], [0.0, 20.0, 0.0], k=1)
    assert w.neighbors[0] == [1]
    assert _haversine_km(80, 0, 80, 20) < _haversine_km(80, 0, 75, 0)


def test_knn_neighbours_across_the_antimeridian() -> None:
    w = spatial_weights([0.0, 0.0, 0.0, 0.0], [179.99, -179.99, 179.5, -179.5], k=1)
    assert w.neighbors[0] == [1]
    assert w.neighbors[1] == [0]


def test_distance_band_weights() -> None:
    # three points 1° of longitude apart on the equator (111.2 km) and one 5° away
    lat, lon = [0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 2.0, 7.0]
    with pytest.raises(InvalidParameterError, match=r"leaves 1 region\(s\) without neighbours.*within 556"):
        spatial_weights(lat, lon, method="distance", threshold_km=150.0)
    w = spatial_weights(lat, lon, method="distance", threshold_km=600.0)
    assert sorted(w.neighbors[1]) == [0, 2]
    assert sorted(w.neighbors[3]) == [2]
    assert_allclose(w.weights[1], [0.5, 0.5])


@pytest.mark.parametrize(
    ("lat", "lon", "kwargs", "match"),
    [
        ([0, 91, 0], [0, 0, 0], {}, r"'lat' parameter of spatial_weights must hold finite degrees in \[-90, 90\]"),
        ([0, 0, 0], [0, 0, 180.5], {}, r"'lon' parameter .* in \[-180, 180\]. Got 180.5 at position 2"),
        ([0, np.nan, 0], [0, 0, 0], {}, "'lat' parameter .* Got nan"),
        ([0, 1, 2], [0, 1], {}, "must have the same length. Got 3 and 2"),
        ([], [], {}, "needs at least one point"),
        ([0, 1, 2], [0, 1, 2], {"k": 3}, r"more regions than neighbours per region: got 3 region\(s\) for k=3"),
        ([0, 1, 2], [0, 1, 2], {"k": 0}, "The 'k' parameter of spatial_weights must be an int in"),
        ([0, 1, 2], [0, 1, 2], {"method": "queen"}, "The 'method' parameter of spatial_weights must be one of"),
        ([0, 1, 2], [0, 1, 2], {"threshold_km": 100.0}, "only used with method='distance'"),
        ([0, 1, 2], [0, 1, 2], {"method": "distance"}, "'threshold_km' parameter .* is required"),
        ([0, 1, 2], [0, 1, 2], {"method": "distance", "threshold_km": -1.0}, r"must be a float in \(0, inf\)"),
    ],
)
def test_spatial_weights_rejects_bad_input(lat: list, lon: list, kwargs: dict, match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        spatial_weights(lat, lon, **kwargs)


def test_spatial_weights_rejects_mismatched_or_duplicate_labels() -> None:
    with pytest.raises(InvalidParameterError, match="must have the same index"):
        spatial_weights(pd.Series([0.0, 1.0, 2.0], index=list("abc")), pd.Series([0.0, 1.0, 2.0], index=list("abd")))
    with pytest.raises(InvalidParameterError, match="must be unique. Got 'a' twice"):
        spatial_weights(pd.Series([0.0, 1.0, 2.0], index=list("aab")), [0.0, 1.0, 2.0], k=1)


# --- morans_i --------------------------------------------------------------------------


def test_checkerboard_gives_moran_minus_one() -> None:
    # rook neighbours of a checkerboard all have the other colour: z_i * lag_i = -z_i^2
    checkerboard = np.array([(i + j) % 2 for i in range(6) for j in range(6)], dtype=float)
    result = morans_i(checkerboard, lat2W(6, 6))
    assert isinstance(result, MoranResult)
    assert result.I == pytest.approx(-1.0)
    assert result.expected == pytest.approx(-1 / 35)
    assert result.z < 0
    assert result.p_sim == pytest.approx(0.001)


def test_checkerboard_on_knn_weights_is_negative() -> None:
    lat, lon = _grid(6, 6)
    checkerboard = np.array([(i + j) % 2 for i in range(6) for j in range(6)], dtype=float)
    result = morans_i(checkerboard, spatial_weights(lat, lon, k=4))
    assert result.I < -0.5
    assert result.p_norm < 0.01


def test_smooth_gradient_is_strongly_positive() -> None:
    lat, lon = _grid(8, 8)
    result = morans_i(lat + 0.5 * lon, spatial_weights(lat, lon, k=4))
    assert result.I > 0.7
    assert result.z > 5
    assert result.p_sim == pytest.approx(1 / 1000)
    assert result.p_norm < 1e-6
    assert (result.n, result.permutations) == (64, 999)


def test_morans_i_agrees_with_esda() -> None:
    rng = np.random.default_rng(3)
    lat, lon = rng.uniform(20, 45, 60), rng.uniform(100, 125, 60)
    values = lat * 0.1 + rng.normal(size=60)
    w = spatial_weights(lat, lon, k=6)
    ours = morans_i(values, w, permutations=499, seed=42)
    np.random.seed(42)  # noqa: NPY002 - esda.Moran draws from the global generator
    theirs = esda.Moran(values, w, permutations=499)
    assert ours.I == pytest.approx(theirs.I, rel=1e-12)
    assert ours.expected == pytest.approx(theirs.EI)
    assert ours.z == pytest.approx(theirs.z_norm)
    assert ours.p_norm == pytest.approx(theirs.p_norm)
    assert ours.p_sim == theirs.p_sim


def test_morans_i_is_reproducible_and_leaves_the_global_generator_alone() -> None:
    lat, lon = _grid(5, 5)
    values = np.sin(lat) + np.cos(3 * lon)
    w = spatial_weights(lat, lon, k=4)
    np.random.seed(1)  # noqa: NPY002
    expected_next = np.random.random()  # noqa: NPY002
    np.random.seed(1)  # noqa: NPY002
    first = morans_i(values, w, permutations=99, seed=5)
    assert np.random.random() == expected_next  # noqa: NPY002
    assert morans_i(values, w, permutations=99, seed=5).p_sim == first.p_sim


def test_morans_i_invariant_to_affine_rescaling_and_label_order() -> None:
    lat, lon = _grid(5, 6)
    labels = [f"p{i}" for i in range(30)]
    values = pd.Series(lat**2 - lon, index=labels)
    w = spatial_weights(pd.Series(lat, index=labels), pd.Series(lon, index=labels), k=5)
    base = morans_i(values, w)
    assert morans_i(3.0 * values - 7.0, w).I == pytest.approx(base.I)
    shuffled = values.sample(frac=1.0, random_state=0)
    assert morans_i(shuffled, w).I == pytest.approx(base.I)


def test_morans_i_does_not_change_the_callers_weights() -> None:
    w = lat2W(4, 4)
    assert w.transform == "O"
    morans_i(np.arange(16.0), w)
    assert w.transform == "O"


@pytest.mark.parametrize(
    ("values", "kwargs", "match"),
    [
        (np.ones(16), {}, "must vary across regions"),
        (np.r_[np.arange(15.0), np.nan], {}, "must hold finite numbers"),
        (np.arange(15.0), {}, r"one value per region of 'w' \(16\). Got 15"),
        (np.arange(16.0), {"permutations": 0}, "'permutations' parameter of morans_i must be an int in"),
        (np.arange(16.0), {"seed": -1}, "'seed' parameter of morans_i"),
        (np.arange(16.0), {"seed": 1.5}, "'seed' parameter of morans_i"),
    ],
)
def test_morans_i_rejects_bad_input(values: np.ndarray, kwargs: dict, match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        morans_i(values, lat2W(4, 4), **kwargs)


def test_morans_i_rejects_bad_weights_and_labels() -> None:
    with pytest.raises(InvalidParameterError, match="must be a libpysal.weights.W"):
        morans_i(np.arange(4.0), np.eye(4))
    islands = W({0: [1], 1: [0], 2: [3], 3: [2], 4: []}, silence_warnings=True)
    with pytest.raises(InvalidParameterError, match=r"Got 1 island\(s\), e.g. \[4\]"):
        morans_i(np.arange(5.0), islands)
    with pytest.raises(InvalidParameterError, match="at least 4 regions. Got 3"):
        morans_i(np.arange(3.0), W({0: [1], 1: [2], 2: [0]}))
    w = spatial_weights(pd.Series([0.0, 1, 2, 3], index=list("abcd")), [0.0, 1, 2, 3], k=1)
    with pytest.raises(InvalidParameterError, match=r"1 missing \(e.g. \['d'\]\), 1 unknown \(e.g. \['x'\]\)"):
        morans_i(pd.Series([1.0, 2, 3, 4], index=list("abcx")), w)


# --- local_morans ----------------------------------------------------------------------


@lisa
def test_planted_blocks_are_hot_and_cold_spots() -> None:
    lat, lon = _grid(10, 10)
    result = local_morans(_two_blocks(), spatial_weights(lat, lon, k=8), seed=1)
    assert list(result.columns) == ["Ii", "quadrant", "p_sim", "cluster"]
    grid = {col: result[col].to_numpy().reshape(10, 10) for col in result.columns}
    hot, cold = (slice(1, 3), slice(1, 3)), (slice(7, 9), slice(7, 9))  # centres of the blocks
    assert (grid["cluster"][hot] == "hot spot").all()
    assert (grid["quadrant"][hot] == "HH").all()
    assert (grid["p_sim"][hot] < 0.05).all()
    assert (grid["cluster"][cold] == "cold spot").all()
    assert (grid["quadrant"][cold] == "LL").all()
    # far from both blocks the value and its lag are the mean: nothing to see
    assert (grid["cluster"][6:, :2] == "not significant").all()
    assert (grid["cluster"][:2, 6:] == "not significant").all()


@lisa
@pytest.mark.filterwarnings("ignore:The alternative hypothesis:DeprecationWarning")
def test_local_morans_agrees_with_esda_and_sums_to_global_i() -> None:
    rng = np.random.default_rng(11)
    lat, lon = rng.uniform(20, 45, 80), rng.uniform(100, 125, 80)
    values = np.where(lat > 35, 2.0, 0.0) + rng.normal(size=80)
    w = spatial_weights(lat, lon, k=6)
    ours = local_morans(values, w, permutations=499, seed=7)
    theirs = esda.Moran_Local(values, w, permutations=499, seed=7)
    assert_allclose(ours["Ii"], theirs.Is, rtol=1e-12)
    assert_allclose(ours["p_sim"], theirs.p_sim)
    assert_array_equal(ours["quadrant"], np.array(["HH", "LH", "LL", "HL"])[theirs.q - 1])
    # with row-standardised weights, sum_i I_i = (n - 1) I
    assert ours["Ii"].sum() / 79 == pytest.approx(morans_i(values, w).I)
    significant = ours["p_sim"] < 0.05
    assert (ours.loc[~significant, "cluster"] == "not significant").all()
    assert (ours.loc[significant & (ours["quadrant"] == "HL"), "cluster"] == "high-low outlier").all()
    assert (ours.loc[significant & (ours["quadrant"] == "LH"), "cluster"] == "low-high outlier").all()


@lisa
@pytest.mark.filterwarnings("ignore:The alternative hypothesis:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:invalid value encountered in divide:RuntimeWarning")  # esda's z_sim
def test_values_at_the_mean_are_not_significant_unlike_esda() -> None:
    # z_i = 0 makes every permuted I_i equal to the observed 0: esda folds the tie to p = 1/(R+1)
    values = np.r_[1.0, 2.0, 3.0, 2.0, 4.0, 0.0, 2.0, 2.0, 5.0, 0.0, -1.0, 2.0, 4.0, 2.0, 1.0, 3.0]
    assert values.mean() == 2.0
    at_mean = values == 2.0
    ours = local_morans(values, lat2W(4, 4), permutations=99, seed=2)
    theirs = esda.Moran_Local(values, lat2W(4, 4), permutations=99, seed=2)
    assert_allclose(theirs.p_sim[at_mean], 0.01)
    assert_allclose(ours.loc[at_mean, "p_sim"], 1.0)
    assert (ours.loc[at_mean, "cluster"] == "not significant").all()
    assert_allclose(ours.loc[~at_mean, "p_sim"], theirs.p_sim[~at_mean])


@lisa
def test_local_morans_is_reproducible_and_labelled() -> None:
    lat, lon = _grid(6, 6)
    labels = pd.Index([f"c{i}" for i in range(36)])
    w = spatial_weights(pd.Series(lat, index=labels), pd.Series(lon, index=labels), k=4)
    values = pd.Series(np.cos(lat) * lon, index=labels)
    first = local_morans(values, w, permutations=199, seed=3)
    again = local_morans(values.iloc[::-1], w, permutations=199, seed=3)
    pd.testing.assert_frame_equal(first, again)
    assert first.index.name == "region"
    assert list(first.index) == list(labels)


@pytest.mark.parametrize("significance", [0.0, 1.0, -0.1, 2.0])
def test_local_morans_rejects_bad_significance(significance: float) -> None:
    with pytest.raises(InvalidParameterError, match=r"'significance' parameter of local_morans .* in \(0, 1\)"):
        local_morans(np.arange(16.0), lat2W(4, 4), significance=significance)


def test_local_morans_rejects_constant_values() -> None:
    with pytest.raises(InvalidParameterError, match="local_morans must vary"):
        local_morans(np.zeros(16), lat2W(4, 4))


# --- firm_hotspots ---------------------------------------------------------------------


def _planted_firms() -> tuple[np.ndarray, np.ndarray]:
    """15 firms within 0.5 km of Hangzhou, 12 within 0.5 km of a point 500 km north, one loner."""
    rng = np.random.default_rng(0)
    north = 30.0 + 500.0 / KM_PER_DEGREE
    lat_a, lon_a = _disc(rng, 30.0, 120.0, 15, 0.5)
    lat_b, lon_b = _disc(rng, north, 120.0, 12, 0.5)
    return np.r_[lat_a, lat_b, 30.3], np.r_[lon_a, lon_b, 120.3]


def test_dbscan_finds_two_planted_clusters_and_noise() -> None:
    lat, lon = _planted_firms()
    spots = firm_hotspots(lat, lon)
    assert isinstance(spots, FirmHotspots)
    assert_array_equal(spots.labels, [0] * 15 + [1] * 12 + [-1])
    clusters = spots.clusters
    assert list(clusters.columns) == ["n_firms", "weight_sum", "lat", "lon", "radius_km"]
    assert clusters["n_firms"].tolist() == [15, 12]
    assert clusters["weight_sum"].tolist() == [15.0, 12.0]
    assert _haversine_km(*clusters.loc[0, ["lat", "lon"]], 30.0, 120.0) < 0.5
    assert _haversine_km(*clusters.loc[0, ["lat", "lon"]], *clusters.loc[1, ["lat", "lon"]]) == pytest.approx(
        500, abs=1
    )
    assert ((clusters["radius_km"] > 0) & (clusters["radius_km"] < 1.0)).all()


def test_dbscan_radius_is_the_farthest_member() -> None:
    lat, lon = _planted_firms()
    spots = firm_hotspots(lat, lon)
    members = spots.labels == 1
    centre = spots.clusters.loc[1, ["lat", "lon"]]
    farthest = max(_haversine_km(a, b, *centre) for a, b in zip(lat[members], lon[members], strict=True))
    assert spots.clusters.loc[1, "radius_km"] == pytest.approx(farthest, rel=1e-9)


def test_dbscan_cluster_across_the_antimeridian_is_one() -> None:
    lat = np.repeat([-0.002, -0.001, 0.0, 0.001, 0.002], 2)
    lon = np.tile([179.99, -179.99], 5)  # 2.2 km apart across the date line, 359.98° apart in degrees
    spots = firm_hotspots(lat, lon, eps_km=3.0, min_samples=5)
    assert_array_equal(spots.labels, 0)
    row = spots.clusters.loc[0]
    assert abs(row["lon"]) > 179.999
    assert abs(row["lat"]) < 1e-9
    assert row["radius_km"] == pytest.approx(_haversine_km(0.002, 179.99, 0.0, 180.0), rel=1e-6)


def test_dbscan_agrees_with_scikit_learn_partition() -> None:
    rng = np.random.default_rng(5)
    lat = np.r_[rng.normal(31.2, 0.02, 200), rng.normal(31.0, 0.05, 100), rng.uniform(30, 32, 50)]
    lon = np.r_[rng.normal(121.5, 0.02, 200), rng.normal(121.0, 0.05, 100), rng.uniform(120, 122, 50)]
    spots = firm_hotspots(lat, lon, eps_km=1.5, min_samples=8)
    raw = DBSCAN(eps=1.5 / EARTH_RADIUS_KM, min_samples=8, metric="haversine").fit_predict(np.radians(np.c_[lat, lon]))
    pairs = pd.crosstab(raw, spots.labels)
    assert ((pairs > 0).sum(axis=1) == 1).all() and ((pairs > 0).sum(axis=0) == 1).all()
    assert_array_equal(spots.labels == -1, raw == -1)
    assert spots.clusters["n_firms"].is_monotonic_decreasing
    assert spots.clusters["n_firms"].sum() == (raw >= 0).sum()


def test_weights_are_summed_but_do_not_change_the_clusters() -> None:
    lat, lon = _planted_firms()
    weights = np.arange(lat.size, dtype=float)
    spots = firm_hotspots(lat, lon, weights=weights)
    assert_array_equal(spots.labels, firm_hotspots(lat, lon).labels)
    assert spots.clusters["weight_sum"].tolist() == [weights[:15].sum(), weights[15:27].sum()]


def test_firm_labels_follow_a_series_index_and_all_noise_gives_no_clusters() -> None:
    ids = [f"firm{i}" for i in range(3)]
    spots = firm_hotspots(pd.Series([0.0, 10.0, 20.0], index=ids), [0.0, 0.0, 0.0], min_samples=2)
    assert isinstance(spots.labels, pd.Series)
    assert spots.labels.to_dict() == dict.fromkeys(ids, -1)
    assert spots.clusters.empty
    assert list(spots.clusters.columns) == ["n_firms", "weight_sum", "lat", "lon", "radius_km"]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"eps_km": 0.0}, r"'eps_km' parameter of firm_hotspots must be a float in \(0, inf\)"),
        ({"min_samples": 0}, "'min_samples' parameter of firm_hotspots must be an int"),
        ({"weights": [1.0, -1.0, 1.0]}, "1 negative"),
        ({"weights": [1.0, np.nan, 1.0]}, "1 not finite"),
        ({"weights": [1.0, 1.0]}, r"must hold 3 finite non-negative numbers \(one per firm\). Got 2"),
    ],
)
def test_firm_hotspots_rejects_bad_parameters(kwargs: dict, match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        firm_hotspots([0.0, 0.0, 0.0], [0.0, 0.01, 0.02], **kwargs)


def test_firm_hotspots_rejects_bad_coordinates() -> None:
    with pytest.raises(InvalidParameterError, match="'lat' parameter of firm_hotspots must hold finite degrees"):
        firm_hotspots([0.0, -90.5], [0.0, 0.0])
    with pytest.raises(InvalidParameterError, match="needs at least one point. Got no firms"):
        firm_hotspots([], [])


# --- real data -------------------------------------------------------------------------


def test_listed_firms_cluster_across_chinese_provinces() -> None:
    path = require_data("cn_listed_companies/stock_basic.csv")
    from clusterbrain.store.regions import china_regions  # the store is the test's data source, not the engine's

    regions = china_regions().to_pandas()
    provinces = regions[regions["level"] == "province"].set_index("region_id")
    # province centroid: mean of its prefecture-level cities (Hong Kong, Macau and Taiwan
    # have none, and no A-share listings either)
    centroids = regions[regions["level"] == "city"].groupby("parent_id")[["lat", "lon"]].mean()
    centroids = centroids[centroids.index.isin(provinces.index)]

    firms = pd.read_csv(path, dtype=str)
    area = firms["area"].dropna().replace({"深圳": "广东"})  # Shenzhen is listed apart from Guangdong
    province_of = {}
    for name in area.unique():
        match = provinces.index[provinces["name"].str.startswith(name)]
        assert len(match) == 1, f"area {name!r} matches {list(match)}"
        province_of[name] = match[0]
    counts = area.map(province_of).value_counts().reindex(centroids.index, fill_value=0)
    assert len(counts) == 31 and (counts > 0).all()
    assert counts.sum() == firms["area"].notna().sum()
    assert counts.idxmax() == "440000"  # Guangdong with Shenzhen

    w = spatial_weights(centroids["lat"], centroids["lon"], k=4)
    result = morans_i(counts, w)
    assert isinstance(result, MoranResult)
    assert np.isfinite([result.I, result.z, result.p_norm, result.p_sim]).all()
    assert result.n == 31
    # Listings concentrate on the east coast (Zhejiang, Jiangsu, Shanghai, Guangdong, ...):
    # positive autocorrelation, I = 0.237 with p_sim = 0.011 under seed 0.
    assert result.I > result.expected
    assert 0 < result.p_sim <= 1
