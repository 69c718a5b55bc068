"""From a transcribed row to a typed, normalised figure with its provenance."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from report_lib import ids
from report_lib.data.corrections import Correction, correct, reading
from report_lib.data.numbers import NumberFormatError, parse_quantity
from report_lib.data.reference import Reference, Table, normalise_name
from report_lib.data.sources import Row, Source
from report_lib.data.yamlfile import real_date


@dataclass(frozen=True)
class Figure:
    """One number of a source, normalised, with where exactly it was read."""

    source_id: str
    figure_id: str
    measure: str
    measure_label: str  # the reference's label (data/reference/measures.csv)
    crime: str | None
    case: str | None
    scope: str
    value: int
    qualifier: str
    unit: str
    period_start: dt.date | None  # the effective period: what every comparison uses
    period_end: dt.date | None
    stated_start: dt.date | None  # the period as the source states it
    stated_end: dt.date | None
    period_note: str
    derived_note: str
    raw: str
    quote: str
    quote_start: int
    quote_end: int
    raw_start: int
    raw_end: int
    corroborated: bool
    corroborated_by: str
    corroboration_note: str
    corrections: str
    quote_reading: str  # the quote with the ledger's corrected reading (`quote` entries)
    wording_zh: str  # the Chinese wording of the figure where a source gives it
    wording_zh_source: str  # the reports that give that wording
    repeats: str | None = None

    @property
    def key(self) -> tuple:
        """What a figure is a count of: two figures with one key are one statement."""
        return (
            self.source_id,
            self.measure,
            self.crime,
            self.case,
            self.scope,
            self.period_start,
            self.period_end,
        )


def locate(raw: str, quote: str) -> int:
    """Where `raw` stands in `quote`, not as part of a longer number ("12" in "12,410")."""
    pattern = re.compile(rf"(?<![0-9A-Za-z])(?<!\d[.,]){re.escape(raw)}(?![0-9A-Za-z])(?![.,]\d)")
    hits = [m.start() for m in pattern.finditer(quote)]
    if len(hits) != 1:
        raise ValueError("not found in the quote" if not hits else "found more than once")
    return hits[0]


MAX_COUNT = 10**15  # far above any count of people or events; keeps Int64 exact
OFFSET = re.compile(r"\d{1,12}")


def _date(row: Row, field: str) -> dt.date | None:
    text = row.fields[field]
    return real_date(row.path, text, field, row.number) if text else None


def offset(row: Row, field: str) -> int:
    """A character offset: a whole number from 0 (a negative one is no Python index here)."""
    text = row.fields[field]
    if not OFFSET.fullmatch(text):
        raise row.error(field, f"'{text}' is not an offset (a whole number from 0)")
    return int(text)


def _code(
    row: Row, field: str, table: Table, source_id: str, ledger: list[Correction]
) -> tuple[str | None, list[str]]:
    """The code a printed name stands for, and the ledger entries that corrected it."""
    printed = row.fields[field]
    if not printed:
        return None, []
    text, ids = correct(ledger, source_id, field, printed)
    code = table.code_for(text)
    if code is None:
        hint = table.hint(text)
        raise row.error(field, f"unknown {field} '{printed}' (not in {table.path.name}){hint}")
    if printed not in table.rows and printed not in row.fields["quote"]:
        raise row.error(field, f"'{printed}' is neither a {field} code nor words of the quote")
    return code, ids


def _quote_span(row: Row, source: Source) -> tuple[int, int]:
    quote = row.fields["quote"]
    if not quote:
        raise row.error("quote", "empty quote")
    start = offset(row, "quote_start")
    if source.document[start : start + len(quote)] != quote:
        found = source.document.find(quote)
        hint = f"; it is at {found}" if found >= 0 else "; the quote is not in the document"
        raise row.error(
            "quote", f"quote not found at offset {start} of {source.document_path.name}{hint}"
        )
    return start, start + len(quote)


def _count(row: Row) -> tuple[int, str, str]:
    """The whole, non-negative count `raw` states, its qualifier and any unit it prints."""
    raw = row.fields["raw"]
    try:
        quantity = parse_quantity(raw)
    except NumberFormatError as exc:
        raise row.error("raw", str(exc)) from None
    if quantity.value < 0:
        raise row.error("raw", f"'{raw}' is a negative count")
    if quantity.value != int(quantity.value):
        raise row.error("raw", f"'{raw}' is not a whole count")
    if quantity.value > MAX_COUNT:
        raise row.error("raw", f"'{raw[:40]}' is larger than any count ({MAX_COUNT:.0e})")
    return int(quantity.value), str(quantity.qualifier), quantity.unit_text


def _following_word(text: str, ref: Reference) -> str | None:
    """The unit word printed right after a number ('19 cases', '6000余人', '5.8万人次'):
    the longest word of any unit that `text` starts with, as a whole word."""
    text = text.lstrip()
    words = [w for code in ref.units.rows for w in ref.unit_words(code)]
    for word in sorted(words, key=len, reverse=True):
        if not text.casefold().startswith(word):
            continue
        after = text[len(word) : len(word) + 1]
        if not (word.isascii() and after[:1].isalnum()):
            return word
    return None


def _check_unit(row: Row, measure: str, unit_text: str, after: str, ref: Reference) -> str:
    """The measure's unit, checked against the word printed with the number: '19 cases'
    cannot be a count of persons, nor '19 people' a count of cases."""
    unit = ref.measures.rows[measure]["unit"]
    if unit_text and normalise_name(unit_text) not in ref.unit_words(unit):
        raise row.error("raw", f"unit '{unit_text}' does not fit {measure} ({unit})")
    word = None if unit_text else _following_word(after, ref)
    if word and word not in ref.unit_words(unit):
        counted = [code for code in ref.units.rows if word in ref.unit_words(code)]
        raise row.error(
            "measure",
            f"the quote says '{row.fields['raw']} {word}', a count of {' or '.join(counted)}; "
            f"{measure} counts {unit}",
        )
    return unit


def _scope(row: Row, source: Source, ref: Reference) -> str:
    """The figure's own scope, else the origin's (checked once, by `check_scope`)."""
    printed = row.fields.get("scope", "")
    if not printed:
        return ref.scopes.code_for(source.scope)
    code = ref.scopes.code_for(printed)
    if code is None:
        hint = ref.scopes.hint(printed)
        raise row.error("scope", f"unknown scope '{printed}' (not in scopes.csv){hint}")
    return code


def check_scope(source: Source, ref: Reference) -> None:
    """The origin's default scope is a scope of the reference."""
    if ref.scopes.code_for(source.scope) is None:
        hint = ref.scopes.hint(source.scope)
        raise source.origin_error("scope", f"unknown scope '{source.scope}'{hint}")


