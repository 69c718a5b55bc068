"""The stamp that answers a build with nothing to do: it holds while nothing it lists
changes, and fails on every change a build could care about (a file edited, added,
removed or replaced, an output deleted, a copy of the checkout), and on a file changed
too recently for its stat to tell."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from report_lib.build import quick
from report_lib.paths import Layout

OLD_NS = 1_600_000_000 * 10**9  # 2020: long before any stamp


def _aged(*paths: Path) -> None:
    """Files and folders as an edit long ago left them (outside the racy window)."""
    for path in paths:
        for each in [path, *path.rglob("*")] if path.is_dir() else [path]:
            os.utime(each, ns=(OLD_NS, OLD_NS))


@pytest.fixture
def stamped(tmp_path: Path) -> tuple[Layout, list[Path], Path]:
    layout = Layout(tmp_path, tmp_path / "outputs")
    data = tmp_path / "data"
    (data / "sub").mkdir(parents=True)
    (data / "a.csv").write_text("x\n1\n")
    (data / "sub" / "b.csv").write_text("y\n2\n")
    layout.out.mkdir()
    html = layout.out / "r.html"
    html.write_text("<p>r</p>")
    _aged(data)
    quick.record(layout, quick.snapshot([data]), [html], reports=1)
    return layout, [data], html


def test_the_stamp_holds_while_nothing_changes(stamped):
    layout, _, _ = stamped
    assert quick.current(layout.out) == 1


@pytest.mark.parametrize(
    "change",
    [
        lambda data, html: (data / "a.csv").write_text("x\n2\n"),  # same size, new content
        lambda data, html: (data / "sub" / "c.csv").write_text(""),  # a file added deep down
        lambda data, html: (data / "sub" / "b.csv").unlink(),
        lambda data, html: os.replace(data / "sub" / "b.csv", data / "a.csv"),
        lambda data, html: html.unlink(),  # an output deleted
        lambda data, html: html.write_text("<p>other</p>"),
    ],
    ids=["edited", "added", "removed", "replaced", "output-deleted", "output-edited"],
)
def test_any_change_breaks_the_stamp(stamped, change):
    layout, (data,), html = stamped
    change(data, html)
    assert quick.current(layout.out) is None


def test_an_edit_inside_the_clock_tick_cannot_pass(stamped):
    """An edit that keeps size and modification time is invisible to a stat; so a file
    changed just before the snapshot is recorded as unknown, not trusted."""
    layout, (data,), html = stamped
    (data / "a.csv").write_text("x\n3\n")  # now: inside the racy window
    quick.record(layout, quick.snapshot([data]), [html], reports=1)
    recorded = json.loads((layout.out / quick.STAMP).read_text())["paths"]
    assert recorded[str(data / "a.csv")] is None
    assert quick.current(layout.out) is None


def test_a_copy_of_the_checkout_is_not_the_stamped_build(stamped, tmp_path):
    layout, _, _ = stamped
    copy = tmp_path / "copy"
    shutil.copytree(layout.out, copy)
    assert quick.current(copy) is None


@pytest.mark.parametrize(
    "text", ["", "{", "[]", '{"version": 1}', '{"version": 1, "reports": "1"}']
)
def test_a_damaged_stamp_only_means_a_full_check(stamped, text):
    layout, _, _ = stamped
    (layout.out / quick.STAMP).write_text(text)
    assert quick.current(layout.out) is None


def test_forget_removes_the_stamp(stamped):
    layout, _, _ = stamped
    quick.forget(layout)
    assert quick.current(layout.out) is None
    quick.forget(layout)  # and is harmless twice


def test_the_console_script_answers_from_the_stamp_alone(stamped, monkeypatch, capsys):
    """No other module of the build is needed for a stamped build with nothing to do."""
    layout, _, _ = stamped
    monkeypatch.chdir(layout.root)
    monkeypatch.setattr(quick, "OUTPUTS", Path("outputs"))
    assert quick.main(["build"]) == 0
    assert capsys.readouterr().out == "report: all 1 reports up to date\n"


def test_the_racy_window_is_in_the_past(tmp_path):
    path = tmp_path / "f"
    path.write_text("x")
    old = time.time_ns() - 2 * quick.RACY_NS
    os.utime(path, ns=(old, old))
    assert quick.snapshot([path])[str(path)] is not None
