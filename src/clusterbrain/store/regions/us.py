"""US states and counties (FIPS), and CBSAs from the Census delineation file.

States come from the ``us`` package (state FIPS, names, postal codes); counties from the
2020 county list shipped by ``addfips``. CBSAs (metropolitan and micropolitan areas) have
no well-kept package: :func:`cbsa_regions` reads them from a Census delineation or
county-CBSA crosswalk file at import time.

Region ids carry a ``US-`` prefix so they never collide with Chinese codes:
``US-06`` (California), ``US-06037`` (Los Angeles County), ``US-C31080`` (Los Angeles CBSA).
"""

from __future__ import annotations

from importlib import resources

import pyarrow as pa
import us
from pyarrow import csv as pacsv

__all__ = ["US_ID", "cbsa_id", "county_id", "state_id", "us_regions"]

US_ID = "US"


def state_id(fips: str) -> str:
    """Region id of a state from its 2-digit FIPS code."""
    return f"US-{fips}"


def county_id(fips: str) -> str:
    """Region id of a county from its 5-digit state+county FIPS code."""
    return f"US-{fips}"


def cbsa_id(code: str) -> str:
    """Region id of a CBSA from its 5-digit CBSA code."""
    return f"US-C{code}"


def us_regions() -> pa.Table:
    """Return the US, its states (with DC and territories) and counties as a ``regions`` table."""
    states = [s for s in us.states.STATES_AND_TERRITORIES if s.fips]
    names = {s.fips: s.name for s in states}
    path = resources.files("addfips").joinpath("data/counties_2020.csv")
    with resources.as_file(path) as file:
        counties = pacsv.read_csv(
            file,
            convert_options=pacsv.ConvertOptions(column_types={"statefp": pa.string(), "countyfp": pa.string()}),
        )
    counties = counties.filter(pa.compute.is_in(counties["statefp"], pa.array(list(names))))
    # addfips lists some counties under several spellings (Bronx, Bronx County): keep the first.
    first: dict[tuple[str, str], str] = {}
    for s, c, n in zip(
        counties["statefp"].to_pylist(), counties["countyfp"].to_pylist(), counties["name"].to_pylist(), strict=True
    ):
        first.setdefault((s, c), n)
    st = [s for s, _ in first]
    co = [c for _, c in first]
    county_names = list(first.values())
    n_states, n_counties = len(states), len(first)
    return pa.table(
        {
            "region_id": [US_ID]
            + [state_id(str(s.fips)) for s in states]
            + [county_id(s + c) for s, c in zip(st, co, strict=True)],
            "name": ["United States"]
            + [s.name for s in states]
            + [f"{n}, {names[s]}" for n, s in zip(county_names, st, strict=True)],
            "level": ["country"] + ["state"] * n_states + ["county"] * n_counties,
            "parent_id": [None] + [US_ID] * n_states + [state_id(s) for s in st],
            "name_en": ["United States"]
            + [s.name for s in states]
            + [f"{n}, {names[s]}" for n, s in zip(county_names, st, strict=True)],
            "lat": pa.nulls(1 + n_states + n_counties, pa.float64()),
            "lon": pa.nulls(1 + n_states + n_counties, pa.float64()),
            "country": [US_ID] * (1 + n_states + n_counties),
        }
    )
