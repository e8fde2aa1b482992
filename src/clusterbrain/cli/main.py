"""The ``clusterbrain`` command line (Typer): workspace, imports and the demo."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from clusterbrain import __version__
from clusterbrain.cli.chain import chain_app
from clusterbrain.cli.errors import handle_errors
from clusterbrain.cli.firm import app as firm_app
from clusterbrain.cli.metrics import metrics_app
from clusterbrain.cli.network import network_app
from clusterbrain.cli.plan import print_findings
from clusterbrain.cli.plan import register as register_planning
from clusterbrain.cli.progress import row_progress, step_progress
from clusterbrain.cli.report import register as register_report
from clusterbrain.demo.build import build_demo_workspace
from clusterbrain.report.plan_report import write_reports
from clusterbrain.store import IMPORT_KINDS, Workspace
from clusterbrain.store.exports import write_json
from clusterbrain.store.sources import FORMATS, import_path
from clusterbrain.workflow.chains import import_chain_template
from clusterbrain.workflow.firms.policies import policy_import_check
from clusterbrain.workflow.plan import PLAN_FILES, run_plan

__all__ = ["app"]

app = typer.Typer(
    name="clusterbrain",
    help="clusterbrain — an open-source industry brain (产业大脑) for regional industrial clusters: "
    "diagnose 诊断 → position 定位 → design 设计 → implement & iterate 实施与迭代.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(metrics_app, name="metrics")
app.add_typer(chain_app, name="chain")
app.add_typer(network_app, name="network")
app.add_typer(firm_app, name="firm")
register_planning(app)
register_report(app)
out = Console()
WorkspaceOption = Annotated[Path, typer.Option("--workspace", "-w", help="Workspace file (DuckDB) 工作空间文件.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout 输出 JSON.")]
KINDS = (*IMPORT_KINDS, "io-table", "chain")


def _version(value: bool) -> None:
    if value:
        out.print(f"clusterbrain {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Turn regional statistics and firm data into a diagnosis, a positioning, a plan and a scorecard."""


@app.command()
@handle_errors
def init(
    workspace: Annotated[Path, typer.Argument(help="Path of the new workspace file, e.g. region.duckdb.")],
) -> None:
    """Create a workspace 新建工作空间.

    One DuckDB file with every table, the built-in code lists (GB/T 4754-2017, NAICS 2012/2017/2022,
    ISIC Rev.4, crosswalks) and region registries (China, US).
    """
    with Workspace.create(workspace) as ws:
        info = ws.info()
    out.print(
        f"[green]created[/green] {workspace} (schema {info.schema_version}): "
        f"{info.tables['industries']:,} industry codes, {info.tables['regions']:,} regions"
    )


