"""The monitoring KPI set of a region per year: definitions, and computation from firms, links or statistics.

Each KPI is one column of a year-indexed table. On firm data every KPI is a sum (or a ratio
of sums) over the firms of the region in that year, computed with one ``groupby`` over the
firm panel; the local supply rate comes from the links. Without firms, the statistics give
industry scale, value added, employment, establishments and exports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from clusterbrain.chain import map_firms
from clusterbrain.store.frames import (
    firm_measures_frame,
    firm_nodes_frame,
    firms_frame,
    latest_data_year,
    links_frame,
    purchases_by_year,
    region_and_descendants,
    stats_totals_frame,
)
from clusterbrain.workflow.chains import load_chain

__all__ = ["ABOVE_SCALE_REVENUE", "KPIS", "KpiDefinition", "KpiTable", "compute_kpis", "kpis_from_firms",
           "kpis_from_stats", "resolve_kpi"]  # fmt: skip

ABOVE_SCALE_REVENUE = 2_000.0
"""规模以上 (above designated size): annual main-business revenue of at least 20 million CNY, in 万元."""


@dataclass(frozen=True)
class KpiDefinition:
    """One KPI: stable key, names, unit, the direction that counts as better, and how it is projected.

    ``trend`` is ``"compound"`` (amounts, counts and intensities grow by a rate) or
    ``"linear"`` (percent shares move by points).
    """

    key: str
    name_zh: str
    name_en: str
    unit: str
    higher_is_better: bool = True
    trend: str = "compound"
    aliases: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        return {
            "key": self.key,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "unit": self.unit,
            "higher_is_better": self.higher_is_better,
            "trend": self.trend,
        }


# fmt: off
KPIS: dict[str, KpiDefinition] = {d.key: d for d in (
    KpiDefinition("cluster_revenue", "集群营业收入", "Cluster revenue", "万元",
                  aliases=("output", "industry_scale", "revenue", "产业规模", "营业收入", "产值")),
    KpiDefinition("cluster_value_added", "集群增加值", "Cluster value added", "万元",
                  aliases=("value_added", "增加值", "工业增加值")),
    KpiDefinition("firms", "企业数", "Number of firms", "家", aliases=("firm_count", "企业数量", "establishments")),
    KpiDefinition("above_scale_firms", "规上企业数", "Above-scale firms", "家", aliases=("规模以上企业数",)),
    KpiDefinition("high_tech_firms", "高新技术企业数", "High-tech enterprises", "家"),
    KpiDefinition("specialised_firms", "专精特新企业数", "Specialised (专精特新) firms", "家"),
    KpiDefinition("little_giant_firms", "专精特新小巨人企业数", "Little-giant firms", "家", aliases=("小巨人企业数",)),
    KpiDefinition("listed_firms", "上市企业数", "Listed firms", "家"),
    KpiDefinition("employment", "从业人数", "Employment", "人", aliases=("employees", "从业人员", "就业人数")),
    KpiDefinition("rd_expense", "研发投入", "R&D expenditure", "万元", aliases=("研发费用", "研发经费")),
    KpiDefinition("rd_intensity", "研发投入强度", "R&D intensity", "%", trend="linear",
                  aliases=("研发强度", "r&d intensity")),
    KpiDefinition("patents", "专利数", "Patents", "件", aliases=("有效专利数",)),
    KpiDefinition("invention_patents", "有效发明专利数", "Invention patents", "件", aliases=("发明专利数",)),
    KpiDefinition("exports", "出口额", "Exports", "万元", aliases=("出口交货值",)),
    KpiDefinition("local_supply_rate", "本地配套率", "Local supply rate", "%", trend="linear",
                  aliases=("local_supporting_rate", "本地配套率(%)")),
    KpiDefinition("tax_per_mu", "亩均税收", "Tax per mu", "万元/亩", aliases=("亩均税收(万元/亩)",)),
    KpiDefinition("energy_per_value_added", "单位增加值能耗", "Energy per unit of value added", "吨标准煤/万元",
                  higher_is_better=False, aliases=("单位工业增加值能耗",)),
)}
"""The KPI set by key; the keys are those of the demo's ``kpi_targets``."""
# fmt: on

_TAG_PATTERNS = {
    "above_scale": r"规上|规模以上|above[-_ ]?scale",
    "high_tech": r"高新技术|high[-_ ]?tech",
    "specialised": r"专精特新|小巨人|speciali[sz]ed|little[-_ ]?giant",
    "little_giant": r"小巨人|little[-_ ]?giant",
    "listed": r"(?<!拟)上市|(?<![a-z])listed",
}
_TAG_KPIS = {"high_tech": "high_tech_firms", "specialised": "specialised_firms",
             "little_giant": "little_giant_firms", "listed": "listed_firms"}  # fmt: skip
