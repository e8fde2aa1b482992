"""``clusterbrain network ...``: supply-network risks, firm-level shocks, sector-level input–output analysis."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Column, Table

from clusterbrain.cli.errors import handle_errors
from clusterbrain.cli.pairs import number_pairs
from clusterbrain.store import Workspace
from clusterbrain.store.exports import write_json
from clusterbrain.workflow.io_study import io_tables, study_io
from clusterbrain.workflow.network_risks import network_risks
from clusterbrain.workflow.shock_study import run_monte_carlo, run_shock

__all__ = ["network_app"]

network_app = typer.Typer(
    help="Supply networks and resilience 供应链网络与韧性: risks, shocks, input-output analysis.", no_args_is_help=True
)
out = Console()
WorkspaceOption = Annotated[Path, typer.Option("--workspace", "-w", help="Workspace file (.duckdb).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
OutputOption = Annotated[Path | None, typer.Option("--output", "-o", help="Also write the JSON document to this file.")]


def emit(document: dict[str, Any], output: Path | None, as_json: bool) -> None:
    """Write ``document`` to ``output`` and/or print it as JSON."""
    if output is not None:
        write_json(output, document)
        out.print(f"wrote 已写入 {output}")
    if as_json:
        typer.echo(json.dumps(document, ensure_ascii=False, default=str))


@network_app.command("io-tables")
@handle_errors
def io_list(workspace: WorkspaceOption, as_json: JsonOption = False) -> None:
    """List the input-output tables in the workspace 投入产出表列表 (import them with `import io-table`)."""
    with Workspace.open(workspace, read_only=True) as ws:
        tables = io_tables(ws.con)
    if as_json:
        typer.echo(tables.to_json(orient="records", force_ascii=False))
        return
    view = Table(*tables.columns, title="Input-output tables 投入产出表")
    for row in tables.itertuples(index=False):
        view.add_row(*(str(v) for v in row))
    out.print(view)


@network_app.command("io")
@handle_errors
def io_study_command(
    table_id: Annotated[str, typer.Argument(help="Table id (see `network io-tables`), e.g. china_2018_42.")],
    workspace: WorkspaceOption,
    shock: Annotated[
        list[str] | None, typer.Option("--shock", help="CODE=CHANGE of final demand (or primary inputs with --supply).")
    ] = None,
    supply: Annotated[bool, typer.Option("--supply", help="A supply-driven (Ghosh) shock instead of demand.")] = False,
    total: Annotated[bool, typer.Option("--total", help="Use total flows instead of domestic flows only.")] = False,
    top: Annotated[int, typer.Option("--top", min=1, help="Rows in each ranking.")] = 10,
    output: OutputOption = None,
    as_json: JsonOption = False,
) -> None:
    """Sector-level analysis 产业关联分析: linkages, key sectors and links, import dependence, shock propagation."""
    with Workspace.open(workspace, read_only=True) as ws:
        study = study_io(
            ws.con,
            table_id,
            shock=number_pairs(shock, "--shock", "CODE=CHANGE (e.g. 20=-1000000)") if shock else None,
            shock_kind="supply" if supply else "demand",
            domestic_only=not total,
            top=top,
        )
    document = study.to_dict()
    emit(document, output, as_json)
    if as_json:
        return
    for finding in study.findings:
        out.print(f"- {finding.text_zh}  /  {finding.text_en}", highlight=False)


@network_app.command("risks")
@handle_errors
def risks_command(
    region: Annotated[str, typer.Argument(help="Region id, e.g. 990000 (its firms and those below it).")],
    workspace: WorkspaceOption,
    chain: Annotated[
        str | None, typer.Option("--chain", "-c", help="Chain template; default: the mapped chains.")
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="Link year; default: the latest of each pair.")] = None,
    top_candidates: Annotated[
        int, typer.Option("--top-candidates", min=0, help="Alternative suppliers per warning.")
    ] = 5,
    output: OutputOption = None,
    as_json: JsonOption = False,
) -> None:
    """Risk warnings 风险预警: sole sources, foreign dependence, concentrated suppliers, bridge firms, region dependence."""
    with Workspace.open(workspace, read_only=True) as ws:
        report = network_risks(ws.con, region, chain_id=chain, year=year, top_candidates=top_candidates)
    document = report.to_dict()
    emit(document, output, as_json)
    if as_json:
        return
    view = Table(
        "severity 级别",
        "kind 类型",
        Column("warning 预警 → action 建议", overflow="fold"),
        title=f"Risk warnings 风险预警 {region}",
    )
    for warning in document["warnings"]:
        view.add_row(str(warning["severity"]), warning["kind"], f"{warning['what_zh']}\n→ {warning['action_zh']}")
    out.print(view)


@network_app.command("shock")
@handle_errors
def shock_command(
    workspace: WorkspaceOption,
    firm: Annotated[list[str] | None, typer.Option("--firm", help="Firm id whose capacity is cut (repeat).")] = None,
    node: Annotated[str | None, typer.Option("--node", help="Chain node whose firms are cut.")] = None,
    chain: Annotated[str | None, typer.Option("--chain", "-c", help="Chain template of the nodes.")] = None,
    region: Annotated[str | None, typer.Option("--region", help="Region whose firms are cut.")] = None,
    country: Annotated[str | None, typer.Option("--country", help="Country whose firms are cut (e.g. US).")] = None,
    share: Annotated[float, typer.Option("--share", min=0.0, max=1.0, help="Share of capacity lost.")] = 1.0,
    start: Annotated[int, typer.Option("--start", min=0, help="Day the cut starts.")] = 0,
    duration: Annotated[int, typer.Option("--duration", min=1, help="Days the cut lasts.")] = 30,
    days: Annotated[int, typer.Option("--days", min=1, help="Days simulated.")] = 60,
    production: Annotated[str, typer.Option("--production", help="leontief or linear.")] = "leontief",
    rationing: Annotated[
        str, typer.Option("--rationing", help="proportional, final_demand_last or smaller_first.")
    ] = "proportional",
    inventory_days: Annotated[float, typer.Option("--inventory-days", min=0.0, help="Target input stocks.")] = 9.0,
    substitution: Annotated[
        bool, typer.Option("--substitution/--no-substitution", help="Other suppliers of a node fill in.")
    ] = True,
    threshold: Annotated[
        float, typer.Option("--threshold", help="Utilisation under which a firm counts as hit.")
    ] = 0.5,
    monte_carlo: Annotated[
        int, typer.Option("--monte-carlo", min=0, help="Run N random scenarios of --target instead of one.")
    ] = 0,
    target: Annotated[
        str, typer.Option("--target", help="Monte Carlo target: firms, node, region or country.")
    ] = "firms",
    seed: Annotated[int | None, typer.Option("--seed", help="Monte Carlo seed.")] = None,
    output: OutputOption = None,
    as_json: JsonOption = False,
) -> None:
    """Shock propagation 冲击传导: daily production with inventories, substitution and rationing (Inoue & Todo 2019)."""
    common: dict[str, Any] = {
        "chain_id": chain,
        "days": days,
        "production": production,
        "rationing": rationing,
        "inventory_days": inventory_days,
        "substitution": substitution,
        "threshold": threshold,
    }
    with Workspace.open(workspace, read_only=True) as ws:
        if monte_carlo:
            study: Any = run_monte_carlo(ws.con, target=target, n=monte_carlo, seed=seed, **common)
        else:
            study = run_shock(
                ws.con,
                firms=firm,
                node=node,
                region=region,
                country=country,
                share=share,
                start=start,
                duration=duration,
                **common,
            )
    document = study.to_dict()
    emit(document, output, as_json)
    if as_json:
        return
    if monte_carlo:
        out.print_json(data=document["result"])
        return
    summary = document["summary"]
    out.print(
        f"output loss 产出损失 {summary['loss']:,.1f} ({summary['loss_share']:.2%} of output), "
        f"firms under {threshold:.0%} utilisation 受冲击企业: {summary['firms_hit']:,}"
    )
    for finding in study.findings:
        out.print(f"- {finding.text_zh}  /  {finding.text_en}", highlight=False)
    worst = Table("node 环节", "lowest utilisation 最低产能利用率", title="Worst-hit chain nodes")
    for row in document["nodes"]["worst"][:10]:
        worst.add_row(str(row["id"]), f"{row['min_utilisation']:.1%}")
    out.print(worst)
