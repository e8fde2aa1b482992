"""Node activity and location quotient from region x industry statistics (the code-based chain analysis)."""

from __future__ import annotations

import pandas as pd

from clusterbrain._validation import check_scalar
from clusterbrain.chain._inputs import frame, nonnegative
from clusterbrain.chain.template import ChainTemplate
from clusterbrain.exceptions import InvalidParameterError

__all__ = ["stats_nodes"]


def stats_nodes(
    template: ChainTemplate, stats: pd.DataFrame, regions: frozenset[str], scheme: str, year: int | None, func: str
) -> pd.DataFrame:
    """Per node (index ``node_id``): matched ``industries``, ``local_value``, ``national_value``, ``location_quotient``.

    An industry of ``stats`` matches a node code when either is a prefix of the other; each
    industry counts once per node however many of its codes it matches. The benchmark is the
    sum over every region of ``stats``. The quotient is NaN where the node has no activity
    anywhere (0 / 0).
    """
    frame(stats, "stats", func, ("region", "industry", "value"))
    if not isinstance(scheme, str) or not scheme:
        raise InvalidParameterError(
            f"The 'scheme' parameter of {func} must be a non-empty str. Got {scheme!r} instead."
        )
    lacking = [n.id for n in template.nodes if not n.codes.get(scheme)]
    if lacking:
        raise InvalidParameterError(
            f"The 'template' parameter of {func} must give every node codes in scheme {scheme!r}. "
            f"Got none for {', '.join(lacking)}."
        )
    s = stats
    if year is not None:
        check_scalar(year, "year", func, integer=True)
        frame(stats, "stats", func, ("region", "industry", "value", "year"))
        s = s[s["year"] == year]
    elif "year" in s and s["year"].nunique() > 1:
        raise InvalidParameterError(
            f"The 'year' parameter of {func} must choose one year when stats holds several. "
            f"Got None instead (years: {', '.join(map(str, sorted(s['year'].unique())))})."
        )
    s = pd.DataFrame(
        {
            "region": s["region"].astype("string"),
            "industry": s["industry"].astype("string"),
            "value": nonnegative(s["value"], "value", func),
        }
    )
    local = s["region"].isin(regions).fillna(False).astype(bool)
    by_industry = pd.DataFrame(
        {
            "local_value": s[local].groupby("industry")["value"].sum(),
            "national_value": s.groupby("industry")["value"].sum(),
        }
    ).fillna(0.0)

    # Node codes x industries: small (template codes times the codes in stats), not firms.
    codes = pd.DataFrame([(n.id, c) for n in template.nodes for c in n.codes[scheme]], columns=["node_id", "code"])
    pairs = codes.merge(pd.DataFrame({"industry": by_industry.index.astype(str)}), how="cross")
    hit = [i.startswith(c) or c.startswith(i) for c, i in zip(pairs["code"], pairs["industry"], strict=True)]
    matched = pairs[hit].drop_duplicates(["node_id", "industry"])
    matched = matched.join(by_industry, on="industry")
    node_ids = pd.Index([n.id for n in template.nodes], name="node_id")
    out = pd.DataFrame(index=node_ids)
    out["industries"] = matched.groupby("node_id")["industry"].agg(sorted).reindex(node_ids)
    out["industries"] = out["industries"].map(lambda v: v if isinstance(v, list) else [])
    sums = matched.groupby("node_id")[["local_value", "national_value"]].sum().reindex(node_ids, fill_value=0.0)
    out["local_value"] = sums["local_value"]
    out["national_value"] = sums["national_value"]
    region_total, total = float(s.loc[local, "value"].sum()), float(s["value"].sum())
    if region_total <= 0:
        raise InvalidParameterError(
            f"The 'regions' parameter of {func} must name regions with activity in stats. "
            f"Got {sorted(regions)!r} instead (their total value is 0)."
        )
    share = out["national_value"] / total
    out["location_quotient"] = (out["local_value"] / region_total) / share.where(share > 0)
    return out
