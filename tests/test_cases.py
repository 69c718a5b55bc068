"""The press conference and its guiding cases: the notes are data checked against the
copies of CASES.md and FACTS.md, bad rows stop the data step with one located line, and the
built pages show every guiding case under its anchor, link each crime's cases, flag an
uncorroborated figure and show every corrected quote beside the quote as printed."""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pytest
from conftest import edit_csv

from report_lib.build.cli import main
from report_lib.data import dataset, notes
from report_lib.data.corrections import load_corrections, reading
from report_lib.data.reference import load_reference
from report_lib.errors import DataError
from report_lib.hashing import sha256_file
from report_lib.report import cases

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "data" / "reference"
# The copies are byte for byte the checked notes of /work/shared/sources (CASES.md, FACTS.md).
NOTES_SHA256 = {
    "CASES.md": "3280955a023ef30bc5b8a7d10df4f3c47ad8f02ec6161dea66cdc8eef50d54c0",
    "FACTS.md": "51c09c8e1856e821050272f07bb5e8231b5b79b676a8bc9d5e708914355784fc",
}


@pytest.fixture(params=["real", "fixture"], scope="module")
def project(request):
    return request.getfixturevalue("built" if request.param == "real" else "fixture_built")


def _run(data: Path, capsys) -> tuple[int, str]:
    args = ["data", "--raw", str(data / "raw"), "--reference", str(data / "reference")]
    args += ["--corrections", str(data / "corrections.csv"), "--out", str(data / "processed")]
    return main(args), capsys.readouterr().err


def _row_of(path: Path, column: str, value: str) -> int:
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    return next(n for n, row in enumerate(rows, 2) if row[column] == value)


@pytest.fixture
def good(data_copy: Path, capsys) -> dict[str, bytes]:
    assert _run(data_copy, capsys)[0] == 0
    return {p.name: p.read_bytes() for p in (data_copy / "processed").iterdir()}


def _rejected(data: Path, capsys, good: dict[str, bytes], *parts: str) -> None:
    code, err = _run(data, capsys)
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err, err
    for part in parts:
        assert part in err, (part, err)
    assert {p.name: p.read_bytes() for p in (data / "processed").iterdir()} == good


# --- the notes as data --------------------------------------------------------------


def test_the_notes_are_the_checked_notes_byte_for_byte():
    for name, digest in NOTES_SHA256.items():
        assert sha256_file(REFERENCE / notes.NOTES / name) == digest, name


def test_every_number_and_chinese_word_of_a_case_stands_in_its_section_of_cases_md():
    ref = load_reference(REFERENCE)
    cases_md = (REFERENCE / notes.NOTES / notes.CASES_MD).read_text(encoding="utf-8")
    checked = 0
    for case_id, note in ref.notes.cases.items():
        section = notes.case_section(cases_md, ref.cases.rows[case_id]["number"])
        numbers, words = set(notes.NUMBER.findall(section)), notes.HAN.findall(section)
        for field in notes.GUIDING_TEXT:
            for token in notes.NUMBER.findall(note[field]):
                assert token in numbers, (case_id, field, token)
                checked += 1
            for token in notes.HAN.findall(note[field]):
                assert any(token in word for word in words), (case_id, field, token)
    assert checked > 20


def test_the_guiding_cases_of_the_press_conference_are_all_in_the_notes():
    """The 34th batch, Nos. 136-140 (FACTS.md): each has a synopsis; 139 concerns none of
    the three crimes and names its offence."""
    ref = load_reference(REFERENCE)
    numbers = {ref.cases.rows[c]["number"]: c for c in ref.notes.cases}
    assert set(numbers) >= {"136", "137", "138", "139", "140"}
    assert ref.cases.rows[numbers["139"]]["crime"] == ""
    assert "淫秽物品" in ref.notes.cases[numbers["139"]]["offence"]
    assert "自诉转公诉" in ref.notes.cases[numbers["137"]]["legal_point"]


def test_a_corrected_reading_comes_from_the_ledger():
    ledger = load_corrections(ROOT / "data" / "corrections.csv")
    source = "spp-2022-02-21"
    assert reading(ledger, source, "the honor and honor of heroes") == (
        "the reputation and honor of heroes"
    )
    assert reading(ledger, source, 'the "Spicy Pen Ball" case') == 'the "辣笔小球" case'
    assert reading(ledger, source, "an unrelated sentence") == "an unrelated sentence"


