"""Charts: the numbers plotted equal the input, the marks carry the house colours, and the
output is reproducible. The frame below is typed from the sources as test input."""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib import font_manager
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from report_lib.data.reference import load_reference
from report_lib.report import charts, fmt, style

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
SPP = "spp-2022-02-21"
CNS = "cns-2023-03-02"
PAPER = "thepaper-2023-02-09"
DAILY = "peoplesdaily-2024-02"
LABELS = {
    "insult_defamation": "Insult and defamation",
    "personal_information": "Personal information",
    "heroes_martyrs": "Heroes and martyrs",
}
CASE_LABELS = {"gc136": "Case 136 (heroes and martyrs)", "gc137": "Case 137 (defamation)"}
SPP_LABEL = "SPP press conference, 21 Feb 2022 (China News Service English report)"

ID, PI, HM = "insult_defamation", "personal_information", "heroes_martyrs"
ARR, PRO = "arrests_approved", "persons_prosecuted"
CONF = ("2019-01-01", "2022-02-21")  # the press conference's period
# (source_id, measure, crime, case, value, qualifier, unit, start, end)
FIGURES = [
    (SPP, ARR, ID, None, 168, "exact", "persons", *CONF),
    (SPP, ARR, PI, None, 12410, "exact", "persons", *CONF),
    (SPP, ARR, HM, None, 12, "exact", "persons", *CONF),
    (SPP, PRO, ID, None, 213, "exact", "persons", *CONF),
    (SPP, PRO, PI, None, 21923, "exact", "persons", *CONF),
    (SPP, PRO, HM, None, 15, "exact", "persons", *CONF),
    (SPP, "reads", HM, "gc136", 130000, "more_than", "reads", *CONF),
    (SPP, "reach_window", HM, "gc136", 5, "exact", "hours", *CONF),
    (SPP, "reads", ID, "gc137", 470000000, "exact", "reads", *CONF),
    (SPP, "discussions", ID, "gc137", 58000, "exact", "person-times", *CONF),
    (CNS, PRO, PI, None, 6000, "more_than", "persons", "2020-01-01", "2020-12-31"),
    (CNS, PRO, PI, None, 9800, "more_than", "persons", "2021-01-01", "2021-12-31"),
    (CNS, PRO, PI, None, 9300, "more_than", "persons", "2022-01-01", "2022-12-31"),
    (PAPER, ARR, PI, None, 13000, "more_than", "persons", "2019-01-01", "2022-10-31"),
    (PAPER, PRO, PI, None, 28000, "more_than", "persons", "2019-01-01", "2022-10-31"),
    (DAILY, PRO, ID, None, 39, "exact", "persons", "2023-01-01", "2023-11-30"),
]
SOURCE_LABELS = {
    SPP: SPP_LABEL,
    CNS: "China News Service, 2 Mar 2023",
    PAPER: "The Paper, 9 Feb 2023",
    DAILY: "People's Daily, Feb 2024",
}


def make_frame(figures: list[tuple] = FIGURES) -> pd.DataFrame:
    columns = ["source_id", "measure", "crime", "case", "value", "qualifier"]
    columns += ["unit", "period_start", "period_end"]
    df = pd.DataFrame(figures, columns=columns)
    df.insert(2, "figure_id", [f"f{i:02d}" for i in range(len(df))])
    df["value"] = df["value"].astype("Int64")
    for column in ("period_start", "period_end"):
        df[column] = pd.to_datetime(df[column])
    df["scope"] = "all"
    measures = load_reference(ROOT / "data" / "reference").measures.rows
    df["measure_label"] = df["measure"].map(lambda m: measures[m]["label"])
    df["stated_start"] = df["period_start"]
    df["period_note"] = ""
    df["raw"] = df["value"].map(str)
    df["quote"] = ""
    df["source_label"] = df["source_id"].map({SPP: SPP_LABEL})
    df["repeats"] = pd.Series(pd.NA, index=df.index, dtype="string")
    dates = ("period_start", "period_end", "stated_start")
    text = [c for c in df.columns if c != "value" and c not in dates]
    return df.astype(dict.fromkeys(text, "string"))


@pytest.fixture(autouse=True)
def house_style():
    style.apply()


@pytest.fixture
def df() -> pd.DataFrame:
    return make_frame()


