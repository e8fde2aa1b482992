"""The whole planning loop for one region: diagnose → position → design → monitor, and its top findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from clusterbrain.workflow.design import ProjectPlan, design
from clusterbrain.workflow.diagnose import Diagnosis, diagnose
from clusterbrain.workflow.evidence import Finding
from clusterbrain.workflow.monitor import Monitoring, compare_diagnoses, monitor
from clusterbrain.workflow.network_risks import network_risks, risk_findings
from clusterbrain.workflow.planning_context import PlanningContext, for_year, load_context, previous_year
from clusterbrain.workflow.position import Positioning, position

__all__ = ["PLAN_FILES", "Plan", "run_plan"]

PLAN_FILES = {
    "diagnosis": "diagnosis.json",
    "positioning": "positioning.json",
    "design": "design.json",
    "monitoring": "monitoring.json",
}
"""Step -> file name written by ``clusterbrain plan REGION -o DIR`` (a contract, DESIGN.md)."""


@dataclass(frozen=True, eq=False)
class Plan:
    """The four step results of one region."""

    context: PlanningContext
    diagnosis: Diagnosis
    positioning: Positioning
    design: ProjectPlan
    monitoring: Monitoring
    evaluation: tuple[Finding, ...] = ()
    previous_year: int | None = None

    def documents(self) -> dict[str, dict[str, Any]]:
        """Step name -> its JSON document (the monitoring one with the evaluation against last year)."""
        monitoring = self.monitoring.to_dict()
        monitoring["evaluation"] = {
            "previous_year": self.previous_year,
            "year": self.diagnosis.year,
            "findings": [f.to_dict() for f in self.evaluation],
        }
        return {
            "diagnosis": self.diagnosis.to_dict(),
            "positioning": self.positioning.to_dict(),
            "design": self.design.to_dict(),
            "monitoring": monitoring,
        }

    def top_findings(self, n: int = 10) -> list[Finding]:
        """The most severe findings of every step, positioning choices first."""
        choices = list(self.positioning.findings)
        rest = sorted(
            [*self.diagnosis.findings, *self.design.findings, *self.monitoring.findings],
            key=lambda f: -f.severity,
        )
        return (choices + rest)[:n]


def run_plan(
    con: duckdb.DuckDBPyConnection,
    region_id: str,
    *,
    chains: Sequence[str] | None = None,
    year: int | None = None,
    params: dict[str, Any] | None = None,
    pestel: pd.DataFrame | None = None,
    risks: Sequence[Finding] | None = None,
    evaluate: bool = True,
) -> Plan:
    """Run the four steps for ``region_id`` on the workspace behind ``con``.

    Without ``risks``, the supply-network risk warnings of the region are computed (when the
    workspace has supply links) and included in the diagnosis. With ``evaluate`` the region
    is also diagnosed on the previous statistics year and the two diagnoses compared (what
    changed, in the monitoring document).
    """
    ctx = load_context(con, region_id, chains=chains, year=year, params=params)
    if risks is None and not ctx.links.empty and not ctx.local_firms.empty:
        risks = risk_findings(network_risks(con, region_id))
    d = diagnose(ctx, pestel=pestel, risks=list(risks or []))
    p = position(ctx, d)
    g = design(ctx, d, p)
    m = monitor(con, region_id)
    before = previous_year(con, ctx) if evaluate else None
    evaluation: list[Finding] = []
    if before is not None:
        earlier = diagnose(for_year(con, ctx, before), pestel=pestel, risks=list(risks or []))
        evaluation = compare_diagnoses(earlier.to_dict(), d.to_dict())
    return Plan(ctx, d, p, g, m, tuple(evaluation), before)
