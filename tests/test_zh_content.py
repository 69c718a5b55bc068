"""The content around the prose in Chinese: the press conference's facts, the guiding cases,
the tables and the glossary, on the real data and the synthetic fixture. A Chinese block
shows Latin letters only inside text marked lang="en" or in language.ALLOWED_LATIN; every
number of a case's Chinese, read back with the project's parser, stands in the case's own
section of CASES.md; the Chinese columns of the notes are checked like the English ones."""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import edit_csv

from report_lib import language
from report_lib.build.cli import main
from report_lib.data import notes
from report_lib.data.dataset import SOURCES_CSV, load_figures, load_table
from report_lib.data.numbers import number_spans, parse_quantity
from report_lib.data.reference import load_reference
from report_lib.report import cases, fmt, glossary
from report_lib.report import notebook as nb

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "data"
ENGLISH_MARKED = re.compile(r"<(span|q) lang=['\"]en['\"]>.*?</\1>", re.S)
TAG = re.compile(r"<[^>]+>")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9-]*")


def _data(folder: Path, out: Path) -> Path:
    args = ["data", "--raw", str(folder / "raw"), "--reference", str(folder / "reference")]
    args += ["--corrections", str(folder / "corrections.csv"), "--out", str(out)]
    assert main(args) == 0
    return out


@pytest.fixture(scope="module", params=["real", "fixture"])
def data(request, tmp_path_factory) -> Path:
    """A data folder with its processed dataset: the project's, or the fixture's built."""
    if request.param == "real":
        return ROOT / "data"
    out = tmp_path_factory.mktemp("fixture-processed") / "processed"
    _data(FIXTURE, out)
    folder = tmp_path_factory.mktemp("fixture-data")
    for name in ("raw", "reference"):
        (folder / name).symlink_to(FIXTURE / name)
    (folder / "corrections.csv").symlink_to(FIXTURE / "corrections.csv")
    (folder / "processed").symlink_to(out)
    return folder


@pytest.fixture(scope="module")
def context(data, tmp_path_factory):
    def made(lang: str) -> nb.Context:
        tables = tmp_path_factory.mktemp(f"tables-{lang}")
        return nb.setup(str(data / "processed"), str(data / "reference"), str(tables), lang)

    return made


def chinese_part(markup: str) -> str:
    """The text of a Chinese block outside what it marks as English."""
    return html.unescape(TAG.sub(" ", ENGLISH_MARKED.sub(" ", markup)))


def unmarked_latin(markup: str) -> list[str]:
    text = chinese_part(markup)
    for allowed in language.ALLOWED_LATIN:
        text = text.replace(allowed, " ")
    return LATIN_WORD.findall(text)


def test_the_english_check_sees_unmarked_english():
    assert unmarked_latin("<p>罪名：Crime</p>") == ["Crime"]
    assert unmarked_latin("<p>罪名：<span lang='en'>Crime</span>，PDF</p>") == []


def _read(folder: Path, source: str):
    return nb.reader(str(folder / "corrections.csv"), source)


def _blocks(ctx: nb.Context, data: Path) -> list[cases.Block]:
    ref, figures = ctx.reference, ctx.figures
    sources = {f["source_id"] for f in ref.notes.facts.values() if f["source_id"]}
    read = _read(data, sorted(sources)[0]) if sources else str
    blocks = [cases.facts(ref, s, figures, read, lang=ctx.lang) for s in notes.SECTIONS]
    blocks += cases.guiding_cases(ref, ctx.lang)
    blocks += [cases.cases_of_crime(ref, c, "press-conference", ctx.lang) for c in ref.crimes.rows]
    return blocks


def test_the_chinese_cases_and_facts_show_english_only_marked(context, data):
    ctx = context("zh")
    for block in _blocks(ctx, data):
        assert unmarked_latin(block.html) == [], block.html
        assert re.search(r"[\u4e00-\u9fff]", chinese_part(block.html)), block.html


