"""fmt: examples worked by hand, properties, and the phrase thresholds at their edges."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from report_lib.report import fmt


@pytest.mark.parametrize(
    ("value", "qualifier", "expected"),
    [
        (21923, "exact", "21,923"),
        (12, "exact", "12"),
        (130000, "more_than", "more than 130,000"),
        (470000000, "exact", "470,000,000"),
        (np.int64(12410), "exact", "12,410"),
        (-1234, "exact", "-1,234"),
    ],
)
def test_number_examples(value, qualifier, expected):
    assert fmt.number(value, qualifier) == expected


def test_number_needs_decimals_for_floats_and_a_known_qualifier():
    assert fmt.number(1234.5678, decimals=2) == "1,234.57"
    with pytest.raises(TypeError):
        fmt.number(1.5)
    with pytest.raises(TypeError):
        fmt.number(True)
    with pytest.raises(ValueError):
        fmt.number(5, "about")
    with pytest.raises(ValueError):
        fmt.number(float("nan"), decimals=1)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_number_round_trips(n):
    assert int(fmt.number(n).replace(",", "")) == n


@given(st.integers(min_value=0, max_value=10**12))
def test_lower_bound_keeps_the_digits(n):
    assert fmt.number(n, fmt.MORE_THAN) == f"more than {fmt.number(n)}"
    assert fmt.bound_label(n, fmt.MORE_THAN) == f"≥ {fmt.number(n)}"
    assert fmt.bound_label(n) == fmt.number(n)


def test_bound_label_examples():
    assert fmt.bound_label(130000, "more_than") == "≥ 130,000"
    assert fmt.bound_label(12410, "exact") == "12,410"
    assert fmt.bound_label(1.77, "exact", decimals=1) == "1.8"


def test_percent_and_ratio_examples():
    assert fmt.percent(21923 / 22151) == "99.0%"
    assert fmt.percent(0.984) == "98.4%"
    assert fmt.percent(1) == "100.0%"
    assert fmt.percent(0.5, 0) == "50%"
    assert fmt.ratio(21923 / 12410) == "1.8 times"
    assert fmt.ratio(1234.56, 0) == "1,235 times"


def test_rounding_is_half_up_on_the_printed_digits():
    # float formatting gives "1.2" and "0.1%" for these
    assert fmt.ratio(15 / 12) == "1.3 times"
    assert fmt.percent(0.00125, 2) == "0.13%"
    assert fmt.rounded(2.675, 2) == Decimal("2.68")
    assert fmt.rounded(-0.05, 1) == Decimal("-0.1")


@given(st.integers(min_value=1, max_value=10**6), st.data())
def test_percent_of_k_over_n_is_within_half_a_unit(n, data):
    k = data.draw(st.integers(min_value=0, max_value=n))
    text = fmt.percent(k / n)
    assert text.endswith("%")
    digits = text[:-1].replace(",", "")
    assert len(digits.split(".")[1]) == fmt.DECIMALS["percent"]
    assert abs(float(digits) - 100 * k / n) <= 0.05 + 1e-9


@given(st.floats(min_value=0, max_value=1e6, allow_nan=False))
def test_ratio_is_within_half_a_unit(x):
    text = fmt.ratio(x)
    assert text.endswith(" times")
    assert abs(float(text.removesuffix(" times").replace(",", "")) - x) <= 0.05 + 1e-9


def test_rate():
    assert fmt.rate(26000, "hour", "reads") == "26,000 reads per hour"
    assert fmt.rate(26000, "hour", "reads", "more_than") == "more than 26,000 reads per hour"


def test_decimals_constant():
    assert fmt.DECIMALS == {"percent": 1, "ratio": 1}
    with pytest.raises(TypeError):
        fmt.DECIMALS["percent"] = 2  # type: ignore[index]


@pytest.mark.parametrize(
    ("share", "phrase"),
    [
        (1.0, "all"),
        (0.9999, "almost all"),
        (0.95, "almost all"),
        (0.9499, "most"),
        (0.5201, "most"),
        (0.52, "about half"),
        (0.5, "about half"),
        (0.48, "about half"),
        (0.4799, "a minority"),
        (0.05, "a minority"),
        (0.0499, "very few"),
        (0.0001, "very few"),
        (0.0, "none"),
        (21923 / 22151, "almost all"),
    ],
)
def test_share_phrase_edges(share, phrase):
    assert fmt.share_phrase(share) == phrase


@pytest.mark.parametrize("share", [-0.01, 1.01, float("nan")])
def test_share_phrase_rejects_non_shares(share):
    with pytest.raises(ValueError):
        fmt.share_phrase(share)


@pytest.mark.parametrize(
    ("a", "b", "phrase"),
    [
        (105, 100, "about as many"),
        (100, 100, "about as many"),
        (95, 100, "about as many"),
        (106, 100, "1.1 times as many"),
        (213, 168, "1.3 times as many"),
        (996, 100, "10 times as many"),  # 9.96 rounds to 10.0: whole from here
        (994, 100, "9.9 times as many"),
        (12410, 12, "1,034 times as many"),
        (12000, 12, "1,000 times as many"),
        (94, 100, "more than half as many"),
        (52, 100, "about half as many"),
        (48, 100, "about half as many"),
        (47, 100, "fewer than half as many"),
        (12, 12410, "fewer than half as many"),
    ],
)
def test_times_phrase_edges(a, b, phrase):
    assert fmt.times_phrase(a, b) == phrase


def test_times_phrase_needs_positive_numbers():
    with pytest.raises(ValueError):
        fmt.times_phrase(0, 5)
    with pytest.raises(ValueError):
        fmt.times_phrase(5, 0)


def test_superlative():
    assert fmt.superlative({"a": 168, "b": 12410, "c": 12}) == "b"
    with pytest.raises(ValueError, match="tie"):
        fmt.superlative({"a": 5, "b": 5, "c": 1})
    with pytest.raises(ValueError):
        fmt.superlative({})
    with pytest.raises(ValueError):
        fmt.superlative({"a": 1.0, "b": float("nan")})


def test_leaders_keeps_every_tied_key_in_order():
    assert fmt.leaders({"a": 5, "b": 7, "c": 7}) == ["b", "c"]
    assert fmt.leaders({"a": 1}) == ["a"]
    with pytest.raises(ValueError):
        fmt.leaders({})


@pytest.mark.parametrize(
    ("n", "word"), [(1, "first"), (2, "second"), (3, "third"), (9, "ninth"), (10, "10th"),
                    (11, "11th"), (12, "12th"), (13, "13th"), (21, "21st"), (22, "22nd"),
                    (23, "23rd"), (101, "101st"), (111, "111th")]
)  # fmt: skip
def test_ordinal(n, word):
    assert fmt.ordinal(n) == word


@given(st.lists(st.integers(0, 5), min_size=1, max_size=7), st.data())
def test_rank_phrase_is_true_for_any_number_of_values_and_ties(values, data):
    """The words follow from counting the values above and below, whatever their number."""
    mapping = {f"k{i}": v for i, v in enumerate(values)}
    key = data.draw(st.sampled_from(sorted(mapping)))
    phrase = fmt.rank_phrase(mapping, key)
    mine = mapping[key]
    above = sum(v > mine for v in values)
    below = sum(v < mine for v in values)
    tied = values.count(mine) > 1
    if len(values) == 1:
        assert phrase == "the only"
    elif above == below == 0:
        assert phrase == "as many as every other"
    else:
        assert phrase.startswith("jointly ") == tied
        if above == 0:
            assert phrase.endswith("the most")
        elif below == 0:
            assert phrase.endswith("the fewest")
        else:
            assert phrase.endswith(f"the {fmt.ordinal(above + 1)} most")


@pytest.mark.parametrize(
    ("values", "key", "phrase"),
    [
        ({"a": 3, "b": 2, "c": 1}, "b", "the second most"),
        ({"a": 5, "b": 4, "c": 3, "d": 2, "e": 1}, "c", "the third most"),
        ({"a": 5, "b": 4, "c": 3, "d": 2, "e": 1}, "d", "the fourth most"),
        ({"a": 5, "b": 5, "c": 1}, "a", "jointly the most"),
        ({"a": 5, "b": 1, "c": 1}, "c", "jointly the fewest"),
        ({"a": 2, "b": 1}, "b", "the fewest"),
    ],
)
def test_rank_phrase_examples(values, key, phrase):
    assert fmt.rank_phrase(values, key) == phrase


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2019-01-01", "2022-02-21", "Jan 2019 – 21 Feb 2022"),
        ("2020-01-01", "2020-12-31", "2020"),
        ("2019-01-01", "2021-12-31", "2019–2021"),
        ("2019-01-01", "2022-10-31", "Jan 2019 – Oct 2022"),
        ("2023-01-01", "2023-11-30", "Jan–Nov 2023"),
        ("2024-02-01", "2024-02-29", "Feb 2024"),
        ("2019-03-05", "2019-04-30", "5 Mar 2019 – 30 Apr 2019"),
    ],
)
def test_period(start, end, expected):
    assert fmt.period(pd.Timestamp(start), pd.Timestamp(end)) == expected


def test_day():
    assert fmt.day(pd.Timestamp("2022-02-21")) == "21 Feb 2022"
    assert fmt.day(pd.Timestamp("2019-01-01")) == "1 Jan 2019"


def test_period_without_an_end_and_backwards():
    assert fmt.period(pd.Timestamp("2019-01-01"), pd.NaT) == "from Jan 2019"
    with pytest.raises(ValueError):
        fmt.period(pd.Timestamp("2022-01-01"), pd.Timestamp("2021-01-01"))


def rendered(markdown: str) -> str:
    """What nbconvert's HTML exporter makes of a Markdown cell."""
    return markdown2html_mistune(markdown)


