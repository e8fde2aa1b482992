from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.metrics.complexity import economic_complexity
from clusterbrain.metrics.relatedness import (
    complexity_outlook,
    complexity_outlook_gain,
    density,
    distance,
    proximity,
)
from tests.conftest import require_data
from tests.metrics._matrices import random_m
from tests.metrics._peer import peer_results, per_country, product_matrix, wide

# Hand-computed: ubiquity k = (3, 2, 2); co-specialisation C01 = 2 (regions 0, 2),
# C02 = 2 (regions 1, 2), C12 = 1 (region 2); phi_ij = C_ij / max(k_i, k_j).
SMALL = np.array([[1, 1, 0], [1, 0, 1], [1, 1, 1]], dtype=float)
SMALL_PHI = np.array([[1, 2 / 3, 2 / 3], [2 / 3, 1, 1 / 2], [2 / 3, 1 / 2, 1]])
# Proximity row sums s = (7/3, 13/6, 13/6); omega_ri = sum_j M_rj phi_ij / s_i.
SMALL_DENSITY = np.array([[5 / 7, 10 / 13, 7 / 13], [5 / 7, 7 / 13, 10 / 13], [1, 1, 1]])
PCI = np.array([-1.0, 0.5, 1.0])


def labelled(M: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(M, index=[f"r{i}" for i in range(M.shape[0])], columns=[f"i{j}" for j in range(M.shape[1])])


# --- proximity -----------------------------------------------------------------------------


def test_proximity_by_hand() -> None:
    np.testing.assert_allclose(proximity(SMALL), SMALL_PHI, rtol=1e-15)


def test_proximity_is_the_smaller_conditional_probability() -> None:
    M = random_m(0)
    phi = proximity(M)
    both = M.T @ M
    k = M.sum(axis=0)
    p_i_given_j = both / k[np.newaxis, :]
    expected = np.minimum(p_i_given_j, p_i_given_j.T)
    np.testing.assert_allclose(phi, expected, rtol=1e-14)
    np.testing.assert_array_equal(phi, phi.T)
    assert phi.min() >= 0 and phi.max() <= 1


def test_proximity_diagonal_zero_as_econgeo() -> None:
    phi = proximity(SMALL, diagonal=0)
    np.testing.assert_array_equal(np.diag(phi), 0)
    np.testing.assert_allclose(phi + np.eye(3), SMALL_PHI, rtol=1e-15)


def test_proximity_of_an_industry_nobody_has_is_zero() -> None:
    M = np.array([[1, 0, 0], [1, 1, 0]], dtype=float)
    phi = proximity(M)
    np.testing.assert_array_equal(phi[2], [0, 0, 1])
    np.testing.assert_array_equal(phi[:, 2], [0, 0, 1])
    assert np.all(np.isfinite(phi))


def test_proximity_sparse_and_dense_paths_agree() -> None:
    # At 1 % ones the sparse product is used; at 30 % BLAS on the dense matrix.
    rng = np.random.default_rng(1)
    thin = (rng.random((400, 60)) < 0.01).astype(float)
    for M in (thin, random_m(1)):
        expected = np.minimum(M.T @ M / np.maximum(M.sum(axis=0), 1), (M.T @ M / np.maximum(M.sum(axis=0), 1)).T)
        np.fill_diagonal(expected, 1.0)
        np.testing.assert_allclose(proximity(sparse.csr_array(M)), expected, rtol=1e-14)


def test_proximity_dataframe_is_labelled_by_industries() -> None:
    frame = labelled(SMALL)
    phi = proximity(frame)
    assert phi.index.equals(frame.columns) and phi.columns.equals(frame.columns)


# --- density and distance ------------------------------------------------------------------


def test_density_by_hand() -> None:
    np.testing.assert_allclose(density(SMALL, proximity(SMALL)), SMALL_DENSITY, rtol=1e-15)


def test_distance_is_one_minus_density() -> None:
    M = random_m(2)
    phi = proximity(M)
    np.testing.assert_allclose(distance(M, phi), 1 - density(M, phi), atol=1e-15)
    np.testing.assert_allclose(distance(SMALL, SMALL_PHI)[0], [2 / 7, 3 / 13, 6 / 13], rtol=1e-14)


def test_density_bounds_and_full_region() -> None:
    M = random_m(3)
    M[0] = 1
    d = density(M, proximity(M))
    assert d.min() >= 0 and d.max() <= 1
    np.testing.assert_allclose(d[0], 1.0, rtol=1e-14)


def test_density_of_an_industry_related_to_nothing_is_zero() -> None:
    phi = SMALL_PHI.copy()
    phi[2, :] = 0
    d = density(SMALL, phi)
    np.testing.assert_array_equal(d[:, 2], 0.0)


def test_density_permutation_invariant() -> None:
    M = random_m(4)
    rng = np.random.default_rng(0)
    rows, cols = rng.permutation(M.shape[0]), rng.permutation(M.shape[1])
    base = density(M, proximity(M))
    permuted = density(M[rows][:, cols], proximity(M[rows][:, cols]))
    np.testing.assert_allclose(permuted, base[rows][:, cols], rtol=1e-13)


def test_density_input_kinds_agree_and_phi_aligns_by_label() -> None:
    M = random_m(5)
    phi = proximity(M)
    expected = density(M, phi)
    frame = labelled(M)
    shuffled = proximity(frame).iloc[::-1, ::-1]  # phi labelled, in another order
    np.testing.assert_allclose(density(sparse.csr_array(M), phi), expected, rtol=1e-14)
    result = density(frame, shuffled)
    assert isinstance(result, pd.DataFrame)
    assert result.index.equals(frame.index) and result.columns.equals(frame.columns)
    np.testing.assert_allclose(result.to_numpy(), expected, rtol=1e-14)


@pytest.mark.parametrize(
    ("phi", "match"),
    [
        (np.ones((2, 2)), r"must have shape \(3, 3\)"),
        (-SMALL_PHI, "non-negative"),
        (np.full((3, 3), np.nan), "finite numbers"),
    ],
)
def test_density_rejects_bad_phi(phi: np.ndarray, match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        density(SMALL, phi)


def test_density_rejects_phi_without_an_industry_of_m() -> None:
    frame = labelled(SMALL)
    phi = proximity(frame).drop(index="i2", columns="i2")
    with pytest.raises(InvalidParameterError, match=r"row and a column for every industry.*'i2'"):
        density(frame, phi)


def test_density_rejects_non_binary_m() -> None:
    with pytest.raises(InvalidParameterError, match="The 'M' parameter of density must be a binary"):
        density(SMALL * 3, SMALL_PHI)


# --- complexity outlook and gain -------------------------------------------------------------


def test_complexity_outlook_by_hand() -> None:
    # Region 0 misses industry 2 (density 7/13, PCI 1); region 1 misses industry 1 (7/13, 0.5).
    np.testing.assert_allclose(complexity_outlook(SMALL, SMALL_PHI, PCI), [7 / 13, 7 / 26, 0], rtol=1e-14)


def test_complexity_outlook_gain_by_hand() -> None:
    # Region 0, industry 2: phi_22 PCI_2 / s_2 - omega_02 PCI_2 = 6/13 - 7/13.
    # Region 1, industry 1: phi_11 PCI_1 / s_1 - omega_11 PCI_1 = 3/13 - 7/26.
    expected = np.array([[0, 0, -1 / 13], [0, -1 / 26, 0], [0, 0, 0]])
    np.testing.assert_allclose(complexity_outlook_gain(SMALL, SMALL_PHI, PCI), expected, atol=1e-15)


def test_cog_is_zero_where_the_region_is_specialised() -> None:
    M = random_m(6)
    phi = proximity(M)
    pci = economic_complexity(M).pci
    for convention in ("atlas", "ecomplexity"):
        gain = complexity_outlook_gain(M, phi, pci, convention=convention)
        np.testing.assert_array_equal(gain[M == 1], 0.0)


def test_atlas_cog_is_the_change_in_coi_with_zero_diagonal_proximity() -> None:
    # Entering i raises the density of every open j by phi_ji / s_j and removes i's own term;
    # with phi_ii = 0 the Atlas COG is exactly that change (phi and PCI held fixed).
    M = random_m(7, shape=(12, 9))
    phi = proximity(M, diagonal=0)
    pci = economic_complexity(M).pci
    gain = complexity_outlook_gain(M, phi, pci)
    coi = complexity_outlook(M, phi, pci)
    for r, i in zip(*np.nonzero(M == 0), strict=True):
        entered = M.copy()
        entered[r, i] = 1
        assert gain[r, i] == pytest.approx(complexity_outlook(entered, phi, pci)[r] - coi[r], abs=1e-12)


def test_cog_conventions_differ_by_the_documented_terms() -> None:
    M = random_m(8)
    phi = proximity(M)
    pci = economic_complexity(M).pci
    k = M.sum(axis=0)
    c = k @ pci / k.sum()
    s = phi.sum(axis=1)
    open_cells = 1 - M
    omega = density(M, phi)
    # atlas - ecomplexity = (1 - M) * [sum_j (1 - M_rj) phi_ji c / s_j - omega_ri PCI_i]
    expected = open_cells * (open_cells @ (phi * (c / s)[:, np.newaxis]) - omega * pci)
    difference = complexity_outlook_gain(M, phi, pci) - complexity_outlook_gain(M, phi, pci, convention="ecomplexity")
    np.testing.assert_allclose(difference, expected, atol=1e-12)


def test_coi_ecomplexity_convention_is_standardised_centred_atlas_coi() -> None:
    M = random_m(9)
    phi = proximity(M)
    pci = economic_complexity(M).pci
    k = M.sum(axis=0)
    raw = complexity_outlook(M, phi, pci - k @ pci / k.sum())
    peer_like = complexity_outlook(M, phi, pci, convention="ecomplexity")
    np.testing.assert_allclose(peer_like, (raw - raw.mean()) / raw.std(), rtol=1e-12)
    assert abs(peer_like.mean()) < 1e-12 and peer_like.std() == pytest.approx(1.0)


def test_outlook_dataframes_align_pci_by_label() -> None:
    frame = labelled(SMALL)
    pci = pd.Series(PCI, index=frame.columns)[::-1]
    coi = complexity_outlook(frame, proximity(frame), pci)
    gain = complexity_outlook_gain(frame, proximity(frame), pci)
    assert isinstance(coi, pd.Series) and coi.index.equals(frame.index) and coi.name == "coi"
    np.testing.assert_allclose(coi.to_numpy(), [7 / 13, 7 / 26, 0], rtol=1e-14)
    assert isinstance(gain, pd.DataFrame) and gain.columns.equals(frame.columns)
    np.testing.assert_allclose(gain.to_numpy(), complexity_outlook_gain(SMALL, SMALL_PHI, PCI), atol=1e-15)


@pytest.mark.parametrize("func", [complexity_outlook, complexity_outlook_gain])
def test_outlook_rejects_bad_pci_and_convention(func: object) -> None:
    call = func  # type: ignore[assignment]
    with pytest.raises(InvalidParameterError, match=r"'pci' parameter .* must have shape \(3,\)"):
        call(SMALL, SMALL_PHI, [1.0, 2.0])  # type: ignore[operator]
    with pytest.raises(
        InvalidParameterError, match="'pci' parameter .* finite numbers. Got nan for industry position 1"
    ):
        call(SMALL, SMALL_PHI, [1.0, np.nan, 0.0])  # type: ignore[operator]
    with pytest.raises(InvalidParameterError, match="'pci' parameter .* Got none for \\['i1'\\]"):
        call(labelled(SMALL), SMALL_PHI, pd.Series([1.0, 2.0], index=["i0", "i2"]))  # type: ignore[operator]
    with pytest.raises(InvalidParameterError, match="'convention' parameter"):
        call(SMALL, SMALL_PHI, PCI, convention="stata")  # type: ignore[operator]


def test_ecomplexity_coi_refuses_to_standardise_a_constant() -> None:
    M = np.ones((3, 3))
    with pytest.raises(InvalidParameterError, match="same value"):
        complexity_outlook(M, proximity(M), PCI, convention="ecomplexity")


# --- agreement with py-ecomplexity on real trade data ----------------------------------------


@pytest.mark.parametrize("year", [1995, 1996])
def test_agrees_with_ecomplexity_on_trade_sample(year: int) -> None:
    peer = peer_results(require_data("ecomplexity_trade_sample/trade_data_sample.csv"))
    out = peer["out"]
    M = wide(out, year, "mcp")
    phi = proximity(M)
    expected_phi = product_matrix(peer["proximity"], year).reindex(index=M.columns, columns=M.columns)
    np.testing.assert_allclose(phi.to_numpy(), expected_phi.to_numpy(), rtol=1e-12, atol=1e-15)

    np.testing.assert_allclose(density(M, phi).to_numpy(), wide(out, year, "density").to_numpy(), rtol=1e-9)

    pci = economic_complexity(M).pci
    coi = complexity_outlook(M, phi, pci, convention="ecomplexity")
    np.testing.assert_allclose(coi.to_numpy(), per_country(out, year, "coi").reindex(M.index).to_numpy(), rtol=1e-9)
    cog = complexity_outlook_gain(M, phi, pci, convention="ecomplexity")
    np.testing.assert_allclose(cog.to_numpy(), wide(out, year, "cog").to_numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("convention", ["atlas", "ecomplexity"])
def test_precomputed_density_gives_the_same_outlook(convention: str) -> None:
    M = random_m(10)
    phi = proximity(M)
    pci = economic_complexity(M).pci
    d = density(M, phi)
    np.testing.assert_array_equal(
        complexity_outlook(M, phi, pci, convention=convention, density=d),
        complexity_outlook(M, phi, pci, convention=convention),
    )
    np.testing.assert_array_equal(
        complexity_outlook_gain(M, phi, pci, convention=convention, density=d),
        complexity_outlook_gain(M, phi, pci, convention=convention),
    )
    frame = labelled(M)
    shuffled = density(frame, proximity(frame)).iloc[::-1, ::-1]
    np.testing.assert_allclose(
        complexity_outlook(frame, phi, pci, convention=convention, density=shuffled).to_numpy(),
        complexity_outlook(M, phi, pci, convention=convention),
        atol=1e-13,
    )


def test_outlook_rejects_mismatched_density() -> None:
    with pytest.raises(InvalidParameterError, match=r"'density' parameter of complexity_outlook must have the shape"):
        complexity_outlook(SMALL, SMALL_PHI, PCI, density=SMALL_DENSITY[:2])
    frame = labelled(SMALL)
    with pytest.raises(
        InvalidParameterError, match="'density' parameter of complexity_outlook_gain must have the region"
    ):
        complexity_outlook_gain(frame, SMALL_PHI, PCI, density=density(frame, SMALL_PHI).drop(columns="i1"))