@app.command("import")
@handle_errors
def import_(
    kind: Annotated[str, typer.Argument(help=f"Table kind 数据类型: {', '.join(KINDS)}.")],
    file: Annotated[Path, typer.Argument(help="CSV (.csv, .csv.gz), XLSX or Parquet file.")],
    workspace: WorkspaceOption,
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", help=f"File layout: auto (detect), canonical, or one of {', '.join(FORMATS)}."),
    ] = "auto",
    as_json: JsonOption = False,
) -> None:
    """Import a file into the workspace 导入数据, all or nothing.

    Headers may be English snake_case or common Chinese export headers (企业名称, 行业代码, 从业人数 …).
    A bad file is refused with up to 20 problems (file, row, column, value, rule) and the workspace is
    left exactly as it was. Rows whose key already exists are replaced, so re-importing is idempotent.
    """
    if kind not in KINDS:
        raise typer.BadParameter(f"unknown kind {kind!r}; choose one of: {', '.join(KINDS)}", param_hint="KIND")
    if kind == "chain":
        with Workspace.open(workspace) as ws:
            template, replaced = import_chain_template(ws.con, file)
        if as_json:
            typer.echo(
                json.dumps(
                    {
                        "kind": "chain",
                        "id": template.id,
                        "nodes": len(template.nodes),
                        "edges": len(template.edges),
                        "replaced": replaced,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            out.print(
                f"[green]imported[/green] chain template [bold]{template.id}[/bold] ({template.name_zh}): "
                f"{len(template.nodes)} nodes, {len(template.edges)} edges" + (" (replaced)" if replaced else "")
            )
        return
    with Workspace.open(workspace) as ws, row_progress(f"importing {file.name}", quiet=as_json) as progress:
        check = policy_import_check if kind == "policies" else None
        report = import_path(ws.con, kind, file, fmt=fmt, progress=progress, row_check=check)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False))
        return
    out.print(
        f"[green]imported[/green] {report.rows_written:,} rows into [bold]{report.table}[/bold] from {report.file_name}"
        f" ({report.file_format}; {report.rows_replaced:,} existing rows replaced)"
    )
    if report.ignored_columns:
        out.print(
            f"[yellow]ignored columns[/yellow] (not in the {report.table} table): {', '.join(report.ignored_columns)}"
        )


@app.command()
@handle_errors
def info(workspace: WorkspaceOption, as_json: JsonOption = False) -> None:
    """Describe a workspace 工作空间概况: tables and row counts, years, code schemes, provenance of imports."""
    with Workspace.open(workspace, read_only=True) as ws:
        data = ws.info()
    if as_json:
        typer.echo(json.dumps(data.to_dict(), ensure_ascii=False, default=str))
        return
    out.print(f"[bold]{data.path}[/bold]  schema version {data.schema_version}")
    tables = Table("table 表", "rows 行数", "years 年份", title="Tables")
    for name, rows in data.tables.items():
        years = data.years.get(name) or []
        span = f"{years[0]}–{years[-1]} ({len(years)})" if years else ""
        tables.add_row(name, f"{rows:,}", span)
    out.print(tables)
    schemes = Table("scheme 分类体系", "codes 代码数", "levels 层级", "title", title="Code schemes")
    for s in data.schemes:
        schemes.add_row(str(s["scheme"]), f"{s['codes']:,}", ", ".join(map(str, s["levels"])), str(s["title"]))
    out.print(schemes)
    imports = Table("#", "kind", "file", "rows", "replaced", "sha256", "at", title="Imports (provenance 来源记录)")
    for i in data.imports:
        imports.add_row(
            str(i["import_id"]),
            str(i["kind"]),
            str(i["file_name"]),
            f"{i['rows_written']:,}",
            f"{i['rows_replaced']:,}",
            str(i["sha256"])[:12],
            str(i["imported_at"]),
        )
    out.print(imports)


@app.command()
@handle_errors
def demo(
    out_dir: Annotated[Path, typer.Argument(help="Output folder 输出目录.")] = Path("demo-output"),
    firms: Annotated[int, typer.Option("--firms", help="Number of synthetic firms.", min=1_000)] = 20_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; the same seed gives the same data.")] = 2024,
    lang: Annotated[str, typer.Option("--lang", help="Language of the printed findings: zh or en.")] = "zh",
    pages: Annotated[
        bool, typer.Option("--pages/--no-pages", help="Also draw the first PDF pages to PNG (needs pdftoppm).")
    ] = True,
    as_json: JsonOption = False,
) -> None:
    """Build the demo workspace 演示 on a synthetic province (示例数据, clearly labelled), plan its focus region.

    Writes OUT_DIR/data/*.parquet (the generated files), OUT_DIR/demo.duckdb (the workspace, imported
    through the same validated imports as user data) and OUT_DIR/plan/ (diagnosis, positioning, design
    and monitoring JSON of the focus region) and OUT_DIR/reports/ (the planning report as HTML, PDF and
    Word, in Chinese and English, with the first PDF pages as PNG), then prints the top findings and the paths.
    """
    with step_progress(quiet=as_json) as progress:
        summary = build_demo_workspace(out_dir, n_firms=firms, seed=seed, progress=progress)
    with Workspace.open(summary.workspace, read_only=True) as ws:
        plan = run_plan(ws.con, summary.focus_region_id)
        provenance = ws.info().imports
    documents = plan.documents()
    for step_name, file_name in PLAN_FILES.items():
        write_json(out_dir / "plan" / file_name, documents[step_name])
    with step_progress(quiet=as_json) as progress:
        progress("writing the reports (HTML, PDF, Word; zh, en)", 0, 1)
        reports = write_reports(
            documents, out_dir / "reports", pages=pages, region_name=summary.focus_region_name, provenance=provenance
        )
        progress("writing the reports (HTML, PDF, Word; zh, en)", 1, 1)
    if as_json:
        document = {**summary.to_dict(), "plan": str(out_dir / "plan"), "reports": [str(p) for p in reports]}
        typer.echo(json.dumps(document, ensure_ascii=False, default=str))
        return
    out.print(f"[bold yellow]{summary.notice}[/bold yellow]")
    out.print(
        f"focus region 重点地区: [bold]{summary.focus_region_name}[/bold] ({summary.focus_region_id}), "
        f"years {summary.years[0]}–{summary.years[-1]}, seed {summary.seed}"
    )
    counts = Table("table 表", "rows 行数", title="Demo workspace 演示工作空间")
    for name, rows in summary.tables.items():
        counts.add_row(name, f"{rows:,}")
    out.print(counts)
    planted = Table("planted finding 预置情形", "chain node 产业链环节", title="What the analysis should find")
    labels = {
        "missing_nodes": "missing 断链",
        "sole_source_nodes": "sole source 单一来源",
        "foreign_dependent_nodes": "foreign-dependent 卡脖子风险",
    }
    for key, label in labels.items():
        for node in summary.planted[key]:  # type: ignore[attr-defined]
            planted.add_row(label, f"{node['name_zh']} ({node['chain_id']}/{node['node_id']})")
    for spec in summary.planted["specialisations"]:  # type: ignore[attr-defined]
        planted.add_row(
            "specialisation 专业化", f"{spec['scheme']} {spec['code']} (LQ {spec['location_quotient']:.2f})"
        )
    out.print(planted)
    out.print(f"workspace 工作空间: [bold]{summary.workspace}[/bold]  (built in {summary.seconds:.1f} s)")
    print_findings(plan, lang)
    out.print(f"plan 规划: [bold]{out_dir / 'plan'}[/bold] ({', '.join(PLAN_FILES.values())})")
    out.print("reports 报告:")
    for path in reports:
        out.print(f"  {path}", highlight=False)
    out.print(f"next: clusterbrain info -w {summary.workspace}")
    out.print(
        f"      clusterbrain chain gaps lithium_ion_battery -w {summary.workspace} --region {summary.focus_region_id}"
    )


def run() -> None:
    """Entry point used by ``python -m clusterbrain``."""
    app()
