"""Opportunities and dynamics tables: growth, candidates, entry/exit, shift-share identity, backtest."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.workflow.change_tables import dynamics_tables, national_growth, opportunities_tables
from clusterbrain.workflow.metric_tables import long_to_matrix, specialization_tables
from tests.conftest import require_data


@pytest.fixture(scope="module")
def trade() -> pd.DataFrame:
    frame = pd.read_csv(require_data("ecomplexity_trade_sample/trade_data_sample.csv"), dtype={"hs92": str})
    return frame.rename(columns={"origin": "region", "hs92": "industry", "export_val": "value"})


def test_national_growth_is_smoothed_log_growth() -> None:
    before = pd.DataFrame({"a": [1.0, 2.0], "b": [0.0, 0.0]}, index=["r", "s"])
    after = pd.DataFrame({"a": [4.0, 4.0], "c": [9.0, 0.0]}, index=["r", "s"])
    growth = national_growth(before, after)
    assert growth.to_dict() == pytest.approx({"a": np.log(9 / 4), "b": 0.0, "c": np.log(10.0)})


def test_opportunities_rank_only_cells_the_region_is_not_specialised_in(trade: pd.DataFrame) -> None:
    table = opportunities_tables(trade)["opportunities"]
    assert (table["year"] == 1996).all()
    last = specialization_tables(trade[trade["year"] == 1996])["pairs"]
    specialised = set(map(tuple, last.loc[last["m"] == 1, ["region", "industry"]].to_numpy()))
    assert not specialised & set(map(tuple, table[["region", "industry"]].to_numpy()))
    assert {"density", "pci", "growth", "feasibility", "pci_pct", "growth_pct", "score", "rank"} <= set(table.columns)
    for _, ranks in table.groupby("region")["rank"]:
        assert ranks.min() == 1
    top = opportunities_tables(trade, top=3)["opportunities"]
    assert top.groupby("region").size().max() <= 3


def test_dynamics_decompose_change_and_count_entries(trade: pd.DataFrame) -> None:
    tables = dynamics_tables(trade)
    shares = tables["shift_share"]
    np.testing.assert_allclose(shares["change"], shares["national"] + shares["industry_mix"] + shares["competitive"])
    np.testing.assert_allclose(shares["change"], shares["value1"] - shares["value0"])
    m0 = specialization_tables(trade[trade["year"] == 1995])["pairs"].set_index(["region", "industry"])["m"]
    m1 = specialization_tables(trade[trade["year"] == 1996])["pairs"].set_index(["region", "industry"])["m"]
    entered = set(m1[(m1 == 1) & (m0.reindex(m1.index) == 0)].index)
    changes = tables["changes"]
    assert set(map(tuple, changes.loc[changes["entered"] == 1, ["region", "industry"]].to_numpy())) == entered
    summary = tables["backtest_summary"].iloc[0]
    assert summary["n_entries"] == len(entered) == 8
    assert 0 <= summary["auc"] <= 1


def test_dynamics_need_two_years(trade: pd.DataFrame) -> None:
    with pytest.raises(InvalidParameterError, match="at least two years"):
        dynamics_tables(trade[trade["year"] == 1995])


def test_long_to_matrix_drops_inactive_labels() -> None:
    long = pd.DataFrame({"region": ["a", "b"], "industry": ["x", "y"], "value": [1.0, 0.0]})
    assert long_to_matrix(long).shape == (1, 1)
