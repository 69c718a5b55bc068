"""The summary and the narrative in Chinese: every number they print, read back with the
project's own number parser (万, 亿, 余, 超过), is a value of the dataset or one the
function computed and reports; no Latin word outside text marked English and the
allow-list; the Chinese of two notebooks run with lang="zh". On the real data, the
synthetic three-release fixture and small synthetic frames (1, 2, 5 crimes, ties)."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path

import pandas as pd
import papermill
import pytest
from conftest import DATA, FIXTURE, ROOT

from report_lib import language
from report_lib.data.dataset import load_figures, load_table
from report_lib.data.numbers import Qualifier, parse_quantity
from report_lib.data.reference import load_reference
from report_lib.report import charts, fmt, narrative, summary

ZH = "zh"
ARRESTS, PROSECUTED = summary.ARRESTS, summary.PROSECUTED
# A number as Chinese prose prints it: a lower bound "超过4.7亿" or "6000余", a share
# "98.6%", a multiple "1.8倍". Dates are read separately (their years must be the data's).
NUMBER = re.compile(r"(?P<over>超过)?(?P<num>\d+(?:\.\d+)?(?:万|亿)?余?)")
DATE = re.compile(r"(?P<year>\d{4})年(?:\d{1,2}月(?:\d{1,2}日)?)?(?:至\d{1,2}月(?:\d{1,2}日)?)?")
ENGLISH = re.compile(r'<span lang="en"><span class="tex2jax_ignore">.*?</span></span>', re.DOTALL)
TAG = re.compile(r"<[^>]+>")
LATIN = re.compile(r"[A-Za-z]+")


# --- reading Chinese prose back ------------------------------------------------------


def _plain(text: str) -> str:
    """The prose a reader sees, less text marked English (its numbers are the source's
    English words) and Markdown escapes."""
    return TAG.sub("", ENGLISH.sub("", text)).replace("\\", "")


def read_back(text: str, names: Iterable[str] = (), years: Iterable[int] = ()) -> list:
    """Every number of Chinese prose as (value, qualifier), read with parse_quantity;
    the names of data (releases, cases: they hold numbers of their own) taken out
    first, and each date's year checked against `years`."""
    text = _plain(text)
    for name in sorted(set(names), key=len, reverse=True):
        text = text.replace(name, "")
    allowed_years = {str(y) for y in years}
    for match in DATE.finditer(text):
        assert match["year"] in allowed_years, (match[0], text)
    text = DATE.sub("", text)
    found = []
    for match in NUMBER.finditer(text):
        quantity = parse_quantity(match["num"])
        qualifier = Qualifier.MORE_THAN if match["over"] else quantity.qualifier
        found.append((Decimal(str(quantity.value)), qualifier))
    return found


def shown_forms(values: Iterable[float]) -> set[Decimal]:
    """Each value as fmt can print it: whole, to one decimal, as a percentage."""
    forms = set()
    for value in values:
        if pd.isna(value):
            continue
        value = float(value)
        for form in (
            fmt.rounded(value, 0),
            fmt.rounded(value, 1),
            fmt.rounded(value * 100, 1),
            Decimal(int(value)),
            Decimal(int(value * 10)) / 10,  # a lower bound's rate, rounded down
        ):
            forms.add(form.normalize())
    return forms


def assert_numbers_are(text: str, values: Iterable[float], names=(), years=()) -> None:
    allowed = shown_forms(values)
    for value, _ in read_back(text, names, years):
        assert value.normalize() in allowed, (value, text)


def assert_no_latin(text: str) -> None:
    words = set(LATIN.findall(_plain(text)))
    assert words <= set(language.ALLOWED_LATIN), (words - set(language.ALLOWED_LATIN), text)


def test_the_read_back_reads_chinese_numbers():
    text = "阅读量4.7亿次，13万余次，超过1.3万人，6000余人，12410人，98.6%，1.8倍"
    assert read_back(text) == [
        (Decimal(470000000), Qualifier.EXACT),
        (Decimal(130000), Qualifier.MORE_THAN),
        (Decimal(13000), Qualifier.MORE_THAN),
        (Decimal(6000), Qualifier.MORE_THAN),
        (Decimal(12410), Qualifier.EXACT),
        (Decimal("98.6"), Qualifier.EXACT),
        (Decimal("1.8"), Qualifier.EXACT),
    ]


