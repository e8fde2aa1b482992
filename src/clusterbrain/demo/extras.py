"""Synthetic institutions, policies, KPI targets and projects of the demo province.

These small tables are hand-written templates placed on the synthetic geography; their names
carry ``(示例)``. KPI baselines are measured on the generated firms and links, so targets
start from the data.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from clusterbrain.demo._arrow import table_from_columns
from clusterbrain.demo.chains import layout
from clusterbrain.demo.geography import FOCUS_CITY_ID, FOCUS_ID, Geography

__all__ = ["KPI_GROWTH", "make_institutions", "make_kpi_targets", "make_policies", "make_projects"]

_PARK_HITECH, _PARK_ETDZ, _PARK_NEWENERGY = "990171", "990172", "990173"

# kind, name, fields (node ids), where: "park:<id>", "city" (a county of the focus city) or "province"
# fmt: off
_FOCUS_INSTITUTIONS = (
    ("university", "示范大学(示例)", ("cathode_materials", "anode_materials", "processor_design"), "city"),
    ("university", "示范理工大学(示例)", ("processor_design", "silicon_wafers", "power_semiconductors"), "city"),
    ("university", "示范职业技术学院(示例)", ("ev_application", "electrode_equipment"), "province"),
    ("research_institute", "示范省新能源材料研究院(示例)",
     ("cathode_materials", "anode_materials", "electrolyte", "separator"), "park:990173"),
    ("research_institute", "示范集成电路创新研究院(示例)", ("processor_design", "eda_tools", "packaging_testing"),
     "park:990171"),
    ("research_institute", "示范省储能技术研究院(示例)", ("energy_storage_systems", "battery_cells"), "city"),
    ("key_lab", "锂电池材料省重点实验室(示例)", ("cathode_materials", "anode_materials"), "city"),
    ("key_lab", "功率半导体器件重点实验室(示例)", ("power_semiconductors", "wafer_foundry"), "city"),
    ("key_lab", "智能传感与微系统重点实验室(示例)", ("sensors_mems", "consumer_electronics"), "province"),
    ("key_lab", "储能安全重点实验室(示例)", ("energy_storage_systems", "modules_packs"), "province"),
    ("pilot_base", "新能源材料中试基地(示例)", ("cathode_materials", "electrolyte", "separator"), "park:990173"),
    ("pilot_base", "先进封装中试线(示例)", ("packaging_testing", "advanced_packaging"), "park:990171"),
    ("test_center", "动力电池检验检测中心(示例)", ("battery_cells", "modules_packs", "rd_testing"), "park:990172"),
    ("test_center", "电子产品质量检验中心(示例)", ("consumer_electronics", "communication_equipment"), "city"),
    ("incubator", "示范高新区科技企业孵化器(示例)", ("processor_design", "consumer_electronics"), "park:990171"),
    ("incubator", "新能源众创空间(示例)", ("energy_storage_systems", "material_recycling"), "province"),
    ("accelerator", "集成电路产业加速器(示例)", ("processor_design", "eda_tools"), "park:990171"),
    ("accelerator", "新能源汽车产业加速器(示例)", ("ev_application", "modules_packs"), "park:990172"),
    ("association", "示范省电池行业协会(示例)", ("battery_cells", "modules_packs", "cathode_materials"), "city"),
    ("association", "示范省半导体行业协会(示例)", ("processor_design", "packaging_testing", "component_distribution"),
     "city"),
    ("association", "示范市储能产业联盟(示例)", ("energy_storage_systems", "energy_storage_application"), "city"),
    ("fund", "示范省新能源产业投资基金(示例)", ("battery_cells", "energy_storage_systems", "ev_application"), "city"),
    ("fund", "示范市集成电路产业基金(示例)", ("processor_design", "packaging_testing"), "city"),
    ("fund", "示范天使投资引导基金(示例)", ("analog_rf_design", "consumer_electronics", "material_recycling"),
     "city"),
    ("platform", "示范工业互联网平台(示例)", ("consumer_electronics", "industrial_control", "modules_packs"),
     "city"),
    ("platform", "锂电产业链供需对接平台(示例)", ("cathode_materials", "battery_cells", "modules_packs"),
     "park:990173"),
    ("platform", "知识产权运营服务平台(示例)", ("semiconductor_ip", "cathode_materials"), "province"),
)
_OTHER_KINDS = (
    ("university", "大学", ("processor_design", "cathode_materials")),
    ("research_institute", "锂资源研究所", ("lithium_resources",)),
    ("key_lab", "晶圆工艺重点实验室", ("wafer_foundry", "silicon_wafers")),
    ("test_center", "半导体设备检测中心", ("etch_equipment", "metrology_inspection")),
    ("fund", "产业投资基金", ("wafer_foundry", "battery_cells")),
    ("university", "工业大学", ("deposition_equipment", "electrode_equipment")),
    ("research_institute", "电子信息研究院", ("eda_tools", "processor_design")),
    ("key_lab", "隔膜材料重点实验室", ("separator",)),
    ("platform", "技术转移中心", ("sensors_mems", "ic_substrates")),
    ("university", "科技大学", ("photoresist", "consumer_electronics")),
    ("research_institute", "新能源汽车研究院", ("ev_application",)),
    ("association", "电子行业协会", ("ic_substrates", "component_distribution")),
    ("incubator", "创业孵化基地", ("analog_rf_design",)),
)
# fmt: on


def _coords(geo: Geography) -> dict[str, tuple[float, float]]:
    t = geo.regions.select(["region_id", "lat", "lon"]).to_pydict()
    return {r: (a, b) for r, a, b in zip(t["region_id"], t["lat"], t["lon"], strict=True)}


def _fields(nodes: tuple[str, ...]) -> str:
    """The nodes' Chinese names without their parenthesised detail: 正极材料（磷酸铁锂、三元…） -> 正极材料."""
    chains = layout()
    return ";".join(re.split(r"[（(]", chains.nodes[chains.index(n)].name_zh)[0] for n in nodes)


