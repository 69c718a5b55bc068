"""The one place numbers and dates become text, so prose, tables and charts always agree,
in every report language.

The narrative check compares numbers in prose with the plotted tables rounded by
`DECIMALS`; every function here rounds with those same settings. Babel formats in the
language's locale; Chinese follows the convention of the Chinese sources (docs/style.md):
plain integers (12410), 万 and 亿 for large round figures (13万, 4.7亿), a lower bound as
"6000余" or, after a decimal 万/亿, "超过4.7亿"; dates as 2022年2月21日.
"""

from __future__ import annotations

import html
import math
import re
import string
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from numbers import Integral, Real
from types import MappingProxyType

import pandas as pd
from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal

from report_lib import language
from report_lib.data.numbers import Qualifier

EXACT = Qualifier.EXACT
MORE_THAN = Qualifier.MORE_THAN  # the source gives a lower bound ("more than 130,000")

DECIMALS: Mapping[str, int] = MappingProxyType({"percent": 1, "ratio": 1})

# share_phrase: phrases read after "accounts for ... of"; checked top-down.
ALMOST_ALL_FROM = 0.95  # share >= 0.95 (and < 1) -> "almost all"
ABOUT_HALF_BAND = (0.48, 0.52)  # inclusive -> "about half"; above it "most", below "a minority"
VERY_FEW_BELOW = 0.05  # 0 < share < 0.05 -> "very few"

# times_phrase: a/b inside this inclusive band reads "about as many".
ABOUT_AS_MANY_BAND = (0.95, 1.05)
# Multiples that round to at least this print as whole numbers ("1,034 times", not "1,034.2").
WHOLE_MULTIPLE_FROM = 10


def _check_qualifier(qualifier: str) -> None:
    if qualifier not in set(Qualifier):
        known = " or ".join(repr(q.value) for q in Qualifier)
        raise ValueError(f"qualifier must be {known}, not {qualifier!r}")


