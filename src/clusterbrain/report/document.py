"""A small format-independent document model: what a report says, before HTML, PDF or DOCX.

A report builder turns workflow JSON into a :class:`Document` (a title, a language and a
sequence of blocks); the renderers in :mod:`clusterbrain.report.html`,
:mod:`~clusterbrain.report.pdf` and :mod:`~clusterbrain.report.docx` draw the same document
in each format. Numbers are kept as numbers in the model and formatted for the language in
one place, :func:`format_value`. Paragraphs, tables and figures cite :class:`Reference` ids
(the evidence of a workflow finding), so every number in the text can be traced.

Inline emphasis: ``**text**`` in a paragraph, bullet or table cell is shown in bold.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from babel.numbers import format_compact_decimal, format_decimal, format_percent

from clusterbrain._validation import check_option, check_scalar
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.report.i18n import LANGS, translator

__all__ = [
    "LANGS",
    "Block",
    "BulletList",
    "Document",
    "Figure",
    "Formula",
    "Heading",
    "KeyValue",
    "PageBreak",
    "Paragraph",
    "Reference",
    "Table",
    "Tile",
    "format_value",
    "locale_of",
    "numbered",
    "split_emphasis",
]

_LOCALES = {"zh": "zh_Hans_CN", "en": "en_US"}
_SPEC = re.compile(r"^(text|int|dec|pct|compact)(?::(\d))?$")
MISSING = "—"


def locale_of(lang: str) -> str:
    """Babel locale of a report language.

    >>> locale_of("zh"), locale_of("en")
    ('zh_Hans_CN', 'en_US')
    """
    return _LOCALES[check_option(lang, "lang", "locale_of", LANGS)]


def format_value(value: Any, spec: str = "text", *, lang: str = "en") -> str:
    """Format a value for the text of a report in ``lang``.

    ``spec`` is one of ``text`` (``str(value)``), ``int`` (rounded, grouped digits),
    ``dec:N`` (``N`` decimals), ``pct:N`` (a fraction shown as a percentage with ``N``
    decimals) and ``compact:N`` (short large numbers: 万/亿 in Chinese, K/M/B in English).
    ``None`` and NaN show as a dash.

    >>> format_value(1234567.891, "dec:2", lang="zh")
    '1,234,567.89'
    >>> format_value(0.1234, "pct:1", lang="en")
    '12.3%'
    >>> format_value(123456789, "compact:1", lang="zh"), format_value(123456789, "compact:1", lang="en")
    ('1.2亿', '123.5M')
    >>> format_value(None, "int")
    '—'
    """
    locale = locale_of(lang)
    match = _SPEC.match(spec)
    if match is None:
        raise InvalidParameterError(
            f"The 'spec' parameter of format_value must be text, int, dec:N, pct:N or compact:N. Got {spec!r} instead."
        )
    if value is None or (isinstance(value, float) and value != value):
        return MISSING
    kind = match[1]
    digits = int(match[2] or (1 if kind == "compact" else 0))
    if kind == "text" or isinstance(value, str | bool):
        return str(value)
    decimals = "." + "0" * digits if digits else ""
    if kind == "int":
        return format_decimal(round(value), format="#,##0", locale=locale)
    if kind == "dec":
        return format_decimal(value, format="#,##0" + decimals, locale=locale)
    if kind == "pct":
        return format_percent(value, format="#,##0" + decimals + "%", locale=locale)
    return format_compact_decimal(value, locale=locale, fraction_digits=digits)


def split_emphasis(text: str) -> list[tuple[str, bool]]:
    """Split ``text`` into ``(piece, bold)`` runs at ``**`` markers.

    >>> split_emphasis("LQ **2.31**, above 1")
    [('LQ ', False), ('2.31', True), (', above 1', False)]
    """
    pieces = text.split("**")
    return [(piece, i % 2 == 1) for i, piece in enumerate(pieces) if piece]


@dataclass(frozen=True)
class Block:
    """Base of every block; ``kind`` names the block type for the renderers."""

    kind: ClassVar[str] = "block"


@dataclass(frozen=True)
class Heading(Block):
    """A section heading, ``level`` 1 (chapter) to 3."""

    kind: ClassVar[str] = "heading"
    level: int
    text: str

    def __post_init__(self) -> None:
        check_scalar(self.level, "level", "Heading", integer=True, low=1, high=3)


@dataclass(frozen=True)
class Paragraph(Block):
    """A paragraph of text citing the references ``refs``; ``style`` is body, lead, note or warning."""

    kind: ClassVar[str] = "paragraph"
    text: str
    refs: tuple[str, ...] = ()
    style: str = "body"

    def __post_init__(self) -> None:
        object.__setattr__(self, "refs", tuple(self.refs))
        check_option(self.style, "style", "Paragraph", ("body", "lead", "note", "warning"))


@dataclass(frozen=True)
class BulletList(Block):
    """A bulleted (or numbered, with ``ordered``) list; items are strings or :class:`Paragraph`."""

    kind: ClassVar[str] = "bullets"
    items: tuple[Paragraph, ...]
    ordered: bool = False

    def __post_init__(self) -> None:
        items = tuple(item if isinstance(item, Paragraph) else Paragraph(str(item)) for item in self.items)
        object.__setattr__(self, "items", items)


@dataclass(frozen=True)
class Table(Block):
    """A captioned table of raw values; ``formats`` holds one :func:`format_value` spec per column.

    Columns whose spec is not ``text`` are numeric (right-aligned). ``notes`` is shown under it.
    """

    kind: ClassVar[str] = "table"
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    formats: tuple[str, ...] = ()
    notes: str = ""
    refs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        object.__setattr__(self, "rows", tuple(tuple(row) for row in self.rows))
        object.__setattr__(self, "formats", tuple(self.formats) or ("text",) * len(self.columns))
        object.__setattr__(self, "refs", tuple(self.refs))
        if len(self.formats) != len(self.columns):
            raise InvalidParameterError(
                f"Table '{self.caption}' has {len(self.columns)} columns but {len(self.formats)} formats."
            )
        for i, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise InvalidParameterError(
                    f"Table '{self.caption}' row {i + 1} has {len(row)} cells; expected {len(self.columns)}."
                )
        for spec in self.formats:
            format_value(None, spec)

    def numeric(self) -> tuple[bool, ...]:
        """Whether each column holds numbers (to right-align)."""
        return tuple(spec != "text" for spec in self.formats)

    def cells(self, lang: str) -> list[list[str]]:
        """The rows as text, each cell formatted with its column's spec."""
        return [[format_value(v, s, lang=lang) for v, s in zip(row, self.formats, strict=True)] for row in self.rows]


