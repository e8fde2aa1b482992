"""The kinds of ``clusterbrain metrics``: each name and the function that builds its tables."""

from __future__ import annotations

from collections.abc import Callable

from clusterbrain.workflow.change_tables import dynamics_tables, opportunities_tables
from clusterbrain.workflow.metric_tables import Tables, complexity_tables, relatedness_tables, specialization_tables

__all__ = ["TABLE_KINDS"]

TABLE_KINDS: dict[str, Callable[..., Tables]] = {
    "specialization": specialization_tables,
    "complexity": complexity_tables,
    "relatedness": relatedness_tables,
    "opportunities": opportunities_tables,
    "dynamics": dynamics_tables,
}
"""``clusterbrain metrics KIND`` -> the function building its tables from a long table."""
