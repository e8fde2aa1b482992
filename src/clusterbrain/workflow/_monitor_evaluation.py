"""Evaluation (评估): what changed between two diagnoses, and between two years of the KPIs."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from clusterbrain._validation import check_scalar
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.workflow._kpis import KpiDefinition
from clusterbrain.workflow.evidence import Evidence, Finding

__all__ = ["compare_diagnoses", "fmt_number", "kpi_changes", "quantity", "relative_change", "unit_en"]

_KIND_ZH = {"shortcoming": "短板", "gap": "缺口", "risk": "风险", "weakness": "短板", "strength": "优势",
            "opportunity": "机会", "benchmark": "对标结论", "classification": "判定"}  # fmt: skip
_NEGATIVE = {"shortcoming", "gap", "risk", "weakness"}
_POSITIVE = {"strength", "opportunity"}
_UNITS_EN = {"万元": "10k CNY", "家": "firms", "人": "persons", "件": "", "%": "%", "万元/亩": "10k CNY/mu",
             "吨标准煤/万元": "tce/10k CNY"}  # fmt: skip


def unit_en(unit: str) -> str:
    """The English form of a KPI unit (``万元`` → ``10k CNY``); unknown units are kept."""
    return _UNITS_EN.get(unit, unit)


def fmt_number(value: float | None) -> str:
    """A number for a sentence: thousands separators, at most two decimals (three digits below 1).

    >>> fmt_number(62128372.6), fmt_number(3.10574), fmt_number(29.999999), fmt_number(0.0927), fmt_number(None)
    ('62,128,373', '3.11', '30', '0.0927', '–')
    """
    if value is None or not math.isfinite(value):
        return "–"
    size = abs(value)
    if size >= 100:
        return f"{value:,.0f}"
    if size >= 1:
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:.3g}"


def quantity(value: float | None, unit: str, lang: str) -> str:
    """A number with its unit in a sentence of ``lang``.

    >>> quantity(3.1, "%", "en"), quantity(1500.0, "万元", "en"), quantity(1500.0, "万元", "zh")
    ('3.1%', '1,500 10k CNY', '1,500万元')
    """
    number = fmt_number(value)
    if lang == "zh" or unit == "%":
        return number + unit
    english = unit_en(unit)
    return f"{number} {english}" if english else number


def relative_change(before: float, after: float) -> float:
    """:math:`(b - a) / |a|`; infinite when only ``a`` is 0, 0 when both are.

    >>> relative_change(100.0, 110.0), relative_change(0.0, 0.0), relative_change(-2.0, -1.0)
    (0.1, 0.0, 0.5)
    """
    if before == 0:
        return 0.0 if after == 0 else math.copysign(math.inf, after)
    return (after - before) / abs(before)


def _pct(rel: float) -> str:
    return "∞" if math.isinf(rel) else f"{rel * 100:+.1f}%"


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _document(doc: Any, name: str) -> dict[str, dict[str, Any]]:
    ok = isinstance(doc, Mapping) and isinstance(doc.get("findings"), list)
    ok = ok and all(isinstance(f, Mapping) and "id" in f for f in doc["findings"])
    if not ok:
        raise InvalidParameterError(
            f"The {name!r} parameter of compare_diagnoses must be a diagnosis document (a dict with a 'findings' "
            f"list of findings that have an 'id'). Got {type(doc).__name__} instead."
        )
    return {str(f["id"]): dict(f) for f in doc["findings"]}


def _evidence(finding: Mapping[str, Any]) -> tuple[Evidence, ...]:
    fields = ("metric", "value", "threshold", "benchmark", "source", "year", "unit")
    return tuple(
        Evidence(**{k: e.get(k, "" if k in ("source", "unit") else None) for k in fields})
        for e in finding.get("evidence", [])
        if isinstance(e, Mapping) and "metric" in e
    )


def _scores(doc: Mapping[str, Any]) -> dict[str, float]:
    flat: dict[str, float] = {}

    def walk(prefix: str, node: Any) -> None:
        if isinstance(node, Mapping):
            for key, value in node.items():
                walk(f"{prefix}.{key}" if prefix else str(key), value)
        elif (number := _number(node)) is not None:
            flat[prefix] = number

    walk("", doc.get("scores") or {})
    return flat


def _appeared(fid: str, f: Mapping[str, Any]) -> Finding:
    kind = str(f.get("kind", ""))
    kind_zh, kind_en = _KIND_ZH.get(kind, "发现"), kind.replace("_", " ") if kind else "finding"
    return Finding(
        f"evaluation.appeared.{fid}", "appeared",
        f"新增{kind_zh}：{f.get('text_zh', fid)}", f"New {kind_en}: {f.get('text_en', fid)}",
        _evidence(f), int(f.get("severity", 0) or 0) if kind not in _POSITIVE else 0,
        {"finding_id": fid, "finding_kind": kind, "change": "appeared"},
    )  # fmt: skip


def _disappeared(fid: str, f: Mapping[str, Any]) -> Finding:
    kind = str(f.get("kind", ""))
    kind_zh, kind_en = _KIND_ZH.get(kind, "发现"), kind.replace("_", " ") if kind else "finding"
    if kind in _NEGATIVE:
        zh, en, severity = f"已消除{kind_zh}：", f"{kind_en.capitalize()} resolved: ", 0
    elif kind in _POSITIVE:
        zh, en, severity = f"{kind_zh}不再成立：", f"{kind_en.capitalize()} no longer found: ", 1
    else:
        zh, en, severity = "不再出现：", f"No longer reported ({kind_en}): ", 0
    return Finding(
        f"evaluation.disappeared.{fid}", "disappeared", zh + str(f.get("text_zh", fid)),
        en + str(f.get("text_en", fid)), _evidence(f), severity,
        {"finding_id": fid, "finding_kind": kind, "change": "disappeared"},
    )  # fmt: skip


def _evidence_changes(fid: str, before: Mapping[str, Any], after: Mapping[str, Any], rtol: float) -> list[Finding]:
    old = {e.metric: e for e in reversed(_evidence(before))}
    out = []
    for new in _evidence(after):
        was = old.pop(new.metric, None)
        a, b = (None if was is None else _number(was.value)), _number(new.value)
        if a is None or b is None or abs(rel := relative_change(a, b)) <= rtol:
            continue
        out.append(Finding(
            f"evaluation.changed.{fid}.{new.metric}", "changed",
            f"「{after.get('text_zh', fid)}」的依据 {new.metric} 由 {fmt_number(a)} 变为 {fmt_number(b)}（{_pct(rel)}）",
            f"Evidence {new.metric} of “{after.get('text_en', fid)}” changed from {fmt_number(a)} to "
            f"{fmt_number(b)} ({_pct(rel)})",
            (Evidence(new.metric, b, rtol, a, new.source, new.year, new.unit),), 0,
            {"finding_id": fid, "metric": new.metric, "previous": a, "current": b,
             "relative_change": None if math.isinf(rel) else rel, "change": "evidence"},
        ))  # fmt: skip
    return out


def _score_changes(before: dict[str, float], after: dict[str, float], rtol: float, year: Any) -> list[Finding]:
    out = []
    for name in [*after, *(n for n in before if n not in after)]:
        a, b = before.get(name), after.get(name)
        if a is not None and b is not None:
            rel = relative_change(a, b)
            if abs(rel) <= rtol:
                continue
            zh = f"评分 {name} 由 {fmt_number(a)} 变为 {fmt_number(b)}（{_pct(rel)}）"
            en = f"Score {name} changed from {fmt_number(a)} to {fmt_number(b)} ({_pct(rel)})"
        elif b is not None:
            rel, zh, en = None, f"新增评分 {name} = {fmt_number(b)}", f"New score {name} = {fmt_number(b)}"
        else:
            rel, zh, en = None, f"评分 {name} 不再给出", f"Score {name} no longer given"
        out.append(Finding(
            f"evaluation.score.{name}", "score_change", zh, en,
            (Evidence(name, b, rtol, a, "diagnosis", year),), 0,
            {"score": name, "previous": a, "current": b,
             "relative_change": None if rel is None or math.isinf(rel) else rel},
        ))  # fmt: skip
    return out


def compare_diagnoses(previous: Mapping[str, Any], current: Mapping[str, Any], *, rtol: float = 0.05) -> list[Finding]:
    r"""What changed from one diagnosis to the next (评估): findings that appeared or disappeared, numbers that moved.

    Findings are matched by ``id``. A finding present in both is reported when one of its
    evidence values (matched by ``metric``) moved by more than ``rtol`` relatively; a score
    (``scores``, nested dicts flattened to ``a.b``) likewise, or when it appears or goes:

    .. math::

        \left|\frac{b - a}{a}\right| > \mathrm{rtol}

    Parameters
    ----------
    previous, current : dict
        Diagnosis documents (``Diagnosis.to_dict()``): ``region_id``, ``year``, ``findings``
        (each with a stable ``id``, ``kind``, ``text_zh``, ``text_en``, ``evidence``) and ``scores``.
    rtol : float, default 0.05
        Relative change below which a number counts as unchanged.

    Returns
    -------
    list of Finding
        Kinds ``appeared``, ``disappeared``, ``changed`` (an evidence value) and
        ``score_change``, in that order; evidence ``value`` is the current number and
        ``benchmark`` the previous one.

    Raises
    ------
    InvalidParameterError
        If a document has no ``findings`` list, or ``rtol`` is negative.

    Examples
    --------
    >>> before = {"year": 2022, "findings": [{"id": "gap.separator", "kind": "gap", "text_zh": "隔膜缺失",
    ...           "text_en": "separator missing"}], "scores": {"completeness": 0.80}}
    >>> after = {"year": 2023, "findings": [], "scores": {"completeness": 0.90}}
    >>> [f.text_en for f in compare_diagnoses(before, after)]
    ['Gap resolved: separator missing', 'Score completeness changed from 0.8 to 0.9 (+12.5%)']
    """
    check_scalar(rtol, "rtol", "compare_diagnoses", low=0)
    old, new = _document(previous, "previous"), _document(current, "current")
    out = [_appeared(fid, f) for fid, f in new.items() if fid not in old]
    out += [_disappeared(fid, f) for fid, f in old.items() if fid not in new]
    for fid, f in new.items():
        if fid in old:
            out += _evidence_changes(fid, old[fid], f, rtol)
    return out + _score_changes(_scores(previous), _scores(current), rtol, current.get("year"))


def kpi_changes(
    values: pd.DataFrame,
    definitions: Mapping[str, KpiDefinition],
    sources: Mapping[str, str],
    year: int,
    previous_year: int,
    *,
    rtol: float,
) -> list[Finding]:
    """One finding per KPI: ``improved``, ``worsened``, ``stable`` (within ``rtol``) or ``no_data``."""
    out = []
    for key, d in definitions.items():
        a = _number(values.at[previous_year, key]) if previous_year in values.index else None
        b = _number(values.at[year, key]) if year in values.index else None
        if a is None or b is None:
            kind, rel = "no_data", None
            zh = f"{d.name_zh}：{previous_year}年或{year}年无数据，无法比较"
            en = f"{d.name_en}: no data for {previous_year} or {year} to compare"
        else:
            rel = relative_change(a, b)
            better = (b > a) == d.higher_is_better
            kind = "stable" if abs(rel) <= rtol else ("improved" if better else "worsened")
            up_zh, up_en = ("增长", "up") if b >= a else ("下降", "down")
            if d.unit == "%":
                step_zh, step_en = f"{abs(b - a):.2f}个百分点", f"{abs(b - a):.2f} percentage points"
            else:
                step_zh = step_en = "∞" if math.isinf(rel) else f"{abs(rel) * 100:.1f}%"
            verdict = {"stable": ("基本持平", "about level"), "improved": ("改善", "improved"),
                       "worsened": ("恶化", "worsened")}[kind]  # fmt: skip
            zh = f"{d.name_zh}：{year}年为{quantity(b, d.unit, 'zh')}，比{previous_year}年{up_zh}{step_zh}（{verdict[0]}）"
            en = f"{d.name_en}: {quantity(b, d.unit, 'en')} in {year}, {up_en} {step_en} on {previous_year} ({verdict[1]})"
        out.append(Finding(
            f"change.{key}", kind, zh, en,
            (Evidence(key, b, rtol, a, sources.get(key, ""), year, d.unit),),
            1 if kind == "worsened" else 0,
            {"kpi": key, "previous_year": previous_year, "year": year, "previous": a, "current": b,
             "relative_change": None if rel is None or math.isinf(rel) else rel},
        ))  # fmt: skip
    return out
