"""The build, end to end in a temporary folder: every report runs, its prose states
only numbers of the data, failures keep the last good outputs, and a build with
nothing to do does nothing."""

from __future__ import annotations

import ast
import csv
import html
import json
import re
import shutil
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from report_lib import language
from report_lib.build import quick
from report_lib.build.fingerprint import fingerprint, render_inputs, run_inputs
from report_lib.build.manifest import read_manifest
from report_lib.build.orchestrate import build
from report_lib.build.reports import load_reports
from report_lib.paths import Layout
from report_lib.report import fmt

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "notebooks"
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _reports(layout: Layout):
    return load_reports(layout.notebooks / "reports.yml")


def test_every_report_has_all_its_outputs(built):
    manifest = read_manifest(built)
    assert manifest["status"] == "ok"
    assert [e["id"] for e in manifest["reports"]] == [r.id for r in _reports(built)]
    for entry in manifest["reports"]:
        for path in entry["outputs"].values():
            assert (built.out / path).exists(), path
        assert (built.out / entry["outputs"]["tables"]).is_dir()
    assert (built.out / "index.html").is_file()


def _outputs(nb) -> list[dict]:
    return [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]


def test_executed_reports_have_no_error_or_warning_output(built):
    for path in (built.out / "notebooks").glob("*.ipynb"):
        for output in _outputs(nbformat.read(path, as_version=4)):
            assert output["output_type"] != "error", path.name
            assert not (output["output_type"] == "stream" and output["name"] == "stderr"), (
                path.name,
                output.get("text"),
            )


def _rounded(value: float, decimals: int) -> str:
    return str(Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP))


def _allowed(built: Layout, report_id: str) -> set[str]:
    """Every number the prose of a report may state: the dataset's values and dates, the
    reference tables, and the values of the tables it plotted (rounded as fmt rounds)."""
    allowed: set[str] = set()
    data = built.data
    for path in [
        *data.joinpath("processed").glob("*.csv"),
        *data.joinpath("reference").glob("*.csv"),
    ]:
        with path.open(encoding="utf-8") as handle:
            allowed |= {
                n for row in csv.reader(handle) for cell in row for n in NUMBER.findall(cell)
            }
    figures = pd.read_csv(
        data / "processed" / "figures.csv", parse_dates=["period_start", "period_end"]
    )
    days = [*figures["period_start"].dropna(), *figures["period_end"].dropna()]
    sources = pd.read_csv(data / "processed" / "sources.csv", parse_dates=["date"])
    for day in [*days, *sources["date"]]:  # dates as fmt.day prints them: '2 Mar 2023'
        allowed |= {str(day.day), str(day.year)}
    for table in (built.out / "tables" / report_id).glob("*.csv"):
        frame = pd.read_csv(table)
        for value in frame.select_dtypes("number").to_numpy().ravel():
            if pd.isna(value):
                continue
            allowed |= {
                _rounded(value, 0),
                _rounded(value, fmt.DECIMALS["ratio"]),
                _rounded(value * 100, fmt.DECIMALS["percent"]),
            }
    return {a.replace(",", "") for a in allowed}


def _prose(nb) -> str:
    texts = []
    for output in _outputs(nb):
        data = output.get("data", {})
        texts.append(data.get("text/markdown", "") + " " + data.get("text/plain", ""))
    text = re.sub(r"<[^>]+>", " ", " ".join(texts))  # md_escape's wrapper, captions' tags
    return html.unescape(re.sub(r"\\(.)", r"\1", text))  # markdown escapes: 58\,000


def test_every_number_in_the_prose_is_a_number_of_the_data(built):
    checked = 0
    for report in _reports(built):
        nb = nbformat.read(built.out / "notebooks" / f"{report.id}.ipynb", as_version=4)
        allowed = _allowed(built, report.id)
        for number in NUMBER.findall(_prose(nb)):
            number = number.rstrip(",.")
            assert number.replace(",", "") in allowed, f"{report.id}: {number} is not in the data"
            checked += 1
    assert checked > 50


def test_the_prose_check_catches_a_typed_number(built):
    allowed = _allowed(built, "overview")
    assert "12410" in allowed and "98.6" in allowed
    assert "12411" not in allowed and "98.7" not in allowed


def _made(layout: Layout) -> dict[Path, int]:
    """Every file of out/ but the build's stamp (stats of this checkout's files alone)."""
    files = (p for p in layout.out.rglob("*") if p.is_file() and p.name != quick.STAMP)
    return {p: p.stat().st_mtime_ns for p in files}


def test_a_build_with_nothing_to_do_does_nothing(built, capsys):
    before = _made(built)
    assert build(built) == 0
    assert "up to date" in capsys.readouterr().out
    assert _made(built) == before


@pytest.fixture
def project_copy(built, tmp_path) -> Layout:
    """A copy of the built project that a test may change."""
    shutil.copytree(built.root, tmp_path / "p", symlinks=True)
    return Layout(tmp_path / "p", tmp_path / "p" / "outputs")


