from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.metrics.fitness import fitness_complexity
from tests.metrics._matrices import random_m


def test_first_step_by_hand() -> None:
    # F~ = M 1 = diversity (3, 2, 1), mean 2; Q~ = 1 / ubiquity = (1/3, 1/2, 1), mean 11/18.
    result = fitness_complexity([[1, 1, 1], [1, 1, 0], [1, 0, 0]], iterations=1)
    np.testing.assert_allclose(result.fitness, [1.5, 1.0, 0.5], rtol=1e-15)
    np.testing.assert_allclose(result.complexity, [6 / 11, 9 / 11, 18 / 11], rtol=1e-15)
    assert result.iterations == 1
    assert not result.converged


def test_fitness_ranks_a_nested_matrix_by_diversity() -> None:
    rng = np.random.default_rng(0)
    M = np.tril(np.ones((15, 15)))[:, ::-1]  # region r specialised in r + 1 industries
    rows, cols = rng.permutation(15), rng.permutation(15)
    M = M[rows][:, cols]
    result = fitness_complexity(M)
    diversity, ubiquity = M.sum(axis=1), M.sum(axis=0)
    np.testing.assert_array_equal(np.argsort(result.fitness), np.argsort(diversity))
    np.testing.assert_array_equal(np.argsort(-result.complexity), np.argsort(ubiquity))


def test_fitness_and_complexity_have_mean_one() -> None:
    result = fitness_complexity(random_m(0), iterations=30)
    assert result.fitness.mean() == pytest.approx(1.0, rel=1e-12)
    assert result.complexity.mean() == pytest.approx(1.0, rel=1e-12)


def test_converged_result_is_a_fixed_point() -> None:
    M = random_m(1, p=0.5)
    result = fitness_complexity(M, iterations=5000, tol=1e-13)
    assert result.converged
    assert result.iterations < 5000
    F, Q = result.fitness, result.complexity
    F_next = M @ Q
    Q_next = 1 / (M.T @ (1 / F))
    np.testing.assert_allclose(F_next / F_next.mean(), F, atol=1e-11)
    np.testing.assert_allclose(Q_next / Q_next.mean(), Q, atol=1e-11)


def test_long_runs_on_a_nested_matrix_stay_finite_and_silent() -> None:
    # On a nested matrix the weakest fitness decays towards 0 (3e-13 after 3,000 steps).
    M = np.tril(np.ones((6, 6)))[:, ::-1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = fitness_complexity(M, iterations=3000, tol=0)
    assert np.all(np.isfinite(result.fitness)) and np.all(np.isfinite(result.complexity))
    assert 0 < result.fitness.min() < 1e-9
    assert result.iterations == 3000 and not result.converged


def test_permuting_rows_and_columns_permutes_results() -> None:
    M = random_m(2)
    rows, cols = np.random.default_rng(3).permutation(M.shape[0]), np.random.default_rng(4).permutation(M.shape[1])
    base, permuted = fitness_complexity(M, iterations=50), fitness_complexity(M[rows][:, cols], iterations=50)
    np.testing.assert_allclose(permuted.fitness, base.fitness[rows], rtol=1e-12)
    np.testing.assert_allclose(permuted.complexity, base.complexity[cols], rtol=1e-12)


def test_input_kinds_agree_and_dataframes_are_labelled() -> None:
    M = random_m(5)
    frame = pd.DataFrame(M, index=[f"r{i}" for i in range(M.shape[0])], columns=[f"p{j}" for j in range(M.shape[1])])
    expected = fitness_complexity(M, iterations=40)
    for kind in (sparse.csr_array(M), sparse.csc_matrix(M), frame):
        result = fitness_complexity(kind, iterations=40)
        np.testing.assert_allclose(np.asarray(result.fitness), expected.fitness, rtol=1e-13)
        np.testing.assert_allclose(np.asarray(result.complexity), expected.complexity, rtol=1e-13)
    labelled = fitness_complexity(frame, iterations=40)
    assert labelled.fitness.index.equals(frame.index) and labelled.fitness.name == "fitness"
    assert labelled.complexity.index.equals(frame.columns) and labelled.complexity.name == "complexity"


def test_fitness_complexity_rejects_an_industry_nobody_makes() -> None:
    with pytest.raises(InvalidParameterError, match=r"1 industry\(ies\) with no specialisation \(2\)"):
        fitness_complexity([[1, 1, 0], [1, 0, 0]])


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"iterations": 0}, "The 'iterations' parameter of fitness_complexity must be an int in \\[1, inf\\)"),
        ({"tol": -1.0}, "The 'tol' parameter of fitness_complexity"),
        ({"tol": float("nan")}, "The 'tol' parameter of fitness_complexity"),
    ],
)
def test_fitness_complexity_rejects_bad_options(options: dict[str, float], match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        fitness_complexity([[1, 1], [1, 0]], **options)  # type: ignore[arg-type]


def test_fitness_complexity_rejects_non_binary_matrix() -> None:
    with pytest.raises(InvalidParameterError, match="binary 0/1 matrix"):
        fitness_complexity([[0.5, 1], [1, 0]])
