"""Synthetic supply links along the chain edges, streamed in chunks of customers.

Each customer draws a Poisson number of supplier relationships (more for larger firms),
spreads them over the chain edges into its node in proportion to the edge weights, picks the
supplier's location class (same province, other province, abroad) by a table that encodes the
planted gaps, and within that class picks a supplier with probability proportional to
``employees ** 0.8`` (so large suppliers collect many customers: a heavy-tailed degree
distribution). A relationship lasts a run of consecutive years; each year is one row of
``links``. The number of rows is trimmed chunk by chunk to hit ``n_links`` exactly (unless the
customers cannot carry that many distinct relationships, which only happens far above 5 links
per firm).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from clusterbrain.demo._arrow import arrow_schema, table_from_columns
from clusterbrain.demo._firmcore import FOCUS, FOREIGN, OTHER, FirmCore
from clusterbrain.demo._names import external_ids, external_per_node, firm_ids
from clusterbrain.demo.chains import FOREIGN_DEPENDENT, MISSING, SOLE_SOURCE, layout

__all__ = ["LinkPlan", "LinkTotals", "link_chunk", "links_schema", "plan_links"]

_DEFAULT_CLASS = (0.60, 0.32, 0.08)  # same province, other province, abroad
_HIGH_TECH_CLASS = (0.45, 0.37, 0.18)
_NONLOCAL_CLASS = (0.60, 0.30, 0.10)
_OVERSAMPLE = (1.3, 2.0, 4.0)  # draws tried in turn until a chunk can reach its row target
_EXTERNAL_SHARE = 0.005
_DOMESTIC_FD_SCALE = 0.05  # a domestic supplier of a foreign-dependent node sells only small add-ons
_LINK_COLUMNS = ("supplier_id", "customer_id", "year", "value", "product", "supplier_external")


def links_schema() -> pa.Schema:
    """Arrow schema of the demo's ``links.parquet``."""
    return arrow_schema("links", _LINK_COLUMNS)


def _class_table() -> np.ndarray:
    """Probability of each supplier class, shape (2 customer kinds: local/not, n_nodes, 3).

    High-barrier upstream nodes (barrier 5: lithography, photoresist, EDA …) are bought
    abroad more often than the rest; the planted nodes have their own rows.
    """
    chains = layout()
    table = np.empty((2, chains.n_nodes, 3))
    table[0, :] = _DEFAULT_CLASS
    table[1, :] = _NONLOCAL_CLASS
    table[0, chains.indices(_high_tech_nodes())] = _HIGH_TECH_CLASS
    for j in chains.indices(MISSING):
        table[0, j] = (0.0, 0.8, 0.2)
        table[1, j] = (0.0, 0.85, 0.15)
    for j in chains.indices(SOLE_SOURCE):
        table[0, j] = (1.0, 0.0, 0.0)
    for j in chains.indices(FOREIGN_DEPENDENT):
        table[0, j] = (0.04, 0.06, 0.90)
        table[1, j] = (0.10, 0.10, 0.80)
    return np.cumsum(table, axis=2)


def _high_tech_nodes() -> tuple[str, ...]:
    return tuple(n.id for t in layout().templates for n in t.nodes if n.barrier >= 5 and n.stage == "upstream")


@dataclass(frozen=True)
class LinkPlan:
    """Everything the chunks share: supplier pools, edge tables and row targets."""

    order: np.ndarray  # firm numbers (int32) sorted by (node, class)
    cum_weight: np.ndarray  # running sum of supplier weights in that order
    bounds: np.ndarray  # (n_nodes * 3 + 1) start offsets of each (node, class) pool
    in_edges: np.ndarray  # (n_nodes, max_in) incoming edge numbers, -1 padded
    in_cum: np.ndarray  # cumulative share of each incoming edge
    class_cum: np.ndarray  # from _class_table
    chunks: list[tuple[int, int, int]]  # (start, stop, target rows)


@dataclass
class LinkTotals:
    """Purchases of focus-province customers by product node (all years and last year)."""

    value: np.ndarray = field(default_factory=lambda: np.zeros(layout().n_nodes))
    foreign: np.ndarray = field(default_factory=lambda: np.zeros(layout().n_nodes))
    local: np.ndarray = field(default_factory=lambda: np.zeros(layout().n_nodes))
    last_value: float = 0.0
    last_local: float = 0.0
    sole_suppliers: dict[str, set[int]] = field(default_factory=dict)
    sole_customers: dict[str, int] = field(default_factory=dict)
    external_rows: int = 0