def test_the_read_back_check_can_fail():
    with pytest.raises(AssertionError):
        assert_numbers_are("占合计22151人的97.0%", [22151, 0.96])
    with pytest.raises(AssertionError):
        read_back("2018年1月至2019年2月", years=[2019])
    with pytest.raises(AssertionError):
        assert_no_latin("共51项检查 (checks)")
    assert_no_latin('原文：<span lang="en"><span class="tex2jax_ignore">said</span></span>；CSV')


# --- the data --------------------------------------------------------------------------


def _labels(processed: Path, reference: Path, lang: str = ZH) -> summary.Labels:
    return summary.Labels.of(load_reference(reference), load_table("sources.csv", processed), lang)


@pytest.fixture(scope="module")
def real() -> tuple[pd.DataFrame, summary.Labels]:
    processed = DATA / "processed"
    return load_figures(processed), _labels(processed, DATA / "reference")


@pytest.fixture(scope="module")
def fixture_data(fixture_processed) -> tuple[pd.DataFrame, summary.Labels]:
    """The synthetic multi-release fixture run through the data step."""
    reference = FIXTURE / "data" / "reference"
    return load_figures(fixture_processed), _labels(fixture_processed, reference)


WORLDS = ["real", "fixture_data"]


def _names(labels: summary.Labels) -> list[str]:
    return [*labels.sources.values(), *labels.publishers.values(), *labels.cases.values()]


def _years(figures: pd.DataFrame) -> set[int]:
    columns = ("period_start", "period_end", "stated_start", "stated_end")
    return {d.year for c in columns if c in figures for d in figures[c].dropna()}


def _every_summary(figures: pd.DataFrame, labels: summary.Labels) -> list[summary.Summary]:
    made = [summary.for_site(figures, labels, ZH), summary.for_dataset(figures, labels, lang=ZH)]
    for source in sorted(figures["source_id"].unique()):
        made.append(summary.for_release(figures, source, labels, ZH))
        made.append(summary.for_cases(figures, source, labels, ZH))
        made.append(summary.for_comparison(figures, source, labels, ZH))
    for crime in sorted(figures["crime"].dropna().unique()):
        made.append(summary.for_crime(figures, crime, labels, ZH))
        made.append(summary.for_trend(figures, crime, labels, ZH))
    return made


# --- the summary ----------------------------------------------------------------------


@pytest.mark.parametrize("world", WORLDS)
def test_every_number_of_a_chinese_finding_is_one_it_keeps(world, request):
    figures, labels = request.getfixturevalue(world)
    made = _every_summary(figures, labels)
    assert any(s.findings for s in made)
    for each in made:
        for item in each.key_figures + each.findings:
            assert item.lang == ZH
            assert_numbers_are(item.text, item.numbers.values(), _names(labels), _years(figures))
            assert_no_latin(item.text)
        assert_no_latin(each.markdown())


@pytest.mark.parametrize("world", WORLDS)
def test_a_chinese_key_figure_reads_back_as_its_figure(world, request):
    """The value and the lower bound: "13万余次" is 130000, more than."""
    figures, labels = request.getfixturevalue(world)
    for row in figures.itertuples():
        text = summary.key_figure(row, labels, ZH).text
        (value, qualifier), *dates = read_back(text, _names(labels), _years(figures))
        assert value == Decimal(int(row.value)) and qualifier == row.qualifier, text
        assert not dates, text


@pytest.mark.parametrize("world", WORLDS)
def test_the_chinese_checks_line_counts_its_table(world, request, tmp_path):
    figures, labels = request.getfixturevalue(world)
    frame = pd.DataFrame(
        {
            "check": ["coverage"] * 5 + ["correction", "correction", "consistency"],
            "release": ["A", "A", "B", "B", "B", "*", "A", "A"],
            "result": ["figure", "excluded", "figure", "figure", "excluded", "x", "x", "x"],
        }
    )
    line = summary.checks(frame, ZH)
    assert line.text.startswith("共进行8项检查，全部通过：其中5项针对2份发布材料")
    assert "（3个）" in line.text and "（2个）" in line.text
    assert "；1项一致性检查；2项更正检查。" in line.text
    assert_numbers_are(line.text, line.numbers.values())
    assert_no_latin(line.text)
    made = summary.for_dataset(figures, labels, frame, ZH)
    assert made.findings[-1].text == line.text


