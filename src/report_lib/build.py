"""The build: run each report whose inputs changed (in parallel, with papermill), then
render its HTML and PDF (one nbconvert exporter and one browser per build), the index
and the manifest. A failed report keeps its previous outputs; nothing is half-written.

Kept light at import time: a build with nothing to do must return in well under a
second, so papermill, nbconvert and playwright are imported only when there is work."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from report_lib import atomic
from report_lib.errors import DataError
from report_lib.execute import results
from report_lib.reports import Report, check_parameters, load_reports

if TYPE_CHECKING:
    from nbformat import NotebookNode

MANIFEST = "manifest.json"
PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Layout:
    """Where the build reads and writes; tests point it at a temporary folder."""

    root: Path
    out: Path

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def work(self) -> Path:
        return self.out / ".work"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(folder: Path, pattern: str = "*") -> list[Path]:
    return sorted(p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts)


def shared_inputs(layout: Layout) -> dict[str, str]:
    """Inputs of every report: the data, the library and its templates, the pinned versions."""
    paths = _files(layout.data / "processed") + _files(layout.data / "reference")
    paths += [*_files(layout.data / "raw"), layout.data / "corrections.csv"]
    paths += _files(PACKAGE, "*.py") + _files(PACKAGE / "templates")
    lock = layout.root / "requirements.lock"
    paths += [lock] if lock.is_file() else []
    return {_label(p, layout): _sha256(p) for p in paths}


def _label(path: Path, layout: Layout) -> str:
    for base, name in ((layout.root, ""), (PACKAGE, "report_lib/")):
        if path.is_relative_to(base):
            return name + path.relative_to(base).as_posix()
    return path.as_posix()


# What only the HTML and PDF depend on: a change here re-renders without re-running.
RENDERING = (
    "report_lib/render.py",
    "report_lib/pdf.py",
    "report_lib/browser.py",
    "report_lib/templates/",
)


class Keys(NamedTuple):
    run: str  # of what the executed notebook and its tables depend on
    full: str  # of that and what the HTML and PDF depend on
    inputs: dict[str, str]


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def fingerprint(
    report: Report, shared: dict[str, str], layout: Layout, options: dict | None = None
) -> Keys:
    inputs = {**shared, _label(report.notebook, layout): _sha256(report.notebook)}
    run_inputs = {k: v for k, v in inputs.items() if not k.startswith(RENDERING)}
    run = _digest([report.parameters, run_inputs])
    full = _digest([run, report.title, report.summary, report.roles, options or {}, inputs])
    return Keys(run, full, inputs)


def outputs_of(report: Report) -> dict[str, str]:
    return {
        "notebook": f"notebooks/{report.id}.ipynb",
        "html": f"{report.id}.html",
        "pdf": f"{report.id}.pdf",
        "tables": f"tables/{report.id}",
    }


def read_manifest(out: Path) -> dict[str, Any]:
    try:
        return json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"reports": []}


def _work_to_do(entry: dict | None, keys: Keys, out: Path) -> str | None:
    """'run', 'render' or None, from what the last build recorded and left in out/."""
    if not entry or entry.get("run_fingerprint") != keys.run:
        return "run"
    outputs = entry["outputs"]
    if not all((out / outputs[name]).exists() for name in ("notebook", "tables")):
        return "run"
    if entry.get("fingerprint") != keys.full or not all(
        (out / path).exists() for path in outputs.values()
    ):
        return "render"
    return None


def revision(root: Path) -> str:
    """The commit the reports were built from; '-dirty' when tracked files differ."""

    def git(*args: str) -> str:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
        return result.stdout.strip() if result.returncode == 0 else ""

    commit = git("rev-parse", "HEAD")
    if not commit:
        return "unknown"
    return commit + ("-dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


def build_date(root: Path) -> str:
    """SOURCE_DATE_EPOCH, else the commit time: never the wall clock, so builds repeat."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True
        )
        epoch = result.stdout.strip()
    return time.strftime("%Y-%m-%d", time.gmtime(int(epoch))) if epoch else "unknown"


def _job(report: Report, layout: Layout) -> dict[str, Any]:
    work = layout.work / report.id
    relative = lambda p: os.path.relpath(p, layout.notebooks)  # noqa: E731
    paths = {
        "processed_dir": relative(layout.data / "processed"),
        "reference_dir": relative(layout.data / "reference"),
        "raw_dir": relative(layout.data / "raw"),
        "corrections_path": relative(layout.data / "corrections.csv"),
        "tables_dir": relative(work / "tables"),
    }
    return {
        "id": report.id,
        "input": str(report.notebook),
        "output": str(work / f"{report.id}.ipynb"),
        "paths": paths,
        "parameters": report.parameters,
        "cwd": str(layout.notebooks),
        "progress": sys.stderr.isatty(),
    }


