"""The two built-in demo chains (lithium-ion battery, integrated circuits) and their planted gaps.

The chain-template module of the project is the long-term home of chain data; until it
exists the generator carries the small set of nodes and edges it needs here, and writes them
into the demo manifest so the data can be read without this module.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "CHAINS",
    "EDGES",
    "FOREIGN_DEPENDENT",
    "MISSING",
    "NODES",
    "SOLE_SOURCE",
    "ChainNode",
    "node_index",
]


@dataclass(frozen=True)
class ChainNode:
    """One node (segment, 环节) of a demo chain with the parameters of its synthetic firms.

    ``divisions`` are GB/T 4754-2017 division codes with the probability that a firm of the
    node is classified there. ``w_focus``, ``w_other`` and ``w_foreign`` are relative numbers
    of firms in the focus province, in other provinces and abroad. ``scale`` is the Lomax
    scale of employees (mean employees is about four times ``scale``); ``productivity`` is
    revenue per employee in 万元; ``rd``, ``energy`` (tce per 万元 revenue) and ``land``
    (亩 per employee) are node means; ``growth`` is the annual log growth of revenue.
    """

    node_id: str
    chain_id: str
    name_zh: str
    name_en: str
    stage: str
    kind: str
    divisions: tuple[tuple[str, float], ...]
    word: str
    scope: str
    w_focus: float
    w_other: float
    w_foreign: float
    scale: float
    productivity: float
    rd: float
    energy: float
    land: float
    growth: float


LI, IC = "li_ion_battery", "integrated_circuit"

CHAINS: dict[str, tuple[str, str]] = {
    LI: ("锂离子电池", "Lithium-ion battery"),
    IC: ("集成电路与电子信息", "Integrated circuits and electronics"),
}
"""chain_id -> (name_zh, name_en)."""

# fmt: off
NODES: tuple[ChainNode, ...] = (
    ChainNode(
        "lithium_resources", LI, "锂矿", "Lithium ore and salts", "upstream", "material",
        (("09", 0.6), ("26", 0.4)), "锂业",
        "锂矿采选、碳酸锂及氢氧化锂的生产和销售",
        0.0, 4.0, 1.5, 40.0, 300.0, 0.01, 0.08, 0.4, 0.1,
    ),
    ChainNode(
        "cathode", LI, "正极材料", "Cathode materials", "upstream", "material",
        (("26", 0.7), ("39", 0.3)), "锂电材料",
        "锂离子电池正极材料(磷酸铁锂、三元材料)的研发、生产和销售",
        4.0, 3.0, 0.8, 25.0, 250.0, 0.035, 0.05, 0.3, 0.15,
    ),
    ChainNode(
        "anode", LI, "负极材料", "Anode materials", "upstream", "material",
        (("30", 0.8), ("39", 0.2)), "碳素新材料",
        "锂离子电池负极材料、人造石墨及石墨化加工的研发、生产和销售",
        3.0, 3.0, 0.3, 20.0, 150.0, 0.03, 0.12, 0.35, 0.14,
    ),
    ChainNode(
        "electrolyte", LI, "电解液", "Electrolyte", "upstream", "material",
        (("26", 1.0),), "新能源化学",
        "锂电池电解液、六氟磷酸锂及添加剂的研发、生产和销售",
        2.0, 2.0, 0.5, 15.0, 220.0, 0.035, 0.03, 0.25, 0.12,
    ),
    ChainNode(
        "separator", LI, "隔膜", "Separator", "upstream", "material",
        (("29", 1.0),), "膜材料",
        "锂电池隔膜、功能性薄膜的研发、生产和销售",
        0.0, 2.0, 1.0, 25.0, 120.0, 0.045, 0.04, 0.3, 0.12,
    ),
    ChainNode(
        "battery_equipment", LI, "电池设备", "Battery manufacturing equipment", "upstream", "equipment",
        (("35", 1.0),), "智能装备",
        "锂电池生产设备、涂布机、卷绕机及自动化产线的研发、制造和销售",
        6.0, 2.0, 0.6, 12.0, 100.0, 0.06, 0.01, 0.2, 0.1,
    ),
    ChainNode(
        "cell", LI, "电芯", "Battery cells", "midstream", "component",
        (("38", 1.0),), "电池",
        "锂离子电池电芯的研发、生产和销售",
        4.0, 2.0, 0.6, 60.0, 200.0, 0.04, 0.02, 0.25, 0.18,
    ),
    ChainNode(
        "pack", LI, "模组/PACK", "Modules and packs", "midstream", "system",
        (("38", 1.0),), "动力能源",
        "电池模组、电池包(PACK)及电池管理系统的研发、生产和销售",
        8.0, 2.0, 0.2, 15.0, 150.0, 0.035, 0.01, 0.15, 0.16,
    ),
    ChainNode(
        "energy_storage", LI, "储能系统", "Energy storage systems", "downstream", "system",
        (("38", 1.0),), "储能",
        "储能系统集成、储能电站设备的研发、生产、销售及运维服务",
        5.0, 2.0, 0.3, 12.0, 180.0, 0.04, 0.01, 0.15, 0.25,
    ),
    ChainNode(
        "nev", LI, "新能源汽车", "New-energy vehicles", "downstream", "application",
        (("36", 1.0),), "汽车",
        "新能源汽车整车及关键零部件的研发、制造和销售",
        2.0, 2.0, 0.6, 150.0, 300.0, 0.035, 0.015, 0.25, 0.2,
    ),
    ChainNode(
        "recycling", LI, "回收", "Battery recycling", "downstream", "recycling",
        (("42", 1.0),), "资源再生",
        "废旧动力电池回收、梯次利用及有价金属再生利用",
        3.0, 2.0, 0.1, 10.0, 180.0, 0.02, 0.04, 0.3, 0.15,
    ),
    ChainNode(
        "eda_ip", IC, "EDA/IP", "EDA tools and IP cores", "upstream", "service",
        (("65", 1.0),), "芯软",
        "集成电路设计软件(EDA)开发、半导体IP授权及技术服务",
        1.5, 1.0, 3.0, 6.0, 100.0, 0.2, 0.002, 0.01, 0.12,
    ),
    ChainNode(
        "semi_materials", IC, "半导体材料", "Semiconductor materials", "upstream", "material",
        (("39", 0.7), ("26", 0.3)), "电子材料",
        "硅片、光刻胶、电子特种气体、湿电子化学品等半导体材料的研发和生产",
        3.0, 2.0, 2.0, 15.0, 150.0, 0.06, 0.03, 0.25, 0.1,
    ),
    ChainNode(
        "semi_equipment", IC, "半导体设备", "Semiconductor equipment", "upstream", "equipment",
        (("35", 1.0),), "半导体装备",
        "半导体专用设备、刻蚀及薄膜沉积设备的研发、制造和销售",
        3.0, 2.0, 2.5, 15.0, 130.0, 0.12, 0.01, 0.2, 0.1,
    ),
    ChainNode(
        "ic_design", IC, "芯片设计", "IC design", "midstream", "component",
        (("65", 1.0),), "微电子",
        "集成电路芯片设计、软件开发及技术服务",
        8.0, 3.0, 0.8, 8.0, 120.0, 0.18, 0.002, 0.01, 0.12,
    ),
    ChainNode(
        "wafer_fab", IC, "晶圆制造", "Wafer fabrication", "midstream", "component",
        (("39", 1.0),), "集成电路",
        "集成电路晶圆制造及代工服务",
        0.0, 2.0, 0.8, 200.0, 150.0, 0.08, 0.06, 0.2, 0.08,
    ),
    ChainNode(
        "packaging_testing", IC, "封装测试", "Packaging and testing", "midstream", "component",
        (("39", 1.0),), "封测",
        "集成电路封装、测试服务及先进封装技术开发",
        0.0, 2.0, 0.5, 50.0, 70.0, 0.04, 0.02, 0.15, 0.08,
    ),
    ChainNode(
        "components", IC, "电子元器件", "Electronic components", "midstream", "component",
        (("39", 1.0),), "电子",
        "电阻、电容、电感、连接器等电子元器件的研发、生产和销售",
        12.0, 4.0, 1.0, 12.0, 80.0, 0.04, 0.015, 0.15, 0.06,
    ),
    ChainNode(
        "pcb", IC, "印制电路板", "Printed circuit boards", "midstream", "component",
        (("39", 1.0),), "电路",
        "印制电路板(PCB)及柔性电路板的研发、生产和销售",
        5.0, 3.0, 0.5, 25.0, 90.0, 0.035, 0.02, 0.2, 0.05,
    ),
    ChainNode(
        "display", IC, "显示面板", "Display panels", "midstream", "component",
        (("39", 1.0),), "光电显示",
        "液晶及OLED显示面板、显示模组的研发、生产和销售",
        2.0, 2.0, 0.6, 120.0, 160.0, 0.05, 0.03, 0.25, 0.02,
    ),
    ChainNode(
        "devices", IC, "智能终端", "Smart devices", "downstream", "application",
        (("39", 1.0),), "智联",
        "智能终端、通信设备及消费电子产品的研发、生产和销售",
        10.0, 3.0, 0.6, 25.0, 150.0, 0.05, 0.01, 0.15, 0.04,
    ),
)
# fmt: on

_INDEX = {n.node_id: i for i, n in enumerate(NODES)}


def node_index(node_id: str) -> int:
    """Return the position of ``node_id`` in :data:`NODES`."""
    return _INDEX[node_id]


EDGES: tuple[tuple[str, str, float], ...] = (
    ("lithium_resources", "cathode", 0.45),
    ("recycling", "cathode", 0.15),
    ("lithium_resources", "electrolyte", 0.40),
    ("cathode", "cell", 0.40),
    ("anode", "cell", 0.15),
    ("electrolyte", "cell", 0.10),
    ("separator", "cell", 0.10),
    ("battery_equipment", "cell", 0.10),
    ("cell", "pack", 0.70),
    ("battery_equipment", "pack", 0.05),
    ("ic_design", "pack", 0.10),
    ("pack", "energy_storage", 0.60),
    ("cell", "energy_storage", 0.15),
    ("pack", "nev", 0.35),
    ("ic_design", "nev", 0.08),
    ("components", "nev", 0.07),
    ("eda_ip", "ic_design", 0.10),
    ("wafer_fab", "ic_design", 0.45),
    ("packaging_testing", "ic_design", 0.15),
    ("semi_materials", "wafer_fab", 0.20),
    ("semi_equipment", "wafer_fab", 0.35),
    ("semi_materials", "packaging_testing", 0.15),
    ("semi_equipment", "packaging_testing", 0.25),
    ("semi_materials", "components", 0.20),
    ("components", "pcb", 0.25),
    ("ic_design", "devices", 0.30),
    ("components", "devices", 0.15),
    ("pcb", "devices", 0.10),
    ("display", "devices", 0.15),
)
"""Supplier node -> customer node, with the share of the customer's purchases on that edge."""

