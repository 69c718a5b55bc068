"""The processed dataset: built from data/raw by the checks above, written to
data/processed as tidy CSV, and read back with its types for the notebooks."""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from report_lib import atomic, paths
from report_lib.data.checks import CheckResult, consistency, corrections_used, coverage
from report_lib.data.corrections import Correction, load_corrections
from report_lib.data.figures import Figure, build_figure, check_scope
from report_lib.data.notes import check_quotes
from report_lib.data.reference import Reference, load_reference
from report_lib.data.sources import Row, Source, load_sources
from report_lib.errors import Collector, DataError
from report_lib.hashing import sha256_file

FIGURES_CSV = "figures.csv"
CHECKS_CSV = "checks.csv"
SOURCES_CSV = "sources.csv"

FIGURE_DTYPES = {
    "source_id": "string",
    "figure_id": "string",
    "measure": "string",
    "measure_label": "string",
    "crime": "string",
    "case": "string",
    "scope": "string",
    "value": "Int64",
    "qualifier": "string",
    "unit": "string",
    "period_note": "string",
    "derived_note": "string",
    "raw": "string",
    "quote": "string",
    "quote_start": "Int64",
    "quote_end": "Int64",
    "raw_start": "Int64",
    "raw_end": "Int64",
    "corroborated": "boolean",
    "corroborated_by": "string",
    "corroboration_note": "string",
    "corrections": "string",
    "quote_reading": "string",
    "wording_zh": "string",
    "wording_zh_source": "string",
    "repeats": "string",
}
DATE_COLUMNS = ("period_start", "period_end", "stated_start", "stated_end")
FIGURE_COLUMNS = [f.name for f in dataclasses.fields(Figure)]


@dataclass(frozen=True)
class Paths:
    """Where the data step reads: the sources, the reference tables, the ledger."""

    raw: Path
    reference: Path
    corrections: Path


@dataclass(frozen=True)
class Dataset:
    figures: pd.DataFrame
    checks: pd.DataFrame
    sources: pd.DataFrame


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """The figures with the dtypes every reader may rely on."""
    frame = frame.astype(FIGURE_DTYPES)
    text = [c for c, dtype in FIGURE_DTYPES.items() if dtype == "string"]
    frame[text] = frame[text].mask(frame[text] == "")  # empty is missing, as read back
    for column in DATE_COLUMNS:
        frame[column] = pd.to_datetime(frame[column])
    return frame[FIGURE_COLUMNS]


def _source_row(source: Source) -> dict[str, object]:
    origin = source.origin
    return {
        "source_id": source.id,
        "title": origin["title"],
        "publisher": origin["publisher"],
        "title_zh": origin["title_zh"],
        "publisher_zh": origin["publisher_zh"],
        "date": source.date.isoformat(),
        "scope": source.scope,
        "language": origin["outlet_language"],
        "file": source.document_path.name,
        "sha256": sha256_file(source.document_path),
        "address": " ".join(str(origin["address"]).split()),
    }


def _figures_of(
    source: Source, ledger: list[Correction], ref: Reference, errors: Collector
) -> tuple[list[Figure], list[Row]]:
    """The source's figures, and the rows that failed (their defects are in `errors`)."""
    figures, failed, seen = [], [], {}
    for row in source.figures:
        try:
            figure = build_figure(row, source, ref, ledger)
            if figure.figure_id in seen:
                raise row.error(
                    "figure_id", f"duplicate figure id (also row {seen[figure.figure_id]})"
                )
        except DataError as error:
            errors.add(error)
            failed.append(row)
            continue
        seen[figure.figure_id] = row.number
        figures.append(figure)
    return figures, failed


def build(paths: Paths) -> Dataset:
    """Read and check every source; every defect found is raised at once (DataErrors)."""
    errors = Collector()
    ref = load_reference(paths.reference, errors)
    ledger: list[Correction] = []
    with errors.guard():
        ledger = load_corrections(paths.corrections)
    errors.check()  # names cannot be checked against broken reference tables
    sources = []
    for source in load_sources(paths.raw, errors):
        with errors.guard():
            check_scope(source, ref)
            sources.append(source)
    clean = {s.id for s in sources}  # a correction is unused only if all its rows loaded
    figures: list[Figure] = []
    checks: list[CheckResult] = []
    ids: dict[str, str] = {}
    for source in sources:
        own, failed = _figures_of(source, ledger, ref, errors)
        if failed:
            clean.discard(source.id)
        for figure in own:
            if figure.figure_id in ids:
                row = next(r for r in source.figures if r.fields["figure_id"] == figure.figure_id)
                errors.add(
                    row.error(
                        "figure_id",
                        f"figure id '{figure.figure_id}' is also used by {ids[figure.figure_id]}",
                    )
                )
            ids.setdefault(figure.figure_id, source.id)
        rows = {r.fields["figure_id"]: r for r in source.figures}
        own, agreed = consistency(own, rows, errors)
        checks += coverage(source, own, errors, failed) + agreed
        figures += own
    documents = {s.id: s.document for s in sources if s.id in clean}
    checks += corrections_used(paths.corrections, ledger, figures, documents, errors)
    if paths.raw.is_dir():  # a source that failed to load has its own error
        failed = {p.name for p in paths.raw.iterdir()} - {s.id for s in sources}
        check_quotes(ref.notes, {s.id: s for s in sources}, failed, errors)
    errors.check()
    return Dataset(
        figures=typed(
            pd.DataFrame([dataclasses.asdict(f) for f in figures], columns=FIGURE_COLUMNS)
        ),
        checks=pd.DataFrame([dataclasses.asdict(c) for c in checks]),
        sources=pd.DataFrame([_source_row(s) for s in sources]),
    )


def _csv(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def _contents(dataset: Dataset) -> dict[str, str]:
    return {
        FIGURES_CSV: _csv(dataset.figures),
        CHECKS_CSV: _csv(dataset.checks),
        SOURCES_CSV: _csv(dataset.sources),
    }


def write(dataset: Dataset, out: Path) -> list[Path]:
    """Replace the processed folder whole, or not at all: the files are written to a new
    folder beside it, which is then swapped in by one rename (`atomic.replace_folder`).
    Nothing is written when every file is already as it would be. Returns the files
    whose content changed."""
    contents = _contents(dataset)
    atomic.recover_folder(out)
    current = {p.name: p for p in out.iterdir()} if out.is_dir() else {}
    changed = [
        out / name
        for name, text in contents.items()
        if name not in current or current[name].read_bytes() != text.encode("utf-8")
    ]
    if not changed and set(current) == set(contents):
        return []
    atomic.replace_folder(out, {name: text.encode("utf-8") for name, text in contents.items()})
    return changed


def load_figures(processed: Path = paths.PROCESSED) -> pd.DataFrame:
    """The figures with their types: the one way notebooks read the data."""
    path = processed / FIGURES_CSV
    if not path.is_file():
        raise DataError(path, "missing; run `make data` first")
    frame = pd.read_csv(path, dtype="string")
    missing = [c for c in FIGURE_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(path, f"missing column '{missing[0]}'", row=1, field=missing[0])
    frame["corroborated"] = frame["corroborated"].map({"True": True, "False": False})
    return typed(frame)


def load_table(name: str, processed: Path = paths.PROCESSED) -> pd.DataFrame:
    """Another processed table (checks, sources) as strings."""
    return pd.read_csv(processed / name, dtype="string", keep_default_na=False)
