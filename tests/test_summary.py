"""The summaries: every number a finding states is the data's, findings follow the data
(another leader, another order, ties, one crime), and a comparison of crimes over unequal
periods always carries the caveat."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import DATA, FIXTURE

from report_lib.data.dataset import load_figures, load_table
from report_lib.data.reference import load_reference
from report_lib.report import fmt, summary

ARRESTS, PROSECUTED = summary.ARRESTS, summary.PROSECUTED


def _labels(processed: Path, reference: Path) -> summary.Labels:
    return summary.Labels.of(load_reference(reference), load_table("sources.csv", processed))


@pytest.fixture(scope="module")
def real() -> tuple[pd.DataFrame, summary.Labels]:
    processed = DATA / "processed"
    return load_figures(processed), _labels(processed, DATA / "reference")


@pytest.fixture(scope="module")
def fixture_data(fixture_processed) -> tuple[pd.DataFrame, summary.Labels]:
    """The synthetic multi-release fixture run through the data step."""
    reference = FIXTURE / "data" / "reference"
    return load_figures(fixture_processed), _labels(fixture_processed, reference)


def _every_summary(figures: pd.DataFrame, labels: summary.Labels) -> list[summary.Summary]:
    made = [summary.for_site(figures, labels), summary.for_dataset(figures, labels)]
    for source in sorted(figures["source_id"].unique()):
        made += [summary.for_release(figures, source, labels)]
        made += [summary.for_cases(figures, source, labels)]
    for crime in sorted(figures["crime"].dropna().unique()):
        made.append(summary.for_crime(figures, crime, labels))
        made.append(summary.for_trend(figures, crime, labels))
    for source in sorted(figures["source_id"].unique()):
        made.append(summary.for_comparison(figures, source, labels))
    return made


def _counts(figures: pd.DataFrame, source: str, measure: str) -> dict[str, float]:
    """Computed here, independently of summary: a release's exact counts by crime."""
    f = figures[figures["repeats"].isna() & figures["case"].isna() & figures["crime"].notna()]
    f = f[(f["source_id"] == source) & (f["measure"] == measure) & (f["qualifier"] == "exact")]
    return {r.crime: float(r.value) for r in f.itertuples()}


def test_the_real_shares_ranks_and_ratios_are_the_data(real):
    figures, labels = real
    source = summary.main_release(figures)
    prosecuted = _counts(figures, source, PROSECUTED)
    arrests = _counts(figures, source, ARRESTS)
    share = summary.share(figures, source, PROSECUTED, labels)
    assert share.numbers["total"] == sum(prosecuted.values())
    assert share.numbers["share"] == max(prosecuted.values()) / sum(prosecuted.values())
    assert fmt.percent(share.numbers["share"]) in share.text
    ranking = summary.ranking(figures, source, PROSECUTED, labels)
    assert ranking.numbers == prosecuted
    positions = [ranking.text.index(f"({fmt.number(int(v))})") for v in prosecuted.values()]
    by_value = sorted(zip(prosecuted.values(), positions, strict=True), reverse=True)
    assert [p for _, p in by_value] == sorted(positions)
    ratio = summary.per_arrest(figures, source, labels)
    ratios = [prosecuted[c] / arrests[c] for c in prosecuted]
    assert (ratio.numbers["lowest"], ratio.numbers["highest"]) == (min(ratios), max(ratios))


def test_every_number_a_finding_states_is_one_it_keeps(real, fixture_data):
    """A number in a finding's text must be one of its numbers (as fmt prints them) or a
    date of a period; a typed number fails."""
    for figures, labels in (real, fixture_data):
        dates = set()
        for column in ("period_start", "period_end", "stated_start"):
            for day in figures[column].dropna():
                dates |= {str(day.day), str(day.year)}
        for made in _every_summary(figures, labels):
            for item in made.key_figures + made.findings:
                shown = set(dates)
                for value in item.numbers.values():
                    shown |= _printed(value)
                for number in summary_numbers(item.text, labels):
                    assert number in shown, (number, item.text)


def _printed(value: float) -> set[str]:
    return {
        f"{fmt.rounded(value, 0):f}",
        f"{fmt.rounded(value, 1):f}",
        f"{fmt.rounded(value * 100, 1):f}",
        f"{int(value)}",
    }


def summary_numbers(text: str, labels: summary.Labels) -> list[str]:
    """The numbers of a text, less those inside the names of releases and cases (data)."""
    import re

    for names in (labels.sources, labels.publishers, labels.cases):
        for name in sorted(names.values(), key=len, reverse=True):
            text = text.replace(name, "")
    return [n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)]