def test_editing_one_notebook_rebuilds_only_its_reports(project_copy, capsys, monkeypatch):
    """An edited paragraph rebuilds that report in English at once; in Chinese the report
    fails, keeping its last pages, until the paragraph's translation is in the catalog."""
    notebook = project_copy.notebooks / "online_spread.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    shown = [c for c in nb.cells if c.cell_type == "markdown" and not c.metadata.get("tags")]
    old = shown[0].source
    shown[0].source += "\n\nEdited."
    nbformat.write(nb, notebook)
    before = _made(project_copy)
    assert build(project_copy) == 1
    total = len(_reports(project_copy))
    out, err = capsys.readouterr()
    assert f"of {total} reports, 2 to run (2 at a time) and 0 to re-render" in out
    assert "FAILED online-spread.zh: " in err and "is not translated in" in err
    after = _made(project_copy)
    changed = {
        p.relative_to(project_copy.out).as_posix() for p in after if after[p] != before.get(p)
    }
    assert {"online-spread.html", "online-spread.pdf", "manifest.json"} <= changed
    # The indexes too: they say which reports changed since the previous build.
    site = ("manifest.json", "index.html", "index.zh.html")
    assert all("online-spread" in path or path in site for path in changed), changed
    assert not any(".zh." in path and path not in site for path in changed), changed
    assert "Edited." in (project_copy.out / "online-spread.html").read_text()

    locale = project_copy.root / "locale"  # the translator's turn
    shutil.copytree(language.LOCALE, locale)
    catalog = locale / "zh" / "LC_MESSAGES" / "report.po"
    translation = language.messages("zh", "report")[old.rstrip()]
    with catalog.open("a", encoding="utf-8") as po:
        po.write(
            f"\nmsgid {json.dumps(old.rstrip() + chr(10) * 2 + 'Edited.', ensure_ascii=False)}\n"
        )
        po.write(
            f"msgstr {json.dumps(translation + chr(10) * 2 + '已编辑。', ensure_ascii=False)}\n"
        )
    monkeypatch.setattr(language, "LOCALE", locale)
    language.catalog.cache_clear()
    language.messages.cache_clear()
    try:
        assert build(project_copy) == 0
    finally:
        language.catalog.cache_clear()
        language.messages.cache_clear()
    assert "已编辑。" in (project_copy.out / "online-spread.zh.html").read_text()


def test_what_each_input_makes_stale(built):
    run_shared, render_shared = run_inputs(built), render_inputs(built)
    reports = {r.id: r for r in _reports(built)}
    keys = {i: fingerprint(r, run_shared, render_shared, built) for i, r in reports.items()}

    def changed(label: str) -> set[tuple[bool, bool]]:
        run = {**run_shared, **({label: "0" * 64} if label in run_shared else {})}
        render = {**render_shared, **({label: "0" * 64} if label in render_shared else {})}
        new = {i: fingerprint(r, run, render, built) for i, r in reports.items()}
        return {(new[i].run != keys[i].run, new[i].full != keys[i].full) for i in reports}

    for data_or_code in ("data/processed/figures.csv", "report_lib/report/charts.py"):
        assert changed(data_or_code) == {(True, True)}
    template = next(k for k in render_shared if k.startswith("report_lib/render/templates/"))
    for rendering in (template, "report_lib/render/pdf.py"):
        assert changed(rendering) == {(False, True)}


def test_inputs_are_chosen_by_folder_in_the_real_checkout():
    """The package as installed for this checkout (src/report_lib, editable): labels name
    the package, whatever its place, and build/ is nobody's input."""
    layout = Layout(ROOT, ROOT / "outputs")
    run, render = run_inputs(layout), render_inputs(layout)
    labels = set(run) | set(render)
    assert not [k for k in labels if k.startswith("src/")]
    assert {"report_lib/report/charts.py", "report_lib/data/dataset.py"} <= set(run)
    assert "report_lib/render/pdf.py" in render and "report_lib/render/html.py" in render
    assert any(k.endswith("report.css") for k in render)
    assert not set(run) & set(render)
    assert not [k for k in labels if k.startswith(("report_lib/build/", "report_lib/cli"))]


def test_a_rendering_change_renders_without_running(project_copy, capsys):
    assert build(project_copy, only=["appendix"], show_code=True) == 0
    out = capsys.readouterr().out
    assert (
        "0 to run (1 at a time) and 2 to re-render" in out  # appendix, in each language
        and "appendix" in out
        and "rendered only" in out
    )
    assert 'class="highlight' in (project_copy.out / "appendix.html").read_text()


QUICK_RUN = (
    "import sys; from report_lib.build.quick import main; status = main(['build']); "
    "print(sorted(m for m in sys.modules if m.startswith(('report_lib', 'jsonschema', 'yaml'))))"
)


