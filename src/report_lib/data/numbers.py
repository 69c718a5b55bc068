"""Reading numbers as sources print them, in English and in Chinese.

"More than" and 余/多 make a lower bound; the qualifier is kept beside the value,
never dropped. Values are computed with Decimal so that 4.7亿 is exactly 470000000."""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


class Qualifier(enum.StrEnum):
    EXACT = "exact"
    MORE_THAN = "more_than"


@dataclass(frozen=True)
class Quantity:
    value: int | float
    qualifier: Qualifier
    unit_text: str


class NumberFormatError(ValueError):
    """A string that is not a number this module can read; the message is one line."""


_ONES_TO_NINETEEN = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
    " fifteen sixteen seventeen eighteen nineteen"
)
_SMALL = {word: n for n, word in enumerate(_ONES_TO_NINETEEN.split())}
_TENS = {
    word: 10 * n
    for n, word in enumerate(
        ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], 2
    )
}
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9}
_WORDS = {**_SMALL, **_TENS, "hundred": 100, **_SCALES}

_ZH_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_ZH_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_ZH_BIG_UNITS = {"万": 10**4, "亿": 10**8}
_ZH_CHARS = "".join([*_ZH_DIGITS, *_ZH_SMALL_UNITS, *_ZH_BIG_UNITS])

# A lower bound before the number: "more than 130,000", "over 30", and 超过4.7亿 (fmt's Chinese
# bound after a decimal 万/亿, docs/style.md), so the parser reads back what fmt writes.
_PREFIX = re.compile(r"^(?:(?:more\s+than|over)\s+|超过\s*)", re.IGNORECASE)
_DIGITS = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_ARABIC = re.compile(
    rf"^(?P<num>{_DIGITS})(?:\s*(?P<scale>thousand|million|billion)\b)?(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_ARABIC_ZH = re.compile(
    rf"^(?P<num>{_DIGITS})(?P<q1>[余多])?(?P<scale>[万亿])(?P<q2>[余多])?(?P<rest>.*)$"
)
_TWICE = re.compile("[余多].*[余多]")
_ARABIC_PLAIN_ZH = re.compile(rf"^(?P<num>{_DIGITS})(?P<q>[余多])(?P<rest>.*)$")
_ZH_NUMERAL = re.compile(
    rf"^(?P<num>[{_ZH_CHARS}](?:[{_ZH_CHARS}余多]*[{_ZH_CHARS}])?)(?P<q>[余多])?(?P<rest>.*)$"
)
_WORD_ALTERNATIVES = "|".join(sorted(_WORDS, key=len, reverse=True))
_WORD_RUN = re.compile(
    rf"^(?P<num>(?:(?:{_WORD_ALTERNATIVES})\b(?:\s+and\s+|[\s-]+)?)+)(?P<rest>.*)$",
    re.IGNORECASE,
)