# --- rendering and publishing into outputs/ ------------------------------------------


def _charted_sources(tables: Path) -> set[str]:
    """The sources a report's charts drew on, read from the tables they plotted."""
    import csv

    used: set[str] = set()
    for path in tables.glob("*.csv"):
        with path.open(encoding="utf-8") as handle:
            used |= {row["source_id"] for row in csv.DictReader(handle) if row.get("source_id")}
    return used


def _provenance(report: Report, layout: Layout, rev: str, date: str) -> dict[str, Any]:
    """What the report's header and footer say of where it comes from: its sources (the
    primary ones, and the others its charts drew on, or all of its roles if none did)."""
    import csv
    import platform
    from importlib.metadata import version

    charted = _charted_sources(layout.out / outputs_of(report)["tables"])
    with (layout.data / "processed" / "sources.csv").open(encoding="utf-8") as handle:
        sources = [
            {
                "id": r["source_id"],
                "title": r["title"],
                "publisher": r["publisher"],
                "date": r["date"],
                "role": r["role"],
                "files": [{"name": r["file"], "sha256": r["sha256"]}],
            }
            for r in csv.DictReader(handle)
            if r["role"] in report.roles
            and (r["role"] == "primary" or not charted or r["source_id"] in charted)
        ]
    packages = ("pandas", "matplotlib", "seaborn", "papermill", "nbconvert", "playwright")
    return {
        "title": report.title,
        "summary": report.summary,
        "sources": sources,
        "parameters": report.parameters,
        "revision": rev,
        "versions": {"python": platform.python_version(), **{p: version(p) for p in packages}},
        "build_date": date,
    }


def _promote(report: Report, layout: Layout) -> NotebookNode:
    """Move a freshly executed notebook and its tables from the work folder into out/."""
    import nbformat

    work = layout.work / report.id
    nb = nbformat.read(work / f"{report.id}.ipynb", as_version=4)
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill draws a random id for it
    outputs = outputs_of(report)
    atomic.write_text(layout.out / outputs["notebook"], nbformat.writes(nb) + "\n")
    tables = layout.out / outputs["tables"]
    staged = work / "tables"
    staged.mkdir(exist_ok=True)
    old = tables.with_name(f".{tables.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    tables.parent.mkdir(parents=True, exist_ok=True)
    if tables.exists():
        tables.rename(old)
    staged.rename(tables)
    shutil.rmtree(old, ignore_errors=True)
    return nb


def _render(
    report: Report, layout: Layout, nb: NotebookNode, provenance: dict, pdf_exporter, show_code
) -> dict[str, float]:
    """Write the report's HTML and PDF; returns the seconds spent on each."""
    from report_lib.render import render_html

    nb.metadata["report_lib"] = provenance
    started = time.perf_counter()
    html = render_html(nb, show_code=show_code)
    rendered = time.perf_counter()
    pdf, _ = pdf_exporter.from_notebook_node(nb)
    pdf = fix_pdf_dates(pdf, provenance["build_date"])
    printed = time.perf_counter()
    outputs = outputs_of(report)
    atomic.write_text(layout.out / outputs["html"], html)
    atomic.write_bytes(layout.out / outputs["pdf"], pdf)
    return {"html_s": rendered - started, "pdf_s": printed - rendered}


def _executed(report: Report, layout: Layout) -> NotebookNode:
    """The executed notebook of the last build, for a report that only needs rendering."""
    import nbformat

    return nbformat.read(layout.out / outputs_of(report)["notebook"], as_version=4)


_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}[^)]*\)")


def fix_pdf_dates(pdf: bytes, date: str) -> bytes:
    """Chromium stamps the wall clock into the PDF's info dictionary; use the build date
    instead so that two builds of one commit give the same bytes (same length: the
    cross-reference offsets stay valid)."""
    day = date if date != "unknown" else "1970-01-01"
    stamp = day.replace("-", "").encode() + b"000000"

    def replace(match: re.Match[bytes]) -> bytes:
        new = b"/" + match.group(1) + b" (D:" + stamp + b"+00'00')"
        return new if len(new) == len(match.group(0)) else match.group(0)

    return _PDF_DATE.sub(replace, pdf)


def _keep_failed(report: Report, layout: Layout) -> Path:
    failed = layout.out / "failed" / f"{report.id}.ipynb"
    executed = layout.work / report.id / f"{report.id}.ipynb"
    if executed.exists():
        failed.parent.mkdir(parents=True, exist_ok=True)
        os.replace(executed, failed)
    return failed


def _check_all(reports: list[Report], layout: Layout, path: Path, browser: bool) -> None:
    """Everything that can be known wrong before anything runs: the browser, parameters."""
    import papermill

    from report_lib.browser import BrowserNotFound, find_chromium
    from report_lib.reference import load_reference

    try:
        if browser:
            find_chromium()
    except BrowserNotFound as exc:
        raise DataError("chromium", str(exc)) from None
    ref = load_reference(layout.data / "reference")
    codes = {"crimes": set(ref.crimes.rows), "cases": set(ref.cases.rows)}
    for report in reports:
        check_parameters(path, report, papermill.inspect_notebook(str(report.notebook)), codes)


