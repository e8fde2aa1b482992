"""The finding (zh and en, with evidence) that states where one KPI stands against its target."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clusterbrain.workflow._monitor_evaluation import fmt_number, quantity
from clusterbrain.workflow.evidence import Evidence, Finding

if TYPE_CHECKING:
    from clusterbrain.workflow.monitor import KpiStatus

__all__ = ["status_finding"]

_SEVERITY = {"on_track": 0, "no_target": 0, "at_risk": 1, "no_data": 1, "off_track": 2}
_VERDICT = {
    "on_track": ("进度正常", "on track"),
    "at_risk": ("存在滞后风险", "at risk"),
    "off_track": ("按现有趋势难以完成，需预警", "off track"),
}


def _trend_text(k: KpiStatus, basis: str, target_year: int) -> tuple[str, str]:
    t = k.trend
    if basis == "actual":
        return f"{target_year}年实际值", f"the value observed in {target_year}"
    if t is None or t.method == "flat":
        return "仅有一年数据，按持平外推", "with one year of data, assuming no change"
    if t.method == "compound" and t.rate is not None:
        return (f"按近{t.n_years}年复合增长率{t.rate * 100:.1f}%外推",
                f"extrapolating the {t.n_years}-year compound growth of {t.rate * 100:.1f}% a year")  # fmt: skip
    if k.unit == "%":
        step_zh, step_en = f"{fmt_number(t.slope)}个百分点", f"{fmt_number(t.slope)} percentage points"
    else:
        step_zh, step_en = quantity(t.slope, k.unit, "zh"), quantity(t.slope, k.unit, "en")
    return (f"按近{t.n_years}年线性趋势（每年{step_zh}）外推",
            f"extrapolating the {t.n_years}-year linear trend ({step_en} a year)")  # fmt: skip


def status_finding(k: KpiStatus, thresholds: dict[str, float]) -> Finding:
    """One ``kpi_status`` finding: the latest value, the projection, the target and the verdict."""

    def zh(v: float | None) -> str:
        return quantity(v, k.unit, "zh")

    def en(v: float | None) -> str:
        return quantity(v, k.unit, "en")

    data = {"kpi": k.kpi, "status": k.status, "target_year": k.target_year, **thresholds}
    latest = k.latest
    if latest is None:
        return Finding(
            f"monitor.{k.kpi}", "kpi_status", f"{k.name_zh}：工作区数据无法计算该指标（无数据）",
            f"{k.name_en}: the workspace has no data to measure it", (Evidence(k.kpi, None, source=k.source),),
            _SEVERITY["no_data"], data,
        )  # fmt: skip
    year, value = latest
    now = Evidence(k.kpi, value, source=k.source, year=year, unit=k.unit)
    head = k.headline
    if head is None:
        where = "" if k.target_year is None else f"{k.target_year}年"
        where_en = "" if k.target_year is None else f" for {k.target_year}"
        return Finding(
            f"monitor.{k.kpi}", "kpi_status", f"{k.name_zh}：{year}年为{zh(value)}，尚未设定{where}目标",
            f"{k.name_en}: {en(value)} in {year}; no target set{where_en}",
            (now,), _SEVERITY["no_target"], data,
        )  # fmt: skip
    how_zh, how_en = _trend_text(k, head.basis, head.year)
    verdict_zh, verdict_en = _VERDICT[head.status]
    share = "–" if head.attainment is None else f"{head.attainment * 100:.0f}%"
    done = None if head.progress is None else round(head.progress * 100)  # an int: no "-0"
    done_zh = "" if done is None else f"，基期以来完成目标进度{done}%"
    done_en = "" if done is None else f"; {done}% of the way from baseline to target"
    needed = thresholds["on_track"] * head.target if k.higher_is_better else head.target / thresholds["on_track"]
    evidence: tuple[Evidence, ...] = (
        Evidence(k.kpi, value, benchmark=head.target, source=k.source, year=year, unit=k.unit),
        Evidence(f"{k.kpi}_projected", head.projected, threshold=needed, benchmark=head.target,
                 source="kpi_targets", year=head.year, unit=k.unit),
        Evidence(f"{k.kpi}_attainment", head.attainment, threshold=thresholds["on_track"],
                 benchmark=thresholds["at_risk"], source="kpi_targets", year=head.year),
    )  # fmt: skip
    if k.trend is not None and k.trend.method in ("compound", "linear"):
        rate = k.trend.rate if k.trend.method == "compound" else k.trend.slope
        unit = "1/year" if k.trend.method == "compound" else f"{k.unit}/year"
        evidence += (Evidence(f"{k.kpi}_trend_{k.trend.method}", rate, source=k.source, year=year, unit=unit),)
    text_zh = (f"{k.name_zh}：{year}年为{zh(value)}；{how_zh}，{head.year}年预计{zh(head.projected)}，"
               f"目标{zh(head.target)}（预计完成{share}）{done_zh}，{verdict_zh}")  # fmt: skip
    text_en = (f"{k.name_en}: {en(value)} in {year}; {how_en}, it would be {en(head.projected)} in {head.year} "
               f"against a target of {en(head.target)} ({share} of target){done_en}: {verdict_en}")  # fmt: skip
    return Finding(f"monitor.{k.kpi}", "kpi_status", text_zh, text_en, evidence, _SEVERITY[head.status], data)
