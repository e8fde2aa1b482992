"""Inputs of a shock study: the workspace's firm network with its labels, and the shocked firms."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from clusterbrain._validation import check_scalar
from clusterbrain.chain import map_firms
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.network.shock import ProductionNetwork
from clusterbrain.store.frames import firm_nodes_frame, firms_frame, links_frame, region_and_descendants
from clusterbrain.workflow.chains import load_chain

__all__ = ["ShockNetwork", "build_shock_network", "shock_target"]

_DAYS_PER_YEAR = 365.0


@dataclass(frozen=True, eq=False)
class ShockNetwork:
    """The workspace's firm network with the labels behind its integer codes.

    ``firms`` has one row per firm number: ``firm_id``, ``name``, ``region_id``, ``country``,
    ``node_id`` and ``external`` (an end of a link that is not in the firms table).
    """

    network: ProductionNetwork
    firms: pd.DataFrame
    nodes: tuple[str, ...]
    regions: tuple[str, ...]
    countries: tuple[str, ...]
    chain_id: str | None


def _firm_nodes(con: duckdb.DuckDBPyConnection, chain_id: str, firms: pd.DataFrame, links: pd.DataFrame) -> pd.Series:
    assignments = firm_nodes_frame(con, chain_id)
    if assignments.empty:
        assignments = map_firms(firms, load_chain(chain_id, con), links=links).assignments
    return assignments.set_index("firm_id")["node_id"]


def build_shock_network(
    con: duckdb.DuckDBPyConnection, *, chain_id: str | None = None, spare_capacity: float = 0.1
) -> ShockNetwork:
    """Build the production network of the workspace.

    Daily link flows are the yearly ``value`` (else ``quantity``, else 1) over 365; daily
    output is revenue over 365, raised by the engine to cover sales and purchases; capacity
    is output times ``1 + spare_capacity``. A link's input group is its ``product``, else its
    supplier's node on ``chain_id`` (or, without a chain, the product the supplier sells most).

    Raises
    ------
    InvalidParameterError
        If the workspace has no supply links, or ``chain_id`` is not a known chain.
    """
    check_scalar(spare_capacity, "spare_capacity", "build_shock_network", low=0)
    links = links_frame(con)
    if links.empty:
        raise InvalidParameterError("the workspace has no supply links: import links before a shock study")
    if links["year"].notna().any():
        links = links[links["year"].isna() | (links["year"] == links["year"].max())]
    firms = firms_frame(con)
    ids = pd.Index(firms["firm_id"])
    outside = pd.Index(pd.concat([links["supplier_id"], links["customer_id"]]).unique()).difference(ids)
    table = pd.concat(
        [
            firms[["firm_id", "name", "region_id", "country", "revenue"]].assign(external=False),
            pd.DataFrame({"firm_id": outside, "name": outside, "external": True}),
        ],
        ignore_index=True,
    )
    number = pd.Series(np.arange(len(table)), index=table["firm_id"])
    sup = number[links["supplier_id"]].to_numpy()
    cus = number[links["customer_id"]].to_numpy()
    amount = links["value"].fillna(links["quantity"] if "quantity" in links else np.nan).fillna(1.0)
    flow = amount.to_numpy(dtype=np.float64) / _DAYS_PER_YEAR

    if chain_id is not None:
        node = table["firm_id"].map(_firm_nodes(con, chain_id, firms, links))
    else:
        sold = links.dropna(subset=["product"]).groupby(["supplier_id", "product"]).size().reset_index(name="k")
        top = sold.sort_values(["supplier_id", "k"], ascending=[True, False]).drop_duplicates("supplier_id")
        node = table["firm_id"].map(top.set_index("supplier_id")["product"])
    table["node_id"] = node.astype("string")
    node_codes, nodes = pd.factorize(pd.concat([table["node_id"], links["product"].astype("string")]))
    firm_node = node_codes[: len(table)]
    link_group = node_codes[len(table) :]
    link_group = np.where(link_group >= 0, link_group, firm_node[sup])
    region_codes, regions = pd.factorize(table["region_id"])
    country_codes, countries = pd.factorize(table["country"])
    revenue = table["revenue"].astype("float64").fillna(0.0).clip(lower=0).to_numpy() / _DAYS_PER_YEAR
    arrays = {
        "n_firms": len(table),
        "group": link_group.astype(np.int64),
        "firm_group": firm_node.astype(np.int32),
        "firm_region": region_codes.astype(np.int32),
        "firm_country": country_codes.astype(np.int32),
    }
    base = ProductionNetwork.from_links(sup, cus, flow, output=revenue, **arrays)
    net = ProductionNetwork.from_links(
        sup, cus, flow, output=base.output, capacity=base.output * (1 + spare_capacity), **arrays
    )
    return ShockNetwork(
        net,
        table.drop(columns="revenue"),
        tuple(map(str, nodes)),
        tuple(map(str, regions)),
        tuple(map(str, countries)),
        chain_id,
    )


def shock_target(
    con: duckdb.DuckDBPyConnection,
    sn: ShockNetwork,
    firms: list[str] | None,
    node: str | None,
    region: str | None,
    country: str | None,
) -> tuple[str, str, np.ndarray]:
    """The shocked firms as a mask, with the kind and label of the target.

    Raises
    ------
    InvalidParameterError
        If not exactly one target is given, or the target has no firm (the message names it).
    """
    given = {k: v for k, v in {"firms": firms, "node": node, "region": region, "country": country}.items() if v}
    if len(given) != 1:
        raise InvalidParameterError(
            f"give exactly one shock target among firms, node, region and country; got {sorted(given) or 'none'}"
        )
    kind, value = next(iter(given.items()))
    table = sn.firms
    if kind == "firms":
        wanted = pd.Index([str(f) for f in value])  # type: ignore[union-attr]
        unknown = wanted.difference(pd.Index(table["firm_id"]))
        if len(unknown):
            raise InvalidParameterError(f"no firm {', '.join(map(repr, unknown[:5]))} in the workspace's network")
        return kind, ", ".join(wanted[:5]), table["firm_id"].isin(wanted).to_numpy()
    if kind == "node":
        if sn.chain_id is None:
            raise InvalidParameterError("a node shock needs the chain: pass chain_id with node")
        mask = (table["node_id"] == value).fillna(False).to_numpy(dtype=bool)
        if not mask.any():
            raise InvalidParameterError(
                f"no firm on node {value!r} of chain {sn.chain_id!r}; nodes with firms: "
                f"{', '.join(sorted(set(sn.nodes)))}"
            )
        return kind, str(value), mask
    if kind == "region":
        below = region_and_descendants(con, str(value))
        mask = table["region_id"].isin(below).to_numpy()
        if not mask.any():
            raise InvalidParameterError(f"no firm in region {value!r} or the regions below it")
        return kind, str(value), mask
    mask = (table["country"] == value).fillna(False).to_numpy(dtype=bool)
    if not mask.any():
        raise InvalidParameterError(f"no firm of country {value!r}; countries: {', '.join(sorted(sn.countries))}")
    return kind, str(value), mask
