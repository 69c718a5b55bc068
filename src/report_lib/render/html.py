"""Executed notebook -> self-contained HTML page with the project's nbconvert template."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import TraitError, Unicode, default, validate

from report_lib import language
from report_lib.render import i18n, links
from report_lib.render.chinese import mark_chinese
from report_lib.render.css import prune_page

TEMPLATES_DIR = Path(__file__).parent / "templates"
TEMPLATE_NAME = "report"


class DropDiagnosticOutputs(Preprocessor):
    """Drop stderr streams and errors: warnings and tracebacks are for whoever runs the build,
    not for the reader. Registered by the template's conf.json so every exporter using the
    template applies it."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            cell.outputs = [output for output in cell.outputs if not _is_diagnostic(output)]
        return cell, resources


def _is_diagnostic(output: NotebookNode) -> bool:
    if output.output_type == "error":
        return True
    return output.output_type == "stream" and output.get("name") == "stderr"


class ReportHTMLExporter(HTMLExporter):
    """HTMLExporter whose defaults are the report's: project template, no prompts, code hidden.

    Defaults rather than constructor arguments, so that `jupyter nbconvert --to` with the
    dotted class name gives the same page as `render_html`.
    """

    export_from_notebook = "Report HTML"

    shell_lang = Unicode(i18n.DEFAULT, help="Language of the page's shell.").tag(config=True)

    @validate("shell_lang")
    def _known_language(self, proposal: dict[str, Any]) -> str:
        if proposal["value"] not in language.LANGUAGES:
            raise TraitError(f"no shell language {proposal['value']!r} in report_lib.render.i18n")
        return proposal["value"]

    @default("template_name")
    def _template_name_default(self) -> str:
        return TEMPLATE_NAME

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self) -> list[str]:
        return [str(TEMPLATES_DIR)]

    @default("exclude_input")
    def _exclude_input_default(self) -> bool:
        return True

    @default("exclude_input_prompt")
    def _exclude_input_prompt_default(self) -> bool:
        return True

    @default("exclude_output_prompt")
    def _exclude_output_prompt_default(self) -> bool:
        return True

    def _create_environment(self):
        environment = super()._create_environment()
        environment.globals["_"] = lambda message, **values: i18n.translator(self.shell_lang)(
            message, **values
        )
        environment.globals["links"] = links
        environment.globals["time_tag"] = lambda value: i18n.time_tag(value, self.shell_lang)
        environment.globals["punct"] = i18n.joiner(self.shell_lang)
        return environment

    def _init_resources(self, resources: dict[str, Any]) -> dict[str, Any]:
        resources = super()._init_resources(resources)
        resources["shell_lang"] = self.shell_lang
        resources["lang"] = i18n.tag(self.shell_lang)
        return resources

    def from_notebook_node(
        self, nb: NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        """The page, its Chinese text marked as such (see `chinese`), its stylesheets cut
        to the rules that can apply to it (see `css`)."""
        html, resources = super().from_notebook_node(nb, resources=resources, **kw)
        return prune_page(mark_chinese(html)), resources


@cache
def _exporter(show_code: bool, lang: str) -> ReportHTMLExporter:
    # Building the exporter and its Jinja environment is what costs time (see report);
    # conversions on one instance are independent, so one per configuration is enough.
    return ReportHTMLExporter(exclude_input=not show_code, shell_lang=lang)


def render_html(nb: NotebookNode, *, show_code: bool = False, lang: str = i18n.DEFAULT) -> str:
    """Render an executed notebook as one offline HTML page (navigation, header, outputs,
    'About this report'), its shell in `lang`."""
    html, _ = _exporter(show_code, lang).from_notebook_node(nb)
    return html
