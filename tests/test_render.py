"""HTML rendering of executed report notebooks: offline, escaped, provenance shown."""

from __future__ import annotations

import base64
import copy
import io
import re

import nbformat
import pandas as pd
import pytest
from matplotlib.figure import Figure
from nbconvert import HTMLExporter
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from report_lib.render.html import render_html

TITLE = "Insult & <i>defamation</i> cases, 2021"  # a real tag: must stay text
SHA256 = "3f" * 32
REVISION = "0123abcd4567ef89"
SCRIPT = "<script>alert(1)</script>"
CHINESE = "侮辱罪"
CASES = 1234

# Requests to another host: in an attribute, a CSS url() or an @import (scheme-relative too).
REMOTE_REFERENCE = re.compile(
    r"""(?:\b(?:src|href|action|poster|srcset)\s*=\s*["']?\s*|url\(\s*["']?\s*|@import\s+["']?)"""
    r"""(?:https?:)?//""",
    re.IGNORECASE,
)


def chart_png() -> str:
    """A real matplotlib chart, base64 as in a display_data output."""
    fig = Figure(figsize=(6, 3))  # no pyplot: no GUI backend, no global figure state
    ax = fig.subplots()
    ax.bar(["2019", "2020", "2021"], [812, 967, CASES])
    ax.set_title("Prosecutions")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def report_metadata() -> dict:
    return {
        "title": TITLE,
        "summary": "Prosecutions for insult and defamation, 2019-2021.",
        "sources": [
            {
                "id": "spp-2022-02-21",
                "title": "SPP press conference on personality rights",
                "publisher": "Supreme People's Procuratorate",
                "date": "2022-02-21",
                "files": [{"name": "spp_2022-02-21.html", "sha256": SHA256}],
            }
        ],
        "parameters": {"year_from": 2019, "region": "<all>"},
        "revision": REVISION,
        "versions": {"python": "3.11.7", "pandas": pd.__version__},
        "build_date": "2024-03-01",
    }


def build_report_notebook() -> nbformat.NotebookNode:
    """An executed report as papermill leaves it, outputs written by hand."""
    table = pd.DataFrame({"offence": ["诽谤罪"], "cases": [567]}).to_html()
    nb = new_notebook(
        cells=[
            new_markdown_cell("## Findings\n\nProsecutions rose every year."),
            new_code_cell(
                "ax = cases.plot.bar()  # CODE-MARKER",
                execution_count=1,
                outputs=[
                    new_output(
                        "display_data",
                        data={"image/png": chart_png(), "text/plain": "<Figure size 480x240>"},
                    )
                ],
            ),
            new_code_cell(
                "quote",
                execution_count=2,
                outputs=[
                    new_output(
                        "execute_result",
                        data={"text/plain": f"{SCRIPT} {CHINESE} {CASES}"},
                        execution_count=2,
                    ),
                    new_output("stream", name="stderr", text="UserWarning: STDERR-MARKER\n"),
                    new_output(
                        "error", ename="ValueError", evalue="ERROR-MARKER", traceback=["TB"]
                    ),
                ],
            ),
            new_code_cell(
                "by_offence  # REMOVE-INPUT-MARKER",
                execution_count=3,
                metadata={"tags": ["remove-input"]},
                outputs=[
                    new_output(
                        "execute_result",
                        data={"text/html": table, "text/plain": "table"},
                        execution_count=3,
                    )
                ],
            ),
            new_code_cell(
                "print('REMOVED-MARKER')",
                execution_count=4,
                metadata={"tags": ["remove-cell"]},
                outputs=[new_output("stream", name="stdout", text="REMOVED-MARKER\n")],
            ),
        ]
    )
    nb.metadata["report_lib"] = report_metadata()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    return nb


@pytest.fixture(scope="module")
def notebook() -> nbformat.NotebookNode:
    return build_report_notebook()


@pytest.fixture(scope="module")
def html(notebook) -> str:
    return render_html(notebook)


@pytest.fixture(scope="module")
def html_with_code(notebook) -> str:
    return render_html(notebook, show_code=True)


def test_remote_reference_check_catches_stock_lab_template(notebook):
    # The check below is only worth something if it sees nbconvert's CDN scripts.
    stock, _ = HTMLExporter(template_name="lab").from_notebook_node(notebook)
    assert REMOTE_REFERENCE.search(stock)


@pytest.mark.parametrize("page", ["html", "html_with_code"])
def test_page_references_no_other_host(page, request):
    text = request.getfixturevalue(page)
    assert REMOTE_REFERENCE.findall(text) == []
    assert not re.search(r"<script[^>]*\bsrc\s*=", text, re.IGNORECASE)
    assert not re.search(r"<link\b", text, re.IGNORECASE)


def test_chart_is_inline_png(html):
    assert re.search(r'<img[^>]+src="data:image/png;base64,', html)


def test_text_output_is_escaped(html):
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert SCRIPT not in html
    assert CHINESE in html


def test_code_hidden_by_default(html):
    assert "CODE-MARKER" not in html


def test_code_shown_on_request(html_with_code):
    assert "CODE-MARKER" in html_with_code