def all_charts(df: pd.DataFrame) -> dict[str, charts.Chart]:
    return {
        "arrests_vs_prosecutions": charts.arrests_vs_prosecutions(df, LABELS, SPP),
        "shares": charts.shares(df, LABELS, SPP),
        "prosecuted_per_arrest": charts.prosecuted_per_arrest(df, LABELS, SPP),
        "crime_in_context": charts.crime_in_context(df, LABELS, "insult_defamation", SPP),
        "online_spread": charts.online_spread(df, CASE_LABELS, SPP),
        "spans": charts.spans(df, LABELS, crime=PI, source_labels=SOURCE_LABELS),
    }


def png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def patches(ax) -> list:
    """Bars in drawing order (the order the tables promise)."""
    return [bar for container in ax.containers for bar in container]


def tinted(colour: str, measure: str) -> tuple[float, ...]:
    """The face of a measure's bar: the crime's colour, lighter for arrests."""
    strength = charts.MEASURE_TINT[measure]
    return tuple(1 - strength * (1 - c) for c in to_rgb(colour))


def mentions(text: str, formatted: str) -> bool:
    """Whole-number match: '12' must not be found inside '12,410'."""
    return re.search(rf"(?<![\d,.]){re.escape(formatted)}(?!\d|[,.]\d)", text) is not None


def counts_of(df: pd.DataFrame, measure: str) -> dict[str, int]:
    rows = df[(df.source_id == SPP) & (df.measure == measure) & df.case.isna()]
    return {crime: int(v) for crime, v in zip(rows.crime, rows.value, strict=True)}


# --- every chart ----------------------------------------------------------------------


def test_every_chart_has_title_alt_text_and_source_line(df):
    for name, chart in all_charts(df).items():
        assert chart.title and chart.alt_text.endswith("."), name
        assert chart.figure.get_suptitle().replace("\n", " ") == chart.title, name
        footers = [t.get_text() for t in chart.figure.texts if "Source" in t.get_text()]
        assert footers, f"{name} has no source line"


def test_pngs_are_byte_identical_across_builds(df):
    first = {name: png(c.figure) for name, c in all_charts(df).items()}
    second = {name: png(c.figure) for name, c in all_charts(df).items()}
    assert first == second
    chart = charts.shares(df, LABELS, SPP)
    assert png(chart.figure) == png(chart.figure)


def test_charts_do_not_touch_pyplot(df):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    all_charts(df)
    assert plt.get_fignums() == before


def test_svgs_are_byte_identical_across_builds(df):
    from report_lib.report.notebook import image

    first = {name: image(c) for name, c in all_charts(df).items()}
    second = {name: image(c) for name, c in all_charts(df).items()}
    assert first == second
    assert all(b"<text" in svg for svg in first.values()), "text kept as text"


def test_a_dwarfing_crime_puts_the_others_in_their_own_panel(df):
    """21,923 against 213 and 15 (the SPP's figures): two linear panels from zero."""
    for name in ("arrests_vs_prosecutions", "crime_in_context"):
        chart = all_charts(df)[name]
        axes = chart.figure.axes
        assert [ax.get_title(loc="left") for ax in axes] == [
            charts.LARGE_PANEL,
            charts.SMALL_PANEL,
        ], name
        assert all(ax.get_xscale() == "linear" and ax.get_xlim()[0] == 0 for ax in axes)
        small = chart.table[chart.table["panel"] == charts.SMALL_PANEL]
        assert set(small["crime"]) == {ID, HM}, name


def test_ticks_are_written_out(df):
    chart = charts.arrests_vs_prosecutions(df, LABELS, SPP)
    chart.figure.canvas.draw()
    ticks = [t.get_text() for t in chart.figure.axes[0].get_xticklabels() if t.get_text()]
    assert "10,000" in ticks or "20,000" in ticks
    assert not any("^" in t or "$" in t for t in ticks)


# --- per chart ------------------------------------------------------------------------


def test_arrests_vs_prosecutions_plots_the_input(df):
    chart = charts.arrests_vs_prosecutions(df, LABELS, SPP)
    table = chart.table
    for measure in ("arrests_approved", "persons_prosecuted"):
        got = table[table.measure == measure].set_index("crime")["value"].astype(int).to_dict()
        assert got == counts_of(df, measure)
    bars = [bar for ax in chart.figure.axes for bar in patches(ax)]
    assert len(bars) == len(table) == 6
    for bar, row in zip(bars, table.itertuples(), strict=True):
        assert bar.get_width() == pytest.approx(row.value)
        assert bar.get_facecolor()[:3] == pytest.approx(
            tinted(style.CRIME_COLOURS[row.crime], row.measure)
        )
    for row in table.itertuples():
        assert mentions(chart.alt_text, fmt.number(int(row.value), row.qualifier))
    assert chart.title == (
        "Personal information accounts for almost all of the arrests and prosecutions"
    )


