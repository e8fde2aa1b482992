"""Deterministic synthetic demo data: a fictional province with planted cluster findings.

:func:`generate` writes one Parquet file per workspace table kind plus ``manifest.json``
(:class:`DemoManifest`), whose ``planted`` section says what an analysis should find: chain
nodes missing from the focus province, sole-source and foreign-dependent nodes, and the
province's specialisations. Everything is invented and labelled ``(示例)``/``(synthetic)``.
The same generator, at up to tens of millions of rows, is the benchmark workload.
"""

from __future__ import annotations

from clusterbrain.demo.generate import FILES, Progress, generate
from clusterbrain.demo.manifest import (
    SYNTHETIC_NOTICE,
    DemoManifest,
    PlantedNode,
    PlantedSpecialisation,
    PlantedTruth,
    read_manifest,
)

__all__ = [
    "FILES",
    "SYNTHETIC_NOTICE",
    "DemoManifest",
    "PlantedNode",
    "PlantedSpecialisation",
    "PlantedTruth",
    "Progress",
    "generate",
    "read_manifest",
]
