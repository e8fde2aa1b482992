"""The firm fields that indicators, rules and reports use: derived ratios, labels (zh, en) and units.

Money is in 万元 (10,000 CNY), land in 亩 (mu, 1/15 ha), energy in tonnes of standard coal
equivalent (tce), electricity in kWh, as in the workspace ``firms`` table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["DECLARED", "FIELDS", "NUMERIC_FIELDS", "TEXT_FIELDS", "UNITS_EN", "Field", "derive_fields", "ratio"]


@dataclass(frozen=True)
class Field:
    """One firm field: its key, labels and unit; ``higher_is_better`` orders peers (``None``: neutral)."""

    key: str
    name_zh: str
    name_en: str
    unit: str = ""
    numeric: bool = True
    higher_is_better: bool | None = True


_F = Field
DECLARED = (
    _F("main_business_share", "主营业务收入占营业收入比重", "main-business share of revenue", "比值"),
    _F("debt_ratio", "资产负债率", "debt-to-asset ratio", "比值", higher_is_better=False),
    _F("net_margin", "净利润率", "net profit margin", "比值"),
    _F("rd_staff_share", "研发人员占比", "R&D staff share", "比值"),
    _F("equity_financing_2y", "近2年新增股权融资总额", "new equity financing, last 2 years", "万元"),
    _F("niche_years", "从事特定细分市场年限", "years in the niche market", "年"),
    _F("product_field_level", "主导产品所属领域等级", "field of the main product (2 补短板/锻长板/填空白, 1 六基等)", "级"),
    _F("digital_level", "数字化水平等级", "digitalisation level", "级"),
    _F("quality_items", "质量管理水平项数", "quality-management items", "项"),
    _F("ip_class1", "Ⅰ类知识产权数", "class I intellectual property", "项"),
    _F("ip_class1_own", "自主研发Ⅰ类知识产权数", "self-developed class I IP", "项"),
    _F("ip_class1_high_value", "Ⅰ类高价值知识产权数", "high-value class I IP", "项"),
    _F("ip_class2", "Ⅱ类知识产权数", "class II intellectual property", "项"),
    _F("rd_institution_level", "研发机构级别", "R&D institution level (4 national … 1 below city)", "级"),
    _F("science_award", "省级科技奖前三或国家级前五", "provincial award top 3 or national top 5", "是=1"),
    _F("national_award_top3", "国家级科技奖励前三", "national science award, top 3", "是=1"),
    _F("maker_china_top500", "创客中国全国500强", "Maker China national top 500", "是=1"),
    _F("maker_china_top50", "创客中国全国50强", "Maker China national top 50", "是=1"),
    _F("management_certified", "管理体系认证或发达国家产品认证", "management-system or developed-market product certification", "是=1"),
    _F("information_system", "核心业务采用信息系统支撑", "core business supported by information systems", "是=1"),
    _F("national_market_share", "全国细分市场占有率", "national niche-market share", "比值"),
    _F("own_brand", "自主品牌", "own brand", "是=1"),
    _F("chain_key_node", "位于产业链关键环节并发挥补短板等作用", "key chain link (补短板/锻长板/填空白)", "是=1"),
    _F("key_field", "主导产品属于重点领域", "main product in a priority field", "是=1"),
    _F("srdi_points", "专精特新评价得分", "专精特新 points score", "分"),
    _F("innovative_sme", "已获科技和创新型中小企业称号", "holds the technology-and-innovation SME title", "是=1"),
    _F("ministerial_award_top3", "近3年省部级以上科技奖励排名前三", "ministerial-level science award, top 3, in 3 years", "是=1"),
    _F("market_leading", "主导产品细分市场占有率较为靠前", "main product ranks high in its niche market", "是=1"),
    _F("national_market_rank", "全国细分市场排名", "national niche-market rank", "名", higher_is_better=False),
    _F("srdi_eval_score", "专精特新发展评价得分（培育平台）", "专精特新 development-evaluation score (MIIT platform)", "分"),
)  # fmt: skip
"""Fields a firm declares (not in the workspace tables): read from a facts file by firm_id."""

FIELDS: dict[str, Field] = {
    f.key: f
    for f in (
        _F("firm_id", "企业代码", "firm id", numeric=False, higher_is_better=None),
        _F("name", "企业名称", "name", numeric=False, higher_is_better=None),
        _F("region_id", "所属地区", "region", numeric=False, higher_is_better=None),
        _F("scheme", "行业分类体系", "code scheme", numeric=False, higher_is_better=None),
        _F("industry_code", "行业代码", "industry code", numeric=False, higher_is_better=None),
        _F("country", "国家", "country", numeric=False, higher_is_better=None),
        _F("founded", "成立年份", "year founded", "年", higher_is_better=None),
        _F("age", "成立年限", "age", "年", higher_is_better=None),
        _F("employees", "从业人数", "employees", "人", higher_is_better=None),
        _F("revenue", "营业收入", "revenue", "万元"),
        _F("rd_expense", "研发费用", "R&D expense", "万元"),
        _F("patents", "专利数", "patents", "件"),
        _F("invention_patents", "发明专利数", "invention patents", "件"),
        _F("exports", "出口额", "exports", "万元"),
        _F("land_mu", "用地面积", "land", "亩", higher_is_better=None),
        _F("tax", "税收", "tax paid", "万元"),
        _F("energy_tce", "综合能耗", "energy use", "吨标准煤", higher_is_better=False),
        _F("value_added", "增加值", "value added", "万元"),
        _F("electricity_kwh", "用电量", "electricity use", "千瓦时", higher_is_better=False),
        _F("emissions", "排放量", "emissions", "排放当量", higher_is_better=False),
        _F("rd_intensity", "研发投入强度", "R&D intensity", "比值"),
        _F("invention_patents_per_100", "每百人发明专利数", "invention patents per 100 employees", "件/百人"),
        _F("labour_productivity", "全员劳动生产率", "labour productivity", "万元/人"),
        _F("tax_per_mu", "亩均税收", "tax per mu", "万元/亩"),
        _F("value_added_per_mu", "亩均增加值", "value added per mu", "万元/亩"),
        _F("energy_per_value_added", "单位增加值能耗", "energy per unit of value added", "吨标准煤/万元", True, False),
        _F("value_added_per_energy", "单位能耗增加值", "value added per unit of energy", "万元/吨标准煤"),
        _F("value_added_per_emission", "单位排放增加值", "value added per unit of emissions", "万元/排放当量"),
        _F("tax_per_kwh", "单位电耗税收", "tax per unit of electricity", "元/千瓦时"),
        _F("export_share", "出口占比", "export share", "比值"),
        _F("revenue_growth", "营业收入增长率", "revenue growth", "比值"),
        _F("revenue_growth_2y", "近2年营业收入平均增长率", "mean revenue growth, last 2 years", "比值"),
        _F("rd_expense_prev", "前一年度研发费用", "R&D expense of the year before", "万元"),
        _F("rd_intensity_prev", "前一年度研发投入强度", "R&D intensity of the year before", "比值"),
        _F("rd_expense_2y", "近2年研发费用总额", "R&D expense, last 2 years", "万元"),
        _F("rd_expense_2y_mean", "近2年研发费用总额均值", "mean R&D expense, last 2 years", "万元"),
        _F("node_share", "所在链环节营收占比", "share of its chain node's revenue", "比值"),
        _F("node_rank", "所在链环节营收排名", "revenue rank in its chain node", "名", higher_is_better=False),
        _F("on_chain", "位于产业链环节", "on a chain node", "是=1", higher_is_better=None),
        *DECLARED,
    )
}
"""Every field a rule may name, with labels (zh, en) and unit."""

UNITS_EN = {
    "万元": "10k CNY", "人": "persons", "件": "items", "亩": "mu", "年": "years", "吨标准煤": "tce",
    "千瓦时": "kWh", "排放当量": "emission units", "比值": "ratio", "件/百人": "per 100 employees",
    "万元/人": "10k CNY per person", "万元/亩": "10k CNY per mu", "吨标准煤/万元": "tce per 10k CNY",
    "万元/吨标准煤": "10k CNY per tce", "万元/排放当量": "10k CNY per emission unit", "元/千瓦时": "CNY per kWh",
}  # fmt: skip
"""English names of the units."""

NUMERIC_FIELDS = frozenset(k for k, f in FIELDS.items() if f.numeric)
TEXT_FIELDS = frozenset(k for k, f in FIELDS.items() if not f.numeric)


def ratio(numerator: pd.Series, denominator: pd.Series, scale: float = 1.0) -> pd.Series:
    r"""Return ``scale * numerator / denominator``, missing where the denominator is not positive.

    .. math:: r_i = s \, x_i / y_i \quad (y_i > 0)

    >>> ratio(pd.Series([1.0, 2.0]), pd.Series([4.0, 0.0])).tolist()
    [0.25, nan]
    """
    num = pd.to_numeric(numerator, errors="coerce").to_numpy(dtype=float)
    den = pd.to_numeric(denominator, errors="coerce").to_numpy(dtype=float)
    out = np.full(len(num), np.nan)
    ok = den > 0
    out[ok] = scale * num[ok] / den[ok]
    return pd.Series(out, index=numerator.index)


def derive_fields(firms: pd.DataFrame, *, year: int | None = None) -> pd.DataFrame:
    r"""Add the derived ratios of :data:`FIELDS` to a firms frame (a copy; missing inputs give NaN).

    ``year`` is the reference year of ``age`` (default: the current year). With columns
    ``revenue_prev``, ``revenue_prev2`` and ``rd_expense_prev`` (see
    :func:`clusterbrain.workflow.firms.panel.latest_years`) growth rates are added too:

    .. math::

        g_1 = R_t / R_{t-1} - 1, \qquad g_2 = \sqrt{R_t / R_{t-2}} - 1

    (the mean growth over two years as a geometric mean, as in the 专精特新 criteria's
    "近2年主营业务收入平均增长率").

    >>> f = pd.DataFrame({"revenue": [100.0], "rd_expense": [5.0], "employees": [10.0], "land_mu": [2.0],
    ...                   "tax": [4.0], "founded": [2020]})
    >>> d = derive_fields(f, year=2024)
    >>> float(d.loc[0, "rd_intensity"]), float(d.loc[0, "tax_per_mu"]), int(d.loc[0, "age"])
    (0.05, 2.0, 4)
    """
    out = firms.copy()
    for key in NUMERIC_FIELDS & {"employees", "revenue", "rd_expense", "patents", "invention_patents", "exports",
                                 "land_mu", "tax", "energy_tce", "value_added", "electricity_kwh", "emissions",
                                 "founded"}:  # fmt: skip
        if key not in out:
            out[key] = np.nan
        out[key] = pd.to_numeric(out[key], errors="coerce").astype(float)
    ref = dt.date.today().year if year is None else year
    out["age"] = ref - out["founded"]
    out["rd_intensity"] = ratio(out["rd_expense"], out["revenue"])
    out["invention_patents_per_100"] = ratio(out["invention_patents"], out["employees"], 100.0)
    out["labour_productivity"] = ratio(out["value_added"], out["employees"])
    out["tax_per_mu"] = ratio(out["tax"], out["land_mu"])
    out["value_added_per_mu"] = ratio(out["value_added"], out["land_mu"])
    out["energy_per_value_added"] = ratio(out["energy_tce"], out["value_added"])
    out["value_added_per_energy"] = ratio(out["value_added"], out["energy_tce"])
    out["value_added_per_emission"] = ratio(out["value_added"], out["emissions"])
    out["tax_per_kwh"] = ratio(out["tax"], out["electricity_kwh"], 1e4)
    out["export_share"] = ratio(out["exports"], out["revenue"])
    prev = out["revenue_prev"] if "revenue_prev" in out else pd.Series(np.nan, index=out.index)
    prev2 = out["revenue_prev2"] if "revenue_prev2" in out else pd.Series(np.nan, index=out.index)
    out["revenue_growth"] = ratio(out["revenue"], prev) - 1.0
    out["revenue_growth_2y"] = np.sqrt(ratio(out["revenue"], prev2)) - 1.0
    rd_prev = out["rd_expense_prev"] if "rd_expense_prev" in out else pd.Series(np.nan, index=out.index)
    out["rd_expense_prev"] = pd.to_numeric(rd_prev, errors="coerce").astype(float)
    out["rd_intensity_prev"] = ratio(rd_prev, prev)
    out["rd_expense_2y"] = out["rd_expense"] + rd_prev
    out["rd_expense_2y_mean"] = out["rd_expense_2y"] / 2.0
    for f in DECLARED:
        if f.key not in out:
            out[f.key] = np.nan
    for key in ("node_share", "node_rank", "on_chain"):
        if key not in out:
            out[key] = np.nan
    for key in TEXT_FIELDS:
        if key not in out:
            out[key] = pd.Series(pd.NA, index=out.index, dtype="string")
    if "tags" not in out:
        out["tags"] = pd.Series(pd.NA, index=out.index, dtype="string")
    return out