def _customer_weight(core: FirmCore, start: int, stop: int, last_year: int) -> np.ndarray:
    """Weight of firms ``start:stop`` as customers: sqrt(employees), 0 if they buy nothing."""
    has_in = np.zeros(layout().n_nodes, dtype=bool)
    has_in[layout().edge_arrays[1]] = True
    buys = has_in[core.node[start:stop]] & (core.founded[start:stop] <= last_year)
    return np.where(buys, np.sqrt(core.employees[start:stop].astype(np.float64)), 0.0)


def plan_links(core: FirmCore, years: tuple[int, ...], n_links: int, customers_per_chunk: int) -> LinkPlan:
    """Build the supplier pools and split ``n_links`` rows over chunks of customers."""
    n_nodes = layout().n_nodes
    key = core.node.astype(np.int16) * 3 + core.category
    order = np.argsort(key, kind="stable").astype(np.int32)
    bounds = np.searchsorted(key[order], np.arange(n_nodes * 3 + 1))
    del key
    cum_weight = np.cumsum(core.employees[order].astype(np.float64) ** 0.8)
    _, cus, w = layout().edge_arrays
    max_in = max(int((cus == j).sum()) for j in range(n_nodes))
    in_edges = np.full((n_nodes, max(1, max_in)), -1, dtype=np.int64)
    in_cum = np.ones((n_nodes, max(1, max_in)))
    for j in range(n_nodes):
        e = np.flatnonzero(cus == j)
        in_edges[j, : len(e)] = e
        in_cum[j, : len(e)] = np.cumsum(w[e]) / max(w[e].sum(), 1e-12)
    starts = range(0, core.n, customers_per_chunk)
    weights = [float(_customer_weight(core, a, min(core.n, a + customers_per_chunk), years[-1]).sum()) for a in starts]
    total = sum(weights)
    chunks: list[tuple[int, int, int]] = []
    done_weight, done_rows = 0.0, 0
    for start, weight in zip(starts, weights, strict=True):
        done_weight += weight
        upto = round(n_links * done_weight / total) if total > 0 else 0
        chunks.append((start, min(core.n, start + customers_per_chunk), upto - done_rows))
        done_rows = upto
    return LinkPlan(order, cum_weight, bounds, in_edges, in_cum, _class_table(), chunks)


