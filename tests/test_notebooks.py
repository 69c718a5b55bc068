"""The notebooks as committed: outputs stripped, one documented parameters cell, no
number typed by hand into prose, every report's parameters valid."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import papermill
import pytest
import yaml

from report_lib.build.reports import (
    PATH_PARAMETERS,
    Report,
    check_parameters,
    load_reports,
    parameter_codes,
)
from report_lib.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
REPORTS = ROOT / "notebooks" / "reports.yml"
NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred|thousand|million|billion|dozen"
)
HAND_TYPED = re.compile(rf"\d|\b(?:{NUMBER_WORDS})\b", re.IGNORECASE)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_parameters_cell_with_types_and_help(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    declared = papermill.inspect_notebook(str(path))
    assert declared
    for name, spec in declared.items():
        assert spec["inferred_type_name"] != "None", f"{path.name}: {name} has no type"
        assert spec["help"], f"{path.name}: {name} has no trailing comment"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_hand_typed_number_in_markdown(path):
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            found = HAND_TYPED.findall(cell.source)
            assert not found, f"{path.name} cell {index}: {found}; compute it in report_lib"


def test_the_hand_typed_number_rule_can_fail():
    assert HAND_TYPED.findall("about 12,410 people in three years")
    assert not HAND_TYPED.findall("someone alone, often")


def test_report_titles_and_summaries_type_no_number():
    """What reports.yml types by hand; a rule's `{field}` is filled from the data."""
    document = yaml.safe_load(REPORTS.read_text(encoding="utf-8"))
    for entry in document["reports"] + document.get("rules", []):
        text = re.sub(r"\{\w+\}", "", entry["title"] + " " + entry["summary"])
        assert not HAND_TYPED.findall(text), entry["id"]


def _codes() -> dict[str, set[str]]:
    return parameter_codes(ROOT / "data" / "reference", ROOT / "data" / "raw")


def test_every_report_in_the_list_has_valid_parameters():
    reports = load_reports(REPORTS)
    assert len({r.key for r in reports}) == len(reports)
    for report in reports:
        declared = papermill.inspect_notebook(str(report.notebook))
        check_parameters(REPORTS, report, declared, _codes())


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"crimez": "heroes_martyrs"}, "parameter 'crimez' is not declared"),
        ({"crime": 3}, "parameter 'crime' must be str, got int 3"),
        ({"crime": "jaywalking"}, "unknown crime code 'jaywalking'"),
        ({"tables_dir": "/tmp"}, "parameter 'tables_dir' is not declared"),
    ],
)
def test_bad_parameters_are_refused_before_running(parameters, message):
    notebook = ROOT / "notebooks" / "crime_profile.ipynb"
    report = Report("profile-x", notebook, "t", "s", parameters)
    declared = papermill.inspect_notebook(str(notebook))
    with pytest.raises(DataError) as caught:
        check_parameters(REPORTS, report, declared, _codes())
    assert "report profile-x" in str(caught.value) and message in str(caught.value)
    assert set(PATH_PARAMETERS) & set(declared)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("    group: Appendix\n", "    group: Appendix\n    group: Other\n", "given twice"),
        ("  - for_each: release", "  - for_each: everything", "for_each"),
        ("    parameters: {}\n", "    parameters: {}\n    roles: [primary]\n", "unknown key"),
        ("  - id: appendix", "  - id: ../appendix", "not a valid id"),
        ('    id: "release-{slug}"', '    id: "release-{slug}-{slug}-{slug}-{slug}"', "valid id"),
    ],
)
def test_the_report_list_is_checked_with_its_schema(tmp_path, old, new, message):
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    path = tmp_path / "notebooks" / "reports.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_reports(path, ROOT / "data" / "processed", ROOT / "data" / "reference")
    assert message in str(caught.value) and "reports.yml" in str(caught.value)
    assert ", row " in str(caught.value), caught.value
