"""Industry-chain maps (产业链图谱): templates, firm-to-node mapping, node analysis and gap lists."""

from __future__ import annotations

from clusterbrain.chain._status import STATUSES, StatusThresholds
from clusterbrain.chain.analysis import ChainAnalysis, analyse_chain, analyse_chain_from_stats
from clusterbrain.chain.gaps import GAP_KINDS, Evidence, GapItem, GapList, chain_gaps
from clusterbrain.chain.mapping import FirmMapping, map_firms
from clusterbrain.chain.template import (
    KINDS,
    STAGES,
    ChainEdge,
    ChainNode,
    ChainTemplate,
    TemplateError,
    parse_template,
)

__all__ = [
    "GAP_KINDS",
    "KINDS",
    "STAGES",
    "STATUSES",
    "ChainAnalysis",
    "ChainEdge",
    "ChainNode",
    "ChainTemplate",
    "Evidence",
    "FirmMapping",
    "GapItem",
    "GapList",
    "StatusThresholds",
    "TemplateError",
    "analyse_chain",
    "analyse_chain_from_stats",
    "chain_gaps",
    "map_firms",
    "parse_template",
]
