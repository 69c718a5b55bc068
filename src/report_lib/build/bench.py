"""`make bench`: four ways to make the reports, timed in one run on one machine and
printed as ratios to the first: the honest naive way (papermill once per report, then
nbconvert to HTML and to PDF from the executed notebook), the build with the standard
kernel, the build with the zygote engine, and the floor (every report's code run in one
warm Python process, with no kernel and no rendering). Then a scale series of generated
reports with the marginal time of a report and the peak memory of every process.

Each case runs in its own copy of the project under a temporary folder, each build as
its own command (so that its memory is its own); nothing of outputs/ is touched but
bench.json."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from report_lib import atomic
from report_lib.build.messages import translated
from report_lib.build.reports import Report, load_reports
from report_lib.language import DEFAULT as DEFAULT_LANGUAGE
from report_lib.language import LANGUAGES
from report_lib.paths import Layout

SCALES = (10, 100, 300)
SCALED_NOTEBOOK = "crime_profile.ipynb"  # the scale series repeats these reports
SAMPLE_S = 0.05
NOOP_RUNS = 3  # the best of: the first may only re-stamp a list written just now
ZYGOTE_MODULE = "report_lib.build.engine.zygote"


def _copy_project(root: Path, into: Path, only: list[str] | None = None) -> Layout:
    for name in ("notebooks", "data"):
        shutil.copytree(root / name, into / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(root / "requirements.lock", into / "requirements.lock")
    layout = Layout(into, into / "outputs")
    if only:
        _write_list(layout, [r for r in load_reports(layout.report_list) if r.id in only])
    return layout


def _write_list(layout: Layout, reports: list[Report]) -> None:
    """The copy's report list, written out report by report (its rules already expanded);
    `reports` in every language, as load_reports gives them."""
    texts = {(r.id, r.lang): r for r in reports}
    english = [r for r in reports if r.lang == DEFAULT_LANGUAGE]
    entries = [
        {
            "id": r.id,
            "notebook": r.notebook.name,
            "title": r.title,
            "summary": r.summary,
            "title_zh": texts[r.id, "zh"].title,
            "summary_zh": texts[r.id, "zh"].summary,
            "parameters": r.parameters,
            "group": r.group,
        }
        for r in english
    ]
    groups = {r.group: texts[r.id, "zh"].group for r in english}
    document = {"groups": [{"en": en, "zh": zh} for en, zh in groups.items()], "reports": entries}
    (layout.notebooks / "reports.yml").write_text(yaml.safe_dump(document, allow_unicode=True))


def _tool(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


class Usage:
    """Peak memory and CPU time of a process and of all its descendants, by role, sampled
    from /proc every SAMPLE_S. VmHWM is the kernel's own record of a process's peak
    resident set, so a process sampled at least once before it ends is counted at its
    peak; it counts the pages a kernel shares with its zygote, so Pss (each shared page
    divided among the processes sharing it) is sampled too. A process's CPU time is read
    at each sample too (what it spends after its last sample, at most SAMPLE_S, is
    missed): unlike the accounting of waited-for children, it counts Chromium's renderers
    and the kernels, whose parents are killed rather than waited for."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.seen: dict[int, dict[str, Any]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="usage-sampler", daemon=True)

    def __enter__(self) -> Usage:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import psutil

        root = psutil.Process(self.pid)
        while not self._stop.is_set():
            with contextlib.suppress(psutil.Error):
                for process in [root, *root.children(recursive=True)]:
                    self._sample(process, root)
            self._stop.wait(SAMPLE_S)

    def _sample(self, process: Any, root: Any) -> None:
        import psutil

        with contextlib.suppress(psutil.Error, OSError, ValueError):
            hwm, pss = _peak_kb(process.pid), _pss_kb(process.pid)
            times = process.cpu_times()
            seen = self.seen.get(process.pid)
            if seen is None:
                role = _role(process, root)
                seen = self.seen[process.pid] = {"role": role, "hwm": 0, "pss": 0, "cpu": 0.0}
            seen["hwm"], seen["pss"] = max(seen["hwm"], hwm), max(seen["pss"], pss)
            seen["cpu"] = max(seen["cpu"], times.user + times.system)

    def by_role(self) -> dict[str, dict[str, float]]:
        """For each role: how many processes, the largest peak of any one (MB), and the
        CPU seconds of all of them."""
        roles: dict[str, dict[str, float]] = {}
        for seen in self.seen.values():
            role = roles.setdefault(seen["role"], {"processes": 0, "peak_rss_mb": 0.0})
            role["processes"] += 1
            role["peak_rss_mb"] = max(role["peak_rss_mb"], seen["hwm"] / 1024)
            role["peak_pss_mb"] = max(role.get("peak_pss_mb", 0.0), seen["pss"] / 1024)
            role["cpu_s"] = role.get("cpu_s", 0.0) + seen["cpu"]
        return {k: {n: round(v, 1) for n, v in r.items()} for k, r in sorted(roles.items())}

    def cpu_s(self) -> float:
        """CPU seconds of every process sampled."""
        return sum(seen["cpu"] for seen in self.seen.values())


