"""Industry-chain maps (产业链图谱): templates, firm-to-node mapping, gap analysis."""

from __future__ import annotations

from clusterbrain.chain.template import (
    KINDS,
    STAGES,
    ChainEdge,
    ChainNode,
    ChainTemplate,
    TemplateError,
    parse_template,
)

__all__ = ["KINDS", "STAGES", "ChainEdge", "ChainNode", "ChainTemplate", "TemplateError", "parse_template"]
