"""``clusterbrain diagnose|position|design|monitor|plan``: the planning loop for a region."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from clusterbrain.cli.errors import handle_errors
from clusterbrain.report.plan_report import write_reports
from clusterbrain.store import Workspace
from clusterbrain.store.exports import write_json
from clusterbrain.store.pestel import read_pestel
from clusterbrain.workflow.plan import PLAN_FILES, Plan, run_plan
from clusterbrain.workflow.planning_params import load_params

__all__ = ["register"]

out = Console()
Region = Annotated[str, typer.Argument(help="Region id (行政区划代码), e.g. 990000.")]
WorkspaceOption = Annotated[Path, typer.Option("--workspace", "-w", help="Workspace file (.duckdb).")]
Chains = Annotated[
    list[str] | None,
    typer.Option("--chain", "-c", help="Chain template to study (repeat); default: the mapped chains."),
]
Year = Annotated[int | None, typer.Option("--year", help="Statistics year; default: the latest.")]
Config = Annotated[Path | None, typer.Option("--config", help="YAML file overriding the planning parameters.")]
Pestel = Annotated[Path | None, typer.Option("--pestel", help="PESTEL sheet (CSV/XLSX) to include in the diagnosis.")]
Lang = Annotated[str, typer.Option("--lang", help="Language of the printed findings: zh or en.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]


def _plan(
    workspace: Path, region: str, chains: list[str] | None, year: int | None, config: Path | None, pestel: Path | None
) -> Plan:
    params = load_params(config)
    sheet = read_pestel(pestel) if pestel is not None else None
    with Workspace.open(workspace, read_only=True) as ws:
        return run_plan(ws.con, region, chains=chains, year=year, params=params, pestel=sheet)


def print_findings(plan: Plan, lang: str, n: int = 10) -> None:
    """Print the plan's top findings in ``lang``, each with its first piece of evidence."""
    title = "主要发现" if lang == "zh" else "Top findings"
    out.print(f"[bold]{title}[/bold] — {plan.context.region['name']} ({plan.context.region_id})")
    for i, f in enumerate(plan.top_findings(n), start=1):
        ev = f.evidence[0] if f.evidence else None
        basis = f"  [dim]{ev.metric}={_short(ev.value)} ({ev.source})[/dim]" if ev else ""
        out.print(f"{i:2d}. {f.text(lang)}{basis}", highlight=False)
    out.print(f"vision 愿景: {plan.positioning.vision[lang]}", highlight=False)


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _emit(document: dict[str, Any], output: Path | None, as_json: bool) -> None:
    if output is not None:
        write_json(output, document)
        out.print(f"wrote 已写入 {output}")
    if as_json or output is None:
        typer.echo(json.dumps(document, ensure_ascii=False, default=str))


def register(app: typer.Typer) -> None:
    """Add the five planning commands to ``app``."""

    def step(name: str, help_text: str) -> None:
        @app.command(name, help=help_text)
        @handle_errors
        def command(
            region: Region,
            workspace: WorkspaceOption,
            output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the JSON to this file.")] = None,
            chain: Chains = None,
            year: Year = None,
            config: Config = None,
            pestel: Pestel = None,
            as_json: JsonOption = False,
        ) -> None:
            plan = _plan(workspace, region, chain, year, config, pestel)
            _emit(plan.documents()[name_to_doc[name]], output, as_json)

    name_to_doc = {"diagnose": "diagnosis", "position": "positioning", "design": "design", "monitor": "monitoring"}
    step(
        "diagnose",
        "诊断 Diagnose a region: endowment, chains and gaps, benchmarks, cluster type, ecosystem, competition.",
    )
    step("position", "定位 Position a region: niche segments, agglomeration mode, Atlas approach, city type, vision.")
    step("design", "设计 Design the project plan: project matrix, investment targets, consortia, financing, roadmap.")
    step("monitor", "实施与迭代 Monitor KPIs: yearly values, targets, projections, on/off-track alerts, changes.")

    @app.command("plan")
    @handle_errors
    def plan_command(
        region: Region,
        workspace: WorkspaceOption,
        output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the four JSON files.")] = Path("plan"),
        chain: Chains = None,
        year: Year = None,
        config: Config = None,
        pestel: Pestel = None,
        lang: Lang = "zh",
        report: Annotated[
            bool, typer.Option("--report/--no-report", help="Also write the HTML report (zh, en) to OUT/reports.")
        ] = True,
        as_json: JsonOption = False,
    ) -> None:
        """规划 Run diagnose → position → design → monitor; write diagnosis/positioning/design/monitoring.json.

        With --report (the default) the planning report is written too, as self-contained HTML in
        Chinese and English (OUT/reports/plan-zh.html, plan-en.html); `clusterbrain report` writes
        PDF and Word as well.
        """
        plan = _plan(workspace, region, chain, year, config, pestel)
        documents = plan.documents()
        for step_name, file_name in PLAN_FILES.items():
            write_json(output / file_name, documents[step_name])
        reports: list[Path] = []
        if report:
            with Workspace.open(workspace, read_only=True) as ws:
                provenance = ws.info().imports
            reports = write_reports(
                documents,
                output / "reports",
                formats=("html",),
                region_name=str(plan.context.region["name"]),
                provenance=provenance,
            )
        if as_json:
            typer.echo(json.dumps(documents, ensure_ascii=False, default=str))
            return
        print_findings(plan, lang)
        out.print(f"plan 规划: [bold]{output}[/bold] ({', '.join(PLAN_FILES.values())})")
        for path in reports:
            out.print(f"report 报告: {path}", highlight=False)
