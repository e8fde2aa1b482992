"""亩均效益综合评价 (亩均论英雄): per-mu performance scores, A/B/C/D classes, measures, weight sensitivity.

The indicator templates, weights, scoring, cut-offs, exemptions, protection periods and the
differentiated measures of each class come from a rule file (default:
``rules/mujun_zhejiang_county.yaml``, after Zhejiang county practice; its sources and which
numbers are illustrative are stated in the file).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from clusterbrain.workflow.evidence import plain, records
from clusterbrain.workflow.firms._ruleset import RuleSetReader, load_document
from clusterbrain.workflow.firms.fields import FIELDS, NUMERIC_FIELDS
from clusterbrain.workflow.firms.rule_language import evaluate_rule

__all__ = ["CLASSES", "MISSING_RULES", "MujunEvaluation", "MujunGroup", "MujunRules", "evaluate_mujun", "load_mujun_rules"]

CLASSES = ("A", "B", "C", "D")
MISSING_RULES = ("zero", "mean_points")
"""How a missing or non-positive indicator value scores: 0, or the group's mean points on it."""
_NONE = np.asarray(None, dtype=object)
DEFAULT_FILE = "mujun_zhejiang_county.yaml"


@dataclass(frozen=True)
class MujunGroup:
    """One evaluated group (规上 or 规下): who is in it and its weighted indicators."""

    id: str
    name_zh: str
    name_en: str
    select: dict[str, Any]
    indicators: tuple[str, ...]
    weights: tuple[float, ...]
    missing: tuple[str, ...]