def test_the_typed_number_check_can_fail():
    item = summary.Finding("Alpha accounts for 97.0% of the 100", {"share": 0.96, "total": 100})
    shown = set().union(*(_printed(v) for v in item.numbers.values()))
    assert "97.0" not in shown and "100" in shown


def _synthetic(values: dict[str, tuple[int, int]], periods: dict[str, str] | None = None):
    """A release 'r' with arrests and prosecutions per crime; periods start in 2019 unless
    `periods` moves a crime's start (as the law does for a new offence)."""
    rows = []
    for crime, (arrests, prosecuted) in values.items():
        start = pd.Timestamp((periods or {}).get(crime, "2019-01-01"))
        for measure, value in ((ARRESTS, arrests), (PROSECUTED, prosecuted)):
            rows.append(
                {
                    "source_id": "r",
                    "figure_id": f"{measure}-{crime}",
                    "measure": measure,
                    "measure_label": measure.replace("_", " "),
                    "crime": crime,
                    "case": pd.NA,
                    "scope": "all",
                    "value": value,
                    "qualifier": "exact",
                    "unit": "persons",
                    "period_start": start,
                    "period_end": pd.Timestamp("2022-02-21"),
                    "stated_start": pd.Timestamp("2019-01-01"),
                    "repeats": pd.NA,
                    "corroborated": True,
                    "quote_start": len(rows),
                }
            )
    return pd.DataFrame(rows)


def _names(codes) -> summary.Labels:
    return summary.Labels(
        crimes={c: c.capitalize() for c in codes},
        sources={"r": "Release R"},
        scopes={"all": "all cases"},
        cases={},
        publishers={"r": "R, 1 Jan 2022"},
    )


def test_another_leader_and_order_give_other_true_findings():
    first = {"alpha": (100, 900), "beta": (50, 60), "gamma": (5, 8)}
    second = {"alpha": (10, 12), "beta": (400, 300), "gamma": (90, 700)}
    texts = []
    for values in (first, second):
        labels = _names(values)
        made = summary.for_release(_synthetic(values), "r", labels)
        share, ranking = made.findings[0], made.findings[1]
        prosecuted = {c: v[1] for c, v in values.items()}
        leader = max(prosecuted, key=prosecuted.get)
        assert share.text.startswith(f"{labels.crime(leader)} accounts for")
        assert share.numbers["share"] == prosecuted[leader] / sum(prosecuted.values())
        order = sorted(prosecuted, key=prosecuted.get, reverse=True)
        at = [ranking.text.index(labels.crime(c).lower()) for c in order]
        assert at == sorted(at)
        texts.append((share.text, ranking.text))
    assert texts[0] != texts[1]


def test_a_crime_that_is_fewer_prosecuted_than_arrested_is_not_called_more():
    values = {"alpha": (100, 90), "beta": (50, 60)}
    made = summary.per_arrest(_synthetic(values), "r", _names(values))
    assert "For each" not in made.text and "differ" in made.text
    fewer = {"alpha": (100, 90), "beta": (50, 40)}
    assert (
        "fewer persons were prosecuted"
        in summary.per_arrest(_synthetic(fewer), "r", _names(fewer)).text
    )


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_findings_hold_for_any_number_of_crimes_and_ties(n):
    codes = [f"c{i}" for i in range(n)]
    values = {c: (10, 20) for c in codes}  # all tied
    made = summary.for_release(_synthetic(values), "r", _names(codes))
    for finding in made.findings:
        assert "the most" not in finding.text
    if n > 1:
        ranking = summary.ranking(_synthetic(values), "r", PROSECUTED, _names(codes))
        assert "tied" in ranking.text
        share = summary.share(_synthetic(values), "r", PROSECUTED, _names(codes))
        assert " each of the " in share.text
        assert summary.multiple(_synthetic(values), "r", ARRESTS, _names(codes)) is None
    else:
        assert summary.share(_synthetic(values), "r", PROSECUTED, _names(codes)) is None


def test_a_comparison_over_a_shortened_period_carries_the_caveat(real, fixture_data):
    values = {"alpha": (100, 900), "beta": (50, 60), "newer": (5, 8)}
    figures = _synthetic(values, periods={"newer": "2021-03-01"})
    made = summary.for_release(figures, "r", _names(values))
    compared = [f for f in made.findings if len(f.crimes) > 1]
    assert compared
    for finding in compared:
        assert summary.INFERENCE in finding.text and "Newer" in finding.text.title()
    # on the page: each comparison points to the caveat, said once under the list
    shown = made.markdown()
    assert shown.count("This is an inference from the law") == 1 < len(compared)
    assert shown.count("see the note below") == len(compared)  # md_escape: "differ\\:"
    for figures, labels in (real, fixture_data):
        for made in _every_summary(figures, labels):
            for finding in made.findings:
                if len(finding.crimes) < 2:
                    continue
                rows = figures[figures["crime"].isin(finding.crimes) & figures["case"].isna()]
                rows = rows[rows["measure"].isin([ARRESTS, PROSECUTED]) & rows["repeats"].isna()]
                rows = rows[rows["source_id"].isin(_sources_of(figures, finding.crimes))]
                moved = rows[rows["stated_start"] != rows["period_start"]]
                for crime in moved["crime"].unique():
                    assert labels.crime(crime).lower() in finding.text.lower()
                    assert summary.INFERENCE in finding.text


