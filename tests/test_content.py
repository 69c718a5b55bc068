"""The built content, on the real data and on the synthetic fixture: every figure of the
dataset reaches a report's prose or chart (the appendix aside), each report and the index
open with a summary computed from the data, and no sentence is said twice between a
report's subtitle, its introduction and its bullets."""

from __future__ import annotations

import csv
import html
import re

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from report_lib.build.index import site_summary
from report_lib.build.reports import load_reports
from report_lib.data import dataset
from report_lib.data.reference import load_reference
from report_lib.paths import Layout
from report_lib.report import fmt, summary

APPENDIX = "appendix.ipynb"


@pytest.fixture(params=["real", "fixture"], scope="module")
def project(request) -> Layout:
    return request.getfixturevalue("built" if request.param == "real" else "fixture_built")


def _reports(layout: Layout):
    return load_reports(layout.notebooks / "reports.yml")


def _prose(layout: Layout, report_id: str) -> str:
    """A report's Markdown outputs as a reader reads them: escapes and tags dropped."""
    nb = nbformat.read(layout.out / "notebooks" / f"{report_id}.ipynb", as_version=4)
    texts = [
        output.get("data", {}).get("text/markdown", "")
        for cell in nb.cells
        for output in cell.get("outputs", [])
    ]
    text = re.sub(r"<[^>]+>", " ", "\n".join(texts))
    return html.unescape(re.sub(r"\\(.)", r"\1", text))


def _tables(layout: Layout, report_id: str) -> list[pd.DataFrame]:
    """The report's chart tables (its summary table aside: that lists what the prose says)."""
    folder = layout.out / "tables" / report_id
    return [pd.read_csv(p) for p in sorted(folder.glob("*.csv")) if p.name != "summary.csv"]


def _in_prose(figure, lines: list[str]) -> bool:
    """A line of prose that states the figure: its number as printed, its measure and,
    where it has one, its period."""
    number = fmt.number(int(figure.value), figure.qualifier)
    period = ""
    if pd.notna(figure.period_start):
        period = fmt.period(figure.period_start, figure.period_end)
    return any(
        re.search(rf"(?<![\d,.]){re.escape(number)}(?![\d,])", line)
        and figure.measure_label.lower() in line.lower()
        and period in line
        for line in lines
    )


def _in_chart(figure, tables: list[pd.DataFrame]) -> bool:
    """A chart table row with the figure's release, measure and value."""
    for table in tables:
        if not {"source_id", "measure", "value"} <= set(table.columns):
            continue
        rows = table[
            (table["source_id"] == figure.source_id)
            & (table["measure"] == figure.measure)
            & (table["value"] == figure.value)
        ]
        if not rows.empty:
            return True
    return False


def unshown_figures(layout: Layout) -> list[str]:
    """The figures no report but the appendix states in its prose or draws in a chart."""
    figures = dataset.load_figures(layout.processed)
    figures = figures[figures["repeats"].isna()]
    shown: dict[str, tuple[list[str], list[pd.DataFrame]]] = {}
    for report in _reports(layout):
        if report.notebook.name != APPENDIX:
            shown[report.id] = (_prose(layout, report.id).splitlines(), _tables(layout, report.id))
    return [
        f.figure_id
        for f in figures.itertuples()
        if not any(_in_prose(f, lines) or _in_chart(f, tables) for lines, tables in shown.values())
    ]


def test_every_figure_is_shown_outside_the_appendix(project):
    assert unshown_figures(project) == []


def test_the_insult_and_defamation_figure_of_2023_is_in_its_profile_with_period_and_scope(built):
    """The reported case: 39 persons prosecuted in Jan–Nov 2023 were only in the appendix."""
    lines = _prose(built, "crime-insult-defamation").splitlines()
    said = [line for line in lines if "39 persons" in line]
    assert said and "Jan–Nov 2023" in said[0] and "all cases" in said[0]


def test_the_shown_check_sees_a_missing_figure(built):
    """A line states a figure only with its number as printed and its measure."""
    figures = dataset.load_figures(built.processed)
    row = figures[figures["value"] == figures["value"].max()].iloc[0]
    assert _in_prose(row, [f"{fmt.number(int(row.value), row.qualifier)} {row.measure_label}"])
    assert not _in_prose(row, [f"{fmt.number(int(row.value) + 1)} {row.measure_label}"])
    assert not _in_prose(row, [fmt.number(int(row.value), row.qualifier)])


def test_each_report_opens_with_its_summary(project):
    for report in _reports(project):
        nb = nbformat.read(project.out / "notebooks" / f"{report.id}.ipynb", as_version=4)
        outputs = [
            o.get("data", {}).get("text/markdown", "")
            for cell in nb.cells
            if cell.cell_type == "code"
            for o in cell.get("outputs", [])
        ]
        first = next(text for text in outputs if text)
        assert "**Findings**" in first or "**Key figures**" in first, report.id
        assert (project.out / "tables" / report.id / "summary.csv").is_file(), report.id


