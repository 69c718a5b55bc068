"""A build that never destroys, mixes or leaks: one at a time per checkout, a killed build
never published and repaired by the next, no worker outliving it, workers forked before
the browser starts, stale outputs pruned, PDFs the same on every route."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import nbformat
import pytest
import yaml

from report_lib.build import execute, lock
from report_lib.build.cli import main
from report_lib.build.manifest import BUILDING, OK, read_manifest
from report_lib.build.orchestrate import build
from report_lib.paths import BUILD_LOCK, Layout
from report_lib.render import browser
from report_lib.render.links import index_page

ROOT = Path(__file__).resolve().parents[1]
REPORT_LIB = Path(sys.executable).with_name("report-lib")


@pytest.fixture
def project_copy(built, tmp_path) -> Layout:
    """A copy of the built project that a test may change."""
    shutil.copytree(built.root, tmp_path / "p", symlinks=True)
    return Layout(tmp_path / "p", tmp_path / "p" / "outputs")


def _touch_notebook(layout: Layout, name: str) -> None:
    """An edit that changes the notebook's bytes, not what it shows."""
    path = layout.notebooks / name
    nb = nbformat.read(path, as_version=4)
    nb.metadata["touched"] = uuid.uuid4().hex
    nbformat.write(nb, path)


def _processes_with(token: str) -> list[int]:
    """Live processes whose environment carries `token`: every descendant of a build."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if token.encode() in environ and state != "Z":
            found.append(int(entry.name))
    return found


def test_an_unknown_report_id_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    shutil.copytree(ROOT / "data", tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    assert main(["build", "no-such-report"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no report 'no-such-report'" in err
    assert not (tmp_path / "outputs").exists()


def test_a_second_build_waits_then_gives_up_in_one_line(project_copy, monkeypatch, capsys):
    monkeypatch.chdir(project_copy.root)
    with lock.held(project_copy.root / BUILD_LOCK, "test"):
        assert main(["build", "--wait", "0.3"]) == 2
        assert main(["data", "--wait", "0.3"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert [line for line in err if line.startswith("error: ")] == [
        f"error: {project_copy.root / BUILD_LOCK}: another run still holds the lock "
        f"after 0.3 s; {what} not started"
        for what in ("report", "data")
    ]


def test_two_builds_at_once_leave_every_output_whole(built, project_copy, report_figure):
    _touch_notebook(project_copy, "crime_profile.ipynb")
    started = time.perf_counter()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    runs = [
        subprocess.Popen(
            [REPORT_LIB, "build"],
            cwd=project_copy.root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outs = [run.communicate(timeout=300) for run in runs]
    seconds = time.perf_counter() - started
    assert [run.returncode for run in runs] == [0, 0], outs
    assert any("waiting for another run" in err for _, err in outs)
    assert any("up to date" in out for out, _ in outs)
    manifest = read_manifest(project_copy)
    assert manifest["status"] == OK
    for entry in manifest["reports"]:
        for path in entry["outputs"].values():
            assert (project_copy.out / path).exists(), path
        tables = entry["outputs"]["tables"]  # each report's chart tables, as the first build's
        names = {p.name for p in (project_copy.out / tables).glob("*.csv")}
        assert names == {p.name for p in (built.out / tables).glob("*.csv")}, entry["id"]
    assert not (project_copy.out / ".work").exists()
    tables = len(list(project_copy.out.glob("tables/*/*.csv")))
    report_figure(
        f"concurrent builds: 2 at once in one checkout, both exit 0, one waited; "
        f"{len(manifest['reports'])} reports and {tables} chart tables whole; {seconds:.1f} s"
    )


def test_a_killed_build_is_never_published_and_the_next_repairs_it(
    project_copy, tmp_path, report_figure
):
    touched = ("crime_profile.ipynb", "overview.ipynb", "over_time.ipynb")
    for name in touched:
        _touch_notebook(project_copy, name)
    token = f"report-lib-test-{uuid.uuid4().hex}"
    run = subprocess.Popen(
        [REPORT_LIB, "build"],
        cwd=project_copy.root,
        env={**os.environ, "REPORT_LIB_TEST_TOKEN": token},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    seen = []
    for line in run.stdout:  # kill it once a report is done and others are running
        seen.append(line)
        if line.strip().startswith("ok "):
            break
    assert _processes_with(token), "the build had no children to leave behind"
    children = len(_processes_with(token))
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=30)
    killed = time.monotonic()
    deadline = killed + 10
    while _processes_with(token) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_with(token) == [], "a worker, kernel or browser outlived the build"
    gone = time.monotonic() - killed

    manifest = read_manifest(project_copy)
    assert manifest["status"] == BUILDING, seen
    target = tmp_path / "site"
    published = subprocess.run(
        [REPORT_LIB, "publish", str(target)], cwd=project_copy.root, capture_output=True, text=True
    )
    assert published.returncode == 2 and not target.exists()
    assert published.stderr.count("\n") == 1

    started = time.perf_counter()
    repaired = subprocess.run(
        [REPORT_LIB, "build"], cwd=project_copy.root, capture_output=True, text=True
    )
    repair_s = time.perf_counter() - started
    assert repaired.returncode == 0, repaired.stderr
    assert "up to date" not in repaired.stdout
    manifest = read_manifest(project_copy)
    assert manifest["status"] == OK
    assert "unsettled" not in manifest
    for entry in manifest["reports"]:  # those done before the kill too
        edited = Path(entry["notebook"]).name in touched
        assert entry["changes"] == (["notebook"] if edited else []), entry
        index = (project_copy.out / index_page(entry["lang"])).read_text()
        assert entry["run_fingerprint"] and f'href="{entry["outputs"]["html"]}"' in index
    again = subprocess.run(
        [REPORT_LIB, "build"], cwd=project_copy.root, capture_output=True, text=True
    )
    assert "up to date" in again.stdout
    redone = sum(line.strip().startswith("ok ") for line in repaired.stdout.splitlines())
    report_figure(
        f"kill -9 of a build after its first report: {children} descendants, none left "
        f"{gone:.1f} s later; publish refused (exit 2); the next build redid {redone} "
        f"reports in {repair_s:.1f} s and ended ok"
    )


def test_workers_fork_before_the_browser_starts(project_copy, monkeypatch):
    _touch_notebook(project_copy, "crime_profile.ipynb")
    events: list[tuple[str, int]] = []
    real_start, real_enter = execute.start, browser.ParallelPrinter.__enter__

    def start(*args, **kwargs):
        events.append(("fork", threading.active_count()))
        return real_start(*args, **kwargs)

    def enter(self):
        events.append(("browser", threading.active_count()))
        return real_enter(self)

    monkeypatch.setattr("report_lib.build.orchestrate.start", start)
    monkeypatch.setattr(browser.ParallelPrinter, "__enter__", enter)
    assert build(project_copy, jobs=2) == 0
    assert [name for name, _ in events] == ["fork", "browser"]
    assert events[0][1] == 1, "a thread was alive when the workers were forked"


def test_a_browser_that_does_not_print_leaves_nothing_up_to_date(project_copy, monkeypatch, capsys):
    _touch_notebook(project_copy, "online_spread.ipynb")
    monkeypatch.chdir(project_copy.root)
    monkeypatch.setenv(browser.CHROMIUM_ENV, "/bin/true")
    assert main(["build"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the browser did not" in err
    assert read_manifest(project_copy)["status"] == BUILDING
    monkeypatch.delenv(browser.CHROMIUM_ENV)
    assert main(["build"]) == 0
    out = capsys.readouterr().out
    assert "up to date" not in out and "online-spread" in out
    html = project_copy.out / "online-spread.html"
    notebook = project_copy.out / "notebooks" / "online-spread.ipynb"
    assert html.stat().st_mtime >= notebook.stat().st_mtime


def test_stale_outputs_are_pruned(project_copy):
    failed = project_copy.out / "failed"
    failed.mkdir()
    (failed / "online-spread.ipynb").write_text("{}")
    (failed / "overview.ipynb").write_text("{}")
    listing = project_copy.report_list
    document = yaml.safe_load(listing.read_text())
    document["reports"] = [r for r in document["reports"] if r["id"] != "online-spread"]
    listing.write_text(yaml.safe_dump(document, sort_keys=False))
    assert build(project_copy) == 0
    assert not failed.exists()
    gone = ("online-spread.html", "online-spread.pdf", "notebooks/online-spread.ipynb")
    for path in (*gone, "tables/online-spread"):
        assert not (project_copy.out / path).exists(), path
    manifest = json.loads(project_copy.manifest.read_text())
    assert "online-spread" not in {e["id"] for e in manifest["reports"]}
    assert "online-spread.html" not in project_copy.index.read_text()


def test_every_route_to_a_pdf_gives_the_same_bytes(built, tmp_path, chromium):
    executed = built.out / "notebooks" / "appendix.ipynb"
    jupyter = Path(sys.executable).with_name("jupyter")
    pdfs = []
    for attempt in range(2):
        folder = tmp_path / str(attempt)
        folder.mkdir()
        shutil.copy(executed, folder / "appendix.ipynb")
        env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
        subprocess.run(
            [jupyter, "nbconvert", "--to", "report_pdf", "appendix.ipynb"],
            cwd=folder,
            check=True,
            capture_output=True,
            env=env,
        )
        pdfs.append((folder / "appendix.pdf").read_bytes())
        time.sleep(1.1)  # Chromium's own stamp has a resolution of one second
    assert pdfs[0] == pdfs[1]
    assert b"/CreationDate (D:1970" not in pdfs[0]
