"""Identifiers that become file names, links and HTML: report ids and source ids. One
strict pattern for both, checked before anything runs, so an id can never be a path, a
URL scheme or markup."""

from __future__ import annotations

import re
from pathlib import Path

from report_lib.errors import DataError

MAX_LENGTH = 64
PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
RULE = f"lowercase letters, digits and inner hyphens, at most {MAX_LENGTH} characters"


def is_valid(value: object) -> bool:
    return (
        isinstance(value, str) and len(value) <= MAX_LENGTH and PATTERN.fullmatch(value) is not None
    )


def check(
    value: object,
    path: Path | str,
    field: str,
    *,
    row: int | None = None,
    where: str | None = None,
) -> str:
    """The id itself, or a located one-line error naming the rule it breaks; `where`
    says which entry of the file it is when rows are not lines (e.g. 'report 3')."""
    if not is_valid(value):
        shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
        prefix = f"{where}: " if where else ""
        raise DataError(path, f"{prefix}{shown} is not a valid id ({RULE})", row=row, field=field)
    return value
