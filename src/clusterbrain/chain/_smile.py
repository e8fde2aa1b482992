"""The smile curve of a chain analysis (value added by stage, where the firms sit) and its completeness."""

from __future__ import annotations

import numpy as np
import pandas as pd

from clusterbrain.chain.template import STAGES

__all__ = ["completeness", "smile_curve"]


def completeness(nodes: pd.DataFrame, *, weighted: bool) -> float:
    """Share of nodes not missing, weighted by value added or not."""
    present = nodes["status"] != "missing"
    weights = nodes["value_added"] if weighted else pd.Series(1.0, index=nodes.index)
    return float(weights[present].sum() / weights.sum())


def smile_curve(nodes: pd.DataFrame, local: str, national: str) -> tuple[pd.DataFrame, float | None, float | None]:
    """Smile curve by stage, and the measure-weighted mean value added of the region and the country.

    Per stage present in the template (upstream → downstream): ``nodes``, ``mean_value_added``
    (mean over the stage's nodes), the sums of the ``local`` and ``national`` columns, their
    shares over the stages (``local_share``, ``national_share``) and the measure-weighted mean
    value added within the stage (``local_mean_value_added``, ``national_mean_value_added``;
    NaN where the stage has none). The means over the whole chain are returned beside.
    """
    order = [s for s in STAGES if s in set(nodes["stage"])]
    g = nodes.groupby("stage")
    out = pd.DataFrame(index=pd.Index(order, name="stage"))
    out["nodes"] = g.size().reindex(order).astype(int)
    out["mean_value_added"] = g["value_added"].mean().reindex(order)
    means: list[float | None] = []
    for col in (local, national):
        sums = g[col].sum().reindex(order)
        out[col] = sums
        out[col.split("_")[0] + "_share"] = sums / sums.sum() if sums.sum() > 0 else np.nan
        weighted = (nodes["value_added"] * nodes[col]).groupby(nodes["stage"]).sum().reindex(order)
        out[col.split("_")[0] + "_mean_value_added"] = weighted / sums.where(sums > 0)
        means.append(float(weighted.sum() / sums.sum()) if sums.sum() > 0 else None)
    return out.reset_index(), means[0], means[1]
