"""Great-circle distance, shared by the spatial metrics, the network engine and the planning workflow."""

from __future__ import annotations

import numpy as np

__all__ = ["EARTH_RADIUS_KM", "haversine_km"]

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), in km."""


def haversine_km(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float) -> np.ndarray:
    r"""Great-circle distance in km from (``lat0``, ``lon0``) (degrees), by the haversine formula.

    .. math::

        d = 2R \arcsin \sqrt{\sin^2\tfrac{\Delta\varphi}{2} + \cos\varphi_1 \cos\varphi_2 \sin^2\tfrac{\Delta\lambda}{2}}

    >>> round(float(haversine_km(np.array([0.0]), np.array([1.0]), 0.0, 0.0)[0]), 1)
    111.2
    """
    p1, p2 = np.radians(lat0), np.radians(np.asarray(lat, dtype=float))
    dlon = np.radians(np.asarray(lon, dtype=float) - lon0)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
