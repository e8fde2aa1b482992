"""``clusterbrain metrics ...``: metric tables from a long CSV or from a workspace."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console

from clusterbrain.cli.errors import handle_errors
from clusterbrain.cli.pairs import number_pairs
from clusterbrain.store import Workspace
from clusterbrain.store.exports import write_csv_tables
from clusterbrain.store.long import MEASURES, grouping_members, read_long, stats_long
from clusterbrain.workflow.metric_kinds import TABLE_KINDS
from clusterbrain.workflow.metric_tables import cluster_tables

__all__ = ["metrics_app"]

metrics_app = typer.Typer(
    help="Specialization, economic complexity, relatedness and growth opportunities 产业专业化、复杂度与关联度指标.",
    no_args_is_help=True,
)
out = Console()

InputOption = Annotated[
    Path | None, typer.Option("--input", "-i", help="Long table (CSV/XLSX/Parquet): region, industry, value [, year].")
]
OutOption = Annotated[Path, typer.Option("--out", "-o", help="Folder for regions.csv, industries.csv, pairs.csv …")]
WorkspaceOption = Annotated[
    Path | None, typer.Option("--workspace", "-w", help="Read the statistics of a workspace instead of --input.")
]
SchemeOption = Annotated[str | None, typer.Option("--scheme", help="Industry code scheme (with -w), e.g. naics2017.")]
LevelOption = Annotated[
    int | None, typer.Option("--level", help="Roll codes up to this level of the scheme (with -w).")
]
YearOption = Annotated[int | None, typer.Option("--year", help="Only this year (with -w); default every year.")]
MeasureOption = Annotated[str, typer.Option("--measure", help=f"Statistic to use (with -w): {', '.join(MEASURES)}.")]
RegionLevelOption = Annotated[
    str | None, typer.Option("--region-level", help="Only regions of this level (with -w), e.g. county, cbsa.")
]
ThresholdOption = Annotated[float, typer.Option("--threshold", help="RCA threshold of specialization (M = RCA ≥ t).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document (files and row counts).")]


def _long(
    input_path: Path | None,
    workspace: Path | None,
    scheme: str | None,
    level: int | None,
    year: int | None,
    measure: str,
    region_level: str | None,
) -> pd.DataFrame:
    if (input_path is None) == (workspace is None):
        raise typer.BadParameter("give either --input LONG.csv or --workspace W (with --scheme)")
    if input_path is not None:
        return read_long(input_path)
    if scheme is None:
        raise typer.BadParameter("--workspace needs --scheme (e.g. naics2017, gbt4754_2017)")
    with Workspace.open(workspace, read_only=True) as ws:  # type: ignore[arg-type]
        return stats_long(ws.con, scheme=scheme, measure=measure, level=level, year=year, region_level=region_level)


def _run(kind: str, long: pd.DataFrame, out_dir: Path, as_json: bool, **options: float | str) -> None:
    _report(TABLE_KINDS[kind](long, **options), out_dir, kind, as_json)


def _report(tables: dict[str, pd.DataFrame], out_dir: Path, kind: str, as_json: bool) -> None:
    paths = write_csv_tables(out_dir, tables)
    summary = {"kind": kind, "files": {p.name: len(tables[p.stem]) for p in paths}, "out_dir": str(out_dir)}
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False))
        return
    for path in paths:
        out.print(f"[green]wrote[/green] {path} ({len(tables[path.stem]):,} rows)")


def _command(kind: str, doc: str):  # noqa: ANN202 - a Typer command factory
    @handle_errors
    def command(
        out_dir: OutOption,
        input_path: InputOption = None,
        workspace: WorkspaceOption = None,
        scheme: SchemeOption = None,
        level: LevelOption = None,
        year: YearOption = None,
        measure: MeasureOption = "employment",
        region_level: RegionLevelOption = None,
        threshold: ThresholdOption = 1.0,
        as_json: JsonOption = False,
    ) -> None:
        long = _long(input_path, workspace, scheme, level, year, measure, region_level)
        _run(kind, long, out_dir, as_json, threshold=threshold)

    command.__doc__ = doc
    command.__name__ = kind
    return command


metrics_app.command("specialization")(
    _command(
        "specialization",
        "Location quotients (RCA) with confidence intervals, specialization and concentration indices 区位熵与集中度.",
    )
)
metrics_app.command("complexity")(
    _command("complexity", "Economic complexity: diversity, ubiquity, ECI, PCI, fitness–complexity 经济复杂度.")
)


@metrics_app.command("relatedness")
@handle_errors
def relatedness(
    out_dir: OutOption,
    input_path: InputOption = None,
    workspace: WorkspaceOption = None,
    scheme: SchemeOption = None,
    level: LevelOption = None,
    year: YearOption = None,
    measure: MeasureOption = "employment",
    region_level: RegionLevelOption = None,
    threshold: ThresholdOption = 1.0,
    method: Annotated[
        str,
        typer.Option("--relatedness", help="φ: proximity (co-specialisation), correlation or pmi (co-location)."),
    ] = "proximity",
    as_json: JsonOption = False,
) -> None:
    """Relatedness 产业关联密度: proximity or co-location relatedness, density, complexity outlook and outlook gain."""
    long = _long(input_path, workspace, scheme, level, year, measure, region_level)
    _run("relatedness", long, out_dir, as_json, threshold=threshold, relatedness=method)


@metrics_app.command("opportunities")
@handle_errors
def opportunities(
    out_dir: OutOption,
    input_path: InputOption = None,
    workspace: WorkspaceOption = None,
    scheme: SchemeOption = None,
    level: LevelOption = None,
    measure: MeasureOption = "employment",
    region_level: RegionLevelOption = None,
    threshold: ThresholdOption = 1.0,
    weights: Annotated[
        str | None,
        typer.Option("--weights", help="Weights of density, pci, growth, e.g. density=0.5,pci=0.25,growth=0.25."),
    ] = None,
    top: Annotated[int | None, typer.Option("--top", help="Keep the best N candidates of each region.", min=1)] = None,
    as_json: JsonOption = False,
) -> None:
    """Growth opportunities 培育方向 in the last year of the data.

    For each region, the industries it is not yet specialised in, ranked by feasibility (relatedness density)
    and attractiveness (PCI and, with two years or more, national growth); every component and its percentile
    is a column of opportunities.csv.
    """
    long = _long(input_path, workspace, scheme, level, None, measure, region_level)
    tables = TABLE_KINDS["opportunities"](
        long,
        threshold=threshold,
        top=top,
        weights=number_pairs(weights.split(","), "--weights", "NAME=NUMBER pairs such as density=0.5,pci=0.5")
        if weights
        else None,
    )
    _report(tables, out_dir, "opportunities", as_json)


@metrics_app.command("dynamics")
@handle_errors
def dynamics(
    out_dir: OutOption,
    input_path: InputOption = None,
    workspace: WorkspaceOption = None,
    scheme: SchemeOption = None,
    level: LevelOption = None,
    measure: MeasureOption = "employment",
    region_level: RegionLevelOption = None,
    threshold: ThresholdOption = 1.0,
    k: Annotated[int, typer.Option("--k", help="Shortlist length for precision at k.", min=1)] = 10,
    as_json: JsonOption = False,
) -> None:
    """Dynamics 动态与回测 between consecutive years.

    Entry and exit of specialisations, the shift-share decomposition of the change (national, industry mix,
    competitive), and a backtest: how well the base year's relatedness density ranked the industries each
    region went on to enter (AUC, precision at k, lift).
    """
    long = _long(input_path, workspace, scheme, level, None, measure, region_level)
    _report(TABLE_KINDS["dynamics"](long, threshold=threshold, k=k), out_dir, "dynamics", as_json)


@metrics_app.command("clusters")
@handle_errors
def clusters(
    out_dir: OutOption,
    workspace: Annotated[Path, typer.Option("--workspace", "-w", help="Workspace with employment and establishments.")],
    scheme: Annotated[str, typer.Option("--scheme", help="Scheme of the statistics, e.g. naics2017.")],
    grouping: Annotated[str, typer.Option("--grouping", help="Grouping scheme, e.g. uscmp2016.")] = "uscmp2016",
    group_level: Annotated[
        int, typer.Option("--group-level", help="Level of the grouping (1 cluster, 2 subcluster).")
    ] = 1,
    only: Annotated[
        str | None, typer.Option("--only", help="Keep groups whose code starts with this, e.g. traded.")
    ] = None,
    year: YearOption = None,
    region_level: RegionLevelOption = None,
    as_json: JsonOption = False,
) -> None:
    """Cluster strength 集群强度 as the US Cluster Mapping project defines it: strong, strong10, significant, qualifying.

    Compare regions of one type (--region-level cbsa, county, …): the percentiles are taken across them.
    """
    with Workspace.open(workspace, read_only=True) as ws:
        options = {"scheme": scheme, "year": year, "region_level": region_level}
        employment = stats_long(ws.con, measure="employment", **options)
        establishments = stats_long(ws.con, measure="establishments", **options)
        members = grouping_members(ws.con, grouping=grouping, scheme=scheme, level=group_level, only=only)
    tables = cluster_tables(employment, establishments, members)
    _report(tables, out_dir, "clusters", as_json)
