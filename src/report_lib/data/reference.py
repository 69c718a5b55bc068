"""Reference tables: the crimes, cases, measures and units a figure can belong to.

Names as printed in a source are matched to codes here, through each table's code,
names and aliases, so that no source's wording is special-cased in code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from report_lib.data.csvfile import read_rows
from report_lib.errors import DataError

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
CASE_COLUMNS = ("case_id", "label", "kind", "number", "name_en", "name_zh", "crime", "aliases")
MEASURE_COLUMNS = ("code", "label", "unit", "description", "aliases")
UNIT_COLUMNS = ("code", "words")

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

    def code_for(self, text: str) -> str | None:
        return self.names.get(normalise_name(text))


@dataclass(frozen=True)
class Reference:
    crimes: Table
    cases: Table
    measures: Table
    units: Table

    def unit_words(self, unit: str) -> set[str]:
        return {normalise_name(word) for word in self.units.rows[unit]["words"].split(";")}


def _table(path: Path, columns: tuple[str, ...], name_columns: tuple[str, ...]) -> Table:
    rows: dict[str, dict[str, str]] = {}
    names: dict[str, str] = {}
    for row_number, row in read_rows(path, columns):
        code = row[columns[0]]
        if not code:
            raise DataError(path, "empty code", row=row_number, field=columns[0])
        if code in rows:
            raise DataError(path, f"duplicate code '{code}'", row=row_number, field=columns[0])
        rows[code] = row
        candidates = [code] + [row[c] for c in name_columns if c != "aliases"]
        candidates += row.get("aliases", "").split(";")
        for name in filter(None, (normalise_name(c) for c in candidates)):
            if names.setdefault(name, code) != code:
                raise DataError(path, f"name '{name}' also names '{names[name]}'", row=row_number)
    return Table(path, rows, names)


def load_reference(folder: Path) -> Reference:
    """Load and cross-check the reference tables in `folder`."""
    crimes = _table(folder / "crimes.csv", CRIME_COLUMNS, ("name_en", "name_zh"))
    cases = _table(folder / "cases.csv", CASE_COLUMNS, ("name_zh",))
    measures = _table(folder / "measures.csv", MEASURE_COLUMNS, ("label",))
    units = _table(folder / "units.csv", UNIT_COLUMNS, ())
    for code, row in cases.rows.items():
        if row["crime"] and row["crime"] not in crimes.rows:
            raise DataError(
                cases.path, f"unknown crime '{row['crime']}' for case {code}", field="crime"
            )
    for code, row in measures.rows.items():
        if row["unit"] not in units.rows:
            raise DataError(measures.path, f"unknown unit '{row['unit']}' for {code}", field="unit")
    return Reference(crimes, cases, measures, units)