def _periods(
    row: Row, source: Source, crime: str | None, case: str | None, ref: Reference
) -> dict[str, object]:
    """The stated period and the effective one: a count of an offence cannot start before
    the offence existed, so a stated start before `in_force` is moved to it, and said."""
    stated_start, stated_end = _date(row, "period_start"), _date(row, "period_end")
    period_note = ""
    if stated_start and stated_end is None:
        stated_end = source.date
        period_note = f"No end stated; taken as the source date. {source.origin['period_note']}"
    if stated_start and stated_end and stated_end < stated_start:
        raise row.error("period_end", "period ends before it starts")
    start, derived = stated_start, ""
    if crime and not case and stated_start:
        in_force = ref.in_force(crime)
        if stated_end < in_force:
            raise row.error(
                "period_end", f"the period ends before {crime} came into force ({in_force})"
            )
        if stated_start < in_force:
            law = ref.crimes.rows[crime]
            start = in_force
            derived = (
                f"The source states a period from {stated_start.isoformat()}, but "
                f"{law['article']} ({law['name_zh']}) is in force only since "
                f"{in_force.isoformat()} ({law['introduced_by']}): the count can cover at most "
                f"{in_force.isoformat()} to {stated_end.isoformat()}. This is an inference from "
                "the law, not a statement of the source."
            )
    return {
        "period_start": start,
        "period_end": stated_end,
        "stated_start": stated_start,
        "stated_end": stated_end,
        "period_note": " ".join(period_note.split()),
        "derived_note": derived,
    }


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_ZH_NUMBER = re.compile(r"(?:\d[\d,]*(?:\.\d+)?|[零一二两三四五六七八九十百千]+)[万亿]?[余多]?")