_SUMS = {"cluster_revenue": "revenue", "cluster_value_added": "value_added", "employment": "employees",
         "rd_expense": "rd_expense", "patents": "patents", "invention_patents": "invention_patents",
         "exports": "exports"}  # fmt: skip
_RATIOS = {"rd_intensity": ("rd_expense", "revenue", 100.0), "tax_per_mu": ("tax", "land_mu", 1.0),
           "energy_per_value_added": ("energy_tce", "value_added", 1.0)}  # fmt: skip
_STATS = {"cluster_revenue": "output", "cluster_value_added": "value_added", "employment": "employment",
          "firms": "establishments", "exports": "exports"}  # fmt: skip


def _normal(name: str) -> str:
    return str(name).strip().lower().replace(" ", "_")


_LOOKUP = {_normal(alias): d.key for d in KPIS.values() for alias in (d.key, d.name_zh, d.name_en, *d.aliases)}


def resolve_kpi(name: str) -> str | None:
    """The KPI key that ``name`` means (a key, a Chinese or English name, or an alias), or None.

    >>> resolve_kpi("本地配套率"), resolve_kpi("Output"), resolve_kpi("happiness")
    ('local_supply_rate', 'cluster_revenue', None)
    """
    return _LOOKUP.get(_normal(name))


@dataclass(frozen=True, eq=False)
class KpiTable:
    """KPI values per year (index ``year``, one column per key of :data:`KPIS`; NaN = not measured).

    ``basis`` is the table the firm-level KPIs came from (``firm_years``, ``firms``, ``stats``
    or ``none``); ``sources`` names the table behind each KPI.
    """

    values: pd.DataFrame
    basis: str
    sources: dict[str, str]


def _tag_flags(tags: pd.Series) -> pd.DataFrame:
    """One boolean column per tag kind, matched once per distinct tag string."""
    codes, uniques = pd.factorize(tags.astype("string"), use_na_sentinel=True)
    text = pd.Series(uniques, dtype="string")
    flags = {}
    for kind, pattern in _TAG_PATTERNS.items():
        hit = text.str.contains(pattern, case=False, regex=True).fillna(False).to_numpy(dtype=bool)
        flags[kind] = np.append(hit, False)[codes]  # code -1 (no tags) picks the appended False
    return pd.DataFrame(flags, index=tags.index)


def kpis_from_firms(panel: pd.DataFrame, purchases: pd.DataFrame | None = None) -> pd.DataFrame:
    r"""KPI values per year from firm rows (``year``, ``tags`` and the numeric firm columns).

    Sums over the firms of each year; ratios are ratios of sums over the firms that report
    both parts:

    .. math::

        \mathrm{rd\_intensity}_t = 100\,\frac{\sum_i R_{it}}{\sum_i Y_{it}},\qquad
        \mathrm{tax\_per\_mu}_t = \frac{\sum_i T_{it}}{\sum_i L_{it}},\qquad
        \mathrm{local\_supply\_rate}_t = 100\,\frac{\sum_{s \in \mathrm{region}} v_{sc,t}}{\sum_s v_{sc,t}}

    where :math:`v_{sc,t}` is what customer :math:`c` of the region bought from supplier
    :math:`s` in year :math:`t` (``purchases`` with columns ``year``, ``value``, ``local``).
    A firm is above scale when its revenue reaches :data:`ABOVE_SCALE_REVENUE` (its 规上 tag
    when the revenue is unknown); the other firm counts read the tags. Tag counts are NaN
    when no firm has tags.

    Examples
    --------
    >>> panel = pd.DataFrame({"year": [2022, 2023, 2023], "tags": ["专精特新", None, "listed"],
    ...                       "revenue": [100.0, 150.0, 2500.0], "rd_expense": [5.0, 3.0, None]})
    >>> k = kpis_from_firms(panel)
    >>> k.loc[2023, ["firms", "above_scale_firms", "listed_firms", "rd_intensity"]].tolist()
    [2.0, 1.0, 1.0, 2.0]
    """
    frame = panel.reindex(columns=[*{*_SUMS.values(), "land_mu", "tax", "energy_tce"}, "tags", "year"])
    frame[frame.columns.difference(["tags", "year"])] = frame[frame.columns.difference(["tags", "year"])].astype(float)
    flags = _tag_flags(frame["tags"])
    tagged = bool(frame["tags"].notna().any())
    revenue = frame["revenue"]
    above = (revenue >= ABOVE_SCALE_REVENUE).astype(float).where(revenue.notna(), flags["above_scale"].astype(float))
    if not tagged:
        above = above.where(revenue.notna())
    parts: dict[str, pd.Series] = {key: frame[col] for key, col in _SUMS.items()}
    parts["firms"] = pd.Series(1.0, index=frame.index)
    parts["above_scale_firms"] = above
    for kind, key in _TAG_KPIS.items():
        parts[key] = flags[kind].astype(float) if tagged else pd.Series(np.nan, index=frame.index)
    for key, (top, bottom, _) in _RATIOS.items():
        both = frame[top].notna() & frame[bottom].notna()
        parts[f"_{key}_num"], parts[f"_{key}_den"] = frame[top].where(both), frame[bottom].where(both)
    sums = pd.DataFrame(parts).groupby(frame["year"]).sum(min_count=1)
    for key, (_, _, scale) in _RATIOS.items():
        den = sums.pop(f"_{key}_den")
        sums[key] = scale * sums.pop(f"_{key}_num") / den.where(den > 0)
    if purchases is not None and not purchases.empty:
        bought = purchases.groupby("year")[["value", "local"]].sum()
        sums = sums.join((100.0 * bought["local"] / bought["value"].where(bought["value"] > 0)).rename(
            "local_supply_rate"), how="outer")  # fmt: skip
    out = sums.reindex(columns=list(KPIS))
    out.index = out.index.astype("int64")
    out.index.name = "year"
    return out.sort_index()


