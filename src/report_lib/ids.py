"""Identifiers that become file names, links and HTML: report ids and source ids share
one strict pattern, figure ids (which become CSV cells, anchors and HTML) another; both
are checked before anything runs, so an id can never be a path, a URL scheme or markup."""

from __future__ import annotations

import re
from pathlib import Path

from report_lib.errors import DataError

MAX_LENGTH = 64
PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
RULE = f"lowercase letters, digits and inner hyphens, at most {MAX_LENGTH} characters"
FIGURE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_]*")
FIGURE_RULE = (
    f"letters, digits and '_', starting with a letter or digit, at most {MAX_LENGTH} characters"
)


def is_valid(value: object, pattern: re.Pattern[str] = PATTERN) -> bool:
    return (
        isinstance(value, str) and len(value) <= MAX_LENGTH and pattern.fullmatch(value) is not None
    )


def check(
    value: object,
    path: Path | str,
    field: str,
    *,
    row: int | None = None,
    where: str | None = None,
    figure: bool = False,
) -> str:
    """The id itself, or a located one-line error naming the rule it breaks; `where`
    says which entry of the file it is when rows are not lines (e.g. 'report 3');
    `figure` checks a figure id's pattern instead."""
    pattern, rule = (FIGURE_PATTERN, FIGURE_RULE) if figure else (PATTERN, RULE)
    if not is_valid(value, pattern):
        shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
        prefix = f"{where}: " if where else ""
        raise DataError(path, f"{prefix}{shown} is not a valid id ({rule})", row=row, field=field)
    return value