def test_md_escape_script_shows_literally():
    html = rendered(fmt.md_escape("<script>alert(1)</script>"))
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("*not emphasis* and _not_ either", "*not emphasis* and _not_ either"),
        ("# not a heading", "# not a heading"),
        ("1. not a list", "1. not a list"),
        ("[not](a link)", "[not](a link)"),
        ("`not code`", "`not code`"),
        ("costs $5 and $6", "costs $5 and $6"),
        ("a | b", "a | b"),
        ("A &amp; B", "A &amp;amp; B"),
        ("人格权“引号”", "人格权“引号”"),
    ],
)
def test_md_escape_neutralises_markdown(text, shown):
    html = rendered(fmt.md_escape(text))
    assert f'<span class="tex2jax_ignore">{shown}</span>' in html
    for tag in ("<em>", "<h1>", "<ol>", "<a ", "<code>"):
        assert tag not in html


def test_md_escape_keeps_a_quote_on_one_line():
    html = rendered("> " + fmt.md_escape("first line\n\n- second\n    third"))
    assert "<ul>" not in html and "<pre>" not in html
    assert "first line - second third" in html


# --- the phrase helpers in Chinese: the same bands and tie rules as the English ------

ZH_SHARES = {"all": "全部", "almost all": "几乎全部", "most": "大部分", "about half": "约一半",
             "a minority": "少部分", "very few": "极少数", "none": "没有"}  # fmt: skip


