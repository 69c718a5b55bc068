"""Hostile input. An id that is a path, a URL or markup is refused before anything runs;
nothing is written or deleted outside outputs/, not even through a symbolic link inside
it; and every title and data string reaches the pages as text, never as markup or as a
link, whatever Chromium does with them (open, click)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import ROOT
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from report_lib import ids
from report_lib.build import publish as site
from report_lib.build.cli import main
from report_lib.build.manifest import read_manifest
from report_lib.build.reports import load_reports
from report_lib.errors import DataError
from report_lib.paths import Layout, contained
from report_lib.report import narrative, summary

PAYLOADS = ("<img src=x onerror=alert(1)>", '"><script>alert(1)</script>', "javascript:alert(1)")
HOSTILE = " ".join(PAYLOADS)
PATHS = ("/abs", "../x", "a/../../b")
BAD_IDS = [
    *PATHS,
    "javascript:alert(1)",
    "x<img src=x onerror=alert(1)>",
    "Overview",
    "a.b",
    "a_b",
    "a b",
    "-a",
    "a-",
    "",
    "a\nb",
    "a" * (ids.MAX_LENGTH + 1),
    7,
    None,
    ["a"],
]
SECONDARY = "cns-2023-03-02-personal-information"


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err, err
    return err


def _tree(folder: Path) -> dict[str, bytes | str]:
    """Every entry under `folder`: a file's bytes, a link's target, a folder's mark."""
    tree: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            tree[name] = f"-> {path.readlink()}"
        elif path.is_file():
            tree[name] = path.read_bytes()
        else:
            tree[name] = "dir"
    return tree


# Ids -----------------------------------------------------------------------------------


@pytest.mark.parametrize("good", ["a", "overview", "crime-heroes-martyrs", "spp-2022-02-21"])
def test_a_valid_id_passes(good):
    assert ids.is_valid(good) and ids.check(good, "x.yml", "id") == good


@pytest.mark.parametrize("bad", BAD_IDS, ids=repr)
def test_an_invalid_id_is_a_one_line_located_error(bad):
    assert not ids.is_valid(bad)
    with pytest.raises(DataError) as caught:
        ids.check(bad, "x.yml", "id", where="report 3")
    message = str(caught.value)
    assert message.startswith("x.yml, field 'id': report 3: ") and "\n" not in message


def _report_list(root: Path, second_id: object) -> Path:
    folder = root / "notebooks"
    folder.mkdir()
    (folder / "a.ipynb").write_text("{}")
    (root / "b.ipynb").write_text("{}")  # beside the folder, not in it
    entry = {
        "notebook": "a.ipynb",
        "title": "T",
        "summary": "S",
        "title_zh": "题",
        "summary_zh": "要",
        "parameters": {},
    }
    reports = [{"id": "first", **entry}, {"id": second_id, **entry}]
    path = folder / "reports.yml"
    path.write_text(yaml.safe_dump({"reports": reports}), encoding="utf-8")
    return path


@pytest.mark.parametrize("bad", BAD_IDS, ids=repr)
def test_the_report_list_refuses_an_id_that_is_not_an_id(tmp_path, bad):
    path = _report_list(tmp_path, bad)
    with pytest.raises(DataError) as caught:
        load_reports(path)
    message = str(caught.value)
    assert message.startswith(f"{path}, ") and caught.value.field.endswith("id"), message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ["a"]),
        ("summary", None),
        ("title_zh", ""),
        ("summary_zh", 3),
        ("notebook", "../b.ipynb"),
        ("notebook", 3),
    ],
)
def test_the_report_list_refuses_other_bad_fields(tmp_path, field, value):
    path = _report_list(tmp_path, "second")
    document = yaml.safe_load(path.read_text())
    document["reports"][1][field] = value
    path.write_text(yaml.safe_dump(document))
    with pytest.raises(DataError) as caught:
        load_reports(path)
    assert caught.value.field.endswith(field) and "\n" not in str(caught.value)


