"""The compact per-firm arrays (location, node, size, age) every streamed table is built from.

At 10 million firms these arrays take about 110 MB; everything wide (names, texts, money
columns, panel rows, links) is derived from them chunk by chunk and never held whole.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clusterbrain.demo.chains import FOREIGN_DEPENDENT, MISSING, SOLE_SOURCE, layout
from clusterbrain.demo.geography import Geography
from clusterbrain.demo.industry import StatsResult

__all__ = ["FOCUS", "FOREIGN", "OTHER", "FirmCore", "make_core"]

FOCUS, OTHER, FOREIGN = 0, 1, 2
_CATEGORY_SHARES = (0.92, 0.05, 0.03)  # focus province, other provinces, abroad
# Firms elsewhere are in the data as the trading partners that matter, so they are larger:
# the focus province then holds about two thirds of the chains' national employment, and a
# node can stand out against that (strong) or fall behind it (weak).
_SIZE_FACTOR = (1.0, 15.0, 3.0)
_TAIL = 1.25  # Lomax shape of employees: top 1 % of firms hold about 40 % of employment
_MAX_EMPLOYEES = 150_000
LAST_FOUNDED = 2024  # founding years run from FIRST_FOUNDED to min(LAST_FOUNDED, last data year + 1)
FIRST_FOUNDED = 1980


@dataclass(frozen=True)
class FirmCore:
    """Per-firm arrays, indexed by firm number.

    ``category`` is 0 (focus province), 1 (other province) or 2 (abroad); ``county`` is the
    county index (``-1`` abroad); ``country`` is 0 for China, else ``1 +`` the index in
    :data:`~clusterbrain.demo.chains.FOREIGN_COUNTRIES`; ``node`` indexes the demo's chain
    nodes (:func:`~clusterbrain.demo.chains.layout`); ``sole_source`` maps each planted
    sole-source node to the firm number of its single local firm.
    """

    category: np.ndarray
    county: np.ndarray
    country: np.ndarray
    node: np.ndarray
    employees: np.ndarray
    founded: np.ndarray
    sole_source: dict[str, int]

    @property
    def n(self) -> int:
        """Number of firms."""
        return len(self.node)


def _chunk_rng(seed: int, stream: int, chunk: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, stream, chunk]))


def county_weights(geo: Geography, stats: StatsResult) -> np.ndarray:
    """Cumulative location weights of each node's firms over counties, shape (2, n_nodes, n_counties).

    Row 0 covers focus-province counties, row 1 the others; a county's weight is its
    employment in the node's main division (plus a small floor so no county is impossible).
    """
    nodes = layout().nodes
    out = np.zeros((2, len(nodes), geo.n_counties))
    for j, node in enumerate(nodes):
        emp = stats.employment[:, stats.codes.index(node.division)]
        w = emp + 0.02 * emp.mean() + 1.0
        for k, mask in enumerate((geo.focus_mask, ~geo.focus_mask)):
            cw = np.cumsum(np.where(mask, w, 0.0))
            out[k, j] = cw / cw[-1]
    return out


def _draw_chunk(
    rng: np.random.Generator, m: int, geo_cum: np.ndarray, last_founded: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    chains = layout()
    n_nodes = chains.n_nodes
    cat = np.searchsorted(np.cumsum(_CATEGORY_SHARES), rng.random(m) * (1 - 1e-12), side="right").astype(np.int8)
    node_w = np.stack([chains.params("w_focus"), chains.params("w_other"), chains.params("w_foreign")])
    node_cum = np.cumsum(node_w, axis=1) / node_w.sum(axis=1, keepdims=True)
    u = rng.random(m)
    node = np.empty(m, dtype=np.int8)
    for k in (FOCUS, OTHER, FOREIGN):
        sel = cat == k
        node[sel] = np.minimum(np.searchsorted(node_cum[k], u[sel], side="right"), n_nodes - 1)
    county = np.full(m, -1, dtype=np.int32)
    u = rng.random(m)
    for k in (FOCUS, OTHER):
        for j in range(n_nodes):
            sel = (cat == k) & (node == j)
            if sel.any():
                county[sel] = np.searchsorted(geo_cum[k, j], u[sel], side="right")
    mix = np.cumsum(chains.country_mix(), axis=1)[node]
    country = np.where(cat == FOREIGN, 1 + (rng.random(m)[:, None] > mix[:, :-1]).sum(axis=1), 0).astype(np.int8)
    scale = chains.params("scale")[node] * np.array(_SIZE_FACTOR)[cat]
    employees = 1.0 + scale * rng.pareto(_TAIL, m)
    # Draws beyond the cap land just below it (no pile-up of identical giants).
    employees = np.round(np.where(employees > _MAX_EMPLOYEES, _MAX_EMPLOYEES * rng.uniform(0.6, 1.0, m), employees))
    employees = employees.astype(np.float32)
    age = rng.exponential(8.0, m) + 3.0 * np.log10(employees) + np.where(cat == FOREIGN, 8.0, 0.0)
    founded = (last_founded - np.minimum(np.round(age), last_founded - FIRST_FOUNDED)).astype(np.int16)
    return cat, county, country, node, employees, founded


def make_core(geo: Geography, stats: StatsResult, n_firms: int, seed: int, chunk: int, last_year: int) -> FirmCore:
    """Draw the compact firm arrays in chunks, then plant the chain gaps.

    Plants: no focus-province firm in the :data:`MISSING` nodes (their focus weight is zero);
    exactly one focus-province firm, of good size and founded by 2008, in each
    :data:`SOLE_SOURCE` node; at least three foreign firms in each :data:`FOREIGN_DEPENDENT`
    node and at least two other-province firms in each missing node; and at least one
    focus-province firm in every other node (which only small data sets could lack).
    """
    chains = layout()
    geo_cum = county_weights(geo, stats)
    category = np.empty(n_firms, dtype=np.int8)
    county = np.empty(n_firms, dtype=np.int32)
    country = np.empty(n_firms, dtype=np.int8)
    node = np.empty(n_firms, dtype=np.int8)
    employees = np.empty(n_firms, dtype=np.float32)
    founded = np.empty(n_firms, dtype=np.int16)
    for j, start in enumerate(range(0, n_firms, chunk)):
        stop = min(n_firms, start + chunk)
        parts = _draw_chunk(_chunk_rng(seed, 11, j), stop - start, geo_cum, min(LAST_FOUNDED, last_year + 1))
        for target, part in zip((category, county, country, node, employees, founded), parts, strict=True):
            target[start:stop] = part
    rng = _chunk_rng(seed, 12, 0)
    sole = _plant_sole_source(rng, geo_cum, category, county, node, employees, founded)
    planted = chains.indices((*MISSING, *SOLE_SOURCE, *FOREIGN_DEPENDENT))
    for node_id in FOREIGN_DEPENDENT:
        j = chains.index(node_id)
        _ensure(rng, j, FOREIGN, 3, category, county, country, node, exclude=sole, planted=planted)
    for node_id in MISSING:
        j = chains.index(node_id)
        _ensure(rng, j, OTHER, 2, category, county, country, node, exclude=sole, planted=planted, geo_cum=geo_cum)
    _ensure_local(rng, geo_cum, category, county, node, exclude=sole, skip=chains.indices((*MISSING, *SOLE_SOURCE)))
    return FirmCore(category, county, country, node, employees, founded, sole)


def _plant_sole_source(
    rng: np.random.Generator,
    geo_cum: np.ndarray,
    category: np.ndarray,
    county: np.ndarray,
    node: np.ndarray,
    employees: np.ndarray,
    founded: np.ndarray,
) -> dict[str, int]:
    chains = layout()
    sole: dict[str, int] = {}
    targets = chains.indices(SOLE_SOURCE)
    for node_id in SOLE_SOURCE:
        j = chains.index(node_id)
        # Any focus firm already drawn in this node (none by construction: weight zero) moves
        # to the node with most focus firms.
        stray = np.flatnonzero((category == FOCUS) & (node == j))
        node[stray] = int(np.argmax(chains.params("w_focus")))
        candidates = np.flatnonzero((category == FOCUS) & ~np.isin(node, targets) & (employees >= 20))
        if len(candidates) == 0:
            candidates = np.flatnonzero((category == FOCUS) & ~np.isin(node, targets))
        if len(candidates) == 0:
            candidates = np.flatnonzero(~np.isin(node, targets))
            category[candidates[:1]] = FOCUS
        i = int(rng.choice(candidates))
        node[i] = j
        category[i] = FOCUS
        county[i] = int(np.argmax(np.diff(geo_cum[0, j], prepend=0.0)))
        employees[i] = max(float(employees[i]), float(rng.integers(400, 1200)))
        founded[i] = min(int(founded[i]), 2008)
        sole[node_id] = i
    return sole


def _ensure(
    rng: np.random.Generator,
    j: int,
    cat: int,
    need: int,
    category: np.ndarray,
    county: np.ndarray,
    country: np.ndarray,
    node: np.ndarray,
    *,
    exclude: dict[str, int],
    planted: list[int],
    geo_cum: np.ndarray | None = None,
) -> None:
    """Move firms of category ``cat`` (not of a planted node) into node ``j`` until it has ``need`` of them."""
    have = int(((category == cat) & (node == j)).sum())
    if have >= need:
        return
    free = ~np.isin(node, planted)
    pool = np.flatnonzero((category == cat) & free)
    if len(pool) < need - have:
        pool = np.flatnonzero((category == OTHER) & free)
    pool = pool[~np.isin(pool, sorted(exclude.values()))]
    chosen = rng.choice(pool, size=min(len(pool), need - have), replace=False)
    node[chosen] = j
    category[chosen] = cat
    if cat == FOREIGN:
        county[chosen] = -1
        country[chosen] = np.where(country[chosen] > 0, country[chosen], 4)
    elif geo_cum is not None:
        county[chosen] = np.searchsorted(geo_cum[1, j], rng.random(len(chosen)), side="right")
        country[chosen] = 0


def _ensure_local(
    rng: np.random.Generator,
    geo_cum: np.ndarray,
    category: np.ndarray,
    county: np.ndarray,
    node: np.ndarray,
    *,
    exclude: dict[str, int],
    skip: list[int],
) -> None:
    """Give every node but ``skip`` a focus-province firm, taken from the node with most of them."""
    local = np.bincount(node[category == FOCUS].astype(np.int64), minlength=geo_cum.shape[1])
    for j in np.flatnonzero(local == 0):
        if j in skip:
            continue
        donor = int(np.argmax(local))
        pool = np.flatnonzero((category == FOCUS) & (node == donor))
        pool = pool[~np.isin(pool, sorted(exclude.values()))]
        i = int(rng.choice(pool))
        node[i] = j
        county[i] = int(np.searchsorted(geo_cum[0, j], rng.random(), side="right"))
        local[donor] -= 1
        local[j] += 1
