"""``clusterbrain chain ...``: the chain templates (产业链图谱)."""

from __future__ import annotations

import json
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from clusterbrain.cli.errors import handle_errors
from clusterbrain.store import Workspace
from clusterbrain.workflow.chains import load_chain, templates

__all__ = ["chain_app"]

chain_app = typer.Typer(help="Industry-chain maps 产业链图谱: templates, mapping, gaps.", no_args_is_help=True)
out = Console()
OptionalWorkspace = Annotated[
    Path | None, typer.Option("--workspace", "-w", help="Also list templates imported into this workspace.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]


def _opened(workspace: Path | None) -> Workspace | nullcontext[None]:
    return Workspace.open(workspace, read_only=True) if workspace is not None else nullcontext(None)


@chain_app.command("list")
@handle_errors
def list_(workspace: OptionalWorkspace = None, as_json: JsonOption = False) -> None:
    """List the chain templates 产业链模板列表: built-in ones and those imported into the workspace."""
    with _opened(workspace) as ws:
        found = templates(ws.con if ws is not None else None)
    rows = [
        {"id": t.id, "name_zh": t.name_zh, "name_en": t.name_en, "nodes": len(t.nodes), "edges": len(t.edges)}
        for t in found.values()
    ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    table = Table("id", "名称", "name", "nodes 环节", "edges 关系", title="Chain templates 产业链模板")
    for r in rows:
        table.add_row(r["id"], r["name_zh"], r["name_en"], str(r["nodes"]), str(r["edges"]))
    out.print(table)


@chain_app.command("show")
@handle_errors
def show(
    chain_id: Annotated[str, typer.Argument(help="Template id, e.g. lithium_ion_battery.")],
    workspace: OptionalWorkspace = None,
    as_json: JsonOption = False,
) -> None:
    """Show one template 查看产业链: its nodes by stage with value added, barrier, codes and suppliers."""
    with _opened(workspace) as ws:
        template = load_chain(chain_id, ws.con if ws is not None else None)
    if as_json:
        typer.echo(json.dumps(template.to_dict(), ensure_ascii=False))
        return
    suppliers: dict[str, list[str]] = {}
    for edge in template.edges:
        suppliers.setdefault(edge.customer, []).append(edge.supplier)
    table = Table(
        "stage",
        "node 环节",
        "kind",
        "VA",
        "barrier",
        "GB/T 4754",
        "NAICS",
        "suppliers 上游",
        title=f"{template.name_zh} / {template.name_en} ({template.id}, v{template.version})",
    )
    for node in sorted(template.nodes, key=lambda n: ("upstream", "midstream", "downstream").index(n.stage)):
        table.add_row(
            node.stage,
            f"{node.name_zh}\n{node.name_en}",
            node.kind,
            f"{node.value_added:g}",
            "★" * node.barrier,
            ", ".join(node.codes.get("gbt4754_2017", ())),
            ", ".join(node.codes.get("naics2022", ())),
            ", ".join(suppliers.get(node.id, [])),
        )
    out.print(table)
