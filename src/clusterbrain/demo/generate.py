"""Write the synthetic demo data set: one Parquet file per table kind plus ``manifest.json``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from clusterbrain import __version__
from clusterbrain.demo._arrow import ParquetSink, write_parquet
from clusterbrain.demo._firmcore import FOCUS, FOREIGN, FirmCore, make_core
from clusterbrain.demo._names import firm_ids
from clusterbrain.demo.chains import FOREIGN_DEPENDENT, MISSING, SOLE_SOURCE, layout
from clusterbrain.demo.extras import make_institutions, make_kpi_targets, make_policies, make_projects
from clusterbrain.demo.firms import FIRM_NODE_SCHEMA, FirmTotals, firm_chunk, firm_schema, firm_years_schema
from clusterbrain.demo.geography import FOCUS_CITY_ID, FOCUS_ID, Geography, make_geography
from clusterbrain.demo.industry import SCHEME, SPECIALISATIONS, StatsResult, location_quotients, make_stats
from clusterbrain.demo.manifest import (
    MANIFEST_NAME,
    SYNTHETIC_NOTICE,
    DemoManifest,
    PlantedNode,
    PlantedSpecialisation,
    PlantedTruth,
)
from clusterbrain.demo.network import LinkTotals, link_chunk, links_schema, plan_links
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.store.readers import file_sha256

__all__ = ["FILES", "Progress", "generate"]

Progress = Callable[[str, int, int], None]
"""Progress callback: ``progress(stage, done, total)``."""

FILES = {
    "regions": "regions.parquet",
    "stats": "stats.parquet",
    "firms": "firms.parquet",
    "firm_years": "firm_years.parquet",
    "links": "links.parquet",
    "institutions": "institutions.parquet",
    "policies": "policies.parquet",
    "kpi_targets": "kpi_targets.parquet",
    "projects": "projects.parquet",
    "firm_nodes": "firm_nodes.parquet",
}
"""Table kind -> file name in the output directory (``firm_nodes`` is demo ground truth)."""

_MIN_FIRMS = 500  # below this the planted gaps are too thin to be found reliably
_MAX_FIRMS = 99_999_999  # the 8-digit serial of a firm id
_UNITS = {
    "money": "万元 (10,000 CNY): revenue, rd_expense, exports, tax, value_added, output, value, budget",
    "land_mu": "亩 (1/15 ha)",
    "energy_tce": "tonnes of standard coal equivalent",
    "electricity_kwh": "kWh",
    "employment": "persons",
}


def _check_int(name: str, value: object, low: int, high: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or not low <= value <= high:
        shown = "inf" if high == float("inf") else str(int(high))
        raise InvalidParameterError(
            f"The {name!r} parameter of generate must be an int in [{low}, {shown}]. Got {value!r} instead."
        )


def _validate(n_firms: int, n_links: int | None, seed: int, years: tuple[int, ...], batch_rows: int) -> None:
    _check_int("n_firms", n_firms, _MIN_FIRMS, _MAX_FIRMS)
    if n_links is not None:
        _check_int("n_links", n_links, 0, float("inf"))
    _check_int("seed", seed, 0, float("inf"))
    _check_int("batch_rows", batch_rows, 1_000, float("inf"))
    ok = len(years) > 0 and all(isinstance(y, int | np.integer) and 1990 <= y <= 2100 for y in years)
    if not ok or list(years) != sorted(set(years)):
        raise InvalidParameterError(
            "The 'years' parameter of generate must be a non-empty, strictly increasing tuple of ints "
            f"in [1990, 2100]. Got {years!r} instead."
        )


def _rng(seed: int, stream: int, chunk: int = 0) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, stream, chunk]))


def generate(
    out_dir: Path,
    *,
    n_firms: int = 20_000,
    n_links: int | None = None,
    seed: int = 2024,
    years: tuple[int, ...] = (2019, 2020, 2021, 2022, 2023),
    batch_rows: int = 500_000,
    progress: Progress | None = None,
) -> DemoManifest:
    """Generate the synthetic demo data set into ``out_dir``.

    Parameters
    ----------
    out_dir : Path
        Directory to write into (created if needed; existing demo files are overwritten).
    n_firms : int, default 20_000
        Number of firms (at least 500). About 92 % are in the focus province, 5 % in other
        provinces and 3 % abroad. Each sits on one node of the shipped chain templates
        ``lithium_ion_battery`` or ``integrated_circuits`` (:mod:`clusterbrain.demo.chains`).
    n_links : int or None, default None
        Number of rows of ``links`` (one row per supplier, customer, year and product);
        ``None`` means ``5 * n_firms``. Reached exactly unless the customers cannot carry so
        many distinct relationships.
    seed : int, default 2024
        Random seed. The same arguments give byte-identical files.
    years : tuple of int
        Data years, strictly increasing; ``firms`` describes the last one.
    batch_rows : int, default 500_000
        Rows per streamed chunk, which bounds memory (firms are drawn
        ``batch_rows // len(years)`` at a time so the panel chunk stays near ``batch_rows``).
        Part of the data's identity: another value gives another (equally valid) data set.
    progress : callable, optional
        Called as ``progress(stage, done, total)`` with stage ``'stats'``, ``'firms'``,
        ``'links'`` or ``'extras'``.

    Returns
    -------
    DemoManifest
        Also written to ``out_dir / 'manifest.json'``.

    Raises
    ------
    InvalidParameterError
        If a parameter is outside its domain.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     manifest = generate(Path(tmp), n_firms=500, n_links=1_000)
    >>> manifest.rows["links"], manifest.focus_region_id
    (1000, '990000')
    """
    years = tuple(years)
    _validate(n_firms, n_links, seed, years, batch_rows)
    years = tuple(int(y) for y in years)
    n_links = 5 * n_firms if n_links is None else n_links
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = progress or (lambda stage, done, total: None)
    paths = {kind: out_dir / name for kind, name in FILES.items()}
    rows: dict[str, int] = {}

    geo = make_geography(_rng(seed, 1))
    write_parquet(paths["regions"], geo.regions)
    stats = make_stats(geo, years, _rng(seed, 2))
    write_parquet(paths["stats"], stats.table)
    rows.update(regions=geo.regions.num_rows, stats=stats.table.num_rows)
    report("stats", 1, 1)

    firm_chunk_rows = max(1, batch_rows // len(years))
    core = make_core(geo, stats, n_firms, seed, firm_chunk_rows, years[-1])
    totals = FirmTotals()
    with (
        ParquetSink(paths["firms"], firm_schema()) as firms_sink,
        ParquetSink(paths["firm_nodes"], FIRM_NODE_SCHEMA) as nodes_sink,
        ParquetSink(paths["firm_years"], firm_years_schema()) as panel_sink,
    ):
        for j, start in enumerate(range(0, n_firms, firm_chunk_rows)):
            stop = min(n_firms, start + firm_chunk_rows)
            firms, firm_nodes, panel, chunk_totals = firm_chunk(core, geo, start, stop, years, _rng(seed, 13, j))
            firms_sink.write(firms)
            nodes_sink.write(firm_nodes)
            panel_sink.write(panel)
            _merge(totals, chunk_totals)
            report("firms", stop, n_firms)
    rows.update(firms=firms_sink.rows, firm_nodes=nodes_sink.rows, firm_years=panel_sink.rows)

    customers_per_chunk = max(1_000, int(batch_rows * n_firms / max(n_links, 1)))
    plan = plan_links(core, years, n_links, customers_per_chunk)
    link_totals = LinkTotals()
    carry = 0
    with ParquetSink(paths["links"], links_schema()) as links_sink:
        for j in range(len(plan.chunks)):
            table, carry = link_chunk(plan, core, geo.county_ids, years, j, carry, _rng(seed, 21, j), link_totals)
            links_sink.write(table)
            report("links", links_sink.rows, n_links)
    rows["links"] = links_sink.rows
    del plan  # the supplier pools (12 bytes per firm) are not needed any more

    extras = {
        "institutions": make_institutions(geo, _rng(seed, 31)),
        "policies": make_policies(),
        "kpi_targets": make_kpi_targets(_baselines(totals, link_totals), years[-1], range(2024, 2031)),
        "projects": make_projects(),
    }
    for kind, table in extras.items():
        write_parquet(paths[kind], table)
        rows[kind] = table.num_rows
    report("extras", 1, 1)

    manifest = DemoManifest(
        notice=SYNTHETIC_NOTICE,
        generator=f"clusterbrain.demo {__version__}",
        seed=seed,
        n_firms=n_firms,
        n_links=n_links,
        years=years,
        batch_rows=batch_rows,
        focus_region_id=FOCUS_ID,
        focus_city_id=FOCUS_CITY_ID,
        park_ids=geo.park_ids,
        scheme=SCHEME,
        units=dict(_UNITS),
        files=dict(FILES),
        rows={kind: rows[kind] for kind in FILES},
        sha256={kind: file_sha256(paths[kind]) for kind in FILES},
        planted=_planted(core, geo, stats, link_totals),
        node_summary=_node_summary(core, link_totals),
        chains=tuple(layout().document()),
    )
    (out_dir / MANIFEST_NAME).write_text(manifest.to_json(), encoding="utf-8")
    return manifest


def _merge(into: FirmTotals, chunk: FirmTotals) -> None:
    into.firms += chunk.firms
    for k, v in chunk.sums.items():
        into.sums[k] += v
    for k, c in chunk.tags.items():
        into.tags[k] += c


def _baselines(totals: FirmTotals, links: LinkTotals) -> dict[str, float]:
    s = totals.sums
    revenue, va = s["revenue"], s["value_added"]
    return {
        "cluster_revenue": revenue,
        "cluster_value_added": va,
        "above_scale_firms": totals.tags["规上"],
        "high_tech_firms": totals.tags["高新技术企业"],
        "specialised_firms": totals.tags["专精特新"],
        "little_giant_firms": totals.tags["小巨人"],
        "listed_firms": totals.tags["listed"],
        "rd_intensity": 100.0 * s["rd_expense"] / revenue if revenue else 0.0,
        "invention_patents": s["invention_patents"],
        "local_supply_rate": 100.0 * links.last_local / links.last_value if links.last_value else 0.0,
        "tax_per_mu": s["tax"] / s["land_mu"] if s["land_mu"] else 0.0,
        "energy_per_value_added": s["energy_tce"] / va if va else 0.0,
    }


def _local_firms(core: FirmCore) -> np.ndarray:
    return np.bincount(core.node[core.category == FOCUS].astype(np.int64), minlength=layout().n_nodes)


def _share(part: float, whole: float) -> float:
    return round(float(part) / float(whole), 4) if whole > 0 else 0.0


def _planted(core: FirmCore, geo: Geography, stats: StatsResult, links: LinkTotals) -> PlantedTruth:
    local = _local_firms(core)
    chains = layout()
    index = chains.index

    def node(node_id: str, **evidence: float | int | str) -> PlantedNode:
        x = chains.nodes[index(node_id)]
        return PlantedNode(x.chain_id, x.node_id, x.name_zh, {"local_firms": int(local[index(node_id)]), **evidence})

    missing = tuple(node(n, local_purchase_value=round(float(links.value[index(n)]), 1)) for n in MISSING)
    sole = []
    for n in SOLE_SOURCE:
        i = core.sole_source[n]
        firm = firm_ids(core.county[i : i + 1], np.array([i]), geo.county_ids)[0].as_py()
        suppliers = links.sole_suppliers.get(n, set())
        sole.append(
            node(n, supplier_id=firm, local_customers=links.sole_customers.get(n, 0), local_suppliers=len(suppliers))
        )
    foreign = tuple(
        node(
            n,
            foreign_value_share=_share(links.foreign[index(n)], links.value[index(n)]),
            threshold=0.8,
            foreign_firms=int(((core.node == index(n)) & (core.category == FOREIGN)).sum()),
        )
        for n in FOREIGN_DEPENDENT
    )
    lq = location_quotients(stats.employment, geo.focus_mask)
    specs = tuple(
        PlantedSpecialisation(SCHEME, code, round(float(lq[stats.codes.index(code)]), 4)) for code in SPECIALISATIONS
    )
    return PlantedTruth(missing, tuple(sole), foreign, specs)


def _node_summary(core: FirmCore, links: LinkTotals) -> tuple[dict[str, float | int | str], ...]:
    local = _local_firms(core)
    chains = layout()
    total = np.bincount(core.node.astype(np.int64), minlength=chains.n_nodes)
    return tuple(
        {
            "chain_id": x.chain_id,
            "node_id": x.node_id,
            "firms": int(total[j]),
            "local_firms": int(local[j]),
            "local_purchase_value": round(float(links.value[j]), 1),
            "local_share": _share(links.local[j], links.value[j]),
            "foreign_share": _share(links.foreign[j], links.value[j]),
        }
        for j, x in enumerate(chains.nodes)
    )
