"""Findings and their evidence: the shape every workflow result uses to back a statement with numbers.

A :class:`Finding` is one statement a planner reads (zh and en), with the :class:`Evidence`
behind it: the metric, its value, the threshold or benchmark it was held against, the data
source and the year. Every workflow step (diagnose, position, design, monitor, firm
services) returns findings in this shape, so reports and the dashboard can trace each number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from clusterbrain._json import plain, records

__all__ = ["Evidence", "Finding", "plain", "records"]


@dataclass(frozen=True)
class Evidence:
    """One number behind a finding.

    ``metric`` names the quantity (a metric key such as ``location_quotient``), ``value`` is
    what was measured, ``threshold`` the cut-off it was held against and ``benchmark`` the
    comparison value (national share, peer median, target); ``source`` names the data
    (workspace table or file) and ``year`` its year.
    """

    metric: str
    value: Any
    threshold: Any = None
    benchmark: Any = None
    source: str = ""
    year: int | None = None
    unit: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The evidence as plain JSON data."""
        return {
            "metric": self.metric,
            "value": plain(self.value),
            "threshold": plain(self.threshold),
            "benchmark": plain(self.benchmark),
            "source": self.source,
            "year": plain(self.year),
            "unit": self.unit,
        }


@dataclass(frozen=True)
class Finding:
    """One statement of a workflow result, in Chinese and English, with its evidence.

    ``kind`` groups findings (``strength``, ``shortcoming``, ``gap``, ``risk``, ``benchmark``,
    ``classification`` …); ``severity`` orders them (0 = informative … 3 = critical).
    ``data`` holds structured detail for reports and charts.
    """

    id: str
    kind: str
    text_zh: str
    text_en: str
    evidence: tuple[Evidence, ...] = ()
    severity: int = 0
    data: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        """The statement in ``lang`` ("zh" or "en")."""
        return self.text_zh if lang == "zh" else self.text_en

    def to_dict(self) -> dict[str, Any]:
        """The finding as plain JSON data."""
        return {
            "id": self.id,
            "kind": self.kind,
            "severity": self.severity,
            "text_zh": self.text_zh,
            "text_en": self.text_en,
            "evidence": [e.to_dict() for e in self.evidence],
            "data": plain(self.data),
        }
