"""The number parser, on every form the sources print and on generated ones."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from report_lib.data.numbers import NumberFormatError, Qualifier, number_spans, parse_quantity

EXACT, MORE = Qualifier.EXACT, Qualifier.MORE_THAN


@pytest.mark.parametrize(
    ("text", "value", "qualifier", "unit"),
    [
        ("213", 213, EXACT, ""),
        ("12,410", 12410, EXACT, ""),
        ("21,923", 21923, EXACT, ""),
        ("more than 130,000", 130000, MORE, ""),
        ("five hours", 5, EXACT, "hours"),
        ("470 million", 470_000_000, EXACT, ""),
        ("4.7 million", 4_700_000, EXACT, ""),
        ("58,000", 58000, EXACT, ""),
        ("more than 30", 30, MORE, ""),
        ("Over 30", 30, MORE, ""),
        ("14 days", 14, EXACT, "days"),
        ("13万余次", 130000, MORE, "次"),
        ("4.7亿", 470_000_000, EXACT, ""),
        ("1.3万余人", 13000, MORE, "人"),
        ("6000余人", 6000, MORE, "人"),
        ("2.8万余人", 28000, MORE, "人"),
        ("39人", 39, EXACT, "人"),
        ("3万多", 30000, MORE, ""),
        ("twenty-one", 21, EXACT, ""),
        ("one hundred and five thousand", 105000, EXACT, ""),
        ("十四", 14, EXACT, ""),
        ("三千五百", 3500, EXACT, ""),
        ("一万二千", 12000, EXACT, ""),
        ("两亿", 200_000_000, EXACT, ""),
        ("五小时", 5, EXACT, "小时"),
        ("一千零五", 1005, EXACT, ""),
        ("三千五", 3500, EXACT, ""),
        ("一万二", 12000, EXACT, ""),
        ("十余万人", 100000, MORE, "人"),
        ("１２，４１０", 12410, EXACT, ""),
        ("-5", -5, EXACT, ""),
        ("4.75", 4.75, EXACT, ""),
    ],
)
def test_forms_printed_in_sources(text, value, qualifier, unit):
    quantity = parse_quantity(text)
    assert (quantity.value, quantity.qualifier, quantity.unit_text) == (value, qualifier, unit)
    assert type(quantity.value) is type(value)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "twelve-ish",
        "12abc",
        "1,2345",
        "12,41",
        "4.75万5",
        "one one",
        "thousand",
        "二〇二一",
        "13余万余",
        "五百三千",
    ],
)
def test_what_is_not_a_number(text):
    with pytest.raises(NumberFormatError, match="is not a number"):
        parse_quantity(text)


_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _spell_below_1000(n: int) -> str:
    words = []
    if n >= 100:
        words += [_ONES[n // 100], "hundred"]
        n %= 100
        if n:
            words.append("and")
    if n >= 20:
        words.append(_TENS[n // 10] + (f"-{_ONES[n % 10]}" if n % 10 else ""))
    elif n or not words:
        words.append(_ONES[n])
    return " ".join(words)


def _spell(n: int) -> str:
    """An independent speller, the way an English text writes numbers."""
    if n < 1000:
        return _spell_below_1000(n)
    parts = []
    for scale, name in ((10**9, "billion"), (10**6, "million"), (10**3, "thousand")):
        if n >= scale:
            parts.append(f"{_spell_below_1000(n // scale)} {name}")
            n %= scale
    if n:
        parts.append(_spell_below_1000(n))
    return " ".join(parts)


counts = st.integers(min_value=0, max_value=999_999_999)


@given(counts)
def test_thousands_separators_round_trip(n):
    assert parse_quantity(f"{n:,}").value == n


@given(counts)
def test_english_words_round_trip(n):
    assert parse_quantity(_spell(n)).value == n


@given(st.integers(min_value=1, max_value=99_999), st.sampled_from([("万", 10**4), ("亿", 10**8)]))
def test_chinese_scales_round_trip(n, scale):
    char, factor = scale
    assert parse_quantity(f"{n}{char}").value == n * factor
    tenth = Decimal(n) / 10
    assert parse_quantity(f"{tenth}{char}").value == int(tenth * factor)


@given(counts, st.sampled_from(["more than {}", "over {}", "{}余", "{}余人"]))
def test_lower_bounds_keep_their_value(n, pattern):
    quantity = parse_quantity(pattern.format(f"{n:,}" if "余" not in pattern else n))
    assert (quantity.value, quantity.qualifier) == (n, MORE)


@given(st.text(max_size=30))
def test_arbitrary_text_fails_only_with_a_number_error(text):
    with contextlib.suppress(NumberFormatError):
        parse_quantity(text)


_prose = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", max_size=20).map(lambda s: f" {s} ")


@given(_prose, counts, _prose, st.sampled_from(["{:,}", "words", "{}万", "{}余人"]))
def test_every_written_number_gets_a_span(before, n, after, form):
    number = _spell(n) if form == "words" else form.format(n)
    document = before + number + after
    start = len(before)
    spans = number_spans(document)
    assert any(s <= start < e for s, e in spans), (document, spans)


def test_words_that_contain_number_words_are_not_numbers():
    assert number_spans("someone alone often tension anyone") == []


def test_spans_of_the_source_dateline():
    text = "China News Service, February 21. On the one hand, 12,410 suspects; 1.3万余人"
    assert [text[s:e] for s, e in number_spans(text)] == ["21", "one", "12,410", "1.3万"]


_WORDY = st.lists(
    st.sampled_from(
        [*"abcdefghinorstuvwxyTHOSEFN _-,.0123456789万亿十三余İ中", "one", "Twenty", "eighteen"]
    ),
    max_size=40,
).map("".join)


@given(_WORDY)
def test_number_spans_agree_with_the_single_regular_expression(document):
    from report_lib.data.numbers import _SPAN

    assert number_spans(document) == [(m.start(), m.end()) for m in _SPAN.finditer(document)]