MISSING: tuple[str, ...] = ("lithium_resources", "wafer_fab")
"""Nodes with no firm in the focus province (demand met from other provinces and abroad)."""

SOLE_SOURCE: tuple[str, ...] = ("separator", "packaging_testing")
"""Nodes with exactly one firm in the focus province, the only supplier of local customers."""

FOREIGN_DEPENDENT: tuple[str, ...] = ("eda_ip",)
"""Nodes whose purchases by focus-province customers come mostly (> 80 % of value) from abroad."""

FOREIGN_COUNTRIES: tuple[str, ...] = ("JP", "KR", "DE", "US")

# Country mix of foreign firms per node (JP, KR, DE, US); nodes not listed use _DEFAULT_MIX.
_DEFAULT_MIX = (0.35, 0.25, 0.20, 0.20)
_COUNTRY_MIX = {
    "eda_ip": (0.05, 0.0, 0.05, 0.90),
    "semi_equipment": (0.40, 0.05, 0.15, 0.40),
    "semi_materials": (0.55, 0.15, 0.15, 0.15),
    "separator": (0.70, 0.30, 0.0, 0.0),
    "battery_equipment": (0.40, 0.20, 0.40, 0.0),
    "display": (0.30, 0.70, 0.0, 0.0),
}


def country_mix() -> np.ndarray:
    """Return the probabilities of each foreign country per node, shape (n_nodes, 4)."""
    return np.array([_COUNTRY_MIX.get(n.node_id, _DEFAULT_MIX) for n in NODES], dtype=np.float64)


