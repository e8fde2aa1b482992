"""Metric tables: the output contract, labels as written, one result per year, agreement with py-ecomplexity."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from clusterbrain.cli.main import app
from clusterbrain.workflow.metric_tables import complexity_tables, long_to_matrix, relatedness_tables
from tests.conftest import require_data

runner = CliRunner()


def _trade_long(tmp_path: Path) -> Path:
    source = require_data("ecomplexity_trade_sample/trade_data_sample.csv")
    frame = pd.read_csv(source, dtype={"hs92": str})
    path = tmp_path / "long.csv"
    frame.rename(columns={"origin": "region", "hs92": "industry", "export_val": "value"}).to_csv(path, index=False)
    return path


def test_long_to_matrix_sorts_labels_and_fills_zeros() -> None:
    long = pd.DataFrame({"region": ["b", "a", "a"], "industry": ["y", "y", "x"], "value": [1.0, 2.0, 3.0]})
    matrix = long_to_matrix(long)
    assert matrix.index.tolist() == ["a", "b"]
    assert matrix.columns.tolist() == ["x", "y"]
    assert matrix.to_numpy().tolist() == [[3.0, 2.0], [0.0, 1.0]]


@pytest.mark.parametrize(
    ("kind", "files"),
    [
        (
            "specialization",
            {
                "regions": ["region", "diversity"],
                "industries": ["industry", "ubiquity"],
                "pairs": ["region", "industry", "value", "rca", "m"],
            },
        ),
        (
            "complexity",
            {
                "regions": ["region", "diversity", "eci"],
                "industries": ["industry", "ubiquity", "pci"],
                "pairs": ["region", "industry", "value", "rca", "m"],
            },
        ),
        (
            "relatedness",
            {
                "regions": ["region", "diversity", "eci"],
                "industries": ["industry", "ubiquity", "pci"],
                "pairs": ["region", "industry", "value", "rca", "m", "density", "cog"],
            },
        ),
    ],
)
def test_cli_writes_the_contract_columns_with_year_first(tmp_path: Path, kind: str, files: dict) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["metrics", kind, "-i", str(_trade_long(tmp_path)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    for name, columns in files.items():
        table = pd.read_csv(out / f"{name}.csv", dtype=str)
        assert table.columns[0] == "year"
        assert list(table.columns[1 : 1 + len(columns)]) == columns
        assert sorted(table["year"].unique()) == ["1995", "1996"]


def test_labels_are_written_exactly_as_in_the_input(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    rows = [("001", "0111", 5), ("001", "2601", 1), ("02", "0111", 1), ("02", "2601", 9), ("3", "0111", 2)]
    path.write_text("region,industry,value\n" + "".join(f"{r},{i},{v}\n" for r, i, v in rows), encoding="utf-8")
    out = tmp_path / "out"
    assert runner.invoke(app, ["metrics", "specialization", "-i", str(path), "-o", str(out)]).exit_code == 0
    pairs = pd.read_csv(out / "pairs.csv", dtype=str)
    assert set(pairs["region"]) == {"001", "02", "3"}
    assert set(pairs["industry"]) == {"0111", "2601"}


def test_complexity_and_relatedness_agree_with_py_ecomplexity(tmp_path: Path) -> None:
    from ecomplexity import ecomplexity

    source = require_data("ecomplexity_trade_sample/trade_data_sample.csv")
    trade = pd.read_csv(source, dtype={"hs92": str})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        peer = ecomplexity(trade, {"time": "year", "loc": "origin", "prod": "hs92", "val": "export_val"})
    long = trade.rename(columns={"origin": "region", "hs92": "industry", "export_val": "value"})
    ours = relatedness_tables(long)
    regions = ours["regions"].merge(
        peer[["year", "origin", "eci", "diversity", "coi"]].drop_duplicates(),
        left_on=["year", "region"],
        right_on=["year", "origin"],
        suffixes=("", "_peer"),
    )
    assert len(regions) == 20
    np.testing.assert_allclose(regions["eci"], regions["eci_peer"], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(regions["diversity"], regions["diversity_peer"])
    industries = ours["industries"].merge(
        peer[["year", "hs92", "pci"]].drop_duplicates(), left_on=["year", "industry"], right_on=["year", "hs92"]
    )
    np.testing.assert_allclose(
        industries["pci_x"] if "pci_x" in industries else industries["pci"],
        industries["pci_y"] if "pci_y" in industries else industries["pci"],
        rtol=1e-6,
        atol=1e-9,
    )
    pairs = ours["pairs"].merge(
        peer[["year", "origin", "hs92", "density", "rca", "mcp"]],
        left_on=["year", "region", "industry"],
        right_on=["year", "origin", "hs92"],
        suffixes=("", "_peer"),
    )
    assert len(pairs) == 600
    np.testing.assert_allclose(pairs["rca"], pairs["rca_peer"], rtol=1e-9)
    np.testing.assert_array_equal(pairs["m"], pairs["mcp"])
    np.testing.assert_allclose(pairs["density"], pairs["density_peer"], rtol=1e-6, atol=1e-9)
    assert complexity_tables(long)["regions"]["eci"].notna().all()


@pytest.mark.parametrize("method", ["proximity", "correlation", "pmi"])
def test_relatedness_can_come_from_co_location(tmp_path: Path, method: str) -> None:
    long = pd.read_csv(_trade_long(tmp_path), dtype={"industry": str})
    tables = relatedness_tables(long, relatedness=method)
    phi = tables["relatedness"]
    assert list(phi.columns) == ["year", "industry_a", "industry_b", method]
    assert phi[method].between(0, 1).all()
    assert tables["pairs"]["density"].between(0, 1).all()
