from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.metrics.complexity import economic_complexity
from clusterbrain.metrics.opportunities import growth_opportunities
from clusterbrain.metrics.relatedness import density, proximity
from tests.conftest import require_data
from tests.metrics._matrices import random_m
from tests.metrics._peer import peer_results, wide

M_SMALL = np.array([[1, 0, 0, 0], [0, 1, 1, 0], [1, 1, 1, 1]], dtype=float)
DENSITY = np.array([[1.0, 0.6, 0.2, 0.4], [0.3, 1.0, 1.0, 0.9], [1.0, 1.0, 1.0, 1.0]])
PCI = np.array([-1.0, 0.0, 2.0, 1.0])
GROWTH = np.array([0.10, 0.05, -0.02, 0.30])
WAGE = np.array([40.0, 90.0, 60.0, 50.0])


def test_known_table() -> None:
    table = growth_opportunities(M_SMALL, DENSITY, pci=PCI)
    # Region 0: candidates 1, 2, 3 with densities .6, .2, .4 -> feasibility 1, 1/3, 2/3;
    # PCI percentiles over all four industries: (-1, 0, 2, 1) -> 1/4, 2/4, 4/4, 3/4.
    # Scores 0.5 * feasibility + 0.5 * pci_pct: 0.75, 2/3, 17/24. Region 1: candidates 0, 3.
    assert list(table.columns) == [
        "region",
        "industry",
        "density",
        "pci",
        "feasibility",
        "pci_pct",
        "attractiveness",
        "score",
        "rank",
    ]
    assert table[["region", "industry"]].to_numpy().tolist() == [[0, 1], [0, 3], [0, 2], [1, 3], [1, 0]]
    np.testing.assert_allclose(table["feasibility"], [1, 2 / 3, 1 / 3, 1, 1 / 2], rtol=1e-15)
    np.testing.assert_allclose(table["pci_pct"], [1 / 2, 3 / 4, 1, 3 / 4, 1 / 4], rtol=1e-15)
    np.testing.assert_allclose(table["score"], [3 / 4, 17 / 24, 2 / 3, 7 / 8, 3 / 8], rtol=1e-15)
    assert table["rank"].tolist() == [1, 2, 3, 1, 2]
    np.testing.assert_array_equal(table["attractiveness"], table["pci_pct"])


def test_only_unspecialised_cells_are_candidates() -> None:
    M = random_m(0)
    d = density(M, proximity(M))
    table = growth_opportunities(M, d, pci=economic_complexity(M).pci)
    assert len(table) == int((M == 0).sum())
    assert np.all(M[table["region"], table["industry"]] == 0)
    np.testing.assert_allclose(table["density"], d[table["region"], table["industry"]])


def test_a_region_with_everything_has_no_row() -> None:
    table = growth_opportunities(M_SMALL, DENSITY, pci=PCI)
    assert 2 not in set(table["region"])


def test_ranks_run_from_one_within_each_region_by_score() -> None:
    M = random_m(1)
    table = growth_opportunities(M, density(M, proximity(M)), pci=economic_complexity(M).pci)
    for _, group in table.groupby("region"):
        assert group["rank"].iloc[0] == 1
        assert group["score"].is_monotonic_decreasing
        assert group["rank"].is_monotonic_increasing


def test_weights_on_density_alone_rank_by_density() -> None:
    M = random_m(2)
    d = density(M, proximity(M))
    table = growth_opportunities(M, d, pci=economic_complexity(M).pci, weights={"density": 1.0})
    for _, group in table.groupby("region"):
        assert group["density"].is_monotonic_decreasing


def test_weights_on_pci_alone_rank_by_pci() -> None:
    table = growth_opportunities(M_SMALL, DENSITY, pci=PCI, weights={"pci": 2.0, "density": 0.0})
    assert table[table["region"] == 0]["industry"].tolist() == [2, 3, 1]
    np.testing.assert_allclose(table["score"], table["pci_pct"], rtol=1e-15)


def test_default_weights_split_attractiveness_equally() -> None:
    table = growth_opportunities(M_SMALL, DENSITY, pci=PCI, growth=GROWTH, wage=WAGE)
    attractiveness = (table["pci_pct"] + table["growth_pct"] + table["wage_pct"]) / 3
    np.testing.assert_allclose(table["attractiveness"], attractiveness, rtol=1e-14)
    np.testing.assert_allclose(table["score"], 0.5 * table["feasibility"] + 0.5 * attractiveness, rtol=1e-14)
    # Raw values shown beside their percentiles.
    np.testing.assert_allclose(table["growth"], GROWTH[table["industry"]])
    np.testing.assert_allclose(table["wage_pct"], (np.argsort(np.argsort(WAGE)) + 1)[table["industry"]] / 4)


def test_weights_are_normalised() -> None:
    a = growth_opportunities(M_SMALL, DENSITY, pci=PCI, growth=GROWTH, weights={"density": 1, "pci": 1, "growth": 2})
    b = growth_opportunities(M_SMALL, DENSITY, pci=PCI, growth=GROWTH, weights={"density": 5, "pci": 5, "growth": 10})
    pd.testing.assert_frame_equal(a, b)
    expected = (a["feasibility"] + a["pci_pct"] + 2 * a["growth_pct"]) / 4
    np.testing.assert_allclose(a["score"], expected, rtol=1e-14)


