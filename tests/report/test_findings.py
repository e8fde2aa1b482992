"""Workflow findings become paragraphs that cite their evidence, in either language."""

from __future__ import annotations

import pytest

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.report.document import BulletList, Document, Paragraph
from clusterbrain.report.findings import finding_blocks
from clusterbrain.report.html import to_html
from clusterbrain.workflow.evidence import Evidence, Finding

FINDINGS = [
    Finding(
        "sole-separator",
        "risk",
        "隔膜仅有 1 家本地供应商",
        "The separator has 1 local supplier",
        (Evidence("suppliers", 1, threshold=2, source="links", year=2023),),
        severity=3,
    ),
    Finding(
        "lq-battery",
        "strength",
        "电池区位商 2.31",
        "Battery LQ 2.31",
        (
            Evidence("location_quotient", 2.314, threshold=1.25, source="stats", year=2023),
            Evidence("employment", 12345.0, benchmark=5000.0, source="stats", year=2023, unit="人"),
        ),
    ),
]


def test_findings_become_cited_paragraphs_with_warnings_for_severe_ones() -> None:
    blocks, refs = finding_blocks(FINDINGS, lang="zh")
    assert blocks == [
        Paragraph("隔膜仅有 1 家本地供应商", refs=("sole-separator/1",), style="warning"),
        Paragraph("电池区位商 2.31", refs=("lq-battery/1", "lq-battery/2")),
    ]
    assert [r.text for r in refs] == [
        "suppliers = 1（阈值 2）；来源：links, 2023",
        "location_quotient = 2.31（阈值 1.25）；来源：stats, 2023",
        "employment = 12,345 人（基准 5,000）；来源：stats, 2023",
    ]


def test_findings_from_json_give_the_same_blocks_and_render_with_markers() -> None:
    as_json = [f.to_dict() for f in FINDINGS]
    assert finding_blocks(as_json, lang="en") == finding_blocks(FINDINGS, lang="en")
    blocks, refs = finding_blocks(as_json, lang="en", bullets=True)
    assert len(blocks) == 1 and isinstance(blocks[0], BulletList) and len(blocks[0].items) == 2
    html = to_html(Document("t", "en", tuple(blocks), references=tuple(refs)))
    assert 'href="#ref-3"' in html and "employment = 12,345 人 (benchmark 5,000); source: stats, 2023" in html


def test_finding_blocks_checks_the_language() -> None:
    with pytest.raises(InvalidParameterError, match="'lang' parameter of finding_blocks"):
        finding_blocks(FINDINGS, lang="fr")
