"""``clusterbrain report REGION``: the planning report from a workspace or a plan folder, in chosen formats and languages."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
import typer
from typer.testing import CliRunner

from clusterbrain.cli.report import register
from clusterbrain.workflow.plan import PLAN_FILES
from tests.report._demo import FOCUS, demo_plan, demo_workspace

runner = CliRunner()


def make_app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.command("version")
    def version() -> None:
        """A second command, so that ``report`` is a named subcommand as in the real CLI."""

    return app


APP = make_app()


def test_report_has_help() -> None:
    result = runner.invoke(APP, ["report", "--help"])
    assert result.exit_code == 0
    assert "--format" in result.output and "--plan" in result.output and "--pages" in result.output


def test_report_runs_the_plan_on_the_workspace(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    ws = demo_workspace(tmp_path_factory)
    args = ["report", FOCUS, "-w", str(ws), "--format", "docx", "--lang", "en", "-o", str(tmp_path), "--json"]
    result = runner.invoke(APP, args)
    assert result.exit_code == 0, result.output
    files = json.loads(result.output)["files"]
    assert files == [str(tmp_path / "plan-en.docx")]
    headings = [p.text for p in docx.Document(files[0]).paragraphs if p.style.name == "Heading 1"]
    assert "1 Executive summary" in headings
    assert any(h.startswith("Appendix B") for h in headings)  # data sources, with the workspace's imports


def test_report_checks_the_region_of_a_plan_folder(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    documents, _ = demo_plan(tmp_path_factory)
    for step, name in PLAN_FILES.items():
        (tmp_path / name).write_text(json.dumps(documents[step], default=str), encoding="utf-8")
    wrong = runner.invoke(APP, ["report", "990101", "--plan", str(tmp_path), "-f", "html", "-o", str(tmp_path)])
    assert wrong.exit_code == 1 and f"is of region {FOCUS}, not 990101" in wrong.output


def test_report_refuses_unknown_formats_and_a_missing_source(tmp_path: Path) -> None:
    bad = runner.invoke(APP, ["report", FOCUS, "--plan", str(tmp_path), "--format", "odt"])
    assert bad.exit_code == 2 and "--format must be one of html, pdf, docx or all" in bad.output
    none = runner.invoke(APP, ["report", FOCUS])
    assert none.exit_code == 2 and "give the workspace (-w)" in none.output
    empty = runner.invoke(APP, ["report", FOCUS, "--plan", str(tmp_path)])
    assert empty.exit_code == 1 and "lacks diagnosis.json" in empty.output