def test_english_shown_on_a_chinese_page_is_labelled_as_english(context, data):
    ctx = context("zh")
    labels = ("（英文原文）", "（英文报道原文）")
    for block in _blocks(ctx, data):
        pattern = r"<span class='english-original'>(.*?)<span lang='en'>"
        for marked in re.finditer(pattern, block.html):
            assert marked.group(1) in labels, block.html


def test_each_chinese_case_is_headed_by_its_chinese_name_under_its_anchor(context):
    ctx = context("zh")
    ref = ctx.reference
    for case_id in ref.notes.cases:
        case = ref.cases.rows[case_id]
        block = cases.guiding_case(ref, case_id, "zh")
        assert f"id='case-{case['number']}'" in block.html
        assert block.text.startswith(case["name_zh"])
        english = cases.guiding_case(ref, case_id, "en")
        assert english.text.startswith("Guiding Case")


def test_every_number_of_a_chinese_case_stands_in_its_section_of_cases_md(context, data):
    """Read back with the project's own parser (万, 亿, 余): by value, not by spelling. The
    one number from elsewhere is the article of the case's crime (crimes.csv)."""
    ref = context("zh").reference
    cases_md = (data / "reference" / notes.NOTES / notes.CASES_MD).read_text(encoding="utf-8")
    for case_id in ref.notes.cases:
        case = ref.cases.rows[case_id]
        known = notes.quantities(notes.case_section(cases_md, case["number"]))
        if case["crime"]:
            known |= notes.quantities(ref.crimes.rows[case["crime"]]["article"])
        text = chinese_part(cases.guiding_case(ref, case_id, "zh").html)
        spans = number_spans(text)
        assert spans, text  # at least the case number
        for start, end in spans:
            assert parse_quantity(text[start:end]).value in known, (case_id, text[start:end])


def test_an_unconfirmed_legal_point_stays_unconfirmed_in_chinese():
    ref = load_reference(ROOT / "data" / "reference")
    for case_id, note in ref.notes.cases.items():
        text = cases.guiding_case(ref, case_id, "zh").text
        if note["legal_point_status"] == "unconfirmed":
            assert "要旨：未经证实。" in text, case_id
        if note["legal_point_status"] == "secondary":
            assert "官方要旨未经证实。" in text, case_id
        if note["unconfirmed"]:
            assert "以下内容未经证实" in text, case_id
    number = {ref.cases.rows[c]["number"]: c for c in ref.notes.cases}
    assert "要旨：未经证实。" in cases.guiding_case(ref, number["139"], "zh").text


def test_a_chinese_column_of_the_notes_is_shown_instead_of_the_english(context):
    ref = context("zh").reference
    for case_id, note in ref.notes.cases.items():
        html_zh = cases.guiding_case(ref, case_id, "zh").html
        if note["synopsis_zh"]:
            assert html.escape(note["synopsis_zh"], quote=True) in html_zh
            assert html.escape(note["synopsis"], quote=True) not in html_zh
        else:
            assert "（英文原文）" in html_zh


def test_the_quotes_chinese_wording_holds_the_figures_value(context):
    """cases.chinese_wording: a Chinese release's own quote, else the notes' wording_zh;
    read back, it states the figure's value."""
    ctx = context("zh")
    found = 0
    for _, figure in ctx.figures.iterrows():
        wording = cases.chinese_wording(figure, ctx.sources)
        if wording is None:
            assert not (isinstance(figure["wording_zh"], str) and figure["wording_zh"])
            continue
        found += 1
        values = {parse_quantity(wording.text[s:e]).value for s, e in number_spans(wording.text)}
        assert figure["value"] in values, (figure["figure_id"], wording.text)
        assert wording.source, figure["figure_id"]
    assert found


