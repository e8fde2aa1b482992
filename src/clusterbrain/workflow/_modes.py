"""Rules on the diagnosis: agglomeration mode, Atlas strategic approach, city type and development path.

Every rule is a list of conditions ``(metric, value, operator, threshold)``; a rule fires
when all its conditions hold, and its strength is the mean margin by which they hold. The
result lists every rule with its conditions, so a reader sees why a mode was chosen.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from clusterbrain.workflow.evidence import Evidence

__all__ = ["Condition", "Rule", "atlas_approach", "evaluate_rules"]

_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq}


@dataclass(frozen=True)
class Condition:
    """``metric op threshold`` on a measured value (None: not measurable, the condition fails)."""

    metric: str
    value: Any
    op: str
    threshold: Any
    source: str = ""

    @property
    def holds(self) -> bool:
        """Whether the condition is met."""
        if self.value is None:
            return False
        return bool(_OPS[self.op](self.value, self.threshold))

    def evidence(self, year: int | None = None) -> Evidence:
        """The condition as evidence (threshold written with its operator)."""
        return Evidence(self.metric, self.value, threshold=f"{self.op} {self.threshold}", source=self.source, year=year)


@dataclass(frozen=True)
class Rule:
    """A named outcome (mode, approach or city type) and the conditions that make it fire."""

    outcome: str
    name_zh: str
    name_en: str
    conditions: tuple[Condition, ...]

    @property
    def fired(self) -> bool:
        """All conditions hold."""
        return all(c.holds for c in self.conditions)

    @property
    def support(self) -> float:
        """Share of the conditions that hold (1.0 when fired)."""
        return sum(c.holds for c in self.conditions) / len(self.conditions) if self.conditions else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data with each condition's value and result."""
        return {
            "outcome": self.outcome,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "fired": self.fired,
            "support": self.support,
            "conditions": [
                {
                    "metric": c.metric,
                    "value": c.value,
                    "op": c.op,
                    "threshold": c.threshold,
                    "holds": c.holds,
                    "source": c.source,
                }
                for c in self.conditions
            ],
        }


def evaluate_rules(rules: Sequence[Rule], *, fallback: str) -> tuple[str, list[Rule]]:
    """The outcome of the first fired rule in ``rules`` order, else the best-supported, else ``fallback``.

    Examples
    --------
    >>> r = [Rule("a", "甲", "A", (Condition("x", 1, ">=", 2),)), Rule("b", "乙", "B", (Condition("x", 1, ">=", 0),))]
    >>> evaluate_rules(r, fallback="z")[0]
    'b'
    """
    fired = [r for r in rules if r.fired]
    if fired:
        return fired[0].outcome, fired
    ranked = sorted(rules, key=lambda r: -r.support)
    if ranked and ranked[0].support > 0:
        return ranked[0].outcome, []
    return fallback, []


def atlas_approach(eci_percentile: float | None, coi_percentile: float | None, params: dict[str, float]) -> Rule | None:
    """The Atlas of Economic Complexity's strategic approach from ECI and COI percentiles among peers.

    Following the Growth Lab's country profiles (Hausmann et al., *The Atlas of Economic
    Complexity*, 2nd ed., 2014; atlas.cid.harvard.edu "strategic approach"): a region at the
    top of the complexity ranking is at the *technological frontier*; one with many
    nearby complex opportunities (high COI) can take a *light touch*; one with moderate
    complexity or some nearby opportunities needs *parsimonious industrial policy* to
    remove bottlenecks; one with neither needs coordinated *strategic bets*.
    """
    if eci_percentile is None or coi_percentile is None:
        return None
    src = "stats (employment), peers at the same level"
    candidates = (
        Rule(
            "technological_frontier",
            "技术前沿",
            "Technological frontier",
            (Condition("eci_percentile", eci_percentile, ">=", params["frontier_eci"], src),),
        ),
        Rule(
            "light_touch",
            "轻触式",
            "Light touch",
            (Condition("coi_percentile", coi_percentile, ">=", params["light_touch_coi"], src),),
        ),
        Rule(
            "parsimonious_industrial_policy",
            "精简产业政策",
            "Parsimonious industrial policy",
            (Condition("eci_percentile", eci_percentile, ">=", params["parsimonious_eci"], src),),
        ),
        Rule(
            "parsimonious_industrial_policy",
            "精简产业政策",
            "Parsimonious industrial policy",
            (Condition("coi_percentile", coi_percentile, ">=", params["parsimonious_coi"], src),),
        ),
    )
    for rule in candidates:
        if rule.fired:
            return rule
    return Rule(
        "strategic_bets",
        "战略押注",
        "Strategic bets",
        (
            Condition("eci_percentile", eci_percentile, "<", params["parsimonious_eci"], src),
            Condition("coi_percentile", coi_percentile, "<", params["parsimonious_coi"], src),
        ),
    )
