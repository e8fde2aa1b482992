"""The planning loop end to end on the synthetic demo province: planted gaps found, projects tied, targets credible."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clusterbrain.cli.main import app
from clusterbrain.demo.build import DemoSummary
from clusterbrain.store import Workspace
from clusterbrain.workflow.plan import PLAN_FILES, Plan, run_plan

FOCUS = "990000"


@pytest.fixture(scope="module")
def demo(demo_summary: DemoSummary) -> tuple[Path, dict]:
    return Path(demo_summary.workspace), demo_summary.planted


@pytest.fixture(scope="module")
def plan(demo: tuple[Path, dict]) -> Plan:
    with Workspace.open(demo[0], read_only=True) as ws:
        return run_plan(ws.con, FOCUS)


def test_plan_studies_the_mapped_chains(plan: Plan) -> None:
    assert sorted(plan.context.chains) == ["integrated_circuits", "lithium_ion_battery"]


def test_diagnosis_finds_the_planted_missing_nodes_as_fill_gaps(plan: Plan, demo: tuple[Path, dict]) -> None:
    fills = {(f.data["chain_id"], f.data["node_id"]) for f in plan.diagnosis.findings if f.id.endswith(":fill")}
    planted = {(n["chain_id"], n["node_id"]) for n in demo[1]["missing_nodes"]}
    assert planted and planted <= fills


def test_every_finding_carries_evidence_with_a_source(plan: Plan) -> None:
    for finding in [*plan.diagnosis.findings, *plan.positioning.findings, *plan.design.findings]:
        assert finding.evidence, finding.id
        assert all(e.source for e in finding.evidence), finding.id


def test_projects_close_the_planted_gaps_and_move_a_kpi(plan: Plan, demo: tuple[Path, dict]) -> None:
    projects = plan.design.projects
    closed = {p["closes"] for p in projects}
    for node in demo[1]["missing_nodes"]:
        assert f"gap:{node['chain_id']}:{node['node_id']}:fill" in closed
    assert {p["kind"] for p in projects} >= {"anchor", "platform", "ecosystem", "infrastructure"}
    for p in projects:
        assert p["kpi"] and p["start"] < p["end"]
        assert sum(p["financing"].values()) == pytest.approx(1.0)


def test_investment_targets_sit_on_the_node_outside_the_region(plan: Plan, demo: tuple[Path, dict]) -> None:
    ctx = plan.context
    local = set(ctx.local_firms["firm_id"])
    targets = {(t["chain_id"], t["node_id"]): t for t in plan.design.targets}
    for node in demo[1]["missing_nodes"]:
        entry = targets[(node["chain_id"], node["node_id"])]
        assert entry["targets"], node
        assignment = ctx.assignments[node["chain_id"]].set_index("firm_id")["node_id"]
        scores = [t["score"] for t in entry["targets"]]
        assert scores == sorted(scores, reverse=True)
        for target in entry["targets"]:
            assert target["firm_id"] not in local
            assert assignment[target["firm_id"]] == node["node_id"]
            assert 0 <= target["score"] <= 1 and target["reason_zh"] and target["reason_en"]


def test_positioning_picks_segments_with_reasons_and_a_mode(plan: Plan) -> None:
    p = plan.positioning
    assert 1 <= len(p.picks) <= 2
    assert all(pick["reason_zh"] and pick["reason_en"] for pick in p.picks)
    scores = p.segments["score"].tolist()
    assert scores == sorted(scores, reverse=True)
    assert p.mode in {r.outcome for r in p.mode_rules}
    assert p.vision["zh"].startswith("到") and p.vision["en"].startswith("By")


def test_the_focus_province_is_a_cluster_and_a_peripheral_county_is_not(plan: Plan, demo: tuple[Path, dict]) -> None:
    assert plan.diagnosis.sections["cluster_type"]["verdict"] == "cluster"
    with Workspace.open(demo[0], read_only=True) as ws:
        other = run_plan(ws.con, "940102")
    assert other.diagnosis.sections["cluster_type"]["verdict"] == "agglomeration"


def test_documents_are_strict_json(plan: Plan) -> None:
    for name, document in plan.documents().items():
        text = json.dumps(document, ensure_ascii=False, allow_nan=False)
        assert json.loads(text)["region_id"] == FOCUS, name


def test_plan_command_writes_the_four_files(demo: tuple[Path, dict], tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["plan", FOCUS, "-w", str(demo[0]), "-o", str(tmp_path / "plan"), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Top findings" in result.output
    for file_name in PLAN_FILES.values():
        assert json.loads((tmp_path / "plan" / file_name).read_text(encoding="utf-8"))["region_id"] == FOCUS
    html = (tmp_path / "plan" / "reports" / "plan-en.html").read_text(encoding="utf-8")
    assert "Executive summary" in html and "https://" not in html.split("<body")[0]


def test_unknown_region_is_a_clear_error(demo: tuple[Path, dict]) -> None:
    result = CliRunner().invoke(app, ["diagnose", "99000", "-w", str(demo[0])])
    assert result.exit_code == 1
    assert "no region '99000'" in result.output and "Traceback" not in result.output


def test_the_plan_compares_this_years_diagnosis_with_last_years(plan: Plan) -> None:
    assert plan.previous_year == plan.diagnosis.year - 1
    evaluation = plan.documents()["monitoring"]["evaluation"]
    assert evaluation["previous_year"] == plan.previous_year
    assert evaluation["findings"], "two years of synthetic statistics always differ somewhere"
    assert all(f["text_zh"] and f["text_en"] for f in evaluation["findings"])


def test_investment_targets_prefer_firms_already_supplying_the_chain_leaders(plan: Plan) -> None:
    for entry in plan.design.targets:
        for target in entry["targets"]:
            assert target["links_to_leaders"] <= target["links_to_region"] + 1e-6
            assert (target["q_links_to_leaders"] > 0) == (target["links_to_leaders"] > 0)


def test_every_project_closes_a_finding_of_the_plan(plan: Plan) -> None:
    ids = {f.id for f in (*plan.diagnosis.findings, *plan.positioning.findings)}
    for project in plan.design.projects:
        assert project["closes"] in ids, project["name_en"]


def test_a_workspace_with_statistics_only_gets_a_code_based_plan(
    demo_summary: DemoSummary, workspace: Workspace
) -> None:
    data = Path(demo_summary.data_dir)
    workspace.import_file("regions", data / "regions.parquet")
    workspace.import_file("stats", data / "stats.parquet")
    plan = run_plan(workspace.con, "990101")
    chains = plan.diagnosis.sections["chains"]
    assert chains and all(c["basis"] == "stats" for c in chains)
    assert plan.design.targets == ()  # no firm table: nobody to target
    assert plan.design.projects and plan.positioning.picks
    for document in plan.documents().values():
        json.dumps(document, ensure_ascii=False, allow_nan=False)


def test_a_region_without_firms_or_statistics_still_gets_its_gaps(demo: tuple[Path, dict]) -> None:
    with Workspace.open(demo[0], read_only=True) as ws:
        plan = run_plan(ws.con, "990171")  # a park: no firm and no statistics of its own
    assert not plan.context.has_stats and plan.context.local_firms.empty
    assert any(f.id.endswith(":fill") for f in plan.diagnosis.findings)
