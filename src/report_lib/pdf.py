"""nbconvert exporter: the report's HTML page, printed to A4 PDF by Chromium."""

from __future__ import annotations

from typing import Any

from nbformat import NotebookNode
from traitlets import Instance, default

from report_lib.browser import PdfPrinter
from report_lib.render import ReportHTMLExporter


class ReportPDFExporter(ReportHTMLExporter):
    """Same page as `render_html` (code hidden), as PDF.

    A build passes its open `printer` so Chromium starts once for all reports; without one
    (e.g. `jupyter nbconvert --to report_lib.pdf.ReportPDFExporter nb.ipynb`) each conversion
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
            return self.printer.print_pdf(html), resources
        with PdfPrinter() as printer:
            return printer.print_pdf(html), resources
