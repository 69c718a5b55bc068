"""Every built page as readers get it, in real Chromium at a phone's width (390 px) and a
desktop's (1280 px): no sideways scroll, no word split across lines, every image
described, Chinese text marked as such, no serious accessibility violation (axe-core),
no internal name (codes, file paths, parameters) in the visible text. Screenshots of
each page at both widths go to outputs/screenshots/ for review.

And every PDF: tagged, with bookmarks and its language, the report's title as a running
header, 'About this report' printed open, no near-empty page, and never a page that
holds the about block alone."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import ROOT, poppler_text
from playwright.sync_api import Page

from report_lib import language
from report_lib.build.screenshots import HEIGHT, WIDTHS, pages, path_for
from report_lib.render.browser import print_options

SCREENSHOTS = ROOT / "outputs" / "screenshots"

# A word laid out on more than one line has been split: each run of Latin letters and
# digits in a text node must give one box. Long codes (class "hash") may wrap anywhere.
SPLIT_WORDS = """() => {
  const split = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('.hash, script, style')) continue;
    for (const word of node.data.matchAll(/[\\p{Script=Latin}\\p{Nd}]{2,}/gu)) {
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      const boxes = Array.from(range.getClientRects()).filter(r => r.width > 0);
      const tops = new Set(boxes.map(r => Math.round(r.top)));
      if (tops.size > 1) split.push(word[0] + ' in <' + parent.tagName.toLowerCase() + '>');
    }
  }
  return split;
}"""

# Chinese text whose nearest language is not Chinese (the <title> cannot hold markup).
UNMARKED_CHINESE = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!/\\p{Script=Han}/u.test(node.data)) continue;
    const holder = node.parentElement && node.parentElement.closest('[lang]');
    if (!holder || !holder.lang.toLowerCase().startsWith('zh')) found.push(node.data.trim());
  }
  return found;
}"""

# The smallest chart text as drawn: its font size in the SVG's units times the image's
# displayed width over the SVG's own width (matplotlib writes both in points).
CHART_TEXT_PX = """() => Array.from(document.querySelectorAll('.report-chart img')).map(img => {
  const svg = atob(img.src.split(',')[1]);
  const width = parseFloat(svg.match(/<svg[^>]* width="([\\d.]+)pt"/)[1]);
  const found = svg.matchAll(/font(?:-size)?:[^;"]*?([\\d.]+)px/g);
  const sizes = Array.from(found, m => parseFloat(m[1]));
  return Math.min(...sizes) * img.getBoundingClientRect().width / width;
})"""

OPEN_DETAILS = "document.querySelectorAll('details').forEach(d => d.open = true)"

# What a reader reads: text outside <main> is the shell's, inside it the notebook's;
# with every <details> open, and image descriptions and labels with them.
VISIBLE_TEXT = """() => {
  const described = '[alt], [title], [aria-label]';
  const labelled = els => els.flatMap(el => Array.from(el.querySelectorAll(described)));
  const labels = els => labelled(els)
    .map(e => [e.alt, e.title, e.getAttribute('aria-label')].filter(Boolean).join(' ')).join(' ');
  const shell = Array.from(document.body.children).filter(e => e.tagName !== 'MAIN');
  const main = Array.from(document.querySelectorAll('main'));
  return {
    shell: shell.map(e => e.innerText).join(' ') + ' ' + labels(shell) + ' ' + document.title,
    content: main.map(e => e.innerText).join(' ') + ' ' + labels(main),
  };
}"""

SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
FILE_PATH = re.compile(
    r"(?:\b(?:data|shared|notebooks|outputs|src|tables)/[\w./-]*)"
    r"|(?:\b[\w-]+\.(?:csv|md|ipynb|py|ya?ml|json|txt)\b)"
)
PARAMETERS = re.compile(r"\bParameters?\b")


def internal_names(text: str, source_ids: set[str]) -> list[str]:
    found = SNAKE_CASE.findall(text) + FILE_PATH.findall(text) + PARAMETERS.findall(text)
    return sorted(set(found) | {i for i in source_ids if i in text})