def _peak_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _pss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def _role(process: Any, root: Any) -> str:
    """What a process of a build is, from its command line and its parent."""
    if process.pid == root.pid:
        return "build"
    command = " ".join(process.cmdline())
    parent = process.parent()
    if parent is not None and ZYGOTE_MODULE in " ".join(parent.cmdline()):
        return "kernel (forked)"  # a fork keeps its parent's command line
    if ZYGOTE_MODULE in command:
        return "zygote"
    if "ipykernel_launcher" in command:
        return "kernel (standard)"
    if process.cmdline() == root.cmdline():
        return "worker"
    if "chrom" in command:
        return "chromium"
    if "playwright" in command or process.name() == "node":
        return "playwright driver"
    return "other: " + process.name()


def measured(argv: list[str], cwd: Path) -> dict[str, Any]:
    """Run a command: its seconds, and the CPU seconds and memory of it and of every
    process under it (see Usage)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    with Usage(process.pid) as usage:
        _, err = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed in {cwd}: {err.strip()}")
    return {"seconds": seconds, "cpu_s": usage.cpu_s(), "memory": usage.by_role()}


def _build_command(layout: Layout, engine: str, timings: Path | None = None) -> dict[str, Any]:
    """`report-lib build` in the copy, as a command: seconds, CPU, memory, timings."""
    argv = [_tool("report-lib"), "build", "--engine", engine]
    argv += ["--timings", str(timings)] if timings else []
    result = measured(argv, layout.root)
    if timings:
        result["timings"] = json.loads(timings.read_text())
    return result


def _noop(layout: Layout) -> float:
    """A build with nothing to do, as `make report` runs it (the console script, plain)."""
    started = time.perf_counter()
    subprocess.run(
        [_tool("report-lib"), "build"], cwd=layout.root, check=True, stdout=subprocess.DEVNULL
    )
    return time.perf_counter() - started


def _naive_parameters(report: Report, layout: Layout, tables: Path) -> dict[str, Any]:
    """What the build passes the notebook: the data's paths and the report's parameters."""
    import papermill

    paths = {**layout.notebook_paths(tables), "tables_dir": str(tables), "lang": report.lang}
    declared = papermill.inspect_notebook(str(report.notebook))
    return {**{k: v for k, v in paths.items() if k in declared}, **report.parameters}


def _naive_source(report: Report, out: Path) -> Path:
    """The notebook papermill runs: a report in another language runs its translated copy,
    as the build does."""
    if report.lang == DEFAULT_LANGUAGE:
        return report.notebook
    source = out / f"{report.key}.source.ipynb"
    source.write_text(translated(report.notebook, report.lang), encoding="utf-8")
    return source


def naive(layout: Layout) -> float:
    """The honest naive way: for each report, the papermill command runs the notebook
    once, then `jupyter nbconvert` makes the HTML and the PDF from the executed notebook,
    one process (and for the PDF one browser) per step."""
    out = layout.root / "naive"
    out.mkdir()
    commands = []
    for report in load_reports(layout.report_list):
        executed = out / f"{report.key}.ipynb"
        parameters = _naive_parameters(report, layout, out / "tables" / report.key)
        source = _naive_source(report, out)
        run = [_tool("papermill"), str(source), str(executed), "-k", "report-lib"]
        run += ["--cwd", str(layout.notebooks), "-y", json.dumps(parameters), "--no-progress-bar"]
        convert = [_tool("jupyter"), "nbconvert", "--output-dir", str(out), str(executed)]
        commands += [run, [*convert, "--to", "html"], [*convert, "--to", "report_pdf"]]
    started = time.perf_counter()
    for command in commands:
        subprocess.run(command, cwd=layout.root, check=True, capture_output=True)
    return time.perf_counter() - started


FLOOR_LIBRARIES = (
    "pandas",
    "matplotlib",
    "seaborn",
    "IPython.display",
    "report_lib.report.notebook",
    "report_lib.report.charts",
    "report_lib.report.narrative",
)


def floor_child(notebooks: str, plan: str) -> None:
    """In a fresh process: import the notebooks' libraries once, then run each report's
    code cells (parameters injected as papermill would) one report after the other;
    prints the seconds as JSON. Display calls print to a discarded stdout."""
    import importlib
    import io

    os.environ["MPLBACKEND"] = "agg"
    os.chdir(notebooks)
    reports = json.loads(Path(plan).read_text())
    started = time.perf_counter()
    for name in FLOOR_LIBRARIES:
        importlib.import_module(name)
    imports_s = time.perf_counter() - started
    seconds = []
    for cells in reports:
        started = time.perf_counter()
        namespace: dict[str, Any] = {"__name__": "__main__"}
        with contextlib.redirect_stdout(io.StringIO()):
            for source in cells:
                exec(compile(source, "<cell>", "exec"), namespace)
        seconds.append(time.perf_counter() - started)
    print(json.dumps({"imports_s": imports_s, "reports_s": seconds}))


def floor(layout: Layout) -> dict[str, Any]:
    """The floor: every report's code in one warm process (see floor_child)."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    plan = []
    for report in load_reports(layout.report_list):
        tables = layout.root / "floor" / report.key
        tables.mkdir(parents=True)
        nb = parameterize_notebook(
            load_notebook_node(str(report.notebook)),
            _naive_parameters(report, layout, tables),
            kernel_name="report-lib",
        )
        plan.append([c.source for c in nb.cells if c.cell_type == "code"])
    plan_path = layout.root / "floor-plan.json"
    plan_path.write_text(json.dumps(plan))
    code = "import sys; from report_lib.build.bench import floor_child; floor_child(*sys.argv[1:])"
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", code, str(layout.notebooks), str(plan_path)],
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    reports_s = measured["reports_s"]
    return {
        "seconds": seconds,
        "imports_s": measured["imports_s"],
        "per_report_s": sum(reports_s) / len(reports_s),
    }


