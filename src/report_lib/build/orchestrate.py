"""The build: run each report whose inputs changed (in parallel, with papermill), then
render its HTML and PDF (one nbconvert exporter and one browser per build), the index
and the manifest. A failed report keeps its previous outputs; nothing is half-written.

One build at a time per checkout (a lock); every path written or deleted is proven to
lie inside outputs/; the manifest is written after each report and says 'building'
until the index is written, so a killed build is never published and the next repairs it.

Kept light at import time: a build with nothing to do must return in well under a
second, so papermill, nbconvert and playwright are imported only when there is work."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from report_lib import atomic, ids
from report_lib.build import changes, lock
from report_lib.build.downloads import write_figures
from report_lib.build.execute import start
from report_lib.build.fingerprint import Keys, fingerprint, label, render_inputs, run_inputs
from report_lib.build.manifest import (
    BUILDING,
    FAILED,
    INCOMPLETE,
    OK,
    outputs_of,
    read_manifest,
    write_manifest,
)
from report_lib.build.pages import listing, page_metadata
from report_lib.build.provenance import build_date, provenance, revision
from report_lib.build.reports import Report, check_parameters, load_reports
from report_lib.errors import DataError
from report_lib.paths import BUILD_LOCK, Layout, contained
from report_lib.render.links import FIGURES_CSV

if TYPE_CHECKING:
    from nbformat import NotebookNode


def _work_to_do(entry: dict | None, keys: Keys, layout: Layout) -> str | None:
    """'run', 'render' or None, from what the last build recorded and left in out/."""
    if not entry or entry.get("run_fingerprint") != keys.run:
        return "run"
    outputs = entry["outputs"]
    if not all((layout.out / outputs.get(name, "")).exists() for name in ("notebook", "tables")):
        return "run"
    if entry.get("fingerprint") != keys.full or not all(
        (layout.out / path).exists() for path in outputs.values()
    ):
        return "render"
    html, notebook = (layout.out / outputs[name] for name in ("html", "notebook"))
    if notebook.stat().st_mtime > html.stat().st_mtime:  # a render that never finished
        return "render"
    return None


def _job(report: Report, layout: Layout) -> dict[str, Any]:
    work = contained(layout.out, layout.work.relative_to(layout.out) / report.id)
    relative = lambda p: os.path.relpath(p, layout.notebooks)  # noqa: E731
    paths = {
        "processed_dir": relative(layout.processed),
        "reference_dir": relative(layout.reference),
        "raw_dir": relative(layout.raw),
        "corrections_path": relative(layout.corrections),
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


def _promote(report: Report, layout: Layout) -> NotebookNode:
    """Move a freshly executed notebook and its tables from the work folder into out/."""
    import nbformat

    work = layout.work / report.id
    nb = nbformat.read(work / f"{report.id}.ipynb", as_version=4)
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill draws a random id for it
    outputs = outputs_of(report)
    atomic.write_text(contained(layout.out, outputs["notebook"]), nbformat.writes(nb) + "\n")
    tables = contained(layout.out, outputs["tables"])
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
    report: Report, layout: Layout, nb: NotebookNode, prov: dict, pdf_exporter, show_code: bool
) -> dict[str, float]:
    """Write the report's HTML and PDF; returns the seconds spent on each."""
    import time

    from report_lib.render.html import render_html

    nb.metadata["report_lib"] = prov
    started = time.perf_counter()
    html = render_html(nb, show_code=show_code)
    rendered = time.perf_counter()
    pdf, _ = pdf_exporter.from_notebook_node(nb)
    printed = time.perf_counter()
    outputs = outputs_of(report)
    atomic.write_bytes(contained(layout.out, outputs["pdf"]), pdf)
    atomic.write_text(contained(layout.out, outputs["html"]), html)
    html_path = layout.out / outputs["html"]
    if html_path.stat().st_mtime < (layout.out / outputs["notebook"]).stat().st_mtime:
        os.utime(html_path)  # unchanged bytes, but rendered from this notebook
    return {"html_s": rendered - started, "pdf_s": printed - rendered}


def _executed(report: Report, layout: Layout) -> NotebookNode:
    """The executed notebook of the last build, for a report that only needs rendering."""
    import nbformat

    return nbformat.read(layout.out / outputs_of(report)["notebook"], as_version=4)


