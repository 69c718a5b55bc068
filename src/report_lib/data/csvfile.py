"""Reading hand-edited text files strictly: UTF-8 (a leading BOM is accepted and
dropped), no NUL or other control characters, no over-long field, and CSV rows numbered
as a spreadsheet shows them (header = row 1; a quoted newline does not start a row)."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from report_lib.errors import DataError

BOM = "\ufeff"
MAX_FIELD = 20_000  # characters in one CSV cell: a long quote is a few hundred
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_character(text: str) -> re.Match[str] | None:
    """The first character no hand-written text holds (tab and newlines allowed)."""
    return _CONTROL.search(text)


def _control_error(path: Path, text: str, row: int | None = None, field: str | None = None):
    found = control_character(text)
    if found is None:
        return None
    line = row if row is not None else text.count("\n", 0, found.start()) + 1
    return DataError(
        path, f"control character U+{ord(found.group()):04X} is not allowed", row=line, field=field
    )


def read_text(path: Path, *, strip_bom: bool = True, controls: bool = True) -> str:
    """Strict UTF-8: a file saved in another encoding is an error, not mojibake."""
    if not path.is_file():
        raise DataError(path, "file is missing")
    data = path.read_bytes()
    if not data.strip():
        raise DataError(path, "file is empty")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(path, f"not UTF-8 (byte {exc.start}); save it as UTF-8") from None
    if strip_bom and text.startswith(BOM):
        text = text[1:]
    if controls and (error := _control_error(path, text)):
        raise error
    return text


def _records(path: Path, text: str) -> Iterator[list[str]]:
    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    try:
        yield from reader
    except csv.Error as exc:
        # The csv module counts physical lines; this is only said when it cannot parse.
        message = str(exc).split("\n")[0]
        raise DataError(path, f"not valid CSV near line {reader.line_num}: {message}") from None


def read_rows(path: Path, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row number, row) with every required column present and values stripped.
    Columns beyond `required` are kept as they are (optional columns read as '')."""
    csv.field_size_limit(2**31 - 1)  # MAX_FIELD below says which cell, csv would not
    records = _records(path, read_text(path, controls=False))
    header = [name.strip() for name in next(records, [])]
    missing = [name for name in required if name not in header]
    if missing:
        raise DataError(path, f"missing column '{missing[0]}'", row=1, field=missing[0])
    for row, record in enumerate(records, 2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(header):
            raise DataError(path, "more values than columns", row=row)
        fields = dict(zip(header, (cell.strip() for cell in record), strict=False))
        for name, value in fields.items():
            if len(value) > MAX_FIELD:
                raise DataError(
                    path, f"{len(value):,} characters; at most {MAX_FIELD:,}", row=row, field=name
                )
            if error := _control_error(path, value, row, name):
                raise error
        yield row, {name: fields.get(name, "") for name in header}