def _sources_of(figures: pd.DataFrame, crimes) -> list[str]:
    """The releases that give counts for every one of `crimes` (those a finding compares)."""
    return [
        s
        for s in figures["source_id"].unique()
        if set(crimes) <= set(figures.loc[figures["source_id"] == s, "crime"].dropna())
    ]


def test_the_real_heroes_and_martyrs_comparisons_say_the_period_is_shorter(real):
    figures, labels = real
    made = summary.for_site(figures, labels)
    compared = [f for f in made.findings if "heroes_martyrs" in f.crimes and len(f.crimes) > 1]
    assert compared
    for finding in compared:
        assert "shorter period" in finding.text and summary.INFERENCE in finding.text


def _bound_beside_exact() -> pd.DataFrame:
    """Reads of two cases: 'more than 100' beside exactly 5000, and a reach window."""
    return pd.DataFrame(
        {
            "source_id": ["r", "r", "r"],
            "figure_id": ["a", "b", "w"],
            "measure": ["reads", "reads", "reach_window"],
            "measure_label": ["reads", "reads", "time to reach"],
            "crime": ["x", "y", "x"],
            "case": ["k1", "k2", "k1"],
            "scope": ["all"] * 3,
            "value": [100, 5000, 5],
            "qualifier": ["more_than", "exact", "exact"],
            "unit": ["reads", "reads", "hours"],
            "period_start": [pd.NaT] * 3,
            "period_end": [pd.NaT] * 3,
            "repeats": [pd.NA] * 3,
            "corroborated": [True] * 3,
            "quote_start": [0, 1, 2],
        }
    )


def test_a_lower_bound_is_never_ranked_below_an_exact_count():
    rows = _bound_beside_exact()
    labels = summary.Labels({}, {"r": "R"}, {"all": "all cases"}, {"k1": "K1", "k2": "K2"})
    made = summary.for_cases(rows, "r", labels)
    assert not any("most read" in f.text for f in made.findings)
    assert any("more than 20 reads an hour" in f.text for f in made.findings)


def test_the_latest_figures_are_the_latest_of_each_crime_and_measure(real):
    figures, _ = real
    latest = summary.latest_by_crime(figures)
    counts = figures[figures["crime"].notna() & figures["case"].isna() & figures["repeats"].isna()]
    for (crime, measure), rows in counts.groupby(["crime", "measure"]):
        row = latest[(latest["crime"] == crime) & (latest["measure"] == measure)].iloc[0]
        assert row["period_end"] == rows["period_end"].max()


def test_the_check_line_counts_the_checks_table():
    frame = pd.DataFrame(
        {
            "check": ["coverage"] * 5 + ["correction", "correction", "consistency"],
            "release": ["A", "A", "B", "B", "B", "*", "A", "A"],
            "result": ["figure", "excluded", "figure", "figure", "excluded", "x", "x", "x"],
        }
    )
    line = summary.checks(frame)
    assert line.text.startswith("8 checks were run, and all passed: 5 on the numbers")
    assert "texts of 2 releases" in line.text and "(3) or set aside" in line.text
    assert "(2); 1 consistency check; 2 correction checks." in line.text


@pytest.mark.parametrize("world", ["real", "fixture_data"])
def test_a_key_figure_says_uncorroborated_exactly_when_the_data_does(world, request):
    """The dataset's flag is a numpy or nullable boolean: `is False` never matched it, and
    the one figure the English text alone states passed for a confirmed one."""
    figures, labels = request.getfixturevalue(world)
    for row in figures.itertuples():
        text = summary.key_figure(row, labels).text
        alone = pd.notna(row.corroborated) and not bool(row.corroborated)
        assert ("uncorroborated" in text) == alone, text
    if world == "real":
        assert not figures["corroborated"].astype(bool).all(), "the real data has one"


# --- the same findings in Chinese ------------------------------------------------------


def _names_zh(codes) -> summary.Labels:
    names = ("甲罪", "乙罪", "丙罪", "丁罪", "戊罪")
    return summary.Labels(
        crimes=dict(zip(codes, names, strict=False)),
        sources={"r": "某发布材料"},
        scopes={"all": "全部案件"},
        cases={"k1": "案例一", "k2": "案例二"},
        publishers={"r": "某机构，2022年1月1日"},
        measures={ARRESTS: "批准逮捕", PROSECUTED: "起诉", "reads": "阅读量"},
        units={"persons": "人", "reads": "次", "hours": "小时"},
    )