@dataclass(frozen=True)
class Figure(Block):
    """A chart drawn once to SVG (HTML, PDF) and PNG (DOCX); ``width`` is a fraction of the text width."""

    kind: ClassVar[str] = "figure"
    caption: str
    svg: str
    png: bytes
    refs: tuple[str, ...] = ()
    width: float = 1.0
    alt: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "refs", tuple(self.refs))
        check_scalar(self.width, "width", "Figure", low=0.1, high=1.0)


@dataclass(frozen=True)
class Tile:
    """One KPI tile: a label, a value with its format spec and unit, a note and a status colour."""

    label: str
    value: Any
    spec: str = "text"
    unit: str = ""
    note: str = ""
    status: str | None = None

    def __post_init__(self) -> None:
        check_option(self.status, "status", "Tile", (None, "good", "warn", "bad"))

    def text(self, lang: str) -> str:
        """The value as shown, with its unit."""
        shown = format_value(self.value, self.spec, lang=lang)
        return f"{shown} {self.unit}".strip() if self.unit and shown != MISSING else shown


@dataclass(frozen=True)
class KeyValue(Block):
    """A row of KPI tiles (key figures of a summary or a scorecard)."""

    kind: ClassVar[str] = "keyvalue"
    tiles: tuple[Tile, ...]
    caption: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "tiles", tuple(self.tiles))


@dataclass(frozen=True)
class PageBreak(Block):
    """Start a new page (print formats); ignored on screen."""

    kind: ClassVar[str] = "pagebreak"


@dataclass(frozen=True)
class Formula(Block):
    """A numbered display formula: ``latex`` (matplotlib mathtext subset) and ``where`` (its symbols).

    ``text`` is a plain-text form used when the LaTeX cannot be drawn.
    """

    kind: ClassVar[str] = "formula"
    latex: str
    where: str = ""
    text: str = ""