def test_national_scope_ranks_density_over_all_candidate_cells() -> None:
    table = growth_opportunities(M_SMALL, DENSITY, pci=PCI, feasibility_scope="national")
    # Candidate densities .6 .2 .4 (region 0) and .3 .9 (region 1) ranked together.
    by_cell = dict(zip(zip(table["region"], table["industry"], strict=True), table["feasibility"], strict=True))
    assert by_cell == pytest.approx({(0, 1): 0.8, (0, 2): 0.2, (0, 3): 0.6, (1, 0): 0.4, (1, 3): 1.0})


def test_top_keeps_the_best_of_each_region() -> None:
    M = random_m(3)
    d = density(M, proximity(M))
    pci = economic_complexity(M).pci
    full = growth_opportunities(M, d, pci=pci)
    top = growth_opportunities(M, d, pci=pci, top=3)
    assert top.groupby("region").size().max() == 3
    expected = full.groupby("region").head(3).reset_index(drop=True)
    pd.testing.assert_frame_equal(top, expected)


def test_ties_share_the_best_rank_and_are_ordered_by_density() -> None:
    # All PCI equal and all weight on PCI: every candidate scores 2/3.
    M = np.array([[1, 0, 0], [0, 1, 1]], dtype=float)
    table = growth_opportunities(M, [[1.0, 0.1, 0.9], [0.5, 1.0, 1.0]], pci=[0.0, 0.0, 0.0], weights={"pci": 1.0})
    region0 = table[table["region"] == 0]
    assert region0["rank"].tolist() == [1, 1]
    assert region0["industry"].tolist() == [2, 1]  # higher density first among ties
    np.testing.assert_allclose(table["score"], 2 / 3, rtol=1e-15)


def test_labels_in_and_out_and_pci_aligned_by_label() -> None:
    regions, industries = ["north", "south", "east"], ["steel", "chips", "auto", "pharma"]
    frame = pd.DataFrame(M_SMALL, index=regions, columns=industries)
    dens = pd.DataFrame(DENSITY, index=regions, columns=industries).iloc[::-1, ::-1]
    pci = pd.Series(PCI, index=industries).iloc[[3, 1, 0, 2]]
    table = growth_opportunities(frame, dens, pci=pci)
    expected = growth_opportunities(M_SMALL, DENSITY, pci=PCI)
    assert table["region"].tolist() == [regions[r] for r in expected["region"]]
    assert table["industry"].tolist() == [industries[i] for i in expected["industry"]]
    np.testing.assert_allclose(table["score"], expected["score"], rtol=1e-15)


def test_sparse_m_gives_the_same_table() -> None:
    pd.testing.assert_frame_equal(
        growth_opportunities(sparse.csr_array(M_SMALL), DENSITY, pci=PCI),
        growth_opportunities(M_SMALL, DENSITY, pci=PCI),
    )


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"weights": {"density": -1.0, "pci": 1.0}}, r"The 'weights\['density'\]' parameter .* \[0, inf\)"),
        ({"weights": {"density": 0.0, "pci": 0.0}}, "at least one positive weight"),
        ({"weights": {"distance": 1.0}}, "The 'weights' parameter of growth_opportunities must be one of"),
        ({"weights": {"growth": 1.0}}, "no 'growth' values were passed"),
        ({"weights": {"pci": float("nan")}}, r"The 'weights\['pci'\]' parameter"),
        ({"pci": [1.0, np.nan, 0.0, 0.0]}, "'pci' parameter .* finite numbers"),
        ({"growth": [1.0, 2.0]}, r"'growth' parameter .* shape \(4,\)"),
        ({"top": 0}, "The 'top' parameter of growth_opportunities"),
        ({"feasibility_scope": "world"}, "The 'feasibility_scope' parameter"),
    ],
)
def test_growth_opportunities_rejects_bad_options(options: dict[str, object], match: str) -> None:
    kwargs: dict[str, object] = {"pci": PCI, **options}
    with pytest.raises(InvalidParameterError, match=match):
        growth_opportunities(M_SMALL, DENSITY, **kwargs)  # type: ignore[arg-type]


def test_growth_opportunities_rejects_mismatched_density() -> None:
    with pytest.raises(InvalidParameterError, match=r"'density' parameter .* shape of 'M' \(3, 4\)"):
        growth_opportunities(M_SMALL, DENSITY[:2], pci=PCI)
    with pytest.raises(InvalidParameterError, match="'density' parameter .* finite"):
        growth_opportunities(M_SMALL, np.where(DENSITY > 0.5, np.nan, DENSITY), pci=PCI)


def test_pipeline_on_real_trade_data() -> None:
    peer = peer_results(require_data("ecomplexity_trade_sample/trade_data_sample.csv"))
    M = wide(peer["out"], 1995, "mcp")
    table = growth_opportunities(M, density(M, proximity(M)), pci=economic_complexity(M).pci, top=5)
    assert set(table["region"]) == set(M.index)
    assert table.groupby("region").size().eq(5).all()
    assert table.notna().all().all()
