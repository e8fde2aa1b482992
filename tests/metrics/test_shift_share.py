"""Shift-share decomposition: hand-computed cases, the accounting identity, and the Brookings metro file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import sparse

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.metrics.shift_share import shift_share
from tests.conftest import require_data

X0 = np.array([[10.0, 20.0], [30.0, 40.0]])
X1 = np.array([[15.0, 20.0], [30.0, 55.0]])


def _random_levels(seed: int, shape: tuple[int, int] = (30, 12)) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x0 = rng.gamma(1.0, 500.0, shape).round()
    x1 = (x0 * rng.lognormal(0.05, 0.3, shape)).round()
    x0[rng.random(shape) < 0.1] = 0.0  # new local industries
    x1[rng.random(shape) < 0.05] = 0.0  # closures
    return x0, x1


def test_hand_computed_two_by_two() -> None:
    # totals 100 -> 120 (g = 0.2); industry 0: 40 -> 45 (0.125); industry 1: 60 -> 75 (0.25)
    result = shift_share(X0, X1)
    assert result.national_growth == pytest.approx(0.2)
    assert_allclose(result.industry_growth, [0.125, 0.25])
    assert_allclose(result.national, [[2.0, 4.0], [6.0, 8.0]])
    assert_allclose(result.industry_mix, [[-0.75, 1.0], [-2.25, 2.0]])
    assert_allclose(result.competitive, [[3.75, -5.0], [-3.75, 5.0]])
    assert_allclose(result.change, [[5.0, 0.0], [0.0, 15.0]])
    assert result.homothetic_competitive is None and result.allocation is None
    assert_allclose(result.by_region["base"], [30.0, 70.0])
    assert_allclose(result.by_region["industry_mix"], [0.25, -0.25])


def test_components_add_up_to_the_change_exactly() -> None:
    x0, x1 = _random_levels(0)
    result = shift_share(x0, x1, homothetic=True)
    assert result.homothetic_competitive is not None and result.allocation is not None
    total = result.national + result.industry_mix + result.competitive
    assert_allclose(total, x1 - x0, rtol=0, atol=1e-9)
    assert_allclose(result.homothetic_competitive + result.allocation, result.competitive, rtol=0, atol=1e-9)
    by_region = result.by_region
    assert_allclose(
        by_region["national"] + by_region["industry_mix"] + by_region["competitive"], by_region["change"], atol=1e-8
    )
    assert_allclose(by_region["change"], (x1 - x0).sum(axis=1), atol=1e-8)


def test_default_reference_sums() -> None:
    x0, x1 = _random_levels(1)
    result = shift_share(x0, x1)
    # competitive effects cancel over regions in every industry, the mix effects over everything
    assert_allclose(result.competitive.sum(axis=0), 0.0, atol=1e-8)
    assert result.industry_mix.sum() == pytest.approx(0.0, abs=1e-8)
    assert result.national.sum() == pytest.approx(x1.sum() - x0.sum())
    assert_allclose(result.industry_growth, x1.sum(axis=0) / x0.sum(axis=0) - 1)


def test_growth_rates_reproduce_the_definitions_cell_by_cell() -> None:
    x0, x1 = _random_levels(2)
    result = shift_share(x0, x1)
    g, g_i = result.national_growth, result.industry_growth
    grown = x0 > 0
    g_ri = np.divide(x1, x0, out=np.zeros_like(x0), where=grown) - 1
    assert_allclose(result.national, x0 * g)
    assert_allclose(result.industry_mix, x0 * (g_i - g), atol=1e-9)
    assert_allclose(result.competitive[grown], (x0 * (g_ri - g_i))[grown], atol=1e-8)


def test_new_cells_put_all_growth_in_the_competitive_effect() -> None:
    x0 = np.array([[0.0, 10.0], [5.0, 10.0]])
    x1 = np.array([[7.0, 12.0], [5.0, 9.0]])
    result = shift_share(x0, x1, homothetic=True)
    assert result.homothetic_competitive is not None and result.allocation is not None
    assert result.national[0, 0] == 0 and result.industry_mix[0, 0] == 0
    assert result.competitive[0, 0] == pytest.approx(7.0)
    assert result.homothetic_competitive[0, 0] == 0
    assert result.allocation[0, 0] == pytest.approx(7.0)


def test_industry_new_to_the_whole_economy_has_undefined_growth_but_finite_components() -> None:
    x0 = np.array([[10.0, 0.0], [20.0, 0.0]])
    x1 = np.array([[12.0, 3.0], [18.0, 4.0]])
    result = shift_share(x0, x1)
    assert np.isnan(result.industry_growth[1]) and result.industry_growth[0] == pytest.approx(0.0)
    for part in (result.national, result.industry_mix, result.competitive):
        assert np.all(np.isfinite(part))
    assert_allclose(result.competitive[:, 1], [3.0, 4.0])
    assert result.national_growth == pytest.approx(7 / 30)


def test_hand_computed_esteban_marquillas_split() -> None:
    # homothetic employment: region totals 30 and 70 times the industry shares 0.4 and 0.6
    result = shift_share(X0, X1, homothetic=True)
    assert result.homothetic_competitive is not None and result.allocation is not None
    assert_allclose(result.homothetic_competitive, [[4.5, -4.5], [-3.5, 5.25]])
    assert_allclose(result.allocation, [[-0.75, -0.5], [-0.25, -0.25]])
    assert_allclose(result.by_region["allocation"], [-1.25, -0.5])


def test_region_with_the_reference_mix_has_no_allocation_effect() -> None:
    x0 = np.array([[20.0, 30.0], [20.0, 30.0], [40.0, 60.0]])
    x1 = np.array([[25.0, 28.0], [18.0, 40.0], [41.0, 61.0]])
    result = shift_share(x0, x1, homothetic=True)
    assert result.homothetic_competitive is not None and result.allocation is not None
    assert_allclose(result.allocation, 0.0, atol=1e-12)
    assert_allclose(result.homothetic_competitive, result.competitive)


def test_reference_economy_replaces_the_column_sums() -> None:
    result = shift_share(X0, X1, reference=([100.0, 100.0], [110.0, 90.0]))
    assert result.national_growth == pytest.approx(0.0)
    assert_allclose(result.industry_growth, [0.1, -0.1])
    assert_allclose(result.national, 0.0)
    assert_allclose(result.industry_mix, X0 * [0.1, -0.1])
    assert_allclose(result.competitive, X1 - X0 * [1.1, 0.9])
    default = shift_share(X0, X1)
    explicit = shift_share(X0, X1, reference=(X0.sum(axis=0), X1.sum(axis=0)))
    assert_allclose(explicit.competitive, default.competitive)


def test_reference_series_are_aligned_on_industry_labels() -> None:
    f0 = pd.DataFrame(X0, index=["r1", "r2"], columns=["a", "b"])
    f1 = pd.DataFrame(X1, index=["r1", "r2"], columns=["a", "b"])
    reference = (pd.Series({"b": 100.0, "a": 100.0, "z": 5.0}), pd.Series({"a": 110.0, "b": 90.0, "z": 5.0}))
    result = shift_share(f0, f1, reference=reference)
    assert isinstance(result.industry_growth, pd.Series)
    assert result.industry_growth.to_dict() == pytest.approx({"a": 0.1, "b": -0.1})


def test_scaling_levels_scales_components_not_rates() -> None:
    x0, x1 = _random_levels(4)
    base, scaled = shift_share(x0, x1, homothetic=True), shift_share(3 * x0, 3 * x1, homothetic=True)
    assert scaled.national_growth == pytest.approx(base.national_growth)
    assert_allclose(scaled.industry_growth, base.industry_growth)
    for name in ("national", "industry_mix", "competitive", "homothetic_competitive", "allocation"):
        assert_allclose(getattr(scaled, name), 3 * getattr(base, name), atol=1e-8)


def test_permuting_regions_permutes_the_result() -> None:
    x0, x1 = _random_levels(5)
    order = np.random.default_rng(0).permutation(x0.shape[0])
    base, permuted = shift_share(x0, x1), shift_share(x0[order], x1[order])
    assert_allclose(permuted.competitive, base.competitive[order], atol=1e-9)


def test_dataframe_sparse_and_array_inputs_agree() -> None:
    x0, x1 = _random_levels(6, (5, 4))
    regions, industries = list("vwxyz"), ["11", "21", "31", "42"]
    frames = shift_share(
        pd.DataFrame(x0, index=regions, columns=industries), pd.DataFrame(x1, index=regions, columns=industries)
    )
    arrays = shift_share(x0, x1)
    sparse_in = shift_share(sparse.csr_array(x0), sparse.csr_array(x1))
    assert isinstance(frames.competitive, pd.DataFrame)
    assert frames.competitive.index.tolist() == regions and frames.competitive.columns.tolist() == industries
    assert isinstance(frames.industry_growth, pd.Series)
    assert frames.industry_growth.index.tolist() == industries
    assert frames.by_region.index.tolist() == regions
    assert_allclose(frames.competitive.to_numpy(), arrays.competitive)
    assert_allclose(sparse_in.competitive, arrays.competitive)
    assert_array_equal(arrays.by_region.index, np.arange(5))


def test_dataframes_are_aligned_on_the_union_of_labels() -> None:
    f0 = pd.DataFrame([[10.0, 5.0]], index=["r"], columns=["a", "b"])
    f1 = pd.DataFrame([[4.0, 12.0], [1.0, 1.0]], index=["s", "r"], columns=["c", "a"])
    result = shift_share(f0, f1)
    assert result.change.index.tolist() == ["r", "s"] and result.change.columns.tolist() == ["a", "b", "c"]
    assert result.change.loc["r"].tolist() == [-9.0, -5.0, 1.0]
    assert result.change.loc["s"].tolist() == [12.0, 0.0, 4.0]
    assert result.competitive.loc["s", "c"] == pytest.approx(4.0)


def test_rejects_a_base_year_without_activity() -> None:
    with pytest.raises(InvalidParameterError, match="year-0 total of 0.0"):
        shift_share(np.zeros((2, 2)), X1)


def test_rejects_bad_inputs() -> None:
    with pytest.raises(InvalidParameterError, match="'X1' parameter of shift_share must have the shape"):
        shift_share(X0, X1[:1])
    with pytest.raises(InvalidParameterError, match="non-negative"):
        shift_share(X0, -X1)
    with pytest.raises(InvalidParameterError, match="'homothetic' parameter of shift_share must be one of"):
        shift_share(X0, X1, homothetic="yes")  # type: ignore[arg-type]


def test_rejects_malformed_references() -> None:
    with pytest.raises(InvalidParameterError, match="must be a pair"):
        shift_share(X0, X1, reference=[1.0, 2.0, 3.0])
    with pytest.raises(InvalidParameterError, match="must hold 2 finite non-negative year-1"):
        shift_share(X0, X1, reference=([1.0, 1.0], [1.0]))
    with pytest.raises(InvalidParameterError, match=r"year-0 activity wherever a region has some. .*\[1\]"):
        shift_share(X0, X1, reference=([5.0, 0.0], [5.0, 1.0]))
    f0 = pd.DataFrame(X0, columns=["a", "b"])
    with pytest.raises(InvalidParameterError, match=r"cover every industry. Got no year-0 total for \['b'\]"):
        shift_share(f0, f0, reference=(pd.Series({"a": 1.0}), pd.Series({"a": 1.0, "b": 1.0})))


def test_brookings_metro_local_shift_is_tracked_by_the_classic_decomposition() -> None:
    """Brookings Metro Monitor 2018 (EMSI) employment shift-share, base 2015, 100 metros × 24 sectors.

    The file holds only the 2016 levels and each component as a share of the base-year
    level (lsshare + imshare + nsshare = growth since the base year), so the 2015 levels are
    recovered as value / (1 + sum of shares). Its components cannot be reproduced exactly:
    its industry mix varies between metros within one 2-digit sector (it is computed on
    detailed industries), its reference is the whole US (national share 1.72 %), and for
    the 2006 and 2011 bases its national share varies by cell (a dynamic, year-by-year
    decomposition). What must hold: our competitive effect on the same levels, with the 100
    metros as reference, tracks Brookings' local shift closely.
    """
    data = pd.read_csv(require_data("us_metro_extras/cbsa_shiftshare.csv.gz"), dtype={"naics2_code": str})
    jobs = data[data["indicator"] == "Employment"]
    sectors = jobs[~jobs["naics2_code"].isin(["TOTAL", "PNFTOT"])]
    growth = sectors[["lsshare2015", "imshare2015", "nsshare2015"]].sum(axis=1)
    sectors = sectors.assign(base=sectors["value"] / (1 + growth))
    x0 = sectors.pivot(index="cbsa_code", columns="naics2_code", values="base")
    x1 = sectors.pivot(index="cbsa_code", columns="naics2_code", values="value")
    local_shift = sectors.pivot(index="cbsa_code", columns="naics2_code", values="lsshare2015")
    assert x0.shape == (100, 24)

    result = shift_share(x0, x1)
    assert_allclose(result.national + result.industry_mix + result.competitive, x1 - x0, atol=1e-6)
    assert_allclose(result.competitive.sum(axis=0), 0.0, atol=1e-6)
    # the 100 largest metros grew a little faster than the nation (2.18 % against 1.72 %)
    assert result.national_growth == pytest.approx(sectors["nsshare2015"].iloc[0], abs=0.01)

    ours = (result.competitive / x0).loc[local_shift.index, local_shift.columns]
    assert np.corrcoef(ours.to_numpy().ravel(), local_shift.to_numpy().ravel())[0, 1] > 0.95
    totals = jobs[jobs["naics2_code"] == "TOTAL"].set_index("cbsa_code")["lsshare2015"]
    ours_total = result.by_region["competitive"] / result.by_region["base"]
    assert np.corrcoef(ours_total, totals.loc[ours_total.index])[0, 1] > 0.98
