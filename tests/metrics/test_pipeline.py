from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.metrics.complexity import economic_complexity
from clusterbrain.metrics.pipeline import PipelineResult, complexity_pipeline
from clusterbrain.metrics.relatedness import complexity_outlook, complexity_outlook_gain, density, proximity
from clusterbrain.metrics.specialization import location_quotient, presence
from tests.conftest import require_data

MATRICES = ("rca", "M", "density", "cog")
VECTORS = ("diversity", "ubiquity", "eci", "pci", "coi")


def activity(seed: int, shape: tuple[int, int] = (60, 40), fill: float = 0.6) -> np.ndarray:
    """Heavy-tailed, nested activity with every row and column present."""
    rng = np.random.default_rng(seed)
    n, k = shape
    chance = 1 / (1 + np.exp(-(rng.normal(size=n)[:, None] - rng.normal(size=k)[None, :]) * 2))
    X = np.where(rng.random(shape) < chance * fill / 0.5, rng.lognormal(2, 1.5, shape), 0.0)
    X[np.arange(n), rng.integers(0, k, n)] += 1.0
    X[rng.integers(0, n, k), np.arange(k)] += 1.0
    return X


def kernels(X: object, *, threshold: float = 1.0, diagonal: int = 1, population: object = None) -> dict:
    """The same quantities from the individual kernels, called one after the other."""
    M = presence(X, threshold=threshold, population=population)
    ec = economic_complexity(M)
    phi = proximity(M, diagonal=diagonal)
    d = density(M, phi)
    return {
        "rca": location_quotient(X, population=population),
        "M": M,
        "diversity": ec.diversity,
        "ubiquity": ec.ubiquity,
        "eci": ec.eci,
        "pci": ec.pci,
        "phi": phi,
        "density": d,
        "coi": complexity_outlook(M, phi, ec.pci, density=d),
        "cog": complexity_outlook_gain(M, phi, ec.pci, density=d),
    }


def dense(value: object) -> np.ndarray:
    if sparse.issparse(value):
        return value.toarray()
    return np.asarray(value)


def assert_same(result: PipelineResult, expected: dict) -> None:
    for name, value in expected.items():
        np.testing.assert_allclose(dense(getattr(result, name)), dense(value), rtol=1e-9, atol=1e-12, err_msg=name)


@pytest.mark.parametrize(
    ("seed", "shape", "fill"),
    [
        (0, (60, 40), 0.6),  # dense M: BLAS products, dense eigensolver
        (1, (400, 260), 0.6),  # above 200 nodes: ARPACK
        (2, (500, 300), 0.04),  # under 5 % ones: sparse products
    ],
)
def test_pipeline_equals_the_kernels_on_random_activity(seed: int, shape: tuple[int, int], fill: float) -> None:
    X = activity(seed, shape, fill)
    assert_same(complexity_pipeline(X), kernels(X))


@pytest.mark.parametrize(("threshold", "diagonal"), [(1.0, 0), (0.8, 1), (1.5, 0)])
def test_pipeline_equals_the_kernels_for_every_option(threshold: float, diagonal: int) -> None:
    X = activity(3)
    assert_same(
        complexity_pipeline(X, threshold=threshold, diagonal=diagonal),
        kernels(X, threshold=threshold, diagonal=diagonal),
    )


def test_pipeline_equals_the_kernels_with_population() -> None:
    X = activity(4)
    population = np.random.default_rng(4).lognormal(10, 1, X.shape[0])
    assert_same(complexity_pipeline(X, population=population), kernels(X, population=population))


def test_pipeline_input_kinds_agree_and_keep_their_kind() -> None:
    X = activity(5)
    frame = pd.DataFrame(X, index=[f"r{i}" for i in range(X.shape[0])], columns=[f"i{j}" for j in range(X.shape[1])])
    results = [complexity_pipeline(X), complexity_pipeline(sparse.csr_array(X)), complexity_pipeline(frame)]
    for name in (*MATRICES, *VECTORS, "phi"):
        for other in results[1:]:
            np.testing.assert_allclose(dense(getattr(other, name)), dense(getattr(results[0], name)), atol=1e-12)
    as_sparse = results[1]
    assert sparse.issparse(as_sparse.rca)
    assert sparse.issparse(as_sparse.M)
    assert isinstance(as_sparse.density, np.ndarray)


