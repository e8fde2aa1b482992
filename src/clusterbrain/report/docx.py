"""Word (DOCX) of a :class:`~clusterbrain.report.document.Document`, via python-docx.

Planners in China exchange Word files, so the document uses Word's own structure: the
Title and Heading 1–3 styles (navigation pane, table of contents), tables with a repeated
header row, numbered captions in the Caption style with ``SEQ`` fields (Word can list all
tables and figures), pictures from the charts' PNG, a table-of-contents field and page
numbers in the footer. Chinese text gets an East-Asian font (``w:eastAsia``) and language.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from clusterbrain.report._svg import PNG_DPI, formula_images
from clusterbrain.report.document import (
    BulletList,
    Document,
    Figure,
    Formula,
    Heading,
    KeyValue,
    PageBreak,
    Paragraph,
    Table,
    numbered,
    split_emphasis,
)
from clusterbrain.report.i18n import translator

__all__ = ["EAST_ASIAN_FONTS", "to_docx", "write_docx"]

# Fonts Word has on every Chinese Windows/macOS install; other systems substitute their CJK font.
EAST_ASIAN_FONTS = {"body": "宋体", "heading": "黑体"}
LATIN_FONTS = {"body": "Calibri", "heading": "Calibri Light"}
TEXT_WIDTH_CM = 17.4  # A4 (21 cm) less 18 mm margins on each side
_FIELD = re.compile(r"\{(\w+)\}")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_STATUS_FILL = {"good": "E3F2E6", "warn": "FFF3E0", "bad": "FDECEA", None: "F5F5F5"}
ACCENT = RGBColor(0x1F, 0x4E, 0x79)


def _set_fonts(element: object, *, latin: str, east_asian: str, lang: str) -> None:
    """Set the Latin and East-Asian fonts (and language) of a style's or run's properties."""
    rpr = element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)  # a theme font would override the names below
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    language = rpr.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        rpr.append(language)
    language.set(qn("w:val"), "zh-CN" if lang == "zh" else "en-US")
    language.set(qn("w:eastAsia"), "zh-CN")


def _setup(out: docx.document.Document, document: Document) -> None:
    section = out.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(18)
    section.top_margin = section.bottom_margin = Mm(20)
    styles = out.styles
    for name in ("Normal", "Caption", "List Bullet", "List Number", "Footer", "Subtitle"):
        _set_fonts(
            styles[name].element, latin=LATIN_FONTS["body"], east_asian=EAST_ASIAN_FONTS["body"], lang=document.lang
        )
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        _set_fonts(
            styles[name].element,
            latin=LATIN_FONTS["heading"],
            east_asian=EAST_ASIAN_FONTS["heading"],
            lang=document.lang,
        )
    styles["Normal"].font.size = Pt(10.5)
    styles["Caption"].font.size = Pt(9.5)
    styles["Caption"].font.bold = True
    styles["Caption"].font.color.rgb = RGBColor(0x21, 0x21, 0x21)
    out.core_properties.title = document.title
    out.core_properties.subject = document.subtitle
    out.core_properties.language = "zh-CN" if document.lang == "zh" else "en-US"
    out.core_properties.author = "clusterbrain"


def _field(paragraph: DocxParagraph, instruction: str, shown: str) -> None:
    """Append a Word field (``PAGE``, ``SEQ Table``, ``TOC …``) showing ``shown`` until Word updates it."""

    def char(kind: str) -> None:
        run = paragraph.add_run()
        mark = OxmlElement("w:fldChar")
        mark.set(qn("w:fldCharType"), kind)
        run._r.append(mark)

    char("begin")
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    char("separate")
    paragraph.add_run(shown)
    char("end")


def _text(paragraph: DocxParagraph, text: str, lang: str, *, size: float | None = None) -> None:
    """Append ``text`` with ``**bold**`` pieces; Chinese runs get the East-Asian font explicitly."""
    for piece, bold in split_emphasis(text):
        run = paragraph.add_run(piece)
        run.bold = bold or None
        if size:
            run.font.size = Pt(size)
        if _CJK.search(piece):
            _set_fonts(run._r, latin=LATIN_FONTS["body"], east_asian=EAST_ASIAN_FONTS["body"], lang=lang)


def _cite(paragraph: DocxParagraph, refs: tuple[str, ...], numbers: dict[str, int]) -> None:
    for n in sorted({numbers[r] for r in refs}):
        run = paragraph.add_run(f"[{n}]")
        run.font.superscript = True
        run.font.color.rgb = ACCENT


def _caption(out: docx.document.Document, message: str, number: int, caption: str, *, lang: str) -> DocxParagraph:
    """A Caption-style paragraph: the label, a ``SEQ`` field with the number, the caption text."""
    paragraph = out.add_paragraph(style="Caption")
    before, _, after = message.partition("{n}")
    label = before.strip() or "Table"
    _text(paragraph, before, lang)
    _field(paragraph, f"SEQ {label} \\* ARABIC", str(number))
    _text(paragraph, after.replace("{caption}", caption), lang)
    return paragraph


def _shade(cell: object, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)  # type: ignore[attr-defined]


def _table(out: docx.document.Document, block: Table, number: int, lang: str, numbers: dict[str, int]) -> None:
    _ = translator(lang)
    caption = _caption(out, _("report.table_caption"), number, block.caption, lang=lang)
    _cite(caption, block.refs, numbers)
    caption.paragraph_format.keep_with_next = True
    numeric = block.numeric()
    table = out.add_table(rows=1, cols=len(block.columns), style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    repeat = OxmlElement("w:tblHeader")  # repeat the header row on every page
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for j, name in enumerate(block.columns):
        cell = header.cells[j]
        paragraph = cell.paragraphs[0]
        _text(paragraph, f"**{name}**", lang, size=9.5)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if numeric[j] else WD_ALIGN_PARAGRAPH.LEFT
        _shade(cell, "EEF3F8")
    for row in block.cells(lang):
        cells = table.add_row().cells
        for j, value in enumerate(row):
            paragraph = cells[j].paragraphs[0]
            _text(paragraph, value, lang, size=9.5)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if numeric[j] else WD_ALIGN_PARAGRAPH.LEFT
    if block.notes:
        note = out.add_paragraph()
        _text(note, _("report.table_notes", notes=block.notes), lang, size=8.5)
    else:
        out.add_paragraph()


def _figure(out: docx.document.Document, block: Figure, number: int, lang: str, numbers: dict[str, int]) -> None:
    picture = out.add_paragraph()
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.keep_with_next = True
    picture.add_run().add_picture(io.BytesIO(block.png), width=Cm(TEXT_WIDTH_CM * block.width))
    caption = _caption(out, translator(lang)("report.figure_caption"), number, block.caption, lang=lang)
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _cite(caption, block.refs, numbers)


def _tiles(out: docx.document.Document, block: KeyValue, lang: str) -> None:
    if block.caption:
        _text(out.add_paragraph(), f"**{block.caption}**", lang)
    per_row = min(4, len(block.tiles)) or 1
    rows = -(-len(block.tiles) // per_row)
    table = out.add_table(rows=rows, cols=per_row, style="Table Grid")
    for i, tile in enumerate(block.tiles):
        cell = table.cell(i // per_row, i % per_row)
        _shade(cell, _STATUS_FILL[tile.status])
        value = cell.paragraphs[0]
        _text(value, f"**{tile.text(lang)}**", lang, size=15)
        _text(cell.add_paragraph(), tile.label, lang, size=9)
        if tile.note:
            _text(cell.add_paragraph(), tile.note, lang, size=8)
    out.add_paragraph()


def _formula(out: docx.document.Document, block: Formula, number: int, lang: str) -> None:
    paragraph = out.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    drawn = formula_images(block.latex)
    if drawn is None:
        _text(paragraph, block.text or block.latex, lang)
    else:
        png = drawn[1]
        width_px = int.from_bytes(png[16:20], "big")  # PNG IHDR width
        paragraph.add_run().add_picture(
            io.BytesIO(png), width=Cm(min(TEXT_WIDTH_CM - 2, 0.8 * 2.54 * width_px / PNG_DPI))
        )
    paragraph.add_run(f"\t({number})")
    if block.where:
        _text(out.add_paragraph(), block.where, lang, size=9.5)


def _paragraph(out: docx.document.Document, block: Paragraph, lang: str, numbers: dict[str, int]) -> None:
    paragraph = out.add_paragraph()
    size = {"lead": 11.5, "note": 9.0}.get(block.style)
    _text(paragraph, block.text, lang, size=size)
    _cite(paragraph, block.refs, numbers)
    if block.style == "warning":
        _shade_paragraph(paragraph, "FDECEA")
    if block.style == "note":
        for run in paragraph.runs:
            run.font.color.rgb = RGBColor(0x61, 0x61, 0x61)


def _shade_paragraph(paragraph: DocxParagraph, fill: str) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    left = OxmlElement("w:left")
    for key, value in (("w:val", "single"), ("w:sz", "24"), ("w:space", "4"), ("w:color", "D73027")):
        left.set(qn(key), value)
    border.append(left)
    ppr.append(border)
    shading = OxmlElement("w:shd")
    for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", fill)):
        shading.set(qn(key), value)
    ppr.append(shading)


def _front(out: docx.document.Document, document: Document) -> None:
    _ = translator(document.lang)
    out.add_heading(document.title, level=0)
    if document.subtitle:
        out.add_paragraph(document.subtitle, style="Subtitle")
    for label, value in document.meta:
        _text(out.add_paragraph(), f"**{label}**: {value}", document.lang)
    footer = out.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for i, piece in enumerate(_FIELD.split(_("report.page_format"))):
        if i % 2:
            _field(footer, "PAGE" if piece == "page" else "NUMPAGES", "1")
        elif piece:
            footer.add_run(piece)
    if document.toc:
        out.add_page_break()
        out.add_paragraph(_("report.contents"), style="TOC Heading")
        _field(out.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u', _("report.toc_update"))
    out.add_page_break()


def to_docx(document: Document) -> bytes:
    """The document as DOCX bytes."""
    out = docx.Document()
    _setup(out, document)
    _front(out, document)
    numbers = document.reference_numbers()
    lang = document.lang
    for block, number in numbered(document):
        if isinstance(block, Heading):
            out.add_heading(block.text, level=block.level)
        elif isinstance(block, Paragraph):
            _paragraph(out, block, lang, numbers)
        elif isinstance(block, BulletList):
            for item in block.items:
                paragraph = out.add_paragraph(style="List Number" if block.ordered else "List Bullet")
                _text(paragraph, item.text, lang)
                _cite(paragraph, item.refs, numbers)
        elif isinstance(block, Table) and number is not None:
            _table(out, block, number, lang, numbers)
        elif isinstance(block, Figure) and number is not None:
            _figure(out, block, number, lang, numbers)
        elif isinstance(block, KeyValue):
            _tiles(out, block, lang)
        elif isinstance(block, Formula) and number is not None:
            _formula(out, block, number, lang)
        elif isinstance(block, PageBreak):
            out.add_page_break()
    if document.references:
        out.add_heading(translator(lang)("report.references"), level=1)
        for n, ref in document.ordered_references():
            _text(out.add_paragraph(), f"[{n}] {ref.text}", lang, size=9)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def write_docx(document: Document, path: str | Path) -> Path:
    """Write :func:`to_docx` of ``document`` to ``path`` and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(to_docx(document))
    return path