def _measure(page: Page) -> dict:
    return {
        "chinese_in_alt": page.evaluate(
            "Array.from(document.images).map(i => i.alt).filter(a => /\\p{Script=Han}/u.test(a))"
        ),
        "scroll_width": page.evaluate("document.documentElement.scrollWidth"),
        "split_words": page.evaluate(SPLIT_WORDS),
        "unmarked_chinese": page.evaluate(UNMARKED_CHINESE),
        "images_without_alt": page.evaluate(
            "Array.from(document.images).filter(i => i.alt.trim().length < 5).length"
        ),
        "images": page.evaluate("document.images.length"),
        "chart_text_px": page.evaluate(CHART_TEXT_PX),
        "lang": page.evaluate("document.documentElement.lang"),
        "violations": [
            f"{v['id']} ({v['impact']}): {v['help']}"
            for v in Axe().run(page).response["violations"]
            if v["impact"] in ("serious", "critical")
        ],
    }


@pytest.fixture(scope="module")
def laid_out(built, browser) -> dict[tuple[str, int], dict]:
    """Each page at each width: screenshot as it loads, then measured with its <details>
    open (as a reader who opens them sees it)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    found = {}
    for path in pages(built.out):
        for width in WIDTHS:
            page = browser.new_page(viewport={"width": width, "height": HEIGHT})
            page.goto(path.as_uri(), wait_until="load")
            page.screenshot(path=path_for(SCREENSHOTS, path, width), full_page=True)
            page.evaluate(OPEN_DETAILS)
            found[path.stem, width] = {**_measure(page), "text": page.evaluate(VISIBLE_TEXT)}
            page.close()
    return found


def _each(laid_out, key: str) -> dict:
    return {page: m[key] for page, m in laid_out.items() if m[key]}


def test_every_page_was_checked_at_both_widths(built, laid_out):
    listed = json.loads((built.out / "manifest.json").read_text())["reports"]
    assert len(pages(built.out)) == len(language.LANGUAGES) + len(listed)
    assert set(laid_out) == {(p.stem, w) for p in pages(built.out) for w in WIDTHS}
    for path in pages(built.out):
        for width in WIDTHS:
            assert path_for(SCREENSHOTS, path, width).stat().st_size > 10_000


def test_no_page_scrolls_sideways(laid_out):
    wide = {page: m["scroll_width"] for page, m in laid_out.items()}
    assert {page: w for page, w in wide.items() if w > page[1]} == {}


def test_no_word_is_split_across_lines(laid_out):
    assert _each(laid_out, "split_words") == {}


def test_every_image_is_described(laid_out):
    assert _each(laid_out, "images_without_alt") == {}
    assert sum(m["images"] for m in laid_out.values()) > 10


def _in(laid_out, lang: str) -> dict:
    return {page: m for page, m in laid_out.items() if m["lang"] == language.tag(lang)}


def test_every_page_is_in_one_of_the_languages(laid_out):
    assert {m["lang"] for m in laid_out.values()} == {language.tag(g) for g in language.LANGUAGES}


def test_chinese_text_is_marked_chinese_in_english_pages(laid_out):
    assert _each(_in(laid_out, "en"), "unmarked_chinese") == {}


def test_english_image_descriptions_hold_no_chinese(laid_out):
    assert _each(_in(laid_out, "en"), "chinese_in_alt") == {}


def test_chart_text_is_at_least_9_px_at_both_widths(laid_out):
    sizes = [px for m in laid_out.values() for px in m["chart_text_px"]]
    assert len(sizes) > 5
    assert {
        page: min(m["chart_text_px"])
        for page, m in laid_out.items()
        if m["chart_text_px"] and min(m["chart_text_px"]) < 9
    } == {}


def test_no_serious_or_critical_accessibility_violation(laid_out):
    assert _each(laid_out, "violations") == {}


def _source_ids(built) -> set[str]:
    import csv

    with (built.processed / "sources.csv").open(encoding="utf-8") as handle:
        return {row["source_id"] for row in csv.DictReader(handle)}


def test_the_shell_shows_no_internal_name(built, laid_out):
    ids = _source_ids(built)
    shown = {page: internal_names(m["text"]["shell"], ids) for page, m in laid_out.items()}
    assert {page: names for page, names in shown.items() if names} == {}


def test_the_content_shows_no_internal_name(built, laid_out):
    ids = _source_ids(built)
    shown = {page: internal_names(m["text"]["content"], ids) for page, m in laid_out.items()}
    assert {page: names for page, names in shown.items() if names} == {}


def test_the_name_check_sees_what_it_must():
    text = "Parameters: crime heroes_martyrs; shared/sources/FACTS.md, data/raw/x, t.csv, spp-1"
    assert internal_names(text, {"spp-1"}) == [
        "Parameters",
        "data/raw/x",
        "heroes_martyrs",
        "shared/sources/FACTS.md",
        "spp-1",
        "t.csv",
    ]
    assert internal_names("Chart data: In context (CSV), 2022-02-21, e.g. 98.6%", set()) == []


CHECKS = """<!DOCTYPE html><html lang="en"><head><style>
td { overflow-wrap: anywhere; } table { table-layout: fixed; width: 120px; }
</style></head><body><table><tr><td>coverage</td><td>profile</td></tr></table>
<p>侮辱罪 <span lang="zh-Hans">诽谤罪</span></p></body></html>"""


def test_the_page_checks_catch_a_split_word_and_unmarked_chinese(browser):
    # The appendix's "coverag e": a fixed table layout squeezing words that may break.
    page = browser.new_page(viewport={"width": 390, "height": HEIGHT})
    page.set_content(CHECKS)
    assert any(word.startswith("coverage") for word in page.evaluate(SPLIT_WORDS))
    assert page.evaluate(UNMARKED_CHINESE) == ["侮辱罪"]
    page.close()


# ---- PDFs ----------------------------------------------------------------------------

BODY = (16 / 297, (297 - 18) / 297)  # the body between the running header and the footer
NEAR_EMPTY = 0.15
INK = 200  # a grey level darker than this is content


def _pgm(data: bytes) -> tuple[int, int, bytes]:
    """Width, height and pixels of a binary PGM (P5, 8 bits) as pdftoppm -gray writes it."""
    fields, position = [], 2
    while len(fields) < 3:
        match = re.compile(rb"\s*(#[^\n]*\n\s*)*(\d+)").match(data, position)
        fields.append(int(match.group(2)))
        position = match.end()
    width, height, _ = fields
    return width, height, data[position + 1 :]


def _inked_rows(pdf: Path, dpi: int = 24) -> list[tuple[int, list[int]]]:
    """Per page: its height in pixels and the rows of its body holding any ink."""
    pages_rows = []
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), str(pdf), f"{folder}/p"], check=True)
        for image in sorted(Path(folder).glob("p-*.pgm"), key=lambda p: int(p.stem[2:])):
            width, height, pixels = _pgm(image.read_bytes())
            top, bottom = (round(height * edge) for edge in BODY)
            rows = (pixels[y * width : (y + 1) * width] for y in range(top, bottom))
            pages_rows.append((height, [y for y, row in enumerate(rows, top) if min(row) < INK]))
    return pages_rows


def _share(height: int, rows: list[int]) -> float:
    body = round(height * BODY[1]) - round(height * BODY[0])
    return (rows[-1] - rows[0] + 1) / body if rows else 0.0


def page_fill(pdf: Path) -> list[float]:
    """Per page, the share of the body's height between its first and last inked row."""
    return [_share(height, rows) for height, rows in _inked_rows(pdf)]


