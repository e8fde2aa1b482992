"""``clusterbrain import policies``: eligibility rules are checked on import; a bad rule refuses the whole file."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from clusterbrain.cli.main import app
from clusterbrain.store import Workspace

GOOD = '{""all"": [{""field"": ""revenue"", ""op"": "">="", ""value"": 10}, {""tag"": ""专精特新""}]}'
BAD_OP = '{""all"": [{""field"": ""revenue"", ""op"": ""=~"", ""value"": 10}]}'


def _write(path: Path, *rules: str) -> Path:
    lines = ["policy_id,name,rules"] + [f'P{i},政策{i},"{r}"' for i, r in enumerate(rules, start=1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_policies_with_valid_rules_import(workspace: Workspace, tmp_path: Path) -> None:
    path = workspace.path
    workspace.close()
    result = CliRunner().invoke(app, ["import", "policies", str(_write(tmp_path / "p.csv", GOOD, GOOD)), "-w", str(path)])
    assert result.exit_code == 0, result.output
    with Workspace.open(path) as ws:
        assert ws.count("policies") == 2


def test_a_bad_rule_refuses_the_file_and_names_row_path_and_value(workspace: Workspace, tmp_path: Path) -> None:
    path = workspace.path
    before = workspace.checksum()
    workspace.close()
    result = CliRunner().invoke(app, ["import", "policies", str(_write(tmp_path / "p.csv", GOOD, BAD_OP)), "-w", str(path)])
    assert result.exit_code == 1
    assert "p.csv, row 3, column 'rules.all[0].op'" in result.output
    assert "unknown operator" in result.output and "Traceback" not in result.output
    with Workspace.open(path) as ws:
        assert ws.checksum() == before