def _wording_zh(row: Row, value: int, qualifier: str) -> tuple[str, str]:
    """The figure's Chinese wording and who gives it: Chinese text that states the same
    number (13万余 for 'more than 130,000'), with the reports it comes from."""
    wording = row.fields.get("wording_zh", "")
    source = row.fields.get("wording_zh_source", "")
    if not wording:
        if source:
            raise row.error("wording_zh_source", "a source for a Chinese wording not given")
        return "", ""
    if not _HAN.search(wording):
        raise row.error("wording_zh", f"'{wording[:40]}' holds no Chinese character")
    if not source:
        raise row.error("wording_zh_source", "the Chinese wording needs the reports giving it")
    stated = []
    for match in _ZH_NUMBER.finditer(wording):
        try:
            quantity = parse_quantity(match.group())
        except NumberFormatError:
            continue
        stated.append((quantity.value, str(quantity.qualifier)))
    if (value, qualifier) not in stated:
        raise row.error(
            "wording_zh", f"'{wording[:40]}' does not state {value:,} ({qualifier}) as raw does"
        )
    return wording, source


def build_figure(row: Row, source: Source, ref: Reference, ledger: list[Correction]) -> Figure:
    """Parse, normalise and locate one transcribed row; any defect is a DataError."""
    f = row.fields
    ids.check(f["figure_id"], row.path, "figure_id", row=row.number, figure=True)
    quote_start, quote_end = _quote_span(row, source)
    try:
        raw_offset = locate(f["raw"], f["quote"])
    except ValueError as exc:
        raise row.error("raw", f"'{f['raw']}' {exc}") from None
    value, qualifier, unit_text = _count(row)
    measure, measure_fixes = _code(row, "measure", ref.measures, source.id, ledger)
    if measure is None:
        raise row.error("measure", "empty measure")
    after = f["quote"][raw_offset + len(f["raw"]) :]
    unit = _check_unit(row, measure, unit_text, after, ref)
    case, case_fixes = _code(row, "case", ref.cases, source.id, ledger)
    crime, crime_fixes = _code(row, "crime", ref.crimes, source.id, ledger)
    case_crime = ref.cases.rows[case]["crime"] if case else ""
    if crime and case_crime and crime != case_crime:
        raise row.error("crime", f"'{crime}' differs from the crime of case {case}")
    crime = crime or case_crime or None
    raw_start = quote_start + raw_offset
    wording_zh, wording_zh_source = _wording_zh(row, value, qualifier)
    return Figure(
        source_id=source.id,
        figure_id=f["figure_id"],
        measure=measure,
        measure_label=ref.measures.rows[measure]["label"],
        crime=crime,
        case=case,
        scope=_scope(row, source, ref),
        value=value,
        qualifier=qualifier,
        unit=unit,
        **_periods(row, source, crime, case, ref),
        raw=f["raw"],
        quote=f["quote"],
        quote_start=quote_start,
        quote_end=quote_end,
        raw_start=raw_start,
        raw_end=raw_start + len(f["raw"]),
        corroborated=bool(f["corroborated_by"]),
        corroborated_by=f["corroborated_by"],
        corroboration_note=f["corroboration_note"],
        corrections=";".join(measure_fixes + case_fixes + crime_fixes),
        quote_reading=reading(ledger, source.id, f["quote"]),
        wording_zh=wording_zh,
        wording_zh_source=wording_zh_source,
    )
