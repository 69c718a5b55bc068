"""The one error type bad input raises, so the CLI can print it as a single line."""

from __future__ import annotations

from pathlib import Path


class DataError(Exception):
    """Bad input, located: the file, the row (line number as a spreadsheet shows it,
    header = row 1) and the field, so an analyst can go straight to the cell."""

    def __init__(
        self, path: Path | str, message: str, *, row: int | None = None, field: str | None = None
    ) -> None:
        self.path = Path(path)
        self.row = row
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [str(self.path)]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        return f"{', '.join(where)}: {self.message}"
