"""The prose: comparative words follow the values, and data text cannot inject HTML."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from nbformat.v4 import new_code_cell, new_notebook, new_output

from report_lib.render.html import render_html
from report_lib.report import narrative

LABELS = {"a": "Alpha", "b": "Beta"}


def _shares(values: dict[str, tuple[int, int]]) -> pd.DataFrame:
    rows = []
    for measure, index in (("arrests_approved", 0), ("persons_prosecuted", 1)):
        total = sum(v[index] for v in values.values())
        for crime, v in values.items():
            rows.append({"crime": crime, "measure": measure, "value": v[index], "total": total,
                         "share": v[index] / total})  # fmt: skip
    return pd.DataFrame(rows)


def _ratios(values: dict[str, tuple[int, int]]) -> pd.DataFrame:
    return pd.DataFrame([{"crime": c, "ratio": v[1] / v[0]} for c, v in values.items()])


def _shown(markdown: str) -> str:
    """The prose as a reader sees it: rendered, tags dropped (labels come escaped)."""
    return html.unescape(re.sub(r"<[^>]+>", "", markdown2html_mistune(markdown)))


def test_the_leader_and_its_share_word_follow_the_data():
    values = {"a": (10, 990), "b": (90, 10)}
    text = _shown(narrative.overview(_shares(values), _ratios(values), LABELS))
    # Alpha leads the prosecutions but has a tenth of the arrests: "of both" would be false.
    assert "Alpha accounts for almost all of the prosecutions (99.0%)" in text
    assert "a minority of the arrests (10.0%)" in text and "of both" not in text
    flipped = {"a": (10, 400), "b": (90, 600)}
    assert "Beta accounts for most of both" in _shown(
        narrative.overview(_shares(flipped), _ratios(flipped), LABELS)
    )


def test_ratio_extremes_are_computed():
    values = {"a": (100, 250), "b": (100, 120)}
    text = _shown(narrative.overview(_shares(values), _ratios(values), LABELS))
    assert "from 1.2 times as many for beta to 2.5 times as many for alpha" in text


def test_a_quote_with_a_script_tag_shows_as_text():
    quote = "<script>alert(1)</script> said 12 people"
    rows = {"quote": [quote], "quote_reading": [quote], "wording_zh": [pd.NA]}
    markdown = narrative.quotes(pd.DataFrame({**rows, "wording_zh_source": [pd.NA]}))
    cell = new_code_cell("", outputs=[new_output("display_data", data={"text/markdown": markdown})])
    html = render_html(new_notebook(cells=[cell]))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_source_sentences_are_quoted_verbatim():
    document = "First thing. Hot-spot waves come and go. Last thing."
    assert narrative.sentences_with(document, "hot").startswith("> ")
    assert "First" not in narrative.sentences_with(document, "hot")


def _counts(stated: str, effective: str) -> pd.DataFrame:
    rows = []
    for crime, start in (("a", "2019-01-01"), ("b", effective)):
        for measure, value in (("arrests_approved", 10), ("persons_prosecuted", 20)):
            rows.append({"source_id": "s", "crime": crime, "case": pd.NA, "measure": measure,
                         "value": value, "period_start": pd.Timestamp(start),
                         "period_end": pd.Timestamp("2022-02-21"),
                         "stated_start": pd.Timestamp(stated), "period_note": pd.NA})  # fmt: skip
    return pd.DataFrame(rows)


def _text(markdown: str) -> str:
    """The prose without the markup that escapes data labels."""
    return re.sub(r"<[^>]+>", "", markdown)


def test_a_period_moved_to_the_law_is_said_as_an_inference():
    text = _text(narrative.period(_counts("2019-01-01", "2021-03-01"), "s", LABELS))
    assert "Mar 2021 – 21 Feb 2022 for beta" in text and "Jan 2019 – 21 Feb 2022 for alpha" in text
    assert "exists only from 1 Mar 2021" in text
    assert "an inference from the law, not a statement of the source" in text
    assert "compare unequal periods" in text
    same = narrative.period(_counts("2019-01-01", "2019-01-01"), "s", LABELS)
    assert "inference" not in same


def _unequal_periods() -> pd.DataFrame:
    """Two crimes' counts, b's over a shorter period than a's."""
    return pd.DataFrame(
        [
            {"crime": c, "measure": m, "value": v, "share": 0.5, "per_arrest": 1.5,
             "period_start": pd.Timestamp(s), "period_end": pd.Timestamp("2022-02-21")}
            for c, s in (("a", "2019-01-01"), ("b", "2021-03-01"))
            for m, v in (("arrests_approved", 10 if c == "a" else 5),
                         ("persons_prosecuted", 20 if c == "a" else 8))
        ]
    )  # fmt: skip


