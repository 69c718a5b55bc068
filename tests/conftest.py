"""Shared fixtures: a copy of the project's data that a test may break."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from report_lib.render.browser import BrowserNotFound, find_chromium

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
FIXTURE = ROOT / "tests" / "fixtures"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """data/raw, data/reference and the corrections ledger, copied to a temporary folder."""
    target = tmp_path / "data"
    for name in ("raw", "reference"):
        shutil.copytree(DATA / name, target / name)
    shutil.copy(DATA / "corrections.csv", target / "corrections.csv")
    return target


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory):
    """The whole project built once into a temporary folder, as `make report` does
    (kernels forked by the zygote engine, the default)."""
    from report_lib.build.orchestrate import build
    from report_lib.paths import Layout

    root = tmp_path_factory.mktemp("project")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    shutil.copytree(DATA, root / "data", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "requirements.lock", root / "requirements.lock")
    layout = Layout(root, root / "outputs")
    assert build(layout) == 0
    return layout


@pytest.fixture(scope="session")
def fixture_processed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic multi-release fixture (tests/fixtures/data) through the data step:
    the folder of its processed tables (its reference stays in the fixture)."""
    from report_lib.data import dataset

    out = tmp_path_factory.mktemp("fixture-data") / "processed"
    data = FIXTURE / "data"
    paths = dataset.Paths(data / "raw", data / "reference", data / "corrections.csv")
    dataset.write(dataset.build(paths), out)
    return out


@pytest.fixture(scope="session")
def fixture_built(tmp_path_factory: pytest.TempPathFactory):
    """The synthetic multi-release fixture (tests/fixtures/data) run through the data step
    and built with the project's notebooks and the fixture's report list."""
    from report_lib.build.orchestrate import build
    from report_lib.data import dataset
    from report_lib.paths import Layout

    root = tmp_path_factory.mktemp("fixture")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    shutil.copy(FIXTURE / "reports.yml", root / "notebooks" / "reports.yml")
    shutil.copytree(FIXTURE / "data", root / "data")
    shutil.copy(ROOT / "requirements.lock", root / "requirements.lock")
    layout = Layout(root, root / "outputs")
    paths = dataset.Paths(layout.raw, layout.reference, layout.corrections)
    dataset.write(dataset.build(paths), layout.processed)
    assert build(layout) == 0
    return layout


POPPLER = ("pdfinfo", "pdftotext", "pdffonts")


def unavailable(reason: str) -> None:
    """A missing tool fails the run on CI (the set-up installs it) and skips elsewhere."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium() -> Path:
    try:
        return find_chromium()
    except BrowserNotFound as exc:
        unavailable(str(exc))


@pytest.fixture(scope="session")
def poppler() -> None:
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    if missing:
        unavailable(f"poppler-utils missing: {', '.join(missing)}")


def poppler_text(tool: str, pdf: Path) -> str:
    args = [tool, str(pdf)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


_FIGURES: list[str] = []


@pytest.fixture
def report_figure():
    """Tests that measure something (publishing under load, concurrent and killed builds)
    record a line here; the run prints them at the end, whether or not output is captured."""
    return _FIGURES.append


def pytest_terminal_summary(terminalreporter) -> None:
    if _FIGURES:
        terminalreporter.section("figures measured by the tests")
        for line in _FIGURES:
            terminalreporter.write_line(line)


@pytest.fixture(scope="module")
def browser(chromium: Path):
    """One Chromium for a module's page checks (the build's own, as the PDFs use)."""
    from playwright.sync_api import sync_playwright

    from report_lib.render.browser import launch_options

    with sync_playwright() as playwright:
        opened = playwright.chromium.launch(**launch_options(chromium))
        yield opened
        opened.close()


def edit_csv(path: Path, row: int, field: str, value: str) -> None:
    """Set one cell; `row` counts as a spreadsheet does (header = 1)."""
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[row - 2][field] = value
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
