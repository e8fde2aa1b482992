"""Synthetic geography: the demo province, fifteen benchmark provinces, their cities, counties and parks.

Every region id uses a two-digit province prefix that no real Chinese division code uses
(``99`` for the focus province, ``83``–``89`` and ``91``–``98`` for the others), and every
name carries ``(示例)`` / ``(synthetic)``. Each region has a latent *capability* (used by the
statistics generator) that is high in the focus province, as in a developed coastal province.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from clusterbrain.demo._arrow import table_from_columns

__all__ = [
    "FOCUS_CITY_ID",
    "FOCUS_ID",
    "Geography",
    "make_geography",
]

FOCUS_ID = "990000"
FOCUS_CITY_ID = "990100"
_FOCUS_CENTRE = (30.0, 120.0)
_FOCUS_COUNTIES = (8, 7, 6, 6, 6, 6, 6, 5, 5, 5)  # 60 counties in 10 cities
_OTHER_PREFIXES = ("83", "84", "85", "86", "87", "88", "89", "91", "92", "93", "94", "95", "96", "97", "98")
_OTHER_COUNTIES = 16  # per province: 15 x 16 = 240

# Syllables of invented place names, with pinyin.
# fmt: off
_SYLLABLES = (
    ("安", "An"), ("宁", "Ning"), ("澜", "Lan"), ("岭", "Ling"), ("川", "Chuan"), ("丰", "Feng"),
    ("嶂", "Zhang"), ("泽", "Ze"), ("屏", "Ping"), ("溪", "Xi"), ("垣", "Yuan"), ("临", "Lin"),
    ("岚", "Lan"), ("桐", "Tong"), ("枫", "Feng"), ("瑶", "Yao"), ("澄", "Cheng"), ("汀", "Ting"),
    ("霁", "Ji"), ("槐", "Huai"), ("蒲", "Pu"), ("芷", "Zhi"), ("潼", "Tong"), ("岑", "Cen"),
    ("漪", "Yi"), ("珂", "Ke"), ("崧", "Song"), ("沅", "Yuan"), ("湄", "Mei"), ("澹", "Dan"),
    ("鹭", "Lu"), ("苇", "Wei"), ("棠", "Tang"), ("栖", "Qi"), ("禾", "He"), ("麓", "Lu"),
    ("渚", "Zhu"), ("芸", "Yun"), ("琨", "Kun"), ("隰", "Xi"), ("峤", "Qiao"), ("浔", "Xun"),
)
# fmt: on
_SUFFIX_EN = {"省": "Province", "市": "City", "区": "District", "县": "County"}

_PARKS = (
    ("990171", "示范高新技术产业开发区(示例)", "Demo Hi-tech Industrial Development Zone (synthetic)", 48.0),
    ("990172", "示范经济技术开发区(示例)", "Demo Economic and Technological Development Zone (synthetic)", 36.0),
    ("990173", "示范新能源材料产业园(示例)", "Demo New-energy Materials Industrial Park (synthetic)", 18.0),
)


@dataclass(frozen=True)
class Geography:
    """The synthetic regions and the per-county arrays the other generators need.

    Counties are the statistical units; ``county_province`` is the index of a county's
    province in ``province_ids`` (index 0 is the focus province).
    """

    regions: pa.Table
    province_ids: tuple[str, ...]
    city_ids: tuple[str, ...]
    park_ids: tuple[str, ...]
    county_ids: np.ndarray
    county_province: np.ndarray
    county_city: np.ndarray
    county_lat: np.ndarray
    county_lon: np.ndarray
    county_population: np.ndarray
    county_capability: np.ndarray

    @property
    def n_counties(self) -> int:
        """Number of counties."""
        return len(self.county_ids)

    @property
    def focus_mask(self) -> np.ndarray:
        """Boolean mask of the counties in the focus province."""
        return self.county_province == 0


def _names(rng: np.random.Generator, n: int) -> list[tuple[str, str]]:
    """Return ``n`` distinct invented two-syllable names as (zh, pinyin)."""
    k = len(_SYLLABLES)
    pairs = [(i, j) for i in range(k) for j in range(k) if i != j]
    order = rng.permutation(len(pairs))[:n]
    out = []
    for p in order:
        (a, pa_), (b, pb) = _SYLLABLES[pairs[p][0]], _SYLLABLES[pairs[p][1]]
        out.append((a + b, pa_ + pb.lower()))
    return out


def _label(zh: str, en: str, suffix: str) -> tuple[str, str]:
    return f"{zh}{suffix}(示例)", f"{en} {_SUFFIX_EN[suffix]} (synthetic)"


def _province_centres(rng: np.random.Generator, n: int) -> list[tuple[float, float]]:
    """Scatter ``n`` province centres over eastern and central China, away from the focus."""
    centres: list[tuple[float, float]] = []
    while len(centres) < n:
        lat, lon = rng.uniform(22.0, 46.0), rng.uniform(101.0, 126.0)
        taken = [*centres, _FOCUS_CENTRE]
        if all((lat - a) ** 2 + (lon - b) ** 2 > (3.2 if (a, b) == _FOCUS_CENTRE else 2.4) ** 2 for a, b in taken):
            centres.append((round(lat, 4), round(lon, 4)))
    return centres


def make_geography(rng: np.random.Generator) -> Geography:
    """Build the synthetic region registry.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness (coordinates, sizes, names, capabilities).

    Returns
    -------
    Geography
        The ``regions`` table (provinces, cities, counties, parks; every parent present or
        ``'CN'``) and per-county arrays.
    """
    n_prov = 1 + len(_OTHER_PREFIXES)
    names = iter(_names(rng, 600))
    rows: list[dict[str, object]] = []
    county_rows: list[tuple[str, int, int, float, float, float, float, bool]] = []
    province_ids: list[str] = []
    city_ids: list[str] = []
    centres = [_FOCUS_CENTRE, *_province_centres(rng, n_prov - 1)]
    prov_capability = np.concatenate([[1.0], rng.normal(0.0, 0.5, n_prov - 1)])
    for p in range(n_prov):
        prefix = "99" if p == 0 else _OTHER_PREFIXES[p - 1]
        pid = prefix + "0000"
        province_ids.append(pid)
        if p == 0:
            zh, en = "示范省(示例)", "Demo Province (synthetic)"
            per_city = list(_FOCUS_COUNTIES)
        else:
            zh, en = _label(*next(names), "省")
            n_cities = int(rng.integers(3, 6))
            cut = np.sort(rng.choice(np.arange(1, _OTHER_COUNTIES), n_cities - 1, replace=False))
            per_city = np.diff(np.concatenate([[0], cut, [_OTHER_COUNTIES]])).tolist()
        rows.append({"region_id": pid, "name": zh, "level": "province", "parent_id": "CN", "name_en": en})
        spread = 1.3 if p == 0 else 1.0
        for c, n_counties in enumerate(per_city):
            cid = f"{prefix}{c + 1:02d}00"
            city_ids.append(cid)
            if cid == FOCUS_CITY_ID:
                czh, cen = "示范市(示例)", "Demo City (synthetic)"
                clat, clon = centres[p]
            else:
                czh, cen = _label(*next(names), "市")
                clat = centres[p][0] + float(np.clip(rng.normal(0, spread * 0.6), -1.8, 1.8))
                clon = centres[p][1] + float(np.clip(rng.normal(0, spread * 0.6), -1.8, 1.8))
            rows.append({"region_id": cid, "name": czh, "level": "city", "parent_id": pid, "name_en": cen})
            for k in range(n_counties):
                kid = f"{prefix}{c + 1:02d}{k + 1:02d}"
                urban = k < 2
                suffix = "区" if urban else ("市" if rng.random() < 0.2 else "县")
                kzh, ken = _label(*next(names), suffix)
                lat = clat + float(np.clip(rng.normal(0, 0.18), -0.45, 0.45))
                lon = clon + float(np.clip(rng.normal(0, 0.18), -0.45, 0.45))
                pop = float(np.exp(rng.normal(np.log(450_000 if not urban else 700_000), 0.55)))
                area = float(np.exp(rng.normal(np.log(1_600 if not urban else 420), 0.5)))
                rows.append(
                    {
                        "region_id": kid,
                        "name": kzh,
                        "level": "county",
                        "parent_id": cid,
                        "name_en": ken,
                        "lat": round(lat, 4),
                        "lon": round(lon, 4),
                        "population": round(pop, -2),
                        "area_km2": round(area, 1),
                    }
                )
                capital = c == 0 and urban
                county_rows.append((kid, p, len(city_ids) - 1, lat, lon, round(pop, -2), float(capital), urban))
    county_ids = np.array([r[0] for r in county_rows])
    county_province = np.array([r[1] for r in county_rows], dtype=np.int64)
    county_city = np.array([r[2] for r in county_rows], dtype=np.int64)
    lat = np.array([r[3] for r in county_rows])
    lon = np.array([r[4] for r in county_rows])
    pop = np.array([r[5] for r in county_rows])
    capital = np.array([r[6] for r in county_rows])
    urban = np.array([r[7] for r in county_rows], dtype=np.float64)
    logpop = np.log(pop)
    capability = (
        prov_capability[county_province]
        + rng.normal(0.0, 0.45, len(county_ids))
        + 0.25 * (logpop - logpop.mean()) / logpop.std()
        + 0.3 * urban
        + 0.4 * capital
    )
    _aggregate(rows)
    rows.extend(
        {
            "region_id": rid,
            "name": zh,
            "level": "park",
            "parent_id": FOCUS_CITY_ID,
            "name_en": en,
            "lat": round(_FOCUS_CENTRE[0] + 0.08 * (i - 1), 4),
            "lon": round(_FOCUS_CENTRE[1] + 0.06 * (1 - i) + 0.1, 4),
            "area_km2": area,
        }
        for i, (rid, zh, en, area) in enumerate(_PARKS)
    )
    for row in rows:
        row["country"] = "CN"
    regions = table_from_columns("regions", _columns(rows))
    return Geography(
        regions=regions,
        province_ids=tuple(province_ids),
        city_ids=tuple(city_ids),
        park_ids=tuple(r[0] for r in _PARKS),
        county_ids=county_ids,
        county_province=county_province,
        county_city=county_city,
        county_lat=lat,
        county_lon=lon,
        county_population=pop,
        county_capability=capability,
    )


def _aggregate(rows: list[dict[str, object]]) -> None:
    """Give cities and provinces the population, area and mean position of their counties."""
    by_id = {r["region_id"]: r for r in rows}
    for level in ("county", "city"):
        groups: dict[object, list[dict[str, object]]] = {}
        for r in rows:
            if r["level"] == level:
                groups.setdefault(r["parent_id"], []).append(r)
        for parent, children in groups.items():
            target = by_id[parent]
            target["population"] = float(sum(c["population"] for c in children))  # type: ignore[misc]
            target["area_km2"] = round(float(sum(c["area_km2"] for c in children)), 1)  # type: ignore[misc]
            target["lat"] = round(float(np.mean([c["lat"] for c in children])), 4)
            target["lon"] = round(float(np.mean([c["lon"] for c in children])), 4)


def _columns(rows: list[dict[str, object]]) -> dict[str, list[object]]:
    names = ("region_id", "name", "level", "parent_id", "name_en", "lat", "lon", "population", "area_km2", "country")
    return {n: [r.get(n) for r in rows] for n in names}
