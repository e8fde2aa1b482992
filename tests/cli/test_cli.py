"""The command line as a user meets it: help everywhere, clear errors, JSON output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from clusterbrain.cli.main import app

runner = CliRunner()
README = Path(__file__).resolve().parents[2] / "README.md"


def _commands() -> list[str]:
    return sorted(get_command(app).commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_help_and_is_documented(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output
    assert f"clusterbrain {command}" in README.read_text(encoding="utf-8")


def test_init_import_info_round_trip(tmp_path: Path) -> None:
    ws = tmp_path / "w.duckdb"
    assert runner.invoke(app, ["init", str(ws)]).exit_code == 0
    data = tmp_path / "firms.csv"
    data.write_text("统一社会信用代码,企业名称,所属地区,从业人数\nA1,甲公司,330100,12\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "firms", str(data), "-w", str(ws), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["table"], report["rows_written"]) == ("firms", 1)
    info = json.loads(runner.invoke(app, ["info", "-w", str(ws), "--json"]).stdout)
    assert info["tables"]["firms"] == 1
    assert info["imports"][-1]["file_name"] == "firms.csv"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "clusterbrain", *args], capture_output=True, text=True, check=False)


def test_a_bad_file_gives_a_clear_error_and_no_traceback(tmp_path: Path) -> None:
    ws = tmp_path / "w.duckdb"
    assert _run("init", str(ws)).returncode == 0
    bad = tmp_path / "stats.csv"
    bad.write_text("year,region_id,scheme,industry_code,employment\n2020,330100,naics2022,11,-3\n", encoding="utf-8")
    done = _run("import", "stats", str(bad), "-w", str(ws))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "stats.csv, row 2, column 'employment'" in done.stderr
    assert "negative values are impossible" in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["info", "-w", "missing.duckdb"], "clusterbrain init"),
        (["import", "firms", "absent.csv", "-w", "{ws}"], "no such file"),
        (["import", "planets", "x.csv", "-w", "{ws}"], "unknown kind"),
        (["init", "{ws}"], "already exists"),
    ],
)
def test_user_mistakes_are_explained(tmp_path: Path, args: list[str], message: str) -> None:
    ws = tmp_path / "w.duckdb"
    _run("init", str(ws))
    done = _run(*[a.replace("{ws}", str(ws)) for a in args])
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert message in done.stderr


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert "clusterbrain" in result.output


def _metrics_commands() -> list[str]:
    return sorted(get_command(app).commands["metrics"].commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", _metrics_commands())
def test_every_metrics_command_has_help_and_is_documented(command: str) -> None:
    result = runner.invoke(app, ["metrics", command, "--help"])
    assert result.exit_code == 0
    assert "--out" in result.output
    assert f"clusterbrain metrics {command}" in README.read_text(encoding="utf-8")


def test_metrics_needs_exactly_one_source(tmp_path: Path) -> None:
    done = _run("metrics", "complexity", "-o", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "--input" in done.stderr
    assert "Traceback" not in done.stderr


def _subcommands() -> list[tuple[str, str]]:
    groups = get_command(app).commands  # type: ignore[attr-defined]
    return sorted(
        (name, sub) for name, group in groups.items() if hasattr(group, "commands") for sub in group.commands
    )


@pytest.mark.parametrize(("group", "command"), _subcommands())
def test_every_subcommand_has_help_and_is_documented(group: str, command: str) -> None:
    result = runner.invoke(app, [group, command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output
    assert f"clusterbrain {group} {command}" in README.read_text(encoding="utf-8")
