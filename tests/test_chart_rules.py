"""The rules every chart keeps, over every chart function, on the real data, on the
synthetic three-release fixture and on synthetic frames of 1, 2 and 5 crimes: bars from
zero on linear axes, small counts in their own titled panel, one unit per axis, lower
bounds drawn and keyed, the effective period under the chart, titles computed from the
table, direct labels rather than legends, text large enough on a phone and on paper,
and image descriptions in the chart's language: every rule in English and in Chinese."""

from __future__ import annotations

import inspect
import io
import json
import re
from pathlib import Path
from types import MappingProxyType

import matplotlib
import pandas as pd
import pytest
from conftest import FIXTURE, ROOT
from matplotlib.text import Text

from report_lib import language
from report_lib.data.reference import load_reference
from report_lib.report import charts, fmt, notebook, style

matplotlib.use("Agg")

BARS = ("arrests_vs_prosecutions", "shares", "prosecuted_per_arrest", "crime_in_context")
PHONE_COLUMN_PX = 390 - 2 * 16  # a 390 px viewport less the column's padding
# The share of the A4 text width a printed chart takes (report.css: 70 %, Chinese 64 %).
PRINT_CHART_PT = {
    lang: share * (210 - 30) / 25.4 * 72 for lang, share in (("en", 0.7), ("zh", 0.64))
}
HAN = re.compile(r"[\u3400-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def chart_functions() -> set[str]:
    """Every public function of the chart library that returns a Chart."""
    return {
        name
        for name, f in inspect.getmembers(charts, inspect.isfunction)
        if f.__module__ == charts.__name__
        and not name.startswith("_")
        and inspect.signature(f).return_annotation in (charts.Chart, "Chart")
    }


def all_of(ctx: notebook.Context) -> list[tuple[str, charts.Chart]]:
    """Every chart the data allows, each release and crime in turn, in the context's
    language."""
    f, labels = ctx.figures, ctx.crime_labels
    words = {
        "lang": ctx.lang,
        "measure_labels": ctx.measure_labels,
        "unit_labels": ctx.unit_labels,
    }
    made = []
    comparable = {
        (crime, source)
        for crime in labels
        for source in charts.comparable_releases(f, crime, labels)
    }
    for source in sorted({s for _, s in comparable}):
        for name in ("arrests_vs_prosecutions", "shares", "prosecuted_per_arrest"):
            made.append(
                (name, getattr(charts, name)(f, labels, source, ctx.source_labels, **words))
            )
    for crime, source in sorted(comparable):
        made.append(
            (
                "crime_in_context",
                charts.crime_in_context(f, labels, crime, source, ctx.source_labels, **words),
            )
        )
    for source in sorted(set(f.loc[f["measure"] == charts.READS, "source_id"])):
        made.append(
            (
                "online_spread",
                charts.online_spread(f, ctx.case_labels, source, ctx.source_labels, **words),
            )
        )
    counted = f[f["period_start"].notna() & f["case"].isna() & f["crime"].notna()]
    scopes = ctx.scope_labels
    for crime in sorted(set(counted["crime"])):
        made.append(
            (
                "spans",
                charts.spans(
                    f,
                    labels,
                    crime=crime,
                    source_labels=ctx.source_labels,
                    scope_labels=scopes,
                    **words,
                ),
            )
        )
    for source in sorted(set(counted["source_id"])):
        made.append(
            (
                "spans",
                charts.spans(
                    f,
                    labels,
                    source=source,
                    source_labels=ctx.source_labels,
                    scope_labels=scopes,
                    **words,
                ),
            )
        )
    return made


def _context(
    figures: pd.DataFrame, crimes: dict, cases: dict, sources: dict, lang: str
) -> notebook.Context:
    reference = load_reference(ROOT / "data" / "reference")
    label = "label_zh" if lang == "zh" else "label"

    def named(table) -> MappingProxyType:
        return MappingProxyType({code: row[label] for code, row in table.rows.items()})

    class Synthetic(notebook.Context):
        crime_labels = crimes
        case_labels = cases
        source_labels = sources
        scope_labels = named(reference.scopes)
        measure_labels = named(reference.measures)
        unit_labels = named(reference.units)

    return Synthetic(figures, pd.DataFrame(), None, Path("."), Path("."), lang)


def synthetic(n: int, lang: str = language.DEFAULT) -> notebook.Context:
    """n crimes whose counts fall sevenfold from one to the next (so some dwarf others),
    the last counted over a shorter period; one case with reads within a window (a lower
    bound), one with reads and discussions over no period; a second release of yearly
    lower bounds. The publisher is named in Chinese too, as real sources are; in Chinese
    every name is Chinese."""
    from test_charts import make_frame

    rows = []
    zh = lang == "zh"
    crimes = {
        f"crime_{i}": f"罪名{'甲乙丙丁戊'[i]}" if zh else f"Crime {'ABCDE'[i]}" for i in range(n)
    }
    conf = ("2019-01-01", "2022-02-21")
    for i, code in enumerate(crimes):
        prosecuted = max(30000 // 7**i, 3)
        period = ("2021-03-01", "2022-02-21") if i == n - 1 and n > 1 else conf
        rows.append(
            (
                "s1",
                "arrests_approved",
                code,
                None,
                max(prosecuted * 2 // 3, 2),
                "exact",
                "persons",
                *period,
            )
        )
        rows.append(
            ("s1", "persons_prosecuted", code, None, prosecuted, "exact", "persons", *period)
        )
        rows.append(
            (
                "s2",
                "persons_prosecuted",
                code,
                None,
                500 + 37 * i,
                "more_than",
                "persons",
                "2020-01-01",
                "2020-12-31",
            )
        )
    first = next(iter(crimes))
    rows += [
        ("s1", "reads", first, "k1", 90000, "more_than", "reads", *conf),
        ("s1", "reach_window", first, "k1", 3, "exact", "hours", *conf),
        ("s1", "reads", first, "k2", 1200000, "exact", "reads", *conf),
        ("s1", "discussions", first, "k2", 4000, "exact", "person-times", *conf),
    ]
    frame = make_frame(rows)
    frame.loc[frame["case"].notna(), ["period_start", "period_end", "stated_start"]] = pd.NaT
    sources = {"s1": "A press conference, 人民日报 (People's Daily), 2022", "s2": "新华社"}
    cases = {"k1": "Case one", "k2": "Case two"}
    if zh:
        sources = {"s1": "新闻发布会，人民日报，2022年", "s2": "新华社"}
        cases = {"k1": "案例一", "k2": "案例二"}
    return _context(frame, crimes, cases, sources, lang)


class Worlds(dict):
    """World name -> the charts made in it, all in one language."""

    def __init__(self, lang: str, made: dict) -> None:
        super().__init__(made)
        self.lang = lang
        self._ = language.gettext(lang, "charts")

    def joined(self, text: str) -> str:
        """Wrapped text read as one line: English lines meet at a space, Chinese ones at
        nothing (a break may fall inside a word)."""
        return text.replace("\n", "" if self.lang == "zh" else " ")


@pytest.fixture(scope="module")
def both_worlds(tmp_path_factory) -> dict[str, Worlds]:
    """Every chart of the real data, the three-release fixture and the synthetic frames,
    in each language."""
    from report_lib.data import dataset

    style.apply()
    processed = tmp_path_factory.mktemp("fixture-processed")
    data = FIXTURE / "data"
    dataset.write(
        dataset.build(dataset.Paths(data / "raw", data / "reference", data / "corrections.csv")),
        processed,
    )
    made = {}
    for lang in language.LANGUAGES:
        found = {
            "real": all_of(
                notebook.setup(
                    str(ROOT / "data/processed"), str(ROOT / "data/reference"), str(processed), lang
                )
            ),
            "fixture": all_of(
                notebook.setup(str(processed), str(data / "reference"), str(processed), lang)
            ),
        }
        for n in (1, 2, 5):
            found[f"{n} crimes"] = all_of(synthetic(n, lang))
        made[lang] = Worlds(lang, found)
    return made


@pytest.fixture(scope="module", params=language.LANGUAGES)
def worlds(both_worlds, request) -> Worlds:
    return both_worlds[request.param]


def each(worlds):
    return [(world, name, chart) for world, made in worlds.items() for name, chart in made]


def value_axes(name: str, chart: charts.Chart) -> list:
    return list(chart.figure.axes) if name in BARS else []


def source_line(chart: charts.Chart, worlds: Worlds) -> str:
    return worlds.joined(" ".join(t.get_text() for t in chart.figure.texts))


def all_text(chart: charts.Chart, worlds: Worlds) -> str:
    return worlds.joined(" ".join(t.get_text() for t in chart.figure.findobj(Text)))


def test_every_chart_function_is_covered_in_every_world(worlds):
    assert chart_functions() == set(BARS) | {"online_spread", "spans"}
    assert {name for name, _ in worlds["real"]} == chart_functions()
    for n in (2, 5):
        assert {name for name, _ in worlds[f"{n} crimes"]} == chart_functions()
    assert {name for name, _ in worlds["fixture"]} >= set(BARS) | {"spans"}


def test_no_log_scale_anywhere(worlds):
    assert not [n for n in dir(charts) if n.startswith("LOG")]
    for world, name, chart in each(worlds):
        for ax in chart.figure.axes:
            assert ax.get_xscale() == ax.get_yscale() == "linear", (world, name)
        assert "logarithm" not in chart.alt_text and "log scale" not in chart.alt_text
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        text = " ".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"])
        assert "logarithm" not in text.lower(), path.name


def test_bars_start_at_zero_and_small_counts_get_their_own_titled_panel(worlds):
    for world, name, chart in each(worlds):
        axes = value_axes(name, chart)
        for ax in axes:
            assert ax.get_xlim()[0] == 0, (world, name)
            assert all(bar.get_x() == 0 for c in ax.containers for bar in c), (world, name)
        if len(axes) > 1:
            titles = [ax.get_title(loc="left") for ax in axes]
            assert titles[0] == worlds._(charts.LARGE_PANEL), (world, name)
            assert set(titles[1:]) == {worlds._(charts.SMALL_PANEL)}, (world, name)
        if name in ("arrests_vs_prosecutions", "crime_in_context", "prosecuted_per_arrest"):
            values = "ratio" if name == "prosecuted_per_arrest" else "value"
            tops = [
                part.groupby("crime")[values].max().astype(float)
                for _, part in chart.table.groupby("panel_number", sort=False)
            ]
            assert len(tops) == max(len(axes), 1), (world, name)
            for k, top in enumerate(tops):
                assert top.min() >= top.max() / charts.SPLIT_RATIO, (world, name, "readable")
                if k:
                    assert top.max() < tops[k - 1].max() / charts.SPLIT_RATIO, (world, name)


def test_the_longest_bar_fills_most_of_its_axis(worlds):
    """Room is made for the labels, never so much that the bars shrink to slivers (the
    overview's 21,923 once stood on an axis to 500,000)."""
    for world, name, chart in each(worlds):
        for ax in value_axes(name, chart):
            longest = max(bar.get_width() for c in ax.containers for bar in c)
            assert longest / ax.get_xlim()[1] >= 0.5, (world, name, ax.get_xlim())


def test_a_value_axis_carries_one_unit_and_marks_any_other_period(worlds):
    for world, name, chart in each(worlds):
        if name not in BARS:
            continue
        for ax, (_, part) in zip(
            value_axes(name, chart), chart.table.groupby("panel_number", sort=False), strict=True
        ):
            if "unit" in part.columns:
                assert part["unit"].nunique() == 1, (world, name)
            ticks = [worlds.joined(t.get_text()) for t in ax.get_yticklabels()]
            periods = part.drop_duplicates("crime")
            assert len(ticks) == len(periods), (world, name)
            unmarked = {
                (row.period_start, row.period_end)
                for row, tick in zip(periods.itertuples(), ticks, strict=True)
                if fmt.period(row.period_start, row.period_end, worlds.lang) not in tick
            }
            assert len(unmarked) <= 1, (world, name, ticks)


def test_online_spread_is_a_fact_panel_that_keeps_every_value(worlds):
    for world, name, chart in each(worlds):
        if name != "online_spread":
            continue
        assert all(not ax.axison for ax in chart.figure.axes)
        shown = all_text(chart, worlds)
        for row in chart.table.itertuples():
            assert fmt.number(int(row.value), row.qualifier, lang=worlds.lang) in shown, (
                world,
                row,
            )
            assert row.over in shown or row.over == worlds._(charts.NO_PERIOD)
        assert set(chart.table["measure"]) >= {charts.READS}


def test_lower_bounds_are_hatched_and_keyed_only_when_present(worlds):
    seen = 0
    for world, name, chart in each(worlds):
        if name not in BARS and name != "spans":
            continue
        bars = [
            bar
            for ax in chart.figure.axes
            for c in ax.containers
            for bar in c
            if bar.get_linestyle() != ":"
        ]
        qualifier = chart.table.get("qualifier", pd.Series(fmt.EXACT, index=chart.table.index))
        bound = (qualifier == fmt.MORE_THAN).tolist()
        assert len(bars) == len(bound), (world, name)
        for bar, is_bound in zip(bars, bound, strict=True):
            assert (bar.get_hatch() == charts.BOUND_HATCH) == is_bound, (world, name)
        keys = [
            t.get_text()
            for ax in chart.figure.axes
            if ax.get_legend()
            for t in ax.get_legend().get_texts()
        ]
        assert (worlds._(charts.BOUND_KEY) in keys) == any(bound), (world, name, keys)
        seen += any(bound)
    assert seen, "some chart draws a lower bound"


def test_the_effective_period_is_under_every_chart_that_uses_one(worlds):
    for world, name, chart in each(worlds):
        if "period_start" not in chart.table.columns:
            continue
        dated = chart.table.dropna(subset=["period_start"])
        where = source_line(chart, worlds) if name in BARS else all_text(chart, worlds)
        for start, end in (
            dated[["period_start", "period_end"]].drop_duplicates().itertuples(index=False)
        ):
            period = fmt.period(start, end, worlds.lang)
            assert period in where, (world, name, period)


def test_titles_state_what_the_table_holds(worlds):
    _, lang = worlds._, worlds.lang
    between = "；" if lang == "zh" else ";"
    for world, name, chart in each(worlds):
        t = chart.table
        if name in ("arrests_vs_prosecutions", "shares"):
            shares = t.assign(share=t["value"] / t.groupby("measure")["value"].transform("sum"))
            for _measure, part in shares.groupby("measure"):
                top = part.loc[part["share"].idxmax()]
                assert top["crime_label"] in chart.title, (world, name)
                said = (
                    fmt.percent(top["share"], lang=lang)
                    if name == "shares"
                    else _(fmt.share_phrase(top["share"]))
                )
                first = chart.title.split(between)[0]
                if top["crime_label"] in first and between not in chart.title:
                    assert said in chart.title, (world, name, said)
        elif name == "crime_in_context":
            mine = t[t["highlighted"]]
            assert mine["crime_label"].iloc[0] in chart.title
            for share in mine["share"]:
                assert fmt.percent(share, lang=lang) in chart.title, (world, name)
        elif name == "prosecuted_per_arrest":
            if (t["ratio"] > 1).all():
                assert chart.title == _(
                    "Every crime shown has more persons prosecuted than arrests approved"
                )
            else:
                assert t.loc[t["ratio"].idxmax(), "crime_label"] in chart.title
        elif name == "online_spread":
            rated = t[t["reads_per_hour"].notna()]
            if not rated.empty:
                top = rated.loc[rated["reads_per_hour"].astype(float).idxmax()]
                assert (
                    top["case_label"] in chart.title and top["reads_per_hour_text"] in chart.title
                )
        elif name == "spans":
            count, releases = len(t), t["source_id"].nunique()
            figures = _("{count} figure") if count == 1 else _("{count} figures")
            sources = _("{count} release") if releases == 1 else _("{count} releases")
            assert figures.format(count=count) in chart.title, (world, chart.title)
            assert sources.format(count=releases) in chart.title, (world, chart.title)
        assert "second most" not in chart.title


def test_measures_are_labelled_at_the_bars_not_in_a_legend(worlds):
    for world, name, chart in each(worlds):
        legends = [ax.get_legend() for ax in chart.figure.axes if ax.get_legend()]
        for legend in legends:
            assert {t.get_text() for t in legend.get_texts()} <= {
                worlds._(charts.BOUND_KEY),
                worlds._(charts.STATED_KEY),
            }
        assert not chart.figure.legends
        if name in ("arrests_vs_prosecutions", "crime_in_context", "shares"):
            named = " ".join(t.get_text() for ax in chart.figure.axes for t in ax.texts)
            for label in set(chart.table["measure_label"]):
                assert label.lower() in named, (world, name, label)


def _svg_width_pt(svg: bytes) -> float:
    return float(re.search(rb'<svg[^>]* width="([\d.]+)pt"', svg).group(1))


def test_chart_text_is_large_enough_on_a_phone_and_on_paper(worlds, report_figure):
    smallest_px, smallest_pt = [], []
    for world, name, chart in each(worlds):
        sizes = [
            t.get_fontsize()
            for t in chart.figure.findobj(Text)
            if t.get_text().strip() and t.get_visible()
        ]
        assert min(sizes) >= style.MIN_FONT_SIZE, (world, name, min(sizes))
        width = _svg_width_pt(notebook.image(chart))
        smallest_px.append(min(sizes) * 4 / 3 * PHONE_COLUMN_PX / (width * 4 / 3))
        smallest_pt.append(min(sizes) * PRINT_CHART_PT[chart.lang] / width)
        assert smallest_px[-1] >= 9, (world, name, width)
        assert smallest_pt[-1] >= 8, (world, name, width)
    report_figure(
        f"chart text: smallest {min(smallest_px):.1f} px at 390 px, "
        f"{min(smallest_pt):.1f} pt in the A4 PDF"
    )


def test_image_descriptions_and_chart_text_are_in_the_chart_language(worlds):
    """English charts hold no Chinese (an image description cannot mark a language inside
    it); Chinese charts hold no English word, their names and sources included."""
    for world, name, chart in each(worlds):
        texts = [chart.alt_text, chart.title, all_text(chart, worlds)]
        if worlds.lang == "zh":
            for text in texts:
                assert not LATIN_WORD.findall(text), (world, name, LATIN_WORD.findall(text))
            assert HAN.search(chart.alt_text) and HAN.search(chart.title), (world, name)
        else:
            assert not HAN.search(chart.alt_text), (world, name, chart.alt_text)
            assert not HAN.search(source_line(chart, worlds)), (world, name)
    assert charts.english("People's Daily (人民日报)") == "People's Daily"
    assert charts.english("The Paper（澎湃新闻）, 2023") == "The Paper, 2023"
    assert charts.english("A conference, 人民日报 (People's Daily), 2022") == (
        "A conference, People's Daily, 2022"
    )
    assert charts.english("新华社") == ""


def test_the_font_the_charts_name_is_one_the_set_up_installs(worlds):
    """The SVG names its fonts (its text stays text): English DejaVu Sans, Chinese Noto
    Sans CJK SC first, both installed by the set-up, so the browser draws what was
    measured."""
    from report_lib.build import system

    assert style.LATIN_FONT == system.LATIN_FAMILY
    assert style.CJK_FONT == system.CJK_FAMILY
    for _, _, chart in each(worlds)[:3]:
        named = re.findall(rb"font-family: ([^;\"]+)", notebook.image(chart))
        families = {name.strip(b" '") for names in named for name in names.split(b",")}
        if worlds.lang == "zh":
            assert families == {style.LATIN_FONT.encode(), style.CJK_FONT.encode()}, families
        else:
            assert families <= {style.LATIN_FONT.encode(), style.CJK_FONT.encode()}, families
            assert style.LATIN_FONT.encode() in families, families


def test_both_languages_plot_the_same_figures(both_worlds):
    """The English and the Chinese chart of the same data have the same table (and so the
    same CSV beside the report) but for the words: codes, values, shares, rates, periods
    and panel numbers equal, every word column beside the code it names."""
    en, zh = both_worlds["en"], both_worlds["zh"]
    assert en.keys() == zh.keys()
    compared = 0
    for world in en:
        assert [name for name, _ in en[world]] == [name for name, _ in zh[world]], world
        for (name, english), (_, chinese) in zip(en[world], zh[world], strict=True):
            a, b = english.table, chinese.table
            assert list(a.columns) == list(b.columns), (world, name)
            same = [c for c in a.columns if c not in charts.TEXT_COLUMNS]
            words = [c for c in a.columns if c in charts.TEXT_COLUMNS]
            assert {"source_id", "value"} & set(same) and len(a), (world, name)
            pd.testing.assert_frame_equal(a[same], b[same], obj=f"{world} {name}")
            read = [pd.read_csv(io.StringIO(t[same].to_csv(index=False))) for t in (a, b)]
            pd.testing.assert_frame_equal(*read, obj=f"{world} {name} CSV")
            for column in words:
                assert (a[column].isna() == b[column].isna()).all(), (world, name, column)
                if column in ("crime_label", "case_label", "measure_label"):
                    assert column.removesuffix("_label") in same, (world, name, column)
            for column in same:
                shown = b[column].dropna().astype(str)
                assert not shown.str.contains(HAN).any(), (world, name, column)
            compared += 1
    assert compared >= 30
