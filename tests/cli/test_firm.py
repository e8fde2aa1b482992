"""``clusterbrain firm ...`` on a small demo workspace: check (single and batch), screen, evaluate, policies."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from clusterbrain.cli import firm
from clusterbrain.demo.build import build_demo_workspace

runner = CliRunner()


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(build_demo_workspace(tmp_path_factory.mktemp("firmcli"), n_firms=1500).workspace)


def _first_firm(ws: Path) -> str:
    con = duckdb.connect(str(ws), read_only=True)
    try:
        return con.execute("SELECT min(firm_id) FROM firms WHERE region_id LIKE '9901%'").fetchall()[0][0]
    finally:
        con.close()


def test_every_command_has_help() -> None:
    for command in ("check", "screen", "evaluate", "policies"):
        result = runner.invoke(firm.app, [command, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output


def test_check_one_firm_json_and_batch(ws: Path, tmp_path: Path) -> None:
    firm_id = _first_firm(ws)
    result = runner.invoke(firm.app, ["check", firm_id, "-w", str(ws), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["firm_id"] == firm_id and len(doc["indicators"]) == 8
    batch = runner.invoke(firm.app, ["check", "-w", str(ws), "-r", "990100", "-o", str(tmp_path / "out")])
    assert batch.exit_code == 0, batch.output
    with (tmp_path / "out" / "index.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    files = list((tmp_path / "out" / "firms").glob("*.json"))
    assert len(rows) == len(files) > 10
    assert {r["firm_id"] for r in rows} == {p.stem for p in files}


def test_check_errors_are_clear(ws: Path) -> None:
    result = runner.invoke(firm.app, ["check", "NOPE", "-w", str(ws)])
    assert result.exit_code == 1 and "no firm 'NOPE'" in result.output
    result = runner.invoke(firm.app, ["check", "-w", str(ws), "-r", "990100"])
    assert result.exit_code != 0 and "--out" in result.output


def test_screen_and_evaluate(ws: Path, tmp_path: Path) -> None:
    result = runner.invoke(firm.app, ["screen", "-w", str(ws), "-r", "990000", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data["counts"]) == {"specialised_sme", "little_giant"}
    result = runner.invoke(firm.app, ["evaluate", "-w", str(ws), "-r", "990000", "-o", str(tmp_path / "ev")])
    assert result.exit_code == 0, result.output
    assert "亩均效益" in result.output and (tmp_path / "ev" / "sensitivity.csv").is_file()
    # Across the province one firm ranks first in each group; with --each-region one per county and group.
    tops = []
    for extra in ([], ["--each-region"]):
        result = runner.invoke(firm.app, ["evaluate", "-w", str(ws), "-r", "990000", "--json", *extra])
        assert result.exit_code == 0, result.output
        firms = json.loads(result.output)["firms"]
        tops.append(sum(1 for f in firms if f["evaluated"] and f["rank_in_group"] == 1))
    assert tops[0] == 2 and tops[1] > 2


def test_screen_picks_the_edition_in_force(ws: Path) -> None:
    result = runner.invoke(firm.app, ["screen", "-w", str(ws), "-r", "990000", "--as-of", "2026-04-01", "--json"])
    assert result.exit_code == 0, result.output
    rules = json.loads(result.output)["rules"]
    assert rules["id"] == "srdi_miit_2026" and rules["notice"] is None
    result = runner.invoke(firm.app, ["screen", "-w", str(ws), "-r", "990000", "--as-of", "2026-03-31"])
    assert result.exit_code == 0, result.output
    assert "工信部企业〔2022〕63号" in result.output and "note" not in result.output
    old = Path(firm.__file__).parents[1] / "workflow/firms/rules/srdi_miit_2022.yaml"
    result = runner.invoke(firm.app, ["screen", "-w", str(ws), "--rules", str(old), "--as-of", "2026-11-01"])
    assert result.exit_code == 0, result.output
    assert "注意 note:" in result.output and "renewals" in result.output
    result = runner.invoke(firm.app, ["screen", "-w", str(ws), "--as-of", "2020-01-01"])
    assert result.exit_code == 1 and "no built-in 专精特新 edition is in force" in result.output
    result = runner.invoke(firm.app, ["screen", "-w", str(ws), "--as-of", "2026-13-01"])
    assert result.exit_code == 2 and "--as-of must be YYYY-MM-DD" in result.output


def test_fields_lists_declared_facts_and_writes_a_template(tmp_path: Path) -> None:
    result = runner.invoke(firm.app, ["fields", "--declared", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["key"]: r for r in json.loads(result.output)}
    assert rows["srdi_eval_score"]["unit"] == "分" and all(r["declared"] for r in rows.values())
    assert "revenue" not in rows
    template = tmp_path / "facts.csv"
    result = runner.invoke(firm.app, ["fields", "--template", str(template)])
    assert result.exit_code == 0 and "rd_intensity" in result.output
    header = template.read_text(encoding="utf-8").strip().split(",")
    assert header[0] == "firm_id" and set(header[1:]) == set(rows)


def test_policies_from_a_file_and_bad_rules(ws: Path, tmp_path: Path) -> None:
    good = tmp_path / "policies.json"
    good.write_text(json.dumps([{"policy_id": "X1", "name": "测试", "region_id": "990000",
                                 "rules": {"all": [{"field": "rd_intensity", "op": ">=", "value": 0.05}]}}]),
                    encoding="utf-8")  # fmt: skip
    result = runner.invoke(firm.app, ["policies", "-w", str(ws), "--rules", str(good), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["summary"][0]["policy_id"] == "X1"
    bad = tmp_path / "bad.csv"
    bad.write_text('policy_id,name,rules\nB1,坏规则,"{""all"": [{""field"": ""revenue"", ""op"": ""~"", ""value"": 1}]}"\n',
                   encoding="utf-8")  # fmt: skip
    result = runner.invoke(firm.app, ["policies", "-w", str(ws), "--rules", str(bad)])
    assert result.exit_code == 1
    assert (
        "bad.csv, row 2, column 'rules.all[0].op'" in result.output and "policy B1: unknown operator" in result.output
    )


def test_policies_for_one_firm(ws: Path) -> None:
    firm_id = _first_firm(ws)
    result = runner.invoke(firm.app, ["policies", firm_id, "-w", str(ws), "--json", "--as-of", "2024-06-01"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["policies"]) == 15
    expired = next(p for p in data["policies"] if p["policy_id"] == "DEMO-POL-15")
    assert expired["in_force"] is False and expired["eligible"] is False
