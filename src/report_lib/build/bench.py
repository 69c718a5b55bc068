"""`make bench`: the build measured against the naive way, in one process and on one
machine, so that the ratios mean something. Each case runs in its own copy of the
project under a temporary folder; nothing of outputs/ is touched but bench.json."""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from report_lib import atomic
from report_lib.build.orchestrate import build
from report_lib.build.reports import load_reports
from report_lib.paths import Layout

SCALES = (10, 50, 100)


def _copy_project(root: Path, into: Path) -> Layout:
    for name in ("notebooks", "data"):
        shutil.copytree(root / name, into / name)
    shutil.copy(root / "requirements.lock", into / "requirements.lock")
    return Layout(into, into / "outputs")


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _quiet_build(layout: Layout, stats: list[dict] | None = None) -> None:
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        if build(layout, stats=stats) != 0:
            raise RuntimeError(f"build failed in {layout.root}")


def _one_cell(layout: Layout, code: str) -> float:
    """Seconds for papermill to run one cell in the project's kernel: with `pass`, the
    kernel start-up floor every report pays; with imports, what the imports add."""
    import nbformat
    import papermill

    from report_lib.build.execute import KERNEL, kernel_config

    path = layout.root / "one_cell.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)]), path)
    with tempfile.TemporaryDirectory(prefix="rl-") as sockets:
        started = time.perf_counter()
        papermill.execute_notebook(
            str(path),
            None,
            kernel_name=KERNEL,
            progress_bar=False,
            config=kernel_config(Path(sockets)),
        )
        return time.perf_counter() - started


def breakdown(layout: Layout, stats: list[dict]) -> dict[str, float]:
    """Where a report's time goes, per report on average."""
    floor = min(_one_cell(layout, "pass") for _ in range(3))
    imports = min(_one_cell(layout, "import report_lib.notebook") for _ in range(2)) - floor
    mean = lambda key: sum(s[key] for s in stats) / len(stats)  # noqa: E731
    return {
        "kernel_start_s": floor,
        "imports_s": imports,
        "execution_s": mean("run_s") - floor - imports,
        "html_s": mean("html_s"),
        "pdf_s": mean("pdf_s"),
    }


def _peak_child_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def naive(layout: Layout) -> float:
    """Each notebook run and converted on its own: `jupyter nbconvert --execute --to html`,
    then a separate PDF conversion, one process (and one browser) per step."""
    jupyter = str(Path(sys.executable).with_name("jupyter"))
    started = time.perf_counter()
    for report in load_reports(layout.notebooks / "reports.yml"):
        out = layout.root / "naive"
        html = [
            jupyter,
            "nbconvert",
            "--execute",
            "--to",
            "html",
            "--output-dir",
            str(out),
            "--output",
            report.id,
            str(report.notebook),
        ]
        pdf = [
            jupyter,
            "nbconvert",
            "--execute",
            "--to",
            "report_lib.render.pdf.ReportPDFExporter",
            "--output-dir",
            str(out),
            "--output",
            report.id,
            str(report.notebook),
        ]
        for command in (html, pdf):
            subprocess.run(command, cwd=layout.notebooks, check=True, capture_output=True)
    return time.perf_counter() - started


def _scaled(layout: Layout, count: int) -> None:
    """A report list of `count` crime profiles, the crimes taken in turn."""
    profiles = [
        r
        for r in load_reports(layout.notebooks / "reports.yml")
        if r.notebook.name == "crime_profile.ipynb"
    ]
    entries = [
        {
            "id": f"profile-{i:03d}",
            "notebook": p.notebook.name,
            "title": p.title,
            "summary": p.summary,
            "parameters": p.parameters,
        }
        for i, p in ((i, profiles[i % len(profiles)]) for i in range(count))
    ]
    (layout.notebooks / "reports.yml").write_text(yaml.safe_dump({"reports": entries}))


def run(root: Path, out: Path, scales: tuple[int, ...] = SCALES) -> dict:
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="report-bench-") as tmp:
        base = Path(tmp)
        layout = _copy_project(root, base / "build")
        reports = len(load_reports(layout.notebooks / "reports.yml"))
        print(f"bench: {reports} reports; naive baseline first (one process per step)…")
        results["naive_s"] = naive(_copy_project(root, base / "naive"))
        stats: list[dict] = []
        results["cold_s"] = _timed(lambda: _quiet_build(layout, stats))
        results["per_report"] = breakdown(layout, stats)
        results["noop_s"] = _timed(lambda: _quiet_build(layout))
        notebook = layout.notebooks / "online_spread.ipynb"
        notebook.write_text(notebook.read_text().replace("# The online", "# The  online", 1))
        results["touch_one_s"] = _timed(lambda: _quiet_build(layout))
        for key in ("cold_s", "noop_s", "touch_one_s"):
            results[key.replace("_s", "_ratio")] = results[key] / results["naive_s"]
        results["reports"] = reports
        results["scale"] = []
        for count in scales:
            scaled = _copy_project(root, base / f"scale-{count}")
            _scaled(scaled, count)
            seconds = _timed(lambda s=scaled: _quiet_build(s))
            row = {
                "reports": count,
                "seconds": seconds,
                "per_report_s": seconds / count,
                "peak_child_rss_mb": _peak_child_mb(),
            }
            if results["scale"]:
                last = results["scale"][-1]
                row["marginal_s"] = (seconds - last["seconds"]) / (count - last["reports"])
            results["scale"].append(row)
            print(
                f"  {count:>4} reports: {seconds:7.1f} s, {row['per_report_s']:.2f} s each, "
                f"marginal {row.get('marginal_s', float('nan')):.2f} s"
            )
        results["peak_self_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    atomic.write_text(out / "bench.json", json.dumps(results, indent=2) + "\n")
    return results


def report(results: dict) -> str:
    parts = ", ".join(f"{k[:-2]} {v:.2f} s" for k, v in results["per_report"].items())
    lines = [
        f"per report: {parts}",
        f"naive baseline  {results['naive_s']:7.1f} s  (1.00)",
        f"cold build      {results['cold_s']:7.1f} s  ({results['cold_ratio']:.2f})",
        f"no-op build     {results['noop_s']:7.2f} s  ({results['noop_ratio']:.3f})",
        f"one notebook    {results['touch_one_s']:7.1f} s  ({results['touch_one_ratio']:.2f})",
    ]
    return "\n".join(lines)