def _exact(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise NumberFormatError(f"'{text}' is not a number") from None


def _words_value(text: str) -> int:
    """English number words by the usual grammar: 'one hundred and five thousand'."""
    total = group = 0
    last, last_scale = None, None
    for word in re.split(r"[\s-]+", text.lower()):
        if word in ("", "and"):
            continue
        n = _WORDS[word]
        if word == "hundred":
            ok = last in ("unit", "teen") and group < 100
            group, kind = group * 100, "hundred"
        elif word in _SCALES:
            ok = group > 0 and last != "scale" and (last_scale is None or n < last_scale)
            total, group, last_scale, kind = total + group * n, 0, n, "scale"
        elif word in _TENS:
            ok = last in (None, "hundred", "scale")
            group, kind = group + n, "tens"
        else:
            ok = last in (None, "hundred", "scale") or (last == "tens" and 0 < n < 10)
            ok = ok and (n > 0 or last is None)
            group, kind = group + n, "unit" if n < 10 else "teen"
        if not ok:
            raise NumberFormatError(f"'{text}' is not a number")
        last = kind
    return total + group


def _zh_section(text: str, whole: str) -> int:
    """A Chinese numeral below 万: 三千五百, 二十一, 十四, 一千零五, and the
    abbreviated 三千五 (3,500). Two digits in a row (二〇二一) are a year, not a count."""
    value, digit, last_unit, after_zero = 0, None, 10**4, False
    for char in text:
        if char in _ZH_DIGITS:
            if digit is not None and digit != 0:
                raise NumberFormatError(f"'{whole}' is not a number")
            digit = _ZH_DIGITS[char]
            after_zero = after_zero or digit == 0
        elif char in _ZH_SMALL_UNITS and _ZH_SMALL_UNITS[char] < last_unit:
            value += (digit or 1) * _ZH_SMALL_UNITS[char]
            digit, last_unit = None, _ZH_SMALL_UNITS[char]
        else:
            raise NumberFormatError(f"'{whole}' is not a number")
    if digit and value and not after_zero and last_unit > 10:
        return value + digit * last_unit // 10
    return value + (digit or 0)


def _zh_value(text: str) -> int:
    total, rest, previous = 0, text, None
    for char, scale in sorted(_ZH_BIG_UNITS.items(), key=lambda kv: -kv[1]):
        if char in rest:
            head, _, rest = rest.partition(char)
            if not head or char in rest:
                raise NumberFormatError(f"'{text}' is not a number")
            total += _zh_section(head, text) * scale
            previous = scale
    if previous and len(rest) == 1 and rest in _ZH_DIGITS:
        return total + _ZH_DIGITS[rest] * previous // 10  # 一万二 is 12,000
    return total + _zh_section(rest, text)


def _unit(rest: str, text: str) -> str:
    """What follows the number: nothing, a word after a space, or a Chinese classifier."""
    unit = rest.strip()
    attached = rest[:1] and not rest[:1].isspace() and rest[:1].isascii()
    if attached or re.search(r"[\d" + _ZH_CHARS + "]", unit):
        raise NumberFormatError(f"'{text}' is not a number")
    return unit


def parse_quantity(text: str) -> Quantity:
    """Read a number as printed: '12,410', 'more than 130,000', 'five hours', '13万余次'."""
    original = text
    text = unicodedata.normalize("NFKC", text).strip()
    qualifier = Qualifier.EXACT
    if prefix := _PREFIX.match(text):
        qualifier = Qualifier.MORE_THAN
        text = text[prefix.end() :]
    if _TWICE.search(text):
        raise NumberFormatError(f"'{original}' is not a number")
    if m := _ARABIC_ZH.match(text):
        value = _decimal(m["num"]) * _ZH_BIG_UNITS[m["scale"]]
        more = m["q1"] or m["q2"]
    elif m := _ARABIC_PLAIN_ZH.match(text):
        value, more = _decimal(m["num"]), m["q"]
    elif m := _ARABIC.match(text):
        value = _decimal(m["num"]) * _SCALES.get((m["scale"] or "").lower(), 1)
        more = None
    elif m := _ZH_NUMERAL.match(text):
        inner = len(re.findall("[余多]", m["num"]))
        if inner + bool(m["q"]) > 1:
            raise NumberFormatError(f"'{original}' is not a number")
        value = Decimal(_zh_value(re.sub("[余多]", "", m["num"])))
        more = inner or m["q"]
    elif (m := _WORD_RUN.match(text)) and m["num"].strip(" -"):
        num = m["num"].strip(" -")
        num = re.sub(r"\s+and$", "", num)
        value, more = Decimal(_words_value(num)), None
        rest = text[len(num) :]
        return Quantity(_exact(value), qualifier, _unit(rest, original))
    else:
        raise NumberFormatError(f"'{original}' is not a number")
    if more:
        qualifier = Qualifier.MORE_THAN
    return Quantity(_exact(value), qualifier, _unit(m["rest"], original))


_SPAN = re.compile(
    r"\d+(?:[,，]\d{3})*(?:\.\d+)?(?:[万亿])?"
    rf"|[{_ZH_CHARS}]+"
    rf"|\b(?:{_WORD_ALTERNATIVES})\b",
    re.IGNORECASE,
)
_DIGIT_OR_ZH_SPAN = re.compile(rf"\d+(?:[,，]\d{{3}})*(?:\.\d+)?(?:[万亿])?|[{_ZH_CHARS}]+")


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _word_spans(document: str, lowered: str) -> list[tuple[int, int]]:
    """English number words standing as whole words: one C-speed search per word."""
    spans = []
    for word in _WORDS:
        at = lowered.find(word)
        while at >= 0:
            end = at + len(word)
            before = document[at - 1] if at else " "
            after = document[end] if end < len(document) else " "
            if not _is_word_char(before) and not _is_word_char(after):
                spans.append((at, end))
            at = lowered.find(word, at + 1)
    return spans


def number_spans(document: str) -> list[tuple[int, int]]:
    """Where numbers stand in a document: digit runs (with separators, decimals and a
    following 万/亿), runs of Chinese numerals, and English number words, one span each.

    Linear in the document: digits and numerals by one regular-expression pass, number
    words by a plain search of the lowercased text (one regex with every word tried at
    every position took minutes on a long document). Where lowercasing would move
    offsets (a few letters lowercase to two characters), the single regex is used."""
    lowered = document.lower()
    if len(lowered) != len(document):
        return [(m.start(), m.end()) for m in _SPAN.finditer(document)]
    spans = [(m.start(), m.end()) for m in _DIGIT_OR_ZH_SPAN.finditer(document)]
    return sorted(spans + _word_spans(document, lowered))