@dataclass(frozen=True)
class MujunRules:
    """A parsed and checked 亩均 rule file (see :func:`load_mujun_rules`)."""

    id: str
    version: str
    source_file: str
    population: dict[str, Any] | None
    groups: tuple[MujunGroup, ...]
    benchmark: str
    cap: float | None
    class_method: str
    shares: dict[str, float]
    min_score: dict[str, float]
    exemptions: tuple[dict[str, Any], ...]
    measures: dict[str, dict[str, list[str]]]
    relative_change: float
    document: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The rule document as read (sources, notes and every setting)."""
        return plain(self.document)


def _classes_block(r: RuleSetReader, doc: dict[str, Any]) -> tuple[str, dict[str, float], dict[str, float]]:
    classes = r.get(doc, "classes", "", dict) or {}
    method = r.get(classes, "method", "classes", str, "share")
    if method not in ("share", "score"):
        r.problem("classes.method", method, "must be 'share' or 'score'")
    shares = {k: r.number(classes.get("shares", {}), k, "classes.shares", low=0, high=1, default=0.0) or 0.0
              for k in CLASSES}  # fmt: skip
    if method == "share" and abs(sum(shares.values()) - 1.0) > 1e-6:
        r.problem("classes.shares", shares, "the class shares must sum to 1")
    mins = {k: r.number(classes.get("min_score", {}), k, "classes.min_score", low=0, high=1e6, default=0.0) or 0.0
            for k in CLASSES[:3]}  # fmt: skip
    if method == "score" and not mins["A"] >= mins["B"] >= mins["C"]:
        r.problem("classes.min_score", mins, "needs A >= B >= C")
    return str(method), shares, mins


def load_mujun_rules(path: str | Path | None = None) -> MujunRules:
    """Read and check a 亩均 rule file (YAML/JSON); without ``path`` the built-in Zhejiang template.

    Raises
    ------
    InputValidationError
        Listing every problem with the file and the path in it (``groups.above_scale.indicators[2].weight``).
    """
    doc, name = load_document(path, DEFAULT_FILE)
    r = RuleSetReader(name)
    population = r.rule(doc, "population", "", None)
    groups = []
    for gid, g in (r.get(doc, "groups", "", dict) or {}).items():
        where = f"groups.{gid}"
        select = r.rule(g, "select", where)
        keys, weights, missing = [], [], []
        for i, ind in enumerate(r.get(g, "indicators", where, list) or []):
            key = r.get(ind, "key", f"{where}.indicators[{i}]", str)
            weight = r.number(ind, "weight", f"{where}.indicators[{i}]", low=0, high=1)
            if key is not None and key not in NUMERIC_FIELDS:
                r.problem(f"{where}.indicators[{i}].key", key, "unknown indicator; use a numeric field of FIELDS")
            rule = r.get(ind, "missing", f"{where}.indicators[{i}]", str, "zero")
            if rule not in MISSING_RULES:
                r.problem(f"{where}.indicators[{i}].missing", rule, f"must be one of {', '.join(MISSING_RULES)}")
            keys.append(key)
            weights.append(weight or 0.0)
            missing.append(str(rule))
        if keys and abs(sum(weights) - 1.0) > 1e-6:
            r.problem(f"{where}.indicators", weights, f"the weights must sum to 1 (they sum to {sum(weights):g})")
        groups.append(MujunGroup(gid, g.get("name_zh", gid), g.get("name_en", gid), select or {}, tuple(keys),
                                 tuple(weights), tuple(missing)))  # fmt: skip
    if not groups:
        r.problem("groups", None, "at least one group is needed")
    scoring = r.get(doc, "scoring", "", dict) or {}
    benchmark = r.get(scoring, "benchmark", "scoring", str, "mean")
    if benchmark not in ("mean", "median"):
        r.problem("scoring.benchmark", benchmark, "must be 'mean' or 'median'")
    uncapped = "cap" in scoring and scoring["cap"] is None
    cap = None if uncapped else r.number(scoring, "cap", "scoring", low=1, high=100, default=2.0)
    method, shares, mins = _classes_block(r, doc)
    exemptions = []
    for i, ex in enumerate(r.get(doc, "exemptions", "", list, [])):
        where = f"exemptions[{i}]"
        r.rule(ex, "rule", where)
        if r.get(ex, "effect", where, str) not in ("exclude", "protect"):
            r.problem(f"{where}.effect", ex.get("effect"), "must be 'exclude' or 'protect'")
        if ex.get("applies_to") is not None and ex["applies_to"] not in {g.id for g in groups}:
            r.problem(f"{where}.applies_to", ex["applies_to"], "names no group")
        exemptions.append(ex)
    measures = r.get(doc, "measures", "", dict, {})
    change = r.number(r.get(doc, "sensitivity", "", dict, {}), "relative_change", "sensitivity", low=0, high=0.9,
                      default=0.2)  # fmt: skip
    r.raise_if_any()
    return MujunRules(str(doc.get("id", name)), str(doc.get("version", "")), name, population, tuple(groups),
                      str(benchmark), None if cap is None else float(cap), method, shares, mins, tuple(exemptions), measures,
                      float(change or 0.2), doc)  # fmt: skip


def _ratios(
    frame: pd.DataFrame, group: MujunGroup, in_group: np.ndarray, benchmark: str, cap: float | None, scope: np.ndarray
) -> np.ndarray:
    """Indicator value over the benchmark of the group's firms in the same ``scope``, capped (``cap`` None: not).

    A missing or non-positive value gives 0, or under ``missing: mean_points`` the mean ratio of
    the group's firms in the scope that have the value (as counties score firms without emission data).
    """
    x = frame[list(group.indicators)].to_numpy(dtype=float)
    valid = np.isfinite(x) & (x > 0)
    pooled = pd.DataFrame(np.where(in_group[:, None] & valid, x, np.nan))
    b = pooled.groupby(scope).transform("mean" if benchmark == "mean" else "median").to_numpy(dtype=float)
    ok = np.isfinite(b) & (b > 0)
    ratio = np.divide(x, b, out=np.zeros_like(x), where=ok & valid)
    if cap is not None:
        ratio = np.minimum(ratio, cap)
    means = pd.DataFrame(np.where(in_group[:, None] & valid & ok, ratio, np.nan)).groupby(scope).transform("mean")
    fill = np.where([m == "mean_points" for m in group.missing], np.nan_to_num(means.to_numpy(dtype=float)), 0.0)
    return np.where(ok, np.where(valid, ratio, fill), 0.0)


def _ranks(score: np.ndarray, members: np.ndarray, scope: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rank of each member within its scope (1 = best; ties share the better rank) and the scope's member count."""
    ranked = pd.Series(np.where(members, -score, np.nan)).groupby(scope).rank(method="min").to_numpy()
    size = pd.Series(members.astype(int)).groupby(scope).transform("sum").to_numpy()
    return ranked, size


def _classify(score: np.ndarray, members: np.ndarray, rules: MujunRules, scope: np.ndarray) -> np.ndarray:
    """Classes of ``members`` by share of the rank within their scope (best first) or by minimum score."""
    out = np.full(len(score), None, dtype=object)
    if not members.any():
        return out
    if rules.class_method == "score":
        m = rules.min_score
        cls = np.select([score >= m["A"], score >= m["B"], score >= m["C"]], ["A", "B", "C"], default="D")
        return np.where(members, cls, out)
    # The class edges are counted in firms (rounded, so 0.8 + 0.15 is 95 % of them, not a hair more);
    # a firm's class is the number of edges its rank (0 = best) has reached.
    rank, size = _ranks(score, members, scope)
    edges = np.round(np.cumsum([rules.shares[c] for c in CLASSES])[:3, None] * size, 9)
    passed = np.minimum(((rank - 1) >= edges).sum(axis=0), 3)
    return np.where(members, np.array(CLASSES, dtype=object)[passed], out)