def _one_cell(layout: Layout, code: str, zygote: str | None) -> float:
    """Seconds for papermill to run a one-cell notebook from scratch: kernel start, the
    cell, shutdown."""
    import nbformat
    import papermill

    from report_lib.build.execute import KERNEL, _kernel_log, kernel_config

    path = layout.root / "one_cell.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)]), path)
    log = _kernel_log(layout.root / "kernel.log", quiet=True)
    with tempfile.TemporaryDirectory(prefix="rl-") as sockets, log:
        started = time.perf_counter()
        papermill.execute_notebook(
            str(path),
            None,
            kernel_name=KERNEL,
            progress_bar=False,
            cwd=str(layout.notebooks),
            config=kernel_config(Path(sockets), zygote),
        )
        return time.perf_counter() - started


NOTEBOOK_IMPORTS = "import report_lib.report.notebook, report_lib.report.charts, seaborn"


def kernel_start(layout: Layout) -> dict[str, float]:
    """A kernel from launch to the end of a first cell that imports what the notebooks
    import, under each engine (best of three; the zygote's own imports are done before)."""
    from report_lib.build.engine import start_zygote

    results = {"kernel_s": min(_one_cell(layout, NOTEBOOK_IMPORTS, None) for _ in range(3))}
    with contextlib.ExitStack() as stack:
        zygote = start_zygote(layout.notebooks, stack)
        _one_cell(layout, "pass", zygote)  # waits for the zygote's imports
        results["zygote_s"] = min(_one_cell(layout, NOTEBOOK_IMPORTS, zygote) for _ in range(3))
    return results