def make_institutions(geo: Geography, rng: np.random.Generator) -> pa.Table:
    """Return about 40 knowledge institutions, intermediaries and funds (kinds from the schema)."""
    coords = _coords(geo)
    focus_counties = [c for c in geo.county_ids.tolist() if c.startswith("99")]
    city_counties = [c for c in focus_counties if c.startswith(FOCUS_CITY_ID[:4])]
    rows: list[tuple[str, str, str, str]] = []
    for kind, name, nodes, where in _FOCUS_INSTITUTIONS:
        if where.startswith("park:"):
            region = where[5:]
        elif where == "city":
            region = str(rng.choice(city_counties))
        else:
            region = str(rng.choice(focus_counties))
        rows.append((kind, name, _fields(nodes), region))
    names = dict(zip(*geo.regions.select(["region_id", "name"]).to_pydict().values(), strict=True))
    for k, (kind, word, nodes) in enumerate(_OTHER_KINDS):
        province = geo.province_ids[1 + k % (len(geo.province_ids) - 1)]
        counties = [c for c in geo.county_ids.tolist() if c[:2] == province[:2]]
        stem = names[province].removesuffix("(示例)").removesuffix("省")
        rows.append((kind, f"{stem}{word}(示例)", _fields(nodes), str(rng.choice(counties))))
    jitter = rng.normal(0.0, 0.02, (len(rows), 2))
    return table_from_columns(
        "institutions",
        {
            "inst_id": [f"DEMO-INST-{i + 1:03d}" for i in range(len(rows))],
            "name": [r[1] for r in rows],
            "kind": [r[0] for r in rows],
            "region_id": [r[3] for r in rows],
            "fields": [r[2] for r in rows],
            "lat": [round(coords[r[3]][0] + j[0], 5) for r, j in zip(rows, jitter, strict=True)],
            "lon": [round(coords[r[3]][1] + j[1], 5) for r, j in zip(rows, jitter, strict=True)],
        },
    )


def _rule(*conditions: dict[str, object], any_of: bool = False) -> dict[str, object]:
    return {"any" if any_of else "all": list(conditions)}


