from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.metrics.colocation import colocation_relatedness
from clusterbrain.metrics.relatedness import density
from tests.conftest import require_data
from tests.metrics._peer import peer_results, product_matrix, wide


def employment(seed: int, shape: tuple[int, int] = (30, 12)) -> np.ndarray:
    rng = np.random.default_rng(seed)
    X = rng.lognormal(3, 1.5, shape) * (rng.random(shape) < 0.7)
    X[:, X.sum(axis=0) == 0] = 1.0
    return X


def lq(X: np.ndarray) -> np.ndarray:
    return (X / X.sum(axis=1, keepdims=True)) / (X.sum(axis=0) / X.sum())


def test_correlation_is_mapped_pearson_correlation_of_lq() -> None:
    X = employment(0)
    expected = (1 + np.corrcoef(lq(X).T)) / 2
    np.testing.assert_allclose(colocation_relatedness(X), expected, rtol=1e-12)


def test_pmi_by_brute_force() -> None:
    X = employment(1, shape=(8, 5))
    total = X.sum()
    share = X.sum(axis=0) / total
    expected = np.eye(5)
    for i, j in itertools.permutations(range(5), 2):
        joint = sum(X[r, i] * X[r, j] / (X[r].sum() * total) for r in range(8))
        expected[i, j] = max(0.0, np.log(joint / (share[i] * share[j])) / -np.log(joint)) if joint > 0 else 0.0
    np.testing.assert_allclose(colocation_relatedness(X, method="pmi"), expected, rtol=1e-12, atol=1e-15)


def test_pmi_of_industries_spread_alike_everywhere_is_zero() -> None:
    # The same industry mix in every region: co-location is pure chance (PMI 0), and the
    # location quotient is 1 everywhere, which leaves the correlation undefined.
    X = np.outer([1.0, 5.0, 2.0, 8.0], [3.0, 1.0, 4.0])
    np.testing.assert_allclose(colocation_relatedness(X, method="pmi"), np.eye(3), atol=1e-12)
    with pytest.raises(InvalidParameterError, match="same location quotient in every region"):
        colocation_relatedness(X)


def test_segregated_industries_are_unrelated_and_twins_related() -> None:
    # Industries 0 and 1 always together, 2 and 3 each alone in their regions.
    X = np.array([[4.0, 2.0, 0, 0], [8.0, 4.0, 0, 0], [0, 0, 5.0, 0], [0, 0, 0, 7.0]])
    pmi = colocation_relatedness(X, method="pmi")
    # P_01 = 4*2/(6*30) + 8*4/(12*30) = 2/15, p_0 = 2/5, p_1 = 1/5: NPMI = ln(5/3) / ln(15/2).
    assert pmi[0, 1] == pytest.approx(np.log(5 / 3) / np.log(15 / 2), rel=1e-12)
    assert pmi[2, 3] == 0.0 and pmi[0, 2] == 0.0
    corr = colocation_relatedness(X)
    assert corr[0, 1] == pytest.approx(1.0)
    assert corr[2, 3] < 0.5


@pytest.mark.parametrize("method", ["correlation", "pmi"])
def test_colocation_invariants(method: str) -> None:
    X = employment(2)
    phi = colocation_relatedness(X, method=method)
    np.testing.assert_allclose(phi, phi.T, atol=1e-15)
    assert phi.min() >= 0 and phi.max() <= 1
    np.testing.assert_array_equal(np.diag(phi), 1.0)
    # Units do not matter, empty regions say nothing, orders are carried through.
    np.testing.assert_allclose(colocation_relatedness(X * 1000, method=method), phi, rtol=1e-10, atol=1e-14)
    with_empty = np.vstack([X, np.zeros((2, X.shape[1]))])
    np.testing.assert_allclose(colocation_relatedness(with_empty, method=method), phi, rtol=1e-12, atol=1e-15)
    rows, cols = np.random.default_rng(0).permutation(X.shape[0]), np.random.default_rng(1).permutation(X.shape[1])
    permuted = colocation_relatedness(X[rows][:, cols], method=method)
    np.testing.assert_allclose(permuted, phi[cols][:, cols], rtol=1e-10, atol=1e-14)


def test_colocation_diagonal_zero() -> None:
    phi = colocation_relatedness(employment(3), diagonal=0)
    np.testing.assert_array_equal(np.diag(phi), 0.0)


@pytest.mark.parametrize("method", ["correlation", "pmi"])
def test_colocation_input_kinds_agree_and_label_output(method: str) -> None:
    X = employment(4)
    frame = pd.DataFrame(X, index=[f"r{i}" for i in range(X.shape[0])], columns=[f"n{j}" for j in range(X.shape[1])])
    expected = colocation_relatedness(X, method=method)
    np.testing.assert_allclose(colocation_relatedness(sparse.csr_array(X), method=method), expected, rtol=1e-12)
    result = colocation_relatedness(frame, method=method)
    assert result.index.equals(frame.columns) and result.columns.equals(frame.columns)
    np.testing.assert_allclose(result.to_numpy(), expected, rtol=1e-12)


def test_colocation_relatedness_works_as_phi_of_density() -> None:
    X = employment(5)
    M = (lq(X) >= 1).astype(float)
    d = density(M, colocation_relatedness(X, method="pmi"))
    assert d.shape == X.shape and d.min() >= 0 and d.max() <= 1


@pytest.mark.parametrize(
    ("X", "options", "match"),
    [
        ([[1.0, 0.0], [2.0, 0.0]], {}, r"1 industry\(ies\) that has no activity in any region: \[1\]"),
        ([[1.0, 2.0], [0.0, 0.0]], {}, "activity in at least 2 regions. Got 1"),
        ([[1.0, -2.0], [1.0, 1.0]], {}, "non-negative"),
        ([[1.0, 2.0], [3.0, 1.0]], {"method": "egk"}, "The 'method' parameter of colocation_relatedness"),
        ([[1.0, 2.0], [3.0, 1.0]], {"diagonal": 0.5}, "The 'diagonal' parameter of colocation_relatedness"),
    ],
)
def test_colocation_relatedness_rejects_bad_input(X: object, options: dict[str, object], match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        colocation_relatedness(X, **options)  # type: ignore[arg-type]


def test_zero_industry_is_named_by_label() -> None:
    frame = pd.DataFrame([[1.0, 0.0], [2.0, 0.0]], columns=["steel", "chips"])
    with pytest.raises(InvalidParameterError, match=r"\['chips'\]"):
        colocation_relatedness(frame)


@pytest.mark.parametrize("year", [1995, 1996])
def test_correlation_agrees_with_ecomplexity_continuous_proximity(year: int) -> None:
    peer = peer_results(require_data("ecomplexity_trade_sample/trade_data_sample.csv"))
    X = wide(peer["out"], year, "export_val")
    expected = product_matrix(peer["continuous"], year).reindex(index=X.columns, columns=X.columns)
    np.testing.assert_allclose(colocation_relatedness(X).to_numpy(), expected.to_numpy(), rtol=1e-12)
