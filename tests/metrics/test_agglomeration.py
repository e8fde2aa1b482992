"""The Ellison-Glaeser agglomeration index: hand-computed answers, the dartboard null, errors."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.metrics.agglomeration import ellison_glaeser, ellison_glaeser_from_matrix


def test_ellison_glaeser_hand_computed() -> None:
    # Regions with shares .5/.5 (sum x^2 = .5). Industry 0: all in region 0, G = .25 + .25 = .5, H = .5:
    # gamma = (.5 - .5 * .5) / (.5 * .5) = 1. Industry 1 spread like all activity, G = 0: gamma = -H/(1-H) = -1/3 with H = .25.
    eg = ellison_glaeser_from_matrix([[20, 5], [0, 5]], [0.5, 0.25], region_share=[1, 1])
    assert_allclose(eg.raw_concentration, [0.5, 0.0])
    assert_allclose(eg.gamma, [1.0, -1 / 3])
    assert eg.region_herfindahl == 0.5


def test_ellison_glaeser_uses_the_row_totals_by_default() -> None:
    # x = (.8, .2): industry 0 s = (1, 0): G = .04 + .04 = .08, sum x^2 = .68; H = .5
    eg = ellison_glaeser_from_matrix([[20, 20], [0, 10]], [0.5, 0.5])
    assert_allclose(eg.gamma[0], (0.08 - 0.32 * 0.5) / (0.32 * 0.5))


def test_ellison_glaeser_from_plants_matches_the_matrix_form() -> None:
    rng = np.random.default_rng(5)
    region = rng.choice(list("abcdef"), size=300)
    industry = rng.choice(["x", "y", "z", "w"], size=300)
    size = rng.lognormal(3, 1, size=300)
    eg = ellison_glaeser(industry, region, size)
    frame = pd.DataFrame({"r": region, "i": industry, "s": size})
    matrix = frame.pivot_table(index="r", columns="i", values="s", aggfunc="sum", fill_value=0.0)
    h = frame.groupby("i")["s"].apply(lambda s: ((s / s.sum()) ** 2).sum())
    expected = ellison_glaeser_from_matrix(matrix, h)
    assert list(eg.gamma.index) == ["w", "x", "y", "z"]
    assert_allclose(eg.gamma.to_numpy(), expected.gamma.to_numpy(), rtol=1e-12)
    assert_allclose(eg.plant_herfindahl.to_numpy(), h.to_numpy(), rtol=1e-12)


def test_ellison_glaeser_is_unbiased_under_the_dartboard() -> None:
    # EG (1997), Proposition 1: plants thrown at random with probabilities x_r give E[gamma] = 0.
    rng = np.random.default_rng(6)
    shares = np.array([0.3, 0.2, 0.15, 0.1, 0.1, 0.05, 0.05, 0.05])
    n_industries, plants = 3000, 12
    industry = np.repeat(np.arange(n_industries), plants)
    region = rng.choice(len(shares), size=industry.size, p=shares)
    size = rng.lognormal(3, 1, size=industry.size)
    gamma = ellison_glaeser(industry, region, size, region_share=pd.Series(shares)).gamma
    assert abs(gamma.mean()) < 4 * gamma.std() / math.sqrt(n_industries)


def test_ellison_glaeser_counts_regions_without_plants_through_region_share() -> None:
    eg = ellison_glaeser(["x", "x"], ["a", "a"], [1, 1], region_share={"a": 1, "b": 1})
    assert_allclose(eg.gamma, [1.0])


def test_ellison_glaeser_is_undefined_for_a_single_plant() -> None:
    eg = ellison_glaeser(["x", "y", "y"], ["a", "b", "a"], [5, 5, 5])
    assert math.isnan(eg.gamma["x"]) and not math.isnan(eg.gamma["y"])


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (
            lambda: ellison_glaeser_from_matrix([[1, 2], [3, 4]], [0.5, 1.5]),
            r"'plant_herfindahl' parameter .* \(0, 1\]",
        ),
        (lambda: ellison_glaeser_from_matrix([[1, 2], [3, 4]], [0.5]), "one value in"),
        (lambda: ellison_glaeser_from_matrix([[1, 2]], [0.5, 0.5]), "at least two regions"),
        (lambda: ellison_glaeser_from_matrix([[1, 0], [3, 0]], [0.5, 0.5]), r"every industry \(column\)"),
        (lambda: ellison_glaeser(["x", "y"], ["a"], [1, 1]), "non-empty and of one length"),
        (
            lambda: ellison_glaeser(["x", "x"], ["a", "b"], [1, 0]),
            "'firm_size' parameter .* must be positive",
        ),
        (lambda: ellison_glaeser(["x", "x"], ["a", "c"], [1, 1], region_share={"a": 1, "b": 1}), r"\['c'\]"),
    ],
)
def test_ellison_glaeser_rejects_invalid_input(call, match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        call()
