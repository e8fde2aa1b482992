"""A document with every block type renders to HTML, PDF and DOCX in Chinese and English.

The checks read the outputs back as a person's tools would: python-docx for Word (styles,
tables, captions, pictures), pypdf for the PDF text (Chinese included, so the CJK font is
embedded), the HTML source for external resources, and pdftoppm for page images.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from functools import cache
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader

from clusterbrain.exceptions import ClusterBrainError, InvalidParameterError
from clusterbrain.report.charts import dimension_radar, kpi_scorecard
from clusterbrain.report.document import (
    BulletList,
    Document,
    Formula,
    Heading,
    KeyValue,
    PageBreak,
    Paragraph,
    Reference,
    Table,
    Tile,
)
from clusterbrain.report.html import to_html
from clusterbrain.report.render import render, render_pdf_pages_to_png

TEXT = {
    "zh": {
        "title": "示范省产业发展诊断与规划报告",
        "h1": "一、产业诊断",
        "h2": "1.1 专业化水平",
        "h3": "区位商",
        "para": "锂离子电池产业区位商为 **2.31**，高于全国平均水平。",
        "warn": "隔膜环节仅有一家本地供应商，存在断供风险。",
        "bullets": ("补链：引进晶圆代工", "强链：扶持电芯龙头"),
        "table": "重点产业专业化指标",
        "columns": ("产业", "就业人数", "区位商", "就业占比"),
        "rows": (("锂离子电池", 12345, 2.314, 0.1234), ("集成电路", 6789, 0.876, 0.0567)),
        "notes": "数据来源：统计年鉴。",
        "tiles": ("规上企业数", "产值"),
        "where": "其中 x 为就业人数，r 为地区，i 为产业。",
        "radar": "集聚与集群八维度",
        "kpi": "关键绩效指标",
    },
    "en": {
        "title": "Demo Province industrial diagnosis and plan",
        "h1": "1 Diagnosis",
        "h2": "1.1 Specialization",
        "h3": "Location quotient",
        "para": "The Li-ion battery industry has a location quotient of **2.31**, above the national average.",
        "warn": "The separator link has a single local supplier: a supply risk.",
        "bullets": ("Fill the chain: attract a wafer foundry", "Strengthen: support the cell leader"),
        "table": "Specialization of the focus industries",
        "columns": ("Industry", "Employment", "LQ", "Share"),
        "rows": (("Li-ion batteries", 12345, 2.314, 0.1234), ("Integrated circuits", 6789, 0.876, 0.0567)),
        "notes": "Source: statistical yearbook.",
        "tiles": ("Firms above scale", "Output"),
        "where": "where x is employment, r the region and i the industry.",
        "radar": "The eight dimensions",
        "kpi": "Key performance indicators",
    },
}
DIMENSIONS = [
    {"id": f"d{i}", "name_zh": f"维度{i}", "name_en": f"dim {i}", "score": s, "benchmark": 0.5}
    for i, s in enumerate([0.9, 0.7, 0.4, 0.6, 0.3, 0.8, 0.5, 0.2], start=1)
]
KPIS = [
    {"name_zh": "产值", "name_en": "Output", "actual": 820.0, "target": 1000.0, "baseline": 600.0, "status": "at_risk"},
    {"name_zh": "研发强度", "name_en": "R&D intensity", "actual": 0.031, "target": 0.03, "status": "on_track"},
    {"name_zh": "本地配套率", "name_en": "Local sourcing", "actual": 0.35, "target": 0.6, "status": "off_track"},
]


@cache
def sample_document(lang: str) -> Document:
    """A document with every block type (built once per language: charts take a moment)."""
    t = TEXT[lang]
    return Document(
        title=t["title"],
        subtitle="clusterbrain",
        lang=lang,
        meta=(("region", "990000"), ("year", "2023")),
        references=(
            Reference.from_evidence(
                "lq-battery",
                {"metric": "location_quotient", "value": 2.314, "threshold": 1.25, "source": "stats", "year": 2023},
                lang=lang,
            ),
            Reference("sole-separator", "sole-source node: separator (links 2023)"),
        ),
        blocks=(
            Heading(1, t["h1"]),
            KeyValue(
                (
                    Tile(t["tiles"][0], 1234, "int", status="good"),
                    Tile(t["tiles"][1], 123456789, "compact:1", note="2023", status="bad"),
                )
            ),
            Heading(2, t["h2"]),
            Paragraph(t["para"], refs=("lq-battery",)),
            Paragraph(t["warn"], refs=("sole-separator",), style="warning"),
            BulletList(t["bullets"]),
            Table(t["table"], t["columns"], t["rows"], ("text", "int", "dec:2", "pct:1"), t["notes"], ("lq-battery",)),
            Heading(3, t["h3"]),
            Formula(r"LQ_{ri} = \frac{x_{ri} / \sum_i x_{ri}}{\sum_r x_{ri} / \sum_{r,i} x_{ri}}", where=t["where"]),
            dimension_radar(DIMENSIONS, lang=lang, caption=t["radar"]),
            PageBreak(),
            kpi_scorecard(KPIS, lang=lang, caption=t["kpi"]),
        ),
    )


@pytest.fixture(scope="module", params=["zh", "en"])
def rendered(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    lang = request.param
    out = tmp_path_factory.mktemp(f"report-{lang}")
    document = sample_document(lang)
    paths = {fmt: render(document, fmt, out / f"sample-{lang}.{fmt}") for fmt in ("html", "pdf", "docx")}
    return {"lang": lang, "document": document, "dir": out, **paths}


def test_html_is_self_contained(rendered: dict) -> None:
    html = rendered["html"].read_text(encoding="utf-8")
    assert TEXT[rendered["lang"]]["title"] in html
    # No resource is loaded from outside: every src/href is in-page, and CSS pulls nothing in.
    for attribute in re.findall(r'\b(?:src|href)\s*=\s*"([^"]*)"', html):
        assert attribute.startswith("#"), attribute
    assert "@import" not in html
    assert not re.search(r"url\(\s*['\"]?(?!#)", html)
    assert "<script" not in html
    assert html.count("<svg") == 3  # two charts and one formula, inline
    assert 'id="ref-1"' in html and 'href="#ref-1"' in html


def test_html_numbers_are_formatted_for_the_language(rendered: dict) -> None:
    html = rendered["html"].read_text(encoding="utf-8")
    assert "12,345" in html and "2.31" in html and "12.3%" in html
    assert ("1.2亿" if rendered["lang"] == "zh" else "123.5M") in html
    assert ("表1　" if rendered["lang"] == "zh" else "Table 1: ") in html


def test_pdf_text_has_headings_numbers_and_chinese(rendered: dict) -> None:
    reader = PdfReader(rendered["pdf"])
    text = "\n".join(page.extract_text() for page in reader.pages)
    t = TEXT[rendered["lang"]]
    for expected in (t["title"], t["h1"], t["h2"], t["table"], "12,345", "2.31", "12.3%", t["rows"][1][0]):
        assert expected in text, expected
    if rendered["lang"] == "zh":
        assert len(re.findall(r"[\u4e00-\u9fff]", text)) > 100  # the CJK font is embedded with a text map
        assert "第 2 页" in text
    else:
        assert "Page 2 of" in text
    assert len(reader.pages) >= 4  # cover, contents, body across a page break


def test_docx_uses_word_structure(rendered: dict) -> None:
    t = TEXT[rendered["lang"]]
    out = docx.Document(str(rendered["docx"]))
    by_style = [(p.style.name, p.text) for p in out.paragraphs]
    assert ("Title", t["title"]) in by_style
    assert ("Heading 1", t["h1"]) in by_style
    assert ("Heading 2", t["h2"]) in by_style
    assert ("Heading 3", t["h3"]) in by_style
    captions = [text for style, text in by_style if style == "Caption"]
    if rendered["lang"] == "zh":
        assert f"表1　{t['table']}[1]" in captions
        assert f"图1　{t['radar']}" in captions and f"图2　{t['kpi']}" in captions
    else:
        assert f"Table 1: {t['table']}[1]" in captions
        assert f"Figure 2: {t['kpi']}" in captions
    data = out.tables[1]  # tables[0] is the row of KPI tiles
    assert [c.text for c in data.rows[0].cells] == list(t["columns"])
    assert [c.text for c in data.rows[1].cells] == [t["rows"][0][0], "12,345", "2.31", "12.3%"]
    assert data.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # header row repeats on each page
    assert "1,234" in out.tables[0].cell(0, 0).text
    # two charts and one formula, as inline pictures
    assert len(out.inline_shapes) == 3
    paragraph = next(p for p in out.paragraphs if t["para"].replace("**", "") in p.text)
    assert any(run.bold and run.text == "2.31" for run in paragraph.runs)
    assert paragraph.runs[-1].text == "[1]" and paragraph.runs[-1].font.superscript


def test_docx_sets_east_asian_fonts_and_page_numbers(rendered: dict) -> None:
    out = docx.Document(str(rendered["docx"]))
    fonts = out.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    assert out.styles["Heading 1"].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    footer = out.sections[0].footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "NUMPAGES" in footer
    if rendered["lang"] == "zh":
        run = next(r for p in out.paragraphs for r in p.runs if "锂离子电池" in r.text)
        assert run._r.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"


def test_pdf_first_pages_render_to_png(rendered: dict) -> None:
    if shutil.which("pdftoppm") is None and os.environ.get("CI", "").lower() != "true":
        pytest.skip("pdftoppm is not installed (poppler-utils; CI installs it)")
    pages = render_pdf_pages_to_png(rendered["pdf"], rendered["dir"] / "png", first=1, last=3)
    assert [p.name for p in pages] == [f"sample-{rendered['lang']}-{n}.png" for n in (1, 2, 3)]
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and p.stat().st_size > 2_000 for p in pages)


def test_render_refuses_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(InvalidParameterError, match="'fmt' parameter of render must be one of"):
        render(sample_document("en"), "odt", tmp_path / "x.odt")


def test_pdftoppm_errors_name_the_file(tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf")
    with pytest.raises(ClusterBrainError, match="pdftoppm failed on .*bad.pdf"):
        render_pdf_pages_to_png(bad, tmp_path)


def test_html_has_no_toc_when_turned_off() -> None:
    document = sample_document("en")
    html = to_html(Document(document.title, "en", document.blocks[:3], toc=False))
    assert 'class="toc"' not in html
    assert io.StringIO(html).read().count("<h1") == 1
