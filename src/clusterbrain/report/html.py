"""Self-contained HTML of a :class:`~clusterbrain.report.document.Document` (also the source of the PDF).

The page carries its stylesheet inline and its charts as inline SVG: no external URL, no
CDN, no script, so a report opens offline and can be mailed as one file. The same HTML with
its print stylesheet (A4, running title, page numbers, CJK fonts) is what WeasyPrint lays out.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from clusterbrain.report._svg import formula_images
from clusterbrain.report.document import Document, Formula, Heading, Table, numbered, split_emphasis
from clusterbrain.report.i18n import translator

__all__ = ["page_counter_css", "to_html", "write_html"]

_FIELD = re.compile(r"\{(page|pages)\}")


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("clusterbrain.report", "templates"),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["emph"] = _emph
    return env


@cache
def _stylesheet() -> str:
    return resources.files("clusterbrain.report").joinpath("static", "report.css").read_text(encoding="utf-8")


def _emph(text: str) -> Markup:
    """Escape ``text``, showing ``**…**`` in bold."""
    return Markup("").join(Markup("<strong>%s</strong>") % p if bold else escape(p) for p, bold in split_emphasis(text))


def page_counter_css(template: str) -> str:
    """A CSS ``content`` value from a message with ``{page}`` and ``{pages}`` fields.

    >>> page_counter_css("第 {page} 页 / 共 {pages} 页")
    '"第 " counter(page) " 页 / 共 " counter(pages) " 页"'
    """
    parts = []
    for i, piece in enumerate(_FIELD.split(template)):
        if i % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append('"' + piece.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(parts)


def to_html(document: Document) -> str:
    """The document as one self-contained HTML page (inline CSS and SVG; no external resources)."""
    _ = translator(document.lang)
    numbers = document.reference_numbers()
    env = _environment()

    def cite(refs: tuple[str, ...]) -> Markup:
        marks = sorted({numbers[r] for r in refs})
        return Markup("").join(Markup('<sup class="ref"><a href="#ref-%d">[%d]</a></sup>') % (n, n) for n in marks)

    items: list[dict[str, Any]] = []
    toc: list[dict[str, Any]] = []
    for i, (block, number) in enumerate(numbered(document)):
        item: dict[str, Any] = {"block": block, "number": number}
        if isinstance(block, Heading):
            item["anchor"] = f"sec-{i + 1}"
            if block.level <= 2:
                toc.append({"level": block.level, "text": block.text, "anchor": item["anchor"]})
        elif isinstance(block, Table):
            item["cells"] = block.cells(document.lang)
            item["numeric"] = block.numeric()
        elif isinstance(block, Formula):
            drawn = formula_images(block.latex)
            item["math"] = drawn[0] if drawn else None
        items.append(item)
    return env.get_template("document.html.j2").render(
        doc=document,
        lang=document.lang,
        html_lang="zh-CN" if document.lang == "zh" else "en",
        # Both are ours: the package's stylesheet and a CSS value built from our own catalog.
        css=Markup(_stylesheet()),  # noqa: S704
        page_counter=Markup(page_counter_css(_("report.page_format"))),  # noqa: S704
        items=items,
        toc=toc if document.toc else [],
        references=document.ordered_references(),
        cite=cite,
        _=_,
    )


def write_html(document: Document, path: str | Path) -> Path:
    """Write :func:`to_html` of ``document`` to ``path`` (UTF-8) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(to_html(document), encoding="utf-8")
    return path
