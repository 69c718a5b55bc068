"""The build: run each report whose inputs changed (in parallel, with papermill, each
kernel forked by the build's zygote or launched the standard way), make its HTML pages
in the same worker, print its PDF (one browser per build, several pages at once), then
write the index and the manifest. A failed report keeps its previous outputs; nothing
is half-written.

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
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from report_lib import atomic
from report_lib.build import changes, lock, pages, quick
from report_lib.build.downloads import write_figures
from report_lib.build.engine import DEFAULT
from report_lib.build.execute import start
from report_lib.build.fingerprint import (
    Keys,
    fingerprint,
    input_paths,
    label,
    render_inputs,
    run_inputs,
)
from report_lib.build.manifest import (
    BUILDING,
    FAILED,
    INCOMPLETE,
    OK,
    UNSETTLED,
    entry_key,
    outputs_of,
    read_manifest,
    report_of,
    unsettled,
    write_manifest,
)
from report_lib.build.navigation import listing, page_metadata
from report_lib.build.provenance import build_date, provenance, revision
from report_lib.build.reports import (
    LANG_PARAMETER,
    Report,
    check_parameters,
    load_reports,
    parameter_codes,
)
from report_lib.errors import DataError
from report_lib.language import DEFAULT as DEFAULT_LANGUAGE
from report_lib.language import LANGUAGES
from report_lib.paths import BUILD_LOCK, MANIFEST, Layout, contained
from report_lib.render.links import FIGURES_CSV, index_page

if TYPE_CHECKING:
    from concurrent.futures import Future

    from nbformat import NotebookNode

    from report_lib.render.browser import ParallelPrinter


def _work_to_do(report: Report, entry: dict | None, keys: Keys, layout: Layout) -> str | None:
    """'run', 'render' or None, from what the last build recorded and left in out/ (at
    the paths made from the report's checked id, not those the manifest names)."""
    if not entry or entry.get("run_fingerprint") != keys.run:
        return "run"
    outputs = outputs_of(report)
    if not all((layout.out / outputs[name]).exists() for name in ("notebook", "tables")):
        return "run"
    if entry.get("fingerprint") != keys.full or not all(
        (layout.out / path).exists() for path in outputs.values()
    ):
        return "render"
    html, notebook = (layout.out / outputs[name] for name in ("html", "notebook"))
    if notebook.stat().st_mtime > html.stat().st_mtime:  # a render that never finished
        return "render"
    return None


def _job(report: Report, layout: Layout, render: dict[str, Any]) -> dict[str, Any]:
    work = contained(layout.out, layout.work.relative_to(layout.out) / report.key)
    paths = layout.notebook_paths(work / "tables")
    return {
        "id": report.key,
        "input": str(report.notebook),
        "output": str(work / f"{report.key}.ipynb"),
        "paths": paths,
        "lang": report.lang,
        "parameters": report.parameters,
        "cwd": str(layout.notebooks),
        "progress": sys.stderr.isatty(),
        "render": {"report": report, "layout": layout, **render},
    }


def _pages_in_worker(job: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """In the worker, after a run: the notebook made ready for out/ and its pages made
    beside it, so that the build only moves files and prints."""
    import nbformat

    render = job["render"]
    report, layout = render["report"], render["layout"]
    executed = Path(job["output"])
    nb = nbformat.read(executed, as_version=4)
    pages.name_injected_cell(nb)
    atomic.write_text(executed, nbformat.writes(nb) + "\n")
    tables = executed.parent / "tables"
    prov = provenance(report, layout, render["rev"], render["date"], tables)
    prov |= page_metadata(report, render["site"], tables)
    made = pages.make(nb, prov, render["show_code"])
    pages.write(executed.parent, made)
    return {"pdf_date": made.pdf_date, "html_s": made.seconds}


def _promote(report: Report, layout: Layout) -> None:
    """Move a freshly executed notebook and its tables from the work folder into out/."""
    work = layout.work / report.key
    outputs = outputs_of(report)
    notebook = contained(layout.out, outputs["notebook"])
    notebook.parent.mkdir(parents=True, exist_ok=True)
    os.replace(work / f"{report.key}.ipynb", notebook)
    os.utime(notebook)  # newer than its HTML until that is written
    tables = contained(layout.out, outputs["tables"])
    staged = work / "tables"
    staged.mkdir(exist_ok=True)
    old = _set_aside(tables)
    shutil.rmtree(old, ignore_errors=True)
    tables.parent.mkdir(parents=True, exist_ok=True)
    if tables.exists():
        tables.rename(old)
    staged.rename(tables)
    shutil.rmtree(old, ignore_errors=True)


class _Printing:
    """Reports whose PDF is printing; each is installed (PDF, then HTML, then its
    manifest entry) once printed, in the order they finish."""

    def __init__(self, printer: ParallelPrinter) -> None:
        self.printer = printer
        self.pending: list[tuple[Report, pages.Pages, Future[bytes], str]] = []
        self.started: dict[str, float] = {}

    def submit(self, report: Report, made: pages.Pages, ran: str) -> None:
        self.started[report.key] = time.perf_counter()
        self.pending.append((report, made, self.printer.submit(made.printed), ran))

    def done(self, wait: bool = False) -> Iterator[tuple[Report, pages.Pages, bytes, str]]:
        """The printed reports (all of them, with `wait`) as (report, pages, pdf, ran);
        `started` says when each was handed to the printer."""
        from concurrent.futures import FIRST_COMPLETED
        from concurrent.futures import wait as wait_for

        while self.pending:
            futures = [future for _, _, future, _ in self.pending]
            timeout = None if wait else 0
            finished, _ = wait_for(futures, timeout=timeout, return_when=FIRST_COMPLETED)
            if not finished:
                return
            for item in [p for p in self.pending if p[2] in finished]:
                self.pending.remove(item)
                report, made, future, ran = item
                yield report, made, _printed(future), ran


def _printed(future: Future[bytes]) -> bytes:
    try:
        return future.result()
    except Exception as exc:
        message = f"the browser did not print: {exc}".splitlines()[0]
        raise DataError("chromium", message) from None


def _install(report: Report, layout: Layout, made: pages.Pages, pdf: bytes) -> None:
    """Write the report's PDF, then its HTML page: an HTML older than its notebook
    means a render that never finished."""
    from report_lib.render.pdf import reproducible

    outputs = outputs_of(report)
    atomic.write_bytes(contained(layout.out, outputs["pdf"]), reproducible(pdf, made.pdf_date))
    html_path = contained(layout.out, outputs["html"])
    atomic.write_text(html_path, made.html)
    if html_path.stat().st_mtime < (layout.out / outputs["notebook"]).stat().st_mtime:
        os.utime(html_path)  # unchanged bytes, but rendered from this notebook


def _executed(report: Report, layout: Layout) -> NotebookNode:
    """The executed notebook of the last build, for a report that only needs rendering."""
    import nbformat

    return nbformat.read(layout.out / outputs_of(report)["notebook"], as_version=4)


def _keep_failed(report: Report, layout: Layout) -> Path:
    failed = contained(layout.out, f"{layout.failed.name}/{report.key}.ipynb")
    executed = layout.work / report.key / f"{report.key}.ipynb"
    if executed.exists():
        failed.parent.mkdir(parents=True, exist_ok=True)
        os.replace(executed, failed)
    return failed


def _check_all(reports: list[Report], layout: Layout, browser: bool) -> None:
    """Everything that can be known wrong before anything runs: the browser, parameters."""
    import papermill

    from report_lib.render.browser import BrowserNotFound, find_chromium

    try:
        if browser:
            find_chromium()
    except BrowserNotFound as exc:
        raise DataError("chromium", str(exc)) from None
    codes = parameter_codes(layout.reference, layout.raw)
    for report in reports:
        declared = papermill.inspect_notebook(str(report.notebook))
        check_parameters(layout.report_list, report, declared, codes)
        if report.lang != DEFAULT_LANGUAGE and LANG_PARAMETER not in declared:
            message = f"no '{LANG_PARAMETER}' parameter: it cannot make report {report.key}"
            raise DataError(report.notebook, message, field="parameters")


def _printer(stack: contextlib.ExitStack, workers: int) -> ParallelPrinter:
    """One browser for the whole build, closed with it, printing as many pages at once
    as there are cores. Started after the workers are forked: it runs a thread."""
    from report_lib.render.browser import BrowserNotFound, ParallelPrinter

    try:
        return stack.enter_context(ParallelPrinter(pages=os.cpu_count() or workers))
    except BrowserNotFound as exc:
        raise DataError("chromium", str(exc)) from None


def _entry(
    report: Report, keys: Keys, prov: dict, rev: str, layout: Layout, before: dict | None
) -> dict[str, Any]:
    """The manifest's record of one report; `before` is the previous build's."""
    notebook = label(report.notebook, layout)
    return {
        "id": report.id,
        "lang": report.lang,
        "title": report.title,
        "summary": report.summary,
        "notebook": notebook,
        "parameters": report.parameters,
        "fingerprint": keys.full,
        "run_fingerprint": keys.run,
        "inputs": keys.inputs,
        "outputs": outputs_of(report),
        "revision": rev,
        "group": report.group,
        "build_date": prov["build_date"],
        "changes": changes.changes(before, keys, notebook, report.parameters),
        "sources": [{"id": s["id"], "date": s["date"]} for s in prov["sources"]],
    }


def _stale(layout: Layout, reports: list[Report], recorded: list[dict]) -> list[Path]:
    """Outputs no build should publish: those of reports no longer listed (as the last
    manifest recorded them) and every failed notebook: one stays only while its report fails."""
    listed = {r.key for r in reports}
    stale = []
    for entry in recorded:
        old = report_of(entry)
        if old is not None and old.key not in listed:
            stale += [layout.out / path for path in outputs_of(old).values()]
    if layout.failed.is_dir():
        stale += sorted(layout.failed.glob("*.ipynb"))  # kept only while their report fails
    return [p for p in stale if p.exists() or p.is_symlink()]


def _set_aside(path: Path) -> Path:
    """Where the previous tables wait while the new ones are moved in."""
    return path.with_name(f".{path.name}.old")


def _check_paths(layout: Layout, reports: list[Report], stale: list[Path]) -> None:
    """Prove every path the build may write or delete inside out/ before anything is: a
    link inside out/ that leads elsewhere stops the build here, not half-way through."""
    relative = [Path(MANIFEST), *(p.relative_to(layout.out) for p in _indexes(layout))]
    relative += [p.relative_to(layout.out) for p in stale]
    for report in reports:
        outputs = outputs_of(report)
        relative += [Path(path) for path in outputs.values()]
        relative += [
            _set_aside(Path(outputs["tables"])),
            layout.work.relative_to(layout.out) / report.key,
            layout.failed.relative_to(layout.out) / f"{report.key}.ipynb",
        ]
    for path in relative:
        contained(layout.out, path)


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


def _indexes(layout: Layout) -> list[Path]:
    """The index page of every language."""
    return [layout.out / index_page(lang) for lang in LANGUAGES]


def _outputs(layout: Layout, reports: list[Report]) -> list[Path]:
    """What a finished build leaves in out/: the site's files and each report's."""
    site = [layout.manifest, *_indexes(layout), layout.out / FIGURES_CSV]
    return site + [layout.out / path for r in reports for path in outputs_of(r).values()]


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
    engine: str = DEFAULT,
    langs: tuple[str, ...] = LANGUAGES,
) -> int:
    """Bring outputs/ up to date; returns the exit status. `show_code` keeps the code
    cells in the HTML (never in the PDF); `stats` receives each report's timings;
    `engine` says how kernels start (report_lib.build.engine): it is in no fingerprint,
    since both engines give the same notebooks. `only` (report ids) and `langs` limit
    what is built, as a filter: the other reports keep their outputs as they are."""
    with lock.held(layout.root / BUILD_LOCK, "report", wait_s):
        return _build(layout, jobs, only, show_code, stats, engine, langs)


def _build(
    layout: Layout,
    jobs: int | None,
    only: list[str] | None,
    show_code: bool,
    stats: list[dict] | None,
    engine: str,
    langs: tuple[str, ...],
) -> int:
    seen = quick.snapshot(input_paths(layout))  # before anything is read
    reports = load_reports(layout.report_list)
    _check_only(only, reports, layout)
    manifest = read_manifest(layout, warn=True)
    previous = {entry_key(entry): entry for entry in manifest["reports"]}
    run_shared, render_shared = run_inputs(layout), render_inputs(layout)
    options = {"show_code": show_code, "site": listing(reports)}
    keys = {r.key: fingerprint(r, run_shared, render_shared, layout, options) for r in reports}
    work = {r.key: _work_to_do(r, previous.get(r.key), keys[r.key], layout) for r in reports}
    chosen = {r.key for r in reports if (not only or r.id in only) and r.lang in langs}
    work = {key: w if key in chosen else None for key, w in work.items()}
    to_run = [r for r in reports if work[r.key] == "run"]
    to_render = [r for r in reports if work[r.key] == "render"]
    stale = _stale(layout, reports, manifest["reports"])
    _check_paths(layout, reports, stale)
    site_ok = all(p.exists() for p in _indexes(layout)) and (layout.out / FIGURES_CSV).exists()
    index_ok = site_ok and manifest.get("status") == OK
    listed = [entry_key(e) for e in manifest["reports"]] == [r.key for r in reports]
    partial = bool(only) or set(langs) != set(LANGUAGES)
    if not to_run and not to_render and not stale and index_ok and listed:
        if not partial and not show_code:
            quick.record(layout, seen, _outputs(layout, reports), len(reports))
        print(f"report: all {len(reports)} reports up to date")
        return 0
    quick.forget(layout)
    _check_all(to_run, layout, browser=bool(to_run or to_render))
    workers = jobs or min(os.cpu_count() or 1, max(len(to_run), 1))
    print(
        f"report: of {len(reports)} reports, {len(to_run)} to run ({workers} at a time) "
        f"and {len(to_render)} to re-render"
    )
    rev, date = revision(layout.root), build_date(layout.root)
    record = {"status": BUILDING, "revision": rev, "build_date": date}
    listed_keys = {r.key for r in reports}
    kept = [e for e in manifest["reports"] if entry_key(e) in listed_keys]
    carried = unsettled(manifest) & listed_keys
    # Before any output changes; a build killed now leaves what it carried unsettled.
    write_manifest(layout, {**record, "reports": kept, UNSETTLED: sorted(carried)})
    by_key = {r.key: r for r in to_run}
    failed: set[str] = set()
    render = {"rev": rev, "date": date, "show_code": show_code, "site": listing(reports)}
    built: set[str] = set()
    with contextlib.ExitStack() as stack:
        run_jobs = [_job(r, layout, render) for r in to_run]
        finished = start(run_jobs, workers, stack, engine, then=_pages_in_worker)  # fork first
        printing = _Printing(_printer(stack, workers))

        def install(report: Report, made: pages.Pages, pdf: bytes, ran: str) -> None:
            pdf_s = time.perf_counter() - printing.started[report.key]
            _install(report, layout, made, pdf)
            prov = provenance(report, layout, rev, date)
            before = previous.get(report.key)
            entry = _entry(report, keys[report.key], prov, rev, layout, before)
            if report.key in carried and before:  # a killed build's changes still stand
                entry["changes"] = changes.merged(before.get("changes"), entry["changes"])
            previous[report.key] = entry
            built.add(report.key)
            done = [previous[r.key] for r in reports if r.key in previous]
            write_manifest(layout, {**record, "reports": done, UNSETTLED: sorted(carried | built)})
            print(f"  ok {report.key:<31} {ran}, html {made.seconds:4.1f} s, pdf {pdf_s:4.1f} s")
            if stats is not None:
                times = {"html_s": made.seconds, "pdf_s": pdf_s, **timings.get(report.key, {})}
                stats.append({"id": report.key, **times})

        timings: dict[str, dict[str, float]] = {}
        for report in to_render:
            tables = layout.out / outputs_of(report)["tables"]
            prov = provenance(report, layout, rev, date) | page_metadata(
                report, render["site"], tables
            )
            made = pages.make(_executed(report, layout), prov, show_code)
            printing.submit(report, made, "rendered only")
        for result in finished:
            report = by_key[result["id"]]
            if not result["ok"]:
                failed.add(report.key)
                where = _keep_failed(report, layout)
                print(
                    f"  FAILED {report.key}: {result['error']} (notebook kept in {where})",
                    file=sys.stderr,
                )
                continue
            _promote(report, layout)
            made = pages.read(layout.work / report.key, result["pdf_date"], result["html_s"])
            timings[report.key] = {"run_s": result["seconds"]}
            printing.submit(report, made, f"run {result['seconds']:5.1f} s")
            for printed in printing.done():
                install(*printed)
        for printed in printing.done(wait=True):
            install(*printed)
    shutil.rmtree(layout.work, ignore_errors=True)
    entries = [
        changes.settle(previous[r.key], r.key in built, r.key in failed, r.key in carried)
        for r in reports
        if r.key in previous
    ]
    _prune(layout, _stale(layout, reports, manifest["reports"]), failed)
    status = FAILED if failed else OK if len(entries) == len(reports) else INCOMPLETE
    final = {**record, "status": status, "reports": entries, "downloads": [write_figures(layout)]}
    from report_lib.build.index import write_index

    write_index(layout, final)
    write_manifest(layout, final)
    if status == OK and not partial and not show_code:
        quick.record(layout, seen, _outputs(layout, reports), len(reports))
    if failed:
        print(
            f"report: {len(failed)} report(s) failed; their previous outputs are unchanged",
            file=sys.stderr,
        )
        return 1
    return 0
