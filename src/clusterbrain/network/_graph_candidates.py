"""Candidate second sources for an input node: firms on the same node elsewhere, ranked by size, track record and distance."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import numpy as np
import pandas as pd

from clusterbrain._geo import EARTH_RADIUS_KM, haversine_km
from clusterbrain.network._graph_items import Candidate

__all__ = ["EARTH_RADIUS_KM", "haversine_km", "rank_candidates", "sellers"]


def sellers(edges: pd.DataFrame) -> pd.Series:
    """Distinct customers each supplier sells each input node to, indexed by (``input``, ``supplier``) codes."""
    known = edges[edges["input"] >= 0]
    return known.groupby(["input", "supplier"])["customer"].nunique()


def rank_candidates(
    firms: pd.DataFrame,
    served: pd.Series,
    node_code: int,
    node_id: str,
    *,
    exclude: Collection[int],
    countries: Collection[str] | None,
    origin: tuple[float, float] | None,
    top: int,
    node_name: tuple[str, str],
) -> tuple[Candidate, ...]:
    """The ``top`` firms on node ``node_id`` (assigned to it, or selling it) other than ``exclude``.

    Only firms with a firm row, and with ``countries`` only firms of those countries. The
    score is the mean of three percentile ranks within the pool (those available): revenue,
    customers already served with the node's product (``served``), and nearness to
    ``origin`` (lat, lon). Ties are broken by firm id.
    """
    on_node = (firms["node_id"] == node_id).fillna(False).to_numpy(dtype=bool).copy()
    sold = served.xs(node_code, level="input") if node_code in served.index.get_level_values("input") else served[:0]
    on_node[sold.index.to_numpy(dtype=np.int64)] = True
    on_node &= firms["known"].to_numpy(dtype=bool)
    if countries is not None:
        on_node &= firms["country"].isin(list(countries)).fillna(False).to_numpy(dtype=bool)
    on_node[np.asarray(list(exclude), dtype=np.int64)] = False
    pool = firms[on_node].copy()
    if pool.empty:
        return ()
    pool["customers_served"] = sold.reindex(pool.index, fill_value=0).astype(int)
    revenue = pd.to_numeric(pool["revenue"], errors="coerce") if "revenue" in pool else pd.Series(np.nan, pool.index)
    pool["revenue_"] = revenue
    parts = [revenue.rank(pct=True), pool["customers_served"].rank(pct=True)]
    pool["distance_km"] = np.nan
    if origin is not None and {"lat", "lon"} <= set(pool.columns):
        lat = pd.to_numeric(pool["lat"], errors="coerce").to_numpy(dtype=float)
        lon = pd.to_numeric(pool["lon"], errors="coerce").to_numpy(dtype=float)
        pool["distance_km"] = haversine_km(lat, lon, *origin)
        parts.append((-pool["distance_km"]).rank(pct=True))
    pool["score"] = pd.concat(parts, axis=1).mean(axis=1, skipna=True).fillna(0.0)
    best = pool.sort_values(["score", "firm_id"], ascending=[False, True]).head(top)
    n = len(pool)
    best = best.assign(revenue_rank=revenue.rank(ascending=False, method="min").reindex(best.index))
    return tuple(
        Candidate(
            firm_id=str(r["firm_id"]),
            name=_text(r.get("name")),
            region_id=_text(r["region_id"]),
            country=_text(r["country"]),
            score=round(float(r["score"]), 4),
            revenue=None if pd.isna(r["revenue_"]) else float(r["revenue_"]),
            customers_served=int(r["customers_served"]),
            distance_km=None if pd.isna(r["distance_km"]) else round(float(r["distance_km"]), 1),
            reason_zh=_reason_zh(r, n, node_name[0]),
            reason_en=_reason_en(r, n, node_name[1]),
        )
        for r in best.to_dict("records")
    )


def _text(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def _where(r: Mapping[Any, Any]) -> str:
    """Region name (when the firm table has ``region_name``), else region id, else country."""
    return _text(r.get("region_name")) or _text(r["region_id"]) or _text(r["country"]) or "?"


def _reason_zh(r: Mapping[Any, Any], n: int, node: str) -> str:
    parts = [f"位于{_where(r)}"]
    if not pd.isna(r["revenue_rank"]):
        parts.append(f"营业收入 {r['revenue_']:,.0f}（{n} 家候选中第 {int(r['revenue_rank'])} 位）")
    served = int(r["customers_served"])
    parts.append(f"已向 {served} 家客户供应{node}" if served else f"属{node}环节，尚未见供应记录")
    if not pd.isna(r["distance_km"]):
        parts.append(f"距本地区约 {r['distance_km']:,.0f} 公里")
    return "；".join(parts)


def _reason_en(r: Mapping[Any, Any], n: int, node: str) -> str:
    parts = [f"in {_where(r)}"]
    if not pd.isna(r["revenue_rank"]):
        parts.append(f"revenue {r['revenue_']:,.0f} (rank {int(r['revenue_rank'])} of {n} candidates)")
    served = int(r["customers_served"])
    if served:
        parts.append(f"already supplies {node} to {served} customer{'s' if served > 1 else ''}")
    else:
        parts.append(f"on {node}, no supply seen yet")
    if not pd.isna(r["distance_km"]):
        parts.append(f"about {r['distance_km']:,.0f} km from the region")
    return "; ".join(parts)
