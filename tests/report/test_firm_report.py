"""Firm health-check reports of demo firms: one firm on a page or two, a region's batch, files in each format."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import docx
import pytest
from pypdf import PdfReader

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.report.document import Heading, PageBreak, format_value
from clusterbrain.report.firm_report import firm_batch_document, firm_document, write_firm_reports
from clusterbrain.report.render import render
from clusterbrain.store import Workspace
from clusterbrain.workflow.firms import check_firms, load_firm_data
from tests.report._demo import demo_workspace


@pytest.fixture(scope="module")
def checks(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """Health checks of a county's firms, those with the most findings and policies first."""
    with Workspace.open(demo_workspace(tmp_path_factory), read_only=True) as ws:
        data = load_firm_data(ws.con)
    health = check_firms(data, region_id="990101")
    docs = [json.loads(json.dumps(health.document(f), default=str)) for f in health.firm_ids[:200]]
    docs.sort(key=lambda d: -(len(d["findings"]) + len(d["policies"]) + len(d["chain"])))
    return docs[:3]


def indicator(check: dict[str, Any], key: str) -> dict[str, Any]:
    return next(i for i in check["indicators"] if i["key"] == key)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_firm_report_shows_indicators_findings_and_policies(
    checks: list[dict[str, Any]], lang: str, tmp_path: Path
) -> None:
    check = checks[0]
    document = firm_document(check, lang=lang)
    assert check["name"] in document.title
    assert not any(isinstance(b, Heading) and b.level == 1 for b in document.blocks)  # no chapter page breaks
    path = render(document, "docx", tmp_path / f"firm-{lang}.docx")
    out = docx.Document(str(path))
    body = "\n".join(p.text for p in out.paragraphs)
    cells = "\n".join(c.text for t in out.tables for row in t.rows for c in row.cells)
    rd = indicator(check, "rd_intensity")
    assert rd[f"name_{lang}"] in cells
    assert format_value(rd["value"], "pct:1", lang=lang) in cells  # a ratio shown as a percentage
    assert format_value(rd["peers"]["region"]["percentile"], "pct:0", lang=lang) in cells
    for finding in check["findings"]:
        assert finding[f"text_{lang}"] in body
    for policy in check["policies"]:
        assert policy["name"] in cells
    headings = [p.text for p in out.paragraphs if p.style.name == "Heading 2"]
    assert ("体检指标" if lang == "zh" else "Indicators") in headings
    # 专精特新 readiness: each level's name and status, and the edition of the rules in the table note.
    assert ("专精特新条件对照" if lang == "zh" else "专精特新 readiness (specialised and innovative firms)") in headings
    sep = "：" if lang == "zh" else ": "
    for level in check["srdi"]["levels"]:
        assert f"{level[f'name_{lang}']}{sep}{level[f'status_{lang}']}" in body
        if level["missed"]:
            assert level["missed_detail" if lang == "zh" else "missed_detail_en"] in body
    assert check["srdi"]["rules"]["edition"] in body
    assert len(out.inline_shapes) == 1  # the percentile chart


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_firm_report_shows_the_mujun_class_and_its_measures(
    checks: list[dict[str, Any]], lang: str, tmp_path: Path
) -> None:
    check = next(c for c in checks if c["mujun"] and c["mujun"]["evaluated"])
    out = docx.Document(str(render(firm_document(check, lang=lang, chart=False), "docx", tmp_path / "m.docx")))
    headings = [p.text for p in out.paragraphs if p.style.name == "Heading 2"]
    body = "\n".join(p.text for p in out.paragraphs)
    assert ("亩均效益评价" if lang == "zh" else "Per-mu performance (亩均效益评价)") in headings
    measures = check["mujun"]["measures"][lang]
    assert measures and all(m in body for m in measures)


def test_firm_pdf_is_short_and_has_the_chinese_text(checks: list[dict[str, Any]], tmp_path: Path) -> None:
    check = checks[0]
    path = render(firm_document(check, lang="zh"), "pdf", tmp_path / "firm.pdf")
    reader = PdfReader(path)
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    assert re.sub(r"\s+", "", check["name"]) in text
    assert "体检指标" in text and "可申报政策" in text
    assert len(reader.pages) <= 5  # cover, one or two pages of the check, the evidence list


def test_batch_gives_each_firm_its_own_section_and_page(checks: list[dict[str, Any]]) -> None:
    document = firm_batch_document(checks, lang="en")
    names = [b.text for b in document.blocks if isinstance(b, Heading) and b.level == 1]
    assert names == [c["name"] for c in checks]
    assert sum(isinstance(b, PageBreak) for b in document.blocks) == len(checks) - 1
    assert len({r.id for r in document.references}) == len(document.references)  # ids carry the firm id
    assert str(len(checks)) in document.title


def test_write_firm_reports_names_files_per_firm_or_batch(checks: list[dict[str, Any]], tmp_path: Path) -> None:
    one = write_firm_reports(checks[:1], tmp_path, formats=("html",), langs=("zh", "en"))
    assert [p.name for p in one] == [f"firm-{checks[0]['firm_id']}-{lang}.html" for lang in ("zh", "en")]
    batch = write_firm_reports(checks, tmp_path, formats=("html", "docx"), langs=("en",))
    assert [p.name for p in batch] == ["firms-en.html", "firms-en.docx"]
    html = batch[0].read_text(encoding="utf-8")
    assert all(c["name"] in html for c in checks)
    separate = write_firm_reports(checks[:2], tmp_path, formats=("html",), langs=("en",), combined=False)
    assert len(separate) == 2
    with pytest.raises(InvalidParameterError, match="at least one health check"):
        write_firm_reports([], tmp_path)
    with pytest.raises(InvalidParameterError, match="'formats' parameter of write_firm_reports"):
        write_firm_reports(checks[:1], tmp_path, formats=("odt",))
