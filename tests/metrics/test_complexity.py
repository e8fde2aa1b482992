from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.metrics.complexity import ComplexityResult, economic_complexity, method_of_reflections
from tests.conftest import require_data
from tests.metrics._matrices import NESTED, bridged_blocks, random_m
from tests.metrics._peer import peer_results, per_country, per_product, wide

# --- known answers -------------------------------------------------------------------------


def test_diversity_and_ubiquity_are_row_and_column_sums() -> None:
    M = [[1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 1, 0]]
    result = economic_complexity(M)
    np.testing.assert_array_equal(result.diversity, [2, 2, 3])
    np.testing.assert_array_equal(result.ubiquity, [2, 1, 3, 1])


def test_nested_matrix_has_linear_eci_and_pci() -> None:
    # By hand: with ECI = (3, 1, -1, -3)/sqrt(5) (mean 0, sd 1), the average ECI of each
    # industry's regions is (0, 1, 2, 3)/sqrt(5) = lambda * PCI + const, which holds for
    # PCI = (-3, 1, 5, 9)/sqrt(5) and lambda_2 = 1/4; ECI_r is then the mean PCI of its industries.
    result = economic_complexity(NESTED)
    np.testing.assert_allclose(result.eci, np.array([3, 1, -1, -3]) / np.sqrt(5), rtol=1e-12)
    np.testing.assert_allclose(result.pci, np.array([-3, 1, 5, 9]) / np.sqrt(5), rtol=1e-12)


def test_two_blocks_get_the_block_indicator_as_eci() -> None:
    # Disconnected: 2 regions x 3 industries and 3 regions x 2 industries, all ones. ECI is
    # constant on each block, 2a + 3b = 0 and (2a^2 + 3b^2)/5 = 1, the diverse block positive.
    M = np.zeros((5, 5))
    M[:2, :3] = 1
    M[2:, 3:] = 1
    result = economic_complexity(M)
    a, b = 3 / np.sqrt(6), -2 / np.sqrt(6)
    np.testing.assert_allclose(result.eci, np.array([a, a, b, b, b]), rtol=1e-12)
    np.testing.assert_allclose(result.pci, np.array([a, a, a, b, b]), rtol=1e-12)


def test_eci_orders_regions_of_a_nested_matrix_by_diversity() -> None:
    rng = np.random.default_rng(7)
    M = np.tril(np.ones((12, 12)))[:, ::-1]
    perm_r, perm_i = rng.permutation(12), rng.permutation(12)
    result = economic_complexity(M[perm_r][:, perm_i])
    order = np.argsort(-result.eci)
    np.testing.assert_array_equal(result.diversity[order], np.sort(result.diversity)[::-1])


# --- invariants ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_eci_sign_follows_diversity(seed: int) -> None:
    M = random_m(seed)
    result = economic_complexity(M)
    assert np.corrcoef(result.eci, result.diversity)[0, 1] > 0
    # PCI takes the same sign: complex industries are made by high-ECI regions.
    assert np.corrcoef(result.pci, (M.T @ result.eci) / M.sum(axis=0))[0, 1] > 0


def test_eci_sign_with_constant_diversity_follows_rarity_of_industries() -> None:
    # Every region has diversity 2; region 0 makes the two rarest industries.
    M = np.array([[1, 1, 0, 0, 0], [0, 0, 1, 1, 0], [0, 0, 1, 0, 1], [0, 0, 0, 1, 1], [0, 1, 0, 0, 1]], dtype=float)
    result = economic_complexity(M)
    mean_ubiquity = (M @ M.sum(axis=0)) / M.sum(axis=1)
    assert np.corrcoef(result.eci, mean_ubiquity)[0, 1] < 0


