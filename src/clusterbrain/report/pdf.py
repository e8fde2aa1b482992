"""PDF of a :class:`~clusterbrain.report.document.Document`: WeasyPrint lays out the report's HTML.

Fonts come from the system's fontconfig: Chinese text needs a CJK font such as Noto Sans
CJK SC (Debian ``fonts-noto-cjk``, installed by ``.ci/run``). Nothing is fetched from the
network: the URL fetcher accepts ``data:`` URLs only.
"""

from __future__ import annotations

import logging
from pathlib import Path

from clusterbrain.report.document import Document
from clusterbrain.report.html import to_html

__all__ = ["to_pdf", "write_pdf"]


def to_pdf(document: Document) -> bytes:
    """The document as PDF bytes (A4, running title, page numbers, embedded font subsets)."""
    import weasyprint  # a heavy import (Pango, fontTools): only when a PDF is made

    # WeasyPrint logs every unsupported CSS property and SVG detail at WARNING; they are not ours to act on.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    fetcher = weasyprint.URLFetcher(allowed_protocols=("data",))
    html = weasyprint.HTML(string=to_html(document), url_fetcher=fetcher, media_type="print")
    return html.write_pdf()


def write_pdf(document: Document, path: str | Path) -> Path:
    """Write :func:`to_pdf` of ``document`` to ``path`` and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(to_pdf(document))
    return path