def _keep_failed(report: Report, layout: Layout) -> Path:
    failed = contained(layout.out, f"{layout.failed.name}/{report.id}.ipynb")
    executed = layout.work / report.id / f"{report.id}.ipynb"
    if executed.exists():
        failed.parent.mkdir(parents=True, exist_ok=True)
        os.replace(executed, failed)
    return failed


def _check_all(reports: list[Report], layout: Layout, browser: bool) -> None:
    """Everything that can be known wrong before anything runs: the browser, parameters."""
    import papermill

    from report_lib.data.reference import load_reference
    from report_lib.render.browser import BrowserNotFound, find_chromium

    try:
        if browser:
            find_chromium()
    except BrowserNotFound as exc:
        raise DataError("chromium", str(exc)) from None
    ref = load_reference(layout.reference)
    codes = {"crimes": set(ref.crimes.rows), "cases": set(ref.cases.rows)}
    for report in reports:
        declared = papermill.inspect_notebook(str(report.notebook))
        check_parameters(layout.report_list, report, declared, codes)


def _pdf_exporter(stack: contextlib.ExitStack):
    """One browser for the whole build, closed with it."""
    from report_lib.render.browser import PdfPrinter
    from report_lib.render.pdf import ReportPDFExporter

    try:
        printer = stack.enter_context(PdfPrinter())
    except Exception as exc:
        raise DataError("chromium", f"the browser did not start: {exc}".splitlines()[0]) from None
    return ReportPDFExporter(printer=printer)


def _entry(
    report: Report, keys: Keys, prov: dict, rev: str, layout: Layout, before: dict | None
) -> dict[str, Any]:
    """The manifest's record of one report; `before` is the previous build's."""
    notebook = label(report.notebook, layout)
    return {
        "id": report.id,
        "title": report.title,
        "summary": report.summary,
        "notebook": notebook,
        "parameters": report.parameters,
        "fingerprint": keys.full,
        "run_fingerprint": keys.run,
        "inputs": keys.inputs,
        "outputs": outputs_of(report),
        "revision": rev,
        "build_date": prov["build_date"],
        "changes": changes.changes(before, keys, notebook, report.parameters),
        "sources": [{"id": s["id"], "date": s["date"], "role": s["role"]} for s in prov["sources"]],
    }


def _stale(layout: Layout, reports: list[Report], recorded: list[dict]) -> list[Path]:
    """Outputs no build should publish: those of reports no longer listed (as the last
    manifest recorded them) and failed notebooks of reports that have since succeeded."""
    listed = {r.id for r in reports}
    stale = []
    for entry in recorded:
        if entry["id"] not in listed and ids.is_valid(entry["id"]):
            report_outputs = outputs_of(Report(entry["id"], Path(), "", ""))
            stale += [layout.out / path for path in report_outputs.values()]
    if layout.failed.is_dir():
        stale += [p for p in layout.failed.glob("*.ipynb") if p.stem in listed]
    return [p for p in stale if p.exists() or p.is_symlink()]


def _prune(layout: Layout, paths: list[Path], failed_ids: set[str]) -> None:
    for path in paths:
        if path.parent == layout.failed and path.stem in failed_ids:
            continue
        target = contained(layout.out, path.relative_to(layout.out))
        if target.is_dir() and not path.is_symlink():
            shutil.rmtree(target)
        else:
            path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        layout.failed.rmdir()  # only when empty


def _check_only(only: list[str] | None, reports: list[Report], layout: Layout) -> None:
    known = {r.id for r in reports}
    for name in only or []:
        if name not in known:
            raise DataError(
                layout.report_list,
                f"no report '{name}' in the list (known: {', '.join(sorted(known))})",
                field="id",
            )


def build(
    layout: Layout,
    jobs: int | None = None,
    only: list[str] | None = None,
    show_code: bool = False,
    stats: list[dict] | None = None,
    wait_s: float = lock.DEFAULT_WAIT_S,
) -> int:
    """Bring outputs/ up to date; returns the exit status. `show_code` keeps the code
    cells in the HTML (never in the PDF); `stats` receives each report's timings."""
    with lock.held(layout.root / BUILD_LOCK, "report", wait_s):
        return _build(layout, jobs, only, show_code, stats)


