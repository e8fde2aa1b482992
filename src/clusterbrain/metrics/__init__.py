"""Metrics engine: specialization, concentration, economic complexity, relatedness, opportunities, dynamics.

Pure NumPy/SciPy kernels on matrices with regions as rows and industries as columns. They
take arrays, sparse arrays or labelled DataFrames (labels in, labels out) and never touch
files or the workspace.
"""

from __future__ import annotations

from clusterbrain.metrics.agglomeration import EllisonGlaeser, ellison_glaeser, ellison_glaeser_from_matrix
from clusterbrain.metrics.backtest import BacktestResult, backtest_opportunities
from clusterbrain.metrics.cluster_strength import ClusterStrength, aggregate_columns, cluster_strength
from clusterbrain.metrics.colocation import colocation_relatedness
from clusterbrain.metrics.complexity import (
    ComplexityResult,
    ReflectionsResult,
    economic_complexity,
    method_of_reflections,
)
from clusterbrain.metrics.concentration import (
    herfindahl_index,
    hoover_index,
    krugman_index,
    locational_gini,
    theil_entropy,
    theil_index,
)
from clusterbrain.metrics.dynamics import SpecializationChangesResult, specialization_changes
from clusterbrain.metrics.fitness import FitnessResult, fitness_complexity
from clusterbrain.metrics.opportunities import growth_opportunities
from clusterbrain.metrics.pipeline import PipelineResult, complexity_pipeline
from clusterbrain.metrics.relatedness import (
    complexity_outlook,
    complexity_outlook_gain,
    density,
    distance,
    proximity,
)
from clusterbrain.metrics.shift_share import ShiftShareResult, shift_share
from clusterbrain.metrics.spatial import (
    FirmHotspots,
    MoranResult,
    firm_hotspots,
    local_morans,
    morans_i,
    spatial_weights,
)
from clusterbrain.metrics.specialization import LQConfidence, location_quotient, lq_confidence, presence

__all__ = [
    "BacktestResult",
    "ClusterStrength",
    "ComplexityResult",
    "EllisonGlaeser",
    "FirmHotspots",
    "FitnessResult",
    "LQConfidence",
    "MoranResult",
    "PipelineResult",
    "ReflectionsResult",
    "ShiftShareResult",
    "SpecializationChangesResult",
    "aggregate_columns",
    "backtest_opportunities",
    "cluster_strength",
    "colocation_relatedness",
    "complexity_outlook",
    "complexity_pipeline",
    "complexity_outlook_gain",
    "density",
    "distance",
    "economic_complexity",
    "ellison_glaeser",
    "ellison_glaeser_from_matrix",
    "firm_hotspots",
    "fitness_complexity",
    "growth_opportunities",
    "herfindahl_index",
    "hoover_index",
    "krugman_index",
    "local_morans",
    "locational_gini",
    "location_quotient",
    "lq_confidence",
    "method_of_reflections",
    "morans_i",
    "presence",
    "proximity",
    "shift_share",
    "spatial_weights",
    "specialization_changes",
    "theil_entropy",
    "theil_index",
]
