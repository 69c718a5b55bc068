"""Every report in every language from the same notebooks: the list makes each report once
per language with its own title, the build names the files `<id>.html` and `<id>.zh.html`,
every page says its language and links the same page in the other, both indexes list
their own language's reports, `--langs` limits what is built, and a Chinese report shows
the same figures as the English one (its chart tables are equal)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup

from report_lib import language
from report_lib.build import cli
from report_lib.build.manifest import outputs_of, read_manifest, report_of
from report_lib.build.messages import translated
from report_lib.build.reports import load_reports
from report_lib.errors import DataError
from report_lib.render import links
from report_lib.render.fonts import PRINT_FAMILY
from report_lib.report import charts

ROOT = Path(__file__).resolve().parents[1]


def _pages(layout) -> list[tuple[str, str, Path]]:
    """(id, lang, HTML path) of every report the last build recorded."""
    found = []
    for entry in read_manifest(layout)["reports"]:
        report = report_of(entry)
        found.append((report.id, report.lang, layout.out / outputs_of(report)["html"]))
    return found


# ---- the report list -----------------------------------------------------------------


def test_the_list_makes_every_report_in_every_language():
    reports = load_reports(ROOT / "notebooks" / "reports.yml")
    ids = {r.id for r in reports}
    for lang in language.LANGUAGES:
        mine = [r for r in reports if r.lang == lang]
        assert {r.id for r in mine} == ids
        assert len({r.key for r in mine}) == len(mine)
    english = {r.id: r for r in reports if r.lang == "en"}
    for report in reports:
        if report.lang == "zh":
            assert report.title != english[report.id].title
            assert re.search(r"[\u4e00-\u9fff]", report.title + report.summary + report.group)
            assert report.key == f"{report.id}.zh"


def test_a_list_entry_without_its_chinese_title_is_refused(tmp_path):
    document = yaml.safe_load((ROOT / "notebooks" / "reports.yml").read_text(encoding="utf-8"))
    del document["reports"][0]["title_zh"]
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for notebook in (ROOT / "notebooks").glob("*.ipynb"):
        shutil.copy(notebook, folder)
    path = folder / "reports.yml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError, match="title_zh"):
        load_reports(path, ROOT / "data" / "processed", ROOT / "data" / "reference")


@pytest.mark.parametrize("text", ["en", "zh", "en,zh", "zh en", " en , zh "])
def test_the_languages_option_takes_known_languages(text):
    assert set(cli._languages(text)) <= set(language.LANGUAGES)


@pytest.mark.parametrize("text", ["fr", "en,../zh", "EN", "", ",", "zh-Hans"])
def test_the_languages_option_refuses_anything_else(text, capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main(["build", "--langs", text])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "--langs" in err


# ---- translated notebooks ------------------------------------------------------------


def test_every_shown_markdown_cell_is_translated_and_code_is_untouched():
    import json

    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        original = json.loads(notebook.read_text(encoding="utf-8"))
        chinese = json.loads(translated(notebook, "zh"))
        assert len(chinese["cells"]) == len(original["cells"])
        for old, new in zip(original["cells"], chinese["cells"], strict=True):
            if old["cell_type"] == "code" or "remove-cell" in old["metadata"].get("tags", []):
                assert new == old
            else:
                text, before = "".join(new["source"]), "".join(old["source"])
                assert re.search(r"[\u4e00-\u9fff]", text), (notebook.name, text[:60])
                heading = re.compile(r"^#+ ", re.MULTILINE)
                assert heading.findall(text) == heading.findall(before), text[:60]


def test_an_untranslated_cell_is_one_line_naming_notebook_and_cell(tmp_path):
    notebook = tmp_path / "new.ipynb"
    source = (ROOT / "notebooks" / "release.ipynb").read_text(encoding="utf-8")
    notebook.write_text(source.replace("## Its figures", "## A heading no one translated"))
    with pytest.raises(DataError) as caught:
        translated(notebook, "zh")
    message = str(caught.value)
    assert "new.ipynb" in message and "report.po" in message and "\n" not in message
    assert translated(notebook, "en")  # English needs no catalog


# ---- the built site ------------------------------------------------------------------


@pytest.fixture(scope="module", params=["built", "fixture_built"])
def site(request):
    return request.getfixturevalue(request.param)


def test_every_report_is_built_in_every_language(site):
    pages = _pages(site)
    by_lang = {lang: {i for i, lg, _ in pages if lg == lang} for lang in language.LANGUAGES}
    assert by_lang["en"] and by_lang["en"] == by_lang["zh"]
    for report_id, lang, html in pages:
        assert html.name == f"{report_id}{'' if lang == 'en' else '.zh'}.html"
        assert html.is_file() and html.with_suffix(".pdf").is_file()


def test_every_page_says_its_language_and_links_the_other(site):
    for report_id, lang, html in _pages(site):
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        assert soup.html["lang"] == language.tag(lang)
        other = "zh" if lang == "en" else "en"
        switch = soup.select_one(f'nav a[hreflang="{language.tag(other)}"]')
        assert switch is not None and switch["href"] == links.report_page(report_id, other)
        assert (site.out / switch["href"]).is_file()
        nav = soup.select_one("nav.site-nav")
        home = nav.select_one("a.site-home")["href"]
        assert home == links.index_page(lang)
        for link in nav.select(".site-menu a[href$='.html']"):
            assert link["href"].endswith(".zh.html") == (lang == "zh"), (html.name, link)


def test_each_index_lists_its_own_language_and_switches(site):
    pages = _pages(site)
    for lang in language.LANGUAGES:
        index = site.out / links.index_page(lang)
        soup = BeautifulSoup(index.read_text(encoding="utf-8"), "html.parser")
        assert soup.html["lang"] == language.tag(lang)
        listed = {a["href"] for a in soup.select("li.report h3 a")}
        assert listed == {links.report_page(i, lg) for i, lg, _ in pages if lg == lang}
        other = "zh" if lang == "en" else "en"
        switch = soup.select_one(f'nav a[hreflang="{language.tag(other)}"]')
        assert switch["href"] == links.index_page(other)


CODES = ("_id", "crime", "measure", "scope", "case", "qualifier", "unit")  # codes, not words


def test_both_languages_plot_the_same_tables(site):
    """A Chinese report shows the figures the English one shows: every chart table has the
    same rows, and the same values in every column that holds no words."""
    compared = 0
    for report_id, lang, _ in _pages(site):
        if lang == "en":
            continue
        english = site.out / links.table_folder(report_id)
        chinese = site.out / links.table_folder(report_id, lang)
        names = sorted(p.name for p in english.glob("*.csv"))
        assert names == sorted(p.name for p in chinese.glob("*.csv")), report_id
        for name in names:
            if name == "summary.csv":  # what the prose says: its wording differs
                continue
            en, zh = (pd.read_csv(folder / name) for folder in (english, chinese))
            assert en.shape == zh.shape and list(en.columns) == list(zh.columns), (report_id, name)
            for column in en.columns:
                if column in charts.TEXT_COLUMNS:  # words, in each language
                    continue
                if pd.api.types.is_numeric_dtype(en[column]) or column.endswith(CODES):
                    pd.testing.assert_series_equal(en[column], zh[column], check_names=False)
            compared += 1
    assert compared > 0


def test_a_chinese_pdf_is_a4_with_chinese_text_and_embedded_fonts(built, poppler):
    from conftest import poppler_text

    for report_id, lang, html in _pages(built):
        if lang != "zh":
            continue
        pdf = html.with_suffix(".pdf")
        info = poppler_text("pdfinfo", pdf)
        assert re.search(r"Page size:.*\(A4\)", info), report_id
        text = poppler_text("pdftotext", pdf)
        assert len(re.findall(r"[\u4e00-\u9fff]", text)) > 50, report_id
        assert "第1页" in text.replace(" ", ""), report_id  # the running footer, in Chinese
        # Every font embedded, with a Unicode map; the Chinese in the converted print font.
        listed = poppler_text("pdffonts", pdf).splitlines()[2:]
        fonts = [line.split() for line in listed]
        assert fonts and all(f[-5] == f[-3] == "yes" for f in fonts), (report_id, fonts)
        print_font = PRINT_FAMILY.replace(" ", "")
        assert any(print_font in line and "CID TrueType" in line for line in listed), listed


def test_a_limited_build_keeps_the_other_language(built, tmp_path):
    """`--langs en` rebuilds English only: the Chinese pages stay as the last build left
    them, and the build is not stamped as complete."""
    from report_lib.build import quick
    from report_lib.build.orchestrate import build
    from report_lib.paths import Layout

    root = tmp_path / "p"
    shutil.copytree(built.root, root, symlinks=True)
    layout = Layout(root, root / "outputs")
    chinese = layout.out / links.report_page("appendix", "zh")
    before = chinese.stat().st_mtime_ns
    notebook = layout.notebooks / "appendix.ipynb"
    notebook.write_text(notebook.read_text().replace("# Data appendix", "# Data  appendix", 1))
    assert build(layout, langs=("en",)) == 0
    assert chinese.stat().st_mtime_ns == before
    english = layout.out / links.report_page("appendix", "en")
    assert english.stat().st_mtime_ns > before
    assert not (layout.out / quick.STAMP).exists()  # a partial build is never "all done"


# ---- nothing left in English ---------------------------------------------------------

LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’.-]*[A-Za-z0-9]|[A-Za-z]")


def english_words(html: str) -> list[str]:
    """The Latin-letter words a reader of a Chinese page sees, outside what is English on
    purpose: quotes marked lang="en", code, checksums. Image descriptions count too."""
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "svg", "code", "head"]):
        hidden.decompose()
    for english in soup.select('[lang="en"]'):
        if english.name != "html":
            english.decompose()
    texts = [soup.get_text(" ")] + [img.get("alt", "") for img in soup.find_all("img")]
    allowed = {word.casefold() for word in language.ALLOWED_LATIN}
    return sorted(
        {w for text in texts for w in LATIN_WORD.findall(text) if w.casefold() not in allowed}
    )


def test_the_english_word_check_sees_what_it_must():
    page = (
        '<html lang="zh-Hans"><body><p>起诉 12410人 Arrests approved</p>'
        '<blockquote lang="en">as printed</blockquote><code>sha</code>'
        '<img alt="图 crimes"></body></html>'
    )
    assert english_words(page) == ["Arrests", "approved", "crimes"]


def test_a_chinese_page_leaves_nothing_untranslated(site):
    """English words in a Chinese page only inside quotes marked English, names and the
    allow-list (report_lib.language.ALLOWED_LATIN)."""
    left = {}
    for _report_id, lang, html in _pages(site):
        if lang == "zh":
            words = english_words(html.read_text(encoding="utf-8"))
            if words:
                left[html.name] = words[:12]
    index = english_words((site.out / links.index_page("zh")).read_text(encoding="utf-8"))
    if index:
        left["index.zh.html"] = index[:12]
    assert left == {}