def test_another_leader_and_order_give_other_true_findings_in_chinese():
    first = {"alpha": (100, 900), "beta": (50, 60), "gamma": (5, 8)}
    second = {"alpha": (10, 12), "beta": (400, 300), "gamma": (90, 700)}
    for values in (first, second):
        labels = _names_zh(values)
        made = summary.for_release(_synthetic(values), "r", labels, "zh")
        share, ranking = made.findings[0], made.findings[1]
        prosecuted = {c: v[1] for c, v in values.items()}
        leader = max(prosecuted, key=prosecuted.get)
        assert share.text.startswith(f"{labels.crime(leader)}占3个罪名起诉人数合计")
        order = sorted(prosecuted, key=prosecuted.get, reverse=True)
        at = [ranking.text.index(labels.crime(c)) for c in order]
        assert at == sorted(at)


def test_a_chinese_comparison_over_a_shortened_period_carries_the_caveat_once():
    values = {"alpha": (100, 900), "beta": (50, 60), "newer": (5, 8)}
    figures = _synthetic(values, periods={"newer": "2021-03-01"})
    made = summary.for_release(figures, "r", _names_zh(values), "zh")
    compared = [f for f in made.findings if len(f.crimes) > 1]
    assert compared
    for finding in compared:
        assert summary.INFERENCES["zh"] in finding.text and "丙罪的数字仅涵盖" in finding.text
        assert finding.shown.endswith(f"{summary.UNEQUAL_MARKS['zh']}。")
    shown = made.markdown()
    assert shown.count(summary.INFERENCES["zh"]) == 1 < len(compared)
    assert shown.count("见下方说明") == len(compared)
    assert "**关键数字**" in shown and "**主要发现**" in shown and "期间说明：" in shown


def test_a_lower_bound_is_never_ranked_below_an_exact_count_in_chinese():
    rows = _bound_beside_exact()
    made = summary.for_cases(rows, "r", _names_zh([]), "zh")
    assert not any("阅读量最多" in f.text for f in made.findings)
    assert any(f.text == "案例一：最初5小时内，平均每小时20余次阅读。" for f in made.findings)
    exact = rows.assign(qualifier="exact")
    made = summary.for_cases(exact, "r", _names_zh([]), "zh")
    assert any(f.text == "阅读量最多的是案例二（5000次）。" for f in made.findings)


@pytest.mark.parametrize("world", ["real", "fixture_data"])
def test_a_chinese_key_figure_says_uncorroborated_exactly_when_the_data_does(world, request):
    figures, _ = request.getfixturevalue(world)
    data = DATA if world == "real" else FIXTURE / "data"
    processed = DATA / "processed" if world == "real" else None
    sources = (
        load_table("sources.csv", processed)
        if processed
        else pd.DataFrame(
            {"source_id": figures["source_id"].unique(), "title_zh": "甲", "publisher_zh": "乙",
             "date": "2022-01-01"}
        )
    )  # fmt: skip
    labels = summary.Labels.of(load_reference(data / "reference"), sources, "zh")
    for row in figures.itertuples():
        text = summary.key_figure(row, labels, "zh").text
        alone = pd.notna(row.corroborated) and not bool(row.corroborated)
        assert ("未经证实" in text) == alone, text


@pytest.mark.parametrize("world", ["real", "fixture_data"])
def test_a_summary_table_marks_every_lower_bound_as_one(world, request):
    """A reader of summary.csv must not take "more than 130,000" for 130000 exactly: a
    number named by a figure carries that figure's qualifier, so does its rate per year,
    and whole numbers are written whole."""
    figures, labels = request.getfixturevalue(world)
    qualifier = dict(zip(figures["figure_id"], figures["qualifier"], strict=True))
    marked = set()
    for made in _every_summary(figures, labels):
        table = made.table()
        assert list(table.columns) == ["item", "number", "value", "qualifier"]
        for row in table.itertuples():
            figure = row.number.removesuffix(" per year")
            if figure in qualifier:
                assert row.qualifier == qualifier[figure], (world, row)
                marked |= {figure} if row.qualifier == fmt.MORE_THAN else set()
        for line in table.to_csv(index=False, lineterminator="\n").splitlines()[1:]:
            value = line.split(",")[-2]
            assert not value.endswith(".0"), (world, line)
    shown = {f for made in _every_summary(figures, labels) for f in made.table()["number"]}
    assert marked == {f for f, q in qualifier.items() if q == fmt.MORE_THAN and f in shown}
