"""What a report's outputs depend on, as checksums: a run key for the executed notebook
and its tables, and a full key that adds what only the HTML and PDF depend on.

Inputs are chosen by folder of the package: `data/`, `report/` and the package's top-level
modules are what a kernel imports, so a change there re-runs; `render/` only re-renders;
`build/` (the command line, the index, publishing, the benchmark) changes nothing built."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from report_lib.build.reports import Report
from report_lib.hashing import sha256_file, sha256_value
from report_lib.paths import PACKAGE, Layout

PACKAGE_LABEL = "report_lib"
RUN_FOLDERS = ("data", "report")
RENDER_FOLDERS = ("render",)


class Keys(NamedTuple):
    run: str  # of what the executed notebook and its tables depend on
    full: str  # of that and what the HTML and PDF depend on
    inputs: dict[str, str]


def _files(folder: Path, pattern: str = "*") -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts)


def _package_files(folders: tuple[str, ...]) -> list[Path]:
    return [p for name in folders for p in _files(PACKAGE / name)]


def label(path: Path, layout: Layout) -> str:
    """A stable name for an input: `report_lib/...` for the package (wherever it is
    installed, inside the checkout or not), else relative to the checkout."""
    path = path.resolve()
    if path.is_relative_to(PACKAGE):
        return f"{PACKAGE_LABEL}/{path.relative_to(PACKAGE).as_posix()}"
    root = layout.root.resolve()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()


def _checksums(paths: list[Path], layout: Layout) -> dict[str, str]:
    return {label(p, layout): sha256_file(p) for p in paths}


def input_paths(layout: Layout) -> list[Path]:
    """Every file and folder a build reads: a superset of what the keys hash (the whole
    package and the notebooks' folder), for the stamp of a build with nothing to do."""
    found = [layout.processed, layout.reference, layout.raw, layout.corrections]
    return [*found, layout.requirements, layout.notebooks, PACKAGE]


def run_inputs(layout: Layout) -> dict[str, str]:
    """Inputs of every report's run: the data, the kernel's code, the pinned versions."""
    paths = _files(layout.processed) + _files(layout.reference) + _files(layout.raw)
    paths += [layout.corrections] if layout.corrections.is_file() else []
    paths += sorted(p for p in PACKAGE.glob("*.py"))
    paths += _package_files(RUN_FOLDERS)
    paths += [layout.requirements] if layout.requirements.is_file() else []
    return _checksums(paths, layout)


def render_inputs(layout: Layout) -> dict[str, str]:
    """Inputs of every report's HTML and PDF only: exporters, browser code, templates."""
    return _checksums(_package_files(RENDER_FOLDERS), layout)


def fingerprint(
    report: Report,
    run_shared: dict[str, str],
    render_shared: dict[str, str],
    layout: Layout,
    options: dict | None = None,
) -> Keys:
    notebook = {label(report.notebook, layout): sha256_file(report.notebook)}
    run = sha256_value([report.parameters, {**run_shared, **notebook}])
    full = sha256_value(
        [run, report.title, report.summary, report.group, options or {}, render_shared]
    )
    return Keys(run, full, {**run_shared, **notebook, **render_shared})
