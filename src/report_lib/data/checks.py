"""Checks across a source's figures: nothing in a document slips through, and a figure
stated twice agrees with itself. Each check returns rows for the data appendix."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from report_lib.data.corrections import Correction
from report_lib.data.figures import Figure, offset
from report_lib.data.numbers import number_spans
from report_lib.data.sources import Row, Source
from report_lib.errors import Collector, DataError


@dataclass(frozen=True)
class CheckResult:
    """One line of the appendix's table of checks."""

    check: str
    source_id: str
    subject: str
    result: str
    detail: str


def _exclusion_span(row: Row, source: Source) -> tuple[int, int]:
    text = row.fields["text"]
    if not row.fields["reason"]:
        raise row.error("reason", "an exclusion needs a reason")
    begin = offset(row, "start")
    if not text or source.document[begin : begin + len(text)] != text:
        found = source.document.find(text) if text else -1
        hint = f"; it is at {found}" if found >= 0 else ""
        raise row.error("text", f"'{text}' not found at offset {begin}{hint}")
    return begin, begin + len(text)


def _line_of(document: str, at: int) -> int:
    return document.count("\n", 0, at) + 1


def _covering(spans: list[tuple[int, int, object]], numbers: list[tuple[int, int]]) -> list:
    """For each number (in document order), the first span holding it, or None: one sweep
    over both lists, sorted by start, so the cost grows with the document, not its square.
    Spans are few but may nest or overlap; `open_` keeps those begun and not yet ended."""
    spans = sorted(spans, key=lambda s: s[0])
    found, open_, k = [], [], 0
    for start, end in numbers:
        while k < len(spans) and spans[k][0] <= start:
            open_.append(spans[k])
            k += 1
        open_ = [s for s in open_ if s[1] > start]
        found.append(next((item for s, e, item in open_ if s <= start and end <= e), None))
    return found


def _quotes_of(rows: list[Row], source: Source) -> list[tuple[int, int, Row]] | None:
    """Where the quotes of rows that failed stand, to keep their numbers from being
    reported twice; None if one cannot be placed (then no number is reported unused)."""
    spans = []
    for row in rows:
        quote, start = row.fields["quote"], row.fields["quote_start"]
        begin = int(start) if start.isdigit() else -1
        if begin < 0 or not quote or source.document[begin : begin + len(quote)] != quote:
            return None
        spans.append((begin, begin + len(quote), row))
    return spans


def coverage(
    source: Source, figures: list[Figure], errors: Collector, failed: Sequence[Row] = ()
) -> list[CheckResult]:
    """Every number in the document is a figure's raw string or excluded with a reason.
    The document is scanned once; defects go to `errors`. Numbers in the quotes of
    `failed` rows (already reported) are not reported again."""
    numbers = number_spans(source.document)
    masked = _quotes_of(list(failed), source)
    excluded = []
    for row in source.exclusions:
        try:
            excluded.append((*_exclusion_span(row, source), row))
        except DataError as error:
            errors.add(error)
            masked = None  # the numbers it meant to exclude are unknown
    by_failed = _covering(masked, numbers) if masked else [None] * len(numbers)
    figure_spans = [(f.raw_start, f.raw_end, f.figure_id) for f in figures]
    by_figure = _covering(figure_spans, numbers)
    by_exclusion = _covering(excluded, numbers)
    used = {id(row) for row in by_exclusion if row is not None}
    for _begin, _end, row in excluded:
        if id(row) not in used:
            errors.add(
                row.error(
                    "text",
                    f"'{row.fields['text']}' holds no number that no other row excludes",
                )
            )
    results = []
    for (start, end), figure, row, failed_row in zip(
        numbers, by_figure, by_exclusion, by_failed, strict=True
    ):
        number = source.document[start:end]
        if figure is None and row is None and (failed_row is not None or masked is None):
            continue
        if figure is None and row is None:
            errors.add(
                DataError(
                    source.document_path,
                    f"number '{number}' at offset {start} is neither a figure nor in excluded.csv",
                    row=_line_of(source.document, start),
                )
            )
            continue
        results.append(
            CheckResult(
                check="coverage",
                source_id=source.id,
                subject=f"'{number}' at {start}",
                result="figure" if figure else "excluded",
                detail=figure or row.fields["reason"],
            )
        )
    return results


def consistency(
    figures: list[Figure], rows: dict[str, Row], errors: Collector
) -> tuple[list[Figure], list[CheckResult]]:
    """Mark each restatement of a figure and check it agrees with the first statement."""
    first: dict[tuple, Figure] = {}
    marked, results = [], []
    for figure in sorted(figures, key=lambda f: (f.source_id, f.raw_start)):
        earlier = first.setdefault(figure.key, figure)
        if earlier is figure:
            marked.append(figure)
            continue
        if (figure.value, figure.qualifier) != (earlier.value, earlier.qualifier):
            errors.add(
                rows[figure.figure_id].error(
                    "raw",
                    f"'{figure.raw}' disagrees with '{earlier.raw}' of {earlier.figure_id}, "
                    "which states the same figure",
                )
            )
            marked.append(figure)  # still the document's number, for coverage
            continue
        marked.append(replace(figure, repeats=earlier.figure_id))
        results.append(
            CheckResult(
                check="consistency",
                source_id=figure.source_id,
                subject=f"{figure.figure_id} = {earlier.figure_id}",
                result="agrees",
                detail=f"both state {figure.raw} ({figure.measure}, {figure.crime or figure.case})",
            )
        )
    return marked, results


def _quoted(entry: Correction, documents: dict[str, str]) -> list[str]:
    """The sources whose text holds an entry's wording, for an entry read in quotes."""
    if "quote" not in entry.fields:
        return []
    return [
        source_id
        for source_id, text in documents.items()
        if entry.source_id in ("*", source_id) and entry.find in text
    ]


def corrections_used(
    ledger_path: Path,
    ledger: list[Correction],
    figures: list[Figure],
    documents: dict[str, str],
    errors: Collector,
) -> list[CheckResult]:
    """How often each ledger entry was applied. An entry for a loaded source (a key of
    `documents`) that no figure needed, and whose wording for quotes no text holds, is
    stale or mistyped, and an error."""
    results = []
    for entry in ledger:
        if entry.source_id != "*" and entry.source_id not in documents:
            continue
        uses = [f.figure_id for f in figures if entry.id in f.corrections.split(";")]
        texts = _quoted(entry, documents)
        if not uses and not texts and entry.source_id != "*":
            errors.add(
                DataError(
                    ledger_path, f"{entry.id} applies to no figure", row=entry.row, field="find"
                )
            )
            continue
        result = f"applied to {len(uses)} figures"
        if texts:
            result += f"; read in quotes of {len(texts)} sources"
        results.append(
            CheckResult(
                check="correction",
                source_id=entry.source_id,
                subject=f"{entry.id}: '{entry.find}' → '{entry.replace}'",
                result=result,
                detail=entry.reason,
            )
        )
    return results