@pytest.mark.parametrize("seed", range(3))
def test_eci_is_mean_pci_of_the_region_industries(seed: int) -> None:
    M = random_m(seed)
    result = economic_complexity(M)
    np.testing.assert_allclose(result.eci, (M @ result.pci) / M.sum(axis=1), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("ddof", [0, 1])
def test_eci_is_standardised_with_ddof(ddof: int) -> None:
    eci = economic_complexity(random_m(1), ddof=ddof).eci
    assert abs(eci.mean()) < 1e-12
    assert eci.std(ddof=ddof) == pytest.approx(1.0, rel=1e-12)


def test_raw_pci_has_zero_ubiquity_weighted_mean() -> None:
    # Scaled PCI = (q - mean(e)) / sd(e) with sum_i k_i q_i = 0, so the weighted mean of the
    # scaled PCI equals -mean(e)/sd(e), and equally the diversity-weighted mean of ECI.
    M = random_m(2)
    result = economic_complexity(M)
    k_i, k_r = M.sum(axis=0), M.sum(axis=1)
    np.testing.assert_allclose(k_i @ result.pci / k_i.sum(), k_r @ result.eci / k_r.sum(), rtol=1e-10)


def test_permuting_rows_and_columns_permutes_results() -> None:
    M = random_m(3)
    rng = np.random.default_rng(0)
    rows, cols = rng.permutation(M.shape[0]), rng.permutation(M.shape[1])
    base, permuted = economic_complexity(M), economic_complexity(M[rows][:, cols])
    np.testing.assert_allclose(permuted.eci, base.eci[rows], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(permuted.pci, base.pci[cols], rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(permuted.diversity, base.diversity[rows])


def test_dense_and_arpack_solvers_agree() -> None:
    M = random_m(4, shape=(300, 250), p=0.1)
    dense = economic_complexity(M, eigen_solver="dense")
    arpack = economic_complexity(M, eigen_solver="arpack")
    np.testing.assert_allclose(arpack.eci, dense.eci, atol=1e-9)
    np.testing.assert_allclose(arpack.pci, dense.pci, atol=1e-9)


def test_both_sides_of_the_eigenproblem_agree() -> None:
    # More regions than industries solves on the industry side; the transpose-shaped input on the
    # region side. Stacking M on itself doubles the regions without changing PCI.
    M = random_m(5, shape=(20, 35))
    wide_result = economic_complexity(M)  # region side (20 < 35)
    tall_result = economic_complexity(np.vstack([M, M]))  # industry side (35 < 40)
    np.testing.assert_allclose(tall_result.eci[:20], wide_result.eci, atol=1e-10)
    np.testing.assert_allclose(tall_result.pci, wide_result.pci, atol=1e-10)


def test_arpack_is_deterministic() -> None:
    M = sparse.random_array((600, 400), density=0.05, rng=np.random.default_rng(1), format="csr")
    M.data[:] = 1
    M = M + sparse.eye_array(600, 400, format="csr")  # no empty row or column
    M.data[:] = 1
    first, second = economic_complexity(M), economic_complexity(M)
    np.testing.assert_array_equal(first.eci, second.eci)


# --- input kinds ---------------------------------------------------------------------------


def test_ndarray_sparse_dataframe_and_bool_inputs_agree() -> None:
    M = random_m(6)
    frame = pd.DataFrame(M, index=[f"r{i}" for i in range(M.shape[0])], columns=[f"i{j}" for j in range(M.shape[1])])
    expected = economic_complexity(M)
    for kind in (sparse.csr_array(M), sparse.coo_matrix(M), M.astype(bool), M.tolist(), frame):
        result = economic_complexity(kind)
        np.testing.assert_allclose(np.asarray(result.eci), expected.eci, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(np.asarray(result.pci), expected.pci, rtol=1e-12, atol=1e-14)


def test_dataframe_in_gives_labelled_series_out() -> None:
    frame = pd.DataFrame(NESTED, index=list("abcd"), columns=["x", "y", "z", "w"])
    result = economic_complexity(frame)
    assert isinstance(result, ComplexityResult)
    for series, labels, name in (
        (result.eci, frame.index, "eci"),
        (result.diversity, frame.index, "diversity"),
        (result.pci, frame.columns, "pci"),
        (result.ubiquity, frame.columns, "ubiquity"),
    ):
        assert isinstance(series, pd.Series)
        assert series.index.equals(labels)
        assert series.name == name
    assert result.eci["a"] == pytest.approx(3 / np.sqrt(5))


def test_sparse_input_is_not_modified() -> None:
    M = sparse.csr_array(NESTED)
    M.data[0] = 0.0  # an explicitly stored zero
    data, nnz = M.data.copy(), M.nnz
    economic_complexity(M)
    np.testing.assert_array_equal(M.data, data)
    assert M.nnz == nnz


# --- errors --------------------------------------------------------------------------------


def test_economic_complexity_rejects_non_binary_matrix() -> None:
    with pytest.raises(InvalidParameterError, match="must be a binary 0/1 matrix.*Got the value 2.0"):
        economic_complexity([[1, 2], [0, 1]])


def test_economic_complexity_rejects_empty_rows_and_columns_by_label() -> None:
    frame = pd.DataFrame([[1, 0, 0], [0, 1, 0], [0, 0, 0]], index=["a", "b", "c"], columns=["x", "y", "z"])
    with pytest.raises(InvalidParameterError, match=r"1 region\(s\) with no specialisation \('c'\).*'z'"):
        economic_complexity(frame)


def test_economic_complexity_rejects_repeated_second_eigenvalue() -> None:
    with pytest.raises(InvalidParameterError, match="second eigenvalue .* is repeated"):
        economic_complexity(np.eye(3))  # three disconnected blocks
    with pytest.raises(InvalidParameterError, match="is repeated"):
        economic_complexity(np.ones((3, 2)))  # all regions alike: lambda_2 = lambda_3 = 0


@pytest.mark.parametrize(
    ("M", "match"),
    [
        ([1, 0, 1], "non-empty 2-d array"),
        ([[1, np.nan], [0, 1]], "finite numbers"),
        ([[1, -1], [0, 1]], "non-negative"),
        ([[1, 1]], "at least 2 regions and 2 industries"),
        ([[1], [1]], "at least 2 regions and 2 industries"),
    ],
)
def test_economic_complexity_rejects_bad_matrices(M: object, match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        economic_complexity(M)


def test_economic_complexity_rejects_bad_options() -> None:
    with pytest.raises(InvalidParameterError, match="The 'eigen_solver' parameter of economic_complexity"):
        economic_complexity(NESTED, eigen_solver="power")
    with pytest.raises(InvalidParameterError, match="The 'ddof' parameter of economic_complexity"):
        economic_complexity(NESTED, ddof=2)


# --- method of reflections -----------------------------------------------------------------


def test_reflections_known_iterates() -> None:
    M = [[1, 1, 1], [1, 1, 0], [1, 0, 0]]
    result = method_of_reflections(M, iterations=2)
    # k_r1: average ubiquity of the region's industries (ubiquities 3, 2, 1), e.g. (3 + 2)/2 = 2.5;
    # k_r2: average k_i1 = (2, 2.5, 3) over them, e.g. (2 + 2.5 + 3)/3 = 2.5. M is symmetric,
    # so the industry iterates are the same numbers.
    expected = np.array([[3, 2, 2.5], [2, 2.5, 2.25], [1, 3, 2]])
    np.testing.assert_allclose(result.regions, expected, rtol=1e-15)
    np.testing.assert_allclose(result.industries, expected, rtol=1e-15)


def test_reflections_tend_to_eci() -> None:
    M = bridged_blocks()
    regions = method_of_reflections(M, iterations=30).regions
    k = regions[:, 30]
    np.testing.assert_allclose((k - k.mean()) / k.std(), economic_complexity(M).eci, atol=1e-10)


def test_reflections_label_dataframes() -> None:
    frame = pd.DataFrame(NESTED, index=list("abcd"), columns=list("wxyz"))
    result = method_of_reflections(frame, iterations=3)
    assert result.regions.index.equals(frame.index)
    assert result.industries.index.equals(frame.columns)
    assert list(result.regions.columns) == [0, 1, 2, 3]
    np.testing.assert_allclose(result.regions.to_numpy(), method_of_reflections(NESTED, iterations=3).regions)


def test_reflections_iteration_zero_is_diversity_and_ubiquity() -> None:
    result = method_of_reflections(NESTED, iterations=0)
    assert result.regions.shape == (4, 1)
    np.testing.assert_array_equal(result.regions[:, 0], NESTED.sum(axis=1))
    np.testing.assert_array_equal(result.industries[:, 0], NESTED.sum(axis=0))


@pytest.mark.parametrize("iterations", [-1, 2.5, True])
def test_reflections_reject_bad_iterations(iterations: object) -> None:
    with pytest.raises(InvalidParameterError, match="The 'iterations' parameter of method_of_reflections"):
        method_of_reflections(NESTED, iterations=iterations)  # type: ignore[arg-type]


# --- agreement with py-ecomplexity on real trade data ----------------------------------------


@pytest.mark.parametrize("year", [1995, 1996])
def test_agrees_with_ecomplexity_on_trade_sample(year: int) -> None:
    peer = peer_results(require_data("ecomplexity_trade_sample/trade_data_sample.csv"))
    out = peer["out"]
    M = wide(out, year, "mcp")
    # The peer's M is RCA >= 1; rebuilding it from its RCA makes sure we test the same matrix.
    pd.testing.assert_frame_equal((wide(out, year, "rca") >= 1).astype(float), M.astype(float))
    result = economic_complexity(M)
    for ours, name, per in (
        (result.diversity, "diversity", per_country),
        (result.eci, "eci", per_country),
        (result.ubiquity, "ubiquity", per_product),
        (result.pci, "pci", per_product),
    ):
        expected = per(out, year, name).reindex(ours.index)
        np.testing.assert_allclose(ours.to_numpy(), expected.to_numpy(), rtol=1e-9, atol=1e-12, err_msg=name)