def test_the_chinese_checks_line_of_the_real_checks_table():
    """Every kind of check the data step runs has its Chinese name in the catalog."""
    frame = load_table("checks.csv", DATA / "processed").rename(columns={"source_id": "release"})
    line = summary.checks(frame, ZH)
    assert_numbers_are(line.text, line.numbers.values())
    assert_no_latin(line.text)


def _synthetic(values: Mapping[str, tuple[int, int]], periods: Mapping[str, str] | None = None):
    """A release 'r' with arrests and prosecutions per crime (as test_summary's)."""
    rows = []
    for crime, (arrests, prosecuted) in values.items():
        start = pd.Timestamp((periods or {}).get(crime, "2019-01-01"))
        for measure, value in ((ARRESTS, arrests), (PROSECUTED, prosecuted)):
            rows.append(
                {"source_id": "r", "figure_id": f"{measure}-{crime}", "measure": measure,
                 "measure_label": measure.replace("_", " "), "crime": crime, "case": pd.NA,
                 "scope": "all", "value": value, "qualifier": "exact", "unit": "persons",
                 "period_start": start, "period_end": pd.Timestamp("2022-02-21"),
                 "stated_start": pd.Timestamp("2019-01-01"), "repeats": pd.NA,
                 "corroborated": True, "quote_start": len(rows)}
            )  # fmt: skip
    return pd.DataFrame(rows)


NAMES_ZH = ("甲罪", "乙罪", "丙罪", "丁罪", "戊罪")


def _zh_labels(codes: Iterable[str]) -> summary.Labels:
    return summary.Labels(
        crimes=dict(zip(codes, NAMES_ZH, strict=False)),
        sources={"r": "某发布材料"},
        scopes={"all": "全部案件"},
        cases={},
        publishers={"r": "某机构，2022年1月1日"},
        measures={ARRESTS: "批准逮捕", PROSECUTED: "起诉"},
        units={"persons": "人"},
    )


SMALL = [
    {"a": (10, 20)},
    {"a": (10, 20), "b": (10, 20)},
    {"a": (100, 900), "b": (50, 60)},
    {"a": (10, 5), "b": (30, 60), "c": (7, 7)},
    {f"c{i}": (10 + i, 30 - i) for i in range(5)},
    {f"c{i}": (10, 20) for i in range(5)},
    {"a": (12410, 21923), "b": (168, 213), "c": (12, 15)},
]


@pytest.mark.parametrize("values", SMALL)
def test_chinese_findings_on_small_frames_state_only_their_numbers(values):
    figures = _synthetic(values, periods={next(iter(values)): "2021-03-01"})
    labels = _zh_labels(values)
    made = [summary.for_release(figures, "r", labels, ZH)]
    made += [summary.for_comparison(figures, "r", labels, ZH)]
    made += [summary.for_crime(figures, c, labels, ZH) for c in values]
    for each in made:
        for item in each.key_figures + each.findings:
            assert_numbers_are(item.text, item.numbers.values(), _names(labels), {2019, 2021, 2022})
            assert_no_latin(item.text)
        assert_no_latin(each.markdown())


@pytest.mark.parametrize("n", [1, 2, 5])
def test_chinese_findings_hold_for_any_number_of_crimes_and_ties(n):
    codes = [f"c{i}" for i in range(n)]
    figures, labels = _synthetic(dict.fromkeys(codes, (10, 20))), _zh_labels(codes)
    for finding in summary.for_release(figures, "r", labels, ZH).findings:
        assert "最多" not in finding.text and "最少" not in finding.text
    if n > 1:
        assert "并列" in summary.ranking(figures, "r", PROSECUTED, labels, ZH).text
        assert "各占" in summary.share(figures, "r", PROSECUTED, labels, ZH).text
        assert summary.multiple(figures, "r", ARRESTS, labels, ZH) is None
        assert "均为批准逮捕人数的2.0倍" in summary.per_arrest(figures, "r", labels, ZH).text
    else:
        assert summary.share(figures, "r", PROSECUTED, labels, ZH) is None


