"""Entry, exit and persistence of specialisations between two years."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from scipy import sparse

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.metrics.dynamics import specialization_changes

M0 = np.array([[1, 0, 0, 1], [1, 1, 0, 0], [0, 0, 0, 0]])
M1 = np.array([[1, 1, 0, 0], [0, 1, 1, 1], [0, 0, 0, 1]])


def test_hand_computed_entries_exits_and_kept() -> None:
    result = specialization_changes(M0, M1)
    assert_array_equal(result.entered, [[0, 1, 0, 0], [0, 0, 1, 1], [0, 0, 0, 1]])
    assert_array_equal(result.exited, [[0, 0, 0, 1], [1, 0, 0, 0], [0, 0, 0, 0]])
    assert_array_equal(result.kept, [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0]])
    assert result.entered.dtype == bool
    assert result.by_region.to_dict("list") == {
        "before": [2, 2, 0],
        "after": [2, 3, 1],
        "entered": [1, 2, 1],
        "exited": [1, 1, 0],
        "kept": [1, 1, 0],
    }
    assert result.by_industry["entered"].tolist() == [0, 1, 1, 2]
    assert result.by_industry["before"].tolist() == [2, 1, 0, 1]


def test_counts_are_conserved_on_random_matrices() -> None:
    rng = np.random.default_rng(3)
    a, b = rng.integers(0, 2, (40, 25)), rng.integers(0, 2, (40, 25))
    result = specialization_changes(a, b)
    for table in (result.by_region, result.by_industry):
        assert_array_equal(table["before"], table["kept"] + table["exited"])
        assert_array_equal(table["after"], table["kept"] + table["entered"])
    assert int(result.by_region["entered"].sum()) == int(((a == 0) & (b == 1)).sum())
    # each cell is in at most one of the three states
    assert not np.any(result.entered & result.exited) and not np.any(result.entered & result.kept)


def test_no_change_means_no_entry_or_exit() -> None:
    result = specialization_changes(M0, M0)
    assert not result.entered.any() and not result.exited.any()
    assert_array_equal(result.kept, M0 == 1)


def test_dataframes_in_labelled_frames_out() -> None:
    regions, industries = ["cz", "de", "es"], ["a", "b", "c", "d"]
    f0 = pd.DataFrame(M0, index=regions, columns=industries)
    f1 = pd.DataFrame(M1, index=regions, columns=industries)
    result = specialization_changes(f0, f1)
    assert isinstance(result.entered, pd.DataFrame)
    assert result.entered.index.tolist() == regions and result.entered.columns.tolist() == industries
    assert result.entered.loc["de", "d"] and not result.entered.loc["cz", "a"]
    assert result.by_region.index.tolist() == regions
    assert result.by_industry.index.tolist() == industries
    assert_array_equal(result.entered.to_numpy(), specialization_changes(M0, M1).entered)


def test_dataframes_are_aligned_on_labels_not_positions() -> None:
    f0 = pd.DataFrame(M0, index=["x", "y", "z"], columns=list("abcd"))
    f1 = pd.DataFrame(M1, index=["x", "y", "z"], columns=list("abcd"))
    shuffled = f1.iloc[[2, 0, 1], [3, 1, 0, 2]]
    result = specialization_changes(f0, shuffled)
    assert_array_equal(result.entered.to_numpy(), specialization_changes(M0, M1).entered)
    assert result.entered.index.tolist() == ["x", "y", "z"]


def test_dataframes_with_different_labels_use_the_union_with_zeros() -> None:
    f0 = pd.DataFrame([[1, 0], [0, 1]], index=["x", "y"], columns=["a", "b"])
    f1 = pd.DataFrame([[1, 1], [1, 0]], index=["y", "w"], columns=["b", "new"])
    result = specialization_changes(f0, f1)
    assert result.entered.index.tolist() == ["x", "y", "w"]
    assert result.entered.columns.tolist() == ["a", "b", "new"]
    # x is missing in year 1: its specialisation in a is an exit
    assert result.exited.loc["x", "a"]
    # y kept b and entered the industry that only year 1 has
    assert result.kept.loc["y", "b"] and result.entered.loc["y", "new"]
    # w is a region only year 1 has: its b is an entry
    assert result.entered.loc["w", "b"]
    assert result.by_region.loc["w"].to_dict() == {"before": 0, "after": 1, "entered": 1, "exited": 0, "kept": 0}


def test_bool_and_sparse_inputs_give_the_same_result() -> None:
    dense = specialization_changes(M0, M1)
    as_bool = specialization_changes(M0.astype(bool), M1.astype(bool))
    as_sparse = specialization_changes(sparse.csr_array(M0), sparse.csr_matrix(M1))
    for other in (as_bool, as_sparse):
        assert_array_equal(other.entered, dense.entered)
        assert_array_equal(other.exited, dense.exited)
        pd.testing.assert_frame_equal(other.by_region, dense.by_region)


def test_one_dataframe_and_one_array_take_the_frame_labels() -> None:
    f0 = pd.DataFrame(M0, index=["x", "y", "z"], columns=list("abcd"))
    result = specialization_changes(f0, M1)
    assert result.entered.index.tolist() == ["x", "y", "z"]
    assert_array_equal(result.entered.to_numpy(), specialization_changes(M0, M1).entered)


def test_rejects_arrays_of_different_shapes() -> None:
    with pytest.raises(InvalidParameterError, match=r"'M1' parameter of specialization_changes must have the shape"):
        specialization_changes(M0, M1[:, :3])


def test_rejects_non_binary_matrices() -> None:
    with pytest.raises(InvalidParameterError, match=r"'M0' parameter .* binary .* Got 1.7"):
        specialization_changes(M0 * 1.7, M1)
    with pytest.raises(InvalidParameterError, match=r"'M1' parameter .* binary"):
        specialization_changes(M0, M1 * 2)


def test_rejects_nan_and_repeated_labels() -> None:
    with pytest.raises(InvalidParameterError, match="finite"):
        specialization_changes(np.where(M0 == 1, np.nan, 0), M1)
    f0 = pd.DataFrame(M0, index=["x", "x", "z"], columns=list("abcd"))
    f1 = pd.DataFrame(M1, index=["x", "y", "z"], columns=list("abcd"))
    with pytest.raises(InvalidParameterError, match=r"unique region labels. Got repeated \['x'\]"):
        specialization_changes(f0, f1)
