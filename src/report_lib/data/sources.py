"""Sources: one folder each under data/raw, holding the document byte for byte, its
origin (origin.yml), the figures as transcribed (figures.csv) and the numbers of the
document that are deliberately not figures (excluded.csv).

A new press release is added by adding a folder; nothing here names a source."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from report_lib import ids
from report_lib.data.csvfile import read_rows, read_text
from report_lib.errors import DataError
from report_lib.hashing import sha256_file

ORIGIN = "origin.yml"
FIGURES = "figures.csv"
EXCLUDED = "excluded.csv"
ROLES = ("primary", "secondary")
ORIGIN_KEYS = (
    "id",
    "role",
    "title",
    "publisher",
    "outlet_language",
    "event",
    "date",
    "speakers",
    "address",
    "date_accessed",
    "files",
    "transcription_notes",
    "translation_notes",
    "period_note",
)
FIGURE_COLUMNS = (
    "figure_id",
    "raw",
    "measure",
    "crime",
    "case",
    "quote",
    "quote_start",
    "period_start",
    "period_end",
    "corroborated_by",
    "corroboration_note",
)
EXCLUDED_COLUMNS = ("text", "start", "reason")


@dataclass(frozen=True)
class Row:
    """One transcribed row, with where it came from for error messages."""

    path: Path
    number: int
    fields: dict[str, str]

    def error(self, field: str, message: str) -> DataError:
        return DataError(self.path, message, row=self.number, field=field)


@dataclass(frozen=True)
class Source:
    id: str
    folder: Path
    origin: dict[str, Any]
    document_path: Path
    document: str
    figures: list[Row]
    exclusions: list[Row]

    @property
    def role(self) -> str:
        return self.origin["role"]

    @property
    def date(self) -> dt.date:
        return self.origin["date"]


def _load_origin(folder: Path) -> dict[str, Any]:
    path = folder / ORIGIN
    try:
        origin = yaml.safe_load(read_text(path))
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise DataError(path, "not valid YAML", row=None if line is None else line + 1) from None
    if not isinstance(origin, dict):
        raise DataError(path, "expected a mapping of keys to values")
    for key in ORIGIN_KEYS:
        if key not in origin:
            raise DataError(path, f"missing key '{key}'", field=key)
    if origin["id"] != folder.name:
        raise DataError(
            path, f"id '{origin['id']}' differs from folder '{folder.name}'", field="id"
        )
    if origin["role"] not in ROLES:
        raise DataError(path, f"role must be one of {', '.join(ROLES)}", field="role")
    for key in ("date", "date_accessed"):
        if not isinstance(origin[key], dt.date):
            raise DataError(path, f"'{origin[key]}' is not a date (YYYY-MM-DD)", field=key)
    files = origin["files"]
    if not isinstance(files, list) or len(files) != 1:
        raise DataError(path, "list exactly one document under 'files'", field="files")
    return origin


def _check_document(folder: Path, origin: dict[str, Any]) -> Path:
    entry = origin["files"][0]
    origin_path = folder / ORIGIN
    if not isinstance(entry, dict) or not entry.get("name") or not entry.get("sha256"):
        raise DataError(origin_path, "each file needs a name and a sha256", field="files")
    path = folder / entry["name"]
    read_text(path)
    actual = sha256_file(path)
    if actual != entry["sha256"]:
        raise DataError(
            origin_path,
            f"checksum mismatch for {entry['name']}: recorded {entry['sha256'][:12]}…, "
            f"the file has {actual}",
            field="sha256",
        )
    return path


def load_source(folder: Path) -> Source:
    """Load a source folder, checking its name (an id: it reaches links and pages), its
    origin and the checksum of its document."""
    ids.check(folder.name, folder.parent, "source folder")
    origin = _load_origin(folder)
    document_path = _check_document(folder, origin)
    figures = [Row(folder / FIGURES, n, r) for n, r in read_rows(folder / FIGURES, FIGURE_COLUMNS)]
    exclusions = [
        Row(folder / EXCLUDED, n, r) for n, r in read_rows(folder / EXCLUDED, EXCLUDED_COLUMNS)
    ]
    if not figures:
        raise DataError(folder / FIGURES, "no figures")
    return Source(
        id=folder.name,
        folder=folder,
        origin=origin,
        document_path=document_path,
        document=read_text(document_path),
        figures=figures,
        exclusions=exclusions,
    )


def load_sources(raw: Path) -> list[Source]:
    """Every folder of `raw` is a source (a folder without its files is an error)."""
    if not raw.is_dir():
        raise DataError(raw, "no such folder")
    if (raw / ORIGIN).exists():
        raise DataError(raw, "is a source folder; give the folder that holds source folders")
    folders = sorted(p for p in raw.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not folders:
        raise DataError(raw, "no source folders")
    return [load_source(folder) for folder in folders]
