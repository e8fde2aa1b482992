"""Chart data of a chain (JSON-serialisable): the chain map with node status, and the smile curve.

The report and the dashboard draw these; nothing here draws. The chain map places each node
in the column of its depth in the supply network (longest path from a node without
suppliers) so that flows run left to right, upstream to downstream.
"""

from __future__ import annotations

import graphlib
from typing import Any

import pandas as pd

from clusterbrain._json import plain
from clusterbrain.chain import STAGES, ChainTemplate

__all__ = ["STATUS_ORDER", "chain_graph_data", "smile_curve_data"]

STATUS_ORDER = ("strong", "present", "weak", "foreign_dependent", "missing")


def _depths(template: ChainTemplate) -> dict[str, int]:
    suppliers: dict[str, set[str]] = {n.id: set() for n in template.nodes}
    for edge in template.edges:
        suppliers[edge.customer].add(edge.supplier)
    depth: dict[str, int] = {}
    for node in graphlib.TopologicalSorter(suppliers).static_order():
        depth[node] = 1 + max((depth[s] for s in suppliers[node]), default=-1)
    return depth


def chain_graph_data(template: ChainTemplate, nodes: pd.DataFrame | None = None) -> dict[str, Any]:
    """Nodes (with position, stage, value added, barrier and, given an analysis, status) and edges.

    ``nodes`` is the per-node table of a chain analysis (``node_id``, ``status`` and any
    figures to carry, such as ``local_firms``); without it every status is ``None``.
    """
    depth = _depths(template)
    extra = nodes.set_index("node_id") if nodes is not None else pd.DataFrame()
    rows: dict[int, int] = {}
    out_nodes = []
    for node in template.nodes:
        column = depth[node.id]
        rows[column] = rows.get(column, 0) + 1
        record: dict[str, Any] = {
            "id": node.id,
            "name_zh": node.name_zh,
            "name_en": node.name_en,
            "stage": node.stage,
            "kind": node.kind,
            "value_added": node.value_added,
            "barrier": node.barrier,
            "x": column,
            "y": rows[column] - 1,
            "status": None,
        }
        if node.id in extra.index:
            record.update({str(k): plain(v) for k, v in extra.loc[node.id].items()})
        out_nodes.append(record)
    return {
        "chain_id": template.id,
        "name_zh": template.name_zh,
        "name_en": template.name_en,
        "columns": max(depth.values()) + 1,
        "rows": max(rows.values()),
        "nodes": out_nodes,
        "edges": [{"from": e.supplier, "to": e.customer} for e in template.edges],
    }


def smile_curve_data(template: ChainTemplate, nodes: pd.DataFrame | None = None) -> dict[str, Any]:
    """Value added along the chain by stage, and where the region's employment sits on it.

    Points are the nodes ordered by stage (upstream → downstream), then by depth; with an
    analysis table (``node_id``, ``local_employment``) each point carries the region's
    employment, and ``region_mean_value_added`` is the employment-weighted mean value added.
    """
    depth = _depths(template)
    ordered = sorted(template.nodes, key=lambda n: (STAGES.index(n.stage), depth[n.id]))
    employment = (
        nodes.set_index("node_id")["local_employment"].to_dict()
        if nodes is not None and "local_employment" in nodes
        else {}
    )
    points = [
        {
            "position": i,
            "node_id": n.id,
            "name_zh": n.name_zh,
            "name_en": n.name_en,
            "stage": n.stage,
            "value_added": n.value_added,
            "local_employment": plain(employment.get(n.id, 0.0)),
        }
        for i, n in enumerate(ordered)
    ]
    stages = [
        {"stage": s, "mean_value_added": _mean([p["value_added"] for p in points if p["stage"] == s])} for s in STAGES
    ]
    total = sum(p["local_employment"] or 0.0 for p in points)
    weighted = sum((p["local_employment"] or 0.0) * p["value_added"] for p in points)
    return {
        "chain_id": template.id,
        "points": points,
        "stages": stages,
        "region_mean_value_added": weighted / total if total > 0 else None,
    }


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None