def _scaled(layout: Layout, count: int) -> int:
    """A report list of about `count` reports: crime profiles, the crimes taken in turn,
    each in every language. Returns how many reports it makes."""
    reports = load_reports(layout.report_list)
    profiles = [r for r in reports if r.notebook.name == SCALED_NOTEBOOK]
    if not profiles:
        raise RuntimeError(f"no report of {SCALED_NOTEBOOK} to repeat for the scale series")
    by_lang = [[r for r in profiles if r.lang == lang] for lang in LANGUAGES]
    subjects = max(1, count // len(LANGUAGES))
    scaled = [
        replace(same[i % len(same)], id=f"profile-{i:03d}")
        for same in by_lang
        for i in range(subjects)
    ]
    _write_list(layout, scaled)
    return len(scaled)


def _mean(timings: list[dict[str, float]], key: str) -> float:
    values = [t[key] for t in timings if key in t]
    return sum(values) / len(values) if values else float("nan")


def _scale_series(
    root: Path, base: Path, scales: tuple[int, ...], say: Callable[[str], None]
) -> Iterator[dict[str, Any]]:
    previous: dict[str, Any] | None = None
    for count in scales:
        layout = _copy_project(root, base / f"scale-{count}")
        count = _scaled(layout, count)
        built = _build_command(layout, "zygote")
        row = {
            "reports": count,
            "seconds": built["seconds"],
            "per_report_s": built["seconds"] / count,
            "cpu_s": built["cpu_s"],
            "memory": built["memory"],
        }
        if previous is not None:
            added = count - previous["reports"]
            row["marginal_s"] = (built["seconds"] - previous["seconds"]) / added
            row["marginal_cpu_s"] = (built["cpu_s"] - previous["cpu_s"]) / added
        say(
            f"  {count:>4} reports: {built['seconds']:7.1f} s, {row['per_report_s']:.2f} s "
            f"each, marginal {row.get('marginal_s', float('nan')):.2f} s "
            f"({row.get('marginal_cpu_s', float('nan')):.2f} s of CPU)"
        )
        yield row
        previous = row


def run(
    root: Path,
    out: Path,
    scales: tuple[int, ...] = SCALES,
    only: list[str] | None = None,
    say: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Time everything and write out/bench.json; `only` restricts the report list (for a
    quick check of this code)."""
    results: dict[str, Any] = {"cpus": os.cpu_count(), "load_before": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="report-bench-") as tmp:
        base = Path(tmp)
        copy = lambda name: _copy_project(root, base / name, only)  # noqa: E731
        results["reports"] = len(load_reports(copy("count").report_list))
        say(f"bench: {results['reports']} reports; naive baseline first…")
        results["naive_s"] = naive(copy("naive"))
        say(f"  naive {results['naive_s']:.1f} s; the build with the standard kernel…")
        kernel = _build_command(copy("kernel"), "kernel", base / "kernel.json")
        say(f"  standard kernel {kernel['seconds']:.1f} s; the build with the zygote…")
        layout = copy("zygote")
        zygote = _build_command(layout, "zygote", base / "zygote.json")
        results["kernel_build_s"], results["zygote_build_s"] = kernel["seconds"], zygote["seconds"]
        results["cpu_s"] = {"kernel_build": kernel["cpu_s"], "zygote_build": zygote["cpu_s"]}
        results["memory"] = {"kernel_build": kernel["memory"], "zygote_build": zygote["memory"]}
        results["per_report"] = {
            engine: {k: _mean(built["timings"], k) for k in ("run_s", "html_s", "pdf_s")}
            for engine, built in (("kernel", kernel), ("zygote", zygote))
        }
        results["noop_s"] = min(_noop(layout) for _ in range(NOOP_RUNS))
        edited = layout.notebooks / "online_spread.ipynb"
        edited.write_text(edited.read_text().replace("# The online", "# The  online", 1))
        results["touch_one_s"] = _build_command(layout, "zygote")["seconds"]
        say("  the floor…")
        results["floor"] = floor(copy("floor"))
        results["floor_s"] = results["floor"]["seconds"]
        results["kernel_start"] = kernel_start(copy("start"))
        for key in ("kernel_build_s", "zygote_build_s", "floor_s", "noop_s", "touch_one_s"):
            results[key.replace("_s", "_ratio")] = results[key] / results["naive_s"]
        say(f"  zygote {results['zygote_build_s']:.1f} s, floor {results['floor_s']:.1f} s")
        say("  scale series (zygote engine)…")
        results["scale"] = []
        for row in _scale_series(root, base, scales, say):
            results["scale"].append(row)
            _write(out, {**results, "complete": False})  # a long series: keep what is done
    results["complete"] = True
    _write(out, results)
    return results


def _write(out: Path, results: dict[str, Any]) -> None:
    results["load_after"] = os.getloadavg()
    atomic.write_text(out / "bench.json", json.dumps(results, indent=2) + "\n")


def report(results: dict[str, Any]) -> str:
    """The figures as text: the four ways as ratios, then the scale series."""
    start, cpu = results["kernel_start"], results["cpu_s"]
    lines = [
        f"{results['reports']} reports on {results['cpus']} cores "
        f"(load {results['load_before'][0]:.1f} before, {results['load_after'][0]:.1f} after)",
        f"naive baseline          {results['naive_s']:7.1f} s  (1.00)",
        f"build, standard kernel  {results['kernel_build_s']:7.1f} s  "
        f"({results['kernel_build_ratio']:.2f}); {cpu['kernel_build']:.1f} s of CPU",
        f"build, zygote engine    {results['zygote_build_s']:7.1f} s  "
        f"({results['zygote_build_ratio']:.2f}); {cpu['zygote_build']:.1f} s of CPU",
        f"floor (one process)     {results['floor_s']:7.1f} s  ({results['floor_ratio']:.2f}); "
        f"imports {results['floor']['imports_s']:.2f} s, "
        f"{results['floor']['per_report_s']:.2f} s a report",
        f"no-op build (command)   {results['noop_s']:7.2f} s (best of {NOOP_RUNS})",
        f"one notebook edited     {results['touch_one_s']:7.1f} s",
        f"kernel to the end of an import cell: standard {start['kernel_s']:.2f} s, "
        f"forked {start['zygote_s']:.2f} s",
    ]
    for row in results["scale"]:
        memory = ", ".join(f"{k} {v['peak_rss_mb']:.0f}" for k, v in row["memory"].items())
        lines.append(
            f"{row['reports']:>4} reports {row['seconds']:7.1f} s, marginal "
            f"{row.get('marginal_s', float('nan')):.2f} s "
            f"({row.get('marginal_cpu_s', float('nan')):.2f} s of CPU); peak RSS MB: {memory}"
        )
    return "\n".join(lines)
