"""The planning report of the demo province in three formats and two languages, read back as a person's tools would.

python-docx opens the Word file (real headings, tables, captions, pictures), pypdf extracts the
PDF text (Chinese included) and the HTML is checked for outside resources; the key headings and
numbers of the workflow JSON must appear in each.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import shutil
from functools import cache
from pathlib import Path
from typing import Any

import docx
import pytest
from pypdf import PdfReader

from clusterbrain.exceptions import ClusterBrainError, InvalidParameterError
from clusterbrain.report._plan_methods import METHODS, evidence_sources
from clusterbrain.report._plan_monitor import shown_value
from clusterbrain.report.document import Document, Table, format_value
from clusterbrain.report.i18n import translator
from clusterbrain.report.plan_report import PLAN_FILES, plan_document, read_plan, top_findings
from clusterbrain.report.render import render, render_pdf_pages_to_png
from clusterbrain.workflow.plan import PLAN_FILES as WORKFLOW_PLAN_FILES
from tests.report._demo import demo_plan

CHAPTERS = (
    "report.plan.summary",
    "report.plan.diagnosis",
    "report.plan.positioning",
    "report.plan.projects",
    "report.plan.targets",
    "report.plan.roadmap",
    "report.plan.kpis",
    "report.plan.methods",
    "report.plan.data_sources",
)


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    return demo_plan(tmp_path_factory)


@cache
def _document(lang: str, documents_json: str, provenance_json: str) -> Document:
    return plan_document(json.loads(documents_json), lang=lang, provenance=json.loads(provenance_json))


def document_of(plan: tuple[dict[str, Any], list[dict[str, Any]]], lang: str) -> Document:
    """The report of the demo plan in ``lang``, built once per language (charts take a moment)."""
    return _document(lang, json.dumps(plan[0], default=str), json.dumps(plan[1], default=str))


@pytest.fixture(scope="module", params=["zh", "en"])
def rendered(request: pytest.FixtureRequest, plan: tuple, tmp_path_factory: pytest.TempPathFactory) -> dict:
    lang = request.param
    out = tmp_path_factory.mktemp(f"plan-report-{lang}")
    document = document_of(plan, lang)
    paths = {fmt: render(document, fmt, out / f"plan-{lang}.{fmt}") for fmt in ("html", "docx", "pdf")}
    return {"lang": lang, "document": document, "dir": out, **paths}


def expected(documents: dict[str, Any], lang: str) -> dict[str, Any]:
    """Headings and numbers the report must show, taken from the workflow JSON."""
    _ = translator(lang)
    chain = documents["diagnosis"]["chains"][0]
    firsts = [n["targets"][0] for n in documents["design"]["investment_targets"] if n["targets"]]
    kpi = documents["monitoring"]["kpis"][0]
    return {
        "chapters": [_(key) for key in CHAPTERS],
        "completeness": format_value(chain["completeness"], "pct:1", lang=lang),
        "target": max(firsts, key=lambda t: t["score"])["name"],
        "kpi_name": kpi[f"name_{lang}"],
        "kpi_latest": shown_value(kpi["latest"], lang),
        "vision": documents["positioning"]["vision"][lang],
    }


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_docx_has_the_chapters_as_word_headings_and_the_key_numbers(rendered: dict, plan: tuple) -> None:
    want = expected(plan[0], rendered["lang"])
    out = docx.Document(str(rendered["docx"]))
    headings = [p.text for p in out.paragraphs if p.style.name == "Heading 1"]
    for chapter in want["chapters"]:
        assert any(chapter in h for h in headings), chapter
    body = "\n".join(p.text for p in out.paragraphs)
    cells = "\n".join(c.text for t in out.tables for row in t.rows for c in row.cells)
    assert want["vision"] in body
    assert want["completeness"] in cells  # a tile of the chain section
    assert want["target"] in cells
    kpi_rows = [[c.text for c in row.cells] for t in out.tables for row in t.rows]
    assert any(r[0] == want["kpi_name"] and want["kpi_latest"] in r for r in kpi_rows)
    captions = [p.text for p in out.paragraphs if p.style.name == "Caption"]
    assert len(captions) >= 20
    assert len(out.inline_shapes) >= 10  # charts and formulas as pictures


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """The PDF's bookmarks as (level, title, page index): WeasyPrint makes them from the headings."""
    out: list[tuple[int, str, int]] = []

    def walk(items: list, level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                out.append((level, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 1)
    return out


def test_pdf_has_the_chapters_as_bookmarks_and_the_key_numbers_in_its_text(rendered: dict, plan: tuple) -> None:
    want = expected(plan[0], rendered["lang"])
    reader = PdfReader(rendered["pdf"])
    marks = outline(reader)
    chapters = [(title, page) for level, title, page in marks if level == 1]
    for chapter in want["chapters"]:
        assert any(chapter in title for title, _ in chapters), chapter
    starts = [page for _, page in chapters] + [len(reader.pages)]

    def text_of(key: str, *, section: bool = False) -> str:
        """The text of the chapter (or first section) whose title holds the catalog text of ``key``."""
        title = translator(rendered["lang"])(key, chain="")
        found = [(level, page) for level, t, page in marks if title in t and (level == 2) == section]
        first = found[0][1]
        last = next(p for p in starts if p > first) if not section else first + 1
        return squeeze("".join(reader.pages[i].extract_text() for i in range(first, last)))

    # Text extraction of a CJK PDF is slow: read the pages where each number is expected.
    assert squeeze(chapters[0][0]) in squeeze(reader.pages[chapters[0][1]].extract_text())
    assert squeeze(want["completeness"]) in text_of("report.plan.chain", section=True)
    assert squeeze(want["target"]) in text_of("report.plan.targets")
    kpis = text_of("report.plan.kpis")
    assert squeeze(want["kpi_name"]) in kpis and squeeze(want["kpi_latest"]) in kpis
    if rendered["lang"] == "zh":
        assert len(re.findall(r"[\u4e00-\u9fff]", kpis)) > 300  # the CJK font is embedded with a text map
    assert len(reader.pages) > 20


def test_html_is_self_contained_with_every_chapter(rendered: dict, plan: tuple) -> None:
    html = rendered["html"].read_text(encoding="utf-8")
    for attribute in re.findall(r'\b(?:src|href)\s*=\s*"([^"]*)"', html):
        assert attribute.startswith("#"), attribute
    assert "<script" not in html
    for chapter in expected(plan[0], rendered["lang"])["chapters"]:
        assert chapter in html
    assert html.count("<svg") >= 20  # charts and formulas inline


def test_first_pdf_pages_render_to_png(rendered: dict) -> None:
    if shutil.which("pdftoppm") is None and os.environ.get("CI", "").lower() != "true":
        pytest.skip("pdftoppm is not installed (poppler-utils; CI installs it)")
    pages = render_pdf_pages_to_png(rendered["pdf"], rendered["dir"] / "pages", first=1, last=2)
    assert [p.name for p in pages] == [f"plan-{rendered['lang']}-{n}.png" for n in (1, 2)]
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pages)


def test_every_reference_is_evidence_of_a_finding_in_the_json(plan: tuple) -> None:
    documents = plan[0]
    evidence = {f["id"]: f["evidence"] for step in documents.values() for f in step.get("findings") or []}
    document = document_of(plan, "en")
    assert document.references
    for ref in document.references:
        finding, _, k = ref.id.rpartition("/")
        piece = evidence[finding][int(k) - 1]
        assert piece["metric"] in ref.text
    assert set(document.cited()) == {r.id for r in document.references}


def test_long_tables_show_the_top_rows_with_a_note(plan: tuple) -> None:
    document = document_of(plan, "en")
    rows = len(plan[0]["diagnosis"]["endowment"]["specialization"])
    table = next(b for b in document.blocks if isinstance(b, Table) and b.caption == "The most specialised industries")
    assert len(table.rows) == 12 < rows
    assert f"Top 12 of {rows} shown." in table.notes
    lqs = [row[4] for row in table.rows]
    assert lqs == sorted(lqs, reverse=True)
    assert all(b.notes for b in document.blocks if isinstance(b, Table))  # each names its place in the JSON


def test_summary_leads_with_the_positioning_findings(plan: tuple) -> None:
    documents = plan[0]
    top = top_findings(documents)
    assert [f["id"] for f in top[: len(documents["positioning"]["findings"])]] == [
        f["id"] for f in documents["positioning"]["findings"]
    ]
    rest = [f["severity"] for f in top[len(documents["positioning"]["findings"]) :]]
    assert rest == sorted(rest, reverse=True)


def test_methods_appendix_names_existing_functions_with_formulas() -> None:
    for method in METHODS:
        module, _, name = method.source.rpartition(".")
        try:
            target = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            target = importlib.import_module(method.source)
        assert ":math:" in (target.__doc__ or "") or ".. math::" in (target.__doc__ or ""), method.source


def test_data_sources_list_the_evidence_sources_and_imports(plan: tuple) -> None:
    document = document_of(plan, "zh")
    text = "\n".join(getattr(b, "text", "") for b in document.blocks)
    for source in evidence_sources(plan[0]):
        assert source in text
    imports = next(b for b in document.blocks if isinstance(b, Table) and b.caption == "导入记录")
    assert {row[1] for row in imports.rows} >= {"firms.parquet", "links.parquet", "stats.parquet"}


def test_plan_document_refuses_missing_steps_and_languages(plan: tuple) -> None:
    documents = dict(plan[0])
    with pytest.raises(InvalidParameterError, match="'lang' parameter of plan_document must be one of"):
        plan_document(documents, lang="fr")
    del documents["design"]
    with pytest.raises(InvalidParameterError, match="missing: design"):
        plan_document(documents, lang="zh")


def test_read_plan_reads_the_plan_folder_and_names_what_is_missing(plan: tuple, tmp_path: Path) -> None:
    assert PLAN_FILES == WORKFLOW_PLAN_FILES
    for step, name in PLAN_FILES.items():
        (tmp_path / name).write_text(json.dumps(plan[0][step], default=str), encoding="utf-8")
    assert read_plan(tmp_path)["diagnosis"]["region_id"] == plan[0]["diagnosis"]["region_id"]
    (tmp_path / "design.json").write_text("[1]", encoding="utf-8")
    with pytest.raises(ClusterBrainError, match="design.json should hold a JSON object"):
        read_plan(tmp_path)
    (tmp_path / "design.json").unlink()
    with pytest.raises(ClusterBrainError, match="lacks design.json"):
        read_plan(tmp_path)