def test_title_names_each_leader_when_they_differ(df):
    df.loc[(df.measure == PRO) & (df.crime == ID), "value"] = 30000
    title = charts.arrests_vs_prosecutions(df, LABELS, SPP).title
    assert title == (
        "Personal information has the most arrests; Insult and defamation has the most prosecutions"
    )


def test_lower_bound_rate_is_rounded_down(df):
    df.loc[(df.case == "gc136") & (df.measure == "reads"), "value"] = 130004
    table = charts.online_spread(df, CASE_LABELS, SPP).table.set_index(["case", "measure"])
    assert table.loc[("gc136", "reads"), "reads_per_hour_text"] == (
        "more than 26,000 reads per hour"  # 26,000.8 per hour: 26,001 would overstate
    )


def test_bar_labels_are_the_table_labels(df):
    chart = charts.arrests_vs_prosecutions(df, LABELS, SPP)
    shown = [
        t.get_text() for ax in chart.figure.axes for t in ax.texts if t.get_gid() != charts.NAME_GID
    ]
    assert shown == [fmt.bound_label(int(v)) for v in chart.table["value"]]


def test_shares_sum_to_one_and_match_the_input(df):
    chart = charts.shares(df, LABELS, SPP)
    table = chart.table
    for measure, part in table.groupby("measure"):
        counts = counts_of(df, measure)
        assert part["share"].sum() == pytest.approx(1)
        assert set(part["total"]) == {sum(counts.values())}
        for row in part.itertuples():
            assert row.share == pytest.approx(counts[row.crime] / sum(counts.values()))
            assert mentions(chart.alt_text, fmt.percent(row.share))
    for bar, row in zip(patches(chart.figure.axes[0]), table.itertuples(), strict=True):
        assert bar.get_width() == pytest.approx(row.share)
        assert bar.get_facecolor()[:3] == pytest.approx(
            tinted(style.CRIME_COLOURS[row.crime], row.measure)
        )
    # 12,410 / 12,590 and 21,923 / 22,151, worked by hand
    assert chart.title == (
        "Personal information accounts for 98.6% of the arrests and 99.0% of the prosecutions"
    )


def test_prosecuted_per_arrest_ratios_and_reference_line(df):
    chart = charts.prosecuted_per_arrest(df, LABELS, SPP)
    arrests, prosecuted = counts_of(df, "arrests_approved"), counts_of(df, "persons_prosecuted")
    ax = chart.figure.axes[0]
    for bar, row in zip(patches(ax), chart.table.itertuples(), strict=True):
        assert row.ratio == pytest.approx(prosecuted[row.crime] / arrests[row.crime])
        assert bar.get_width() == pytest.approx(row.ratio)
        assert bar.get_facecolor()[:3] == pytest.approx(to_rgb(style.CRIME_COLOURS[row.crime]))
        assert mentions(chart.alt_text, fmt.number(row.ratio, decimals=fmt.DECIMALS["ratio"]))
    assert any(np.allclose(line.get_xdata(), 1) for line in ax.get_lines())
    footer = " ".join(t.get_text() for t in chart.figure.texts).replace("\n", " ")
    assert "not the same cohort" in footer and "bail" in footer


def test_prosecuted_per_arrest_title_follows_the_data(df):
    df.loc[(df.measure == "persons_prosecuted") & (df.crime == "heroes_martyrs"), "value"] = 6
    title = charts.prosecuted_per_arrest(df, LABELS, SPP).title
    assert title == "Personal information has the most persons prosecuted per arrest approved"


def test_crime_in_context_highlights_one_crime(df):
    chart = charts.crime_in_context(df, LABELS, "heroes_martyrs", SPP)
    bars = [bar for ax in chart.figure.axes for bar in patches(ax)]
    for bar, row in zip(bars, chart.table.itertuples(), strict=True):
        expected = (
            style.CRIME_COLOURS[row.crime]
            if row.crime == "heroes_martyrs"
            else (style.NEUTRAL_LIGHT)
        )
        assert bar.get_facecolor()[:3] == pytest.approx(tinted(expected, row.measure))
        assert bar.get_width() == pytest.approx(row.value)
    assert chart.table["highlighted"].sum() == 2
    assert (
        chart.title
        == "Heroes and martyrs accounts for 0.1% of the arrests and 0.1% of the prosecutions"
    )
    with pytest.raises(KeyError):
        charts.crime_in_context(df, LABELS, "no_such_crime", SPP)