@given(st.floats(0, 1))
def test_share_phrase_in_chinese_keeps_the_english_bands(share):
    assert fmt.share_phrase(share, lang="zh") == ZH_SHARES[fmt.share_phrase(share)]


ZH_SHARE_EDGES = [(1.0, "全部"), (0.95, "几乎全部"), (0.9499, "大部分"), (0.52, "约一半"),
                  (0.48, "约一半"), (0.4799, "少部分"), (0.0499, "极少数"),
                  (0.0, "没有")]  # fmt: skip


@pytest.mark.parametrize(("share", "phrase"), ZH_SHARE_EDGES)
def test_share_phrase_edges_in_chinese(share, phrase):
    assert fmt.share_phrase(share, lang="zh") == phrase


@pytest.mark.parametrize(
    ("a", "b", "phrase"),
    [
        (105, 100, "与后者大致相当"),
        (95, 100, "与后者大致相当"),
        (106, 100, "是后者的1.1倍"),
        (213, 168, "是后者的1.3倍"),
        (996, 100, "是后者的10倍"),
        (994, 100, "是后者的9.9倍"),
        (12410, 12, "是后者的1034倍"),
        (94, 100, "超过后者的一半"),
        (52, 100, "约为后者的一半"),
        (48, 100, "约为后者的一半"),
        (47, 100, "不到后者的一半"),
    ],
)
def test_times_phrase_edges_in_chinese(a, b, phrase):
    assert fmt.times_phrase(a, b, lang="zh") == phrase


