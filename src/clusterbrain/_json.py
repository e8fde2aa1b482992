"""Plain JSON values from NumPy and pandas ones: the one conversion every layer's ``to_dict`` uses."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["plain", "records"]


def plain(value: Any) -> Any:
    """Return ``value`` as plain JSON data: NumPy scalars unwrapped, NaN and NA as ``None``, dates as ISO text.

    Containers are converted element by element, and objects with a ``to_dict`` (result
    dataclasses) through it.

    >>> plain(np.float64(1.5)), plain(float("nan")), plain((np.int64(2), None))
    (1.5, None, [2, None])
    """
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [plain(v) for v in value]
    if hasattr(value, "to_dict") and callable(value.to_dict) and not isinstance(value, pd.DataFrame | pd.Series):
        return plain(value.to_dict())
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, dt.date | pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Return the rows of ``table`` as plain JSON records."""
    return [{str(k): plain(v) for k, v in row.items()} for row in table.to_dict("records")]
