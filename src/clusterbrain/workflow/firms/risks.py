"""Supply-side risk flags (from the network engine's indicators) and the local share of each firm's partners."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from clusterbrain.network.graph import firm_network, sole_source_inputs, supplier_concentration

__all__ = ["HHI_HIGH", "link_locality", "supply_risk_flags"]

HHI_HIGH = 0.25
"""Supplier concentration flagged at HHI >= 0.25 (2,500 on the 0–10,000 scale: "highly concentrated"
in the U.S. DOJ/FTC Horizontal Merger Guidelines, 2010, §5.3)."""


def _weights(links: pd.DataFrame) -> pd.Series:
    value = pd.to_numeric(links["value"], errors="coerce")
    # Links without a value count as one unit each, so concentration still reflects the supplier count.
    return value.where(value > 0, 1.0).fillna(1.0)


def supply_risk_flags(
    links: pd.DataFrame,
    firms: pd.DataFrame,
    *,
    hhi_threshold: float = HHI_HIGH,
    home_country: str = "CN",
) -> pd.DataFrame:
    r"""Supplier concentration, foreign sole sources and sole sources of unknown origin of every buying firm.

    Supplier concentration is the Herfindahl–Hirschman index of the firm's purchases over
    its suppliers,

    .. math:: H_c = \sum_s \left( \frac{v_{sc}}{\sum_{s'} v_{s'c}} \right)^2 ,

    from :math:`1/n` (even purchases from :math:`n` suppliers) to 1 (a single supplier);
    flagged at :math:`H_c \ge` ``hhi_threshold``. A sole source is an input (a link
    ``product``, i.e. a chain node) bought from exactly one supplier. It is *foreign* when that
    supplier's ``country`` is known and not ``home_country``, and *of unknown origin* when the
    supplier is outside the firms table (``supplier_external``): as in the network risk report
    (:func:`clusterbrain.network.risks.risk_warnings`), a supplier of unknown location is never
    counted as foreign.

    Both come from the network engine: :func:`clusterbrain.network.graph.supplier_concentration`
    and :func:`clusterbrain.network.graph.sole_source_inputs` on the links' network, with the
    link ``product`` as the input node.

    Returns
    -------
    pandas.DataFrame
        One row per buying firm: ``firm_id, suppliers, input_value, supplier_hhi,
        supplier_concentration, foreign_sole_source_inputs, foreign_sole_source,
        unknown_origin_sole_source_inputs, unknown_origin_sole_source`` (the inputs as
        ``;``-separated products).

    References
    ----------
    Hirschman, A. O. (1964). The paternity of an index. *American Economic Review* 54(5), 761.
    U.S. Department of Justice & Federal Trade Commission (2010). Horizontal Merger Guidelines, §5.3.

    >>> links = pd.DataFrame({"supplier_id": ["a", "b", "x"], "customer_id": ["c", "c", "d"],
    ...                       "value": [3.0, 1.0, 5.0], "product": ["p", "q", "p"],
    ...                       "supplier_external": [False, False, True]})
    >>> firms = pd.DataFrame({"firm_id": ["a", "b", "c", "d"], "country": ["CN", "JP", "CN", "CN"]})
    >>> flags = supply_risk_flags(links, firms)
    >>> flags[["firm_id", "supplier_hhi", "foreign_sole_source_inputs", "unknown_origin_sole_source_inputs"]].values.tolist()
    [['c', 0.625, 'q', ''], ['d', 1.0, '', 'p']]
    """
    cols = ["firm_id", "suppliers", "input_value", "supplier_hhi", "supplier_concentration",
            "foreign_sole_source_inputs", "foreign_sole_source", "unknown_origin_sole_source_inputs",
            "unknown_origin_sole_source"]  # fmt: skip
    if links.empty:
        return pd.DataFrame(columns=cols)
    weighted = links.assign(value=_weights(links).to_numpy())
    products: list[str] = weighted["product"].dropna().astype(str).unique().tolist() if "product" in weighted else []
    attributes = pd.DataFrame(
        {
            "firm_id": firms["firm_id"].to_numpy(),
            "region_id": firms["region_id"].to_numpy() if "region_id" in firms else None,
            "country": firms["country"].to_numpy() if "country" in firms else None,
        }
    ).drop_duplicates("firm_id")
    net = firm_network(weighted, attributes, nodes=products, home_country=home_country)
    concentration = supplier_concentration(net, by="firm")
    out = pd.DataFrame(
        {
            "supplier_hhi": concentration["hhi"].astype(float),
            "suppliers": concentration["suppliers"].astype(int),
            "input_value": concentration["input_value"].astype(float),
        }
    ).sort_index()
    out["supplier_concentration"] = out["supplier_hhi"] >= hhi_threshold
    sole = sole_source_inputs(net, by="firm")
    sole = sole[sole["sole_source"]].sort_values(["group", "input_node"])
    unknown = sole["supplier_country"].isna()
    for kind, rows in (("foreign", ~unknown & (sole["supplier_country"] != home_country)), ("unknown_origin", unknown)):
        listed = sole[rows].groupby("group")["input_node"].agg(lambda s: ";".join(map(str, s)))
        out[f"{kind}_sole_source_inputs"] = listed.reindex(out.index).fillna("")
        out[f"{kind}_sole_source"] = out[f"{kind}_sole_source_inputs"] != ""
    return out.rename_axis("firm_id").reset_index()[cols]


def link_locality(links: pd.DataFrame, firms: pd.DataFrame, local_regions: Collection[str]) -> pd.DataFrame:
    r"""Each firm's suppliers and customers split into local (in ``local_regions``) and external.

    External partners are those in other regions, abroad, or outside the firms table. The
    local share of purchases is :math:`\ell^{in}_c = \sum_{s\,local} v_{sc} / \sum_s v_{sc}`,
    of sales likewise.

    Returns
    -------
    pandas.DataFrame
        One row per firm with links: ``firm_id, suppliers_local, suppliers_external,
        purchases_local_share, customers_local, customers_external, sales_local_share``.

    >>> links = pd.DataFrame({"supplier_id": ["a", "b"], "customer_id": ["c", "c"], "value": [3.0, 1.0]})
    >>> firms = pd.DataFrame({"firm_id": ["a", "b", "c"], "region_id": ["R", "S", "R"]})
    >>> link_locality(links, firms, {"R"}).set_index("firm_id").loc["c", "purchases_local_share"]
    np.float64(0.75)
    """
    region = firms.set_index("firm_id")["region_id"]
    local = set(local_regions)
    w = _weights(links).to_numpy()
    sup_local = links["supplier_id"].map(region).isin(local).to_numpy()
    cus_local = links["customer_id"].map(region).isin(local).to_numpy()
    parts = []
    for side, partner_local, prefix, share in (
        ("customer_id", sup_local, "suppliers", "purchases_local_share"),
        ("supplier_id", cus_local, "customers", "sales_local_share"),
    ):
        other = "supplier_id" if side == "customer_id" else "customer_id"
        f = pd.DataFrame({"firm_id": links[side].to_numpy(), "partner": links[other].to_numpy(),
                          "local": partner_local, "w": w})  # fmt: skip
        f["w_local"] = np.where(f["local"], f["w"], 0.0)
        g = f.groupby("firm_id", sort=True)
        local_n = f[f["local"]].groupby("firm_id")["partner"].nunique()
        ext_n = f[~f["local"]].groupby("firm_id")["partner"].nunique()
        part = pd.DataFrame({share: g["w_local"].sum() / g["w"].sum()})
        part[f"{prefix}_local"] = local_n.reindex(part.index).fillna(0).astype(int)
        part[f"{prefix}_external"] = ext_n.reindex(part.index).fillna(0).astype(int)
        parts.append(part)
    out = parts[0].join(parts[1], how="outer")
    for col in ("suppliers_local", "suppliers_external", "customers_local", "customers_external"):
        out[col] = out[col].fillna(0).astype(int)
    cols = ["suppliers_local", "suppliers_external", "purchases_local_share", "customers_local",
            "customers_external", "sales_local_share"]  # fmt: skip
    return out.rename_axis("firm_id").reset_index()[["firm_id", *cols]]
