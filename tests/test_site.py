"""What readers get: the index and every report opened in headless Chromium (no
request leaves the files, no console error, every image loads, every link resolves),
and the PDFs read with poppler. Layout at a phone's and a desktop's width, accessibility
and screenshots: test_pages.py. Publishing: test_publish.py."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlparse

from conftest import poppler_text

from report_lib.language import LANGUAGES
from report_lib.render.links import index_page


def _pages(built) -> list[Path]:
    manifest = json.loads((built.out / "manifest.json").read_text())
    indexes = [built.out / index_page(lang) for lang in LANGUAGES]
    return indexes + [built.out / e["outputs"]["html"] for e in manifest["reports"]]


def test_every_page_is_offline_clean_and_whole(built, browser):
    for path in _pages(built):
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        requests, errors = [], []
        page.on("request", lambda r, seen=requests: seen.append(r.url))
        page.on(
            "console", lambda m, seen=errors: seen.append(m.text) if m.type == "error" else None
        )
        page.on("pageerror", lambda e, seen=errors: seen.append(str(e)))
        page.goto(path.as_uri(), wait_until="load")
        foreign = [u for u in requests if urlparse(u).scheme not in ("file", "data")]
        assert not foreign, (path.name, foreign)
        assert all(
            urlparse(u).path == path.as_uri()[7:] for u in requests if u.startswith("file:")
        ), requests
        assert not errors, (path.name, errors)
        broken = page.evaluate(
            "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).length"
        )
        assert broken == 0, path.name
        assert page.evaluate("Array.from(document.images).every(i => i.alt.length > 20)"), path.name
        page.close()


def test_links_from_every_page_resolve(built):
    manifest = json.loads((built.out / "manifest.json").read_text())
    for page in _pages(built):
        links = re.findall(r'href="([^"#]+)"', page.read_text(encoding="utf-8"))
        for link in links:
            assert "://" not in link and (built.out / link).is_file(), (page.name, link)
        indexes = {index_page(lang): lang for lang in LANGUAGES}
        if page.name in indexes:  # each index links its own language's reports and tables
            mine = [e for e in manifest["reports"] if e["lang"] == indexes[page.name]]
            reports = {e["outputs"][kind] for e in mine for kind in ("html", "pdf")}
            assert reports | set(manifest["downloads"]) <= set(links)
            tables = {
                p.relative_to(built.out).as_posix()
                for e in mine
                for p in (built.out / e["outputs"]["tables"]).glob("*.csv")
            }
            assert tables <= set(links)


def test_reports_show_no_code_and_no_traceback(built):
    for path in _pages(built)[len(LANGUAGES) :]:
        html = path.read_text(encoding="utf-8")
        assert 'class="highlight' not in html and "Traceback" not in html, path.name
        assert "sha256" in html.lower() or "SHA-256" in html, path.name


def test_pdfs_are_a4_with_text_and_embedded_fonts(built, poppler):
    manifest = json.loads((built.out / "manifest.json").read_text())
    for entry in manifest["reports"]:
        pdf = built.out / entry["outputs"]["pdf"]
        info = poppler_text("pdfinfo", pdf)
        assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 1
        width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
        assert abs(width - 595.28) < 1 and abs(height - 841.89) < 1
        fonts = poppler_text("pdffonts", pdf).splitlines()[2:]
        assert fonts and all(re.split(r"\s{2,}|\s(?=yes|no)", f) and " yes " in f for f in fonts)
        head = re.split("[:：]", entry["title"])[0]
        assert head in poppler_text("pdftotext", pdf).replace("\n", " ")


def test_key_figures_are_text_in_the_overview_pdf(built, poppler):
    text = poppler_text("pdftotext", built.out / "overview.pdf")
    for figure in ("12,410", "21,923", "168", "213", "98.6%"):
        assert figure in text, figure