@dataclass(frozen=True)
class Reference:
    """One cited piece of evidence or data source, listed at the end of the document."""

    id: str
    text: str

    @classmethod
    def from_evidence(cls, id: str, evidence: Mapping[str, Any], *, lang: str, spec: str = "auto") -> Reference:  # noqa: A002
        """A reference built from a workflow evidence record (``Evidence.to_dict()``).

        Numbers are formatted with ``spec``; ``auto`` shows whole numbers as ``int``, other
        numbers below 1,000 with two decimals (``dec:2``) and larger ones with none.

        >>> ev = {"metric": "location_quotient", "value": 2.314, "threshold": 1.25, "source": "stats", "year": 2022}
        >>> Reference.from_evidence("e1", ev, lang="en").text
        'location_quotient = 2.31 (threshold 1.25); source: stats, 2022'
        """
        _ = translator(lang)
        value = format_value(evidence.get("value"), _spec(evidence.get("value"), spec), lang=lang)
        text = f"{evidence.get('metric', '')} = {value} {evidence.get('unit') or ''}".rstrip()
        extra = []
        for key, label in (
            ("threshold", _("report.evidence.threshold")),
            ("benchmark", _("report.evidence.benchmark")),
        ):
            if evidence.get(key) is not None:
                shown = format_value(evidence[key], _spec(evidence[key], spec), lang=lang)
                extra.append(f"{label} {shown}")
        if extra:
            text += _("report.evidence.details", details=_("report.evidence.separator").join(extra))
        source = ", ".join(str(p) for p in (evidence.get("source"), evidence.get("year")) if p not in (None, ""))
        if source:
            text += _("report.evidence.source", source=source)
        return cls(id, text)


def _spec(value: Any, spec: str) -> str:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "text"
    if spec != "auto":
        return spec
    if isinstance(value, int):
        return "int"
    return "dec:2" if abs(value) < 1000 else "dec:0"


@dataclass(frozen=True)
class Document:
    """A report: title, language (``zh`` or ``en``), blocks, and the references they cite.

    ``meta`` holds (label, value) lines shown under the title (region, data year, date).
    Every id cited by a block must be one of ``references``; the references are numbered
    in the order they are first cited.
    """

    title: str
    lang: str
    blocks: tuple[Block, ...]
    subtitle: str = ""
    meta: tuple[tuple[str, str], ...] = ()
    references: tuple[Reference, ...] = ()
    toc: bool = True

    def __post_init__(self) -> None:
        check_option(self.lang, "lang", "Document", LANGS)
        object.__setattr__(self, "blocks", tuple(self.blocks))
        object.__setattr__(self, "meta", tuple((str(k), str(v)) for k, v in self.meta))
        object.__setattr__(self, "references", tuple(self.references))
        known = {r.id for r in self.references}
        if len(known) != len(self.references):
            raise InvalidParameterError(f"Document '{self.title}' has duplicate reference ids.")
        unknown = sorted({ref for ref in self.cited() if ref not in known})
        if unknown:
            raise InvalidParameterError(f"Document '{self.title}' cites unknown reference ids: {', '.join(unknown)}.")

    def cited(self) -> list[str]:
        """The reference ids in the order they are cited (repeats included)."""
        out: list[str] = []
        for block in self.blocks:
            if isinstance(block, BulletList):
                out.extend(ref for item in block.items for ref in item.refs)
            else:
                out.extend(getattr(block, "refs", ()))
        return out

    def reference_numbers(self) -> dict[str, int]:
        """Reference id → its number (1, 2, …): cited ones first, in order of first citation."""
        order = list(dict.fromkeys([*self.cited(), *(r.id for r in self.references)]))
        return {ref: i + 1 for i, ref in enumerate(order)}

    def ordered_references(self) -> list[tuple[int, Reference]]:
        """The references with their numbers, in number order."""
        numbers = self.reference_numbers()
        return sorted(((numbers[r.id], r) for r in self.references), key=lambda pair: pair[0])


def numbered(document: Document) -> list[tuple[Block, int | None]]:
    """The blocks with their caption numbers: tables, figures and formulas are each counted from 1.

    >>> doc = Document("t", "en", (Heading(1, "a"), Formula("x"), Formula("y")))
    >>> [n for _, n in numbered(doc)]
    [None, 1, 2]
    """
    counts: dict[str, int] = {}
    out: list[tuple[Block, int | None]] = []
    for block in document.blocks:
        if block.kind in ("table", "figure", "formula"):
            counts[block.kind] = counts.get(block.kind, 0) + 1
            out.append((block, counts[block.kind]))
        else:
            out.append((block, None))
    return out
