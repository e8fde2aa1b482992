"""Cluster strength from a workspace: CBP 2019 metro statistics and the US Cluster Mapping traded clusters."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from clusterbrain.cli.main import app
from clusterbrain.store import Workspace
from clusterbrain.store.long import grouping_members, stats_long
from clusterbrain.store.sources import import_path
from clusterbrain.workflow.metric_tables import cluster_tables
from tests.conftest import require_data


@pytest.fixture(scope="module")
def cbp_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cbp") / "cbp.duckdb"
    with Workspace.create(path) as ws:
        for kind, relative in (
            ("regions", "us_metro_extras/cbsa_export.csv"),
            ("regions", "us_cbp_2019_cbsa/county_cbsa_state_crosswalk.csv"),
            ("stats", "us_cbp_2019_cbsa/cbp2019_cbsa_naics.csv.gz"),
            ("industries", "us_cluster_mapping_definitions/naics2012_to_uscmp_cluster.csv"),
            ("crosswalks", "us_cluster_mapping_definitions/naics2012_to_uscmp_cluster.csv"),
        ):
            import_path(ws.con, kind, require_data(relative))
    return path


def test_traded_cluster_members_cover_the_cbp_codes(cbp_workspace: Path) -> None:
    with Workspace.open(cbp_workspace, read_only=True) as ws:
        members = grouping_members(ws.con, grouping="uscmp2016", scheme="naics2017", only="traded")
        assert members["group"].nunique() == 51
        assert members["code"].is_unique


def test_detroit_is_strong_in_automotive_and_flags_nest(cbp_workspace: Path) -> None:
    with Workspace.open(cbp_workspace, read_only=True) as ws:
        options = {"scheme": "naics2017", "region_level": "cbsa"}
        tables = cluster_tables(
            stats_long(ws.con, measure="employment", **options),
            stats_long(ws.con, measure="establishments", **options),
            grouping_members(ws.con, grouping="uscmp2016", scheme="naics2017", only="traded"),
        )
    pairs = tables["pairs"].set_index(["region", "cluster"])
    detroit = pairs.loc[("US-C19820", "traded.automotive")]
    assert detroit["strong"] == 1
    assert detroit["lq"] > 10
    assert pairs.loc[("US-C26420", "traded.oil_and_gas_production_and_transportation"), "significant"] == 1
    for inner, outer in (("strong10", "strong"), ("strong", "significant"), ("significant", "qualifying")):
        assert (pairs[inner] <= pairs[outer]).all()
    assert (pairs.loc[pairs["strong"] == 1, "lq"] >= 1).all()
    assert len(tables["clusters"]) == 51


def test_clusters_command_writes_its_tables(cbp_workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "metrics",
            "clusters",
            "-w",
            str(cbp_workspace),
            "--scheme",
            "naics2017",
            "--only",
            "traded",
            "--region-level",
            "cbsa",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    pairs = pd.read_csv(out / "pairs.csv", dtype={"region": str})
    assert list(pairs.columns[:6]) == ["year", "region", "cluster", "employment", "establishments", "lq"]
    assert pairs["year"].unique().tolist() == [2019]
