"""``clusterbrain firm report``: health-check documents for one firm and for a region."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from clusterbrain.cli.main import app
from clusterbrain.demo.build import DemoSummary
from clusterbrain.store import Workspace


def test_one_firm_report_in_two_languages(demo_summary: DemoSummary, tmp_path: Path) -> None:
    with Workspace.open(demo_summary.workspace, read_only=True) as ws:
        firm_id, name = ws.con.sql("SELECT firm_id, name FROM firms WHERE region_id LIKE '9901%' LIMIT 1").fetchall()[0]
    result = CliRunner().invoke(
        app,
        [
            "firm",
            "report",
            firm_id,
            "-w",
            demo_summary.workspace,
            "--lang",
            "zh",
            "--lang",
            "en",
            "-o",
            str(tmp_path),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    files = json.loads(result.stdout)["files"]
    assert [Path(f).name for f in files] == [f"firm-{firm_id}-zh.html", f"firm-{firm_id}-en.html"]
    html = Path(files[0]).read_text(encoding="utf-8")
    assert name in html and "体检" in html


def test_region_batch_is_one_document(demo_summary: DemoSummary, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["firm", "report", "--region", "990101", "-w", demo_summary.workspace, "-o", str(tmp_path), "--json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["firms"] > 1 and [Path(f).name for f in document["files"]] == ["firms-zh.html"]


def test_report_without_firm_or_region_is_a_clear_error(demo_summary: DemoSummary, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["firm", "report", "-w", demo_summary.workspace, "-o", str(tmp_path)])
    assert result.exit_code != 0 and "FIRM_ID or --region" in result.output