def _build(
    layout: Layout,
    jobs: int | None,
    only: list[str] | None,
    show_code: bool,
    stats: list[dict] | None,
) -> int:
    reports = load_reports(layout.report_list)
    _check_only(only, reports, layout)
    manifest = read_manifest(layout, warn=True)
    previous = {entry["id"]: entry for entry in manifest["reports"]}
    run_shared, render_shared = run_inputs(layout), render_inputs(layout)
    options = {"show_code": show_code, "site": listing(reports)}
    keys = {r.id: fingerprint(r, run_shared, render_shared, layout, options) for r in reports}
    work = {r.id: _work_to_do(previous.get(r.id), keys[r.id], layout) for r in reports}
    if only:
        work = {i: w if i in only else None for i, w in work.items()}
    to_run = [r for r in reports if work[r.id] == "run"]
    to_render = [r for r in reports if work[r.id] == "render"]
    stale = _stale(layout, reports, manifest["reports"])
    site_ok = layout.index.exists() and (layout.out / FIGURES_CSV).exists()
    index_ok = site_ok and manifest.get("status") == OK
    listed = [e["id"] for e in manifest["reports"]] == [r.id for r in reports]
    if not to_run and not to_render and not stale and index_ok and listed:
        print(f"report: all {len(reports)} reports up to date")
        return 0
    _check_all(to_run, layout, browser=bool(to_run or to_render))
    workers = jobs or min(os.cpu_count() or 1, max(len(to_run), 1))
    print(
        f"report: of {len(reports)} reports, {len(to_run)} to run ({workers} at a time) "
        f"and {len(to_render)} to re-render"
    )
    rev, date = revision(layout.root), build_date(layout.root)
    record = {"status": BUILDING, "revision": rev, "build_date": date}
    listed_ids = {r.id for r in reports}
    kept = [e for e in manifest["reports"] if e["id"] in listed_ids]
    write_manifest(layout, {**record, "reports": kept})  # before any output changes
    by_id = {r.id: r for r in to_run}
    failed: set[str] = set()
    built: set[str] = set()
    with contextlib.ExitStack() as stack:
        finished = start([_job(r, layout) for r in to_run], workers, stack)  # fork first
        exporter = None

        def install(report: Report, nb: NotebookNode, ran: str) -> None:
            nonlocal exporter
            exporter = exporter or _pdf_exporter(stack)
            prov = provenance(report, layout, rev, date) | page_metadata(report, reports, layout)
            timings = _render(report, layout, nb, prov, exporter, show_code)
            previous[report.id] = _entry(
                report, keys[report.id], prov, rev, layout, previous.get(report.id)
            )
            built.add(report.id)
            done = [previous[r.id] for r in reports if r.id in previous]
            write_manifest(layout, {**record, "reports": done})
            print(
                f"  ok {report.id:<28} {ran}, "
                f"html {timings['html_s']:4.1f} s, pdf {timings['pdf_s']:4.1f} s"
            )
            if stats is not None:
                stats.append({"id": report.id, **timings})

        for report in to_render:
            install(report, _executed(report, layout), "rendered only")
        for result in finished:
            report = by_id[result["id"]]
            if not result["ok"]:
                failed.add(report.id)
                where = _keep_failed(report, layout)
                print(
                    f"  FAILED {report.id}: {result['error']} (notebook kept in {where})",
                    file=sys.stderr,
                )
                continue
            install(report, _promote(report, layout), f"run {result['seconds']:5.1f} s")
            if stats is not None:
                stats[-1]["run_s"] = result["seconds"]
    shutil.rmtree(layout.work, ignore_errors=True)
    entries = [
        changes.settle(previous[r.id], r.id in built, r.id in failed)
        for r in reports
        if r.id in previous
    ]
    _prune(layout, _stale(layout, reports, manifest["reports"]), failed)
    status = FAILED if failed else OK if len(entries) == len(reports) else INCOMPLETE
    final = {**record, "status": status, "reports": entries, "downloads": [write_figures(layout)]}
    from report_lib.build.index import write_index

    write_index(layout, final)
    write_manifest(layout, final)
    if failed:
        print(
            f"report: {len(failed)} report(s) failed; their previous outputs are unchanged",
            file=sys.stderr,
        )
        return 1
    return 0