def node_params(name: str) -> np.ndarray:
    """Return the numeric attribute ``name`` of every node as a float64 array."""
    return np.array([getattr(n, name) for n in NODES], dtype=np.float64)


def edge_arrays() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return supplier node index, customer node index and weight of every edge."""
    sup = np.array([node_index(s) for s, _, _ in EDGES], dtype=np.int64)
    cus = np.array([node_index(c) for _, c, _ in EDGES], dtype=np.int64)
    w = np.array([w for _, _, w in EDGES], dtype=np.float64)
    return sup, cus, w


def chains_document() -> list[dict[str, object]]:
    """Return the demo chains as plain data (for the manifest): nodes and edges per chain."""
    out: list[dict[str, object]] = []
    for chain_id, (name_zh, name_en) in CHAINS.items():
        nodes = [
            {
                "node_id": n.node_id,
                "name_zh": n.name_zh,
                "name_en": n.name_en,
                "stage": n.stage,
                "kind": n.kind,
                "industry_codes": [c for c, _ in n.divisions],
                "keywords_zh": [n.name_zh, n.word],
            }
            for n in NODES
            if n.chain_id == chain_id
        ]
        ids = {n["node_id"] for n in nodes}
        edges = [{"supplier": s, "customer": c, "weight": w} for s, c, w in EDGES if c in ids or s in ids]
        out.append({"chain_id": chain_id, "name_zh": name_zh, "name_en": name_en, "nodes": nodes, "edges": edges})
    return out