def test_the_processed_figures_carry_the_corrected_reading_and_the_chinese_wording():
    f = dataset.load_figures(ROOT / "data" / "processed")
    garbled = f[f["quote"].str.contains("honor and honor", regex=False)]
    assert not garbled.empty
    assert not garbled["quote_reading"].str.contains("honor and honor", regex=False).any()
    worded = f.dropna(subset=["wording_zh"])
    assert not worded.empty and worded["wording_zh_source"].notna().all()


def test_blocks_escape_the_data():
    block = cases.quoted("<script>alert(1)</script> honor and honor", lambda t: t.upper())
    assert "<script>" not in block.html and "&lt;script&gt;" in block.html
    with pytest.raises(DataError):
        cases.case_href("../evil", "136")
    with pytest.raises(DataError):
        cases.case_anchor("136 onclick=x")


# --- bad input: one located line, exit 2, nothing lost ------------------------------


def test_a_synopsis_number_not_in_cases_md(data_copy, capsys, good):
    path = data_copy / "reference" / notes.GUIDING_CSV
    row = _row_of(path, "case_id", "gc137")
    synopsis = list(csv.DictReader(path.open(encoding="utf-8")))[row - 2]["synopsis"]
    edit_csv(path, row, "synopsis", synopsis + " It spread to 111 groups.")
    _rejected(data_copy, capsys, good, "guiding_cases.csv", f"row {row}", "field 'synopsis'", "111")


def test_a_number_from_another_case_is_not_quoted(data_copy, capsys, good):
    """A number must stand in the case's own section: 51 couples belong to case 139."""
    path = data_copy / "reference" / notes.GUIDING_CSV
    row = _row_of(path, "case_id", "gc140")
    edit_csv(path, row, "legal_point", "Counted as 51 entries.")
    _rejected(data_copy, capsys, good, f"row {row}", "field 'legal_point'", "'51'")


def test_an_unknown_case(data_copy, capsys, good):
    path = data_copy / "reference" / notes.GUIDING_CSV
    edit_csv(path, 2, "case_id", "gc163")
    _rejected(data_copy, capsys, good, "guiding_cases.csv", "row 2", "field 'case_id'", "gc163")


def test_a_bad_legal_point_status(data_copy, capsys, good):
    path = data_copy / "reference" / notes.GUIDING_CSV
    edit_csv(path, 3, "legal_point_status", "probable")
    _rejected(data_copy, capsys, good, "row 3", "field 'legal_point_status'", "probable")


def test_a_case_of_no_crime_without_its_offence(data_copy, capsys, good):
    path = data_copy / "reference" / notes.GUIDING_CSV
    row = _row_of(path, "case_id", "gc139")
    edit_csv(path, row, "offence", "")
    _rejected(data_copy, capsys, good, f"row {row}", "field 'offence'")


def test_a_fact_quote_not_in_the_document(data_copy, capsys, good):
    path = data_copy / "reference" / notes.EVENT_CSV
    row = _row_of(path, "fact", "message")
    edit_csv(path, row, "quote", "cyberspace is never a lawless place")
    _rejected(data_copy, capsys, good, "press_conference.csv", f"row {row}", "field 'quote'")


def test_a_fact_figure_that_is_not_a_figure(data_copy, capsys, good):
    path = data_copy / "reference" / notes.EVENT_CSV
    row = _row_of(path, "fact", "supervised")
    edit_csv(path, row, "figure_id", "cases_supervized")
    _rejected(data_copy, capsys, good, f"row {row}", "field 'figure_id'", "cases_supervized")


def test_a_chinese_wording_that_states_another_number(data_copy, capsys, good):
    path = data_copy / "raw" / "spp-2022-02-21" / "figures.csv"
    row = _row_of(path, "figure_id", "arrests_insult_defamation")
    edit_csv(path, row, "wording_zh", "批准逮捕 … 186人")
    _rejected(data_copy, capsys, good, "figures.csv", f"row {row}", "field 'wording_zh'")


def test_a_quote_correction_no_text_holds(data_copy, capsys, good):
    ledger = data_copy / "corrections.csv"
    row = len(ledger.read_text(encoding="utf-8").splitlines()) + 1
    with ledger.open("a", encoding="utf-8") as handle:
        handle.write("C99,spp-2022-02-21,quote,Spicy Pen Bal1,x,a typo,none\n")
    _rejected(data_copy, capsys, good, "corrections.csv", f"row {row}", "C99 applies to no")


def test_an_unknown_ledger_field(data_copy, capsys, good):
    ledger = data_copy / "corrections.csv"
    edit_csv(ledger, 2, "field", "crime;quotes")
    _rejected(data_copy, capsys, good, "corrections.csv", "row 2", "field 'field'")


