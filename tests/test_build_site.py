"""What a build records for the site beside the reports: each report's build date and what
changed since the previous build (in the manifest and on the index), and the figures CSV
(written, listed for publishing, rewritten when missing)."""

from __future__ import annotations

import csv
import json
import shutil

import nbformat
import pytest

from report_lib import language
from report_lib.build.manifest import entry_key, read_manifest
from report_lib.build.orchestrate import build
from report_lib.paths import Layout
from report_lib.render.links import index_page


@pytest.fixture
def project_copy(built, tmp_path) -> Layout:
    shutil.copytree(built.root, tmp_path / "p", symlinks=True)
    return Layout(tmp_path / "p", tmp_path / "p" / "outputs")


def test_a_first_build_records_every_report_as_new_with_its_date(built):
    manifest = read_manifest(built)
    assert {tuple(e["changes"]) for e in manifest["reports"]} == {("new",)}
    assert {e["build_date"] for e in manifest["reports"]} == {manifest["build_date"]}
    english = [e for e in manifest["reports"] if e["lang"] == "en"]
    index = (built.out / "index.html").read_text(encoding="utf-8")
    assert index.count(f"Built <time>{manifest['build_date']}</time>") == len(english)


def test_the_figures_csv_holds_every_figure_with_its_quote(built):
    manifest = read_manifest(built)
    assert manifest["downloads"] == ["figures.csv"]
    with (built.out / "figures.csv").open(encoding="utf-8") as handle:
        published = list(csv.DictReader(handle))
    with (built.processed / "figures.csv").open(encoding="utf-8") as handle:
        processed = list(csv.DictReader(handle))
    assert len(published) == len(processed) > 0
    for row, source in zip(published, processed, strict=True):
        assert (row["figure"], row["quote"]) == (source["figure_id"], source["quote"])
        assert row["period"].startswith(source["period_start"])
        assert int(row["quote_start"]) < int(row["quote_end"])


def test_an_edited_notebook_is_shown_as_changed_and_the_rest_unchanged(project_copy):
    notebook = project_copy.notebooks / "online_spread.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code" and not c.metadata.get("tags")]
    code[-1].source += "\n# edited"
    nbformat.write(nb, notebook)
    assert build(project_copy) == 0
    changes = {entry_key(e): e["changes"] for e in read_manifest(project_copy)["reports"]}
    assert changes.pop("online-spread") == changes.pop("online-spread.zh") == ["notebook"]
    assert set(map(tuple, changes.values())) == {()}
    for lang in ("en", "zh"):
        _ = language.gettext(lang, "shell")
        index = (project_copy.out / index_page(lang)).read_text(encoding="utf-8")
        unchanged = len(changes) // 2
        assert index.count(_("notebook changed")) == 1
        assert index.count(_("unchanged")) == unchanged


def test_a_missing_figures_csv_is_written_again_without_running(project_copy, capsys):
    (project_copy.out / "figures.csv").unlink()
    before = json.loads(project_copy.manifest.read_text())
    assert build(project_copy) == 0
    assert "0 to run" in capsys.readouterr().out
    assert (project_copy.out / "figures.csv").is_file()
    after = json.loads(project_copy.manifest.read_text())
    assert [e["fingerprint"] for e in after["reports"]] == [
        e["fingerprint"] for e in before["reports"]
    ]
