"""Every path of the project, in one place: the folders a build reads and writes,
relative to a checkout, and the package's own folders. Nothing else spells a path out."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from report_lib.errors import DataError

PACKAGE = Path(__file__).resolve().parent
RENDER_TEMPLATES = PACKAGE / "render" / "templates"
BUILD_TEMPLATES = PACKAGE / "build" / "templates"
LOCALE = PACKAGE / "locale"  # gettext catalogs: <lang>/LC_MESSAGES/<domain>.po

# Relative to the checkout, as the command line takes them.
NOTEBOOKS = Path("notebooks")
REPORT_LIST = NOTEBOOKS / "reports.yml"
DATA = Path("data")
RAW = DATA / "raw"
REFERENCE = DATA / "reference"
PROCESSED = DATA / "processed"
CORRECTIONS = DATA / "corrections.csv"
OUTPUTS = Path("outputs")
REQUIREMENTS = Path("requirements.lock")

MANIFEST = "manifest.json"
INDEX = "index.html"


@dataclass(frozen=True)
class Layout:
    """Where a build reads and writes; tests and the benchmark point it at a copy."""

    root: Path
    out: Path

    @property
    def notebooks(self) -> Path:
        return self.root / NOTEBOOKS

    @property
    def report_list(self) -> Path:
        return self.root / REPORT_LIST

    @property
    def data(self) -> Path:
        return self.root / DATA

    @property
    def raw(self) -> Path:
        return self.root / RAW

    @property
    def reference(self) -> Path:
        return self.root / REFERENCE

    @property
    def processed(self) -> Path:
        return self.root / PROCESSED

    @property
    def corrections(self) -> Path:
        return self.root / CORRECTIONS

    @property
    def requirements(self) -> Path:
        return self.root / REQUIREMENTS

    def notebook_paths(self, tables: Path) -> dict[str, str]:
        """The data paths a notebook receives as parameters, relative to the notebooks'
        folder (its working directory); `tables` is where its chart tables go."""
        relative = lambda p: os.path.relpath(p, self.notebooks)  # noqa: E731
        return {
            "processed_dir": relative(self.processed),
            "reference_dir": relative(self.reference),
            "raw_dir": relative(self.raw),
            "corrections_path": relative(self.corrections),
            "tables_dir": relative(tables),
        }

    @property
    def manifest(self) -> Path:
        return self.out / MANIFEST

    @property
    def index(self) -> Path:
        return self.out / INDEX

    @property
    def work(self) -> Path:
        return self.out / ".work"

    @property
    def failed(self) -> Path:
        return self.out / "failed"


BUILD_LOCK = ".report-lib.lock"


def contained(base: Path, relative: str | Path) -> Path:
    """`base / relative`, proven to stay inside `base` once links and '..' are resolved;
    called before anything there is written or deleted."""
    root = base.resolve()
    try:
        target = (root / relative).resolve()
        looped = any(p.is_symlink() for p in (target, *target.parents))  # left unresolved
    except (OSError, RuntimeError):  # a loop of links, as Python before 3.13 reports it
        looped = True
    if looped:
        raise DataError(base / relative, "refused: the path's links do not resolve")
    if target == root or not target.is_relative_to(root):
        raise DataError(base / relative, f"refused: the path leads outside {base}")
    return target
