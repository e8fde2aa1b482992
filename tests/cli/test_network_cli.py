"""``clusterbrain network risks|io|io-tables`` on the demo workspace and on China's 2018 input-output table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clusterbrain.cli.main import app
from clusterbrain.demo.build import DemoSummary
from tests.conftest import require_data

runner = CliRunner()


@pytest.fixture(scope="module")
def demo(demo_summary: DemoSummary) -> Path:
    return Path(demo_summary.workspace)


def test_risks_command_finds_the_planted_nodes(demo: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["network", "risks", "990000", "-w", str(demo), "--json", "-o", str(tmp_path / "r.json")]
    )
    assert result.exit_code == 0, result.output
    document = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    sole = {w["where"]["node_id"] for w in document["warnings"] if w["kind"] == "sole_source"}
    foreign = {w["where"]["node_id"] for w in document["warnings"] if w["kind"] == "foreign_dependence"}
    assert {"separator", "packaging_testing"} <= sole
    assert "eda_tools" in foreign


def test_io_commands_on_the_national_table(tmp_path: Path) -> None:
    source = require_data("cn_input_output/china_2018_42.csv")
    ws = tmp_path / "io.duckdb"
    assert runner.invoke(app, ["init", str(ws)]).exit_code == 0
    assert runner.invoke(app, ["import", "io-table", str(source), "-w", str(ws)]).exit_code == 0
    listed = runner.invoke(app, ["network", "io-tables", "-w", str(ws), "--json"])
    assert json.loads(listed.output)[0]["table_id"] == "china_2018_42"
    result = runner.invoke(app, ["network", "io", "china_2018_42", "-w", str(ws), "--shock", "20=-1000000", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["shock"]["total_change"] < -1_000_000  # the multiplier exceeds one
    bad = runner.invoke(app, ["network", "io", "china_2018_42", "-w", str(ws), "--shock", "20:5"])
    assert bad.exit_code == 1 and "CODE=CHANGE" in bad.output


def test_shock_command_hits_the_customers_of_a_cut_node(demo: Path) -> None:
    result = runner.invoke(
        app, ["network", "shock", "-w", str(demo), "--node", "separator", "--chain", "lithium_ion_battery", "--json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["summary"]["firms_hit"] > 0 and document["summary"]["loss"] > 0
    worst = {row["id"]: row["min_utilisation"] for row in document["nodes"]["worst"]}
    assert worst["separator"] == 0.0
    assert worst["battery_cells"] < 1.0  # separators go into cells


def test_shock_command_refuses_an_unknown_node(demo: Path) -> None:
    result = runner.invoke(
        app, ["network", "shock", "-w", str(demo), "--node", "no_such_node", "--chain", "lithium_ion_battery"]
    )
    assert result.exit_code == 1 and "no_such_node" in result.output and "Traceback" not in result.output