def test_a_ranking_over_unequal_periods_says_so():
    table = _unequal_periods()
    text = narrative.crime_profile({"code": "b"}, table)
    assert "the fewest prosecutions" in text and "compare unequal periods" in text
    assert "unequal" not in narrative.crime_profile(
        {"code": "a"}, table.assign(period_start=pd.Timestamp("2019-01-01"))
    )


def _overview(values: dict[str, tuple[int, int]]) -> str:
    labels = {c: c.capitalize() for c in values}
    return _shown(narrative.overview(_shares(values), _ratios(values), labels))


@pytest.mark.parametrize(
    "values",
    [
        {"a": (10, 20)},
        {"a": (10, 20), "b": (10, 20)},
        {"a": (10, 5), "b": (30, 60), "c": (7, 7)},
        {f"c{i}": (10 + i, 30 - i) for i in range(5)},
        {"a": (10, 50), "b": (20, 50), "c": (40, 10)},
    ],
)
def test_the_overview_is_true_for_any_number_of_crimes_and_ties(values):
    text = _overview(values)
    ratios = [p / a for a, p in values.values()]
    if all(r > 1 for r in ratios):
        assert "For every crime more persons were prosecuted" in text
    else:
        assert "For every crime more" not in text
    prosecuted = {c: p for c, (_, p) in values.items()}
    top = [c for c, p in prosecuted.items() if p == max(prosecuted.values())]
    verb = "accounts for" if len(top) == 1 else "account for"
    assert f"{' and '.join(c.capitalize() for c in top)} {verb}" in text


def _profile(values: dict[str, tuple[int, int]], code: str) -> str:
    shares = _shares(values)
    per_arrest = {c: p / a for c, (a, p) in values.items()}
    shares["per_arrest"] = shares["crime"].map(per_arrest)
    periods = {"period_start": pd.Timestamp("2019-01-01"), "period_end": pd.Timestamp("2022-02-21")}
    return narrative.crime_profile({"code": code}, shares.assign(**periods))


@pytest.mark.parametrize(
    ("values", "code", "place"),
    [
        ({f"c{i}": (10, 50 - i) for i in range(5)}, "c2", "the third most prosecutions"),
        ({f"c{i}": (10, 50 - i) for i in range(5)}, "c4", "the fewest prosecutions"),
        ({"a": (10, 20), "b": (10, 20), "c": (10, 5)}, "a", "jointly the most prosecutions"),
        ({"a": (10, 20), "b": (10, 30)}, "a", "the fewest prosecutions"),
    ],
)
def test_a_crimes_place_is_counted_not_assumed(values, code, place):
    """Before: any place between first and last read "second most"."""
    assert place in _profile(values, code)


# --- the same prose in Chinese ---------------------------------------------------------

LABELS_ZH = {"a": "甲罪", "b": "乙罪"}


def test_a_period_moved_to_the_law_is_said_as_an_inference_in_chinese():
    text = _text(narrative.period(_counts("2019-01-01", "2021-03-01"), "s", LABELS_ZH, "zh"))
    assert "甲罪为2019年1月至2022年2月21日；乙罪为2021年3月至2022年2月21日" in text
    assert "该罪自2021年3月1日起才设立" in text
    assert "这是依据法律作出的推断，并非来源的表述。" in text
    assert "长短不一的期间" in text
    same = narrative.period(_counts("2019-01-01", "2019-01-01"), "s", LABELS_ZH, "zh")
    assert "推断" not in same


def test_a_ranking_over_unequal_periods_says_so_in_chinese():
    table = _unequal_periods()
    text = narrative.crime_profile({"code": "b"}, table, "zh")
    assert "起诉人数在所报告的罪名中最少" in text and "长短不一的期间" in text
    same = table.assign(period_start=pd.Timestamp("2019-01-01"))
    assert "长短不一" not in narrative.crime_profile({"code": "a"}, same, "zh")


@pytest.mark.parametrize(
    "values",
    [
        {"a": (10, 20)},
        {"a": (10, 20), "b": (10, 20)},
        {"a": (10, 5), "b": (30, 60), "c": (7, 7)},
        {f"c{i}": (10 + i, 30 - i) for i in range(5)},
    ],
)
def test_the_chinese_overview_is_true_for_any_number_of_crimes_and_ties(values):
    labels = {c: f"{'甲乙丙丁戊'[i]}罪" for i, c in enumerate(values)}
    text = _shown(narrative.overview(_shares(values), _ratios(values), labels, "zh"))
    ratios = [p / a for a, p in values.values()]
    assert ("每个罪名的起诉人数均多于批准逮捕人数" in text) == all(r > 1 for r in ratios)
    prosecuted = {c: p for c, (_, p) in values.items()}
    top = [labels[c] for c, p in prosecuted.items() if p == max(prosecuted.values())]
    tied = f"{'、'.join(top[:-1])}和{top[-1]}各占"
    leading = tied if len(top) > 1 else f"{top[0]}(在两项中均)?占"
    assert re.search(leading, text), text
