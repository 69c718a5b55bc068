"""Charts in Chinese: drawn in Noto Sans CJK SC with their text kept as text, a glyph no
font has is an error in either language, Chinese lines break by Chinese rules, and a
Chinese chart is told its measures' and units' Chinese names rather than guessing them.
(The chart rules in both languages, and the two languages' tables being equal, are in
test_chart_rules.py.)"""

from __future__ import annotations

import base64
import io
import re
import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure
from test_charts import CASE_LABELS, LABELS, PI, SOURCE_LABELS, SPP, make_frame

from report_lib import language
from report_lib.data.reference import load_reference
from report_lib.report import charts, fmt, style

matplotlib.use("Agg")

NO_GLYPH = ("\ue000", "\U00030000")  # private use; CJK Extension G, which Noto CJK lacks
LABELS_ZH = {
    "insult_defamation": "侮辱罪、诽谤罪",
    "personal_information": "侵犯公民个人信息罪",
    "heroes_martyrs": "侵害英雄烈士名誉、荣誉罪",
}
CASE_LABELS_ZH = {"gc136": "检例第136号", "gc137": "检例第137号"}
SOURCES_ZH = {SPP: "最高人民检察院新闻发布会，2022年2月21日"}


def words(lang: str) -> dict:
    """The language and its names of measures and units, as a notebook passes them."""
    from conftest import ROOT

    reference = load_reference(ROOT / "data" / "reference")
    label = "label_zh" if lang == "zh" else "label"
    return {
        "lang": lang,
        "measure_labels": {c: r[label] for c, r in reference.measures.rows.items()},
        "unit_labels": {c: r[label] for c, r in reference.units.rows.items()},
    }


def every_chart(lang: str, crimes: dict, cases: dict, sources: dict) -> dict:
    """A maker of each chart function, so a test can build and save each in turn."""
    df, kw = make_frame(), words(lang)
    return {
        "arrests_vs_prosecutions": lambda: charts.arrests_vs_prosecutions(
            df, crimes, SPP, sources, **kw
        ),
        "shares": lambda: charts.shares(df, crimes, SPP, sources, **kw),
        "prosecuted_per_arrest": lambda: charts.prosecuted_per_arrest(
            df, crimes, SPP, sources, **kw
        ),
        "crime_in_context": lambda: charts.crime_in_context(df, crimes, PI, SPP, sources, **kw),
        "online_spread": lambda: charts.online_spread(df, cases, SPP, sources, **kw),
        "spans": lambda: charts.spans(df, crimes, crime=PI, source_labels=sources, **kw),
    }


def names(lang: str) -> tuple[dict, dict, dict]:
    if lang == "zh":
        return dict(LABELS_ZH), dict(CASE_LABELS_ZH), dict(SOURCES_ZH)
    return dict(LABELS), dict(CASE_LABELS), dict(SOURCE_LABELS)


@pytest.fixture(autouse=True)
def house_style():
    style.apply()


def test_every_chart_function_is_tried():
    from test_chart_rules import chart_functions

    assert set(every_chart("en", *names("en"))) == chart_functions()


@pytest.mark.parametrize("glyph", NO_GLYPH, ids=["private-use", "cjk-ext-g"])
@pytest.mark.parametrize("lang", language.LANGUAGES)
def test_a_glyph_no_font_has_fails_every_chart(lang, glyph):
    """The same charts draw and save without it (so nothing else fails them); with it in
    a crime's or a case's name each raises MissingGlyph, while drawn or while saved."""
    crimes, cases, sources = names(lang)
    for name, make in every_chart(lang, crimes, cases, sources).items():
        assert charts.svg(make()).startswith(b"<?xml"), name
    crimes[PI] += glyph
    crimes["insult_defamation"] += glyph
    cases["gc136"] += glyph
    for name, make in every_chart(lang, crimes, cases, sources).items():
        with pytest.raises(style.MissingGlyph, match="missing from font"):
            charts.svg(make())
        assert name


