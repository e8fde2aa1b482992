"""专精特新 screening: versioned rule sets, the points scheme, eligible / near-eligible / not, hidden champions.

The national rule files (``rules/srdi_miit_2022.yaml``, ``rules/srdi_miit_2026.yaml``) and a
provincial points block name their source document, edition and the dates the edition is in force,
and say, per threshold, whether it was verified against the official text. Without a file, the
edition in force on the screening date is used. Every criterion is a rule of
:mod:`~clusterbrain.workflow.firms.rule_language`, evaluated in three-valued logic: a criterion on
a value the workspace does not hold (debt ratio, market share …) is *unknown* — to be confirmed
from a facts file — rather than failed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from clusterbrain.exceptions import InputValidationError, Problem
from clusterbrain.workflow.evidence import plain, records
from clusterbrain.workflow.firms._ruleset import RuleSetReader, load_document
from clusterbrain.workflow.firms._srdi_explain import explain
from clusterbrain.workflow.firms.rule_language import evaluate_rule3

__all__ = ["NATIONAL_FILES", "STATUS_LABELS", "Criterion", "Edition", "PointIndicator", "SrdiLevel", "SrdiRules",
           "SrdiScreening", "apply_proxies", "edition_in_force", "load_srdi_rules", "score_points", "screen_srdi",
           "srdi_editions"]  # fmt: skip

NATIONAL_FILES = ("srdi_miit_2022.yaml", "srdi_miit_2026.yaml")
"""The built-in national editions, oldest first."""
DEFAULT_PROVINCIAL = "srdi_points_demo_province.yaml"
STATUS_LABELS = {
    "eligible": ("符合", "eligible"),
    "to_confirm": ("待核实（已知条件均满足）", "to confirm (every known criterion met)"),
    "near_eligible": ("接近符合", "near-eligible"),
    "not_eligible": ("不符合", "not eligible"),
}


@dataclass(frozen=True)
class Criterion:
    """One required criterion: a rule, its source clause and whether it was verified."""

    id: str
    name_zh: str
    name_en: str
    rule: dict[str, Any]
    source: str
    verified: bool


@dataclass(frozen=True)
class PointIndicator:
    """One indicator of a points scheme: ordered cases (rule, points); the first case met scores."""

    id: str
    block: str
    max: float
    name_zh: str
    name_en: str
    cases: tuple[tuple[dict[str, Any], float], ...]


@dataclass(frozen=True)
class SrdiLevel:
    """A level of recognition (专精特新中小企业, 小巨人) with its criteria and optional points scheme."""

    id: str
    name_zh: str
    name_en: str
    criteria: tuple[Criterion, ...]
    points: tuple[PointIndicator, ...] = ()
    pass_score: float = 60.0


@dataclass(frozen=True)
class Edition:
    """An edition of the national criteria and the dates it is in force (``until`` None: still in force)."""

    file: str
    id: str
    edition: str
    start: dt.date | None
    until: dt.date | None

    def in_force_on(self, day: dt.date) -> bool | None:
        """Whether the edition is in force on ``day`` (None when the file gives no dates)."""
        if self.start is None:
            return None
        return self.start <= day and (self.until is None or day <= self.until)


@dataclass(frozen=True)
class SrdiRules:
    """A checked 专精特新 rule set (see :func:`load_srdi_rules`), for screening on ``as_of``."""

    id: str
    version: str
    edition: str
    levels: tuple[SrdiLevel, ...]
    max_missed: int
    max_relative_gap: float
    files: tuple[str, ...]
    documents: tuple[dict[str, Any], ...]
    in_force: Edition
    as_of: dt.date

    @property
    def notice(self) -> tuple[str, str] | None:
        """A warning (zh, en) when the rule set is not the edition in force on ``as_of``."""
        if self.in_force.in_force_on(self.as_of) is not False:
            return None
        span = f"{self.in_force.start} – {self.in_force.until or '…'}"
        zh = f"{self.edition} 的施行期为 {span}，不含筛查日期 {self.as_of}；仅适用于按该版认定企业的复核或回溯分析"
        en = (f"{self.edition} is in force {span}, not on the screening date {self.as_of}; use it only for renewals "
              "of firms recognised under it or for looking back")  # fmt: skip
        return zh, en

    def to_dict(self) -> dict[str, Any]:
        """Identity, dates in force, sources and verification notes of the rule set."""
        return {
            "id": self.id, "version": self.version, "edition": self.edition, "files": list(self.files),
            "in_force": {"from": self.in_force.start, "until": self.in_force.until},
            "as_of": self.as_of, "notice": self.notice,
            "sources": plain(self.documents[0].get("sources", [])),
            "verification": plain([d.get("verification", {}) for d in self.documents]),
        }  # fmt: skip


def _edition(doc: dict[str, Any], name: str, r: RuleSetReader) -> Edition:
    """The edition and in-force dates a rule document declares (``in_force: {from, until}``, both optional)."""
    span = r.get(doc, "in_force", "", dict, default={}) or {}
    days: list[dt.date | None] = []
    for key in ("from", "until"):
        value = span.get(key)
        try:
            days.append(None if value is None else value if isinstance(value, dt.date) else dt.date.fromisoformat(value))
        except (TypeError, ValueError):
            r.problem(f"in_force.{key}", value, "must be a date YYYY-MM-DD")
            days.append(None)
    if days[0] and days[1] and days[1] < days[0]:
        r.problem("in_force.until", str(days[1]), f"ends before it starts ({days[0]})")
    return Edition(name, str(doc.get("id", name)), str(doc.get("edition", "")), days[0], days[1])


@cache
def srdi_editions() -> tuple[Edition, ...]:
    """The built-in national editions (:data:`NATIONAL_FILES`) with their in-force dates (read once)."""
    out = []
    for name in NATIONAL_FILES:
        doc, _ = load_document(None, name)
        r = RuleSetReader(name)
        out.append(_edition(doc, name, r))
        r.raise_if_any()
    return tuple(out)


def edition_in_force(day: dt.date) -> Edition:
    """The built-in national edition in force on ``day``.

    Raises
    ------
    InputValidationError
        When no built-in edition covers ``day`` (before the 2022 measures took effect).
    """
    editions = srdi_editions()
    for ed in editions:
        if ed.in_force_on(day):
            return ed
    spans = ", ".join(f"{e.file} {e.start} – {e.until or '…'}" for e in editions)
    raise InputValidationError([Problem("--as-of", None, None, str(day),
                                        f"no built-in 专精特新 edition is in force on that date ({spans}); "
                                        "give a rule file with --rules")])  # fmt: skip


def _indicators(r: RuleSetReader, items: Any, where: str) -> list[PointIndicator]:
    out = []
    for i, ind in enumerate(items or []):
        path = f"{where}[{i}]"
        cases = []
        for k, case in enumerate(r.get(ind, "cases", path, list) or []):
            if not (isinstance(case, list) and len(case) == 2 and isinstance(case[0], dict)):
                r.problem(f"{path}.cases[{k}]", case, "a case is [rule, points]")
                continue
            r.rule({"rule": case[0]}, "rule", f"{path}.cases[{k}]")
            cases.append((case[0], r.number({"points": case[1]}, "points", f"{path}.cases[{k}]", low=0, high=100)))
        top = r.number(ind, "max", path, low=0, high=100)
        if top is not None and any(p is not None and p > top for _, p in cases):
            r.problem(f"{path}.cases", [p for _, p in cases], f"a case scores more than the indicator's max {top:g}")
        out.append(PointIndicator(str(ind.get("id", i)), str(ind.get("block", "")), top or 0.0,
                                  str(ind.get("name_zh", "")), str(ind.get("name_en", "")),
                                  tuple((c, p or 0.0) for c, p in cases)))  # fmt: skip
    return out


def load_srdi_rules(
    path: str | Path | None = None,
    *,
    as_of: dt.date | None = None,
    provincial: str | Path | None | bool = True,
) -> SrdiRules:
    """Read and check a 专精特新 rule set and (optionally) a provincial points block.

    ``path`` defaults to the built-in national edition in force on ``as_of`` (default: today):
    工信部企业〔2022〕63号 from 2022-08-01 to 2026-03-31, 工信部企业〔2026〕2号 from 2026-04-01.
    ``provincial=True`` adds the built-in demo province's 特色化 block where it extends the
    national file (the 2022 points scheme), a path adds that file, ``False``/``None`` adds none.

    Raises
    ------
    InputValidationError
        Listing every problem with the file and the path in it; or when no built-in edition
        is in force on ``as_of``; or when a provincial file extends another national file.
    """
    day = dt.date.today() if as_of is None else as_of
    doc, name = load_document(path, edition_in_force(day).file if path is None else "")
    r = RuleSetReader(name)
    edition = _edition(doc, name, r)
    levels = []
    for i, lv in enumerate(r.get(doc, "levels", "", list) or []):
        where = f"levels[{i}]"
        crits = []
        for k, c in enumerate(r.get(lv, "criteria", where, list) or []):
            cw = f"{where}.criteria[{k}]"
            rule = r.rule(c, "rule", cw)
            crits.append(Criterion(str(r.get(c, "id", cw, str)), str(c.get("name_zh", "")), str(c.get("name_en", "")),
                                   rule or {}, str(c.get("source", "")), bool(c.get("verified", False))))  # fmt: skip
        pts = lv.get("points") or {}
        levels.append(SrdiLevel(str(r.get(lv, "id", where, str)), str(lv.get("name_zh", "")), str(lv.get("name_en", "")),
                                tuple(crits), tuple(_indicators(r, pts.get("indicators"), f"{where}.points.indicators")),
                                float(pts.get("pass_score", 60))))  # fmt: skip
    near = doc.get("near_eligible") or {}
    max_missed = r.number(near, "max_missed", "near_eligible", low=0, high=20, default=2)
    max_gap = r.number(near, "max_relative_gap", "near_eligible", low=0, high=10, default=0.2)
    r.raise_if_any()
    docs, files = [doc], [name]
    if provincial is not None and provincial is not False:
        pdoc, pname = load_document(None if provincial is True else provincial, DEFAULT_PROVINCIAL)
        extends = pdoc.get("extends")
        if provincial is True and extends not in (None, name):
            return _rules(doc, levels, max_missed, max_gap, files, docs, edition, day)
        pr = RuleSetReader(pname)
        target = pdoc.get("level")
        extra = _indicators(pr, pr.get(pdoc, "indicators", "", list), "indicators")
        if extends not in (None, name):
            pr.problem("extends", extends, f"the provincial block extends another national rule set than {name}")
        if target not in {lv.id for lv in levels}:
            pr.problem("level", target, "names no level of the national rule set")
        pr.raise_if_any()
        levels = [SrdiLevel(lv.id, lv.name_zh, lv.name_en, lv.criteria, lv.points + tuple(extra), lv.pass_score)
                  if lv.id == target else lv for lv in levels]  # fmt: skip
        docs.append(pdoc)
        files.append(pname)
    return _rules(doc, levels, max_missed, max_gap, files, docs, edition, day)


def _rules(doc: dict[str, Any], levels: list[SrdiLevel], max_missed: float | None, max_gap: float | None,
           files: list[str], docs: list[dict[str, Any]], edition: Edition, day: dt.date) -> SrdiRules:  # fmt: skip
    return SrdiRules(edition.id, str(doc.get("version", "")), edition.edition, tuple(levels), int(max_missed or 0),
                     float(max_gap or 0.0), tuple(files), tuple(docs), edition, day)  # fmt: skip


def apply_proxies(frame: pd.DataFrame) -> pd.DataFrame:
    """Fill undeclared fields with the proxies the rule file names (a copy).

    ``niche_years`` ← firm age; ``ip_class1`` ← invention patents; ``ip_class2`` ← patents
    minus invention patents.
    """
    out = frame.copy()
    out["niche_years"] = out["niche_years"].fillna(out["age"])
    out["ip_class1"] = out["ip_class1"].fillna(out["invention_patents"])
    out["ip_class2"] = out["ip_class2"].fillna(out["patents"] - out["invention_patents"])
    return out


def score_points(frame: pd.DataFrame, indicators: tuple[PointIndicator, ...]) -> pd.DataFrame:
    r"""Lower and upper bound of the points score of every firm.

    For each indicator the first case met scores its points. A case that is unknown
    (missing data) before the first case met could score more, so

    .. math::

        p^{lo}_{ik} = p_{k,\,first\ met}, \qquad
        p^{hi}_{ik} = \max\bigl(p^{lo}_{ik},\ \max_{j\ unknown,\ j < first\ met} p_{kj}\bigr)

    and the score is bounded by :math:`\sum_k p^{lo}_{ik} \le S_i \le \sum_k p^{hi}_{ik}`.
    """
    n = len(frame)
    out = pd.DataFrame({"firm_id": frame["firm_id"].to_numpy()})
    low_total, high_total = np.zeros(n), np.zeros(n)
    for ind in indicators:
        low, high, decided = np.zeros(n), np.zeros(n), np.zeros(n, dtype=bool)
        for rule, pts in ind.cases:
            status, _ = evaluate_rule3(rule, frame)
            fresh = ~decided
            low = np.where(fresh & (status == 1), pts, low)
            high = np.where(fresh & (status >= 0), np.maximum(high, pts), high)
            decided |= status == 1
        out[f"{ind.id}_points"] = np.where(low == high, low, np.nan)
        low_total += low
        high_total += high
    out["points_low"], out["points_high"] = low_total, high_total
    return out


@dataclass(frozen=True, eq=False)
class SrdiScreening:
    """Per firm and level: status, criteria met / missed (by how much) / unknown; points; hidden champions."""

    rules: SrdiRules
    table: pd.DataFrame
    points: pd.DataFrame
    hidden_champions: pd.DataFrame

    def counts(self) -> dict[str, dict[str, int]]:
        """Firms per status in each level."""
        return {str(lv): {str(s): int(n) for s, n in g["status"].value_counts().reindex(list(STATUS_LABELS), fill_value=0).items()}
                for lv, g in self.table.groupby("level", sort=False)}  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        return {"rules": self.rules.to_dict(), "counts": self.counts(), "status_labels": STATUS_LABELS,
                "firms": records(self.table), "hidden_champions": records(self.hidden_champions)}  # fmt: skip


def screen_srdi(
    frame: pd.DataFrame, rules: SrdiRules, *, hidden_share: float = 0.10, hidden_rank: int = 3
) -> SrdiScreening:
    """Screen every firm of ``frame`` (derived fields, declared facts merged) against each level.

    A firm is *eligible* when it meets every criterion, *to confirm* when it misses none but
    some depend on undeclared facts, *near-eligible* when it misses at most ``max_missed``
    conditions, each by at most ``max_relative_gap`` of its threshold, else *not eligible*.

    Hidden-champion (隐形冠军) candidates are SMEs that lead their chain node: a share of the
    node's revenue of at least ``hidden_share`` and a rank of at most ``hidden_rank``, and not
    listed (low public visibility), after Simon's criteria (top 3 of the world market, below
    a size ceiling, little known).

    References
    ----------
    工业和信息化部 (2022). 优质中小企业梯度培育管理暂行办法 (工信部企业〔2022〕63号), 附件2–3.
    工业和信息化部 (2026). 优质中小企业梯度培育管理办法 (工信部企业〔2026〕2号).
    Simon, H. (2009). *Hidden Champions of the 21st Century*. Springer.
    """
    work = apply_proxies(frame)
    blocks, point_tables = [], []
    for lv in rules.levels:
        if lv.points:
            pts = score_points(work, lv.points)
            decided = np.where(pts["points_low"] >= lv.pass_score, pts["points_low"],
                               np.where(pts["points_high"] < lv.pass_score, pts["points_high"], np.nan))  # fmt: skip
            work = work.assign(srdi_points=decided)
            point_tables.append(pts.assign(level=lv.id))
        blocks.append(explain(work, lv, rules.max_missed, rules.max_relative_gap, STATUS_LABELS))
        if lv.points:
            blocks[-1] = blocks[-1].assign(
                points_low=pts["points_low"].to_numpy(), points_high=pts["points_high"].to_numpy()
            )
    table = pd.concat(blocks, ignore_index=True)
    points = pd.concat(point_tables, ignore_index=True) if point_tables else pd.DataFrame()
    listed = frame["tags"].astype("string").fillna("").str.contains("listed", regex=False)
    sme = evaluate_rule3({"any": [{"field": "employees", "op": "<", "value": 1000},
                                  {"field": "revenue", "op": "<", "value": 40000}]}, work)[0] == 1  # fmt: skip
    cand = (
        sme
        & ~listed.to_numpy()
        & (work["node_share"].to_numpy() >= hidden_share)
        & (work["node_rank"].to_numpy() <= hidden_rank)
    )
    cols = [c for c in ("firm_id", "name", "region_id", "chain_id", "node_id", "revenue", "node_share", "node_rank")
            if c in work]  # fmt: skip
    return SrdiScreening(rules, table, points, work.loc[cand, cols].reset_index(drop=True))
