"""China's administrative divisions (province, prefecture, county) with coordinates.

The registry comes from the adcode table shipped by the ``cpca`` package (MIT): 6-digit
division codes of the Ministry of Civil Affairs with names and centroid coordinates.
Region ids are the bare 6-digit codes (``330100`` = 杭州市), as Chinese statistics print them.
"""

from __future__ import annotations

from importlib import resources

import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pacsv

__all__ = ["CHINA_ID", "china_regions"]

CHINA_ID = "CN"


def china_regions() -> pa.Table:
    """Return China's provinces, prefectures and counties as a ``regions`` table.

    Level follows the code: ``xx0000`` province, ``xxyy00`` prefecture (``city``), other
    codes ``county`` (counties, county-level cities and urban districts). A county's parent
    is its prefecture when the registry has one, else its province (province-administered
    counties). Placeholder groupings (``xx9000`` 省直辖县级行政区划) are dropped.
    """
    path = resources.files("cpca").joinpath("resources/adcodes.csv")
    with resources.as_file(path) as file:
        raw = pacsv.read_csv(file, convert_options=pacsv.ConvertOptions(column_types={"adcode": pa.string()}))
    code = pc.utf8_slice_codeunits(raw["adcode"], 0, 6)
    placeholder = pc.match_substring_regex(code, r"^\d\d90\d\d$")
    raw = raw.append_column("code", code).filter(pc.invert(placeholder))
    codes = raw["code"].to_pylist()
    known = set(codes)
    levels, parents = [], []
    for c in codes:
        if c.endswith("0000"):
            levels.append("province")
            parents.append(CHINA_ID)
        elif c.endswith("00"):
            levels.append("city")
            parents.append(c[:2] + "0000")
        else:
            levels.append("county")
            parents.append(c[:4] + "00" if c[:4] + "00" in known else c[:2] + "0000")
    country = pa.table(
        {
            "region_id": [CHINA_ID],
            "name": ["中国"],
            "level": ["country"],
            "parent_id": pa.array([None], pa.string()),
            "name_en": ["China"],
            "lat": [35.86],
            "lon": [104.20],
            "country": [CHINA_ID],
        }
    )
    body = pa.table(
        {
            "region_id": raw["code"],
            "name": raw["name"],
            "level": pa.array(levels),
            "parent_id": pa.array(parents),
            "name_en": pa.nulls(raw.num_rows, pa.string()),
            "lat": raw["latitude"].cast(pa.float64()),
            "lon": raw["longitude"].cast(pa.float64()),
            "country": pa.array([CHINA_ID] * raw.num_rows),
        }
    )
    return pa.concat_tables([country, body])
