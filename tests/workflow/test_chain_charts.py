"""Chart data of a chain: layered positions, status carried, smile-curve points and weighted position."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from clusterbrain.chain import parse_template
from clusterbrain.workflow.chain_charts import chain_graph_data, smile_curve_data

NODE = {"name_zh": "节点", "name_en": "Node", "kind": "material", "barrier": 2}
TEMPLATE = parse_template(
    {
        "id": "mini",
        "name_zh": "迷你链",
        "name_en": "Mini",
        "nodes": [
            {**NODE, "id": "ore", "stage": "upstream", "value_added": 2.0},
            {**NODE, "id": "tool", "stage": "upstream", "value_added": 3.0},
            {**NODE, "id": "cell", "stage": "midstream", "value_added": 1.0},
            {**NODE, "id": "car", "stage": "downstream", "value_added": 2.5},
        ],
        "edges": [{"from": "ore", "to": "cell"}, {"from": "tool", "to": "cell"}, {"from": "cell", "to": "car"}],
    }
)


def test_graph_places_nodes_by_supply_depth_and_carries_status() -> None:
    analysis = pd.DataFrame({"node_id": ["ore", "cell"], "status": ["missing", "strong"], "local_firms": [0, 4]})
    graph = chain_graph_data(TEMPLATE, analysis)
    where = {n["id"]: (n["x"], n["y"]) for n in graph["nodes"]}
    assert where == {"ore": (0, 0), "tool": (0, 1), "cell": (1, 0), "car": (2, 0)}
    status = {n["id"]: n["status"] for n in graph["nodes"]}
    assert status == {"ore": "missing", "tool": None, "cell": "strong", "car": None}
    assert (graph["columns"], graph["rows"]) == (3, 2)
    json.dumps(graph)


def test_smile_curve_orders_by_stage_and_weights_by_employment() -> None:
    analysis = pd.DataFrame({"node_id": ["ore", "tool", "cell", "car"], "local_employment": [0.0, 10.0, 30.0, 0.0]})
    smile = smile_curve_data(TEMPLATE, analysis)
    assert [p["node_id"] for p in smile["points"]] == ["ore", "tool", "cell", "car"]
    assert smile["stages"] == [
        {"stage": "upstream", "mean_value_added": 2.5},
        {"stage": "midstream", "mean_value_added": 1.0},
        {"stage": "downstream", "mean_value_added": 2.5},
    ]
    assert smile["region_mean_value_added"] == pytest.approx((10 * 3.0 + 30 * 1.0) / 40)
    assert smile_curve_data(TEMPLATE)["region_mean_value_added"] is None