def _pdf_exporter(stack: contextlib.ExitStack):
    """One browser for the whole build, closed with it."""
    from report_lib.browser import PdfPrinter
    from report_lib.pdf import ReportPDFExporter

    return ReportPDFExporter(printer=stack.enter_context(PdfPrinter()))


def _entry(report: Report, keys: Keys, provenance: dict, rev: str, layout: Layout):
    """The manifest's record of one report."""
    return {
        "id": report.id,
        "title": report.title,
        "summary": report.summary,
        "notebook": _label(report.notebook, layout),
        "parameters": report.parameters,
        "fingerprint": keys.full,
        "run_fingerprint": keys.run,
        "inputs": keys.inputs,
        "outputs": outputs_of(report),
        "revision": rev,
        "sources": [
            {"id": s["id"], "date": s["date"], "role": s["role"]} for s in provenance["sources"]
        ],
    }


def build(
    layout: Layout,
    jobs: int | None = None,
    only: list[str] | None = None,
    show_code: bool = False,
    stats: list[dict] | None = None,
) -> int:
    """Bring outputs/ up to date; returns the exit status. `show_code` keeps the code
    cells in the HTML (never in the PDF); `stats` receives each report's timings."""
    path = layout.notebooks / "reports.yml"
    reports = load_reports(path)
    manifest = read_manifest(layout.out)
    previous = {entry["id"]: entry for entry in manifest["reports"]}
    shared = shared_inputs(layout)
    options = {"show_code": show_code}
    keys = {r.id: fingerprint(r, shared, layout, options) for r in reports}
    work = {r.id: _work_to_do(previous.get(r.id), keys[r.id], layout.out) for r in reports}
    if only:
        work = {i: w if i in only else None for i, w in work.items()}
    to_run = [r for r in reports if work[r.id] == "run"]
    to_render = [r for r in reports if work[r.id] == "render"]
    index_ok = (layout.out / "index.html").exists() and manifest.get("status") == "ok"
    listed = [e["id"] for e in manifest["reports"]] == [r.id for r in reports]
    if not to_run and not to_render and index_ok and listed:
        print(f"report: all {len(reports)} reports up to date")
        return 0
    _check_all(to_run, layout, path, browser=bool(to_run or to_render))
    workers = jobs or min(os.cpu_count() or 1, max(len(to_run), 1))
    print(
        f"report: of {len(reports)} reports, {len(to_run)} to run ({workers} at a time) "
        f"and {len(to_render)} to re-render"
    )
    rev, date = revision(layout.root), build_date(layout.root)
    by_id = {r.id: r for r in to_run}
    failures = 0
    with contextlib.ExitStack() as stack:
        exporter = None

        def install(report: Report, nb: NotebookNode, ran: str) -> None:
            nonlocal exporter
            exporter = exporter or _pdf_exporter(stack)
            provenance = _provenance(report, layout, rev, date)
            timings = _render(report, layout, nb, provenance, exporter, show_code)
            previous[report.id] = _entry(report, keys[report.id], provenance, rev, layout)
            print(
                f"  ok {report.id:<28} {ran}, "
                f"html {timings['html_s']:4.1f} s, pdf {timings['pdf_s']:4.1f} s"
            )
            if stats is not None:
                stats.append({"id": report.id, **timings})

        for report in to_render:
            install(report, _executed(report, layout), "rendered only")
        for result in results([_job(r, layout) for r in to_run], workers):
            report = by_id[result["id"]]
            if not result["ok"]:
                failures += 1
                kept = _keep_failed(report, layout)
                print(
                    f"  FAILED {report.id}: {result['error']} (notebook kept in {kept})",
                    file=sys.stderr,
                )
                continue
            install(report, _promote(report, layout), f"run {result['seconds']:5.1f} s")
            if stats is not None:
                stats[-1]["run_s"] = result["seconds"]
    shutil.rmtree(layout.work, ignore_errors=True)
    entries = [previous[r.id] for r in reports if r.id in previous]
    status = "failed" if failures else "ok" if len(entries) == len(reports) else "incomplete"
    new_manifest = {"status": status, "revision": rev, "build_date": date, "reports": entries}
    from report_lib.site import write_index

    write_index(layout.out, new_manifest)
    atomic.write_text(
        layout.out / MANIFEST, json.dumps(new_manifest, indent=2, sort_keys=True) + "\n"
    )
    if failures:
        print(
            f"report: {failures} report(s) failed; their previous outputs are unchanged",
            file=sys.stderr,
        )
        return 1
    return 0