def _pick(plan: LinkPlan, rng: np.random.Generator, pool: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pick one firm per row from pool ``pool`` (node * 3 + class); return firms and an empty-pool mask."""
    lo, hi = plan.bounds[pool], plan.bounds[pool + 1]
    empty = hi <= lo
    base = np.where(lo > 0, plan.cum_weight[np.maximum(lo - 1, 0)], 0.0)
    top = plan.cum_weight[np.maximum(hi - 1, 0)]
    pos = np.searchsorted(plan.cum_weight, base + rng.random(len(pool)) * (top - base), side="right")
    pos = np.clip(pos, lo, np.maximum(hi - 1, lo))
    return plan.order[np.minimum(pos, len(plan.order) - 1)], empty


def _available_class(plan: LinkPlan, node: np.ndarray, klass: np.ndarray) -> np.ndarray:
    """The drawn supplier class, or where the node has no firm of it, the first that has one.

    Fallback order: other provinces, the focus province, abroad. A small data set spreads its
    few firms elsewhere thinly over the chain nodes; without the fallback most of their
    purchases would go to suppliers outside the data. Planted nodes keep their classes (the
    pools they draw from are never empty).
    """
    sizes = np.diff(plan.bounds).reshape(-1, 3)
    order = np.array([[c, *(k for k in (OTHER, FOCUS, FOREIGN) if k != c)] for c in (FOCUS, OTHER, FOREIGN)])
    candidates = order[klass]
    has = sizes[node[:, None], candidates] > 0
    return np.where(has.any(axis=1), candidates[np.arange(len(klass)), has.argmax(axis=1)], klass)


def _relationships(
    plan: LinkPlan,
    core: FirmCore,
    years: tuple[int, ...],
    start: int,
    stop: int,
    expected: np.ndarray,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Draw distinct (customer, supplier) relationships of customers ``start:stop`` and their years."""
    k = rng.poisson(expected)
    cust = np.repeat(np.arange(start, stop), k)
    k_of = np.repeat(k, k).astype(np.float64)
    c_node = core.node[cust].astype(np.int64)
    edge_pos = (rng.random(len(cust))[:, None] > plan.in_cum[c_node]).sum(axis=1)
    edge = plan.in_edges[c_node, np.minimum(edge_pos, plan.in_edges.shape[1] - 1)]
    chains = layout()
    s_node = chains.edge_arrays[0][edge]
    local_c = (core.category[cust] == FOCUS).astype(np.int64)
    klass = (rng.random(len(cust))[:, None] > plan.class_cum[1 - local_c, s_node, :2]).sum(axis=1)
    klass = _available_class(plan, s_node, klass)
    supplier, empty = _pick(plan, rng, s_node * 3 + klass)
    planted = np.isin(s_node, chains.indices((*SOLE_SOURCE, *FOREIGN_DEPENDENT)))
    external = empty | (~planted & (rng.random(len(cust)) < _EXTERNAL_SHARE))
    n_ext = external_per_node()
    s_code = np.where(external, core.n + s_node * n_ext + rng.integers(0, n_ext, len(cust)), supplier)

    # One relationship per (customer, supplier): np.unique also sorts them by customer, supplier.
    _, first = np.unique(cust.astype(np.int64) * (core.n + chains.n_nodes * n_ext) + s_code, return_index=True)
    out = {
        "cust": cust[first],
        "s_code": s_code[first],
        "s_node": s_node[first],
        "klass": klass[first],
        "external": external[first],
        "edge": edge[first],
        "k_of": k_of[first],
        "local_c": local_c[first],
    }
    out["supplier"] = np.where(out["external"], 0, out["s_code"])

    # Active years: a consecutive run, never before both firms exist.
    m, n_y = len(first), len(years)
    begin = np.where(rng.random(m) < 0.55, 0, rng.integers(0, n_y, m))
    end = np.where(rng.random(m) < 0.8, n_y - 1, begin + (rng.random(m) * (n_y - begin)).astype(np.int64))
    born = np.maximum(core.founded[out["cust"]], np.where(out["external"], 0, core.founded[out["supplier"]]))
    out["begin"] = np.maximum(begin, np.searchsorted(np.array(years), born))
    out["rows"] = np.maximum(end - out["begin"] + 1, 0)
    return out


def link_chunk(
    plan: LinkPlan,
    core: FirmCore,
    county_ids: np.ndarray,
    years: tuple[int, ...],
    chunk: int,
    carry: int,
    rng: np.random.Generator,
    totals: LinkTotals,
) -> tuple[pa.Table, int]:
    """Generate the link rows whose customers are in chunk ``chunk``.

    ``carry`` rows missing from earlier chunks are added to this chunk's target. Returns the
    rows and the shortfall to carry on (0 unless the chunk could not reach its target).
    """
    start, stop, target = plan.chunks[chunk]
    target += carry
    cw = _customer_weight(core, start, stop, years[-1])
    n_y = len(years)
    if target <= 0 or cw.sum() <= 0:
        return table_from_columns("links", {c: [] for c in _LINK_COLUMNS}), max(target, 0)
    per_relationship = 0.55 * n_y + 0.45 * (n_y + 1) / 2  # expected years of a relationship
    for factor in _OVERSAMPLE:
        r = _relationships(plan, core, years, start, stop, cw * (factor * target / per_relationship / cw.sum()), rng)
        if r["rows"].sum() >= target:
            break

    # Trim whole relationships in random order to the target; the last one kept may be shortened.
    rows, m = r["rows"], len(r["rows"])
    perm = rng.permutation(m)
    cum = np.cumsum(rows[perm])
    n_keep = int(np.searchsorted(cum, target, side="right"))
    keep = np.zeros(m, dtype=bool)
    keep[perm[:n_keep]] = True
    got = int(cum[n_keep - 1]) if n_keep else 0
    if got < target and n_keep < m:
        last = perm[n_keep]
        rows[last] = target - got
        keep[last] = True
        got = target
    keep &= rows > 0
    cust, supplier, s_code, s_node, klass, external, edge, k_of, local_c, begin, rows = (
        r[k][keep]
        for k in (
            "cust",
            "supplier",
            "s_code",
            "s_node",
            "klass",
            "external",
            "edge",
            "k_of",
            "local_c",
            "begin",
            "rows",
        )
    )
    m = len(cust)
    n_ext = external_per_node()
    chains = layout()
    edge_w = chains.edge_arrays[2]

    # Expand to one row per year.
    rel = np.repeat(np.arange(m), rows)
    offset = np.arange(len(rel)) - np.repeat(np.cumsum(rows) - rows, rows)
    year_idx = begin[rel] + offset
    share = edge_w[edge] / _in_weight()[core.node[cust]]
    inputs = core.employees[cust] * chains.params("productivity")[core.node[cust]] * 0.55
    base = inputs * share / np.maximum(1.0, k_of * share) * np.exp(rng.normal(-0.18, 0.6, m))
    fd = np.isin(s_node, chains.indices(FOREIGN_DEPENDENT)) & (local_c == 1) & (klass != FOREIGN)
    base = np.where(fd, base * _DOMESTIC_FD_SCALE, base)
    growth = chains.params("growth")[core.node[cust]]
    lag = years[-1] - np.array(years)[year_idx]
    value = np.maximum(0.1, np.round(base[rel] * np.exp(-growth[rel] * lag + rng.normal(0, 0.08, len(rel))), 1))

    _account(totals, core, cust, supplier, external, s_node, local_c, rel, year_idx, value, n_y)
    sup_ids = firm_ids(core.county[supplier], supplier, county_ids)
    ext_ids = external_ids(s_node, (s_code - core.n - s_node * n_ext).clip(0))
    sup_all = pc.if_else(pa.array(external), ext_ids, sup_ids)
    table = table_from_columns(
        "links",
        {
            "supplier_id": sup_all.take(pa.array(rel)),
            "customer_id": firm_ids(core.county[cust], cust, county_ids).take(pa.array(rel)),
            "year": np.array(years, dtype=np.int32)[year_idx],
            "value": value,
            "product": chains.column("node_id")[s_node[rel]],
            "supplier_external": external[rel],
        },
    )
    return table, target - got


def _in_weight() -> np.ndarray:
    _, cus, w = layout().edge_arrays
    return np.maximum(np.bincount(cus, weights=w, minlength=layout().n_nodes), 1e-12)


def _account(
    totals: LinkTotals,
    core: FirmCore,
    cust: np.ndarray,
    supplier: np.ndarray,
    external: np.ndarray,
    s_node: np.ndarray,
    local_c: np.ndarray,
    rel: np.ndarray,
    year_idx: np.ndarray,
    value: np.ndarray,
    n_y: int,
) -> None:
    """Add this chunk's purchases by focus-province customers to ``totals``."""
    local_row = local_c[rel] == 1
    node_row = s_node[rel]
    n = layout().n_nodes
    foreign_sup = ~external & (core.category[supplier] == FOREIGN)
    local_sup = ~external & (core.category[supplier] == FOCUS)
    totals.value += np.bincount(node_row[local_row], weights=value[local_row], minlength=n)
    sel = local_row & foreign_sup[rel]
    totals.foreign += np.bincount(node_row[sel], weights=value[sel], minlength=n)
    sel = local_row & local_sup[rel]
    totals.local += np.bincount(node_row[sel], weights=value[sel], minlength=n)
    last = local_row & (year_idx == n_y - 1)
    totals.last_value += float(value[last].sum())
    totals.last_local += float(value[last & local_sup[rel]].sum())
    totals.external_rows += int(external[rel].sum())
    for node_id in SOLE_SOURCE:
        sel = (local_c == 1) & (s_node == layout().index(node_id))
        sups = np.where(external[sel], -1, supplier[sel])
        totals.sole_suppliers.setdefault(node_id, set()).update(int(s) for s in np.unique(sups))
        totals.sole_customers[node_id] = totals.sole_customers.get(node_id, 0) + len(np.unique(cust[sel]))
