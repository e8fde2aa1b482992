"""Monitor (实施与迭代): the KPI scorecard of a region, progress against targets, projections and alerts.

:func:`monitor` computes the KPI set per year (:data:`KPIS`: industry scale, firms, R&D,
patents, employment, 本地配套率, 亩均税收, exports …), reads the targets of ``kpi_targets``,
projects every KPI to each target year on its own trend and gives it a status
(``on_track`` / ``at_risk`` / ``off_track``; ``no_target`` or ``no_data`` when it cannot),
with a finding and its evidence per KPI and the year-over-year changes. The evaluation of
one diagnosis against the last is :func:`compare_diagnoses`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from clusterbrain._validation import check_scalar
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.store.frames import kpi_targets_frame
from clusterbrain.workflow._kpis import KPIS, KpiDefinition, KpiTable, compute_kpis, resolve_kpi
from clusterbrain.workflow._monitor_evaluation import compare_diagnoses, kpi_changes
from clusterbrain.workflow._monitor_text import status_finding
from clusterbrain.workflow._monitor_trend import STATUSES, Trend, attainment, fit_trend, progress, status_of
from clusterbrain.workflow.evidence import Finding, plain

__all__ = ["KPIS", "KpiStatus", "KpiTarget", "Monitoring", "compare_diagnoses", "evaluate_years", "monitor"]


@dataclass(frozen=True)
class KpiTarget:
    """One target of a KPI and where the KPI stands against it.

    ``progress`` is :math:`(y - y_0)/(y^* - y_0)` with the latest value :math:`y`;
    ``projected`` the value expected in ``year`` (observed when ``basis == "actual"``);
    ``attainment`` the projected share of the target (inverted when lower is better).
    """

    year: int
    target: float
    baseline: float | None
    unit: str | None
    progress: float | None
    projected: float | None
    basis: str
    attainment: float | None
    status: str

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        return plain(dict(self.__dict__))


@dataclass(frozen=True)
class KpiStatus:
    """A KPI of the scorecard: its yearly series, trend, targets, and status against the headline target."""

    kpi: str
    name_zh: str
    name_en: str
    unit: str
    higher_is_better: bool
    source: str
    series: tuple[tuple[int, float], ...]
    trend: Trend | None
    targets: tuple[KpiTarget, ...]
    target_year: int | None
    status: str

    @property
    def latest(self) -> tuple[int, float] | None:
        """(year, value) of the latest observation, or None."""
        return self.series[-1] if self.series else None

    @property
    def headline(self) -> KpiTarget | None:
        """The target the status refers to (the one of ``target_year``)."""
        return next((t for t in self.targets if t.year == self.target_year), None)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        latest = self.latest
        return {
            "kpi": self.kpi,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "unit": self.unit,
            "higher_is_better": self.higher_is_better,
            "source": self.source,
            "series": [{"year": y, "value": plain(v)} for y, v in self.series],
            "latest_year": None if latest is None else latest[0],
            "latest": None if latest is None else plain(latest[1]),
            "trend": None if self.trend is None else plain(self.trend.to_dict()),
            "targets": [t.to_dict() for t in self.targets],
            "target_year": self.target_year,
            "status": self.status,
        }


@dataclass(frozen=True)
class Monitoring:
    """The monitoring scorecard of a region (``monitoring.json``).

    ``findings`` hold one statement per KPI (``kpi_status``, severity 2 when off track, 1
    when at risk or without data); ``alerts`` are those off track or at risk; ``changes``
    compare ``year`` with ``previous_year`` KPI by KPI.
    """

    region_id: str
    chain_id: str | None
    year: int | None
    previous_year: int | None
    basis: str
    thresholds: dict[str, float]
    kpis: tuple[KpiStatus, ...]
    findings: tuple[Finding, ...]
    changes: tuple[Finding, ...]
    notes: tuple[str, ...] = field(default=())

    def kpi(self, key: str) -> KpiStatus:
        """The scorecard row of one KPI."""
        for k in self.kpis:
            if k.kpi == key:
                return k
        raise InvalidParameterError(
            f"no KPI {key!r} in the scorecard; there are: {', '.join(k.kpi for k in self.kpis)}"
        )

    @property
    def alerts(self) -> tuple[Finding, ...]:
        """Findings of KPIs off track or at risk, worst first."""
        hits = [f for f in self.findings if f.data.get("status") in ("off_track", "at_risk")]
        return tuple(sorted(hits, key=lambda f: -f.severity))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        counts = {s: sum(k.status == s for k in self.kpis) for s in STATUSES}
        return {
            "region_id": self.region_id,
            "chain_id": self.chain_id,
            "year": self.year,
            "previous_year": self.previous_year,
            "basis": self.basis,
            "thresholds": dict(self.thresholds),
            "summary": counts,
            "kpis": [k.to_dict() for k in self.kpis],
            "findings": [f.to_dict() for f in self.findings],
            "alerts": [f.id for f in self.alerts],
            "changes": [f.to_dict() for f in self.changes],
            "notes": list(self.notes),
        }


def _targets_by_kpi(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    keys = frame["kpi"].map(lambda k: resolve_kpi(k) or str(k))
    return {str(k): g.sort_values("year") for k, g in frame.assign(key=keys).groupby("key", sort=False)}


def _score(
    d: KpiDefinition,
    series: pd.Series,
    targets: pd.DataFrame | None,
    target_year: int | None,
    on_track: float,
    at_risk: float,
) -> tuple[Trend | None, tuple[KpiTarget, ...], int | None, str]:
    """Trend, target rows, headline target year and status of one KPI."""
    observed = series.dropna()
    trend = fit_trend(observed.index.to_numpy(), observed.to_numpy(dtype=float), method=d.trend)
    rows: list[KpiTarget] = []
    latest = None if observed.empty else float(observed.iloc[-1])
    columns = [] if targets is None else [targets[c].tolist() for c in ("year", "target", "baseline", "unit")]
    for year_, target_, baseline_, unit_ in zip(*columns, strict=True):
        target, year = float(target_), int(year_)
        baseline = None if pd.isna(baseline_) else float(baseline_)
        if year in observed.index:
            projected, basis = float(observed.loc[year]), "actual"
        elif trend is not None:
            projected, basis = trend.at(year), trend.method
        else:
            projected, basis = None, "none"
        ratio = None if projected is None else attainment(projected, target, higher_is_better=d.higher_is_better)
        status = status_of(ratio, on_track=on_track, at_risk=at_risk)
        unit = None if pd.isna(unit_) else str(unit_)
        rows.append(KpiTarget(year, target, baseline, unit, progress(latest, baseline, target), projected, basis,
                              ratio, status))  # fmt: skip
    headline = target_year if target_year is not None else (rows[-1].year if rows else None)
    hit = next((r for r in rows if r.year == headline), None)
    if trend is None:
        status = "no_data"
    elif hit is None:
        status = "no_target"
    else:
        status = hit.status
    return trend, tuple(rows), headline, status


def monitor(
    con: duckdb.DuckDBPyConnection,
    region_id: str,
    *,
    year: int | None = None,
    chain_id: str | None = None,
    target_year: int | None = None,
    on_track: float = 1.0,
    at_risk: float = 0.9,
    rtol: float = 0.01,
) -> Monitoring:
    r"""The KPI scorecard of ``region_id`` (with every region below it) in ``year``.

    Every KPI of :data:`KPIS` is computed per year (see :func:`compute_kpis`). Against each
    target of ``kpi_targets`` (a KPI named by key, Chinese or English name) the KPI is
    projected to the target year on its trend, anchored at the latest value :math:`y_{t_0}`:

    .. math::

        \hat y_T = y_{t_0}(1 + r)^{T - t_0},\quad r = e^{b} - 1,\
        b = \arg\min \sum_t (\ln y_t - a - b t)^2

    for amounts, counts and intensities (the least-squares growth rate [1]_), and
    :math:`\hat y_T = y_{t_0} + b (T - t_0)` with the least-squares slope for percent shares;
    a target year already observed uses the observed value. The attainment
    :math:`\hat y_T / y^*` (:math:`y^* / \hat y_T` when lower is better) gives the status:
    ``on_track`` at or above ``on_track``, ``at_risk`` at or above ``at_risk``, else
    ``off_track`` — the anticipated-progress approach of SDG progress assessments [2]_.
    Progress since the baseline is :math:`(y - y_0)/(y^* - y_0)`.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        An open workspace.
    region_id : str
        The region; its descendants are included.
    year : int, optional
        The evaluation year: data after it are ignored. Default: the latest year with data.
    chain_id : str, optional
        Count only the firms on this chain.
    target_year : int, optional
        The target year the status refers to; default each KPI's last target year.
    on_track, at_risk : float, default 1.0 and 0.9
        Attainment thresholds of the statuses (``at_risk <= on_track``).
    rtol : float, default 0.01
        Relative change below which a KPI counts as stable year over year.

    Returns
    -------
    Monitoring

    Raises
    ------
    InvalidParameterError
        For an unknown region or chain, or thresholds out of order.

    References
    ----------
    .. [1] World Bank, *World Development Indicators*, "Statistical methods: least-squares growth rate".
    .. [2] UN ESCAP, *Asia and the Pacific SDG Progress Report*, methodological note ("anticipated progress").
    """
    check_scalar(on_track, "on_track", "monitor", low=0, closed="neither")
    check_scalar(at_risk, "at_risk", "monitor", low=0, high=on_track)
    check_scalar(rtol, "rtol", "monitor", low=0)
    table = compute_kpis(con, region_id, chain_id=chain_id, year=year)
    values = table.values.dropna(how="all")
    year = year if year is not None else (int(values.index.max()) if not values.empty else None)
    earlier = [int(y) for y in values.index if year is not None and y < year]
    previous_year = max(earlier) if earlier else None
    targets = _targets_by_kpi(kpi_targets_frame(con, region_id))
    definitions = dict(KPIS)
    notes = []
    for key, rows in targets.items():
        if key not in definitions:
            unit = rows["unit"].dropna()
            definitions[key] = KpiDefinition(key, key, key, str(unit.iloc[0]) if len(unit) else "")
            notes.append(f"KPI {key!r} has targets but is not one the workspace data can measure")
    scored = []
    for key, d in definitions.items():
        series = values[key] if key in values else pd.Series(dtype=float)
        trend, target_rows, headline, status = _score(d, series, targets.get(key), target_year, on_track, at_risk)
        observed = series.dropna()
        scored.append(KpiStatus(
            key, d.name_zh, d.name_en, d.unit, d.higher_is_better,
            table.sources.get(key, "kpi_targets" if key not in KPIS else ""),
            tuple(zip(observed.index.astype(int).tolist(), observed.astype(float).tolist(), strict=True)), trend,
            target_rows, headline, status,
        ))  # fmt: skip
    thresholds = {"on_track": on_track, "at_risk": at_risk, "rtol": rtol}
    findings = tuple(status_finding(k, thresholds) for k in scored)
    changes = _changes(table, definitions, year, previous_year, rtol)
    if table.basis == "none":
        notes.append("the workspace has no firms or statistics for this region")
    return Monitoring(region_id, chain_id, year, previous_year, table.basis, thresholds, tuple(scored), findings,
                      tuple(changes), tuple(notes))  # fmt: skip


def _changes(
    table: KpiTable, definitions: dict[str, KpiDefinition], year: int | None, previous_year: int | None, rtol: float
) -> list[Finding]:
    if year is None or previous_year is None:
        return []
    measured = {k: d for k, d in definitions.items() if k in KPIS}
    return kpi_changes(table.values, measured, table.sources, year, previous_year, rtol=rtol)


def evaluate_years(
    con: duckdb.DuckDBPyConnection,
    region_id: str,
    year: int,
    previous_year: int,
    *,
    chain_id: str | None = None,
    rtol: float = 0.01,
) -> list[Finding]:
    """What changed in the KPIs of ``region_id`` from ``previous_year`` to ``year``.

    One finding per KPI of :data:`KPIS`: ``improved`` or ``worsened`` (by its direction)
    when the relative change :math:`(b - a)/|a|` exceeds ``rtol``, else ``stable``;
    ``no_data`` when either year is not measured. Percent KPIs state the change in points.

    Raises
    ------
    InvalidParameterError
        For an unknown region or chain, or ``previous_year >= year``.
    """
    check_scalar(rtol, "rtol", "evaluate_years", low=0)
    if not previous_year < year:
        raise InvalidParameterError(
            f"The 'previous_year' parameter of evaluate_years must be before year {year}. Got {previous_year!r} instead."
        )
    table = compute_kpis(con, region_id, chain_id=chain_id, year=year)
    return kpi_changes(table.values, KPIS, table.sources, year, previous_year, rtol=rtol)