# --- the built pages ---------------------------------------------------------------


def _page(layout, report_id: str) -> str:
    return (layout.out / f"{report_id}.html").read_text(encoding="utf-8")


def _text(page: str) -> str:
    """The page's visible text, one space between words."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def _guiding(layout) -> dict[str, dict[str, str]]:
    ref = load_reference(layout.reference)
    return {code: ref.cases.rows[code] for code in ref.notes.cases}


def test_the_press_conference_page_shows_every_guiding_case_under_its_anchor(project):
    page = _page(project, "press-conference")
    for case in _guiding(project).values():
        assert f"id='case-{case['number']}'" in page or f'id="case-{case["number"]}"' in page
        assert f"Guiding Case {case['number']}" in _text(page)


def test_the_real_page_has_cases_136_to_140_and_the_headline_message(built):
    text = _text(_page(built, "press-conference"))
    for number in range(136, 141):
        assert f"Guiding Case {number}:" in text, number
    assert "网络空间不是法外之地" in text and "苗生明" in text and "34th batch" in text
    assert "自诉转公诉" in text and "认罪认罚从宽制度" in text


def _links(page: str) -> set[str]:
    return set(re.findall(r"""href=['"]([^'"]+)['"]""", page))


def _anchors(page: str) -> set[str]:
    return set(re.findall(r"""\sid=['"]([^'"]+)['"]""", page))


def test_each_crime_profile_links_its_guiding_cases_to_their_anchors(project):
    target = _anchors(_page(project, "press-conference"))
    checked = 0
    for case in _guiding(project).values():
        if not case["crime"]:
            continue
        profile = _page(project, f"crime-{case['crime'].replace('_', '-')}")
        href = f"press-conference.html#case-{case['number']}"
        assert href in _links(profile), href
        assert f"case-{case['number']}" in target
        checked += 1
    assert checked


def test_each_guiding_case_links_back_to_its_crime_profile(project):
    page = _page(project, "press-conference")
    published = {p.name for p in project.out.glob("crime-*.html")}
    for case in _guiding(project).values():
        if case["crime"]:
            link = f"crime-{case['crime'].replace('_', '-')}.html"
            assert link in _links(page) and link in published, link


def test_an_uncorroborated_figure_of_the_notes_is_flagged(project):
    ref = load_reference(project.reference)
    f = dataset.load_figures(project.processed).set_index("figure_id")
    items = re.findall(r"<li>(.*?)</li>", _page(project, "press-conference"), flags=re.S)
    checked = 0
    for fact in ref.notes.facts.values():
        if not fact["figure_id"]:
            continue
        item = next(_text(i) for i in items if html.escape(fact["label"]) in i)
        flagged = "uncorroborated" in item
        assert flagged == (not f.loc[fact["figure_id"], "corroborated"]), fact["fact"]
        checked += 1
    assert checked


def test_the_real_uncorroborated_figure_is_shown_with_its_flag(built):
    text = _text(_page(built, "press-conference"))
    assert "more than 30 cases supervised and guided (uncorroborated: English text only" in text


def test_every_corrected_quote_is_shown_beside_its_corrected_reading(project):
    f = dataset.load_figures(project.processed)
    corrected = f[f["quote"] != f["quote_reading"]]
    checked = 0
    for page in project.out.glob("*.html"):
        text = _text(page.read_text(encoding="utf-8"))
        for row in corrected.itertuples():
            if " ".join(row.quote.split()) in text:
                assert " ".join(row.quote_reading.split()) in text, (page.name, row.figure_id)
                checked += 1
    assert checked or corrected.empty


def test_the_real_quotes_show_their_corrected_reading_and_chinese_wording(built):
    profile = _text(_page(built, "crime-heroes-martyrs"))
    assert "the honor and honor of heroes" in profile
    assert "the reputation and honor of heroes" in profile
    assert "批准逮捕 … 12人" in profile
    spread = _text(_page(built, "online-spread"))
    assert "Guiding Case No. 136" in spread and "五小时内就被点击阅读13万余次" in spread
    event = _text(_page(built, "press-conference"))
    assert "Spicy Pen Ball" in event and "辣笔小球" in event
    assert "an extrajudicial place" in event and "a place beyond the law" in event


def test_chinese_on_the_press_conference_page_is_marked(built):
    page = _page(built, "press-conference")
    for words in ("网络空间不是法外之地", "自诉转公诉", "苗生明"):
        assert re.search(rf'<span lang="zh-Hans">[^<]*{words}', page), words