@dataclass(frozen=True)
class _Classes:
    """The GB/T 4754 classes of the demo's chain nodes within ``divisions`` (read when the policies are made)."""

    divisions: tuple[str, ...]

    def codes(self) -> list[str]:
        return sorted({n.industry_code for n in layout().nodes if n.division in self.divisions})


def _in_divisions(*divisions: str) -> dict[str, object]:
    """An ``industry_code in [...]`` condition over the classes firms of these divisions carry."""
    return _f("industry_code", "in", _Classes(divisions))


def _f(field: str, op: str, value: object) -> dict[str, object]:
    return {"field": field, "op": op, "value": value}


_ECON, _SCI, _FIN, _COM = (
    "示范省经济和信息化厅(示例)",
    "示范省科学技术厅(示例)",
    "示范省财政厅(示例)",
    "示范省商务厅(示例)",
)
_CITY, _PARK = "示范市人民政府(示例)", "示范高新区管委会(示例)"
# fmt: off
_POLICIES = (
    ("示范省专精特新中小企业培育办法(示例)", _ECON, FOCUS_ID, "2022-01-01", "2026-12-31", "认定后一次性奖励50万元",
     _rule(_f("employees", ">=", 10), _f("employees", "<=", 1000), _f("rd_expense", ">=", 100))),
    ("高新技术企业认定奖励(示例)", _SCI, FOCUS_ID, "2021-01-01", "2025-12-31", "首次认定奖励30万元",
     _rule({"tag": "高新技术企业"})),
    ("研发投入后补助(示例)", _FIN, FOCUS_ID, "2023-01-01", "2027-12-31", "按研发费用增量的10%补助,最高500万元",
     _rule(_f("rd_expense", ">=", 500), _in_divisions("38", "39", "65"))),
    ("亩均效益领跑者奖励(示例)", _ECON, FOCUS_ID, "2023-01-01", "2025-12-31", "用能、用地指标优先保障",
     _rule({"tag": "规上"}, _f("tax", ">=", 500), _f("land_mu", ">", 0))),
    ("专精特新小巨人配套奖励(示例)", _ECON, FOCUS_ID, "2022-06-01", "2027-12-31", "配套奖励100万元",
     _rule({"tag": "小巨人"})),
    ("新能源汽车产业链强链补链奖励(示例)", _ECON, FOCUS_ID, "2024-01-01", "2028-12-31", "按新增设备投资的8%补助",
     _rule(_in_divisions("36", "38"), _f("revenue", ">=", 10000))),
    ("集成电路设计企业流片补贴(示例)", _SCI, FOCUS_ID, "2023-01-01", "2027-12-31", "按流片费用的30%补贴,最高1000万元",
     _rule(_in_divisions("65"), _f("rd_expense", ">=", 200))),
    ("企业上市挂牌奖励(示例)", _FIN, FOCUS_ID, "2021-01-01", None, "分阶段奖励最高800万元",
     _rule({"tag": "listed"}, _f("revenue", ">=", 50000), any_of=True)),
    ("首台(套)装备保险补偿(示例)", _ECON, FOCUS_ID, "2022-01-01", "2026-12-31", "保费补贴80%",
     _rule(_in_divisions("34", "35"))),
    ("出口信用保险保费补贴(示例)", _COM, FOCUS_ID, "2023-01-01", "2025-12-31", "保费补贴50%",
     _rule(_f("exports", ">", 0))),
    ("绿色低碳技术改造补助(示例)", _ECON, FOCUS_ID, "2024-01-01", "2027-12-31", "按节能量每吨标准煤补助600元",
     _rule(_f("energy_tce", ">=", 1000))),
    ("高层次人才引进安家补贴(示例)", _CITY, FOCUS_CITY_ID, "2023-07-01", "2028-06-30", "每人最高安家补贴100万元",
     _rule(_f("employees", ">=", 50), {"tag": "高新技术企业"})),
    ("示范市新型储能示范项目补贴(示例)", _CITY, FOCUS_CITY_ID, "2024-01-01", "2026-12-31", "按放电量每千瓦时补贴0.2元",
     _rule(_in_divisions("38"), _f("revenue", ">=", 5000))),
    ("高新区初创企业房租减免(示例)", _PARK, _PARK_HITECH, "2024-01-01", "2026-12-31", "前三年房租全免",
     _rule(_f("founded", ">=", 2020), _f("employees", "<", 50))),
    ("工业企业技术改造补助(示例)", _ECON, FOCUS_ID, "2018-01-01", "2021-12-31", "按设备投资的10%补助(已到期)",
     _rule(_f("revenue", ">=", 2000))),
)
# fmt: on


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def make_policies() -> pa.Table:
    """Return 15 policies with machine-readable eligibility rules (JSON in ``rules``).

    A rule document is ``{"all": [...]}`` or ``{"any": [...]}`` over conditions
    ``{"field": F, "op": OP, "value": V}`` (``OP`` one of ``>=``, ``>``, ``<=``, ``<``,
    ``in``) and ``{"tag": T}``. Industry conditions list the GB/T 4754 classes the demo
    firms carry (those of the chain nodes in the divisions the policy targets).
    """
    return table_from_columns(
        "policies",
        {
            "policy_id": [f"DEMO-POL-{i + 1:02d}" for i in range(len(_POLICIES))],
            "name": [p[0] for p in _POLICIES],
            "issuer": [p[1] for p in _POLICIES],
            "region_id": [p[2] for p in _POLICIES],
            "valid_from": [_date(p[3]) for p in _POLICIES],
            "valid_to": [_date(p[4]) for p in _POLICIES],
            "benefit": [p[5] for p in _POLICIES],
            "rules": [json.dumps(p[6], ensure_ascii=False, default=lambda c: c.codes()) for p in _POLICIES],
        },
    )


