"""The region tree of a workspace as plain mappings: regions below a region, ancestors at a level."""

from __future__ import annotations

import pandas as pd

__all__ = ["ancestor_at", "descendants"]


def descendants(regions: pd.DataFrame, region_id: str) -> set[str]:
    """``region_id`` and every region below it (``regions`` has ``region_id, parent_id``)."""
    children: dict[str, list[str]] = {}
    for rid, parent in zip(regions["region_id"], regions["parent_id"], strict=True):
        if isinstance(parent, str):
            children.setdefault(parent, []).append(rid)
    found, todo = {region_id}, [region_id]
    while todo:
        kids = children.get(todo.pop(), [])
        found.update(kids)
        todo.extend(kids)
    return found


def ancestor_at(regions: pd.DataFrame, region_ids: pd.Series, level: str) -> pd.Series:
    """The ancestor of each region at ``level`` (the region itself when it is at that level; else missing).

    >>> r = pd.DataFrame({"region_id": ["P", "C", "K"], "parent_id": [None, "P", "C"],
    ...                   "level": ["province", "city", "county"]})
    >>> ancestor_at(r, pd.Series(["K", "C", "X"]), "province").tolist()
    ['P', 'P', nan]
    """
    parent = dict(zip(regions["region_id"], regions["parent_id"], strict=True))
    levels = dict(zip(regions["region_id"], regions["level"], strict=True))
    current = region_ids.astype(object)
    found = pd.Series(pd.NA, index=region_ids.index, dtype=object)
    for _ in range(12):  # region trees are a few levels deep
        hit = current.map(levels) == level
        found = found.mask(hit & found.isna(), current)
        current = current.map(parent)
        if current.isna().all():
            break
    return found.where(found.notna(), float("nan"))
