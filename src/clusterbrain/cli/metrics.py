"""``clusterbrain metrics ...``: metric tables from a long CSV or from a workspace."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console

from clusterbrain.cli.errors import handle_errors
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


def _run(kind: str, long: pd.DataFrame, out_dir: Path, as_json: bool, **options: float) -> None:
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
metrics_app.command("relatedness")(
    _command("relatedness", "Proximity, relatedness density, complexity outlook and outlook gain 产业关联密度.")
)
metrics_app.command("opportunities")(
    _command(
        "opportunities",
        "Growth opportunities 培育方向: for each region, the industries it is not yet specialised in, ranked by "
        "feasibility (density) and attractiveness (PCI, national growth), every component shown.",
    )
)
metrics_app.command("dynamics")(
    _command(
        "dynamics",
        "Between consecutive years: entry and exit of specialisations, shift-share, and a backtest of the density "
        "ranking (AUC, precision at k) 动态与回测.",
    )
)


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
