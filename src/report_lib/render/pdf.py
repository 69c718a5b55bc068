"""nbconvert exporter: the report's HTML page, printed to A4 PDF by Chromium."""

from __future__ import annotations

import os
import re
import time
from typing import Any

from nbformat import NotebookNode
from traitlets import Instance, default

from report_lib.render.browser import PdfPrinter
from report_lib.render.html import ReportHTMLExporter


class ReportPDFExporter(ReportHTMLExporter):
    """Same page as `render_html` (code hidden), as PDF.

    A build passes its open `printer` so Chromium starts once for all reports; without one
    (e.g. `jupyter nbconvert --to report_lib.render.pdf.ReportPDFExporter nb.ipynb`) each conversion
    launches and closes its own browser.
    """

    export_from_notebook = "Report PDF"
    output_mimetype = "application/pdf"

    printer = Instance(PdfPrinter, allow_none=True, help="An open PdfPrinter to print with.")

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".pdf"

    @default("template_extension")
    def _template_extension_default(self) -> str:
        # Derived from file_extension otherwise: the template is the HTML one.
        return ".html.j2"

    @default("raw_mimetypes")
    def _raw_mimetypes_default(self) -> list[str]:
        # Raw HTML cells belong in the printed page as in the HTML one; nbconvert would
        # otherwise keep only raw cells of the output mimetype, application/pdf.
        return [ReportHTMLExporter.output_mimetype, ""]

    def from_notebook_node(
        self, nb: NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[bytes, dict[str, Any]]:
        html, resources = super().from_notebook_node(nb, resources=resources, **kw)
        if self.printer is not None:
            pdf = self.printer.print_pdf(html)
        else:
            with PdfPrinter() as printer:
                pdf = printer.print_pdf(html)
        return reproducible(pdf, document_date(nb)), resources


EPOCH = "1970-01-01"


def document_date(nb: NotebookNode) -> str:
    """The date a PDF carries: the build date the build recorded in the notebook, else
    SOURCE_DATE_EPOCH, else the day papermill finished executing it. Never the wall clock,
    so that every route to a PDF gives the same bytes for the same notebook."""
    recorded = nb.metadata.get("report_lib", {}).get("build_date")
    if recorded and recorded != "unknown":
        return recorded
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return time.strftime("%Y-%m-%d", time.gmtime(int(epoch)))
    executed = str(nb.metadata.get("papermill", {}).get("end_time") or "")
    return executed[:10] if re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", executed) else EPOCH


_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}[^)]*\)")
# A tagged PDF names its structure elements after the renderer's DOM node ids (/ID, and
# the /Headers of table cells and the /IDTree that refer to them): a counter of the
# renderer process, so a page printed after another in the same renderer gets other ids.
_NODE_ID = re.compile(rb"/ID \(node(\d+)\)")
_NODE_NAME = re.compile(rb"\(node(\d+)\)")


def reproducible(pdf: bytes, date: str) -> bytes:
    """The same bytes for the same page, however Chromium was used before: `date` for
    its clock (fix_pdf_dates) and node ids counted from 0 (renumber_nodes)."""
    return fix_pdf_dates(renumber_nodes(pdf), date)


def fix_pdf_dates(pdf: bytes, date: str) -> bytes:
    """Chromium stamps the wall clock into the PDF's info dictionary; use `date` instead
    (same length: the cross-reference offsets stay valid)."""
    stamp = date.replace("-", "").encode() + b"000000"

    def replace(match: re.Match[bytes]) -> bytes:
        new = b"/" + match.group(1) + b" (D:" + stamp + b"+00'00')"
        return new if len(new) == len(match.group(0)) else match.group(0)

    return _PDF_DATE.sub(replace, pdf)


def renumber_nodes(pdf: bytes) -> bytes:
    """Replace each structure element's node id by its rank among the document's ids,
    written in as many digits: the same order (the /IDTree stays sorted) and the same
    length (the cross-reference offsets stay valid). Only ids defined by an /ID entry
    are touched."""
    defined = {match.group(1) for match in _NODE_ID.finditer(pdf)}
    rank = {
        digits: b"%0*d" % (len(digits), n)
        for n, digits in enumerate(sorted(defined, key=lambda d: (int(d), d)))
    }

    def replace(match: re.Match[bytes]) -> bytes:
        digits = match.group(1)
        return b"(node" + rank[digits] + b")" if digits in rank else match.group(0)

    return _NODE_NAME.sub(replace, pdf)
