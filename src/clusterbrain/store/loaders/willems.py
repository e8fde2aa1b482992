"""Willems (2008) multi-echelon supply chains: stages as firms, arcs as supply links.

Layouts (the normalised tables of the 38 chains):

``willems-stages``
    ``chain_id, stage_id, lead_time, max_s_time, cost_rate, ...``: one firm per stage.
``willems-arcs``
    ``chain_id, upstream_stage, downstream_stage, quantity``: one link per arc.

Stage ids repeat across chains (every chain has a ``Part_0001``), so the firm id joins the
chain and the stage: ``W01-Part_0001``.

References
----------
.. [1] S. P. Willems, "Data Set - Real-World Multiechelon Supply Chains Used for Inventory
   Optimization", Manufacturing & Service Operations Management 10(1), 19-23, 2008.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pacsv

from clusterbrain.exceptions import SchemaError
from clusterbrain.store.loaders._base import Loader, canonical_table, has_columns

__all__ = [
    "UNKNOWN_COUNTRY",
    "WILLEMS_ARCS",
    "WILLEMS_STAGES",
    "read_willems_arcs",
    "read_willems_stages",
    "stage_firm_id",
]

UNKNOWN_COUNTRY = "ZZ"
"""ISO 3166 user-assigned code used for "unknown country": the chains are anonymised."""
TAG = "willems"


def stage_firm_id(
    chain_id: pa.Array | pa.ChunkedArray, stage: pa.Array | pa.ChunkedArray
) -> pa.ChunkedArray | pa.Array:
    """Return the firm ids ``W<chain, 2 digits>-<stage>`` of chain/stage pairs.

    Examples
    --------
    >>> import pyarrow as pa
    >>> stage_firm_id(pa.array([1, 38]), pa.array(["Part_0001", "Retail_0003"])).to_pylist()
    ['W01-Part_0001', 'W38-Retail_0003']
    """
    chain = pc.utf8_lpad(chain_id.cast(pa.string()), width=2, padding="0")
    return pc.binary_join_element_wise("W", chain, "-", stage.cast(pa.string()), "")


def _read(path: Path, required: tuple[str, ...], text: tuple[str, ...]) -> pa.Table:
    raw = pacsv.read_csv(
        path,
        convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(text, pa.string())),
    )
    missing = [c for c in required if c not in raw.column_names]
    if missing:
        raise SchemaError(f"{Path(path).name}: missing column(s) {missing} of this layout.")
    return raw


def read_willems_stages(path: Path) -> pa.Table:
    """Read ``willems_stages.csv`` as a ``firms`` table, one firm per stage.

    Returns
    -------
    pyarrow.Table
        ``firm_id`` and ``name`` = ``W<chain>-<stage_id>``; ``tags`` =
        ``willems;<stage type>`` with the type taken from the stage id (Part, Manuf, Dist,
        Trans, Retail); ``region_id`` null and ``country`` ``ZZ`` (unknown): the firms
        table needs a region or a country and the data set is anonymised. The inventory
        parameters (lead time, cost rate, demand) have no firms column and are not read.
    """
    raw = _read(path, ("chain_id", "stage_id"), ("stage_id",))
    ids = stage_firm_id(raw["chain_id"], raw["stage_id"])
    kind = pc.replace_substring_regex(raw["stage_id"], r"_.*$", "")  # Part_0001 -> Part
    tags = pc.binary_join_element_wise(TAG, kind, ";")
    return canonical_table(
        "firms",
        {"firm_id": ids, "name": ids, "tags": tags, "country": UNKNOWN_COUNTRY},
        raw.num_rows,
    )


def read_willems_arcs(path: Path) -> pa.Table:
    """Read ``willems_arcs.csv`` as a ``links`` table, one link per supply arc.

    Returns
    -------
    pyarrow.Table
        ``supplier_id`` = upstream stage, ``customer_id`` = downstream stage (ids as in
        :func:`read_willems_stages`), ``quantity`` = the bill-of-material quantity; ``year``,
        ``value`` and ``product`` are null. Both ends are stages of the same data set, so
        neither is marked external.
    """
    raw = _read(
        path,
        ("chain_id", "upstream_stage", "downstream_stage"),
        ("upstream_stage", "downstream_stage"),
    )
    quantity = raw["quantity"] if "quantity" in raw.column_names else None
    return canonical_table(
        "links",
        {
            "supplier_id": stage_firm_id(raw["chain_id"], raw["upstream_stage"]),
            "customer_id": stage_firm_id(raw["chain_id"], raw["downstream_stage"]),
            "quantity": quantity,
            "supplier_external": False,
            "customer_external": False,
        },
        raw.num_rows,
    )


WILLEMS_STAGES = Loader(
    name="willems-stages",
    kind="firms",
    description="Willems (2008) supply-chain stages (chain_id, stage_id, lead_time, ...).",
    detect=has_columns("chain_id", "stage_id", "lead_time"),
    read=read_willems_stages,
)
WILLEMS_ARCS = Loader(
    name="willems-arcs",
    kind="links",
    description="Willems (2008) supply-chain arcs (chain_id, upstream_stage, downstream_stage, quantity).",
    detect=has_columns("chain_id", "upstream_stage", "downstream_stage"),
    read=read_willems_arcs,
)