def test_matplotlib_warns_of_a_missing_glyph_as_the_guard_expects():
    """Outside `style.drawing` the missing glyph is only a warning, worded as the guard's
    pattern says: if matplotlib rewords it, this fails rather than the guard going quiet."""
    fig = Figure()
    fig.text(0, 0, f"Crime {NO_GLYPH[0]}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="svg")
    said = [str(w.message) for w in caught]
    assert any(re.match(style.GLYPH_WARNING, text) for text in said), said
    with pytest.raises(style.MissingGlyph), style.drawing("en"):
        fig.savefig(io.BytesIO(), format="svg")


def test_other_warnings_pass_through_the_guard():
    with pytest.warns(UserWarning, match="something else"), style.drawing("zh"):
        warnings.warn("something else", UserWarning, stacklevel=1)


def test_chinese_chart_text_stays_selectable_text_in_the_cjk_font():
    chart = charts.shares(make_frame(), LABELS_ZH, SPP, SOURCES_ZH, **words("zh"))
    svg = charts.svg(chart).decode("utf-8")
    assert "<text" in svg and "glyph" not in svg  # text, not outlines
    for line in chart.figure.get_suptitle().split("\n"):
        assert line in svg, line
    assert f"font-family: '{style.LATIN_FONT}', '{style.CJK_FONT}'" in svg
    assert style.font_families("zh") == (style.LATIN_FONT, style.CJK_FONT)


def printed(browser, tmp_path) -> tuple[charts.Chart, str]:
    """A Chinese chart as the report shows it (an SVG image), printed by Chromium to PDF
    and read back with pdftotext."""
    from conftest import poppler_text

    chart = charts.shares(make_frame(), LABELS_ZH, SPP, SOURCES_ZH, **words("zh"))
    data = base64.b64encode(charts.svg(chart)).decode("ascii")
    page = browser.new_page()
    page.set_content(
        f'<html lang="zh-Hans"><body><img style="width:120mm" src="data:image/svg+xml;base64,'
        f'{data}" alt=""></body></html>'
    )
    pdf = tmp_path / "chart.pdf"
    page.pdf(path=str(pdf), format="A4")
    page.close()
    return chart, poppler_text("pdftotext", pdf)


def test_a_chinese_chart_printed_by_chromium_keeps_its_numbers_and_chinese(
    browser, poppler, tmp_path
):
    chart, text = printed(browser, tmp_path)
    for label in chart.table["label"]:
        assert label in text, (label, text)
    for word in ("侮辱罪", "批准逮捕", "起诉", "资料来源"):
        assert word in text, (word, text)


def test_every_chinese_character_of_a_printed_chart_reads_back_as_itself(
    browser, poppler, tmp_path
):
    """Noto CJK's own (Type 3) fonts read 人 back as the radical ⼈ and 月 as ⽉; the
    converted print font (render.fonts) reads each back as itself."""
    _chart, text = printed(browser, tmp_path)
    assert "个人" in text and "2月21日" in text, text


def test_a_chinese_chart_is_told_the_chinese_names_of_measures_and_units():
    df = make_frame()
    kw = words("zh")
    with pytest.raises(KeyError, match="measure_labels"):
        charts.shares(df, LABELS_ZH, SPP, lang="zh", unit_labels=kw["unit_labels"])
    with pytest.raises(KeyError, match="unit_labels"):
        charts.arrests_vs_prosecutions(
            df, LABELS_ZH, SPP, lang="zh", measure_labels=kw["measure_labels"]
        )
    partial = {k: v for k, v in kw["measure_labels"].items() if k != "reads"}
    with pytest.raises(KeyError, match="reads"):
        charts.online_spread(
            df,
            CASE_LABELS_ZH,
            SPP,
            lang="zh",
            measure_labels=partial,
            unit_labels=kw["unit_labels"],
        )
    with pytest.raises(ValueError, match="unknown language"):
        charts.shares(df, LABELS, SPP, lang="fr")


def test_a_chinese_chart_names_its_source_in_chinese_never_by_an_english_title():
    df = make_frame()  # its source_label column holds the English title
    chart = charts.shares(df, LABELS_ZH, SPP, **words("zh"))
    footer = "".join(t.get_text() for t in chart.figure.texts).replace("\n", "")
    assert "资料来源：" + SPP in footer
    assert "China News Service" not in footer


def test_every_share_phrase_has_its_chinese():
    said = {fmt.share_phrase(float(s)) for s in np.linspace(0, 1, 2001)}
    assert said == set(charts.SHARE_PHRASES)
    _ = language.gettext("zh", "charts")
    assert all(_(phrase) for phrase in said)


WRAPPED = (
    "资料来源：最高人民检察院人格权刑事保护新闻发布会，中国新闻网，2022年2月21日。"
    "统计期间：2019年1月至2022年2月21日（侮辱罪、诽谤罪、侵犯公民个人信息罪）；"
    "批准逮捕≥13万人，起诉6000余人，占98.6%，为1.8倍。"
)


@pytest.mark.parametrize("width", [14, 18, 30, 43, 60])
def test_chinese_lines_break_by_chinese_rules(width):
    lines = style.wrap(WRAPPED, width, "zh").split("\n")
    assert "".join(lines) == WRAPPED  # nothing lost or added
    for line in lines:
        kept_whole = re.fullmatch(r"\S*\d\S*", line) and len(line) < 16  # one long date
        assert style.text_width(line) <= width or kept_whole, (width, line)
        assert line[0] not in style.NO_LINE_START, line
        assert line[-1] not in style.NO_LINE_END or line == lines[-1], line
    for whole in ("2022年2月21日", "2019年1月", "≥13万", "6000余", "98.6%", "1.8倍"):
        assert any(whole in line for line in lines), (width, whole, lines)
    assert len(lines) > 1 or style.text_width(WRAPPED) <= width


def test_english_lines_still_break_at_spaces():
    text = "Source: SPP press conference, 21 Feb 2022. Period: Jan 2019 – 21 Feb 2022."
    lines = style.wrap(text, 30).split("\n")
    assert " ".join(lines) == text
    assert all(len(line) <= 30 for line in lines)


def test_a_chinese_text_never_ends_on_a_lone_character():
    title = "侵犯公民个人信息罪占批准逮捕人数和起诉人数的绝大部分"
    for text in (title, title + "。"):
        lines = style.wrap(text, 50, "zh").split("\n")
        assert lines[-1].rstrip("。") == "部分", lines