KPI_GROWTH: dict[str, tuple[str, str, float, bool]] = {
    "cluster_revenue": ("集群营业收入", "万元", 0.10, False),
    "cluster_value_added": ("集群增加值", "万元", 0.09, False),
    "above_scale_firms": ("规上企业数", "家", 0.06, True),
    "high_tech_firms": ("高新技术企业数", "家", 0.08, True),
    "specialised_firms": ("专精特新企业数", "家", 0.10, True),
    "little_giant_firms": ("专精特新小巨人企业数", "家", 0.12, True),
    "listed_firms": ("上市企业数", "家", 0.08, True),
    "rd_intensity": ("研发投入强度", "%", 0.04, False),
    "invention_patents": ("有效发明专利数", "件", 0.12, True),
    "local_supply_rate": ("本地配套率", "%", 0.03, False),
    "tax_per_mu": ("亩均税收", "万元/亩", 0.06, False),
    "energy_per_value_added": ("单位增加值能耗", "吨标准煤/万元", -0.03, False),
}
"""KPI id -> (name_zh, unit, annual target growth, integer-valued)."""


def make_kpi_targets(baselines: dict[str, float], base_year: int, target_years: range) -> pa.Table:
    """Return targets of the focus province: baseline x (1 + growth) ** (year - base_year)."""
    rows: list[tuple[str, int, float, float, str]] = []
    for kpi, (_, unit, growth, integer) in KPI_GROWTH.items():
        base = baselines[kpi]
        for year in target_years:
            target = base * (1.0 + growth) ** (year - base_year)
            if kpi == "local_supply_rate":
                target = min(target, 85.0)
            rows.append((kpi, year, float(round(target)) if integer else round(target, 4), round(base, 4), unit))
    return table_from_columns(
        "kpi_targets",
        {
            "region_id": [FOCUS_ID] * len(rows),
            "kpi": [r[0] for r in rows],
            "year": [r[1] for r in rows],
            "target": [r[2] for r in rows],
            "baseline": [r[3] for r in rows],
            "unit": [r[4] for r in rows],
        },
    )


