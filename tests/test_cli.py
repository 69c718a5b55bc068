"""The command line: every command fails with one line and exit 2 on bad input."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from report_lib.build import system
from report_lib.build.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    shutil.copytree(ROOT / "data", tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err
    return err


def test_build_refuses_an_unknown_crime_before_running(project, capsys):
    reports = project / "notebooks" / "reports.yml"
    text = reports.read_text().replace("parameters: {}", "parameters: {crime: heroes}", 1)
    reports.write_text(text.replace("notebook: appendix.ipynb", "notebook: over_time.ipynb"))
    assert main(["build"]) == 2
    err = _one_line_error(capsys)
    assert "report appendix: parameter 'crime': unknown crime code 'heroes'" in err
    lines = reports.read_text().splitlines()
    row = next(n for n, line in enumerate(lines, 1) if line.strip() == "- id: appendix")
    assert f", row {row}," in err, err  # the entry's own line, though groups reorder the list
    assert not (project / "outputs").exists()


def test_build_refuses_a_report_list_without_notebook(project, capsys):
    reports = project / "notebooks" / "reports.yml"
    reports.write_text(
        reports.read_text().replace("notebook: appendix.ipynb", "notebook: nope.ipynb")
    )
    assert main(["build"]) == 2
    assert "no notebook" in _one_line_error(capsys)


def test_build_stops_before_running_without_a_browser(project, capsys, monkeypatch):
    monkeypatch.setenv("REPORT_LIB_CHROMIUM", str(project / "no-such-chromium"))
    assert main(["build"]) == 2
    assert "REPORT_LIB_CHROMIUM" in _one_line_error(capsys)
    assert not (project / "outputs").exists()


def test_publish_needs_a_target_and_a_build(project, capsys):
    assert main(["publish"]) == 2
    assert "PUBLISH_DIR" in _one_line_error(capsys)
    assert main(["publish", str(project / "site")]) == 2
    assert "no build to publish" in _one_line_error(capsys)


def test_doctor_names_missing_packages(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("REPORT_LIB_CHROMIUM", raising=False)
    monkeypatch.setattr(system, "SBIN", (str(tmp_path),))
    assert main(["doctor", "--missing"]) == 0
    assert capsys.readouterr().out.split() == [
        "chromium",
        "poppler-utils",
        "fonts-dejavu-core",
        "fonts-noto-cjk",
        "nginx",
    ]


def test_every_make_target_is_documented():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.MULTILINE))
    documented = set(re.findall(r"^([a-z][a-z-]*):.*## ", makefile, re.MULTILINE))
    assert targets == documented
    assert {"report", "test", "help", "lab", "publish", "serve", "bench"} <= documented
