"""Real listed companies (Tushare stock_basic) on the shipped chain templates: known firms, shares by method."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from clusterbrain.chain import FirmMapping
from clusterbrain.chain.coverage import mapping_coverage
from clusterbrain.cli.main import app
from clusterbrain.store import Workspace
from clusterbrain.store.sources import import_path
from clusterbrain.workflow.chain_study import chain_mapping
from clusterbrain.workflow.chains import builtin_templates, known_firms, label_crosswalk, load_chain
from tests.conftest import require_data

STOCK_BASIC = "cn_listed_companies/stock_basic.csv"
CHAINS = ("lithium_ion_battery", "photovoltaics", "integrated_circuits", "medical_devices", "industrial_robots")
EXPECTED = {
    "宁德时代": ("lithium_ion_battery", {"battery_cells"}),
    "隆基绿能": ("photovoltaics", {"ingots_wafers", "pv_modules"}),
    "中芯国际": ("integrated_circuits", {"wafer_foundry"}),
    "迈瑞医疗": ("medical_devices", {n.id for n in load_chain("medical_devices").nodes}),
    "汇川技术": ("industrial_robots", {"servo_drives", "servo_motors", "controllers"}),
}
runner = CliRunner()


def test_shipped_crosswalk_and_curated_firms_name_real_nodes() -> None:
    nodes = {t.id: {n.id for n in t.nodes} for t in builtin_templates().values()}
    for table in (label_crosswalk(), known_firms()):
        pairs = set(zip(table["chain_id"], table["node_id"], strict=True))
        assert all(node in nodes.get(chain, ()) for chain, node in pairs), pairs
    firms = known_firms()
    assert len(firms) <= 50  # kept small: signals should carry the mapping
    assert firms["reason"].str.startswith("curated: main product").all()


@pytest.fixture(scope="module")
def listed() -> pd.DataFrame:
    raw = pd.read_csv(require_data(STOCK_BASIC), dtype=str, keep_default_na=False)
    return pd.DataFrame(
        {"firm_id": raw["ts_code"], "name": raw["name"], "industry_label": raw["industry"].replace("", None)}
    )


@pytest.fixture(scope="module")
def mappings(listed: pd.DataFrame) -> dict[str, FirmMapping]:
    return {c: chain_mapping(listed, load_chain(c)) for c in CHAINS}


@pytest.mark.parametrize("name", EXPECTED)
def test_well_known_firms_land_on_their_nodes(name: str, listed: pd.DataFrame, mappings: dict) -> None:
    chain_id, nodes = EXPECTED[name]
    firm_id = listed.loc[listed["name"] == name, "firm_id"].item()
    row = mappings[chain_id].assignments.set_index("firm_id").loc[firm_id]
    assert row["node_id"] in nodes
    # Honest about how: these five short names say nothing, so a curated entry places them
    assert row["method"] == "curated"
    assert row["reason"].startswith("curated: main product")


def test_without_curation_the_label_alone_guesses_the_node_with_low_confidence(listed: pd.DataFrame) -> None:
    mapping = chain_mapping(listed, load_chain("lithium_ion_battery"), curated=False)
    catl = listed.loc[listed["name"] == "宁德时代", "firm_id"].item()
    guess = mapping.unmapped.set_index("firm_id").loc[catl]
    assert (guess["best_node"], guess["best_confidence"]) == ("battery_cells", 0.3)  # 电气设备's prior


def test_low_confidence_share_matches_a_recount(mappings: dict[str, FirmMapping], listed: pd.DataFrame) -> None:
    coverage = mapping_coverage(list(mappings.values()))
    per_chain = coverage.per_chain.set_index("chain_id")
    for chain_id, mapping in mappings.items():
        a = mapping.assignments
        low = int((a["confidence"] < 0.7).sum())
        assert per_chain.loc[chain_id, "low_confidence"] == low
        assert per_chain.loc[chain_id, "low_confidence_share"] == pytest.approx(low / len(a))
        assert per_chain.loc[chain_id, "firms"] == len(listed)
        assert per_chain.loc[chain_id, "mapped"] + per_chain.loc[chain_id, "unmapped"] == len(listed)
    best = pd.concat([m.assignments for m in mappings.values()]).groupby("firm_id")["confidence"].max()
    overall = coverage.overall
    assert overall["mapped"] == len(best)
    assert overall["low_confidence"] == int((best < 0.7).sum())
    assert overall["low_confidence_share"] == pytest.approx((best < 0.7).mean())
    # Signals that generalise (name fragments under a label, name keywords) place more firms than curation
    by_method = overall["by_method"]
    assert by_method["hint"] + by_method["name"] > by_method["curated"] > 0


def test_chain_map_command_reports_the_low_confidence_share(workspace: Workspace, tmp_path: Path) -> None:
    import_path(workspace.con, "firms", require_data(STOCK_BASIC))
    path = workspace.path
    workspace.close()
    result = runner.invoke(app, ["chain", "map", "integrated_circuits", "-w", str(path), "--json"])
    assert result.exit_code == 0, result.output
    coverage = json.loads(result.stdout)["coverage"]
    assert coverage["firms"] == 5_524
    assert coverage["mapped"] + coverage["unmapped"] == 5_524
    assert coverage["by_method"]["curated"] >= 1  # 中芯国际 among them, read from the loader's label tag
    assert 0 < coverage["low_confidence_share"] < 1
    text = runner.invoke(app, ["chain", "map", "integrated_circuits", "-w", str(path), "--no-curated"])
    assert text.exit_code == 0, text.output
    assert "low confidence" in text.stdout and "curated" not in text.stdout.split("by method:")[1]


def test_chain_coverage_command_counts_per_chain_and_overall(workspace: Workspace) -> None:
    import_path(workspace.con, "firms", require_data(STOCK_BASIC))
    path = workspace.path
    workspace.close()
    args = ["chain", "coverage", "-w", str(path), "-c", "photovoltaics", "-c", "medical_devices"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    per_chain = {row["chain_id"]: row for row in data["per_chain"]}
    assert set(per_chain) == {"photovoltaics", "medical_devices"}
    overall = data["overall"]
    assert overall["firms"] == 5_524
    # no listed company here sits on both chains, so the overall counts are the sums
    assert overall["mapped"] == sum(r["mapped"] for r in per_chain.values())
    assert overall["low_confidence"] == sum(r["low_confidence"] for r in per_chain.values())
    text = runner.invoke(app, args)
    assert text.exit_code == 0, text.output
    assert "overall" in text.stdout and "low share" in text.stdout
