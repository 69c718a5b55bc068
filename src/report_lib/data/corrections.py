"""The corrections ledger: fixes to a source's wording, each with its reason.

Corrections apply to the transcribed fields (crime, measure, case), never to the
document or the quote, which stay verbatim. An entry for `quote` gives the corrected
reading shown beside a quote as printed; `field` may name several fields (`crime;quote`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from report_lib.data.csvfile import read_rows
from report_lib.errors import DataError

COLUMNS = ("id", "source_id", "field", "find", "replace", "reason", "reference")
FIELDS = ("crime", "measure", "case", "quote")


@dataclass(frozen=True)
class Correction:
    id: str
    source_id: str  # "*" for every source
    field: str
    find: str
    replace: str
    reason: str
    reference: str
    row: int = 0  # its row in the ledger, for error messages

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.field.split(";"))

    def applies_to(self, source_id: str, field: str, text: str) -> bool:
        return self.source_id in ("*", source_id) and field in self.fields and self.find in text


def load_corrections(path: Path) -> list[Correction]:
    ledger: list[Correction] = []
    seen: set[str] = set()
    for row_number, row in read_rows(path, COLUMNS):
        if not row["id"] or row["id"] in seen:
            raise DataError(
                path, f"missing or duplicate id '{row['id']}'", row=row_number, field="id"
            )
        if not row["field"] or any(f not in FIELDS for f in row["field"].split(";")):
            message = f"field must be one or more of {', '.join(FIELDS)}, separated by ';'"
            raise DataError(path, message, row=row_number, field="field")
        for name in ("find", "reason"):
            if not row[name]:
                raise DataError(path, f"empty {name}", row=row_number, field=name)
        seen.add(row["id"])
        ledger.append(Correction(**{c: row[c] for c in COLUMNS}, row=row_number))
    return ledger


def correct(
    ledger: list[Correction], source_id: str, field: str, text: str
) -> tuple[str, list[str]]:
    """The corrected text and the ids of the corrections that changed it."""
    applied = []
    for entry in ledger:
        if entry.applies_to(source_id, field, text):
            text = text.replace(entry.find, entry.replace)
            applied.append(entry.id)
    return text, applied


def reading(ledger: list[Correction], source_id: str, text: str) -> str:
    """The corrected reading of a source's words, shown beside them as printed."""
    return correct(ledger, source_id, "quote", text)[0]
