"""Shared pieces of the report builders: a block collector with numbered headings, labels, top-N selection."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from clusterbrain.report.charts import name_of
from clusterbrain.report.document import Block, Heading, Paragraph, Reference, Table
from clusterbrain.report.figures import STAGE_LABELS, STATUS_LABELS
from clusterbrain.report.findings import finding_blocks
from clusterbrain.report.i18n import translator

__all__ = ["EVIDENCE_CITED", "Builder", "auto_spec", "gap_label", "name_of", "stage_label", "status_label", "top"]

_ZH_NUMERALS = "一二三四五六七八九十"
EVIDENCE_CITED = 4


def auto_spec(value: Any) -> str:
    """A :func:`~clusterbrain.report.document.format_value` spec for a bare number.

    >>> auto_spec(3), auto_spec(2.345), auto_spec(12345.6), auto_spec(153.0), auto_spec("x")
    ('int', 'dec:2', 'int', 'int', 'text')
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "text"
    if isinstance(value, int) or abs(value) >= 1000 or float(value).is_integer():
        return "int"
    return "dec:2"


def top(rows: Iterable[Mapping[str, Any]], n: int, key: str, *, reverse: bool = True) -> list[Mapping[str, Any]]:
    """The first ``n`` rows by ``key`` (largest first unless ``reverse`` is false); rows without it last.

    >>> [r["x"] for r in top([{"x": 1}, {"x": None}, {"x": 3}], 2, "x")]
    [3, 1]
    """
    with_value = [r for r in rows if r.get(key) is not None]
    ranked = sorted(with_value, key=lambda r: r[key], reverse=reverse)
    return ranked[:n]


def stage_label(stage: Any, lang: str) -> str:
    """Upstream / midstream / downstream in ``lang``."""
    return STAGE_LABELS[lang].get(stage, str(stage or ""))


def status_label(status: Any, lang: str) -> str:
    """A chain node status (strong, present, weak, foreign_dependent, missing) in ``lang``."""
    return STATUS_LABELS[lang].get(status, str(status or ""))


def gap_label(kind: Any, _: Callable[..., str]) -> str:
    """A chain gap kind (fill 补链, strengthen 强链, extend 延链) in the language of ``_``."""
    labels = {
        "fill": _("report.plan.gap.fill"),
        "strengthen": _("report.plan.gap.strengthen"),
        "extend": _("report.plan.gap.extend"),
    }
    return labels.get(kind, str(kind or ""))


class Builder:
    """Collects blocks and the references they cite; numbers the headings of chapters and sections.

    Chapters are numbered 一、二、… (Chinese) or 1, 2, … (English); their sections (一)(二)… or
    1.1, 1.2; appendices A, B with sections A.1, A.2. A reference cited twice is listed once.
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._: Callable[..., str] = translator(lang)
        self.blocks: list[Block] = []
        self.references: dict[str, Reference] = {}
        self._chapter = 0
        self._section = 0
        self._appendix = ""

    def chapter(self, text: str) -> None:
        """Start a numbered chapter (heading level 1)."""
        self._chapter += 1
        self._section = 0
        n = self._chapter
        label = f"{_ZH_NUMERALS[n - 1] if n <= 10 else n}、" if self.lang == "zh" else f"{n} "
        self.blocks.append(Heading(1, label + text))

    def appendix(self, letter: str, text: str) -> None:
        """Start an appendix ``letter`` (heading level 1)."""
        self._appendix = letter
        self._section = 0
        self.blocks.append(Heading(1, self._("report.plan.appendix", letter=letter, title=text)))

    def section(self, text: str) -> None:
        """Start a numbered section of the current chapter or appendix (heading level 2)."""
        self._section += 1
        s = self._section
        if self._appendix:
            label = f"{self._appendix}.{s} "
        elif self.lang == "zh":
            label = f"（{_ZH_NUMERALS[s - 1] if s <= 10 else s}）"
        else:
            label = f"{self._chapter}.{s} "
        self.blocks.append(Heading(2, label + text))

    def subsection(self, text: str) -> None:
        """An unnumbered heading of level 3."""
        self.blocks.append(Heading(3, text))

    def add(self, *blocks: Block) -> None:
        """Append blocks as they are."""
        self.blocks.extend(blocks)

    def text(self, text: str, *, style: str = "body", refs: Sequence[str] = ()) -> None:
        """Append a paragraph (skipped when empty)."""
        if text:
            self.blocks.append(Paragraph(text, refs=tuple(refs), style=style))

    def findings(self, findings: Iterable[Mapping[str, Any]], *, bullets: bool = False) -> list[str]:
        """Append workflow findings as cited paragraphs (or one bullet list); return the reference ids.

        Each finding cites its first :data:`EVIDENCE_CITED` pieces of evidence (the ones its text
        quotes); all of them stay in the workflow JSON.
        """
        shown = [{**f, "evidence": list(f.get("evidence") or [])[:EVIDENCE_CITED]} for f in findings]
        blocks, refs = finding_blocks(shown, lang=self.lang, bullets=bullets)
        self.blocks.extend(blocks)
        for ref in refs:
            self.references.setdefault(ref.id, ref)
        return [ref.id for ref in refs]

    def reference(self, ref: Reference) -> str:
        """Register a reference (first one wins) and return its id."""
        self.references.setdefault(ref.id, ref)
        return ref.id

    def table(
        self,
        caption: str,
        columns: Sequence[tuple[str, str]],
        rows: Sequence[Sequence[Any]],
        *,
        notes: str = "",
        refs: Sequence[str] = (),
        shown: int | None = None,
        total: int | None = None,
    ) -> None:
        """Append a table; ``columns`` are ``(title, format spec)`` pairs.

        With ``shown`` < ``total`` the notes say that only the first ``shown`` of ``total`` rows appear.
        Nothing is added when there are no rows.
        """
        if not rows:
            return
        if shown is not None and total is not None and shown < total:
            cut = self._("report.plan.top_note", shown=shown, total=total)
            notes = f"{cut} {notes}".strip()
        self.blocks.append(
            Table(
                caption,
                tuple(c for c, _ in columns),
                tuple(tuple(r) for r in rows),
                tuple(s for _, s in columns),
                notes=notes,
                refs=tuple(refs),
            )
        )

    def source_note(self, path: str) -> str:
        """The note naming where a table's values are in the workflow JSON."""
        return self._("report.plan.source_json", path=path)

    def yes_no(self, value: Any) -> str:
        """✓ / ✗ (or a dash when unknown)."""
        if value is None:
            return "—"
        return "✓" if value else "✗"