def test_online_spread(df):
    chart = charts.online_spread(df, CASE_LABELS, SPP)
    table = chart.table.set_index(["case", "measure"])
    assert int(table.loc[("gc136", "reads"), "value"]) == 130000
    assert int(table.loc[("gc137", "reads"), "value"]) == 470000000
    assert int(table.loc[("gc137", "discussions"), "value"]) == 58000
    assert table.loc[("gc136", "reads"), "reads_per_hour"] == pytest.approx(130000 / 5)
    assert table.loc[("gc136", "reads"), "reads_per_hour_text"] == (
        "more than 26,000 reads per hour"
    )
    assert pd.isna(table.loc[("gc137", "reads"), "reads_per_hour"])
    assert table.loc[("gc136", "reads"), "label"].startswith("≥ 130,000")
    assert "5 hours" in table.loc[("gc136", "reads"), "label"]
    assert all(not ax.axison for ax in chart.figure.axes), "a fact panel, no value axis"
    shown = " ".join(t.get_text() for ax in chart.figure.axes for t in ax.texts)
    assert "58,000 person-times" in shown and "more than 130,000 reads" in shown
    assert "Counted within 5 hours" in shown and "lower bound" in shown
    for row in chart.table.itertuples():
        assert mentions(chart.alt_text, fmt.number(int(row.value), row.qualifier))
    assert "more than 26,000 reads per hour" in chart.alt_text


def test_spans_draw_each_figure_over_its_period_never_joined(df):
    chart = charts.spans(df, LABELS, crime=PI, source_labels=SOURCE_LABELS)
    table = chart.table
    expected = df[(df.crime == PI) & df.case.isna()]
    assert sorted(table["value"].astype(int)) == sorted(expected["value"].astype(int))
    assert not any(ax.get_lines() for ax in chart.figure.axes), "no line joins the figures"
    bars = [bar for ax in chart.figure.axes for bar in patches(ax) if bar.get_linestyle() != ":"]
    assert len(bars) == len(table)
    for bar, row in zip(bars, table.itertuples(), strict=True):
        start = matplotlib.dates.date2num(row.period_start)
        end = matplotlib.dates.date2num(row.period_end + pd.Timedelta(days=1))
        assert bar.get_x() == pytest.approx(start) and bar.get_width() == pytest.approx(end - start)
        bound = row.qualifier == "more_than"
        assert (bar.get_hatch() == "///") == bound and row.label.startswith("≥") == bound
        assert mentions(chart.alt_text, fmt.number(int(row.value), row.qualifier))
    rate = table.set_index("value").loc[21923]
    assert rate["per_year"] == pytest.approx(
        21923 / ((pd.Timestamp("2022-02-21") - pd.Timestamp("2019-01-01")).days + 1) * 365.25
    )
    assert table.set_index("value").loc[6000, "per_year_text"].startswith("more than")
    # a count for the leap year 2020 is that year's count, not 366/365.25 of it
    assert table.set_index("value").loc[6000, "per_year_text"] == "more than 6,000 a year"
    footer = " ".join(t.get_text() for t in chart.figure.texts).replace("\n", " ")
    for source in (SPP_LABEL, SOURCE_LABELS[CNS], SOURCE_LABELS[PAPER]):
        assert source in footer


def test_a_count_of_whole_calendar_years_is_divided_by_their_number():
    day = pd.Timestamp
    assert charts.per_year(6000, day("2020-01-01"), day("2020-12-31")) == 6000
    assert charts.per_year(900, day("2019-01-01"), day("2021-12-31")) == 300
    assert charts.per_year(366, day("2020-01-01"), day("2020-06-30")) == pytest.approx(
        366 * 365.25 / 182
    )


def test_spans_give_each_scope_and_unit_its_own_panel(df):
    online = df[(df.crime == PI) & (df.source_id == CNS)].assign(scope="online")
    cases = online.assign(measure="cases_prosecuted", unit="cases", scope="all")
    frame = pd.concat([df, online.assign(figure_id="o"), cases.assign(figure_id="c")])
    chart = charts.spans(frame, LABELS, crime=PI)
    titles = [ax.get_title(loc="left") + ax.get_title() for ax in chart.figure.axes]
    assert len(titles) == 3 and len(set(titles)) == 3
    assert any("online" in t for t in titles) and any("Cases" in t for t in titles)


