"""The one error type bad input raises, so the CLI can print it as a single line."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
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


MAX_SHOWN = 20


class DataErrors(DataError):
    """Several located defects found in one pass, so an analyst fixes them all in one go.
    Sorted by file and row; at most MAX_SHOWN are shown, then how many more there are."""

    def __init__(self, errors: list[DataError]) -> None:
        self.errors = sorted(errors, key=_order)
        first = self.errors[0]
        super().__init__(first.path, first.message, row=first.row, field=first.field)

    def lines(self) -> list[str]:
        shown = [str(e) for e in self.errors[:MAX_SHOWN]]
        hidden = len(self.errors) - MAX_SHOWN
        return shown + ([f"… and {hidden} more errors"] if hidden > 0 else [])

    def __str__(self) -> str:
        return "\n".join(self.lines())


def _order(error: DataError) -> tuple[str, int, str]:
    return (str(error.path), error.row or 0, error.field or "")


class Collector:
    """Gathers DataErrors instead of stopping at the first; `check()` raises them all."""

    def __init__(self) -> None:
        self.errors: list[DataError] = []

    def add(self, error: DataError) -> None:
        self.errors.extend(error.errors if isinstance(error, DataErrors) else [error])

    @contextlib.contextmanager
    def guard(self) -> Iterator[None]:
        """Record a DataError raised in the block and go on after it."""
        try:
            yield
        except DataError as error:
            self.add(error)

    def check(self) -> None:
        if self.errors:
            raise DataErrors(self.errors) if len(self.errors) > 1 else self.errors[0]


def lines(error: DataError) -> list[str]:
    """The one-line messages of an error, one per defect."""
    return error.lines() if isinstance(error, DataErrors) else [str(error)]
