"""The items of a risk warning: thresholds, severity levels, evidence, candidate firms, the warning itself."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from clusterbrain._json import plain
from clusterbrain.exceptions import InvalidParameterError

__all__ = ["SEVERITIES", "Candidate", "RiskEvidence", "RiskThresholds", "RiskWarning", "severity_of"]

SEVERITIES = ("low", "medium", "high", "critical")
"""Severity levels, least to most severe."""

Levels = tuple[float, float, float, float]


@dataclass(frozen=True)
class RiskThresholds:
    """Cut-offs of the risk rules; each ``Levels`` tuple gives the value at which a warning becomes low, medium, high, critical.

    A value below the first level raises no warning.

    Attributes
    ----------
    sole_source_customers : (3, 10, 30, 100)
        Local customer firms that buy an input node from its single supplier. Under 3 the
        single supplier is a firm's own choice rather than a weakness of the region's chain
        (most firms buy each input from one supplier). A sole supplier abroad raises the
        severity one level.
    foreign_share : (0.5, 0.65, 0.8, 0.95)
        Share of the region's purchases of an input node bought abroad (0.8 is the
        "foreign-dependent" line of the chain analysis).
    supplier_hhi : (0.4, 0.55, 0.7, 0.85)
        HHI of the suppliers' shares in the region's purchases of an input node with at
        least two suppliers. 0.4 is purchases as concentrated as if split over 2.5 equal
        suppliers; it is above the 0.25 "highly concentrated" line of the 2010 US Horizontal
        Merger Guidelines because a region's purchases from a handful of customers are
        concentrated by chance (each customer buys from one or two suppliers).
    min_customers : 3
        Local customers an input node needs before its foreign dependence is read as a
        property of the region (fewer: a firm's own sourcing).
    concentration_min_customers : 10
        The same for supplier concentration, which small samples inflate.
    bridge_share : (0.005, 0.01, 0.03, 0.1)
        Share of the region's connected supply network cut off (``separated`` / component size)
        when one local firm fails (an articulation point).
    bridge_min_separated : 20
        Fewest firms cut off for a bridge warning (small networks have many minor cut vertices).
    region_share : (0.2, 0.3, 0.45, 0.6)
        Share of the region's purchases bought from one other region or one foreign country.
    """

    sole_source_customers: Levels = (3, 10, 30, 100)
    foreign_share: Levels = (0.5, 0.65, 0.8, 0.95)
    supplier_hhi: Levels = (0.4, 0.55, 0.7, 0.85)
    min_customers: int = 3
    concentration_min_customers: int = 10
    bridge_share: Levels = (0.005, 0.01, 0.03, 0.1)
    bridge_min_separated: int = 20
    region_share: Levels = (0.2, 0.3, 0.45, 0.6)

    def __post_init__(self) -> None:
        """Check every levels tuple is four increasing non-negative numbers."""
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                ok = len(value) == 4 and all(
                    isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) and v >= 0
                    for v in value
                )
                if not ok or any(b < a for a, b in zip(value, value[1:], strict=False)):
                    raise InvalidParameterError(
                        f"The '{f.name}' parameter of RiskThresholds must be four non-decreasing numbers >= 0 "
                        f"(low, medium, high, critical). Got {value!r} instead."
                    )
            elif isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidParameterError(
                    f"The '{f.name}' parameter of RiskThresholds must be an int in [1, inf). Got {value!r} instead."
                )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data; levels as ``{"low": …, "medium": …, "high": …, "critical": …}``."""
        return {
            k: dict(zip(SEVERITIES, v, strict=True)) if isinstance(v, tuple) else v for k, v in asdict(self).items()
        }


def severity_of(value: float, levels: Levels) -> int:
    """Index into :data:`SEVERITIES` of the highest level ``value`` reaches (-1 below the first).

    >>> severity_of(0.8, (0.5, 0.65, 0.8, 0.95)), severity_of(0.49, (0.5, 0.65, 0.8, 0.95))
    (2, -1)
    """
    if value is None or not math.isfinite(value):
        return -1
    return sum(value >= level for level in levels) - 1


@dataclass(frozen=True)
class RiskEvidence:
    """One number behind a warning (the JSON shape of the workflow's ``Evidence``)."""

    metric: str
    value: Any
    threshold: Any = None
    benchmark: Any = None
    source: str = "links"
    year: int | None = None
    unit: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        return {k: plain(v) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class Candidate:
    """A firm that could become another source of the input at risk, with why it is proposed."""

    firm_id: str
    name: str | None
    region_id: str | None
    country: str | None
    score: float
    revenue: float | None
    customers_served: int
    distance_km: float | None
    reason_zh: str
    reason_en: str

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        return {k: plain(v) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class RiskWarning:
    """One risk warning (风险预警): what, where, how severe, the evidence, what to do and with whom.

    ``kind`` is ``sole_source``, ``foreign_dependence``, ``supplier_concentration``,
    ``bridge_firm`` or ``region_dependence``; ``severity`` one of :data:`SEVERITIES`, reached
    at the ``levels`` shown (the rule's thresholds); ``where`` holds ``region_id`` and, as they
    apply, ``node_id`` (the input node at risk), ``customer_node_id`` and ``firm_id``.
    """

    id: str
    kind: str
    severity: str
    what_zh: str
    what_en: str
    where: dict[str, Any]
    evidence: tuple[RiskEvidence, ...]
    levels: dict[str, float]
    action_zh: str
    action_en: str
    candidates: tuple[Candidate, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def rank(self) -> int:
        """Severity as 0 (low) … 3 (critical)."""
        return SEVERITIES.index(self.severity)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        return {
            "id": self.id,
            "kind": self.kind,
            "severity": self.severity,
            "what_zh": self.what_zh,
            "what_en": self.what_en,
            "where": {k: plain(v) for k, v in self.where.items()},
            "evidence": [e.to_dict() for e in self.evidence],
            "levels": {k: plain(v) for k, v in self.levels.items()},
            "action_zh": self.action_zh,
            "action_en": self.action_en,
            "candidates": [c.to_dict() for c in self.candidates],
            "data": {k: plain(v) for k, v in self.data.items()},
        }