def test_the_index_opens_with_the_site_summary(project):
    page = (project.out / "index.html").read_text(encoding="utf-8")
    made = site_summary(project)
    assert made is not None and made.findings and made.key_figures
    soup = BeautifulSoup(page, "html.parser")
    section = soup.select_one("main section.summary")
    assert section is not None and section is soup.select_one("main section")
    shown = [li.get_text() for li in section.select("li")]
    assert shown == [item.shown for item in made.key_figures + made.findings]
    assert [p.get_text() for p in section.select("p.note")] == made.notes


def test_the_index_summary_states_only_numbers_of_the_data(project):
    """Every number of the index's summary is a figure, a date of the data, or a number
    its findings computed (checked against the data in test_summary)."""
    made = site_summary(project)
    allowed = set()
    for path in (project.processed / "figures.csv", project.processed / "sources.csv"):
        with path.open(encoding="utf-8") as handle:
            for row in csv.reader(handle):
                allowed |= {n for cell in row for n in re.findall(r"\d+", cell)}
    for item in made.key_figures + made.findings:
        for value in item.numbers.values():
            allowed |= {
                str(fmt.rounded(value, 0)),
                str(fmt.rounded(value, 1)),
                str(fmt.rounded(value * 100, 1)),
            }
    for item in made.key_figures + made.findings:
        for number in re.findall(r"\d[\d,]*(?:\.\d+)?", item.text):
            assert number.replace(",", "") in allowed, (number, item.text)


# --- no sentence said twice ------------------------------------------------------------

SENTENCE = re.compile(r"(?<=[.!?])\s+")
WORD = re.compile(r"[\w'’-]+")
# Two sentences say the same thing when the shorter's words are nearly all in the longer:
# "How far the remarks travelled online" and "How far the remarks in the guiding cases
# travelled online, as reported" are one sentence said twice.
SAME_WORDS = 0.8
MIN_WORDS = 4


def sentences(text: str) -> list[frozenset[str]]:
    """Each sentence of a text as its set of lowercased words (short fragments left out)."""
    found = []
    for sentence in SENTENCE.split(text):
        words = frozenset(w.casefold() for w in WORD.findall(sentence))
        if len(words) >= MIN_WORDS:
            found.append(words)
    return found


def _same(a: frozenset[str], b: frozenset[str]) -> bool:
    return len(a & b) / min(len(a), len(b)) >= SAME_WORDS


def repeated_sentences(page: str) -> list[str]:
    """Sentences a report's page says in two of: its subtitle, its introduction (the
    first paragraph of its content) and its bullets, word for word or nearly."""
    soup = BeautifulSoup(page, "html.parser")
    subtitle = soup.select_one(".report-summary")
    main = soup.select_one("main")
    cells = main.select(".jp-MarkdownCell")
    intro = next((c for c in cells if c.select_one("p") and not c.select_one("h1,h2,h3")), None)
    parts = [
        sentences(subtitle.get_text(" ") if subtitle else ""),
        sentences(intro.get_text(" ") if intro else ""),
        [s for li in main.select("li") for s in sentences(li.get_text(" "))],
    ]
    found = set()
    for i, j in ((0, 1), (0, 2), (1, 2)):
        for a in parts[i]:
            for b in parts[j]:
                if _same(a, b):
                    found.add(" ".join(sorted(a if len(a) <= len(b) else b)))
    return sorted(found)


def test_no_sentence_is_said_twice_between_subtitle_intro_and_bullets(project):
    for report in _reports(project):
        page = (project.out / f"{report.id}.html").read_text(encoding="utf-8")
        assert repeated_sentences(page) == [], report.id


def test_the_repeat_check_sees_a_repeated_sentence():
    page = (
        '<p class="report-summary">Counts of arrests by crime. Shares of the whole too.</p><main>'
        '<div class="jp-MarkdownCell"><p>Here are the counts of arrests by crime.</p></div>'
        "<ul><li>One sentence of its own here. Two more words here.</li></ul></main>"
    )
    assert repeated_sentences(page) == ["arrests by counts crime of"]
    page = page.replace("<li>One sentence", "<li>Shares of the whole too. One sentence")
    assert len(repeated_sentences(page)) == 2
    unrelated = page.replace("Here are the counts of arrests by crime.", "A new text for it.")
    assert repeated_sentences(unrelated) == ["of shares the too whole"]


def test_the_summary_of_a_release_lists_its_every_figure(project):
    figures = dataset.load_figures(project.processed)
    sources = dataset.load_table(dataset.SOURCES_CSV, project.processed)
    labels = summary.Labels.of(load_reference(project.reference), sources)
    for source in figures["source_id"].unique():
        made = summary.for_release(figures, source, labels)
        ids = {k for item in made.key_figures for k in item.numbers}
        own = figures[(figures["source_id"] == source) & figures["repeats"].isna()]
        assert ids == set(own["figure_id"]), source
