"""Sources: one folder each under data/raw, holding the document byte for byte, its
origin (origin.yml), the figures as transcribed (figures.csv) and the numbers of the
document that are deliberately not figures (excluded.csv).

A new press release is added by adding a folder; nothing here names a source, and no
source ranks above another: a report chooses releases, crimes or spans by parameters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from report_lib import ids
from report_lib.data import schemas, yamlfile
from report_lib.data.csvfile import read_rows, read_text
from report_lib.errors import Collector, DataError
from report_lib.hashing import sha256_file

ORIGIN = "origin.yml"
FIGURES = "figures.csv"
EXCLUDED = "excluded.csv"
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
# Empty or absent: the origin's scope; no Chinese wording of the figure.
OPTIONAL_FIGURE_COLUMNS = ("scope", "wording_zh", "wording_zh_source")
EXCLUDED_COLUMNS = ("text", "start", "reason")
# Folders tools make beside the data (JupyterLab's file checkpoints); any other folder
# of data/raw is a source, so a misnamed one is refused rather than silently left out.
TOOL_FOLDERS = frozenset({".ipynb_checkpoints"})


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
    date: dt.date
    document_path: Path
    document: str
    figures: list[Row]
    exclusions: list[Row]
    lines: dict[tuple, int]  # the line of each key of origin.yml

    @property
    def scope(self) -> str:
        return self.origin["scope"]

    def origin_error(self, key: str, message: str) -> DataError:
        return DataError(self.folder / ORIGIN, message, row=self.lines.get((key,)), field=key)


def _load_origin(folder: Path) -> tuple[dict[str, Any], dt.date, dict[tuple, int]]:
    path = folder / ORIGIN
    origin, lines = yamlfile.load(path, schemas.ORIGIN)
    if origin["id"] != folder.name:
        raise DataError(
            path,
            f"id '{origin['id']}' differs from folder '{folder.name}'",
            row=lines.get(("id",)),
            field="id",
        )
    dates = {
        key: yamlfile.real_date(path, origin[key], key, lines.get((key,)))
        for key in ("date", "date_accessed")
    }
    return origin, dates["date"], lines


def _check_document(folder: Path, origin: dict[str, Any]) -> Path:
    """The document, proven to be a file of this folder (no link out), with its checksum."""
    entry = origin["files"][0]
    origin_path = folder / ORIGIN
    path = folder / entry["name"]
    inside = path.resolve()
    if path.is_symlink() or inside.parent != folder.resolve():
        raise DataError(
            origin_path, f"'{entry['name']}' leads outside {folder}", field="files[0].name"
        )
    read_text(path, strip_bom=False, controls=False)
    actual = sha256_file(path)
    if actual != entry["sha256"]:
        raise DataError(
            origin_path,
            f"checksum mismatch for {entry['name']}: recorded {entry['sha256'][:12]}…, "
            f"the file has {actual}",
            field="files[0].sha256",
        )
    return path


def _rows(path: Path, columns: tuple[str, ...]) -> list[Row]:
    return [Row(path, n, r) for n, r in read_rows(path, columns)]


def load_source(folder: Path) -> Source:
    """Load a source folder, checking its origin and the checksum of its document."""
    ids.check(folder.name, folder, "folder name")
    if folder.is_symlink():
        raise DataError(folder, "a source folder must not be a link")
    origin, date, lines = _load_origin(folder)
    document_path = _check_document(folder, origin)
    figures = _rows(folder / FIGURES, FIGURE_COLUMNS)
    exclusions = _rows(folder / EXCLUDED, EXCLUDED_COLUMNS)
    if not figures:
        raise DataError(folder / FIGURES, "no figures")
    return Source(
        id=folder.name,
        folder=folder,
        origin=origin,
        date=date,
        document_path=document_path,
        document=read_text(document_path, strip_bom=False),
        figures=figures,
        exclusions=exclusions,
        lines=lines,
    )


def load_sources(raw: Path, errors: Collector) -> list[Source]:
    """Every folder of `raw` is a source (a folder without its files is an error). A
    source with a defect is reported in `errors` and left out; the others load."""
    if not raw.is_dir():
        raise DataError(raw, "no such folder")
    if (raw / ORIGIN).exists():
        raise DataError(raw, "is a source folder; give the folder that holds source folders")
    folders = sorted(p for p in raw.iterdir() if p.is_dir() and p.name not in TOOL_FOLDERS)
    if not folders:
        raise DataError(raw, "no source folders")
    sources = []
    for folder in folders:
        with errors.guard():
            sources.append(load_source(folder))
    return sources
