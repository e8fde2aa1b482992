"""Write a document in a chosen format, and render PDF pages to PNG for people to look at."""

from __future__ import annotations

import shutil
import subprocess  # noqa: S404  (runs pdftoppm with fixed arguments, no shell)
from pathlib import Path

from clusterbrain._validation import check_option, check_scalar
from clusterbrain.exceptions import ClusterBrainError
from clusterbrain.report.document import Document
from clusterbrain.report.docx import write_docx
from clusterbrain.report.html import write_html
from clusterbrain.report.pdf import write_pdf

__all__ = ["FORMATS", "render", "render_pdf_pages_to_png"]

FORMATS = ("html", "pdf", "docx")


def render(document: Document, fmt: str, path: str | Path) -> Path:
    """Write ``document`` as ``fmt`` (``html``, ``pdf`` or ``docx``) to ``path``; return the path."""
    check_option(fmt, "fmt", "render", FORMATS)
    writer = {"html": write_html, "pdf": write_pdf, "docx": write_docx}[fmt]
    return writer(document, path)


def render_pdf_pages_to_png(
    pdf_path: str | Path, out_dir: str | Path, *, first: int = 1, last: int = 2, dpi: int = 80
) -> list[Path]:
    """Render pages ``first``..``last`` of a PDF to PNG files with poppler's ``pdftoppm``.

    The files are named ``<pdf stem>-<page>.png`` in ``out_dir``; the list holds the pages
    that exist (a one-page PDF gives one file).

    Raises
    ------
    ClusterBrainError
        When ``pdftoppm`` is not installed (Debian package ``poppler-utils``) or fails.
    """
    check_scalar(first, "first", "render_pdf_pages_to_png", integer=True, low=1)
    check_scalar(last, "last", "render_pdf_pages_to_png", integer=True, low=first)
    check_scalar(dpi, "dpi", "render_pdf_pages_to_png", integer=True, low=10, high=600)
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise ClusterBrainError("pdftoppm was not found: install poppler-utils (apt-get install poppler-utils)")
    pdf_path, out_dir = Path(pdf_path), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / pdf_path.stem
    done = subprocess.run(  # noqa: S603
        [tool, "-png", "-r", str(dpi), "-f", str(first), "-l", str(last), str(pdf_path), str(stem)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise ClusterBrainError(f"pdftoppm failed on {pdf_path}: {done.stderr.strip()}")
    # pdftoppm pads page numbers to the width of the page count ("-1", "-01", …); name them plainly.
    pages = []
    for made in sorted(out_dir.glob(f"{pdf_path.stem}-*.png")):
        number = int(made.stem.rsplit("-", 1)[1])
        if first <= number <= last:
            target = made.with_name(f"{pdf_path.stem}-{number}.png")
            made.replace(target)
            pages.append(target)
    return sorted(pages, key=lambda p: int(p.stem.rsplit("-", 1)[1]))