@dataclass(frozen=True, eq=False)
class MujunEvaluation:
    """Scores and classes of every firm, the measures of each class, and the weight sensitivity.

    ``firms`` has ``firm_id, group, evaluated, exemption, score, rank_in_group, firms_in_group, class`` and,
    per indicator, its value and its points; ``sensitivity`` one row per scenario (indicator,
    change, weights, firms changing class); ``switchers`` the firms whose class changes in any
    scenario, with the class in each.
    """

    rules: MujunRules
    firms: pd.DataFrame
    sensitivity: pd.DataFrame
    switchers: pd.DataFrame

    def class_counts(self) -> dict[str, dict[str, int]]:
        """Firms per class in each group."""
        ev = self.firms[self.firms["class"].notna()]
        return {str(g): {str(c): int(n) for c, n in s.value_counts().reindex(CLASSES, fill_value=0).items()}
                for g, s in ev.groupby("group")["class"]}  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (firms as records)."""
        return {
            "rules": {
                "id": self.rules.id,
                "version": self.rules.version,
                "file": self.rules.source_file,
                "verified": self.rules.document.get("verified"),
                "note": self.rules.document.get("note"),
                "sources": plain(self.rules.document.get("sources", [])),
            },  # fmt: skip
            "units": self.rules.document.get("units", ""),
            "class_counts": self.class_counts(),
            "measures": plain(self.rules.measures),
            "firms": records(self.firms),
            "sensitivity": records(self.sensitivity),
            "switchers": records(self.switchers),
        }


def evaluate_mujun(
    frame: pd.DataFrame, rules: MujunRules, *, by: str | None = None, sensitivity: bool = True
) -> MujunEvaluation:
    r"""Score and class every firm of ``frame`` (with derived fields) by the 亩均 rules.

    With ``by`` (a column such as ``region_id``) each value of the column is evaluated on its
    own, as each county evaluates its firms: benchmarks, ranks and classes are within it.
    ``sensitivity=False`` skips the weight-sensitivity analysis.

    Within each group :math:`g` with weights :math:`w_k` (summing to 1), benchmark
    :math:`b_k` (mean or median over the group's evaluated firms) and cap :math:`c`
    (:math:`\infty` when the file sets none),

    .. math:: S_i = 100 \sum_k w_k \min\!\left(\frac{x_{ik}}{b_k},\ c\right), \quad x_{ik} > 0

    (0 points for a missing or non-positive value, or the group's mean points on that indicator
    under ``missing: mean_points``), so a firm at the benchmark on every
    indicator scores 100. Classes go by share of the rank within the group (A the best
    ``shares['A']``, …) or by minimum score. Firms under an ``exclude`` exemption are not
    scored; under ``protect`` they are scored but put no lower than B. The sensitivity
    analysis moves each weight by :math:`\pm` ``relative_change`` (the other weights
    rescaled to keep the sum 1) and records which firms change class.

    References
    ----------
    浙江省人民政府 (2018). 关于深化"亩均论英雄"改革的指导意见 (浙政发〔2018〕5号).
    台州市黄岩区深化"亩均论英雄"改革工作领导小组办公室 (2022, 2023). 工业企业综合评价得分计算说明
    (annex to the published results of the 2021 and 2022 evaluations).
    """
    n = len(frame)
    population = evaluate_rule(rules.population, frame)[0] if rules.population else np.ones(n, dtype=bool)
    group = np.full(n, None, dtype=object)
    for g in rules.groups:
        group = np.where((group == None) & population & evaluate_rule(g.select, frame)[0], g.id, group)  # noqa: E711
    exemption = np.full(n, "", dtype=object)
    protected = np.zeros(n, dtype=bool)
    for ex in rules.exemptions:
        hit = evaluate_rule(ex["rule"], frame)[0] & (group != None)  # noqa: E711
        if ex.get("applies_to"):
            hit &= group == ex["applies_to"]
        exemption = np.where(hit & (exemption == ""), ex["id"], exemption)
        if ex["effect"] == "protect":
            protected |= hit
    excluded = np.isin(exemption, [ex["id"] for ex in rules.exemptions if ex["effect"] == "exclude"])
    evaluated = (group != None) & ~excluded  # noqa: E711
    out = pd.DataFrame({"firm_id": frame["firm_id"].to_numpy(), "group": group, "evaluated": evaluated,
                        "exemption": np.where(exemption == "", np.asarray(None, dtype=object), exemption)})  # fmt: skip
    scope = frame[by].astype(str).to_numpy() if by is not None else np.zeros(n, dtype=int)
    score = np.full(n, np.nan)
    ratios: dict[str, np.ndarray] = {}
    for g in rules.groups:
        members = evaluated & (group == g.id)
        ratios[g.id] = _ratios(frame, g, members, rules.benchmark, rules.cap, scope)
        points = 100.0 * ratios[g.id] * np.asarray(g.weights)
        score = np.where(members, points.sum(axis=1), score)
        for k, key in enumerate(g.indicators):
            prev = out[key].to_numpy(dtype=float) if key in out else np.full(n, np.nan)
            out[key] = np.where(members, frame[key].to_numpy(dtype=float), prev)
            prev = out[f"{key}_points"].to_numpy(dtype=float) if f"{key}_points" in out else np.full(n, np.nan)
            out[f"{key}_points"] = np.where(members, points[:, k], prev)
    out["score"] = score
    within = np.char.add(np.char.add(np.where(group == None, "", group).astype(str), "|"), scope.astype(str))  # noqa: E711
    out["rank_in_group"], out["firms_in_group"] = _ranks(score, evaluated, within)
    out["class"] = _classes(score, group, evaluated, protected, rules, scope)
    if not sensitivity:
        return MujunEvaluation(rules, out, pd.DataFrame(), pd.DataFrame(columns=["firm_id", "class"]))
    table, switchers = _sensitivity(ratios, group, evaluated, protected, out, rules, scope)
    return MujunEvaluation(rules, out, table, switchers)


def _classes(score: np.ndarray, group: np.ndarray, evaluated: np.ndarray, protected: np.ndarray,
             rules: MujunRules, scope: np.ndarray) -> np.ndarray:  # fmt: skip
    cls = np.full(len(score), None, dtype=object)
    for g in rules.groups:
        members = evaluated & (group == g.id)
        cls = np.where(members, _classify(score, members, rules, scope), cls)
    return np.where(protected & np.isin(cls, ["C", "D"]), "B", cls)


def _sensitivity(
    ratios: dict[str, np.ndarray],
    group: np.ndarray,
    evaluated: np.ndarray,
    protected: np.ndarray,
    base: pd.DataFrame,
    rules: MujunRules,
    scope: np.ndarray,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, changed = [], {}
    base_cls = base["class"].to_numpy()
    for g in rules.groups:
        w0 = np.asarray(g.weights)
        for k, key in enumerate(g.indicators):
            for sign in (-1, 1):
                w = w0.copy()
                w[k] = w0[k] * (1 + sign * rules.relative_change)
                rest = w0.sum() - w0[k]
                if rest > 0:
                    w[np.arange(len(w)) != k] *= (1 - w[k]) / rest
                score = np.where(evaluated & (group == g.id), 100.0 * ratios[g.id] @ w, np.nan)
                cls = _classes(score, np.where(group == g.id, group, _NONE), evaluated, protected, rules, scope)
                members = evaluated & (group == g.id)
                moved = members & (cls != base_cls)
                name = f"{g.id}:{key}{'+' if sign > 0 else '-'}{rules.relative_change:g}"
                rows.append({"scenario": name, "group": g.id, "indicator": key, "indicator_zh": FIELDS[key].name_zh,
                             "change": sign * rules.relative_change, "weights": [round(x, 4) for x in w],
                             "firms_changing_class": int(moved.sum()),
                             "share_changing_class": float(moved.sum() / max(members.sum(), 1))})  # fmt: skip
                changed[name] = np.where(members, cls, _NONE)
    sens = pd.DataFrame(rows)
    if not changed:
        return sens, pd.DataFrame(columns=["firm_id", "class"])
    table = pd.DataFrame(changed)
    any_move = (table.notna() & table.ne(base_cls, axis=0)).any(axis=1).to_numpy()
    switchers = pd.concat([base.loc[any_move, ["firm_id", "group", "score", "class"]].reset_index(drop=True),
                           table.loc[any_move].reset_index(drop=True)], axis=1)  # fmt: skip
    return sens, switchers