@given(st.integers(1, 10**6), st.integers(1, 10**6))
def test_times_phrase_in_chinese_is_in_the_english_band(a, b):
    english, chinese = fmt.times_phrase(a, b), fmt.times_phrase(a, b, lang="zh")
    if english.endswith("times as many"):
        multiple = english.removesuffix(" times as many").replace(",", "")
        assert chinese == f"是后者的{multiple}倍"
    else:
        assert "后者" in chinese and "倍" not in chinese


@pytest.mark.parametrize(
    ("n", "word"), [(1, "第一"), (3, "第三"), (9, "第九"), (10, "第10"), (21, "第21")]
)
def test_ordinal_in_chinese(n, word):
    assert fmt.ordinal(n, lang="zh") == word


@given(st.lists(st.integers(0, 5), min_size=1, max_size=7), st.data())
def test_rank_phrase_in_chinese_is_true_for_any_number_of_values_and_ties(values, data):
    mapping = {f"k{i}": v for i, v in enumerate(values)}
    key = data.draw(st.sampled_from(sorted(mapping)))
    phrase = fmt.rank_phrase(mapping, key, lang="zh")
    mine = mapping[key]
    above = sum(v > mine for v in values)
    below = sum(v < mine for v in values)
    if len(values) == 1:
        assert phrase == "唯一"
    elif above == below == 0:
        assert phrase == "与其他各项相同"
    else:
        assert phrase.startswith("并列") == (values.count(mine) > 1)
        if above == 0:
            assert phrase.endswith("最多")
        elif below == 0:
            assert phrase.endswith("最少")
        else:
            assert phrase.endswith(f"{fmt.ordinal(above + 1, lang='zh')}多")


@pytest.mark.parametrize(
    ("values", "key", "phrase"),
    [
        ({"a": 3, "b": 2, "c": 1}, "b", "第二多"),
        ({"a": 5, "b": 4, "c": 3, "d": 2, "e": 1}, "c", "第三多"),
        ({"a": 5, "b": 5, "c": 1}, "a", "并列最多"),
        ({"a": 5, "b": 1, "c": 1}, "c", "并列最少"),
        ({"a": 5, "b": 5, "c": 5, "d": 1}, "a", "并列最多"),
        ({"a": 2, "b": 1}, "b", "最少"),
        ({"a": 2}, "a", "唯一"),
        ({"a": 2, "b": 2}, "a", "与其他各项相同"),
    ],
)
def test_rank_phrase_examples_in_chinese(values, key, phrase):
    assert fmt.rank_phrase(values, key, lang="zh") == phrase


def test_rate_in_chinese():
    assert fmt.rate(26000, "小时", "次", lang="zh") == "每小时2.6万次"
    assert fmt.rate(26000, "小时", "次", "more_than", lang="zh") == "每小时超过2.6万次"
    assert fmt.rate(26, "小时", "次", "more_than", lang="zh") == "每小时26余次"


def test_the_phrase_helpers_refuse_an_unknown_language():
    with pytest.raises(ValueError):
        fmt.share_phrase(0.5, lang="fr")
    with pytest.raises(ValueError):
        fmt.rank_phrase({"a": 1, "b": 2}, "a", lang="fr")