def kpis_from_stats(stats: pd.DataFrame) -> pd.DataFrame:
    """KPI values per year from region totals of the statistics (see :func:`stats_totals_frame`).

    Industry scale is the output (产值), firms the establishments; the other KPIs need firms.
    """
    out = pd.DataFrame({key: stats[col] for key, col in _STATS.items()}).set_axis(stats["year"].astype("int64"))
    out = out.reindex(columns=list(KPIS)).astype(float)
    out.index.name = "year"
    return out.sort_index()


def _chain_firm_ids(con: duckdb.DuckDBPyConnection, chain_id: str) -> list[str]:
    """Firms on the chain: the stored mapping, or one made on the fly (not stored) when there is none."""
    nodes = firm_nodes_frame(con, chain_id)
    if nodes.empty:
        nodes = map_firms(firms_frame(con), load_chain(chain_id, con), links=links_frame(con)).assignments
    return nodes.loc[nodes["node_id"].notna(), "firm_id"].astype(str).tolist()


def compute_kpis(
    con: duckdb.DuckDBPyConnection, region_id: str, *, chain_id: str | None = None, year: int | None = None
) -> KpiTable:
    """The KPI set of ``region_id`` (with every region below it) for every year with data up to ``year``.

    The firm panel (``firm_years``) is used when it has rows for the region's firms; else the
    ``firms`` table as one year (``year``, or the latest year of any data, or the current
    year); else, without ``chain_id``, the statistics. With ``chain_id`` only the firms on
    that chain count (its stored mapping, or one made on the fly), as customers for the local
    supply rate too; suppliers count as local wherever in the region they sit.

    Raises
    ------
    InvalidParameterError
        If the workspace has no such region or chain.
    """
    regions = region_and_descendants(con, region_id)
    firm_ids = None if chain_id is None else _chain_firm_ids(con, chain_id)
    panel, basis = firm_measures_frame(con, regions, firm_ids=firm_ids), "firm_years"
    fallback = year if year is not None else latest_data_year(con) or dt.date.today().year
    if panel.empty:
        panel, basis = firm_measures_frame(con, regions, firm_ids=firm_ids, panel=False), "firms"
        panel["year"] = fallback
    if not panel.empty:
        purchases = purchases_by_year(con, regions, customer_ids=firm_ids)
        purchases["year"] = purchases["year"].fillna(fallback)  # links without a year: the latest
        values = kpis_from_firms(panel, purchases)
        sources = {key: basis for key in KPIS} | {"local_supply_rate": "links"}
    elif chain_id is None and not (stats := stats_totals_frame(con, region_id)).empty:
        values, basis = kpis_from_stats(stats), "stats"
        sources = {key: "stats" for key in KPIS}
    else:
        values, basis = pd.DataFrame(columns=list(KPIS), index=pd.Index([], dtype="int64", name="year")), "none"
        sources = {}
    if year is not None:
        values = values.loc[values.index <= year]
    return KpiTable(values.astype(float), basis, {k: v for k, v in sources.items() if values[k].notna().any()})