def test_a_start_moved_to_the_law_is_drawn_and_said(df):
    moved = df.copy()
    hm = moved.crime == HM
    moved.loc[hm & moved.case.isna(), "period_start"] = pd.Timestamp("2021-03-01")
    chart = charts.spans(moved, LABELS, crime=HM)
    footer = " ".join(t.get_text() for t in chart.figure.texts).replace("\n", " ")
    assert "counted from 1 Mar 2021" in footer and "inference from the law" in footer
    dotted = [b for b in patches(chart.figure.axes[0]) if b.get_linestyle() == ":"]
    assert len(dotted) == 2
    shares = charts.shares(moved, LABELS, SPP)
    ticks = [t.get_text() for t in shares.figure.axes[0].get_yticklabels()]
    assert "Heroes and\nmartyrs\n(Mar 2021 – 21\nFeb 2022)" in ticks


# --- selection rules ------------------------------------------------------------------


def test_repeated_statements_are_dropped_and_unmarked_ones_refused(df):
    repeat = df[df.measure == "arrests_approved"].iloc[[0]].assign(repeats="f00")
    with_repeat = pd.concat([df, repeat], ignore_index=True)
    chart = charts.arrests_vs_prosecutions(with_repeat, LABELS, SPP)
    assert len(chart.table) == 6
    unmarked = pd.concat([df, repeat.assign(repeats=pd.NA)], ignore_index=True)
    with pytest.raises(ValueError, match="more than once"):
        charts.arrests_vs_prosecutions(unmarked, LABELS, SPP)


def test_rows_of_other_releases_never_enter_a_release_chart(df):
    others = df[df.source_id != SPP]
    doubled = pd.concat([df, others.assign(crime="heroes_martyrs")], ignore_index=True)
    chart = charts.arrests_vs_prosecutions(doubled, LABELS, SPP)
    assert chart.table["value"].astype(int).tolist() == (
        charts.arrests_vs_prosecutions(df, LABELS, SPP).table["value"].astype(int).tolist()
    )


def test_source_line_uses_mapping_then_column_then_id(df):
    def footer(chart):
        return " ".join(t.get_text() for t in chart.figure.texts).replace("\n", " ")

    assert SPP_LABEL in footer(charts.shares(df, LABELS, SPP))
    assert "Official" in footer(charts.shares(df, LABELS, SPP, source_labels={SPP: "Official"}))
    assert SPP in footer(charts.shares(df.assign(source_label=pd.NA), LABELS, SPP))


def test_missing_label_is_an_error(df):
    with pytest.raises(KeyError, match="heroes_martyrs"):
        charts.shares(df, {k: v for k, v in LABELS.items() if k != "heroes_martyrs"}, SPP)


def test_shares_refuse_lower_bounds(df):
    df.loc[df.measure == "arrests_approved", "qualifier"] = "more_than"
    with pytest.raises(ValueError, match="exact"):
        charts.shares(df, LABELS, SPP)


# --- style ----------------------------------------------------------------------------


def test_crime_colours_are_distinct_and_apart_from_the_neutrals():
    colours = [c.lower() for c in style.CRIME_COLOURS.values()]
    assert len(set(colours)) == len(colours) == len(LABELS)
    assert not {style.NEUTRAL.lower(), style.NEUTRAL_LIGHT.lower()} & set(colours)


@pytest.mark.skipif(
    "Noto Sans CJK SC" not in {f.name for f in font_manager.fontManager.ttflist}
    and not style.CJK_FONT_FILE.exists(),
    reason="Noto Sans CJK is not installed",
)
def test_chinese_text_renders_without_missing_glyphs():
    fig = Figure()
    fig.text(0.5, 0.5, "人格权的刑事保护")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png(fig)


def test_measure_names_come_from_the_reference_not_the_code(df):
    """The reference is the one home of a measure's name: rename it there, and the
    chart's legend and table follow."""
    assert not hasattr(charts, "MEASURE_LABELS")
    renamed = df.assign(
        measure_label=df["measure_label"].mask(df["measure"] == ARR, "suspects held")
    )
    chart = charts.arrests_vs_prosecutions(renamed, LABELS, SPP)
    named = [t.get_text() for ax in chart.figure.axes for t in ax.texts]
    assert "suspects held" in named and "arrests approved" not in named
    assert set(chart.table.loc[chart.table["measure"] == ARR, "measure_label"]) == {"Suspects held"}
