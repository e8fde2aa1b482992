"""Location quotient, presence and LQ confidence: hand-computed answers, invariants, errors, input kinds, py-ecomplexity."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import sparse

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.metrics.specialization import location_quotient, lq_confidence, presence
from tests.conftest import require_data

X = np.array([[10.0, 10.0], [10.0, 30.0]])


def _random(n: int = 7, k: int = 5, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    values = rng.poisson(20, size=(n, k)).astype(float)
    values[rng.random((n, k)) < 0.3] = 0.0
    values[:, 0] += 1.0  # no empty row
    values[0] += 1.0  # no empty column
    return values


# --- location_quotient ---------------------------------------------------------------------


def test_location_quotient_hand_computed() -> None:
    # rows 20, 40; columns 20, 40; total 60: (10/20)/(20/60) = 1.5, (10/20)/(40/60) = 0.75, ...
    assert_allclose(location_quotient(X), [[1.5, 0.75], [0.75, 1.125]])


def test_rpop_hand_computed() -> None:
    # population 1 and 3 (total 4): (10/1)/(20/4) = 2, (10/1)/(40/4) = 1, (10/3)/(20/4) = 2/3, (30/3)/(40/4) = 1
    assert_allclose(location_quotient(X, population=[1, 3]), [[2.0, 1.0], [2 / 3, 1.0]])


def test_location_quotient_sets_empty_rows_and_columns_to_zero() -> None:
    lq = location_quotient([[0, 0, 0], [1, 0, 3]])
    assert_array_equal(lq, [[0, 0, 0], [1, 0, 1]])


def test_location_quotient_is_unchanged_by_scaling() -> None:
    values = _random()
    assert_allclose(location_quotient(values * 7.3), location_quotient(values), rtol=1e-12)


def test_location_quotient_permutes_with_rows_and_columns() -> None:
    values = _random()
    rows, cols = np.random.default_rng(1).permutation(7), np.random.default_rng(2).permutation(5)
    assert_allclose(location_quotient(values[rows][:, cols]), location_quotient(values)[rows][:, cols])


def test_location_quotient_weighted_mean_over_regions_is_one() -> None:
    values = _random()
    weights = values.sum(axis=1) / values.sum()
    assert_allclose(weights @ location_quotient(values), np.ones(5), rtol=1e-12)


def test_location_quotient_same_for_ndarray_sparse_and_dataframe() -> None:
    values = _random()
    frame = pd.DataFrame(values, index=[f"r{i}" for i in range(7)], columns=list("abcde"))
    dense = location_quotient(values)
    from_sparse = location_quotient(sparse.csr_array(values))
    from_frame = location_quotient(frame)
    assert sparse.issparse(from_sparse)
    assert from_sparse.nnz == np.count_nonzero(values)
    assert_allclose(from_sparse.toarray(), dense, rtol=1e-12)
    assert list(from_frame.index) == list(frame.index) and list(from_frame.columns) == list("abcde")
    assert_allclose(from_frame.to_numpy(), dense)


def test_rpop_aligns_a_population_series_on_the_region_labels() -> None:
    frame = pd.DataFrame(X, index=["p", "q"], columns=["a", "b"])
    population = pd.Series({"q": 3.0, "p": 1.0, "unused": 99.0})
    assert_allclose(location_quotient(frame, population=population).to_numpy(), [[2.0, 1.0], [2 / 3, 1.0]])


@pytest.mark.parametrize(
    ("values", "match"),
    [
        ([[1.0, -1.0]], "must be non-negative"),
        ([[1.0, np.nan]], "must hold finite numbers"),
        ([1.0, 2.0], "must be a non-empty 2-d array"),
        ([[0.0, 0.0], [0.0, 0.0]], "must have a positive total"),
    ],
)
def test_location_quotient_rejects_invalid_matrices(values: list, match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        location_quotient(values)


def test_rpop_rejects_a_population_missing_a_region() -> None:
    frame = pd.DataFrame(X, index=["aut", "blx"], columns=["a", "b"])
    with pytest.raises(InvalidParameterError, match=r"Got none for 1 region\(s\): \['blx'\]"):
        location_quotient(frame, population=pd.Series({"aut": 8e6}))


@pytest.mark.parametrize(
    ("population", "match"),
    [([1.0, 0.0], "positive finite"), ([1.0, np.nan], "positive finite"), ([1.0], r"shape \(2,\)")],
)
def test_rpop_rejects_invalid_populations(population: list, match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        location_quotient(X, population=population)


# --- presence ------------------------------------------------------------------------------


def test_presence_hand_computed() -> None:
    assert_array_equal(presence(X), [[1, 0], [0, 1]])
    assert_array_equal(presence(X, threshold=0.7), [[1, 1], [1, 1]])
    assert_array_equal(presence(X, threshold=1.2), [[1, 0], [0, 0]])


def test_presence_counts_an_lq_of_exactly_the_threshold() -> None:
    assert_array_equal(presence([[1, 1], [1, 1]]), np.ones((2, 2)))


def test_presence_keeps_sparse_input_sparse() -> None:
    values = _random()
    m = presence(sparse.csr_array(values))
    assert sparse.issparse(m)
    assert set(np.unique(m.data)) == {1.0}
    assert_array_equal(m.toarray(), presence(values))


def test_presence_sums_duplicate_sparse_entries_first() -> None:
    # Cell (0, 0) is stored twice as 0.5: the matrix is [[1, 0], [1, 1]], whose LQ is [[1.5, 0], [0.75, 1.5]].
    dup = sparse.csr_array((np.array([0.5, 0.5, 1.0, 1.0]), np.array([0, 0, 1, 0]), np.array([0, 2, 4])), shape=(2, 2))
    assert_array_equal(presence(dup).toarray(), [[1, 0], [0, 1]])


def test_presence_rejects_a_non_positive_threshold() -> None:
    message = "The 'threshold' parameter of presence must be a float in (0, inf). Got -1 instead."
    with pytest.raises(InvalidParameterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        presence(X, threshold=-1)


# --- lq_confidence -------------------------------------------------------------------------


def test_lq_confidence_poisson_matches_garwood_table() -> None:
    # Each first cell has expected count E = x_r x_i / x = 1, so its interval is the Poisson one.
    one = lq_confidence([[1, 9], [9, 81]])
    assert_allclose([one.lower[0, 0], one.upper[0, 0]], [0.0253, 5.5716], atol=1e-4)
    zero = lq_confidence([[0, 10], [10, 80]])
    assert zero.lower[0, 0] == 0.0
    assert_allclose(zero.upper[0, 0], -math.log(0.025))  # 3.6889
    ten = lq_confidence([[10, 90], [90, 9810]])
    assert_allclose(ten.lq[0, 0], 10.0)
    assert_allclose([ten.lower[0, 0], ten.upper[0, 0]], [4.7954, 18.3904], atol=1e-4)


def test_lq_confidence_binomial_matches_clopper_pearson_closed_forms() -> None:
    # Region 0 has n = 10: none in industry 0 (national share 1/3), all 10 in industry 1 (share 2/3).
    ci = lq_confidence([[0, 10], [10, 10]], method="binomial")
    assert_allclose(ci.upper[0, 0], (1 - 0.025 ** (1 / 10)) * 3)  # 0.9255
    assert_allclose(ci.lower[0, 1], 0.025 ** (1 / 10) * 1.5)  # 1.0372
    assert_allclose(ci.upper[0, 1], 1.5)


def test_lq_confidence_flags_small_counts_and_intervals_containing_one() -> None:
    ci = lq_confidence([[3, 7], [100, 9890]])
    assert ci.lower[0, 0] > 1.0  # LQ 29 on three firms: "significant" ...
    assert ci.small_count[0, 0] and ci.unreliable[0, 0]  # ... but built on three firms
    assert ci.includes_one[1, 1] and not ci.small_count[1, 1] and ci.unreliable[1, 1]
    assert not lq_confidence([[3, 7], [100, 9890]], min_count=3).small_count[0, 0]


def test_lq_confidence_narrows_with_more_counts_and_contains_the_lq() -> None:
    small, large = lq_confidence(_random()), lq_confidence(_random() * 100)
    assert np.all(small.lower <= small.lq) and np.all(small.lq <= small.upper)
    assert np.all((large.upper - large.lower) <= (small.upper - small.lower))
    assert lq_confidence(_random(), level=0.99).upper.sum() > small.upper.sum()


def test_lq_confidence_has_no_upper_bound_without_information() -> None:
    ci = lq_confidence([[0, 0], [1, 3]])
    assert_array_equal(ci.upper[0], [np.inf, np.inf])
    assert ci.unreliable[0].all()
    assert not np.isnan(ci.lower).any()


def test_lq_confidence_same_for_ndarray_sparse_and_dataframe() -> None:
    values = _random()
    frame = pd.DataFrame(values, index=[f"r{i}" for i in range(7)], columns=list("abcde"))
    dense, from_sparse, from_frame = (
        lq_confidence(v, method="binomial") for v in (values, sparse.csr_array(values), frame)
    )
    assert_allclose(from_sparse.upper, dense.upper)
    assert_allclose(from_frame.lower.to_numpy(), dense.lower)
    assert list(from_frame.unreliable.columns) == list("abcde")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"level": 1.5}, r"'level' parameter of lq_confidence must be a float in \(0, 1\)"),
        ({"method": "normal"}, r"'method' parameter of lq_confidence must be one of \{'poisson', 'binomial'\}"),
        ({"min_count": -1}, r"'min_count' parameter of lq_confidence must be a float in \[0, inf\)"),
    ],
)
def test_lq_confidence_rejects_invalid_parameters(kwargs: dict, match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        lq_confidence(X, **kwargs)


# --- agreement with py-ecomplexity on its own trade sample ----------------------------------


COLS = {"time": "year", "loc": "origin", "prod": "hs92", "val": "export_val"}


def _trade(year: int = 1995) -> pd.DataFrame:
    trade = pd.read_csv(require_data("ecomplexity_trade_sample/trade_data_sample.csv"), dtype={"hs92": str})
    return trade[trade["year"] == year]


def _peer(trade: pd.DataFrame, **kwargs: object) -> pd.DataFrame:
    ecomplexity = pytest.importorskip("ecomplexity")
    with warnings.catch_warnings():
        # The peer warns about its own ECI/PCI (NaN with a missing population); only rca/rpop are compared.
        warnings.simplefilter("ignore")
        return ecomplexity.ecomplexity(trade, COLS, verbose=False, check_logsupermodularity=False, **kwargs)


def test_location_quotient_agrees_with_ecomplexity_rca() -> None:
    trade = _trade()
    peer = _peer(trade).pivot(index="origin", columns="hs92", values="rca")
    matrix = trade.pivot(index="origin", columns="hs92", values="export_val")
    ours = location_quotient(matrix)
    assert ours.shape == (10, 30)
    assert_allclose(ours.loc[peer.index, peer.columns].to_numpy(), peer.to_numpy(), rtol=1e-12)
    mcp = _peer(trade).pivot(index="origin", columns="hs92", values="mcp")
    assert_array_equal(presence(matrix).loc[mcp.index, mcp.columns].to_numpy(), mcp.to_numpy())


def test_rpop_agrees_with_ecomplexity_where_population_is_known() -> None:
    trade = _trade()
    population = pd.read_csv(require_data("ecomplexity_trade_sample/population_data_sample.csv"))
    pop_1995 = population[population["year"] == 1995].set_index("origin")["population"]
    matrix = trade.pivot(index="origin", columns="hs92", values="export_val")
    # blx (Belgium-Luxembourg) has no population row: we refuse, py-ecomplexity returns NaN for it.
    with pytest.raises(InvalidParameterError, match="blx"):
        location_quotient(matrix, population=pop_1995)
    peer_all = _peer(trade, presence_test="rpop", pop=population).pivot(index="origin", columns="hs92", values="rpop")
    assert peer_all.loc["blx"].isna().all()
    # On the nine countries with a population the two agree exactly ...
    nine = matrix.drop(index="blx")
    peer = _peer(trade[trade["origin"] != "blx"], presence_test="rpop", pop=population)
    peer = peer.pivot(index="origin", columns="hs92", values="rpop")
    ours = location_quotient(nine, population=pop_1995)
    assert_allclose(ours.loc[peer.index, peer.columns].to_numpy(), peer.to_numpy(), rtol=1e-12)
    # ... while with blx present py-ecomplexity keeps blx's exports in the world total but not its
    # population: its values are ours times (exports of the nine / exports of all ten).
    ratio = nine.sum() / matrix.sum()
    expected = ours.mul(ratio, axis=1)
    assert_allclose(peer_all.loc[ours.index, ours.columns].to_numpy(), expected.to_numpy(), rtol=1e-12)
