"""The reports' shell piece by piece, on synthetic input: interface strings in one table,
Chinese text marked, links only from checked ids, what changed since the last build,
the figures CSV, the index page and the PDF's print options."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from report_lib import language
from report_lib.build import changes, publish
from report_lib.build.downloads import COLUMNS, write_figures
from report_lib.build.fingerprint import Keys
from report_lib.build.index import CHANGE_LABELS, render_index
from report_lib.build.manifest import BUILDING, OK, UNSETTLED, outputs_of, unsettled
from report_lib.build.reports import Report
from report_lib.errors import DataError
from report_lib.paths import BUILD_TEMPLATES, RENDER_TEMPLATES, Layout
from report_lib.render import i18n, links
from report_lib.render.browser import print_options
from report_lib.render.chinese import mark_chinese

# ---- interface strings ---------------------------------------------------------------


def test_change_labels_are_interface_strings_for_every_kind():
    assert set(CHANGE_LABELS) == set(changes.KINDS)
    shell = language.messages("en", "shell")
    assert set(CHANGE_LABELS.values()) <= set(shell)


def test_translator_escapes_and_refuses_unknown_strings():
    _ = i18n.translator()
    assert _("Built {date}", date="<b>") == "Built &lt;b&gt;"
    assert _("Built {date}", date=i18n.time_tag("2024-01-02")) == "Built <time>2024-01-02</time>"
    with pytest.raises(KeyError):
        _("Not a message")
    with pytest.raises(ValueError):
        i18n.translator("xx")


def test_the_page_language_comes_from_one_variable():
    assert i18n.tag(i18n.DEFAULT) == "en"
    for template in [*RENDER_TEMPLATES.rglob("*.j2"), *BUILD_TEMPLATES.rglob("*.j2")]:
        for tag in re.findall(r"<html[^>]*>", template.read_text()):
            assert re.fullmatch(r'<html lang="{{ [\w.| ]+ }}">', tag), (template, tag)


# ---- Chinese text --------------------------------------------------------------------

ZH = '<span lang="zh-Hans">'


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>approved (批准逮捕) are</p>", f"<p>approved ({ZH}批准逮捕</span>) are</p>"),
        ("<p>6000余人、9800余人 in all</p>", f"<p>{ZH}6000余人、9800余人</span> in all</p>"),
        ("<p>侮辱罪 and 诽谤罪</p>", f"<p>{ZH}侮辱罪</span> and {ZH}诽谤罪</span></p>"),
        ("<p>a<br>侮辱</p><p>b</p>", f"<p>a<br>{ZH}侮辱</span></p><p>b</p>"),
    ],
)
def test_chinese_runs_are_marked(html, expected):
    assert mark_chinese(html) == expected


@pytest.mark.parametrize(
    "html",
    [
        '<p lang="zh-Hans">已标记</p>',
        "<p lang='zh'><b>已标记</b></p>",
        '<img alt="图表 chart" src="data:,"><p>x</p>',
        '<a title="a > 侮辱" href="#">x</a>',
        "<script>var s = '侮辱';</script>",
        "<style>p::after{content:'侮辱'}</style>",
        "<title>侮辱罪</title>",
        "<!-- 侮辱 -->",
        "<p>no Chinese</p>",
        '<html lang="zh-Hans"><p>中文 and English</p></html>',
    ],
)
def test_attributes_scripts_styles_and_chinese_elements_stay_as_they_are(html):
    assert mark_chinese(html) == html


@given(st.text(alphabet="ab 侮辱、1<>\"'=/-p!", max_size=40))
def test_marking_only_ever_adds_spans(text):
    marked = mark_chinese(text)
    assert marked.replace(ZH, "").replace("</span>", "") == text.replace("</span>", "")


# ---- links ---------------------------------------------------------------------------


def test_links_name_the_files_the_build_writes():
    outputs = outputs_of(Report("a-report", Path(), "", ""))
    assert links.report_page("a-report") == outputs["html"]
    assert links.report_pdf("a-report") == outputs["pdf"]
    assert links.table_folder("a-report") == outputs["tables"]
    assert links.TABLE.pattern == publish.TABLE.pattern


@pytest.mark.parametrize("bad", ["../x", "A", "a/b", "javascript:x", "", None, 3, "a" * 65])
def test_no_link_from_an_invalid_id_or_name(bad):
    assert links.report_page(bad) is None
    assert links.report_pdf(bad) is None
    assert links.table_csv(bad, "t.csv") is None
    assert links.table_csv("ok", bad) is None
    assert links.other_reports([{"id": bad, "title": "T"}], "ok") == []


def test_table_labels_read_as_words_in_each_language():
    names = ["in_context_a-2020.csv", "in_context_b-2022.csv", "shares.csv", "new_table.csv"]
    assert links.table_labels(names) == [
        ("in_context_a-2020.csv", "In context 1"),
        ("in_context_b-2022.csv", "In context 2"),
        ("shares.csv", "Shares"),
        ("new_table.csv", "New table"),
    ]
    chinese = [label for _, label in links.table_labels(names[:3], "zh")]
    assert all(re.search(r"[\u4e00-\u9fff]", label) for label in chinese), chinese
    assert not any("2020" in label or "_" in label for label in chinese)


# ---- what changed --------------------------------------------------------------------

NOTEBOOK = "notebooks/profile.ipynb"
INPUTS = {
    "data/processed/figures.csv": "1",
    "report_lib/report/charts.py": "2",
    NOTEBOOK: "3",
    "report_lib/render/templates/report/static/report.css": "4",
    "requirements.lock": "5",
}


def _entry(inputs: dict, parameters: dict | None = None) -> dict:
    return {"fingerprint": json.dumps(inputs), "inputs": inputs, "parameters": parameters or {}}


def _keys(inputs: dict, full: str | None = None) -> Keys:
    return Keys("run", full or json.dumps(inputs), inputs)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        ({}, []),
        ({"data/processed/figures.csv": "x"}, ["data"]),
        ({NOTEBOOK: "x"}, ["notebook"]),
        ({"report_lib/report/charts.py": "x", "requirements.lock": "x"}, ["code"]),
        ({"report_lib/render/templates/report/static/report.css": "x"}, ["layout"]),
        ({"data/raw/new-source/figures.csv": "x", NOTEBOOK: "y"}, ["data", "notebook"]),
    ],
)
def test_changes_are_named_by_the_inputs_that_changed(edit, expected):
    assert changes.changes(_entry(INPUTS), _keys({**INPUTS, **edit}), NOTEBOOK, {}) == expected


def test_a_new_report_a_new_question_and_a_new_title():
    assert changes.changes(None, _keys(INPUTS), NOTEBOOK, {}) == ["new"]
    before = _entry(INPUTS, {"crime": "a"})
    assert changes.changes(before, _keys(INPUTS, "other"), NOTEBOOK, {"crime": "b"}) == ["notebook"]
    assert changes.changes(_entry(INPUTS), _keys(INPUTS, "other"), NOTEBOOK, {}) == ["layout"]


def test_reports_the_build_left_alone_are_unchanged_or_failed():
    entry = {"id": "a", "changes": ["data"]}
    assert changes.settle(entry, built=True, failed=False) == entry
    assert changes.settle(entry, built=False, failed=False)["changes"] == []
    assert changes.settle(entry, built=False, failed=True)["changes"] == ["failed"]


def test_what_a_killed_build_rebuilt_keeps_its_changes_until_a_build_ends():
    """Against the last build that ended, a report a killed build rebuilt has changed:
    the next build must not call it unchanged for not rebuilding it again."""
    entry = {"id": "a", "changes": ["data"]}
    assert changes.settle(entry, built=False, failed=False, unsettled=True) == entry
    failed = changes.settle(entry, built=False, failed=True, unsettled=True)
    assert failed["changes"] == ["failed"]
    assert changes.merged(["code", "failed", 3, ["x"]], ["data"]) == ["data", "code"]
    assert changes.merged(None, []) == []
    building = {"status": BUILDING, UNSETTLED: ["a", 3, None]}
    assert unsettled(building) == {"a"}
    assert unsettled({**building, "status": OK}) == set()
    assert unsettled({"status": BUILDING, UNSETTLED: "a"}) == set()


# ---- figures.csv ---------------------------------------------------------------------

FIGURE_ROW = {
    "source_id": "src-1",
    "figure_id": "arrests_x_2021",
    "value": "6000",
    "qualifier": "more_than",
    "unit": "persons",
    "period_start": "2020-01-01",
    "period_end": "2020-12-31",
    "quote": '2020年 6000余人, "quoted"',
    "quote_start": "3",
    "quote_end": "20",
    "raw": "6000余人",
    "measure_label": "persons prosecuted",
    "crime": "personal_information",
    "case": "",
    "scope": "all",
    "corroborated": "True",
    "quote_reading": '2020年 6000余人, "quoted"',
    "wording_zh": "6000余人",
    "wording_zh_source": "China News Service, 2023-03-02",
}


def _layout_with_figures(tmp_path: Path, rows: list[dict]) -> Layout:
    layout = Layout(tmp_path, tmp_path / "outputs")
    layout.processed.mkdir(parents=True)
    with (layout.processed / "figures.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return layout


def test_figures_csv_has_the_analysts_columns(tmp_path):
    day = {**FIGURE_ROW, "period_start": "2022-02-21", "period_end": "2022-02-21"}
    layout = _layout_with_figures(tmp_path, [FIGURE_ROW, day])
    assert write_figures(layout) == "figures.csv"
    with (layout.out / "figures.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert (
        list(rows[0])
        == list(COLUMNS)
        == [
            *("source", "figure", "measure", "crime", "case", "scope", "value", "qualifier"),
            *("unit", "period", "corroborated", "quote", "quote_start", "quote_end"),
            *("quote_corrected", "chinese_wording", "chinese_wording_source"),
        ]
    )
    assert rows[0]["period"] == "2020-01-01/2020-12-31" and rows[1]["period"] == "2022-02-21"
    assert rows[0]["quote"] == FIGURE_ROW["quote"] and rows[0]["quote_end"] == "20"
    assert rows[0]["chinese_wording"] == "6000余人" and rows[0]["measure"] == "persons prosecuted"


def test_figures_csv_from_a_dataset_without_a_column_is_a_located_error(tmp_path):
    layout = _layout_with_figures(tmp_path, [{k: v for k, v in FIGURE_ROW.items() if k != "quote"}])
    with pytest.raises(DataError, match="field 'quote'"):
        write_figures(layout)
    assert not (layout.out / "figures.csv").exists()


# ---- publishing the downloads --------------------------------------------------------


def _site(out: Path, downloads: object) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    (out / "index.html").write_text("<p>index</p>")
    (out / "index.zh.html").write_text("<p>索引</p>")
    (out / "figures.csv").write_text("source\n")
    (out / "secret.txt").write_text("no")
    return {"status": "ok", "reports": [], "downloads": downloads}


def test_publish_takes_the_downloads_the_manifest_lists(tmp_path):
    manifest = _site(tmp_path / "out", ["figures.csv"])
    indexes = ["index.html", "index.zh.html"]
    assert publish.site_files(tmp_path / "out", manifest) == [*indexes, "figures.csv"]
    assert publish.site_files(tmp_path / "out", {**manifest, "downloads": []}) == indexes


@pytest.mark.parametrize("bad", [["../x.csv"], ["secret.txt"], ["a/figures.csv"], "x.csv", [3]])
def test_publish_refuses_downloads_it_cannot_vouch_for(tmp_path, bad):
    manifest = _site(tmp_path / "out", bad)
    with pytest.raises(DataError, match="field 'downloads'"):
        publish.site_files(tmp_path / "out", manifest)


# ---- the index -----------------------------------------------------------------------

HOSTILE = "<script>alert(1)</script> & 侮辱"


def _index(tmp_path: Path, entries: list[dict], status: str = "ok") -> str:
    layout = Layout(tmp_path, tmp_path / "outputs")
    tables = layout.out / "tables" / "alpha"
    tables.mkdir(parents=True)
    (tables / "in_context.csv").write_text("a\n")
    (tables / "not a table.csv").write_text("a\n")
    manifest = {"status": status, "revision": "abc123", "build_date": "2024-05-06"}
    return render_index(layout, {**manifest, "reports": entries})


def _report(report_id: str = "alpha", **extra) -> dict:
    return {
        "id": report_id,
        "title": HOSTILE,
        "summary": HOSTILE,
        "build_date": "2024-05-06",
        "changes": ["data", "layout"],
        "sources": [{"date": "2022-02-21"}, {"date": "2023-03-02"}],
        **extra,
    }


def test_the_index_lists_date_coverage_changes_and_downloads(tmp_path):
    entries = [_report(), _report("beta", changes=[]), _report("gamma", changes=None)]
    page = _index(tmp_path, entries)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; " in page
    assert f"{ZH}侮辱</span>" in page
    assert page.count("Built <time>2024-05-06</time>") == 3
    assert "data changed, layout changed" in page and "unchanged" in page
    assert "Sources dated <time>2022-02-21 – 2023-03-02</time>" in page
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert "tables/alpha/in_context.csv" in hrefs and ">In context</a>" in page
    assert not [h for h in hrefs if " " in h]
    assert hrefs.count("figures.csv") >= 1 and "alpha.html" in hrefs and "beta.pdf" in hrefs
    assert '<html lang="en">' in page
    assert "The last build failed" not in page


def test_the_index_leaves_out_entries_without_a_valid_id(tmp_path):
    page = _index(tmp_path, [_report(), _report("../../etc"), _report("javascript:x")], "failed")
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert not [h for h in hrefs if ".." in h or ":" in h]
    assert "The last build failed" in page


# ---- print options -------------------------------------------------------------------


def test_print_options_tag_outline_and_escape_the_running_title():
    options = print_options('A <b>"title"</b> & more', "en")
    assert options["tagged"] is True and options["outline"] is True
    assert options["format"] == "A4" and options["display_header_footer"] is True
    header = options["header_template"]
    assert "<b>" not in header and "A &lt;b&gt;&#34;title&#34;&lt;/b&gt; &amp; more" in header
    footer = options["footer_template"]
    assert 'page <span class="pageNumber"></span> of <span class="totalPages"></span>' in footer
    assert 'lang="en"' in header and 'lang="en"' in footer


# ---- a second language ---------------------------------------------------------------


def test_the_chinese_shell_comes_from_its_catalog(tmp_path):
    from test_render import build_report_notebook

    from report_lib.render.html import render_html

    nb = build_report_notebook()
    listed = [("one", "One", "一"), ("two", "Two", "二")]
    reports = [{"id": i, "title": en, "lang": "en"} for i, en, _ in listed]
    reports += [{"id": i, "title": zh, "lang": "zh"} for i, _, zh in listed]
    nb.metadata["report_lib"] = {
        **nb.metadata["report_lib"],
        "id": "one",
        "site": {"reports": reports},
    }
    english, chinese = render_html(nb), render_html(nb, lang="zh")
    assert ">二</a>" in chinese and ">二</a>" not in english and ">Two</a>" in english
    assert '<html lang="en">' in english and '<html lang="zh-Hans">' in chinese
    switch = '<a class="site-language" href="{}" hreflang="{}" lang="{}">{}</a>'
    assert switch.format("one.zh.html", "zh-Hans", "zh-Hans", "中文") in english
    assert switch.format("one.html", "en", "en", "English") in chinese
    bar = chinese[chinese.index('<nav aria-label="') : chinese.index("</nav>")]
    hrefs = re.findall(r'href="([^"]*)"', bar)
    assert hrefs[:3] == ["index.zh.html", "two.zh.html", "one.zh.pdf"] and "one.html" in hrefs
    about = language.gettext("zh", "shell")("About this report")
    assert about in chinese and about not in english
    assert ZH not in chinese  # a Chinese page needs no Chinese marked inside it
    zh_entry = {**_report(), "lang": "zh"}
    index = render_index(Layout(tmp_path, tmp_path / "out"), {"reports": [zh_entry]}, "zh")
    assert '<html lang="zh-Hans">' in index and 'href="alpha.zh.html"' in index
    assert 'href="index.html" hreflang="en"' in index