def fill_before_about(pdf: Path, about: str = "About this report") -> float:
    """On the page where 'About this report' (`about`, in the PDF's language) starts, the
    share of the body's height that content above it takes: 0 when the about block stands
    alone at the top."""
    heading = r"\s*".join(
        rf"<word[^>]*>{re.escape(word)}</word>" for word in about.split()
    ).replace("<word[^>]*>", r'yMin="([\d.]+)"[^>]*>', 1)
    for number, (height, rows) in enumerate(_inked_rows(pdf), 1):
        words = subprocess.run(
            ["pdftotext", "-bbox", "-f", str(number), "-l", str(number), str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        found = re.search(
            r'<page width="[\d.]+" height="([\d.]+)">.*?' + heading,
            words,
            re.DOTALL,
        )
        if found:
            about = float(found.group(2)) / float(found.group(1)) * height
            return _share(height, [y for y in rows if y < about - 2])
    raise AssertionError(f"{pdf.name}: no '{about}'")


def _pdfs(built) -> dict[str, tuple[Path, str, str]]:
    """Each PDF by its file name: (path, the report's title, its language)."""
    manifest = json.loads((built.out / "manifest.json").read_text())
    return {
        e["outputs"]["pdf"]: (built.out / e["outputs"]["pdf"], e["title"], e["lang"])
        for e in manifest["reports"]
    }


def _pdf_string(raw: bytes) -> str:
    """A PDF text string as written: (literal) or <FEFF…> UTF-16 hex."""
    if raw.startswith(b"<"):
        return bytes.fromhex(raw[1:-1].decode()).decode("utf-16")
    return raw[1:-1].decode("latin-1")


def _catalog(pdf: Path) -> bytes:
    data = pdf.read_bytes()
    start = data.index(b"/Type /Catalog")
    return data[start : data.index(b"endobj", start)]


def test_pdfs_are_tagged_with_bookmarks_and_language(built, poppler):
    for report_id, (pdf, _, lang) in _pdfs(built).items():
        assert re.search(r"^Tagged:\s+yes$", poppler_text("pdfinfo", pdf), re.MULTILINE), report_id
        catalog = _catalog(pdf)
        tag = language.tag(lang).encode()
        assert b"/Lang (" + tag + b")" in catalog and b"/Outlines " in catalog, report_id
        assert b"/StructTreeRoot " in catalog, report_id
        raw = re.findall(rb"/Title (\([^)]*\)|<[0-9A-Fa-f]+>)", pdf.read_bytes())
        titles = [_pdf_string(title) for title in raw]
        assert language.gettext(lang, "shell")("About this report") in titles, report_id
        assert len(titles) >= 3, (report_id, titles)


def _page_texts(pdf: Path) -> list[str]:
    return poppler_text("pdftotext", pdf).split("\f")[:-1]


def test_pdfs_carry_the_title_on_every_page_and_print_the_about_block(built, poppler):
    for report_id, (pdf, title, lang) in _pdfs(built).items():
        _ = language.gettext(lang, "shell")
        texts = _page_texts(pdf)
        short = title[:30] if lang == "en" else title[:12]
        assert all(short in " ".join(t.split()) for t in texts), report_id
        whole = " ".join(" ".join(texts).split())
        assert whole.count(_("About this report")) == 1, report_id
        assert _("SHA-256 of the archived copy") in whole and _("Build date") in whole, report_id


def test_no_pdf_page_is_near_empty_and_the_about_block_is_never_alone(built, poppler):
    fills, before_about = {}, {}
    for report_id, (pdf, _, lang) in _pdfs(built).items():
        fills[report_id] = [round(f, 2) for f in page_fill(pdf)]
        about = language.gettext(lang, "shell")("About this report")
        before_about[report_id] = round(fill_before_about(pdf, about), 2)
    print("page fill", fills, "; content above 'About this report'", before_about)
    assert {i: f for i, f in fills.items() if min(f[:-1], default=1) < NEAR_EMPTY} == {}
    assert {i: f for i, f in before_about.items() if f == 0} == {}


def _print(browser, html: str, out: Path) -> Path:
    page = browser.new_page()
    page.set_content(html)
    out.write_bytes(page.pdf(**print_options("Title", "en")))
    page.close()
    return out


ABOUT_ALONE = """<html lang="en"><body><main><p style="break-after: page">x</p></main>
<footer><h2>About this report</h2><p>sources</p></footer></body></html>"""


def test_the_measures_see_an_empty_page_and_a_lonely_about_block(browser, tmp_path, poppler):
    html = '<h1>One</h1><p style="break-after: page">x</p><p>y</p><p>z</p>'
    fills = page_fill(_print(browser, html, tmp_path / "empty.pdf"))
    assert len(fills) == 2 and fills[0] < NEAR_EMPTY
    assert fill_before_about(_print(browser, ABOUT_ALONE, tmp_path / "alone.pdf")) == 0.0


def test_make_screenshots_leaves_exactly_the_current_pages(built, tmp_path):
    """A screenshot of a page since removed must not pass for a current one."""
    dest = tmp_path / "shots"
    dest.mkdir()
    (dest / "context-390.png").write_bytes(b"a page removed long ago")
    command = [sys.executable, "-m", "report_lib.build.screenshots", str(built.out), str(dest)]
    done = subprocess.run(command, capture_output=True, text=True)  # as make screenshots
    assert done.returncode == 0, done.stderr
    expected = {path_for(dest, p, w).name for p in pages(built.out) for w in WIDTHS}
    assert {p.name for p in dest.iterdir()} == expected
    assert f"screenshots: {len(expected)} written" in done.stdout
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in dest.iterdir())
