"""From a transcribed row to a typed, normalised figure with its provenance."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from report_lib.data.corrections import Correction, correct
from report_lib.data.numbers import NumberFormatError, parse_quantity
from report_lib.data.reference import Reference, Table, normalise_name
from report_lib.data.sources import Row, Source


@dataclass(frozen=True)
class Figure:
    """One number of a source, normalised, with where exactly it was read."""

    source_id: str
    source_role: str
    figure_id: str
    measure: str
    crime: str | None
    case: str | None
    value: int | float
    qualifier: str
    unit: str
    period_start: dt.date | None
    period_end: dt.date | None
    period_note: str
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
    repeats: str | None = None

    @property
    def key(self) -> tuple:
        """What a figure is a count of: two figures with one key are one statement."""
        return (
            self.source_id,
            self.measure,
            self.crime,
            self.case,
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


def _date(row: Row, field: str) -> dt.date | None:
    text = row.fields[field]
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise row.error(field, f"'{text}' is not a date (YYYY-MM-DD)") from None


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
        raise row.error(field, f"unknown {field} '{printed}' (not in {table.path.name})")
    if printed not in table.rows and printed not in row.fields["quote"]:
        raise row.error(field, f"'{printed}' is neither a {field} code nor words of the quote")
    return code, ids


def _quote_span(row: Row, source: Source) -> tuple[int, int]:
    quote = row.fields["quote"]
    if not quote:
        raise row.error("quote", "empty quote")
    try:
        start = int(row.fields["quote_start"])
    except ValueError:
        raise row.error("quote_start", f"'{row.fields['quote_start']}' is not an offset") from None
    if source.document[start : start + len(quote)] != quote:
        found = source.document.find(quote)
        hint = f"; it is at {found}" if found >= 0 else "; the quote is not in the document"
        raise row.error(
            "quote", f"quote not found at offset {start} of {source.document_path.name}{hint}"
        )
    return start, start + len(quote)


def build_figure(row: Row, source: Source, ref: Reference, ledger: list[Correction]) -> Figure:
    """Parse, normalise and locate one transcribed row; any defect is a DataError."""
    f = row.fields
    if not f["figure_id"]:
        raise row.error("figure_id", "empty figure id")
    quote_start, quote_end = _quote_span(row, source)
    try:
        raw_offset = locate(f["raw"], f["quote"])
    except ValueError as exc:
        raise row.error("raw", f"'{f['raw']}' {exc}") from None
    try:
        quantity = parse_quantity(f["raw"])
    except NumberFormatError as exc:
        raise row.error("raw", str(exc)) from None
    if quantity.value < 0:
        raise row.error("raw", f"'{f['raw']}' is a negative count")
    measure, measure_fixes = _code(row, "measure", ref.measures, source.id, ledger)
    if measure is None:
        raise row.error("measure", "empty measure")
    unit = ref.measures.rows[measure]["unit"]
    if quantity.unit_text and normalise_name(quantity.unit_text) not in ref.unit_words(unit):
        raise row.error("raw", f"unit '{quantity.unit_text}' does not fit {measure} ({unit})")
    case, case_fixes = _code(row, "case", ref.cases, source.id, ledger)
    crime, crime_fixes = _code(row, "crime", ref.crimes, source.id, ledger)
    case_crime = ref.cases.rows[case]["crime"] if case else ""
    if crime and case_crime and crime != case_crime:
        raise row.error("crime", f"'{crime}' differs from the crime of case {case}")
    period_start, period_end = _date(row, "period_start"), _date(row, "period_end")
    period_note = ""
    if period_start and period_end is None:
        period_end = source.date
        period_note = f"No end stated; taken as the source date. {source.origin['period_note']}"
    if period_start and period_end and period_end < period_start:
        raise row.error("period_end", "period ends before it starts")
    raw_start = quote_start + raw_offset
    return Figure(
        source_id=source.id,
        source_role=source.role,
        figure_id=f["figure_id"],
        measure=measure,
        crime=crime or case_crime or None,
        case=case,
        value=quantity.value,
        qualifier=str(quantity.qualifier),
        unit=unit,
        period_start=period_start,
        period_end=period_end,
        period_note=" ".join(period_note.split()),
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
    )