def _console_build(layout: Layout) -> tuple[str, list[str]]:
    """`report-lib build` in the checkout: what it said, and which modules it imported."""
    done = subprocess.run(
        [sys.executable, "-c", QUICK_RUN], cwd=layout.root, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    *said, modules = done.stdout.strip().splitlines()
    return "\n".join(said), ast.literal_eval(modules)


def test_a_build_with_nothing_to_do_is_answered_from_its_stamp(project_copy):
    assert build(project_copy) == 0  # up to date: stamps it
    said, modules = _console_build(project_copy)
    assert said == f"report: all {len(load_reports(project_copy.report_list))} reports up to date"
    assert "report_lib.build.orchestrate" not in modules and "jsonschema" not in modules
    figures = project_copy.processed / "figures.csv"
    figures.write_bytes(figures.read_bytes())  # the same bytes, a new modification time
    said, modules = _console_build(project_copy)
    assert "up to date" in said and "report_lib.build.orchestrate" in modules  # checked in full


def test_a_failing_cell_keeps_the_last_good_outputs(project_copy, capsys):
    broken = FIXTURES / "broken.ipynb"
    target = project_copy.notebooks / "appendix.ipynb"  # a report without parameters
    html = project_copy.out / "appendix.html"
    good = html.read_bytes()
    manifest_before = read_manifest(project_copy)
    assert build(project_copy) == 0 and quick.current(project_copy.out)  # stamped
    shutil.copy(broken, target)
    assert build(project_copy) == 1
    assert quick.current(project_copy.out) is None, "a failed build leaves no stamp"
    err = capsys.readouterr().err
    assert "appendix.ipynb cell" in err and "ZeroDivisionError" in err
    assert html.read_bytes() == good
    assert (project_copy.out / "failed" / "appendix.ipynb").is_file()
    manifest = read_manifest(project_copy)
    assert manifest["status"] == "failed"
    appendix = [e for e in manifest["reports"] if e["id"] == "appendix"]
    kept = [e for e in manifest_before["reports"] if e["id"] == "appendix"]
    assert appendix == [{**e, "changes": ["failed"]} for e in kept]  # the index says so
    assert "not rebuilt: the update failed" in (project_copy.out / "index.html").read_text()


def test_the_manifest_records_inputs_and_parameters(built):
    manifest = json.loads((built.out / "manifest.json").read_text())
    profile = next(e for e in manifest["reports"] if e["id"] == "crime-heroes-martyrs")
    assert profile["parameters"] == {"crime": "heroes_martyrs"}
    assert "notebooks/crime_profile.ipynb" in profile["inputs"]
    assert "data/processed/figures.csv" in profile["inputs"]


def _without_timing(path: Path) -> dict:
    nb = json.loads(path.read_text())
    nb["metadata"].pop("papermill", None)
    for cell in nb["cells"]:
        cell["metadata"].pop("papermill", None)
        cell["metadata"].get("execution", {}).clear()
    return nb


def test_two_clean_builds_one_per_engine_are_identical(built, tmp_path):
    """`built` forked its kernels from the zygote; this build launches the standard
    kernel. Every output is the same: notebooks cell by cell (text, HTML, images byte
    for byte), tables, HTML and PDF."""
    again = Layout(tmp_path / "again", tmp_path / "again" / "outputs")
    for name in ("notebooks", "data"):
        shutil.copytree(built.root / name, again.root / name)
    shutil.copy(built.root / "requirements.lock", again.root / "requirements.lock")
    assert build(again, engine="kernel") == 0
    first = sorted(p.relative_to(built.out) for p in _made(built))
    second = sorted(p.relative_to(again.out) for p in _made(again))
    assert first == second
    for relative in first:
        if relative.suffix == ".ipynb":
            assert _without_timing(built.out / relative) == _without_timing(again.out / relative)
        else:
            assert (built.out / relative).read_bytes() == (again.out / relative).read_bytes(), (
                relative
            )


def test_a_long_checkout_path_still_builds(tmp_path):
    """Kernel sockets must not live under the project: Unix socket paths stop at 107 bytes."""
    root = tmp_path.joinpath(*["a-rather-long-folder-name"] * 5)
    for name in ("notebooks", "data"):
        shutil.copytree(ROOT / name, root / name)
    layout = Layout(root, root / "outputs")
    assert len(str(layout.out)) > 120
    assert build(layout, only=["appendix"]) == 0
    assert (layout.out / "appendix.pdf").is_file()
    assert read_manifest(layout)["status"] == "incomplete"


def test_each_report_names_the_sources_it_draws_on(built):
    manifest = read_manifest(built)
    sources = {e["id"]: {s["id"] for s in e["sources"]} for e in manifest["reports"]}
    for report in _reports(built):
        tables = list((built.out / "tables" / report.id).glob("*.csv"))
        charted = set().union(*(set(pd.read_csv(t).get("source_id", [])) for t in tables))
        named = (
            charted | {report.parameters["source"]} if "source" in report.parameters else charted
        )
        if named:
            assert sources[report.id] == named, report.id
        else:
            assert sources[report.id] == {p.name for p in (built.data / "raw").iterdir()}
    assert sources["overview"] == {"spp-2022-02-21"}
    assert sources["appendix"] == {p.name for p in (built.data / "raw").iterdir()}
