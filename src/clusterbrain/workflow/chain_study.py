"""A region on an industry chain (按图索骥): map the firms, analyse the nodes, list the gaps, chart them.

Reads the workspace (firms, links, regions, statistics), runs the chain engine and returns
one JSON-serialisable :class:`ChainStudy`. Works from firm and link data when the workspace
has firms, and from region × industry statistics (GB/T 4754 codes of the nodes) when not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from clusterbrain.chain import (
    ChainAnalysis,
    ChainTemplate,
    FirmMapping,
    GapList,
    StatusThresholds,
    analyse_chain,
    analyse_chain_from_stats,
    chain_gaps,
    map_firms,
)
from clusterbrain.chain.coverage import MappingCoverage, mapping_coverage
from clusterbrain.chain.mapping import LOW_CONFIDENCE
from clusterbrain.store.frames import (
    firm_nodes_frame,
    firms_frame,
    links_frame,
    region_and_descendants,
    save_firm_nodes,
)
from clusterbrain.store.long import stats_long
from clusterbrain.workflow.chain_charts import chain_graph_data, smile_curve_data
from clusterbrain.workflow.chains import known_firms, label_crosswalk, load_chain, templates, with_industry_labels

__all__ = ["ChainStudy", "chain_coverage", "chain_mapping", "map_chain_firms", "study_chain"]


def map_chain_firms(
    con: duckdb.DuckDBPyConnection,
    chain_id: str,
    *,
    overrides: pd.DataFrame | None = None,
    min_confidence: float = 0.5,
    curated: bool = True,
    save: bool = True,
) -> FirmMapping:
    """Map the workspace's firms to the nodes of a chain and (with ``save``) store the mapping in ``firm_nodes``.

    Industry labels (the ``tushare_industry:`` tag of listed companies) are read with the
    shipped label crosswalk, and the shipped curated firms are used unless ``curated`` is false.
    """
    template = load_chain(chain_id, con)
    mapping = chain_mapping(
        firms_frame(con),
        template,
        links_frame(con),
        overrides=overrides,
        min_confidence=min_confidence,
        curated=curated,
    )
    if save:
        save_firm_nodes(con, chain_id, mapping.assignments)
    return mapping


def chain_mapping(
    firms: pd.DataFrame,
    template: ChainTemplate,
    links: pd.DataFrame | None = None,
    *,
    overrides: pd.DataFrame | None = None,
    min_confidence: float = 0.5,
    curated: bool = True,
) -> FirmMapping:
    """:func:`~clusterbrain.chain.map_firms` with the shipped label crosswalk and (with ``curated``) known firms."""
    return map_firms(
        with_industry_labels(firms),
        template,
        links=links,
        overrides=overrides,
        labels=label_crosswalk(),
        curated=known_firms() if curated else None,
        min_confidence=min_confidence,
    )


def chain_coverage(
    con: duckdb.DuckDBPyConnection,
    chain_ids: Sequence[str] | None = None,
    *,
    min_confidence: float = 0.5,
    low_confidence: float = LOW_CONFIDENCE,
    curated: bool = True,
) -> MappingCoverage:
    """Count mapped, low-confidence and unmapped firms on several chains (all templates by default).

    The workspace's firms are mapped onto each chain without storing the mapping, then counted
    per chain and overall by :func:`~clusterbrain.chain.coverage.mapping_coverage`.
    """
    found = templates(con)
    ids = list(chain_ids) if chain_ids else list(found)
    firms, links = firms_frame(con), links_frame(con)
    mappings = [
        chain_mapping(firms, load_chain(c, con), links, min_confidence=min_confidence, curated=curated) for c in ids
    ]
    return mapping_coverage(mappings, low_confidence=low_confidence)


@dataclass(frozen=True, eq=False)
class ChainStudy:
    """A region's chain analysis, its gap list, and the chart data of both."""

    chain_id: str
    region_id: str
    analysis: ChainAnalysis
    gaps: GapList
    graph: dict[str, Any]
    smile: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable data."""
        return {
            "chain_id": self.chain_id,
            "region_id": self.region_id,
            "analysis": self.analysis.to_dict(),
            "gaps": self.gaps.to_dict(),
            "charts": {"chain_map": self.graph, "smile_curve": self.smile},
        }


def study_chain(
    con: duckdb.DuckDBPyConnection,
    chain_id: str,
    region_id: str,
    *,
    thresholds: StatusThresholds | None = None,
    year: int | None = None,
    scheme: str = "gbt4754_2017",
    top_extend: int = 3,
    firms: pd.DataFrame | None = None,
    links: pd.DataFrame | None = None,
    assignments: pd.DataFrame | None = None,
) -> ChainStudy:
    """Analyse ``region_id`` (with every region below it) on chain ``chain_id``.

    With firms in the workspace, the firm-to-node mapping stored by ``clusterbrain chain map``
    is used (or, when there is none, made on the fly without storing it); without firms,
    the nodes' industry codes in ``scheme`` are read from the statistics. A caller that has
    already read the ``firms`` and ``links`` tables, or made the mapping (``assignments``),
    passes them so they are not read or made again.
    """
    template = load_chain(chain_id, con)
    regions = region_and_descendants(con, region_id)
    thresholds = thresholds or StatusThresholds()
    firms = firms_frame(con) if firms is None else firms
    if firms.empty:
        stats = stats_long(con, scheme=scheme, year=year)
        if year is None:
            stats = stats[stats["year"] == stats["year"].max()]
        analysis = analyse_chain_from_stats(
            template, stats.drop(columns="year"), regions=regions, scheme=scheme, thresholds=thresholds
        )
    else:
        assignments = firm_nodes_frame(con, chain_id) if assignments is None else assignments
        links = links_frame(con) if links is None else links
        if assignments.empty:
            assignments = chain_mapping(firms, template, links).assignments
        analysis = analyse_chain(template, firms, assignments, links, regions=regions, thresholds=thresholds, year=year)
    gaps = chain_gaps(analysis, template, top_extend=top_extend)
    return ChainStudy(
        chain_id,
        region_id,
        analysis,
        gaps,
        chain_graph_data(template, analysis.nodes),
        smile_curve_data(template, analysis.nodes),
    )
