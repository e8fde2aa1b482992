"""The purchases of groups of customer firms, per supplier: the one table the sourcing indicators read."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["GROUPINGS", "input_table"]

GROUPINGS = ("firm", "node", "region", "all")
"""How customer firms are grouped: each firm, its chain node, its region, or all together."""


def input_table(
    firms: pd.DataFrame, edges: pd.DataFrame, node_ids: pd.Index, *, by: str, per_input: bool, mask: np.ndarray
) -> pd.DataFrame:
    """Purchases per group (and input node) of the customers in ``mask``, with supplier statistics.

    Columns: ``input_value``, ``customers``, ``suppliers``, ``hhi``, ``top_supplier_id``,
    ``top_supplier_share``, ``foreign_value``, ``foreign_share``, ``unknown_share``,
    ``top_foreign_share``, ``top_foreign_id``; indexed by ``group`` (and ``input_node``, missing
    for purchases of unknown input node). Groups with no purchases are absent.
    """
    e = edges[mask[edges["customer"].to_numpy()]]
    if by == "firm":
        labels = firms["firm_id"].astype(object)
    elif by == "all":
        labels = pd.Series("all", index=firms.index, dtype=object)
    else:
        labels = firms["node_id" if by == "node" else "region_id"].astype(object)
    group_code, groups = pd.factorize(labels, sort=True)
    g = group_code[e["customer"].to_numpy()]
    e = e.assign(group=g)[g >= 0]
    keys = ["group", "input"] if per_input else ["group"]

    value = e.groupby(keys, sort=True)["value"].sum()
    bought = value.where(value > 0)
    ps = e.groupby([*keys, "supplier"], sort=True, as_index=False)[["value", "foreign", "unknown"]].agg(
        {"value": "sum", "foreign": "any", "unknown": "any"}
    )
    ps["share"] = (
        ps["value"] / bought.reindex(pd.MultiIndex.from_frame(ps[keys]) if per_input else ps["group"]).to_numpy()
    )
    ids = firms["firm_id"].to_numpy()
    out = pd.DataFrame({"input_value": value})
    out["customers"] = e.groupby(keys)["customer"].nunique()
    out["suppliers"] = ps.groupby(keys).size()
    out["hhi"] = (ps["share"] ** 2).groupby([ps[k] for k in keys]).sum().reindex(out.index).where(bought.notna())
    top = _top(ps, keys)
    out["top_supplier_id"] = pd.Series(ids[top["supplier"].to_numpy()], index=top.index).reindex(out.index)
    out["top_supplier_share"] = top["share"].reindex(out.index)
    out["foreign_value"] = ps[ps["foreign"]].groupby(keys)["value"].sum().reindex(out.index, fill_value=0.0)
    out["foreign_share"] = out["foreign_value"] / bought
    out["unknown_share"] = ps[ps["unknown"]].groupby(keys)["value"].sum().reindex(out.index, fill_value=0.0) / bought
    top = _top(ps[ps["foreign"]], keys)
    out["top_foreign_share"] = top["share"].reindex(out.index, fill_value=0.0).where(bought.notna())
    out["top_foreign_id"] = pd.Series(ids[top["supplier"].to_numpy()], index=top.index, dtype=object).reindex(out.index)
    return _label(out, groups, node_ids, per_input)


def _top(ps: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The largest supplier of each group (ties: the lower firm code), indexed by ``keys``."""
    order = ps.sort_values([*keys, "value", "supplier"], ascending=[*([True] * len(keys)), False, True])
    return order.drop_duplicates(keys).set_index(keys)


def _label(out: pd.DataFrame, groups: pd.Index, node_ids: pd.Index, per_input: bool) -> pd.DataFrame:
    if per_input:
        g = out.index.get_level_values("group").to_numpy()
        i = out.index.get_level_values("input").to_numpy()
        nodes = np.asarray(node_ids, dtype=object)
        node = np.where(i >= 0, nodes[np.clip(i, 0, max(len(nodes) - 1, 0))] if len(nodes) else None, None)
        out.index = pd.MultiIndex.from_arrays(
            [np.asarray(groups, dtype=object)[g], node], names=["group", "input_node"]
        )
    else:
        out.index = pd.Index(np.asarray(groups, dtype=object)[out.index.to_numpy()], name="group")
    out["customers"] = out["customers"].astype(int)
    out["suppliers"] = out["suppliers"].astype(int)
    return out
