"""``clusterbrain report``: the planning report of a region as HTML, PDF and Word, in Chinese and English."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from clusterbrain.cli.errors import handle_errors
from clusterbrain.exceptions import ClusterBrainError
from clusterbrain.report.document import LANGS
from clusterbrain.report.plan_report import read_plan, write_reports
from clusterbrain.report.render import FORMATS
from clusterbrain.store import Workspace
from clusterbrain.store.pestel import read_pestel
from clusterbrain.workflow.plan import run_plan
from clusterbrain.workflow.planning_params import load_params

__all__ = ["choices", "register"]

out = Console()


def choices(values: list[str] | None, allowed: tuple[str, ...], option: str) -> list[str]:
    """The chosen values of a repeatable option, ``all`` standing for every allowed one.

    >>> choices(["pdf", "html"], ("html", "pdf", "docx"), "--format"), choices(["all"], ("zh", "en"), "--lang")
    (['pdf', 'html'], ['zh', 'en'])
    """
    picked: list[str] = []
    for value in values or ["all"]:
        for part in value.split(","):
            part = part.strip().lower()
            if part == "all":
                picked.extend(allowed)
            elif part in allowed:
                picked.append(part)
            else:
                raise typer.BadParameter(f"{option} must be one of {', '.join(allowed)} or all; got {part!r}")
    return list(dict.fromkeys(picked))


def _documents(
    region: str,
    workspace: Path | None,
    plan_dir: Path | None,
    chains: list[str] | None,
    year: int | None,
    config: Path | None,
    pestel: Path | None,
) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    provenance = None
    if workspace is not None:
        with Workspace.open(workspace, read_only=True) as ws:
            provenance = ws.info().imports
            if plan_dir is None:
                params = load_params(config)
                sheet = read_pestel(pestel) if pestel is not None else None
                plan = run_plan(ws.con, region, chains=chains, year=year, params=params, pestel=sheet)
                return plan.documents(), provenance
    if plan_dir is None:
        raise typer.BadParameter("give the workspace (-w) to run the plan, or an existing plan folder (--plan)")
    documents = read_plan(plan_dir)
    found = documents["diagnosis"].get("region_id")
    if str(found) != region:
        raise ClusterBrainError(f"the plan in {plan_dir} is of region {found}, not {region}")
    return documents, provenance


def register(app: typer.Typer) -> None:
    """Add the ``report`` command to ``app``."""

    @app.command("report")
    @handle_errors
    def report(
        region: Annotated[str, typer.Argument(help="Region id (行政区划代码), e.g. 990000.")],
        workspace: Annotated[
            Path | None,
            typer.Option("--workspace", "-w", help="Workspace file (.duckdb); its imports are listed as data sources."),
        ] = None,
        fmt: Annotated[
            list[str] | None,
            typer.Option("--format", "-f", help="html, pdf, docx or all (repeat or comma-separate); default all."),
        ] = None,
        lang: Annotated[
            list[str] | None, typer.Option("--lang", help="zh, en or all (repeat or comma-separate); default all.")
        ] = None,
        output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the reports.")] = Path("reports"),
        plan_dir: Annotated[
            Path | None,
            typer.Option(
                "--plan", help="Read the plan from this folder (clusterbrain plan -o DIR) instead of running it."
            ),
        ] = None,
        pages: Annotated[
            bool, typer.Option("--pages", help="Also draw the first four pages of each PDF to PNG in OUTPUT/pages.")
        ] = False,
        chain: Annotated[
            list[str] | None,
            typer.Option("--chain", "-c", help="Chain template to study (repeat); default: the mapped chains."),
        ] = None,
        year: Annotated[int | None, typer.Option("--year", help="Statistics year; default: the latest.")] = None,
        config: Annotated[
            Path | None, typer.Option("--config", help="YAML file overriding the planning parameters.")
        ] = None,
        pestel: Annotated[
            Path | None, typer.Option("--pestel", help="PESTEL sheet (CSV/XLSX) to include in the diagnosis.")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the written paths as one JSON document.")] = False,
    ) -> None:
        """报告 Write the planning report 产业发展诊断与规划报告 of REGION (plan-zh.html, plan-en.pdf, …).

        Runs diagnose → position → design → monitor on the workspace (or reads a plan folder with
        --plan) and writes the report in each format and language into OUTPUT, then prints the paths.
        """
        formats = choices(fmt, FORMATS, "--format")
        langs = choices(lang, LANGS, "--lang")
        documents, provenance = _documents(region, workspace, plan_dir, chain, year, config, pestel)
        paths = write_reports(documents, output, formats=formats, langs=langs, pages=pages, provenance=provenance)
        if as_json:
            typer.echo(json.dumps({"region": region, "files": [str(p) for p in paths]}, ensure_ascii=False))
            return
        for path in paths:
            out.print(f"wrote 已写入 {path}", highlight=False, soft_wrap=True)