# --- the narrative ---------------------------------------------------------------------


def _shares(values: Mapping[str, tuple[int, int]]) -> pd.DataFrame:
    rows = []
    for measure, index in ((ARRESTS, 0), (PROSECUTED, 1)):
        total = sum(v[index] for v in values.values())
        for crime, v in values.items():
            rows.append({"crime": crime, "measure": measure, "value": v[index], "total": total,
                         "share": v[index] / total, "per_arrest": v[1] / v[0],
                         "period_start": pd.Timestamp("2019-01-01"),
                         "period_end": pd.Timestamp("2022-02-21")})  # fmt: skip
    return pd.DataFrame(rows)


def _ratios(values: Mapping[str, tuple[int, int]]) -> pd.DataFrame:
    return pd.DataFrame([{"crime": c, "ratio": v[1] / v[0]} for c, v in values.items()])


def _table_values(*tables: pd.DataFrame) -> list[float]:
    return [v for t in tables for v in t.select_dtypes("number").to_numpy().ravel().tolist()]


@pytest.mark.parametrize("values", [v for v in SMALL if len(v) > 1])
def test_the_chinese_overview_and_profiles_state_only_their_tables_numbers(values):
    shares, ratios = _shares(values), _ratios(values)
    labels = dict(zip(values, NAMES_ZH, strict=False))
    text = narrative.overview(shares, ratios, labels, ZH)
    assert_numbers_are(text, _table_values(shares, ratios))
    assert_no_latin(text)
    for code in values:
        profile = narrative.crime_profile({"code": code}, shares, ZH)
        assert_numbers_are(profile, _table_values(shares), years={2019, 2022})
        assert_no_latin(profile)


@pytest.mark.parametrize(
    ("values", "code", "place"),
    [
        ({f"c{i}": (10, 50 - i) for i in range(5)}, "c2", "起诉人数在所报告的罪名中第三多"),
        ({f"c{i}": (10, 50 - i) for i in range(5)}, "c4", "起诉人数在所报告的罪名中最少"),
        ({"a": (10, 20), "b": (10, 20), "c": (10, 5)}, "a", "起诉人数在所报告的罪名中并列最多"),
    ],
)
def test_a_crimes_place_in_chinese_is_counted(values, code, place):
    assert place in narrative.crime_profile({"code": code}, _shares(values), ZH)


def _overview(values: Mapping[str, tuple[int, int]]) -> str:
    labels = dict(zip(values, NAMES_ZH, strict=False))
    return _plain(narrative.overview(_shares(values), _ratios(values), labels, ZH))


def test_the_chinese_leader_and_its_share_word_follow_the_data():
    values = {"a": (10, 990), "b": (90, 10)}
    text = _overview(values)
    assert "甲罪占起诉人数的几乎全部（99.0%），占批准逮捕人数的少部分（10.0%）" in text
    assert "两项中均" not in text and "每个罪名" not in text
    flipped = {"a": (10, 400), "b": (90, 600)}
    text = _overview(flipped)
    assert "乙罪在两项中均占大部分" in text
    assert "前者为后者的6.7倍（乙罪）至40.0倍（甲罪）" in text


