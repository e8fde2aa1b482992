"""Boundary checks of the tables and options a chain analysis receives, and JSON-ready records."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import numpy as np
import pandas as pd

from clusterbrain._json import plain, records
from clusterbrain.exceptions import InvalidParameterError

__all__ = ["as_regions", "frame", "nonnegative", "plain", "records", "region_text"]


def frame(value: Any, name: str, func: str, required: Sequence[str]) -> pd.DataFrame:
    """``value`` if it is a DataFrame holding every ``required`` column."""
    if not isinstance(value, pd.DataFrame):
        raise InvalidParameterError(
            f"The '{name}' parameter of {func} must be a pandas DataFrame. Got {type(value).__name__} instead."
        )
    lacking = [c for c in required if c not in value.columns]
    if lacking:
        raise InvalidParameterError(
            f"The '{name}' parameter of {func} must have the columns {', '.join(required)}. "
            f"Got {', '.join(map(str, value.columns)) or 'no columns'} instead (missing: {', '.join(lacking)})."
        )
    return value


def nonnegative(values: pd.Series, name: str, func: str, *, fill: float | None = None) -> pd.Series:
    """``values`` as floats, each finite and ≥ 0; missing values become ``fill`` (or are refused)."""
    x = pd.to_numeric(values, errors="coerce").astype(float)
    if fill is not None:
        x = x.where(values.notna(), fill)
    bad = ~np.isfinite(x.to_numpy()) | (x.to_numpy() < 0)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise InvalidParameterError(
            f"The '{name}' column of {func} must hold finite numbers >= 0. "
            f"Got {values.iloc[first]!r} in row {first} instead ({int(bad.sum())} such row(s))."
        )
    return x


def as_regions(regions: Any, func: str) -> frozenset[str]:
    """The focus region ids as a set of strings (a bare string is refused: it is not a set of ids)."""
    if isinstance(regions, str) or not isinstance(regions, Collection) or len(regions) == 0:
        raise InvalidParameterError(
            f"The 'regions' parameter of {func} must be a non-empty collection of region ids. Got {regions!r} instead."
        )
    return frozenset(str(r) for r in regions)


def region_text(values: pd.Series) -> pd.Series:
    """Region ids as text, missing values kept missing (so they never match a focus region)."""
    return values.astype("string")