@pytest.fixture
def small_project(tmp_path, monkeypatch) -> Path:
    """A checkout with one report (so that a build that wrongly runs stays short), a
    previous build's outputs and a folder beside the checkout that nothing may touch."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    shutil.copytree(ROOT / "data", root / "data", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "requirements.lock", root / "requirements.lock")
    path = root / "notebooks" / "reports.yml"
    document = yaml.safe_load(path.read_text())
    overview = [report for report in document["reports"] if report["id"] == "overview"]
    path.write_text(yaml.safe_dump({"reports": overview}))
    (root / "outputs" / "notebooks").mkdir(parents=True)
    (root / "outputs" / "overview.html").write_text("the previous build")
    (tmp_path / "outside" / "folder").mkdir(parents=True)
    (tmp_path / "outside" / "folder" / "keep.txt").write_text("not the build's")
    monkeypatch.chdir(root)
    return root


def _add_report(root: Path, report_id: str) -> None:
    path = root / "notebooks" / "reports.yml"
    document = yaml.safe_load(path.read_text())
    document["reports"].append({**document["reports"][0], "id": report_id})
    path.write_text(yaml.safe_dump(document))


@pytest.mark.parametrize("bad", ["/outside/folder/x", "../escape", "a/../../b", "javascript:x"])
def test_a_build_with_a_path_or_url_as_report_id_touches_nothing(small_project, capsys, bad):
    outside = small_project.parent / "outside"
    report_id = str(outside / "folder" / "x") if bad.startswith("/") else bad
    _add_report(small_project, report_id)
    before = _tree(small_project.parent)
    assert main(["build"]) == 2
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert lines and all(line.startswith("error: ") and "id'" in line for line in lines), err
    assert "reports.yml, " in err and "Traceback" not in err
    before.pop("project/.report-lib.lock", None)
    after = _tree(small_project.parent)
    after.pop("project/.report-lib.lock", None)
    assert after == before


# Source ids ----------------------------------------------------------------------------


def _data_step(data: Path) -> int:
    return main(
        [
            *("data", "--raw", str(data / "raw"), "--reference", str(data / "reference")),
            *("--corrections", str(data / "corrections.csv"), "--out", str(data / "processed")),
        ]
    )


@pytest.mark.parametrize(
    "name",
    [
        *("x<img src=x onerror=alert(1)>", "Upper-case", "a.b", "a b", "javascript:alert(1)"),
        *("..peoplesdaily-2024-02", ".hidden", "-a", ".ipynb_checkpoints-x"),
    ],
)
def test_a_source_folder_whose_name_is_not_an_id_is_refused(data_copy, capsys, name):
    folder = data_copy / "raw" / name
    (data_copy / "raw" / SECONDARY).rename(folder)
    origin = (folder / "origin.yml").read_text(encoding="utf-8")
    (folder / "origin.yml").write_text(
        origin.replace(f"id: {SECONDARY}", f"id: {json.dumps(name)}"), encoding="utf-8"
    )
    assert _data_step(data_copy) == 2
    err = _one_line_error(capsys)
    assert f"{name!r} is not a valid id" in err, err
    assert not (data_copy / "processed").exists()


def test_a_tool_s_checkpoint_folder_beside_the_sources_is_not_a_source(data_copy, capsys):
    checkpoints = data_copy / "raw" / ".ipynb_checkpoints"
    checkpoints.mkdir()
    (checkpoints / "notes-checkpoint.txt").write_text("draft", encoding="utf-8")
    assert _data_step(data_copy) == 0, capsys.readouterr().err


def test_an_origin_id_other_than_its_folder_is_refused(data_copy, capsys):
    path = data_copy / "raw" / SECONDARY / "origin.yml"
    path.write_text(path.read_text().replace(f"id: {SECONDARY}", "id: other"))
    assert _data_step(data_copy) == 2
    err = _one_line_error(capsys)
    assert err.startswith(f"error: {path}, row ") and "field 'id'" in err


# Containment ---------------------------------------------------------------------------


@pytest.mark.parametrize("relative", [*PATHS, "", ".", "a/..", "a/../.."])
def test_contained_refuses_a_path_that_leads_out(tmp_path, relative):
    (tmp_path / "out").mkdir()
    with pytest.raises(DataError, match="refused"):
        contained(tmp_path / "out", relative)


def test_contained_follows_links_inside_but_not_out(tmp_path):
    real, elsewhere = tmp_path / "real", tmp_path / "elsewhere"
    (real / "inner").mkdir(parents=True)
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.symlink_to(real)  # outputs/ itself a link: allowed
    assert contained(out, "a/../tables/x.csv") == real / "tables" / "x.csv"
    (real / "same").symlink_to(real / "inner")
    assert contained(out, "same/x") == real / "inner" / "x"
    (real / "tables").symlink_to(elsewhere)  # a link inside outputs/ that leads out
    with pytest.raises(DataError, match="refused"):
        contained(out, "tables/x.csv")


def test_contained_refuses_a_loop_of_links(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(DataError, match="refused"):
        contained(tmp_path, "a/x")


@pytest.mark.parametrize(
    "name",
    ["tables", "notebooks", ".work", "failed", "overview.pdf", "index.html", "manifest.json"],
)
def test_a_build_refuses_a_link_inside_outputs_that_leads_out(small_project, capsys, name):
    elsewhere = small_project.parent / "elsewhere"
    elsewhere.mkdir()
    link = small_project / "outputs" / name
    shutil.rmtree(link, ignore_errors=True)
    link.symlink_to(elsewhere if "." not in name.strip(".") else elsewhere / name)
    before = _tree(small_project / "outputs")
    assert main(["build"]) == 2
    err = _one_line_error(capsys)
    assert "refused: the path leads outside" in err and name in err, err
    assert list(elsewhere.iterdir()) == []
    assert _tree(small_project / "outputs") == before


@pytest.mark.parametrize("text", ["[]", '{"reports": null}', '{"reports": [1]}', "null", "{"])
def test_a_malformed_manifest_counts_as_no_build(tmp_path, capsys, text):
    layout = Layout(tmp_path, tmp_path / "outputs")
    layout.out.mkdir()
    layout.manifest.write_text(text)
    assert read_manifest(layout, warn=True)["reports"] == []
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("warning: ") and "malformed" in err


def _fake_build(out: Path, entry: dict, revision: str = "abc123") -> Layout:
    out.mkdir()
    for name in ("index.html", "a.html", "a.pdf"):
        (out / name).write_text(name)
    (out / "tables" / "a").mkdir(parents=True)
    manifest = {"status": "ok", "revision": revision, "reports": [entry]}
    (out / "manifest.json").write_text(json.dumps(manifest))
    return Layout(out.parent, out)


@pytest.mark.parametrize("bad", ["../x", "/abs", None])
def test_publish_refuses_a_manifest_whose_id_is_not_an_id(tmp_path, bad):
    outputs = {"html": "a.html", "pdf": "a.pdf", "tables": "tables/a"}
    layout = _fake_build(tmp_path / "out", {"id": bad, "outputs": outputs})
    with pytest.raises(DataError, match="field 'id'"):
        site.publish(layout, tmp_path / "site")
    assert not (tmp_path / "site").exists()


# Escaping in the prose -----------------------------------------------------------------


def _markup(html: str) -> list[str]:
    """The payloads as live markup or a script link, if `html` has them so."""
    lowered = html.lower()
    return [s for s in ("<img src=x", "<script>alert", 'href="javascript:') if s in lowered]


def test_the_appendix_heads_each_source_with_its_title_escaped():
    figures = pd.DataFrame(
        {
            "source_id": [HOSTILE],
            "figure_id": [HOSTILE],
            "measure_label": [HOSTILE],
            "crime": [HOSTILE],
            "case": [pd.NA],
            "raw": [HOSTILE],
            "value": [1],
            "qualifier": ["exact"],
            "unit": [HOSTILE],
            "scope": [HOSTILE],
            "period_start": [pd.NaT],
            "period_end": [pd.NaT],
            "derived_note": [HOSTILE],
            "quote": [HOSTILE],
            "quote_reading": [HOSTILE + " read"],
            "wording_zh": [HOSTILE],
            "wording_zh_source": [HOSTILE],
            "quote_start": [0],
            "quote_end": [1],
            "repeats": [HOSTILE],
            "corroboration_note": [HOSTILE],
        }
    )
    labels = summary.Labels({HOSTILE: HOSTILE}, {HOSTILE: HOSTILE}, {HOSTILE: HOSTILE}, {})
    html = markdown2html_mistune(narrative.figures_by_source(figures, labels))
    assert _markup(html) == [] and "<h3" in html and "&lt;img" in html


# The hostile build ---------------------------------------------------------------------


def _taint(value: object) -> object:
    """The value with the payloads appended to every string in it (lists too)."""
    if isinstance(value, str):
        return f"{value} {HOSTILE}" if value.strip() else value
    if isinstance(value, list):
        return [_taint(v) for v in value]
    return value


# Free text that reaches (or might reach) a page; ids, codes, dates, roles, file names and
# checksums are what the data step checks, and are tested above.
TEXTS = ("title", "summary", "title_zh", "summary_zh")
ORIGIN_TEXT = (
    "title",
    "publisher",
    "title_zh",
    "publisher_zh",
    "event",
    "speakers",
    "address",
    "transcription_notes",
    "translation_notes",
    "period_note",
)
REFERENCE_TEXT = {
    "crimes.csv": ("label", "origin", "prosecution_note"),
    "cases.csv": ("label", "label_zh", "name_en"),
    "measures.csv": ("label", "label_zh", "description"),
    "scopes.csv": ("label_zh",),
}


def _taint_csv(path: Path, columns: tuple[str, ...]) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if "aliases" in row and "label" in columns and path.name == "measures.csv":
            row["aliases"] = ";".join(filter(None, [row["label"], row["aliases"]]))
        row.update({c: _taint(row[c]) for c in columns})
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _taint_project(root: Path) -> None:
    path = root / "notebooks" / "reports.yml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in document["reports"]:
        entry.update({key: _taint(entry[key]) for key in TEXTS})
    document["reports"][0]["title"] = "javascript:alert(1)"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    for origin in (root / "data" / "raw").glob("*/origin.yml"):
        source = yaml.safe_load(origin.read_text(encoding="utf-8"))
        source.update({key: _taint(source[key]) for key in ORIGIN_TEXT})
        for entry in source["files"]:
            entry["description"] = _taint(entry.get("description", "text"))
        origin.write_text(yaml.safe_dump(source, allow_unicode=True), encoding="utf-8")
    for figures in (root / "data" / "raw").glob("*/figures.csv"):
        _taint_csv(figures, ("corroboration_note",))
    for name, columns in REFERENCE_TEXT.items():
        _taint_csv(root / "data" / "reference" / name, columns)
    _taint_csv(root / "data" / "corrections.csv", ("reason",))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, chromium) -> tuple[Layout, int, str]:
    """The project with the payloads in every text field, built once: its data step, then
    the build, into an outputs/ that is itself a link to another folder and that holds a
    malformed manifest (`[]`), which must be warned about once and rebuilt over."""
    from report_lib.build.orchestrate import build
    from report_lib.data import dataset

    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    shutil.copytree(ROOT / "data", root / "data", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "requirements.lock", root / "requirements.lock")
    _taint_project(root)
    data = root / "data"
    paths = dataset.Paths(data / "raw", data / "reference", data / "corrections.csv")
    dataset.write(dataset.build(paths), data / "processed")
    (root / "elsewhere").mkdir()
    (root / "elsewhere" / "manifest.json").write_text("[]")
    (root / "outputs").symlink_to(root / "elsewhere")
    layout = Layout(root, root / "outputs")
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = build(layout)
    return layout, status, err.getvalue()


def test_the_hostile_project_builds_in_full_after_one_warning(hostile):
    layout, status, err = hostile
    assert status == 0, err
    assert err.count("\n") == 1 and "manifest.json is malformed" in err, err
    manifest = json.loads((layout.root / "elsewhere" / "manifest.json").read_text())
    listed = [r.id for r in load_reports(layout.report_list)]
    assert manifest["status"] == "ok" and [e["id"] for e in manifest["reports"]] == listed
    made = {p.name for p in (layout.root / "elsewhere").iterdir()}
    assert all(f"{e['id']}.pdf" in made for e in manifest["reports"])


def _pages(layout: Layout) -> list[Path]:
    manifest = json.loads(layout.manifest.read_text())
    return [layout.index] + [layout.out / f"{e['id']}.html" for e in manifest["reports"]]


def test_hostile_text_is_in_the_pages_only_as_text(hostile):
    layout = hostile[0]
    for page in _pages(layout):
        html = page.read_text(encoding="utf-8")
        assert "&lt;img src=x onerror=alert(1)&gt;" in html, page.name  # it got there...
        assert _markup(html) == [], page.name  # ...as text


LIVE = """() => ({
  handlers: Array.from(document.querySelectorAll('*')).flatMap(
      e => Array.from(e.attributes).filter(a => a.name.startsWith('on')).map(a => a.name)),
  scripts: Array.from(document.scripts).filter(s => s.textContent.includes('alert')).length,
  links: Array.from(document.links).map(a => a.href).filter(h => !h.startsWith('file:')),
  text: document.body.innerText,
})"""


def _open(browser, url: str, dialogs: list[str]):
    page = browser.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url, wait_until="load")
    page.wait_for_timeout(100)  # an onerror handler runs after the image fails
    return page


def test_no_page_runs_hostile_text_in_chromium(hostile, browser):
    dialogs: list[str] = []
    for path in _pages(hostile[0]):
        page = _open(browser, path.as_uri(), dialogs)
        live = page.evaluate(LIVE)
        assert live["handlers"] == [] and live["scripts"] == 0, (path.name, live)
        assert live["links"] == [], (path.name, live["links"])
        assert PAYLOADS[0] in live["text"], path.name  # shown to the reader, as text
        page.close()
    assert dialogs == []


def test_every_link_of_the_hostile_index_is_safe_to_click(hostile, browser):
    layout = hostile[0]
    dialogs: list[str] = []
    page = _open(browser, layout.index.as_uri(), dialogs)
    count = page.locator("a").count()
    page.close()
    assert count >= 3 * len({r.id for r in load_reports(layout.report_list)})  # one language
    for number in range(count):
        page = _open(browser, layout.index.as_uri(), dialogs)
        link = page.locator("a").nth(number)
        href = link.get_attribute("href")
        if href.startswith("#"):  # the shell's skip link: a target on the same page
            assert re.fullmatch(r"#[a-z][a-z-]*", href), href
            assert page.locator(f"[id='{href[1:]}']").count() == 1, href
            page.close()
            continue
        # a relative link to a built file inside the output folder (pages, PDFs, chart CSVs)
        target = (layout.out / href).resolve()
        assert ":" not in href and not href.startswith("/") and ".." not in href, href
        assert target.is_file() and target.is_relative_to(layout.out.resolve()), href
        with contextlib.suppress(Exception):  # a PDF link starts a download, refused
            link.click(timeout=5000)
            page.wait_for_load_state("load")
        page.wait_for_timeout(100)
        page.close()
    assert dialogs == []