def test_a_chinese_release_is_quoted_in_its_own_words():
    figures = load_figures(ROOT / "data" / "processed")
    sources = load_table(SOURCES_CSV, ROOT / "data" / "processed")
    chinese = set(sources.loc[sources["language"] == "zh", "source_id"])
    row = figures[figures["source_id"].isin(chinese)].iloc[0]
    wording = cases.chinese_wording(row, sources)
    assert wording is not None and wording.text == row["quote"]
    supervised = figures[figures["figure_id"] == "cases_supervised"].iloc[0]
    assert cases.chinese_wording(supervised, sources) is None


def test_the_tables_in_chinese_state_the_same_counts(context):
    en, zh = context("en"), context("zh")
    for crime in en.reference.crimes.rows:
        a, b = nb.figure_table(en, crime=crime), nb.figure_table(zh, crime=crime)
        assert len(a) == len(b) and next(iter(b.columns)) == "发布来源"
        for x, y in zip(a["Count"], b["数量"], strict=True):
            assert parse_quantity(x).value == parse_quantity(y).value, (x, y)
            assert parse_quantity(x).qualifier == parse_quantity(y).qualifier, (x, y)
        assert b["单位"].isin({u["label_zh"] for u in zh.reference.units.rows.values()}).all()


def _shown(frame: pd.DataFrame, monkeypatch) -> str:
    shown = []
    monkeypatch.setattr(nb, "display", lambda obj, raw=False: shown.append(obj["text/html"]))
    nb.table(frame)
    return shown[0]


def test_chinese_tables_show_english_only_marked(context, data, monkeypatch):
    zh = context("zh")
    frames = [nb.figure_table(zh), nb.appendix_sources(zh)]
    frames.append(nb.corrections(zh, str(data / "corrections.csv")))
    frames += [section(zh.reference, "zh") for section in glossary.SECTIONS.values()]
    for frame in frames:
        page = _shown(frame, monkeypatch)
        assert unmarked_latin(page) == [], page


def test_a_table_cell_is_escaped_and_english_marked(monkeypatch):
    frame = pd.DataFrame({"<b>": [nb.English("<script>x</script>"), "a & b", None]})
    page = _shown(frame, monkeypatch)
    assert '<span lang="en">&lt;script&gt;x&lt;/script&gt;</span>' in page
    assert "a &amp; b" in page and "<b>" not in page and "&lt;b&gt;" in page


def test_the_glossary_has_every_term_in_both_languages(context):
    en, zh = context("en"), context("zh")
    ref = en.reference
    sizes = {
        "crimes": len(ref.crimes.rows),
        "measures": len(ref.measures.rows),
        "scopes": len(ref.scopes.rows),
        "units": len(ref.units.rows),
        "cases": len(ref.cases.rows),
        "press_conference": sum(1 for f in ref.notes.facts.values() if f["wording_zh"]),
    }
    for name, section in glossary.SECTIONS.items():
        a, b = section(ref, "en"), section(zh.reference, "zh")
        assert len(a) == len(b) == sizes[name], name
        assert list(a["English"]) == [str(v) for v in b["英文"]], name
        assert list(a["Chinese"]) == list(b["中文"]), name
        assert a["Chinese"].str.contains(r"[\u4e00-\u9fff]").all(), name
        assert list(b.columns)[:2] == ["中文", "英文"], name
    names = set(glossary.crimes(ref, "zh")["中文"])
    assert names == {row["name_zh"] for row in ref.crimes.rows.values()}


@pytest.mark.parametrize(
    ("code", "zh"),
    [
        ("Art. 246", "《刑法》第246条"),
        ("Art. 253-1", "《刑法》第253条之一"),
        ("Art. 299-1", "《刑法》第299条之一"),
    ],
)
def test_articles_are_cited_as_chinese_reports_cite_them(code, zh):
    assert cases.article(code, "zh") == zh
    assert cases.article(code) == f"Criminal Law {code}"


