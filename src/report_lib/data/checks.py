"""Checks across a source's figures: nothing in a document slips through, and a figure
stated twice agrees with itself. Each check returns rows for the data appendix."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from report_lib.data.corrections import Correction
from report_lib.data.figures import Figure
from report_lib.data.numbers import number_spans
from report_lib.data.sources import Row, Source
from report_lib.errors import DataError


@dataclass(frozen=True)
class CheckResult:
    """One line of the appendix's table of checks."""

    check: str
    source_id: str
    subject: str
    result: str
    detail: str


def _exclusion_span(row: Row, source: Source) -> tuple[int, int]:
    text, start = row.fields["text"], row.fields["start"]
    if not row.fields["reason"]:
        raise row.error("reason", "an exclusion needs a reason")
    try:
        begin = int(start)
    except ValueError:
        raise row.error("start", f"'{start}' is not an offset") from None
    if not text or source.document[begin : begin + len(text)] != text:
        found = source.document.find(text) if text else -1
        hint = f"; it is at {found}" if found >= 0 else ""
        raise row.error("text", f"'{text}' not found at offset {begin}{hint}")
    return begin, begin + len(text)


def _line_of(document: str, offset: int) -> int:
    return document.count("\n", 0, offset) + 1


def coverage(source: Source, figures: list[Figure]) -> list[CheckResult]:
    """Every number in the document is a figure's raw string or excluded with a reason."""
    spans = [(f.raw_start, f.raw_end, f.figure_id) for f in figures]
    excluded = []
    for row in source.exclusions:
        begin, end = _exclusion_span(row, source)
        if not any(begin <= s and e <= end for s, e in number_spans(source.document)):
            raise row.error("text", f"'{row.fields['text']}' holds no number to exclude")
        excluded.append((begin, end, row))
    results = []
    for start, end in number_spans(source.document):
        number = source.document[start:end]
        figure = next((fid for s, e, fid in spans if s <= start and end <= e), None)
        row = next((r for s, e, r in excluded if s <= start and end <= e), None)
        if figure is None and row is None:
            raise DataError(
                source.document_path,
                f"number '{number}' at offset {start} is neither a figure nor in excluded.csv",
                row=_line_of(source.document, start),
            )
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
    figures: list[Figure], rows: dict[str, Row]
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
            raise rows[figure.figure_id].error(
                "raw",
                f"'{figure.raw}' disagrees with '{earlier.raw}' of {earlier.figure_id}, "
                "which states the same figure",
            )
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


def corrections_used(
    ledger_path: Path, ledger: list[Correction], figures: list[Figure], source_ids: set[str]
) -> list[CheckResult]:
    """How often each ledger entry was applied. An entry for a loaded source that no
    figure needed is stale or mistyped, and an error."""
    results = []
    for entry in ledger:
        if entry.source_id != "*" and entry.source_id not in source_ids:
            continue
        uses = [f.figure_id for f in figures if entry.id in f.corrections.split(";")]
        if not uses and entry.source_id != "*":
            raise DataError(ledger_path, f"{entry.id} applies to no figure", field="find")
        results.append(
            CheckResult(
                check="correction",
                source_id=entry.source_id,
                subject=f"{entry.id}: '{entry.find}' → '{entry.replace}'",
                result=f"applied to {len(uses)} figures",
                detail=entry.reason,
            )
        )
    return results