def test_remove_input_tag_hides_code_even_when_shown(html_with_code):
    assert "REMOVE-INPUT-MARKER" not in html_with_code
    assert "诽谤罪" in html_with_code


def test_remove_cell_tag_drops_cell(html_with_code):
    assert "REMOVED-MARKER" not in html_with_code


@pytest.mark.parametrize("page", ["html", "html_with_code"])
def test_stderr_and_errors_absent(page, request):
    text = request.getfixturevalue(page)
    assert "STDERR-MARKER" not in text
    assert "ERROR-MARKER" not in text
    assert "ValueError" not in text


def test_header_names_report_and_source(html):
    header = html[html.index('<header class="report-header">') : html.index("</header>")]
    assert "Insult &amp; &lt;i&gt;defamation&lt;/i&gt; cases, 2021" in header
    assert "SPP press conference on personality rights" in header
    assert "Supreme People's Procuratorate" in header  # bs4 re-serialises &#39; as '"
    assert "2022-02-21" in header
    assert "Built <time>2024-03-01</time>" in header


def test_about_block_shows_provenance_folded(html):
    about = html[html.index('<footer class="report-about">') : html.index("</footer>")]
    assert about.index("<details>") < about.index("About this report")
    for expected in (SHA256, REVISION, "2024-03-01", "3.11.7", "Supreme People's Procuratorate"):
        assert expected in about


def test_no_parameters_and_no_internal_names_in_the_shell(html):
    # Parameters are the build's business; ids and file names mean nothing to a reader.
    for internal in ("Parameters", "year_from", "spp_2022-02-21.html", "spp-2022-02-21"):
        assert internal not in html, internal


def test_every_metadata_string_is_escaped(notebook):
    nb = copy.deepcopy(notebook)
    tag = "<b>injected</b>"
    source = {key: tag for key in ("id", "title", "publisher", "date")}
    source["files"] = [{"name": tag, "sha256": tag}]
    nb.metadata["report_lib"] = {
        **{key: tag for key in ("title", "summary", "revision", "build_date")},
        "sources": [source],
        "parameters": {tag: tag},
        "versions": {tag: tag},
        "id": "a-report",
        "site": {"reports": [{"id": "other", "title": tag}], "tables": ["t.csv"]},
    }
    page = render_html(nb)
    assert "<b>" not in page
    # Shown: title twice (<title>, <h1>), summary, source title/publisher/date in header and
    # about block, checksum, revision, build date twice (header, about), tool and version,
    # the other report's title. Not shown: ids, file names, parameters.
    assert page.count("&lt;b&gt;injected&lt;/b&gt;") == 16


@pytest.mark.parametrize(
    "site",
    [
        {"id": "../etc", "site": {"reports": [{"id": "x", "title": "X"}]}},
        {"id": "ok", "site": {"reports": [{"id": "javascript:alert(1)", "title": "X"}]}},
        {"id": "ok", "site": {"reports": [], "tables": ["../../secret.csv", "a b.csv", "x.html"]}},
    ],
)
def test_links_come_only_from_checked_ids_and_names(notebook, site):
    nb = copy.deepcopy(notebook)
    nb.metadata["report_lib"] = {**report_metadata(), **site}
    links = re.findall(r'href="([^"]*)"', render_html(nb))
    allowed = re.compile(r"#\w+|index\.html|ok\.pdf|ok\.zh\.html|figures\.csv")  # the shell's
    assert [link for link in links if not allowed.fullmatch(link)] == []


def test_the_site_bar_links_index_other_reports_pdf_and_tables(notebook):
    nb = copy.deepcopy(notebook)
    site = {"reports": [{"id": "one", "title": "One"}, {"id": "two", "title": "Two"}]}
    nb.metadata["report_lib"] = {
        **report_metadata(),
        "id": "one",
        "site": {**site, "tables": ["shares.csv"]},
    }
    page = render_html(nb)
    bar = page[page.index('<nav aria-label="Site"') : page.index("</nav>")]
    links = re.findall(r'href="([^"]*)"', bar)
    assert links == [
        "index.html",
        "two.html",
        "one.pdf",
        "tables/one/shares.csv",
        "figures.csv",
        "one.zh.html",  # the same report in Chinese
    ]
    assert "Chart data: Shares (CSV)" in bar


def test_page_title_is_escaped(html):
    assert "<title>Insult &amp; &lt;i&gt;defamation&lt;/i&gt; cases, 2021</title>" in html


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        (None, []),
        ({}, []),
        ({"title": "Only a title"}, ["Only a title"]),
        (
            {"sources": [{"title": "No files, no date"}], "parameters": {}, "versions": None},
            ["No files, no date"],
        ),
    ],
)
def test_partial_metadata_renders_what_is_there(notebook, metadata, expected):
    nb = copy.deepcopy(notebook)
    if metadata is None:
        del nb.metadata["report_lib"]
    else:
        nb.metadata["report_lib"] = metadata
    page = render_html(nb)
    assert "&lt;script&gt;" in page
    assert SHA256 not in page
    for text in expected:
        assert text in page


def test_rendering_is_deterministic_and_leaves_notebook_alone(notebook, html):
    before = copy.deepcopy(notebook)
    assert render_html(notebook) == html
    assert notebook == before
