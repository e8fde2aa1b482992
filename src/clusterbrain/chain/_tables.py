"""The firm, assignment and link tables of a chain analysis, checked and reduced to what it uses."""

from __future__ import annotations

import numpy as np
import pandas as pd

from clusterbrain._validation import check_scalar
from clusterbrain.chain._inputs import frame, nonnegative, region_text
from clusterbrain.exceptions import InvalidParameterError

__all__ = ["assignment_table", "firm_table", "link_table"]


def firm_table(firms: pd.DataFrame, regions: frozenset[str], home_country: str, func: str) -> pd.DataFrame:
    """Firms with ``local`` (region in ``regions``) and ``home`` (country, missing read as home)."""
    frame(firms, "firms", func, ("firm_id", "region_id", "employees", "revenue"))
    if firms["firm_id"].duplicated().any():
        dup = firms.loc[firms["firm_id"].duplicated(), "firm_id"].iloc[0]
        raise InvalidParameterError(
            f"The 'firms' parameter of {func} must have unique firm_id values. Got {dup!r} twice."
        )
    country = firms["country"] if "country" in firms else pd.Series(np.nan, index=firms.index, dtype=object)
    out = pd.DataFrame(
        {
            "firm_id": firms["firm_id"],
            "name": firms["name"] if "name" in firms else firms["firm_id"],
            "region_id": region_text(firms["region_id"]),
            "country": country.astype(object).where(country.notna(), None),
            "employees": nonnegative(firms["employees"], "employees", func, fill=0.0),
            "revenue": nonnegative(firms["revenue"], "revenue", func, fill=0.0),
        }
    )
    out["local"] = out["region_id"].isin(regions).fillna(False).astype(bool).to_numpy()
    out["home"] = (out["country"].fillna(home_country) == home_country).to_numpy()
    return out


def assignment_table(assignments: pd.DataFrame, node_ids: pd.Index, min_confidence: float, func: str) -> pd.DataFrame:
    """Distinct (firm_id, node_id) pairs on the template's nodes with enough confidence."""
    frame(assignments, "assignments", func, ("firm_id", "node_id"))
    a = assignments
    if "confidence" in a and min_confidence > 0:
        a = a[nonnegative(a["confidence"], "confidence", func) >= min_confidence]
    a = a.loc[a["node_id"].isin(node_ids), ["firm_id", "node_id"]]
    return a.drop_duplicates()


def link_table(links: pd.DataFrame, year: int | None, func: str) -> pd.DataFrame:
    """Supplier, customer, value (and product) of the links, of one year if ``year`` is given."""
    frame(links, "links", func, ("supplier_id", "customer_id", "value"))
    if year is not None:
        check_scalar(year, "year", func, integer=True)
        frame(links, "links", func, ("supplier_id", "customer_id", "value", "year"))
        links = links[links["year"] == year]
    cols = ["supplier_id", "customer_id", "value"] + (["product"] if "product" in links else [])
    out = links[cols].copy()
    out["value"] = nonnegative(out["value"], "value", func)
    return out