def _decimal(value: Real | Decimal) -> Decimal:
    """The number as it prints (shortest repr), so rounding acts on the digits a reader sees."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"expected a number, got {value!r}")
    if isinstance(value, Integral):
        return Decimal(int(value))
    if not math.isfinite(value):
        raise ValueError(f"cannot format {value!r}")
    return Decimal(repr(float(value)))


def rounded(value: Real | Decimal, decimals: int) -> Decimal:
    """Round half away from zero: 15/12 = 1.25 prints as 1.3, as a reader working it out
    would; float formatting would print 1.2. The narrative check should round with this."""
    return _decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _digits(value: Real | Decimal, decimals: int | None, lang: str = language.DEFAULT) -> str:
    """Integers never gain a fake ".0"; other numbers must say how precise they are.
    English groups thousands (21,923); Chinese, as its sources, does not (21923)."""
    if decimals is None:
        if isinstance(value, bool) or not isinstance(value, Integral):
            raise TypeError(f"{value!r} is not an integer: pass decimals")
        amount, pattern = Decimal(int(value)), "#,##0"
    else:
        amount, pattern = (
            rounded(value, decimals),
            "#,##0" + ("." + "0" * decimals if decimals else ""),
        )
    return format_decimal(
        amount, pattern, locale=language.locale(lang), group_separator=lang == language.DEFAULT
    )


# Chinese large round figures: the unit, its size, and the step a figure must be a
# multiple of to be written with it (13万 for 130000, 4.7亿 for 470000000; 12410 stays).
_ZH_LARGE = (("亿", 10**8, 10**7), ("万", 10**4, 10**3))


def _zh_digits(value: Real, decimals: int | None) -> str:
    if decimals is None and isinstance(value, Integral):
        for unit, size, step in _ZH_LARGE:
            if value >= size and value % step == 0:
                scaled = Decimal(int(value)) / size
                places = 0 if scaled == scaled.to_integral_value() else 1
                return _digits(rounded(scaled, places), places, "zh") + unit
    return _digits(value, decimals, "zh")


def number(
    value: Real, qualifier: str = EXACT, decimals: int | None = None, lang: str = language.DEFAULT
) -> str:
    """Prose form: '21,923', or 'more than 130,000' for a lower bound; in Chinese
    '21923', '13万余', '超过4.7亿' (a unit word follows directly: '13万余人')."""
    _check_qualifier(qualifier)
    if lang == "zh":
        text = _zh_digits(value, decimals)
        if qualifier != MORE_THAN:
            return text
        return f"超过{text}" if "." in text else f"{text}余"
    text = _digits(value, decimals, language.check(lang))
    return f"more than {text}" if qualifier == MORE_THAN else text


def bound_label(
    value: Real, qualifier: str = EXACT, decimals: int | None = None, lang: str = language.DEFAULT
) -> str:
    """Chart-label form: short, so a lower bound is '≥ 130,000' ('≥13万' in Chinese)."""
    _check_qualifier(qualifier)
    if lang == "zh":
        text = _zh_digits(value, decimals)
        return f"≥{text}" if qualifier == MORE_THAN else text
    text = _digits(value, decimals, language.check(lang))
    return f"≥ {text}" if qualifier == MORE_THAN else text


def percent(share: float, decimals: int = DECIMALS["percent"], lang: str = language.DEFAULT) -> str:
    """A share in [0, 1] as '98.4%'."""
    return f"{_digits(_decimal(share) * 100, decimals, language.check(lang))}%"


def ratio(x: float, decimals: int = DECIMALS["ratio"], lang: str = language.DEFAULT) -> str:
    """A multiple as '1.8 times' ('1.8倍')."""
    digits = _digits(x, decimals, language.check(lang))
    return f"{digits}倍" if lang == "zh" else f"{digits} times"


def rate(
    value: Real,
    per: str,
    unit: str,
    qualifier: str = EXACT,
    decimals: int | None = None,
    lang: str = language.DEFAULT,
) -> str:
    """A rate as '26,000 reads per hour' ('每小时2.6万次阅读': `per` and `unit` in the
    report's language); a lower-bound rate keeps 'more than' ('超过', '余')."""
    amount = number(value, qualifier, decimals, lang)
    return f"每{per}{amount}{unit}" if lang == "zh" else f"{amount} {unit} per {per}"


# share_phrase in Chinese, band by band as the English (read after "占……的" or "即").
_ZH_SHARES = {
    "all": "全部",
    "almost all": "几乎全部",
    "most": "大部分",
    "about half": "约一半",
    "a minority": "少部分",
    "very few": "极少数",
    "none": "没有",
}


def share_phrase(share: float, lang: str = language.DEFAULT) -> str:
    """Words for a share, so titles cannot overstate it.

    1 -> "all"; [0.95, 1) -> "almost all"; (0.52, 0.95) -> "most";
    [0.48, 0.52] -> "about half"; [0.05, 0.48) -> "a minority";
    (0, 0.05) -> "very few"; 0 -> "none". Chinese: 全部, 几乎全部, 大部分, 约一半,
    少部分, 极少数, 没有.
    """
    phrase = _share_band(share)
    return _ZH_SHARES[phrase] if language.check(lang) == "zh" else phrase


def _share_band(share: float) -> str:
    if not 0 <= share <= 1:
        raise ValueError(f"share must be within [0, 1], got {share!r}")
    low, high = ABOUT_HALF_BAND
    if share == 1:
        return "all"
    if share >= ALMOST_ALL_FROM:
        return "almost all"
    if share > high:
        return "most"
    if share >= low:
        return "about half"
    if share >= VERY_FEW_BELOW:
        return "a minority"
    if share > 0:
        return "very few"
    return "none"


# times_phrase in Chinese: said of "前者" (a) against "后者" (b), as Chinese news compares
# two counts ("前者是后者的1.3倍"); the bands are the English ones.
_ZH_TIMES = {
    "about as many": "与后者大致相当",
    "more than half as many": "超过后者的一半",
    "about half as many": "约为后者的一半",
    "fewer than half as many": "不到后者的一半",
}


def times_phrase(a: float, b: float, lang: str = language.DEFAULT) -> str:
    """How a compares with b, e.g. "a is 1.3 times as many as b" ("前者是后者的1.3倍").

    a/b in [0.95, 1.05] -> "about as many"; above -> "N times as many" (ratio decimals,
    whole number once it rounds to 10 or more); [0.48, 0.52] -> "about half as many";
    below 0.48 -> "fewer than half as many"; otherwise -> "more than half as many".
    In Chinese the phrase follows "前者" and names b "后者".
    """
    if a <= 0 or b <= 0:
        raise ValueError(f"times_phrase needs two positive numbers, got {a!r} and {b!r}")
    zh = language.check(lang) == "zh"
    r = a / b
    low, high = ABOUT_AS_MANY_BAND
    half_low, half_high = ABOUT_HALF_BAND
    if r > high:
        whole = rounded(r, DECIMALS["ratio"]) >= WHOLE_MULTIPLE_FROM
        times = ratio(r, decimals=0, lang=lang) if whole else ratio(r, lang=lang)
        return f"是后者的{times}" if zh else f"{times} as many"
    if r >= low:
        phrase = "about as many"
    elif r > half_high:
        phrase = "more than half as many"
    elif r >= half_low:
        phrase = "about half as many"
    else:
        phrase = "fewer than half as many"
    return _ZH_TIMES[phrase] if zh else phrase


def superlative(values: Mapping[str, float]) -> str:
    """Key of the largest value; a tie raises, because "the largest" would then be false."""
    if not values:
        raise ValueError("superlative of nothing")
    top = leaders(values)
    if len(top) > 1:
        raise ValueError(f"tie for the largest value between {top!r}")
    return top[0]


def leaders(values: Mapping[str, float]) -> list[str]:
    """Keys of the largest value, in the mapping's order: one, or several on a tie."""
    if not values:
        raise ValueError("leaders of nothing")
    if any(pd.isna(v) for v in values.values()):
        raise ValueError(f"missing value in {dict(values)!r}")
    top = max(values.values())
    return [key for key, value in values.items() if value == top]


_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
_ZH_ORDINALS = ("第一", "第二", "第三", "第四", "第五", "第六", "第七", "第八", "第九")


def ordinal(n: int, lang: str = language.DEFAULT) -> str:
    """'second' (第二) for 2; '12th' (第12) past the ninth (ordinals only ever rank a few
    crimes)."""
    if n < 1:
        raise ValueError(f"an ordinal starts at 1, got {n!r}")
    if language.check(lang) == "zh":
        return _ZH_ORDINALS[n - 1] if n <= len(_ZH_ORDINALS) else f"第{n}"
    if n <= len(_ORDINALS):
        return _ORDINALS[n - 1]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_phrase(values: Mapping[str, float], key: str, lang: str = language.DEFAULT) -> str:
    """Where `key` stands among `values`, largest first, as words that are true for any
    number of entries and ties: 'the only', 'the most', 'jointly the most', 'the third
    most', 'the fewest', 'jointly the fewest', 'as many as every other' (all equal).
    Chinese: 唯一, 最多, 并列最多, 第三多, 最少, 并列最少, 与其他各项相同."""
    if key not in values:
        raise KeyError(key)
    if any(pd.isna(v) for v in values.values()):
        raise ValueError(f"missing value in {dict(values)!r}")
    zh = language.check(lang) == "zh"
    if len(values) == 1:
        return "唯一" if zh else "the only"
    mine = values[key]
    above = sum(1 for v in values.values() if v > mine)
    below = sum(1 for v in values.values() if v < mine)
    tied = len(values) - above - below > 1
    if above == 0 and below == 0:
        return "与其他各项相同" if zh else "as many as every other"
    if zh:
        place = "最多" if above == 0 else "最少" if below == 0 else f"{ordinal(above + 1, lang)}多"
        return f"并列{place}" if tied else place
    joint = "jointly " if tied else ""
    if above == 0:
        return f"{joint}the most"
    if below == 0:
        return f"{joint}the fewest"
    return f"{joint}the {ordinal(above + 1)} most"


def _month(day: pd.Timestamp, lang: str = language.DEFAULT) -> str:
    return format_skeleton("yMMM", day, locale=language.locale(lang))


def day(date: pd.Timestamp, lang: str = language.DEFAULT) -> str:
    """A date as '21 Feb 2022' (month names, so no reader mistakes the day for the
    month) or 2022年2月21日."""
    pattern = "long" if lang == "zh" else "d MMM y"
    return format_date(pd.Timestamp(date), pattern, locale=language.locale(lang))


def period(start: pd.Timestamp, end: pd.Timestamp | None, lang: str = language.DEFAULT) -> str:
    """A reporting period at the precision it was given: '2020', 'Jan–Oct 2022',
    'Jan 2019 – 21 Feb 2022'; an unknown end gives 'from Jan 2019'. In Chinese:
    2020年, 2022年1月至10月, 2019年1月至2022年2月21日, 2019年1月起."""
    language.check(lang)
    zh = lang == "zh"
    start = pd.Timestamp(start)
    start_text = _month(start, lang) if start.day == 1 else day(start, lang)
    if end is None or pd.isna(end):
        return f"{start_text}起" if zh else f"from {start_text}"
    end = pd.Timestamp(end)
    if end < start:
        raise ValueError(f"period ends ({end:%Y-%m-%d}) before it starts ({start:%Y-%m-%d})")
    whole_months = start.day == 1 and end.is_month_end
    if whole_months and start.month == 1 and end.month == 12:
        if start.year == end.year:
            return f"{start.year}年" if zh else f"{start.year}"
        return f"{start.year}年至{end.year}年" if zh else f"{start.year}–{end.year}"
    if whole_months and start.year == end.year:
        if start.month == end.month:
            return _month(end, lang)
        if zh:
            return f"{start.year}年{start.month}月至{end.month}月"
        return f"{format_skeleton('MMM', start, locale='en')}–{_month(end, lang)}"
    end_text = _month(end, lang) if whole_months else day(end, lang)
    return f"{start_text}至{end_text}" if zh else f"{start_text} – {end_text}"


# Every ASCII punctuation character can be backslash-escaped in CommonMark. '&' and ';'
# are left alone because html.escape has already turned '&', '<', '>' into entities.
_MARKDOWN_PUNCTUATION = re.compile(
    "([" + re.escape(string.punctuation.replace("&", "").replace(";", "")) + "])"
)


def md_escape(text: str) -> str:
    """Source text (e.g. a quote) made to show literally in Markdown rendered by nbconvert.

    HTML is escaped, every ASCII punctuation mark is backslash-escaped (no emphasis, links,
    headings, lists or tables), whitespace runs become one space (no blocks from line
    starts), and the span class stops MathJax reading '$' as maths.
    """
    flat = " ".join(text.split())
    escaped = _MARKDOWN_PUNCTUATION.sub(r"\\\1", html.escape(flat, quote=False))
    return f'<span class="tex2jax_ignore">{escaped}</span>'
