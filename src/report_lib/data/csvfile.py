"""Reading hand-edited CSV files with the row numbers a spreadsheet shows."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path

from report_lib.errors import DataError


def read_text(path: Path) -> str:
    """Strict UTF-8: a file saved in another encoding is an error, not mojibake."""
    if not path.is_file():
        raise DataError(path, "file is missing")
    data = path.read_bytes()
    if not data.strip():
        raise DataError(path, "file is empty")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(path, f"not UTF-8 (byte {exc.start}); save it as UTF-8") from None


def read_rows(path: Path, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row number, row) with every required column present and values stripped."""
    reader = csv.DictReader(read_text(path).splitlines(keepends=True))
    header = reader.fieldnames or []
    missing = [name for name in required if name not in header]
    if missing:
        raise DataError(path, f"missing column '{missing[0]}'", row=1, field=missing[0])
    for record in reader:
        row = reader.line_num
        if None in record:
            raise DataError(path, "more values than columns", row=row)
        yield row, {key: (value or "").strip() for key, value in record.items()}
