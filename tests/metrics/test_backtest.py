"""Backtest of an opportunity ranking: AUC against scikit-learn, hand-computed precision at k, chance level, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.metrics import roc_auc_score

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.metrics.backtest import backtest_opportunities
from tests.conftest import require_data


def _random_panel(seed: int, shape: tuple[int, int] = (40, 30), levels: int = 6):
    """Scores with many ties, year-0 presence, and year-1 entries that lean towards high scores."""
    rng = np.random.default_rng(seed)
    score = rng.integers(0, levels, shape).astype(float)
    m0 = (rng.random(shape) < 0.3).astype(int)
    entered = rng.random(shape) < 0.05 + 0.04 * score
    m1 = np.where(m0 == 1, rng.random(shape) < 0.8, entered).astype(int)
    return score, m0, m1


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_auc_agrees_with_scikit_learn_with_ties(seed: int) -> None:
    score, m0, m1 = _random_panel(seed)
    result = backtest_opportunities(score, m0, m1)
    candidates = m0 == 0
    assert result.auc == pytest.approx(roc_auc_score(m1[candidates], score[candidates]), abs=1e-12)
    for r in range(score.shape[0]):
        labels, scores = m1[r][candidates[r]], score[r][candidates[r]]
        if 0 < labels.sum() < labels.size:
            assert result.by_region["auc"].iloc[r] == pytest.approx(roc_auc_score(labels, scores), abs=1e-12)
        else:
            assert np.isnan(result.by_region["auc"].iloc[r])
    assert result.mean_auc == pytest.approx(result.by_region["auc"].mean())  # pandas skips the NaN


def test_perfect_reversed_and_constant_scores() -> None:
    _, m0, m1 = _random_panel(3)
    entry = ((m0 == 0) & (m1 == 1)).astype(float)
    perfect = backtest_opportunities(entry, m0, m1)
    assert perfect.auc == 1.0 and perfect.mean_auc == 1.0
    reversed_ = backtest_opportunities(-entry, m0, m1)
    assert reversed_.auc == 0.0 and reversed_.mean_auc == 0.0
    constant = backtest_opportunities(np.zeros(m0.shape), m0, m1, k=3)
    assert constant.auc == 0.5 and constant.mean_auc == 0.5
    # a constant score shortlists at random: its tie-averaged precision is exactly the base rate
    assert constant.lift == pytest.approx(1.0)
    assert_allclose(constant.by_region["precision_at_k"], constant.by_region["base_rate"])


def test_random_scores_are_at_chance_level() -> None:
    rng = np.random.default_rng(2024)
    shape = (300, 120)
    m0 = (rng.random(shape) < 0.3).astype(int)
    m1 = np.where(m0 == 1, 1, rng.random(shape) < 0.1).astype(int)
    result = backtest_opportunities(rng.random(shape), m0, m1, k=10)
    assert result.auc == pytest.approx(0.5, abs=0.02)
    assert result.mean_auc == pytest.approx(0.5, abs=0.02)
    assert result.lift == pytest.approx(1.0, abs=0.1)
    assert result.base_rate == pytest.approx(0.1, abs=0.01)


def test_informative_scores_beat_chance() -> None:
    score, m0, m1 = _random_panel(5, (200, 60))
    result = backtest_opportunities(score, m0, m1, k=5)
    assert result.auc > 0.6 and result.mean_auc > 0.6 and result.lift > 1.2


def test_hand_computed_precision_at_k_with_ties() -> None:
    score = np.array([[9.0, 5.0, 4.0, 4.0, 4.0, 1.0], [3.0, 2.0, 1.0, 0.0, 0.0, 0.0]])
    m0 = np.array([[1, 0, 0, 0, 0, 0], [0, 0, 0, 1, 1, 1]])
    m1 = np.array([[1, 0, 0, 1, 0, 1], [0, 1, 1, 1, 1, 1]])
    result = backtest_opportunities(score, m0, m1, k=2)
    # region 0: candidates 5, 4, 4, 4, 1; the top 2 are 5 (no entry) and one of three tied 4s (one entry)
    # region 1: candidates 3, 2, 1; the top 2 are 3 (no entry) and 2 (entry)
    assert_allclose(result.by_region["precision_at_k"], [1 / 6, 1 / 2])
    assert_allclose(result.by_region["base_rate"], [2 / 5, 2 / 3])
    assert result.precision_at_k == pytest.approx((1 / 6 + 1 / 2) / 2)
    assert result.base_rate == pytest.approx((2 / 5 + 2 / 3) / 2)
    assert result.lift == pytest.approx((2 / 3) / (16 / 15))
    # AUC of region 0: entries 4 and 1 against 5, 4, 4 -> (0 + 0.5 + 0.5 + 0 + 0 + 0) / 6
    # region 1: entries 2 and 1 both below the non-entry 3
    assert_allclose(result.by_region["auc"], [1 / 6, 0.0])
    assert result.n_candidates == 8 and result.n_entries == 4
    assert_array_equal(result.by_region["n_candidates"], [5, 3])
    assert result.k == 2


def test_shortlist_longer_than_the_candidates_takes_them_all() -> None:
    score = np.array([[3.0, 2.0, 1.0, 0.0], [0.0, 1.0, 2.0, 3.0]])
    m0 = np.array([[1, 1, 0, 0], [0, 0, 0, 0]])
    m1 = np.array([[1, 1, 1, 0], [1, 0, 0, 0]])
    result = backtest_opportunities(score, m0, m1, k=10)
    assert_allclose(result.by_region["precision_at_k"], [1 / 2, 1 / 4])
    assert_allclose(result.by_region["precision_at_k"], result.by_region["base_rate"])


def test_regions_without_candidates_or_entries_are_marked_undefined() -> None:
    score = np.array([[0.5, 0.2, 0.1], [0.3, 0.2, 0.1], [0.9, 0.8, 0.7]])
    m0 = np.array([[1, 1, 1], [0, 0, 0], [0, 0, 1]])
    m1 = np.array([[1, 1, 1], [0, 0, 0], [1, 0, 1]])
    by_region = backtest_opportunities(score, m0, m1, k=1).by_region
    assert_array_equal(by_region["precision_at_k"], [np.nan, 0.0, 1.0])
    assert_array_equal(by_region["base_rate"], [np.nan, 0.0, 0.5])
    assert_array_equal(by_region["auc"], [np.nan, np.nan, 1.0])


def test_monotone_transforms_of_the_score_change_nothing() -> None:
    score, m0, m1 = _random_panel(7)
    base = backtest_opportunities(score, m0, m1, k=4)
    moved = backtest_opportunities(np.exp(score) * 3 - 100, m0, m1, k=4)
    assert moved.auc == base.auc and moved.precision_at_k == base.precision_at_k
    pd.testing.assert_frame_equal(moved.by_region, base.by_region)


def test_dataframes_are_aligned_on_labels_and_labelled() -> None:
    score, m0, m1 = _random_panel(8, (6, 5))
    regions, industries = [f"r{i}" for i in range(6)], list("abcde")
    frame = pd.DataFrame(score, index=regions, columns=industries)
    f0 = pd.DataFrame(m0, index=regions, columns=industries).iloc[::-1, [4, 2, 0, 1, 3]]
    f1 = pd.DataFrame(m1.astype(bool), index=regions, columns=industries).iloc[[3, 1, 0, 2, 5, 4]]
    labelled = backtest_opportunities(frame, f0, f1, k=2)
    plain = backtest_opportunities(score, m0, m1, k=2)
    assert labelled.by_region.index.tolist() == regions
    assert labelled.auc == plain.auc
    assert_array_equal(labelled.by_region.to_numpy(), plain.by_region.to_numpy())


def test_rejects_mismatched_shapes_and_labels() -> None:
    score, m0, m1 = _random_panel(9, (5, 4))
    with pytest.raises(InvalidParameterError, match=r"'M1' parameter of backtest_opportunities must have the shape"):
        backtest_opportunities(score, m0, m1[:, :3])
    frame = pd.DataFrame(score, columns=list("abcd"))
    other = pd.DataFrame(m0, columns=list("abcx"))
    with pytest.raises(InvalidParameterError, match=r"industry labels of 'score0'. Got \['d', 'x'\]"):
        backtest_opportunities(frame, other, pd.DataFrame(m1, columns=list("abcd")))


def test_rejects_backtests_without_entries_or_non_entries() -> None:
    m0 = np.array([[1, 0, 0], [0, 1, 0]])
    with pytest.raises(InvalidParameterError, match="Got 0 entries among 4 candidates"):
        backtest_opportunities(np.ones((2, 3)), m0, m0)
    with pytest.raises(InvalidParameterError, match="Got 4 entries among 4 candidates"):
        backtest_opportunities(np.ones((2, 3)), m0, np.ones((2, 3)))
    with pytest.raises(InvalidParameterError, match="Got 0 entries among 0 candidates"):
        backtest_opportunities(np.ones((2, 3)), np.ones((2, 3)), np.ones((2, 3)))


def test_rejects_bad_k_and_non_binary_presence() -> None:
    score, m0, m1 = _random_panel(10, (5, 4))
    for k in (0, 1.5, -2):
        with pytest.raises(InvalidParameterError, match="'k' parameter of backtest_opportunities must be an int"):
            backtest_opportunities(score, m0, m1, k=k)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'M0' parameter .* binary"):
        backtest_opportunities(score, m0 * 3, m1)
    with pytest.raises(InvalidParameterError, match="'score0' parameter .* finite"):
        backtest_opportunities(np.full(score.shape, np.nan), m0, m1)


def test_trade_sample_density_backtest_runs_on_real_data() -> None:
    """10 countries × 30 HS92 products, 1995 → 1996: RCA ≥ 1 presence and proximity density.

    Density (Hidalgo et al. 2007): proximity φ_ij = co-occurrence / max(ubiquity_i, ubiquity_j),
    density_ri = Σ_j M_rj φ_ij / Σ_j φ_ij. The sample is far too small to expect a good
    ranking; the check is that the backtest runs on real data and gives a valid AUC.
    """
    trade = pd.read_csv(require_data("ecomplexity_trade_sample/trade_data_sample.csv"), dtype={"hs92": str})

    def presence(year: int) -> pd.DataFrame:
        X = trade[trade["year"] == year].pivot(index="origin", columns="hs92", values="export_val")
        rca = X.div(X.sum(axis=1), axis=0) / (X.sum(axis=0) / X.to_numpy().sum())
        return (rca >= 1).astype(int)

    m0, m1 = presence(1995), presence(1996)
    assert m0.shape == (10, 30)
    M = m0.to_numpy()
    ubiquity = M.sum(axis=0)
    phi = (M.T @ M) / np.maximum.outer(ubiquity, ubiquity)
    density = pd.DataFrame(M @ phi / phi.sum(axis=0), index=m0.index, columns=m0.columns)

    result = backtest_opportunities(density, m0, m1, k=3)
    assert 0.0 <= result.auc <= 1.0 and 0.0 <= result.mean_auc <= 1.0
    assert result.n_entries > 0 and result.n_candidates == int((M == 0).sum())
    assert result.by_region.index.tolist() == m0.index.tolist()
