"""Each page's stylesheets cut to what can apply to it (report_lib.render.css): the rules
that are dropped, those that must stay, and the built pages looking exactly as they do
with the whole of JupyterLab's CSS, on screen and in print."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest
from test_render import build_report_notebook

from report_lib.build.screenshots import HEIGHT, WIDTHS, pages
from report_lib.render import css
from report_lib.render import html as render
from report_lib.render.browser import ParallelPrinter


def page(style: str, body: str) -> str:
    head = f'<head><style type="text/css">\n{style}\n</style></head>'
    return f"<html>{head}<body>{body}</body></html>"


def pruned_style(style: str, body: str) -> str:
    text = css.prune_page(page(style, body))
    ((start, end),) = css.style_spans(text)
    return text[start:end].strip()


def test_a_rule_for_a_class_the_page_lacks_is_dropped():
    kept = pruned_style(".used{color:red} .absent{color:blue}", '<p class="used">x</p>')
    assert ".used" in kept and ".absent" not in kept and "blue" not in kept


def test_a_selector_list_keeps_only_the_selectors_that_can_match():
    kept = pruned_style(".absent p, .used p{margin:0}", '<div class="other used">x</div>')
    assert kept == ".used p{margin:0}"


def test_a_selector_needs_every_class_and_id_of_its_parts():
    style = ".a.b{top:1px} .a .c{top:2px} #here .a{top:3px} #gone{top:4px}"
    kept = pruned_style(style, '<div id="here" class="a b">x</div>')
    assert "1px" in kept and "3px" in kept and "2px" not in kept and "4px" not in kept


def test_element_attribute_and_negated_selectors_stay():
    style = "body{margin:0} [data-theme=light] p{color:#111} p:not(.absent){padding:0} *{x:1}"
    kept = pruned_style(style, "<p>x</p>")
    for part in ("body{margin:0}", "[data-theme=light] p", "p:not(.absent)", "*{x:1}"):
        assert part in kept


def test_class_values_are_read_however_they_are_quoted():
    body = "<a class='one two'>x</a><b class=three>y</b>"
    kept = pruned_style(".one{a:1} .two{b:2} .three{c:3} .four{d:4}", body)
    assert "a:1" in kept and "b:2" in kept and "c:3" in kept and "d:4" not in kept


def test_a_media_rule_left_empty_goes_and_one_that_can_match_stays():
    style = "@media print{.absent{top:0}} @media (max-width:600px){.used{top:1px}}"
    kept = pruned_style(style, '<p class="used">x</p>')
    assert "print" not in kept and "@media (max-width:600px){" in kept and ".used" in kept


def test_keyframes_font_faces_and_page_rules_stay():
    style = "@keyframes spin{to{transform:rotate(1turn)}} @page{margin:1cm} @font-face{src:x}"
    kept = pruned_style(style, "<p>x</p>")
    assert "@keyframes spin" in kept and "@page" in kept and "@font-face" in kept


def test_custom_properties_stay_only_if_something_kept_reads_them():
    style = (
        ":root{--ink:#111;--paper:var(--white);--white:#fff;--icon:url(data:big);--gap:1px}"
        ".used{color:var(--ink);background:var(--paper)} .absent{content:var(--icon)}"
    )
    kept = pruned_style(style, '<p class="used" style="margin:var(--gap)">x</p>')
    for name in ("--ink", "--paper", "--white", "--gap"):
        assert f"{name}:" in kept  # read by a kept rule, another kept property or the markup
    assert "--icon" not in kept and "data:big" not in kept


def test_a_page_without_style_is_unchanged():
    text = '<html><body><p class="x">x</p></body></html>'
    assert css.prune_page(text) == text


def test_the_report_page_drops_what_jupyterlab_keeps_for_its_own_ui():
    text = render.render_html(build_report_notebook())
    assert ".jp-Toolbar" not in text and "--jp-icon-" not in text
    assert ".jp-RenderedHTMLCommon" in text and "--jp-content-font-color1" in text


# ---- The built pages look the same with the whole stylesheets ------------------------

PRINTED = ("overview", "crime-personal-information", "appendix")  # in both languages


@pytest.fixture(scope="module")
def whole_blocks(monkeypatch_module) -> list[str]:
    """The style blocks of a page rendered with nothing cut (the template's whole sheets)."""
    monkeypatch_module.setattr(render, "prune_page", lambda text: text)
    text = render.render_html(build_report_notebook())
    return [text[start:end] for start, end in css.style_spans(text)]


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(scope="module")
def page_pairs(built, whole_blocks) -> dict[str, tuple[str, str]]:
    """Each built report page with its whole-stylesheet twin: the same page with the
    template's sheets put back. Pruning the twin must give the built page exactly."""
    pairs = {}
    for path in pages(built.out):
        text = path.read_text(encoding="utf-8")
        if len(css.style_spans(text)) != len(whole_blocks):
            continue  # the index: made by another template
        whole = css.with_styles(text, whole_blocks)
        assert css.prune_page(whole) == text, path.name
        pairs[path.stem] = (whole, text)
    return pairs


def test_every_report_page_has_its_twin(built, page_pairs):
    reports = {p.stem for p in pages(built.out) if not p.stem.startswith("index")}
    assert set(page_pairs) == reports
    for whole, cut in page_pairs.values():
        assert len(cut) < len(whole) - 100_000


def test_every_page_looks_the_same_at_both_widths(browser, page_pairs):
    for name, twin in page_pairs.items():
        for width in WIDTHS:
            shots = []
            for text in twin:
                tab = browser.new_page(viewport={"width": width, "height": HEIGHT})
                tab.set_content(text, wait_until="load")
                shots.append(tab.screenshot(full_page=True))
                tab.close()
            assert shots[0] == shots[1], f"{name} at {width} px"


def _page_images(pdf: bytes, folder: Path, stem: str) -> list[bytes]:
    (folder / f"{stem}.pdf").write_bytes(pdf)
    command = ["pdftoppm", "-gray", "-r", "40", f"{folder}/{stem}.pdf", f"{folder}/{stem}"]
    subprocess.run(command, check=True)
    return [p.read_bytes() for p in sorted(folder.glob(f"{stem}-*.pgm"))]


def test_printed_pages_look_the_same(chromium, poppler, page_pairs):
    chosen = [n for n in page_pairs if n.removesuffix(".zh") in PRINTED]
    assert len(chosen) == 2 * len(PRINTED)
    with ParallelPrinter(pages=2, executable=chromium) as printer:
        printed = {n: [printer.submit(text) for text in page_pairs[n]] for n in chosen}
        with tempfile.TemporaryDirectory() as folder:
            for name, (whole, cut) in printed.items():
                before = _page_images(whole.result(), Path(folder), f"{name}-whole")
                after = _page_images(cut.result(), Path(folder), f"{name}-cut")
                assert before and before == after, name
