"""``clusterbrain network ...``: supply-network risks, firm-level shocks, sector-level input–output analysis."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Column, Table

from clusterbrain.cli.errors import handle_errors
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.store import Workspace
from clusterbrain.store.exports import write_json
from clusterbrain.workflow.io_study import io_tables, study_io
from clusterbrain.workflow.network_risks import network_risks

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


def parse_changes(items: list[str] | None, option: str) -> dict[str, float] | None:
    """``CODE=CHANGE`` strings as a mapping (a clear error for a malformed item)."""
    if not items:
        return None
    changes: dict[str, float] = {}
    for item in items:
        code, sep, value = item.partition("=")
        try:
            if not sep or not code.strip():
                raise ValueError
            changes[code.strip()] = float(value)
        except ValueError:
            raise InvalidParameterError(f"{option} expects CODE=CHANGE (e.g. 20=-1000000), got {item!r}") from None
    return changes


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
            shock=parse_changes(shock, "--shock"),
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
