"""py-ecomplexity run once on the real trade sample: the reference answers of the agreement tests."""

from __future__ import annotations

import functools
import warnings
from pathlib import Path

import pandas as pd

COLUMNS = {"time": "year", "loc": "origin", "prod": "hs92", "val": "export_val"}


@functools.cache
def peer_results(path: Path) -> dict[str, pd.DataFrame]:
    """The peer's ``ecomplexity`` output and its discrete and continuous ``proximity``, long format."""
    import ecomplexity

    data = pd.read_csv(path)
    with warnings.catch_warnings():
        # The peer warns about log-supermodularity and deprecated pandas calls; not our subject.
        warnings.simplefilter("ignore")
        out = ecomplexity.ecomplexity(data, COLUMNS, verbose=False, check_logsupermodularity=False)
        proximity = ecomplexity.proximity(data, COLUMNS)
        continuous = ecomplexity.proximity(data, COLUMNS, continuous=True)
    return {"data": data, "out": out, "proximity": proximity, "continuous": continuous}


def wide(frame: pd.DataFrame, year: int, value: str) -> pd.DataFrame:
    """Countries x products matrix of one column of the peer's output for one year."""
    return frame[frame["year"] == year].pivot(index="origin", columns="hs92", values=value)


def per_country(frame: pd.DataFrame, year: int, value: str) -> pd.Series:
    return frame[frame["year"] == year].groupby("origin")[value].first()


def per_product(frame: pd.DataFrame, year: int, value: str) -> pd.Series:
    return frame[frame["year"] == year].groupby("hs92")[value].first()


def product_matrix(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """Products x products proximity of one year, from the peer's long ``proximity`` output."""
    return frame[frame["year"] == year].pivot(index="hs92_1", columns="hs92_2", values="proximity")
