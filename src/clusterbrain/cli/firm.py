"""``clusterbrain firm ...``: firm services — health check 体检, 专精特新 screening, 亩均 evaluation, policy matching."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from clusterbrain.cli.errors import handle_errors
from clusterbrain.cli.progress import step_progress
from clusterbrain.report.firm_report import write_firm_reports
from clusterbrain.store import Workspace
from clusterbrain.store.exports import write_csv_tables, write_json
from clusterbrain.workflow.firms import (
    check_firms,
    evaluate_firms,
    load_firm_data,
    load_mujun_rules,
    load_srdi_rules,
    match_firm_policies,
    read_facts,
    read_policy_file,
    screen_firms,
)
from clusterbrain.workflow.firms.fields import DECLARED, FIELDS, UNITS_EN

__all__ = ["app"]

app = typer.Typer(help="Firm services 企业服务: health check, 专精特新 screening, 亩均 evaluation, policies.",
                  no_args_is_help=True)  # fmt: skip
out = Console()
WorkspaceOption = Annotated[Path, typer.Option("--workspace", "-w", help="Workspace file.")]
RegionOption = Annotated[str | None, typer.Option("--region", "-r", help="Region id (with the regions below it).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
OutOption = Annotated[Path | None, typer.Option("--out", "-o", help="Output file (single firm) or directory.")]


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"--as-of must be YYYY-MM-DD, got {text!r}") from None


@app.command("check")
@handle_errors
def check(
    firm_id: Annotated[str | None, typer.Argument(help="Firm id; omit it and give --region for a batch.")] = None,
    workspace: WorkspaceOption = Path("workspace.duckdb"),
    region: RegionOption = None,
    code_digits: Annotated[int, typer.Option("--code-digits", help="Industry code digits that define peers.")] = 4,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date of the policy check (YYYY-MM-DD).")] = None,
    out_path: OutOption = None,
    as_json: JsonOption = False,
) -> None:
    """Health-check report 企业体检报告: indicators with peer percentiles and trends, chain place, risks, policies.

    One firm: prints a summary (or --json / -o FILE). Batch (--region R -o DIR): one JSON per firm and index.csv.
    """
    if firm_id is None and region is None:
        raise typer.BadParameter("give a FIRM_ID or --region")
    with Workspace.open(workspace, read_only=True) as ws:
        data = load_firm_data(ws.con)
    checks = check_firms(data, firm_ids=None if firm_id is None else [firm_id], region_id=region,
                         code_digits=code_digits, as_of=_date(as_of))  # fmt: skip
    if firm_id is not None:
        doc = checks.document(firm_id)
        if out_path is not None:
            write_json(out_path, doc)
        if as_json:
            typer.echo(json.dumps(doc, ensure_ascii=False, default=str))
        elif out_path is None:
            _print_check(doc)
        return
    if out_path is None:
        raise typer.BadParameter("a batch (--region) needs --out DIR")
    folder = out_path / "firms"
    folder.mkdir(parents=True, exist_ok=True)
    ids = checks.firm_ids
    with step_progress(quiet=as_json) as progress:
        for k, (fid, doc) in enumerate(checks.documents(), start=1):
            (folder / f"{fid}.json").write_text(json.dumps(doc, ensure_ascii=False, default=str), encoding="utf-8")
            if k % 200 == 0 or k == len(ids):
                progress("health checks 体检报告", k, len(ids))
    write_csv_tables(out_path, {"index": checks.index()})
    if as_json:
        typer.echo(json.dumps({"firms": len(ids), "dir": str(folder), "index": str(out_path / "index.csv")}))
    else:
        out.print(f"wrote {len(ids):,} health checks to {folder} and {out_path / 'index.csv'}")


def _print_check(doc: dict) -> None:
    table = Table("indicator 指标", "value 数值", "unit 单位", "region pct 地区分位", "nation pct 全国分位", "trend 趋势",
                  title=f"{doc['name']} ({doc['firm_id']}) — 企业体检 health check")  # fmt: skip
    for ind in doc["indicators"]:
        pct = [ind["peers"][s]["percentile"] for s in ("region", "nation")]
        table.add_row(f"{ind['name_zh']} {ind['name_en']}", _num(ind["value"]), ind["unit"],
                      *[_pct(p) for p in pct], (ind["trend"] or {}).get("direction") or "—")  # fmt: skip
    out.print(table)
    for f in doc["findings"]:
        out.print(f"- {f['text_zh']} / {f['text_en']}")
    out.print(f"policies 可享政策: {', '.join(p['name'] for p in doc['policies']) or '—'}")


def _num(v: object) -> str:
    return "—" if v is None else f"{v:.4g}" if isinstance(v, float) else str(v)


def _pct(v: object) -> str:
    return "—" if v is None else f"{v:.0%}"


@app.command("screen")
@handle_errors
def screen(
    workspace: WorkspaceOption = Path("workspace.duckdb"),
    region: RegionOption = None,
    rules: Annotated[
        Path | None,
        typer.Option("--rules", help="专精特新 rule file (default: the MIIT edition in force on --as-of)."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Screening date YYYY-MM-DD (default: today); picks the edition: "
                                     "工信部企业〔2022〕63号 until 2026-03-31, 工信部企业〔2026〕2号 from 2026-04-01."),
    ] = None,
    provincial: Annotated[
        Path | None, typer.Option("--provincial", help="Provincial points file (default: the demo's, 2022 edition).")
    ] = None,
    facts: Annotated[
        Path | None,
        typer.Option("--facts", help="CSV of declared facts: firm_id + declared fields (see `firm fields --template`)."),
    ] = None,
    out_dir: OutOption = None,
    as_json: JsonOption = False,
) -> None:
    """专精特新 screening: eligible / to confirm / near-eligible (what is missed, by how much) / not; hidden champions."""
    rule_set = load_srdi_rules(rules, as_of=_date(as_of), provincial=provincial if provincial is not None else True)
    declared = read_facts(facts) if facts is not None else None
    with Workspace.open(workspace, read_only=True) as ws:
        data = load_firm_data(ws.con)
    result = screen_firms(data, region_id=region, rules=rule_set, facts=declared)
    if out_dir is not None:
        write_csv_tables(out_dir, {"screening": result.table, "points": result.points,
                                   "hidden_champions": result.hidden_champions})  # fmt: skip
        write_json(out_dir / "screening.json", {"rules": rule_set.to_dict(), "counts": result.counts()})
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, default=str))
        return
    table = Table("level 层级", *[f"{zh} {en}" for zh, en in
                                  (("符合", "eligible"), ("待核实", "to confirm"), ("接近", "near"), ("不符合", "not"))],
                  title=f"专精特新 screening ({rule_set.edition})")  # fmt: skip
    for level, counts in result.counts().items():
        table.add_row(level, *[f"{n:,}" for n in counts.values()])
    out.print(table)
    if rule_set.notice is not None:
        out.print(f"[yellow]注意 note:[/yellow] {rule_set.notice[0]}\n{rule_set.notice[1]}", highlight=False)
    out.print(f"hidden-champion candidates 隐形冠军候选: {len(result.hidden_champions):,}")


@app.command("evaluate")
@handle_errors
def evaluate(
    workspace: WorkspaceOption = Path("workspace.duckdb"),
    region: RegionOption = None,
    rules: Annotated[
        Path | None, typer.Option("--rules", help="亩均 rule file (default: Zhejiang county template).")
    ] = None,
    each_region: Annotated[
        bool,
        typer.Option("--each-region", help="Evaluate each region holding firms on its own (the counties of a city)."),
    ] = False,
    out_dir: OutOption = None,
    as_json: JsonOption = False,
) -> None:
    """亩均效益评价 (亩均论英雄): scores, A/B/C/D classes, the measures of each class, weight sensitivity."""
    rule_set = load_mujun_rules(rules)
    with Workspace.open(workspace, read_only=True) as ws:
        data = load_firm_data(ws.con)
    result = evaluate_firms(data, region_id=region, rules=rule_set, each_region=each_region)
    if out_dir is not None:
        write_csv_tables(out_dir, {"classes": result.firms, "sensitivity": result.sensitivity,
                                   "switchers": result.switchers})  # fmt: skip
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, default=str))
        return
    table = Table("group 组别", "A", "B", "C", "D", title=f"亩均效益 classes ({rule_set.id} v{rule_set.version})")
    for group, counts in result.class_counts().items():
        table.add_row(group, *[f"{counts[c]:,}" for c in ("A", "B", "C", "D")])
    out.print(table)
    sens = Table("scenario 情景", "firms changing class 变档企业", title="weight sensitivity 权重敏感性")
    for row in result.sensitivity.itertuples(index=False):
        sens.add_row(f"{row.indicator_zh} {row.scenario}", f"{row.firms_changing_class:,}")
    out.print(sens)


@app.command("policies")
@handle_errors
def policies(
    firm_id: Annotated[str | None, typer.Argument(help="Firm id; omit it for all firms (or --region).")] = None,
    workspace: WorkspaceOption = Path("workspace.duckdb"),
    region: RegionOption = None,
    rules: Annotated[
        Path | None, typer.Option("--rules", help="Policies file (JSON/YAML/CSV/XLSX) instead of the workspace's.")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date the policies must be in force (YYYY-MM-DD).")
    ] = None,
    out_dir: OutOption = None,
    as_json: JsonOption = False,
) -> None:
    """Policy matching 政策匹配: each firm against each policy, with the reason for every match and miss.

    Rules are a small JSON language (all/any/not, field op value, tag); bad rules are refused with the policy,
    the path in the rule, the value and why.
    """
    chosen = read_policy_file(rules) if rules is not None else None
    with Workspace.open(workspace, read_only=True) as ws:
        data = load_firm_data(ws.con)
    matches = match_firm_policies(data, firm_ids=None if firm_id is None else [firm_id], region_id=region,
                                  policies=chosen, as_of=_date(as_of))  # fmt: skip
    if out_dir is not None:
        write_csv_tables(out_dir, {"matches": matches.table, "summary": matches.summary()})
    if firm_id is not None:
        result = matches.for_firm(firm_id)
        if as_json:
            typer.echo(json.dumps({"firm_id": firm_id, "as_of": matches.as_of.isoformat(), "policies": result},
                                  ensure_ascii=False, default=str))  # fmt: skip
            return
        table = Table("policy 政策", "eligible 符合", "reason 原因", title=f"{firm_id} — 政策匹配 policy matching")
        for p in result:
            reason = "; ".join(
                f"{'✓' if c['met'] else '✗'} {c['condition_zh']} [{c['value']}]" for c in p["conditions"]
            )
            if not p["in_force"]:
                reason += "; ✗ 不在有效期 not in force"
            if not p["in_scope"]:
                reason += "; ✗ 不在适用地区 outside the region"
            table.add_row(p["name"], "✓" if p["eligible"] else "✗", reason)
        out.print(table)
        return
    if as_json:
        typer.echo(json.dumps(matches.to_dict(), ensure_ascii=False, default=str))
        return
    table = Table(
        "policy 政策", "in force 有效", "in scope 适用企业", "eligible 符合企业", title="政策匹配 policy matching"
    )
    for row in matches.summary().itertuples(index=False):
        table.add_row(f"{row.name} ({row.policy_id})", "✓" if row.in_force else "✗", f"{row.firms_in_scope:,}",
                      f"{row.eligible_firms:,}")  # fmt: skip
    out.print(table)


@app.command("report")
@handle_errors
def report(
    firm_id: Annotated[str | None, typer.Argument(help="Firm id; omit it and give --region for a batch.")] = None,
    workspace: WorkspaceOption = Path("workspace.duckdb"),
    region: RegionOption = None,
    formats: Annotated[
        list[str] | None, typer.Option("--format", "-f", help="html, pdf or docx (repeat); default html.")
    ] = None,
    langs: Annotated[list[str] | None, typer.Option("--lang", help="zh or en (repeat); default zh.")] = None,
    separate: Annotated[bool, typer.Option("--separate", help="A batch as one file per firm, not one document.")] = False,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("reports"),
    as_json: JsonOption = False,
) -> None:
    """Health-check report document 企业体检报告 (HTML, PDF, Word; zh/en): one firm, or every firm of a region."""
    if firm_id is None and region is None:
        raise typer.BadParameter("give a FIRM_ID or --region")
    with Workspace.open(workspace, read_only=True) as ws:
        data = load_firm_data(ws.con)
    checks = check_firms(data, firm_ids=None if firm_id is None else [firm_id], region_id=region)
    documents = [checks.document(firm_id)] if firm_id is not None else [doc for _, doc in checks.documents()]
    with step_progress(quiet=as_json) as progress:
        progress("writing health-check reports 体检报告", 0, 1)
        paths = write_firm_reports(
            documents,
            out_dir,
            formats=formats or ["html"],
            langs=langs or ["zh"],
            combined=None if firm_id is not None else not separate,
        )
        progress("writing health-check reports 体检报告", 1, 1)
    if as_json:
        typer.echo(json.dumps({"firms": len(documents), "files": [str(p) for p in paths]}, ensure_ascii=False))
        return
    for path in paths:
        out.print(f"wrote {path}", highlight=False)


@app.command("fields")
@handle_errors
def fields(
    declared: Annotated[
        bool, typer.Option("--declared", help="Only the facts a firm declares (the columns of a --facts CSV).")
    ] = False,
    template: Annotated[
        Path | None, typer.Option("--template", help="Write an empty facts CSV (firm_id + declared fields) here.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """The firm fields that rules, policies and facts files may name 字段表: key, names (zh, en), unit, source."""
    keys = {f.key for f in DECLARED}
    rows = [f for f in FIELDS.values() if f.key in keys or not declared]
    if template is not None:
        template.write_text(",".join(["firm_id", *(f.key for f in DECLARED)]) + "\n", encoding="utf-8")
        out.print(f"wrote {template}", highlight=False)
    if as_json:
        typer.echo(json.dumps([{"key": f.key, "name_zh": f.name_zh, "name_en": f.name_en, "unit": f.unit,
                                "unit_en": UNITS_EN.get(f.unit, f.unit), "numeric": f.numeric,
                                "declared": f.key in keys} for f in rows], ensure_ascii=False))  # fmt: skip
        return
    table = Table(title="firm fields 企业字段")
    table.add_column("key 字段", no_wrap=True)
    for header in ("名称", "name", "unit 单位", "from 来源"):
        table.add_column(header)
    for f in rows:
        table.add_row(f.key, f.name_zh, f.name_en, f.unit, "declared 申报" if f.key in keys else "workspace 库内")
    out.print(table)
