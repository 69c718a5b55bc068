"""A report's pages from its executed notebook: the HTML page, the page its PDF prints
and the date the PDF carries. Made by the worker that ran the notebook, while other
reports run, or by the build for a report that only re-renders; the build prints."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from report_lib import atomic
from report_lib.language import DEFAULT

if TYPE_CHECKING:
    from nbformat import NotebookNode

PAGE, PRINTED = "page.html", "print.html"


class Pages(NamedTuple):
    html: str  # the report's HTML page
    printed: str  # the page printed to PDF (code always hidden)
    pdf_date: str  # the date the PDF carries
    seconds: float


def name_injected_cell(nb: NotebookNode) -> None:
    """papermill draws a random id for the cell it injects: give it a stable one."""
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"


def make(nb: NotebookNode, prov: dict[str, Any], show_code: bool) -> Pages:
    from report_lib.render.html import render_html
    from report_lib.render.pdf import document_date

    started = time.perf_counter()
    nb.metadata["report_lib"] = prov
    lang = prov.get("lang", DEFAULT)
    html = render_html(nb, show_code=show_code, lang=lang)
    # A PDF prints the page with code hidden (ReportPDFExporter): the HTML page itself,
    # unless that one shows the code.
    printed = render_html(nb, show_code=False, lang=lang) if show_code else html
    return Pages(html, printed, document_date(nb), time.perf_counter() - started)


def write(folder: Path, pages: Pages) -> None:
    """The page, and the printed page only where it differs (code shown)."""
    atomic.write_text(folder / PAGE, pages.html)
    if pages.printed != pages.html:
        atomic.write_text(folder / PRINTED, pages.printed)


def read(folder: Path, pdf_date: str, seconds: float) -> Pages:
    html = (folder / PAGE).read_text(encoding="utf-8")
    printed = folder / PRINTED
    return Pages(
        html, printed.read_text(encoding="utf-8") if printed.exists() else html, pdf_date, seconds
    )