@pytest.mark.parametrize("world", WORLDS)
def test_the_chinese_narrative_of_the_data_states_only_its_numbers(world, request):
    figures, labels = request.getfixturevalue(world)
    names, years = _names(labels), _years(figures)
    texts = []
    for source in sorted(figures["source_id"].unique()):
        rows = figures[figures["source_id"] == source]
        counted = rows[rows["period_start"].notna() & rows["case"].isna()]
        counted = counted[counted["crime"].notna()]
        if not counted.empty:
            named = {"scope_labels": labels.scopes, "source_labels": labels.sources}
            chart = charts.spans(figures, labels.crimes, source=source, **named)
            text = narrative.over_time(chart.table, labels.sources, labels.scopes, ZH, labels)
            assert_numbers_are(text, _table_values(chart.table), names, years)
            texts.append(text)
        if rows["measure"].isin([ARRESTS, PROSECUTED]).any() and not counted.empty:
            text = narrative.period(figures, source, labels.crimes, ZH)
            assert_numbers_are(text, [], names, years)
            texts.append(text)
        if (rows["measure"] == "reads").any():
            chart = charts.online_spread(figures, labels.cases, source, labels.sources)
            text = narrative.online_spread(chart.table, labels.cases, ZH)
            assert_numbers_are(text, _table_values(chart.table), names)
            texts.append(text)
        text = narrative.quotes(rows, ZH)
        texts.append(text)
    appendix = narrative.figures_by_source(figures, labels, ZH)
    offsets = _table_values(figures[["value", "quote_start", "quote_end"]])
    unquoted = re.sub("“[^”]*”", "", _plain(appendix))  # the source's words, as printed
    assert "“" in _plain(appendix) and "第" in unquoted
    assert_numbers_are(unquoted, offsets, names, years)
    for text in [*texts, appendix]:
        assert_no_latin(text)


def test_the_chinese_legal_basis_cites_the_article_and_marks_english():
    reference = load_reference(DATA / "reference")
    for code, crime in reference.crimes.rows.items():
        text = narrative.legal_basis({**crime, "code": code}, ZH)
        assert text.startswith("**法律依据。**《中华人民共和国刑法》第")
        assert fmt.day(pd.Timestamp(crime["in_force"]), ZH) in text
        assert_no_latin(text)
        heading = narrative.heading(crime, ZH)
        assert "刑法第" in heading and "Criminal Law" not in heading
    assert narrative.article("Art. 253-1", ZH) == "第253条之一"
    assert narrative.article("Art. 246", ZH) == "第246条"


def test_a_hostile_quote_stays_text_in_chinese():
    quote = "<script>alert(1)</script> said 12 people"
    rows = pd.DataFrame(
        {"quote": [quote], "quote_reading": [quote], "wording_zh": ["起诉 … 12人"],
         "wording_zh_source": ["<b>x</b>"]}
    )  # fmt: skip
    text = narrative.quotes(rows, ZH)
    assert "<script>" not in text and "<b>" not in text
    assert text.index("中文报道原文") < text.index("（英文报道原文）")


# --- the notebooks in Chinese --------------------------------------------------------


def _markdown_outputs(path: Path) -> list[str]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [
        "".join(output["data"]["text/markdown"])
        for cell in notebook["cells"]
        for output in cell.get("outputs", [])
        if "text/markdown" in output.get("data", {})
    ]


@pytest.mark.parametrize(
    ("name", "parameters"),
    [
        ("overview", {"source": "spp-2022-02-21"}),
        ("crime_profile", {"crime": "heroes_martyrs"}),
    ],
)
def test_a_notebook_run_in_chinese_prints_its_summary_and_narrative_in_chinese(
    name, parameters, tmp_path
):
    folder = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", folder)
    output = tmp_path / f"{name}.zh.ipynb"
    papermill.execute_notebook(
        str(folder / f"{name}.ipynb"),
        str(output),
        parameters={
            **parameters,
            "lang": ZH,
            "processed_dir": str(DATA / "processed"),
            "reference_dir": str(DATA / "reference"),
            "tables_dir": str(tmp_path / "tables"),
        },
        kernel_name="report-lib",
        cwd=str(folder),
        progress_bar=False,
    )
    shown = _markdown_outputs(output)
    assert shown[0].startswith("**关键数字**") and "**主要发现**" in shown[0]
    for text in shown:
        assert_no_latin(text)
        assert re.search("[\u4e00-\u9fff]", text), text
    figures = load_figures(DATA / "processed")
    table = pd.read_csv(tmp_path / "tables" / "summary.csv")
    labels = _labels(DATA / "processed", DATA / "reference")
    assert_numbers_are(shown[0], table["value"], _names(labels), _years(figures))