@pytest.mark.parametrize("bad", ["Art 246", "Art. 246-", "246", "Art. 246-1<b>"])
def test_an_article_of_another_form_is_refused(bad):
    with pytest.raises(ValueError, match="article"):
        cases.article(bad, "zh")


def test_the_latin_allow_list_is_one_tuple_of_words():
    allowed = language.ALLOWED_LATIN
    assert isinstance(allowed, tuple) and len(set(allowed)) == len(allowed)
    assert all(LATIN_WORD.fullmatch(word) for word in allowed)


def test_the_links_of_a_chinese_page_lead_to_chinese_pages():
    assert cases.case_href("press-conference", "136", "zh") == "press-conference.zh.html#case-136"
    assert cases.crime_href("heroes_martyrs", "zh") == "crime-heroes-martyrs.zh.html"
    assert cases.case_href("press-conference", "136") == "press-conference.html#case-136"


# --- the Chinese columns of the notes, bad input --------------------------------------


def _run(data: Path, capsys) -> tuple[int, str]:
    args = ["data", "--raw", str(data / "raw"), "--reference", str(data / "reference")]
    args += ["--corrections", str(data / "corrections.csv"), "--out", str(data / "processed")]
    return main(args), capsys.readouterr().err


def _row_of(path: Path, column: str, value: str) -> int:
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    return next(n for n, row in enumerate(rows, 2) if row[column] == value)


def _rejected(data: Path, capsys, *parts: str) -> None:
    code, err = _run(data, capsys)
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err, err
    for part in parts:
        assert part in err, (part, err)


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("辣笔小球：14万余次。", "14万"),  # 130,000 is the section's number, not 140,000
        ("仇某在微博发帖。", "在微博发帖"),  # Chinese the section does not give
        ("检例第137号", "137"),  # another case's number
    ],
)
def test_a_chinese_text_the_section_does_not_hold_is_refused(data_copy, capsys, text, token):
    path = data_copy / "reference" / notes.GUIDING_CSV
    row = _row_of(path, "case_id", "gc136")
    edit_csv(path, row, "synopsis_zh", text)
    _rejected(data_copy, capsys, "guiding_cases.csv", f"row {row}", "'synopsis_zh'", token)


def test_a_chinese_text_from_the_section_is_accepted_with_its_numbers_by_value(data_copy, capsys):
    """13万余 is the section's 'more than 130,000', read back by value."""
    path = data_copy / "reference" / notes.GUIDING_CSV
    edit_csv(path, _row_of(path, "case_id", "gc136"), "synopsis_zh", "辣笔小球：13万余。")
    code, err = _run(data_copy, capsys)
    assert code == 0, err


def test_a_fact_without_its_chinese_label_is_refused(data_copy, capsys):
    path = data_copy / "reference" / notes.EVENT_CSV
    row = _row_of(path, "fact", "theme")
    edit_csv(path, row, "label_zh", "")
    _rejected(data_copy, capsys, "press_conference.csv", f"row {row}", "'label_zh'", "empty")


def test_the_fixture_notes_hold_a_chinese_synopsis_that_is_shown():
    ref = load_reference(FIXTURE / "reference")
    (case_id,) = ref.notes.cases
    assert ref.notes.cases[case_id]["synopsis_zh"]
    text = cases.guiding_case(ref, case_id, "zh").text
    assert ref.notes.cases[case_id]["synopsis_zh"] in text


@pytest.mark.parametrize("value", [12, 168, 6000, 12410, 13000, 130000, 58000, 470000000, 250])
@pytest.mark.parametrize("qualifier", ["exact", "more_than"])
def test_the_parser_reads_back_every_chinese_number_fmt_writes(value, qualifier):
    """超过1.3万 (a bound after a decimal 万) was refused by parse_quantity before."""
    read = parse_quantity(fmt.number(value, qualifier, lang="zh") + "人")
    assert (read.value, read.qualifier, read.unit_text) == (value, qualifier, "人")
