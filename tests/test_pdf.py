"""PDF printing with the system Chromium, checked with poppler's tools."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import poppler_text
from test_render import CASES, CHINESE, TITLE, build_report_notebook

from report_lib.render import browser
from report_lib.render.browser import BrowserNotFound, ParallelPrinter, PdfPrinter, find_chromium
from report_lib.render.html import render_html
from report_lib.render.pdf import EPOCH, ReportPDFExporter, renumber_nodes, reproducible

A4_POINTS = (595.28, 841.89)


@pytest.fixture(scope="module")
def printer(chromium):
    with PdfPrinter(chromium) as opened:
        yield opened


@pytest.fixture(scope="module")
def notebook() -> nbformat.NotebookNode:
    return build_report_notebook()


@pytest.fixture(scope="module")
def report_pdf(printer, notebook, poppler, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "report.pdf"
    printer.print_pdf(render_html(notebook), out)
    return out


def test_pdf_is_a4(report_pdf):
    info = poppler_text("pdfinfo", report_pdf)
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.MULTILINE)
    width, height = map(float, size.groups())
    assert pages >= 1
    assert width == pytest.approx(A4_POINTS[0], abs=1)
    assert height == pytest.approx(A4_POINTS[1], abs=1)


def test_pdf_text_has_title_numbers_chinese_and_page_numbers(report_pdf):
    text = poppler_text("pdftotext", report_pdf)
    assert TITLE in text
    assert str(CASES) in text
    assert CHINESE in text
    assert re.search(r"page 1 of \d+", text)


def test_pdf_fonts_all_embedded(report_pdf):
    lines = poppler_text("pdffonts", report_pdf).splitlines()
    # Columns are fixed-width; the dashes under the header give their extents.
    header, rule, *fonts = lines
    spans = [m.span() for m in re.finditer(r"-+", rule)]
    emb = next(i for i, (start, end) in enumerate(spans) if header[start:end].strip() == "emb")
    assert fonts, "no fonts listed"
    for line in fonts:
        start, end = spans[emb]
        assert line[start:end].strip() == "yes", line


def test_report_page_makes_no_request(printer, notebook, caplog):
    with caplog.at_level(logging.WARNING, logger=browser.__name__):
        printer.print_pdf(render_html(notebook))
    assert [r for r in caplog.records if "blocked request" in r.getMessage()] == []


def test_remote_requests_are_blocked_and_logged(printer, caplog):
    page = '<p>x</p><img src="http://203.0.113.7/chart.png"><link rel=stylesheet href="https://cdn.invalid/a.css">'
    with caplog.at_level(logging.WARNING, logger=browser.__name__):
        pdf = printer.print_pdf(page)
    assert pdf.startswith(b"%PDF")
    blocked = " ".join(r.getMessage() for r in caplog.records)
    assert "http://203.0.113.7/chart.png" in blocked
    assert "https://cdn.invalid/a.css" in blocked


def test_atomic_write_leaves_only_the_pdf(printer, tmp_path):
    out = tmp_path / "r.pdf"
    out.write_bytes(b"old")
    pdf = printer.print_pdf("<p>new</p>", out)
    assert out.read_bytes() == pdf
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]


def test_exporter_uses_shared_printer(printer, notebook, monkeypatch):
    def no_second_browser(self):
        raise AssertionError("exporter launched its own browser")

    monkeypatch.setattr(PdfPrinter, "__enter__", no_second_browser)
    exporter = ReportPDFExporter(printer=printer)
    pdf, resources = exporter.from_notebook_node(notebook)
    assert pdf.startswith(b"%PDF")
    assert resources["output_extension"] == ".pdf"


def test_nbconvert_cli_with_dotted_exporter(chromium, poppler, notebook, tmp_path):
    source = tmp_path / "fixture.ipynb"
    nbformat.write(notebook, source)
    jupyter = Path(sys.executable).with_name("jupyter")
    subprocess.run(
        [jupyter, "nbconvert", "--to", "report_lib.render.pdf.ReportPDFExporter", source.name],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={**os.environ, browser.CHROMIUM_ENV: str(chromium)},
    )
    text = poppler_text("pdftotext", tmp_path / "fixture.pdf")
    assert TITLE in text
    assert "CODE-MARKER" not in text


def test_find_chromium_env_pointing_nowhere(monkeypatch, tmp_path):
    missing = tmp_path / "no-such-chromium"
    monkeypatch.setenv(browser.CHROMIUM_ENV, str(missing))
    with pytest.raises(BrowserNotFound, match=re.escape(str(missing))):
        find_chromium()


def test_find_chromium_env_wins_over_path(monkeypatch, tmp_path):
    chosen = tmp_path / "my-chrome"
    chosen.write_text("#!/bin/sh\n")
    monkeypatch.setenv(browser.CHROMIUM_ENV, str(chosen))
    assert find_chromium() == chosen


def test_find_chromium_searches_path(monkeypatch, tmp_path):
    fake = tmp_path / "google-chrome"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.delenv(browser.CHROMIUM_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_chromium() == fake


def test_find_chromium_none_installed(monkeypatch, tmp_path):
    monkeypatch.delenv(browser.CHROMIUM_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BrowserNotFound) as excinfo:
        find_chromium()
    message = str(excinfo.value)
    assert "\n" not in message
    assert "'chromium' package" in message
    assert browser.CHROMIUM_ENV in message


@pytest.mark.parametrize(("euid", "sandboxed"), [(0, False), (1000, True)])
def test_sandbox_disabled_only_for_root(monkeypatch, euid, sandboxed):
    monkeypatch.setattr(os, "geteuid", lambda: euid)
    assert ("--no-sandbox" not in browser.launch_args()) is sandboxed


def test_pages_printed_at_once_are_those_printed_one_by_one(
    printer, notebook, chromium, monkeypatch
):
    """One browser, two pages printing five reports, each page reused and one replaced
    on the way: each PDF is the one the one-page printer makes (Chromium's dates and
    node ids made reproducible, as every build does)."""
    monkeypatch.setattr(browser, "PRINTS_PER_PAGE", 2)
    html = render_html(notebook)
    pages = [html.replace("</body>", f"<p>page {n}</p></body>") for n in range(5)]
    alone = [reproducible(printer.print_pdf(page), EPOCH) for page in pages]
    with ParallelPrinter(pages=2, executable=chromium) as parallel:
        futures = [parallel.submit(page) for page in pages]
        together = [reproducible(future.result(timeout=120), EPOCH) for future in futures]
    assert together == alone
    assert len(set(together)) == 5


def test_a_page_that_failed_is_replaced(printer, chromium, monkeypatch):
    """A print that fails fails its own future only; the next print, in a new page,
    gives the PDF a fresh printer gives."""
    real = browser.print_options

    def failing_once(title: str, lang: str) -> dict:
        if title == "fails":
            raise RuntimeError("the page broke")
        return real(title, lang)

    monkeypatch.setattr(browser, "print_options", failing_once)
    page = "<html lang='en'><title>works</title><table><tr><th>a</th></tr></table></html>"
    with ParallelPrinter(pages=1, executable=chromium) as parallel:
        first = parallel.submit(page).result(timeout=120)
        with pytest.raises(RuntimeError, match="the page broke"):
            parallel.submit("<html><title>fails</title></html>").result(timeout=120)
        after = parallel.submit(page).result(timeout=120)
    alone = reproducible(printer.print_pdf(page), EPOCH)
    assert reproducible(first, EPOCH) == reproducible(after, EPOCH) == alone


def test_node_ids_are_renumbered_in_order_and_length():
    """Ids defined by /ID become their rank, as many digits, wherever they are named;
    a (node…) string that no /ID defines is left alone."""
    pdf = (
        b"<</ID (node00000517)>> <</ID (node00000093)>> /Headers [(node00000517)] "
        b"/Limits [(node00000093) (node00000517)] /Title (node00000042)"
    )
    assert renumber_nodes(pdf) == (
        b"<</ID (node00000001)>> <</ID (node00000000)>> /Headers [(node00000001)] "
        b"/Limits [(node00000000) (node00000001)] /Title (node00000042)"
    )
    assert renumber_nodes(b"no structure") == b"no structure"


def test_a_browser_that_cannot_start_fails_each_print(tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    with ParallelPrinter(pages=2, executable=fake) as parallel:
        future = parallel.submit("<p>never printed</p>")
        with pytest.raises(Exception, match=r"(?i)browser|launch|closed"):
            future.result(timeout=120)


def test_a_reused_page_starts_with_the_last_report_s_garbage_collected(chromium):
    """A page prints report after report: what the last one left unreachable is
    collected before the next, so that the renderer's memory does not pile up."""
    import asyncio

    garbage = "<script>window.kept = Array.from({length: 2e6}, (_, i) => ({i}));</script>"

    async def heap_after_reuse(parallel: ParallelPrinter) -> tuple[float, float]:
        chrome = await asyncio.wrap_future(parallel._opened)
        slot = browser._Slot()
        page = await slot.ready(chrome)
        await page.set_content(garbage)
        await page.evaluate("window.kept = null")  # 2 million objects left unreachable
        before = (await slot.devtools.send("Runtime.getHeapUsage"))["usedSize"]
        slot.prints = 1
        assert await slot.ready(chrome) is page  # the same page, reused
        after = (await slot.devtools.send("Runtime.getHeapUsage"))["usedSize"]
        await slot.discard()
        return before, after

    with ParallelPrinter(pages=1, executable=chromium) as parallel:
        run = asyncio.run_coroutine_threadsafe(heap_after_reuse(parallel), parallel._loop)
        before, after = run.result(timeout=120)
    assert before > 30e6 and after < before / 4, (before, after)