# name, type, chain node, region, owner, start, end, budget (万元), financing, milestones
# fmt: off
_PROJECTS = (
    ("12英寸特色工艺晶圆制造项目(示例)", "anchor", "wafer_foundry", _PARK_HITECH, _PARK, "2025-03-01", "2028-12-31",
     1_500_000, "省产业基金;银团贷款;企业自筹", "2025签约落地;2026主体厂房封顶;2027设备搬入;2028量产"),
    ("动力电池超级工厂(示例)", "anchor", "battery_cells", _PARK_ETDZ, "示范经济技术开发区管委会(示例)", "2024-06-01",
     "2027-06-30", 800_000, "企业自筹;政策性银行贷款", "2024开工;2025一期投产;2027全面达产"),
    ("锂资源保障合作项目(示例)", "magnet", "lithium_resources", FOCUS_ID, _COM, "2025-01-01", "2027-12-31",
     300_000, "国有资本;企业自筹", "2025签订长协;2026参股海外矿权;2027稳定供应"),
    ("第二家隔膜龙头企业引进(示例)", "magnet", "separator", _PARK_NEWENERGY, "示范市投资促进局(示例)",
     "2025-01-01", "2026-12-31", 250_000, "招商引资;产业基金跟投", "2025签约;2026投产"),
    ("国产EDA工具适配验证中心(示例)", "ecosystem", "eda_tools", _PARK_HITECH, _SCI, "2024-09-01", "2026-12-31",
     30_000, "财政资金;企业联合出资", "2025平台上线;2026服务企业100家"),
    ("先进封装测试产能扩建(示例)", "ecosystem", "packaging_testing", _PARK_HITECH, _PARK, "2025-04-01",
     "2027-03-31", 120_000, "企业自筹;产业基金", "2025开工;2026设备调试;2027投产"),
    ("新能源材料产业园标准厂房二期(示例)", "infrastructure", "cathode_materials", _PARK_NEWENERGY,
     "示范新能源材料产业园管委会(示例)", "2024-03-01", "2025-12-31", 60_000, "专项债;园区平台公司",
     "2024开工;2025竣工交付"),
    ("电网侧储能电站示范工程(示例)", "infrastructure", "energy_storage_application", FOCUS_CITY_ID, "示范省发展和改革委员会(示例)",
     "2024-05-01", "2025-12-31", 90_000, "国有资本;绿色债券", "2024并网一期;2025全容量并网"),
    ("示范国际电池产业大会(示例)", "brand_policy", "battery_cells", FOCUS_CITY_ID, _CITY, "2024-01-01", "2030-12-31",
     5_000, "财政资金;社会赞助", "每年举办一届;2026发布产业指数"),
    ("集成电路产业专项政策包(示例)", "brand_policy", "processor_design", FOCUS_ID, _ECON, "2024-01-01", "2027-12-31",
     200_000, "财政资金", "2024出台政策;2025首批兑现;2027评估修订"),
    ("动力电池回收利用体系建设(示例)", "ecosystem", "material_recycling", FOCUS_ID, _ECON, "2024-07-01", "2026-12-31",
     40_000, "企业自筹;绿色信贷", "2025建成回收网点200个;2026梯次利用示范"),
    ("产业大脑数据平台建设(示例)", "other", None, FOCUS_ID, "示范省大数据发展管理局(示例)", "2024-01-01",
     "2025-12-31", 8_000, "财政资金", "2024上线监测模块;2025全链条覆盖"),
)
# fmt: on


def make_projects() -> pa.Table:
    """Return 12 planned projects (types from the schema), several aimed at the planted gaps."""
    cols = ("name", "type", "chain_node", "region_id", "owner", "start", "end", "budget", "financing", "milestones")
    data: dict[str, list[object]] = {c: [p[i] for p in _PROJECTS] for i, c in enumerate(cols)}
    data["start"] = [_date(d) for d in data["start"]]  # type: ignore[arg-type]
    data["end"] = [_date(d) for d in data["end"]]  # type: ignore[arg-type]
    data["budget"] = [float(b) for b in data["budget"]]  # type: ignore[arg-type]
    return table_from_columns(
        "projects", {"project_id": [f"DEMO-PRJ-{i + 1:02d}" for i in range(len(_PROJECTS))], **data}
    )
