"""Reference tables: the crimes, cases, measures, units and scopes a figure can belong to.

Names as printed in a source are matched to codes here, through each table's code,
names and aliases, so that no source's wording is special-cased in code. An unknown
name is answered with the nearest known one."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from report_lib.data.csvfile import read_rows
from report_lib.data.notes import Notes, load_notes
from report_lib.data.yamlfile import real_date
from report_lib.errors import Collector, DataError

CRIME_COLUMNS = (
    "code",
    "label",
    "name_en",
    "name_zh",
    "article",
    "origin",
    "introduced_by",
    "adopted",
    "in_force",
    "prosecution_note",
    "aliases",
)
CASE_COLUMNS = (
    "case_id", "label", "label_zh", "kind", "number", "name_en", "name_zh", "crime", "aliases"
)  # fmt: skip
MEASURE_COLUMNS = ("code", "label", "label_zh", "unit", "description", "aliases")
UNIT_COLUMNS = ("code", "label", "label_zh", "words")
SCOPE_COLUMNS = ("code", "label", "label_zh", "description", "aliases")
# Columns every row must fill: the Chinese reports name each code by them.
REQUIRED_TEXT = ("label", "label_zh")
CODE = re.compile(r"[a-z0-9][a-z0-9_-]*")

_LEADING = re.compile(r"^(?:the\s+)?(?:crimes?\s+of\s+)", re.IGNORECASE)


def normalise_name(text: str) -> str:
    """Case, spacing and a leading 'crimes of' do not distinguish names."""
    return _LEADING.sub("", " ".join(text.split())).casefold()


@dataclass(frozen=True)
class Table:
    """One reference table: its rows by code, and every name that leads to a code."""

    path: Path
    rows: dict[str, dict[str, str]]
    names: dict[str, str]
    numbers: dict[str, int]  # the spreadsheet row of each code, for error messages

    def code_for(self, text: str) -> str | None:
        return self.names.get(normalise_name(text))

    def hint(self, text: str) -> str:
        """'; did you mean …?' with the nearest known name, or nothing."""
        near = difflib.get_close_matches(normalise_name(text), list(self.names), n=1, cutoff=0.6)
        return f"; did you mean '{near[0]}' ({self.names[near[0]]})?" if near else ""


@dataclass(frozen=True)
class Reference:
    crimes: Table
    cases: Table
    measures: Table
    units: Table
    scopes: Table
    notes: Notes  # the event and its guiding cases in words (data/notes.py)

    def unit_words(self, unit: str) -> set[str]:
        return {normalise_name(word) for word in self.units.rows[unit]["words"].split(";")}

    def in_force(self, crime: str) -> dt.date:
        return dt.date.fromisoformat(self.crimes.rows[crime]["in_force"])


def _table(
    path: Path, columns: tuple[str, ...], name_columns: tuple[str, ...], errors: Collector
) -> Table:
    rows: dict[str, dict[str, str]] = {}
    names: dict[str, str] = {}
    numbers: dict[str, int] = {}
    with errors.guard():
        for row_number, row in read_rows(path, columns):
            code = row[columns[0]]
            if not CODE.fullmatch(code):
                errors.add(
                    DataError(
                        path,
                        f"'{code}' is not a code (lowercase letters, digits, '_' and '-')",
                        row=row_number,
                        field=columns[0],
                    )
                )
                continue
            if code in rows:
                errors.add(
                    DataError(path, f"duplicate code '{code}'", row=row_number, field=columns[0])
                )
                continue
            for column in REQUIRED_TEXT:
                if column in columns and not row[column]:
                    errors.add(DataError(path, "empty", row=row_number, field=column))
            rows[code], numbers[code] = row, row_number
            candidates = [code] + [row[c] for c in name_columns if c != "aliases"]
            candidates += row.get("aliases", "").split(";")
            for name in filter(None, (normalise_name(c) for c in candidates)):
                if names.setdefault(name, code) != code:
                    errors.add(
                        DataError(path, f"name '{name}' also names '{names[name]}'", row=row_number)
                    )
    return Table(path, rows, names, numbers)


def _check_crimes(crimes: Table, errors: Collector) -> None:
    for code, row in crimes.rows.items():
        for field in ("adopted", "in_force"):
            with errors.guard():
                real_date(crimes.path, row[field], field, crimes.numbers[code])


def load_reference(folder: Path, errors: Collector | None = None) -> Reference:
    """Load and cross-check the reference tables in `folder`; with no collector, the
    defects found are raised together."""
    own = errors is None
    errors = errors or Collector()
    crimes = _table(folder / "crimes.csv", CRIME_COLUMNS, ("name_en", "name_zh"), errors)
    cases = _table(folder / "cases.csv", CASE_COLUMNS, ("name_zh",), errors)
    measures = _table(folder / "measures.csv", MEASURE_COLUMNS, ("label",), errors)
    units = _table(folder / "units.csv", UNIT_COLUMNS, ("label",), errors)
    scopes = _table(folder / "scopes.csv", SCOPE_COLUMNS, ("label",), errors)
    _check_crimes(crimes, errors)
    for code, row in cases.rows.items():
        if row["crime"] and row["crime"] not in crimes.rows:
            errors.add(
                DataError(
                    cases.path,
                    f"unknown crime '{row['crime']}' for case {code}{crimes.hint(row['crime'])}",
                    row=cases.numbers[code],
                    field="crime",
                )
            )
    for code, row in measures.rows.items():
        if row["unit"] not in units.rows:
            errors.add(
                DataError(
                    measures.path,
                    f"unknown unit '{row['unit']}' for {code}{units.hint(row['unit'])}",
                    row=measures.numbers[code],
                    field="unit",
                )
            )
    notes = load_notes(folder, cases, errors)
    if own:
        errors.check()
    return Reference(crimes, cases, measures, units, scopes, notes)
