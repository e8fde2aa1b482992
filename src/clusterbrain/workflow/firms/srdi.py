"""专精特新 screening: versioned rule sets, the points scheme, eligible / near-eligible / not, hidden champions.

The rule files (``rules/srdi_miit_2022.yaml`` and a provincial points block) name their source
document and edition and say, per threshold, whether it was verified against the official
text. Every criterion is a rule of :mod:`~clusterbrain.workflow.firms.rule_language`, evaluated
in three-valued logic: a criterion on a value the workspace does not hold (debt ratio, market
share …) is *unknown* — to be confirmed from a facts file — rather than failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from clusterbrain.workflow.evidence import plain, records
from clusterbrain.workflow.firms._ruleset import RuleSetReader, load_document
from clusterbrain.workflow.firms._srdi_explain import explain
from clusterbrain.workflow.firms.rule_language import evaluate_rule3

__all__ = ["STATUS_LABELS", "Criterion", "PointIndicator", "SrdiLevel", "SrdiRules", "SrdiScreening",
           "apply_proxies", "load_srdi_rules", "score_points", "screen_srdi"]  # fmt: skip

DEFAULT_FILE = "srdi_miit_2022.yaml"
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
class SrdiRules:
    """A checked 专精特新 rule set (see :func:`load_srdi_rules`)."""

    id: str
    version: str
    edition: str
    levels: tuple[SrdiLevel, ...]
    max_missed: int
    max_relative_gap: float
    files: tuple[str, ...]
    documents: tuple[dict[str, Any], ...]

    def to_dict(self) -> dict[str, Any]:
        """Identity, sources and verification notes of the rule set."""
        return {
            "id": self.id, "version": self.version, "edition": self.edition, "files": list(self.files),
            "sources": plain(self.documents[0].get("sources", [])),
            "verification": plain([d.get("verification", {}) for d in self.documents]),
        }  # fmt: skip


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


def load_srdi_rules(path: str | Path | None = None, *, provincial: str | Path | None | bool = True) -> SrdiRules:
    """Read and check a 专精特新 rule set and (optionally) a provincial points block.

    ``path`` defaults to the built-in 2022 national criteria; ``provincial=True`` adds the
    built-in demo province's 特色化 block, a path adds that file, ``False``/``None`` adds none.

    Raises
    ------
    InputValidationError
        Listing every problem with the file and the path in it.
    """
    doc, name = load_document(path, DEFAULT_FILE)
    r = RuleSetReader(name)
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
        pr = RuleSetReader(pname)
        target = pdoc.get("level")
        extra = _indicators(pr, pr.get(pdoc, "indicators", "", list), "indicators")
        if target not in {lv.id for lv in levels}:
            pr.problem("level", target, "names no level of the national rule set")
        pr.raise_if_any()
        levels = [SrdiLevel(lv.id, lv.name_zh, lv.name_en, lv.criteria, lv.points + tuple(extra), lv.pass_score)
                  if lv.id == target else lv for lv in levels]  # fmt: skip
        docs.append(pdoc)
        files.append(pname)
    return SrdiRules(str(doc.get("id", name)), str(doc.get("version", "")), str(doc.get("edition", "")), tuple(levels),
                     int(max_missed or 0), float(max_gap or 0.0), tuple(files), tuple(docs))  # fmt: skip


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
