"""Workflow findings as document blocks: each statement a paragraph citing its evidence.

A finding (:class:`clusterbrain.workflow.evidence.Finding`, or its ``to_dict()`` JSON) has
a Chinese and an English text and the evidence behind it. Here each finding becomes a
:class:`~clusterbrain.report.document.Paragraph` (a warning for severity 2 and up) whose
reference markers point to one :class:`~clusterbrain.report.document.Reference` per piece of
evidence, so the numbers a reader sees can be traced to the workflow JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from clusterbrain._validation import check_option
from clusterbrain.report.document import BulletList, Paragraph, Reference
from clusterbrain.report.i18n import LANGS

__all__ = ["finding_blocks"]

WARNING_SEVERITY = 2


def _plain(finding: Any) -> Mapping[str, Any]:
    return finding.to_dict() if hasattr(finding, "to_dict") else finding


def finding_blocks(
    findings: Iterable[Any], *, lang: str, bullets: bool = False
) -> tuple[list[Paragraph | BulletList], list[Reference]]:
    """Paragraphs (or one bullet list) for ``findings`` and the references they cite.

    Evidence ``k`` (from 1) of finding ``id`` gets the reference id ``"<id>/<k>"``.

    >>> finding = {"id": "lq", "text_zh": "区位商高", "text_en": "High LQ", "severity": 0,
    ...            "evidence": [{"metric": "location_quotient", "value": 2.5, "source": "stats", "year": 2023}]}
    >>> blocks, refs = finding_blocks([finding], lang="en")
    >>> blocks[0].text, blocks[0].refs, refs[0].text
    ('High LQ', ('lq/1',), 'location_quotient = 2.50; source: stats, 2023')
    """
    check_option(lang, "lang", "finding_blocks", LANGS)
    paragraphs: list[Paragraph] = []
    references: list[Reference] = []
    for raw in findings:
        finding = _plain(raw)
        refs = []
        for k, evidence in enumerate(finding.get("evidence") or (), start=1):
            ref = f"{finding['id']}/{k}"
            references.append(Reference.from_evidence(ref, _plain(evidence), lang=lang))
            refs.append(ref)
        style = "warning" if (finding.get("severity") or 0) >= WARNING_SEVERITY and not bullets else "body"
        paragraphs.append(Paragraph(finding[f"text_{lang}"], refs=tuple(refs), style=style))
    if bullets:
        return ([BulletList(tuple(paragraphs))] if paragraphs else []), references
    return list(paragraphs), references