def test_pipeline_keeps_labels() -> None:
    X = activity(6, (30, 20))
    regions = pd.Index([f"region {i}" for i in range(30)], name="region")
    industries = pd.Index([f"{1000 + j}" for j in range(20)], name="industry")
    result = complexity_pipeline(pd.DataFrame(X, index=regions, columns=industries))
    for name in MATRICES:
        value = getattr(result, name)
        assert isinstance(value, pd.DataFrame), name
        pd.testing.assert_index_equal(value.index, regions)
        pd.testing.assert_index_equal(value.columns, industries)
    for name, labels in (("diversity", regions), ("eci", regions), ("coi", regions)):
        value = getattr(result, name)
        assert value.name == name
        pd.testing.assert_index_equal(value.index, labels)
    for name in ("ubiquity", "pci"):
        pd.testing.assert_index_equal(getattr(result, name).index, industries)
    pd.testing.assert_index_equal(result.phi.index, industries)
    pd.testing.assert_index_equal(result.phi.columns, industries)


def test_pipeline_population_aligns_by_label() -> None:
    X = activity(7, (25, 15))
    frame = pd.DataFrame(X, index=[f"r{i}" for i in range(25)])
    people = X.sum(axis=1) * np.linspace(0.9, 1.1, 25)
    population = pd.Series(people, index=frame.index)[::-1]
    expected = complexity_pipeline(X, population=people)
    np.testing.assert_allclose(complexity_pipeline(frame, population=population).eci.to_numpy(), expected.eci)


def test_pipeline_cog_is_zero_where_specialised_and_density_in_unit_interval() -> None:
    result = complexity_pipeline(activity(8))
    assert np.all(result.cog[result.M == 1] == 0)
    assert result.density.min() >= 0
    assert result.density.max() <= 1


def test_pipeline_on_trade_sample_equals_the_kernels() -> None:
    trade = pd.read_csv(require_data("ecomplexity_trade_sample/trade_data_sample.csv"), dtype={"hs92": str})
    year = trade[trade["year"] == 1995]
    X = year.pivot_table(index="origin", columns="hs92", values="export_val", aggfunc="sum", fill_value=0.0)
    X = X.loc[X.sum(axis=1) > 0, X.sum(axis=0) > 0]
    result = complexity_pipeline(X)
    assert_same(result, kernels(X))
    pd.testing.assert_index_equal(result.eci.index, X.index)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"threshold": 0}, r"'threshold' parameter of complexity_pipeline must be a float in \(0, inf\)"),
        ({"diagonal": 2}, r"'diagonal' parameter of complexity_pipeline must be one of \{1, 0\}"),
        ({"population": [1.0, -1.0, 2.0]}, r"'population' parameter of complexity_pipeline must hold positive"),
    ],
)
def test_pipeline_rejects_bad_options(kwargs: dict, match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        complexity_pipeline([[1, 2], [3, 1], [2, 2]], **kwargs)


def test_pipeline_rejects_an_industry_without_activity() -> None:
    frame = pd.DataFrame([[1, 0, 2], [3, 0, 1], [2, 0, 5]], columns=["a", "b", "c"])
    with pytest.raises(InvalidParameterError, match=r"undefined for 1 industry\(ies\) \('b'\) with no specialisation"):
        complexity_pipeline(frame)


def test_pipeline_rejects_a_region_without_specialisation_at_a_high_threshold() -> None:
    # The balanced middle region and industry reach an RCA of 1.1 at most.
    match = r"\(RCA >= 1.2\); complexity is undefined for 1 region\(s\) \(1\) and 1 industry\(ies\) \(1\)"
    with pytest.raises(InvalidParameterError, match=match):
        complexity_pipeline([[4, 2, 1], [3, 3, 3], [1, 2, 4]], threshold=1.2)


def test_pipeline_rejects_negative_activity() -> None:
    with pytest.raises(InvalidParameterError, match="'X' parameter of complexity_pipeline must be non-negative"):
        complexity_pipeline([[1, -1], [3, 1]])
