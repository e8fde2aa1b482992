r"""Niche segments (细分赛道): rank a region's candidate chain nodes by a transparent multi-criteria score.

Each criterion is scaled to [0, 1] across the candidates by min–max,
:math:`z_{kc} = (x_{kc} - \\min_c x_{kc}) / (\\max_c x_{kc} - \\min_c x_{kc})` (0.5 when all
are equal or unknown), crowding enters as :math:`1 - z`, and the score is the weighted mean

.. math::

    S_c = \\frac{\\sum_k w_k z_{kc}}{\\sum_k w_k},

a simple additive weighting (Triantaphyllou 2000, *Multi-Criteria Decision Making Methods*,
ch. 2). The criteria follow the positioning rule of picking segments with high technology
barriers, high value added and good growth that fit the region's capabilities (relatedness
density, Hidalgo et al. 2007) and are not crowded by competing regions.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["CRITERIA", "niche_scores"]

CRITERIA: dict[str, tuple[str, str, bool]] = {
    "barrier": ("技术壁垒", "technology barrier", True),
    "value_added": ("附加值", "value added", True),
    "national_growth": ("全国增长", "national growth", True),
    "relatedness_density": ("关联密度", "relatedness density", True),
    "complexity": ("产品复杂度", "product complexity (PCI)", True),
    "crowding": ("拥挤度", "crowding", False),
}
"""Criterion -> (name zh, name en, higher is better)."""


def niche_scores(candidates: pd.DataFrame, weights: Mapping[str, float]) -> pd.DataFrame:
    """Score candidate segments; one column per criterion in ``candidates``.

    Parameters
    ----------
    candidates : DataFrame
        One row per candidate with a numeric column per criterion of :data:`CRITERIA`
        (NaN where unknown: scaled to 0.5, neither helping nor hurting).
    weights : mapping
        Criterion -> non-negative weight.

    Returns
    -------
    DataFrame
        ``candidates`` with ``z_<criterion>`` columns, ``contribution_<criterion>`` (weighted
        share of the score) and ``score``, sorted by score, best first.

    Examples
    --------
    >>> c = pd.DataFrame({"barrier": [5, 1], "value_added": [2.0, 1.0], "national_growth": [0.1, 0.2],
    ...                   "relatedness_density": [0.5, 0.1], "complexity": [1.0, -1.0], "crowding": [0.1, 0.5]})
    >>> w = {"barrier": 1, "value_added": 1, "national_growth": 1, "relatedness_density": 1, "complexity": 1,
    ...      "crowding": 1}
    >>> niche_scores(c, w)["score"].round(3).tolist()
    [0.833, 0.167]
    """
    out = candidates.copy()
    total = float(sum(weights.get(k, 0.0) for k in CRITERIA))
    score = np.zeros(len(out))
    for key, (_, _, higher) in CRITERIA.items():
        x = out[key].astype(float).to_numpy() if key in out else np.full(len(out), np.nan)
        finite = np.isfinite(x)
        lo, hi = (np.nanmin(x), np.nanmax(x)) if finite.any() else (0.0, 0.0)
        z = np.where(finite, (x - lo) / (hi - lo), 0.5) if hi > lo else np.full(len(out), 0.5)
        z = z if higher else 1 - z
        out[f"z_{key}"] = z
        part = weights.get(key, 0.0) * z / total if total > 0 else np.zeros(len(out))
        out[f"contribution_{key}"] = part
        score += part
    out["score"] = score
    return out.sort_values("score", ascending=False, kind="stable")
