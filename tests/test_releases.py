"""Invariants over any dataset, checked on the real data and on the synthetic
multi-release fixture: releases are equals, every crime and release gets its reports,
every figure keeps its scope, unit and effective period into the reports."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from report_lib.build.manifest import entry_key, read_manifest
from report_lib.build.orchestrate import build
from report_lib.build.reports import load_reports
from report_lib.data import dataset
from report_lib.data.reference import load_reference
from report_lib.paths import Layout

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "data"


@pytest.fixture(params=["real", "fixture"], scope="module")
def project(request) -> Layout:
    return request.getfixturevalue("built" if request.param == "real" else "fixture_built")


def _figures(layout: Layout) -> pd.DataFrame:
    return dataset.load_figures(layout.processed)


def _prose(layout: Layout, report_id: str) -> str:
    nb = nbformat.read(layout.out / "notebooks" / f"{report_id}.ipynb", as_version=4)
    texts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            texts += [data.get("text/markdown", ""), data.get("text/html", "")]
    return " ".join(texts)


def test_the_fixture_has_what_the_invariants_need():
    """At least three releases; a crime only a later release reports; case and person
    counts; an online scope; a lower bound; an offence in force after its period began."""
    paths = dataset.Paths(FIXTURE / "raw", FIXTURE / "reference", FIXTURE / "corrections.csv")
    f = dataset.build(paths).figures
    assert f["source_id"].nunique() >= 3
    first = f.groupby("crime")["source_id"].min()
    assert (first > f["source_id"].min()).any()
    assert {"cases", "persons"} <= set(f["unit"])
    assert "online" in set(f["scope"])
    assert "more_than" in set(f["qualifier"])
    assert (f["stated_start"] < f["period_start"]).any()


def test_every_crime_and_release_gets_its_generated_reports(project):
    f = _figures(project)
    reports = {r.key: r for r in load_reports(project.report_list)}
    by_notebook = {}
    for report in reports.values():
        by_notebook.setdefault(report.notebook.name, []).append(report.parameters)
    crimes = set(f["crime"].dropna())
    assert {p["crime"] for p in by_notebook["crime_profile.ipynb"]} == crimes
    assert {p["source"] for p in by_notebook["release.ipynb"]} == set(f["source_id"])
    releases = f.dropna(subset=["crime"]).groupby("crime")["source_id"].nunique()
    assert {p["crime"] for p in by_notebook.get("over_time.ipynb", [])} == set(
        releases[releases >= 2].index
    )
    manifest = read_manifest(project)
    assert manifest["status"] == "ok"
    assert [entry_key(e) for e in manifest["reports"]] == list(reports)
    english = [e for e in manifest["reports"] if e["lang"] == "en"]
    groups = [e["group"] for e in english]
    assert {"Crime profiles", "Releases"} <= set(groups)
    assert all(groups.index(g) == i or groups[i - 1] == g for i, g in enumerate(groups))


def test_no_count_starts_before_its_offence_existed(project):
    f = _figures(project)
    ref = load_reference(project.reference)
    counts = f[f["crime"].notna() & f["case"].isna() & f["period_start"].notna()]
    assert not counts.empty
    for row in counts.itertuples():
        in_force = pd.Timestamp(ref.crimes.rows[row.crime]["in_force"])
        assert row.period_start >= in_force, row.figure_id
        moved = row.stated_start < in_force
        assert (row.period_start == in_force) == moved or not moved
        assert pd.notna(row.derived_note) == moved, row.figure_id


def test_every_chart_row_carries_the_effective_period(project):
    f = _figures(project)
    effective: dict[tuple, set] = {}
    for r in f[f["period_start"].notna()].itertuples():
        effective.setdefault((r.source_id, r.crime), set()).add((r.period_start, r.period_end))
    checked = 0
    for table in (project.out / "tables").rglob("*.csv"):
        frame = pd.read_csv(table)
        if not {"source_id", "crime", "period_start"} <= set(frame.columns):
            continue
        for column in ("period_start", "period_end"):
            frame[column] = pd.to_datetime(frame[column])
        for row in frame.dropna(subset=["period_start"]).itertuples():
            periods = effective[(row.source_id, row.crime)]
            assert (row.period_start, row.period_end) in periods, (table, row)
            checked += 1
    assert checked


def test_over_time_draws_each_figure_once_never_summed(project):
    f = _figures(project)
    for report in load_reports(project.report_list):
        if report.notebook.name != "over_time.ipynb":
            continue
        crime = report.parameters["crime"]
        table = pd.read_csv(project.out / "tables" / report.id / "spans.csv")
        own = f[(f["crime"] == crime) & f["case"].isna() & f["period_start"].notna()]
        own = own[own["repeats"].isna()]
        assert sorted(table["figure_id"]) == sorted(own["figure_id"])
        assert sorted(table["value"]) == sorted(own["value"].astype(int))
        for row in table.itertuples():
            start, end = pd.Timestamp(row.period_start), pd.Timestamp(row.period_end)
            if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
                years = end.year - start.year + 1  # whole calendar years
            else:
                years = ((end - start).days + 1) / 365.25
            assert row.per_year == pytest.approx(row.value / years)


def test_each_figure_shows_with_its_scope_and_unit(project):
    f = _figures(project)
    scopes = load_reference(project.reference).scopes.rows
    for source, rows in f.groupby("source_id"):
        text = _prose(project, f"release-{source}")
        for row in rows.itertuples():
            assert scopes[row.scope]["label"] in text, (source, row.scope)
            assert row.unit in text, (source, row.unit)


def test_the_later_crime_the_case_counts_and_the_online_scope_reach_the_reports(fixture_built):
    profile = _prose(fixture_built, "crime-data-fraud")
    assert "45" in profile and "cases" in profile
    online = _prose(fixture_built, "crime-online-rumour")
    assert "online only" in online and "7" in online
    novel = _prose(fixture_built, "crime-novel-offence")
    assert "1 Jul 2019" in novel and "inference from the law" in novel


NEW_DOCUMENT = "2022年,检察机关起诉测试新型犯罪案件45件。"


def _add_new_release(data: Path) -> None:
    """A release of a crime, a measure and a scope no dataset has (codes unique to this
    test), counted in cases, with its reference rows: what an analyst adds for it."""
    folder = data / "raw" / "zz-test-new-release-2099"
    folder.mkdir()
    (folder / "doc.zh.txt").write_text(NEW_DOCUMENT, encoding="utf-8")
    origin = (FIXTURE / "raw" / "fx-gamma-2023" / "origin.yml").read_text(encoding="utf-8")
    origin = origin.replace("id: fx-gamma-2023", "id: zz-test-new-release-2099")
    origin = origin.replace("name: fx-gamma-2023.zh.txt", "name: doc.zh.txt")
    digest = hashlib.sha256(NEW_DOCUMENT.encode("utf-8")).hexdigest()
    origin = re.sub(r"sha256: [0-9a-f]{64}", f"sha256: {digest}", origin)
    origin = origin.replace("scope: all", "scope: zz_test_scope")
    (folder / "origin.yml").write_text(origin, encoding="utf-8")
    quote = "起诉测试新型犯罪案件45件"
    (folder / "figures.csv").write_text(
        "figure_id,raw,measure,crime,case,quote,quote_start,period_start,period_end,"
        "corroborated_by,corroboration_note\n"
        f"zz_test_cases,45件,zz_test_cases_prosecuted,zz_test_offence,,{quote},"
        f"{NEW_DOCUMENT.index(quote)},2022-01-01,2022-12-31,,synthetic\n",
        encoding="utf-8",
    )
    (folder / "excluded.csv").write_text("text,start,reason\n2022年,0,period\n", encoding="utf-8")
    rows = {
        "crimes.csv": "zz_test_offence,Test offence,the test offence,测试新型犯罪,Art. 0,"
        "a test,Test Amendment,2009-01-01,2009-01-01,,",
        "measures.csv": "zz_test_cases_prosecuted,test cases prosecuted,测试起诉案件,cases,"
        "cases of the test,",
        "scopes.csv": "zz_test_scope,test scope only,测试范围,a scope no dataset has,",
    }
    for table, row in rows.items():
        with (data / "reference" / table).open("a", encoding="utf-8") as handle:
            handle.write(row + "\n")


def test_a_new_release_with_a_new_crime_needs_data_alone(built, tmp_path):
    """Adding a release folder and its reference rows to the real project: the data step
    passes and the generated reports for the new crime and release build."""
    root = tmp_path / "p"
    shutil.copytree(built.root / "notebooks", root / "notebooks")
    shutil.copytree(ROOT / "data", root / "data", ignore=shutil.ignore_patterns("processed"))
    shutil.copy(ROOT / "requirements.lock", root / "requirements.lock")
    _add_new_release(root / "data")
    layout = Layout(root, root / "outputs")
    paths = dataset.Paths(layout.raw, layout.reference, layout.corrections)
    dataset.write(dataset.build(paths), layout.processed)
    ids = {r.id for r in load_reports(layout.report_list)}
    new = {"crime-zz-test-offence", "release-zz-test-new-release-2099"}
    assert new <= ids
    assert build(layout, only=sorted(new)) == 0
    for report_id in sorted(new):
        text = _prose(layout, report_id)
        assert "45" in text and "cases" in text and "test scope only" in text, report_id
