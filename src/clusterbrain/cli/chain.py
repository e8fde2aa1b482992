"""``clusterbrain chain ...``: the chain templates (产业链图谱)."""

from __future__ import annotations

import json
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from clusterbrain.chain.mapping import LOW_CONFIDENCE
from clusterbrain.cli.errors import handle_errors
from clusterbrain.report.figures import chain_map_figure, save_figure, smile_curve_figure
from clusterbrain.store import Workspace
from clusterbrain.store.exports import write_csv_tables, write_json
from clusterbrain.store.frames import read_node_overrides
from clusterbrain.workflow.chain_study import chain_coverage, map_chain_firms, study_chain
from clusterbrain.workflow.chains import load_chain, templates

__all__ = ["chain_app"]

chain_app = typer.Typer(help="Industry-chain maps 产业链图谱: templates, mapping, gaps.", no_args_is_help=True)
out = Console()
OptionalWorkspace = Annotated[
    Path | None, typer.Option("--workspace", "-w", help="Also list templates imported into this workspace.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
FirmWorkspaceOption = Annotated[Path, typer.Option("--workspace", "-w", help="Workspace with firms (and links).")]
MinConfidenceOption = Annotated[float, typer.Option("--min-confidence", help="Lowest confidence kept.")]
LowConfidenceOption = Annotated[
    float, typer.Option("--low-confidence", help="Mapped firms below this confidence are reported as low-confidence.")
]
CuratedOption = Annotated[bool, typer.Option("--curated/--no-curated", help="Use the shipped curated listed companies.")]


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
        table.add_row(*(str(r[k]) for k in ("id", "name_zh", "name_en", "nodes", "edges")))
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


@chain_app.command("map")
@handle_errors
def map_(
    chain_id: Annotated[str, typer.Argument(help="Template id, e.g. lithium_ion_battery.")],
    workspace: FirmWorkspaceOption,
    overrides: Annotated[
        Path | None, typer.Option("--overrides", help="CSV/XLSX of firm_id,node_id assignments that win.")
    ] = None,
    min_confidence: MinConfidenceOption = 0.5,
    low_confidence: LowConfidenceOption = LOW_CONFIDENCE,
    curated: CuratedOption = True,
    out_dir: Annotated[
        Path | None, typer.Option("--out", "-o", help="Also write assignments.csv, unmapped.csv, summary.csv.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Map firms to chain nodes 企业挂链: by industry code, keywords in name and business scope, declared products.

    Listed companies also by their industry label (with name fragments it makes telling) and, unless
    --no-curated, a small curated table of well-known firms. Every assignment carries a confidence and its
    reason; manual overrides win; unmapped firms are listed, and the share mapped with low confidence is
    reported. The mapping is stored in the workspace for `chain gaps`.
    """
    manual = read_node_overrides(overrides) if overrides is not None else None
    with Workspace.open(workspace) as ws:
        mapping = map_chain_firms(ws.con, chain_id, overrides=manual, min_confidence=min_confidence, curated=curated)
    summary = mapping.summary(low_confidence=low_confidence)
    coverage = mapping.coverage(low_confidence=low_confidence)
    if out_dir is not None:
        write_csv_tables(
            out_dir, {"assignments": mapping.assignments, "unmapped": mapping.unmapped, "summary": summary}
        )
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "chain_id": chain_id,
                    "mapped": len(mapping.assignments),
                    "unmapped": len(mapping.unmapped),
                    "coverage": coverage,
                    "per_node": summary.to_dict("records"),
                },
                ensure_ascii=False,
                default=str,
            )
        )
        return
    low_share = coverage["low_confidence_share"]
    out.print(
        f"[green]mapped[/green] {len(mapping.assignments):,} firms to {chain_id}; "
        f"{len(mapping.unmapped):,} firms unmapped (stored in the workspace)\n"
        f"low confidence 低置信度 (< {low_confidence:g}): {coverage['low_confidence']:,} of the mapped firms"
        + ("" if low_share is None else f" ({low_share:.1%})")
        + "; by method: "
        + ", ".join(f"{k} {v:,}" for k, v in coverage["by_method"].items() if v)
    )
    table = Table(*[str(c) for c in summary.columns], title="Firms per node 各环节企业数")
    for row in summary.itertuples(index=False):
        table.add_row(*[str(v) for v in row])
    out.print(table)


@chain_app.command("coverage")
@handle_errors
def coverage_(
    workspace: FirmWorkspaceOption,
    chain_ids: Annotated[
        list[str] | None, typer.Option("--chain", "-c", help="Template id (repeat for several); all by default.")
    ] = None,
    min_confidence: MinConfidenceOption = 0.5,
    low_confidence: LowConfidenceOption = LOW_CONFIDENCE,
    curated: CuratedOption = True,
    as_json: JsonOption = False,
) -> None:
    """How well the firms map 挂链覆盖率: mapped, low-confidence and unmapped firms per chain and overall.

    Maps the workspace's firms onto each chain without storing the mapping; overall, each firm counts once by its
    best assignment on any chain.
    """
    with Workspace.open(workspace, read_only=True) as ws:
        result = chain_coverage(
            ws.con, chain_ids, min_confidence=min_confidence, low_confidence=low_confidence, curated=curated
        )
    data = result.to_dict()
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, default=str))
        return
    columns = ("chain_id", "firms", "mapped", "low_confidence", "unmapped", "unmapped_with_guess")
    table = Table(*columns, "low share", title=f"Mapping coverage 挂链覆盖率 (low confidence < {low_confidence:g})")
    for row in data["per_chain"]:
        share = row["low_confidence_share"]
        table.add_row(*[f"{row[c]:,}" if isinstance(row[c], int) else str(row[c]) for c in columns], _share(share))
    overall = data["overall"]
    table.add_row(
        "overall 合计",
        *[f"{overall[c]:,}" for c in columns[1:]],
        _share(overall["low_confidence_share"]),
    )
    out.print(table)
    out.print("overall by method: " + ", ".join(f"{k} {v:,}" for k, v in overall["by_method"].items() if v))


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


@chain_app.command("gaps")
@handle_errors
def gaps(
    chain_id: Annotated[str, typer.Argument(help="Template id, e.g. lithium_ion_battery.")],
    workspace: Annotated[Path, typer.Option("--workspace", "-w", help="Workspace file.")],
    region: Annotated[str, typer.Option("--region", "-r", help="Focus region id (its sub-regions count as local).")],
    out_dir: Annotated[Path | None, typer.Option("--out", "-o", help="Write tables, JSON and figures here.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Figure labels: zh or en.")] = "zh",
    as_json: JsonOption = False,
) -> None:
    """Chain analysis and gap list 补链强链延链 of a region: node status, local supporting rate, smile curve.

    With --out: nodes.csv, leaders.csv, stages.csv, gaps.json, chain_study.json (with chart data),
    chain_map.svg/png and smile_curve.svg/png.
    """
    if lang not in ("zh", "en"):
        raise typer.BadParameter("--lang must be zh or en")
    with Workspace.open(workspace, read_only=True) as ws:
        study = study_chain(ws.con, chain_id, region)
    data = study.to_dict()
    if out_dir is not None:
        analysis = study.analysis
        write_csv_tables(out_dir, {"nodes": analysis.nodes, "leaders": analysis.leaders, "stages": analysis.stages})
        write_json(out_dir / "gaps.json", data["gaps"])
        write_json(out_dir / "chain_study.json", data)
        for suffix in ("svg", "png"):
            save_figure(chain_map_figure(study.graph, lang=lang), out_dir / f"chain_map.{suffix}")
            save_figure(smile_curve_figure(study.smile, lang=lang), out_dir / f"smile_curve.{suffix}")
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, default=str))
        return
    analysis = study.analysis
    rate = analysis.local_supporting_rate
    out.print(
        f"[bold]{study.graph['name_zh']} / {study.graph['name_en']}[/bold] — region {region}: "
        f"completeness 完整度 {analysis.completeness:.0%}, local supporting rate 本地配套率 "
        + ("n/a" if rate is None else f"{rate:.0%}")
    )
    table = Table("kind", "node 环节", "priority", "evidence 依据", title="Gap list 补链·强链·延链")
    for item in study.gaps.items:
        evidence = "; ".join(f"{e.metric}={_short(e.value)}" for e in item.evidence[:4])
        table.add_row(
            f"{item.kind_zh} {item.kind}", f"{item.name_zh}\n{item.name_en}", f"{item.priority:.2f}", evidence
        )
    out.print(table)
    if out_dir is not None:
        out.print(f"wrote tables, JSON and figures to {out_dir}")


def _short(value: object) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)
