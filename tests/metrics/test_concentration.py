"""Krugman, Hoover, locational Gini, Herfindahl and Theil: hand-computed answers, invariants, errors."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import sparse

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.metrics.concentration import (
    herfindahl_index,
    hoover_index,
    krugman_index,
    locational_gini,
    theil_entropy,
    theil_index,
)

# Three regions x two industries: region totals 10, 30, 10 (shares 0.2, 0.6, 0.2); industry totals 20, 30.
X3 = np.array([[10.0, 0.0], [10.0, 20.0], [0.0, 10.0]])


def _random(n: int = 8, k: int = 6, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    values = rng.poisson(15, size=(n, k)).astype(float)
    values[rng.random((n, k)) < 0.3] = 0.0
    values[:, 0] += 1.0
    values[0] += 1.0
    return values


def _kinds(values: np.ndarray) -> list:
    frame = pd.DataFrame(
        values, index=[f"r{i}" for i in range(values.shape[0])], columns=[f"i{j}" for j in range(values.shape[1])]
    )
    return [values, sparse.csr_array(values), frame]


# --- Krugman -------------------------------------------------------------------------------


def test_krugman_index_hand_computed() -> None:
    # national shares (0.4, 0.6): |1 - .4| + |0 - .6| = 1.2; |1/3 - .4| + |2/3 - .6| = 2/15; |0 - .4| + |1 - .6| = 0.8
    assert_allclose(krugman_index(X3), [1.2, 2 / 15, 0.8])


def test_krugman_index_against_the_rest_hand_computed() -> None:
    # region 0 vs the others (10, 30)/40: |1 - .25| + |0 - .75| = 1.5; region 1 vs (10, 10)/20: 1/3; region 2 vs (20, 20)/40: 1
    assert_allclose(krugman_index(X3, reference="rest"), [1.5, 1 / 3, 1.0])


def test_krugman_index_is_zero_for_the_national_structure_and_two_for_disjoint_ones() -> None:
    assert_allclose(krugman_index([[1, 2], [2, 4]]), [0, 0], atol=1e-15)
    assert_allclose(krugman_index([[1e-9, 0, 1], [0, 1e9, 0]], reference="rest"), [2, 2], atol=1e-8)


def test_krugman_index_rejects_an_empty_region_and_a_lone_region_against_the_rest() -> None:
    frame = pd.DataFrame([[0, 0], [1, 2]], index=["empty", "full"])
    with pytest.raises(InvalidParameterError, match=r"every region \(row\).*\['empty'\]"):
        krugman_index(frame)
    with pytest.raises(InvalidParameterError, match="activity outside every region"):
        krugman_index([[1, 2]], reference="rest")


# --- Hoover --------------------------------------------------------------------------------


def test_hoover_index_hand_computed() -> None:
    # industry 0 shares (.5, .5, 0) vs (.2, .6, .2): (.3 + .1 + .2)/2 = .3; industry 1 (0, 2/3, 1/3): (.2 + 1/15 + 2/15)/2 = .2
    assert_allclose(hoover_index(X3), [0.3, 0.2])


def test_hoover_index_rejects_an_empty_industry() -> None:
    with pytest.raises(InvalidParameterError, match=r"every industry \(column\).*\[1\]"):
        hoover_index([[1, 0], [2, 0]])


# --- locational Gini -----------------------------------------------------------------------


def test_locational_gini_hand_computed() -> None:
    # industry 0: LQ (2.5, 5/6, 0) -> order r2, r1, r0; 1 - [.2(0+0) + .6(0+.5) + .2(.5+1)] = 0.4
    # industry 1: LQ (0, 10/9, 5/3) -> order r0, r1, r2; 1 - [.2(0+0) + .6(0+2/3) + .2(2/3+1)] = 4/15
    assert_allclose(locational_gini(X3), [0.4, 4 / 15])


def test_locational_gini_equals_the_weighted_mean_difference_of_lqs() -> None:
    # Independent formula: G = sum_r sum_s w_r w_s |LQ_r - LQ_s| / 2 (the weighted mean LQ is 1).
    values = _random(12, 5)
    w = values.sum(axis=1) / values.sum()
    lq = (values / values.sum(axis=0)) / w[:, None]
    expected = 0.5 * np.einsum("r,s,rsi->i", w, w, np.abs(lq[:, None, :] - lq[None, :, :]))
    assert_allclose(locational_gini(values), expected, rtol=1e-12)


def test_locational_gini_bounds() -> None:
    assert_allclose(locational_gini([[1, 2], [3, 6]]), [0, 0], atol=1e-15)
    # the whole industry in the smallest region (total share 0.1): 1 - 0.1
    assert_allclose(locational_gini([[1, 0], [0, 9]])[0], 0.9)


# --- Herfindahl ----------------------------------------------------------------------------


def test_herfindahl_index_hand_computed() -> None:
    assert_allclose(herfindahl_index(X3), [1.0, 1 / 9 + 4 / 9, 1.0])
    assert_allclose(herfindahl_index(X3, over="regions"), [0.5, 4 / 9 + 1 / 9])
    # normalized: (H - 1/N) / (1 - 1/N) with N = 2 industries, 3 regions
    assert_allclose(herfindahl_index(X3, normalized=True), [1.0, 1 / 9, 1.0])
    assert_allclose(herfindahl_index(X3, over="regions", normalized=True), [0.25, 1 / 3])


def test_herfindahl_index_rejects_invalid_options() -> None:
    with pytest.raises(InvalidParameterError, match=r"'over' parameter of herfindahl_index must be one of"):
        herfindahl_index(X3, over="rows")
    with pytest.raises(InvalidParameterError, match="needs at least two industries"):
        herfindahl_index([[1], [2]], normalized=True)


# --- Theil ---------------------------------------------------------------------------------


def test_theil_entropy_hand_computed() -> None:
    # shares (.25, .25, .5): -(2 * .25 ln .25 + .5 ln .5) = 1.5 ln 2
    assert_allclose(theil_entropy([[1, 1, 2], [0, 0, 3]]), [1.5 * math.log(2), 0.0])
    assert_allclose(theil_entropy([[1, 1, 1, 1]], normalized=True), [1.0])


def test_theil_index_hand_computed() -> None:
    # region 0: shares (1, 0) vs national (.4, .6): 1 ln(1/.4) = ln 2.5
    assert_allclose(theil_index(X3)[0], math.log(2.5))
    assert_allclose(theil_index([[1, 2], [2, 4]]), [0, 0], atol=1e-15)
    assert_allclose(theil_index([[1, 1, 2]], reference="uniform"), [math.log(3) - theil_entropy([[1, 1, 2]])[0]])


def test_theil_index_equals_the_share_weighted_log_lq() -> None:
    values = _random()
    shares = values / values.sum(axis=1, keepdims=True)
    lq = shares / (values.sum(axis=0) / values.sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = np.nansum(np.where(values > 0, shares * np.log(lq), 0.0), axis=1)
    assert_allclose(theil_index(values), expected, rtol=1e-12)


# --- all indices: input kinds, permutation, scaling ----------------------------------------


INDICES = [krugman_index, hoover_index, locational_gini, herfindahl_index, theil_entropy, theil_index]


@pytest.mark.parametrize("index", INDICES)
def test_indices_same_for_ndarray_sparse_and_dataframe(index) -> None:
    values = _random()
    dense, from_sparse, from_frame = (index(v) for v in _kinds(values))
    assert_allclose(from_sparse, dense, rtol=1e-12)
    assert_allclose(from_frame.to_numpy(), dense, rtol=1e-12)
    per_region = index in (krugman_index, herfindahl_index, theil_entropy, theil_index)
    expected = [f"r{i}" for i in range(8)] if per_region else [f"i{j}" for j in range(6)]
    assert list(from_frame.index) == expected


@pytest.mark.parametrize("index", INDICES)
def test_indices_are_unchanged_by_scaling_and_permute_with_the_input(index) -> None:
    values = _random()
    rows, cols = np.random.default_rng(3).permutation(8), np.random.default_rng(4).permutation(6)
    per_region = index in (krugman_index, herfindahl_index, theil_entropy, theil_index)
    base = index(values)
    assert_allclose(index(values * 3.7), base, rtol=1e-12)
    assert_allclose(index(values[rows][:, cols]), base[rows] if per_region else base[cols], rtol=1e-12)


# --- Ellison-Glaeser -----------------------------------------------------------------------
