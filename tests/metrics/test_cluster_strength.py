"""Cluster strength (US Cluster Mapping rules) and column aggregation: hand-computed, invariants, errors, real CBP data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import sparse

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.metrics.cluster_strength import aggregate_columns, cluster_strength
from clusterbrain.metrics.specialization import location_quotient, lq_confidence
from tests.conftest import require_data

# --- aggregate_columns ---------------------------------------------------------------------


def test_aggregate_columns_hand_computed() -> None:
    assert_array_equal(aggregate_columns([[1, 2, 3], [4, 5, 6]], ["b", "a", "b"]), [[2, 4], [5, 10]])


def test_aggregate_columns_leaves_out_columns_without_a_group() -> None:
    assert_array_equal(aggregate_columns([[1, 2, 3]], ["a", None, np.nan]), [[1]])


def test_aggregate_columns_looks_up_a_mapping_by_column_label() -> None:
    frame = pd.DataFrame([[1, 2, 3], [4, 5, 6]], index=["r", "s"], columns=["111", "222", "333"])
    mapping = pd.Series({"333": "x", "111": "x", "222": "y", "999": "z"}, name="cluster")
    out = aggregate_columns(frame, mapping)
    assert list(out.columns) == ["x", "y"] and out.columns.name == "cluster" and list(out.index) == ["r", "s"]
    assert_array_equal(out.to_numpy(), [[4, 2], [10, 5]])


def test_aggregate_columns_keeps_sparse_input_sparse() -> None:
    values = np.array([[1.0, 0.0, 3.0], [0.0, 5.0, 0.0]])
    out = aggregate_columns(sparse.csr_array(values), [0, 1, 0])
    assert sparse.issparse(out)
    assert_array_equal(out.toarray(), [[4, 0], [0, 5]])


def test_aggregate_columns_rejects_mismatched_or_empty_groups() -> None:
    with pytest.raises(InvalidParameterError, match=r"one label per column \(3\). Got 2 instead"):
        aggregate_columns([[1, 2, 3]], ["a", "b"])
    with pytest.raises(InvalidParameterError, match="at least one column"):
        aggregate_columns([[1, 2]], [None, None])


# --- cluster_strength: hand-computed -------------------------------------------------------

# Five regions, two clusters; the second is present nowhere.
EMP = np.array([[40, 0], [30, 0], [30, 0], [60, 0], [90, 0]], dtype=float)
EST = np.array([[4, 0], [3, 0], [2, 0], [6, 0], [9, 0]], dtype=float)
LQ = np.array([[2.5, 0], [1.0, 0], [2.0, 0], [3.0, 0], [4.0, 0]])


def test_cluster_strength_hand_computed() -> None:
    cs = cluster_strength(EMP, EST, lq=LQ)
    # LQ sorted (1, 2, 2.5, 3, 4): p25 = 2, p50 = 2.5, p75 = 3, p90 = 3 + .6 * (4 - 3) = 3.6
    assert_allclose([cs.lq_p25[0], cs.lq_p50[0], cs.lq_p75[0], cs.lq_p90[0]], [2.0, 2.5, 3.0, 3.6])
    # employment (30, 30, 40, 60, 90): p25 = 30; establishments (2, 3, 4, 6, 9): p25 = 3
    assert cs.employment_p25[0] == 30 and cs.establishments_p25[0] == 3
    assert_array_equal(cs.strong[:, 0], [False, False, False, True, True])
    assert_array_equal(cs.strong10[:, 0], [False, False, False, False, True])
    assert_array_equal(cs.significant[:, 0], [False, False, False, True, True])  # 2.5 is not > p50 = 2.5
    assert_array_equal(cs.qualifying[:, 0], [True, False, False, True, True])
    assert cs.n_present.tolist() == [5, 0]


def test_cluster_strength_of_a_cluster_present_nowhere_is_false_with_nan_thresholds() -> None:
    cs = cluster_strength(EMP, EST, lq=LQ)
    assert np.isnan(cs.lq_p75[1]) and np.isnan(cs.employment_p25[1])
    assert not (cs.strong[:, 1].any() or cs.significant[:, 1].any() or cs.qualifying[:, 1].any())


def test_cluster_strength_size_percentiles_are_strict() -> None:
    # Region 1 has the top LQ but employment equal to the 25th percentile: not strong (USCMP uses ">").
    emp = np.array([[50], [30], [30], [60], [90]], dtype=float)
    est = np.array([[5], [5], [5], [6], [9]], dtype=float)
    cs = cluster_strength(emp, est, lq=[[1.0], [5.0], [2.0], [3.0], [4.0]])
    assert cs.employment_p25[0] == 30 and cs.establishments_p25[0] == 5
    assert_array_equal(cs.strong[:, 0], [False, False, False, False, True])


def test_cluster_strength_requires_an_lq_of_at_least_one() -> None:
    cs = cluster_strength(EMP[:, :1], EST[:, :1], lq=LQ[:, :1] / 10)  # top quartile has LQ 0.3 and 0.4
    assert not cs.strong.any() and not cs.strong10.any()
    assert cs.significant[:, 0].tolist() == [False, False, False, True, True]


def test_cluster_strength_percentiles_match_numpy_linear_over_present_regions() -> None:
    rng = np.random.default_rng(0)
    emp = rng.poisson(50, size=(40, 6)).astype(float) * (rng.random((40, 6)) < 0.7)
    emp[0] += 1
    est = np.ceil(emp / 7)
    cs = cluster_strength(emp, est)
    lq = location_quotient(emp)
    for j in range(6):
        here = emp[:, j] > 0
        assert_allclose(cs.lq_p75[j], np.quantile(lq[here, j], 0.75))
        assert_allclose(cs.lq_p90[j], np.quantile(lq[here, j], 0.9))
        assert_allclose(cs.establishments_p25[j], np.quantile(est[here, j], 0.25))
    assert_allclose(cs.lq, lq)


def test_cluster_strength_same_for_ndarray_sparse_and_dataframe_and_permutes_with_rows() -> None:
    rng = np.random.default_rng(1)
    emp = rng.poisson(50, size=(30, 4)).astype(float)
    est = np.ceil(emp / 5)
    frame = cluster_strength(
        pd.DataFrame(emp, index=[f"r{i}" for i in range(30)], columns=list("abcd")),
        pd.DataFrame(est, index=[f"r{i}" for i in range(30)], columns=list("abcd")),
    )
    dense = cluster_strength(emp, est)
    from_sparse = cluster_strength(sparse.csr_array(emp), sparse.csr_array(est))
    assert_array_equal(from_sparse.strong, dense.strong)
    assert_array_equal(frame.strong.to_numpy(), dense.strong)
    assert list(frame.strong.columns) == list("abcd") and frame.lq_p75.index.tolist() == list("abcd")
    assert list(frame.thresholds().index) == list("abcd")
    order = rng.permutation(30)
    permuted = cluster_strength(emp[order], est[order])
    assert_array_equal(permuted.strong, dense.strong[order])
    assert_allclose(permuted.lq_p75, dense.lq_p75)


def test_cluster_strength_rejects_mismatched_inputs() -> None:
    with pytest.raises(
        InvalidParameterError, match="'establishments' parameter of cluster_strength must have the shape"
    ):
        cluster_strength(EMP, EST[:4])
    a = pd.DataFrame(EMP, columns=["x", "y"])
    with pytest.raises(InvalidParameterError, match="row and column labels of employment"):
        cluster_strength(a, pd.DataFrame(EST, columns=["y", "x"]))
    with pytest.raises(InvalidParameterError, match="'lq' parameter of cluster_strength must have the shape"):
        cluster_strength(EMP, EST, lq=LQ[:, :1])
    with pytest.raises(InvalidParameterError, match="'employment' parameter of cluster_strength must be non-negative"):
        cluster_strength(-EMP, EST)


# --- real data: County Business Patterns 2019, metro areas x 51 traded clusters --------------


@pytest.fixture(scope="module")
def metros() -> dict:
    """CBP 2019 employment and establishments of the metropolitan CBSAs, summed into the 51 USCMP traded clusters.

    Only metropolitan areas (OMB type "metro", from the county-CBSA crosswalk): USCMP compares
    regions of one type. With the 543 micropolitan areas mixed in, small oil towns set the
    75th LQ percentile of Oil and Gas to 10.0 and Houston (LQ 7.9) would not be strong.
    """
    cbp = pd.read_csv(
        require_data("us_cbp_2019_cbsa/cbp2019_cbsa_naics.csv.gz"), dtype={"cbsa_code": str, "naics_code": str}
    )
    crosswalk = pd.read_csv(
        require_data("us_cluster_mapping_definitions/naics2012_to_uscmp_cluster.csv"), dtype=str, keep_default_na=False
    )
    crosswalk.columns = crosswalk.columns.str.strip()  # the "NAICS " header has a trailing space
    counties = pd.read_csv(require_data("us_cbp_2019_cbsa/county_cbsa_state_crosswalk.csv"), dtype=str)
    cbsas = counties.dropna(subset=["cbsa_code"]).drop_duplicates("cbsa_code").set_index("cbsa_code")
    six = cbp[cbp["naics_code"].str.fullmatch(r"\d{6}")]
    # CBP is NAICS 2017, the crosswalk NAICS 2012 plus the rows it marks "Emsi-specific", which
    # include the 2017-only codes (211120 crude petroleum, 517311/2, 541713-5 ...): with them
    # every one of CBP's 961 six-digit codes is in the crosswalk.
    codes = pd.Series(six["naics_code"].unique())
    match_rate = codes.isin(crosswalk["NAICS"]).mean()
    traded = crosswalk[crosswalk["TradedLocal"] == "Traded"].set_index("NAICS")["Cluster"]
    metro = cbsas.index[cbsas["cbsa_type"] == "metro"]
    six = six[six["cbsa_code"].isin(metro)]
    emp = six.pivot_table(index="cbsa_code", columns="naics_code", values="EMP", aggfunc="sum", fill_value=0)
    est = six.pivot_table(index="cbsa_code", columns="naics_code", values="ESTAB", aggfunc="sum", fill_value=0)
    traded_share = emp.loc[:, emp.columns.isin(traded.index)].to_numpy().sum() / emp.to_numpy().sum()
    return {
        "match_rate": match_rate,
        "traded_share": traded_share,
        "employment": aggregate_columns(emp, traded),
        "establishments": aggregate_columns(est, traded),
        "state": cbsas["st_name"],
    }


def test_real_crosswalk_covers_cbp_and_gives_51_traded_clusters(metros: dict) -> None:
    assert metros["match_rate"] == 1.0
    assert 0.30 < metros["traded_share"] < 0.36  # traded clusters hold about a third of employment (32.3 %)
    assert metros["employment"].shape == (381, 51)


def test_real_lq_weighted_mean_is_one_and_automotive_peaks_in_michigan_ohio_indiana(metros: dict) -> None:
    emp = metros["employment"]
    lq = location_quotient(emp)
    weights = emp.sum(axis=1) / emp.to_numpy().sum()
    assert_allclose(weights @ lq, np.ones(51), rtol=1e-10)
    large = emp.sum(axis=1) >= 50_000  # metros with at least 50,000 traded jobs
    top = lq.loc[large, "Automotive"].nlargest(4).index
    assert set(metros["state"].reindex(top)) <= {"Michigan", "Ohio", "Indiana"}
    assert top[0] == "19820"  # Detroit


def test_real_cluster_strength_finds_the_known_strong_clusters(metros: dict) -> None:
    cs = cluster_strength(metros["employment"], metros["establishments"])
    strong = cs.strong
    assert strong.loc["19820", "Automotive"]  # Detroit
    assert strong.loc["26420", "Oil and Gas Production and Transportation"]  # Houston
    assert strong.loc["41940", "Information Technology and Analytical Instruments"]  # San Jose
    assert strong.loc["42660", "Aerospace Vehicles and Defense"]  # Seattle
    assert strong.loc["31080", "Video Production and Distribution"]  # Los Angeles
    assert strong.loc["35620", "Financial Services"]  # New York
    assert not strong.loc["41940", "Automotive"]


def test_real_cluster_strength_flags_are_nested_and_about_a_quarter_strong(metros: dict) -> None:
    cs = cluster_strength(metros["employment"], metros["establishments"])
    strong, present = cs.strong.to_numpy(), metros["employment"].to_numpy() > 0
    assert not (cs.strong10.to_numpy() & ~strong).any()
    assert not (strong & ~cs.significant.to_numpy()).any()
    assert not (cs.significant.to_numpy() & ~cs.qualifying.to_numpy()).any()
    # At most the top quartile of present regions per cluster; the LQ >= 1 and size rules remove some (19 % left).
    assert (strong.sum(axis=0) <= np.ceil(0.25 * cs.n_present.to_numpy()) + 1).all()
    assert 0.15 < strong[present].mean() < 0.25
    assert (cs.lq.to_numpy()[strong] >= 1).all()


def test_real_lq_confidence_trusts_detroit_automotive(metros: dict) -> None:
    ci = lq_confidence(metros["establishments"])
    assert not ci.unreliable.loc["19820", "Automotive"]
    assert ci.lower.loc["19820", "Automotive"] > 1
