"""Bad input stops the data step with exit 2 and one line naming file, row and field,
and leaves data/processed exactly as it was."""

from __future__ import annotations

import csv
import hashlib
import io
import subprocess
import sys
from pathlib import Path

import pytest

from report_lib.build.cli import main

PRIMARY = "spp-2022-02-21"


def _run(data: Path, capsys) -> tuple[int, str]:
    out = data / "processed"
    code = main(
        [
            "data",
            "--raw",
            str(data / "raw"),
            "--reference",
            str(data / "reference"),
            "--corrections",
            str(data / "corrections.csv"),
            "--out",
            str(out),
        ]
    )
    return code, capsys.readouterr().err


def _edit_csv(path: Path, row: int, field: str, value: str) -> None:
    """Set one cell; `row` counts as a spreadsheet does (header = 1)."""
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[row - 2][field] = value
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


@pytest.fixture
def primary(data_copy: Path) -> Path:
    return data_copy / "raw" / PRIMARY


@pytest.fixture
def processed(data_copy: Path, capsys) -> dict[str, bytes]:
    """A good build first, so each test can check that nothing of it changes."""
    assert _run(data_copy, capsys)[0] == 0
    return {p.name: p.read_bytes() for p in (data_copy / "processed").iterdir()}


def _assert_rejected(data: Path, capsys, processed, *parts: str) -> str:
    code, err = _run(data, capsys)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: "), err
    assert "Traceback" not in err
    for part in parts:
        assert part in err, (part, err)
    after = {p.name: p.read_bytes() for p in (data / "processed").iterdir()}
    assert after == processed
    return err


def test_a_non_number(primary, data_copy, capsys, processed):
    _edit_csv(primary / "figures.csv", 3, "raw", "suspects")
    _assert_rejected(
        data_copy,
        capsys,
        processed,
        "figures.csv",
        "row 3",
        "field 'raw'",
        "'suspects' is not a number",
    )


def test_a_negative_count(data_copy, capsys, processed):
    folder = data_copy / "raw" / "zz-negative"
    folder.mkdir()
    document = "Since 2019, -5 suspects for crimes of insult and defamation were approved."
    (folder / "doc.txt").write_text(document, encoding="utf-8")
    digest = hashlib.sha256(document.encode()).hexdigest()
    origin = (data_copy / "raw" / PRIMARY / "origin.yml").read_text(encoding="utf-8")
    origin = origin.replace(f"id: {PRIMARY}", "id: zz-negative")
    origin = origin.replace("name: spp-2022-02-21-personality-rights.en.txt", "name: doc.txt")
    origin = origin.replace(
        "c49fb356fc99bb444c3d2dbe98af85d78723b449aa24df8d29e9e82b08e87fb4", digest
    )
    (folder / "origin.yml").write_text(origin, encoding="utf-8")
    (folder / "figures.csv").write_text(
        "figure_id,raw,measure,crime,case,quote,quote_start,period_start,period_end,"
        "corroborated_by,corroboration_note\n"
        "neg,-5,arrests_approved,crimes of insult and defamation,,"
        "-5 suspects for crimes of insult and defamation,12,2019-01-01,,,\n",
        encoding="utf-8",
    )
    (folder / "excluded.csv").write_text("text,start,reason\nSince 2019,0,period\n")
    _assert_rejected(
        data_copy, capsys, processed, "zz-negative/figures.csv", "row 2", "field 'raw'", "negative"
    )


def test_an_unknown_crime(primary, data_copy, capsys, processed):
    _edit_csv(primary / "figures.csv", 3, "crime", "crimes of jaywalking")
    _assert_rejected(data_copy, capsys, processed, "row 3", "field 'crime'", "unknown crime")


def test_an_unknown_measure(primary, data_copy, capsys, processed):
    _edit_csv(primary / "figures.csv", 4, "measure", "convictions")
    _assert_rejected(data_copy, capsys, processed, "row 4", "field 'measure'", "unknown measure")


def test_a_duplicate_figure_id(primary, data_copy, capsys, processed):
    _edit_csv(primary / "figures.csv", 4, "figure_id", "arrests_insult_defamation")
    _assert_rejected(data_copy, capsys, processed, "row 4", "field 'figure_id'", "duplicate")


def test_a_quote_not_in_the_document(primary, data_copy, capsys, processed):
    _edit_csv(primary / "figures.csv", 3, "quote", "approving the arrest of 168 suspects for theft")
    _assert_rejected(data_copy, capsys, processed, "row 3", "field 'quote'", "not in the document")


def test_a_quote_at_the_wrong_offset(primary, data_copy, capsys, processed):
    _edit_csv(primary / "figures.csv", 3, "quote_start", "1041")
    _assert_rejected(data_copy, capsys, processed, "row 3", "field 'quote'", "it is at 1040")


def test_a_checksum_mismatch(primary, data_copy, capsys, processed):
    document = primary / "spp-2022-02-21-personality-rights.en.txt"
    document.write_bytes(document.read_bytes().replace(b"12,410", b"12,411"))
    _assert_rejected(data_copy, capsys, processed, "origin.yml", "field 'sha256'", "mismatch")


@pytest.mark.parametrize("name", ["figures.csv", "excluded.csv", "origin.yml"])
def test_a_missing_file(primary, data_copy, capsys, processed, name):
    (primary / name).unlink()
    _assert_rejected(data_copy, capsys, processed, f"{PRIMARY}/{name}", "missing")


def test_an_empty_file(primary, data_copy, capsys, processed):
    (primary / "figures.csv").write_text("", encoding="utf-8")
    _assert_rejected(data_copy, capsys, processed, "figures.csv", "empty")


def test_a_missing_column(primary, data_copy, capsys, processed):
    path = primary / "figures.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",quote_start,", ",offset,", 1))
    _assert_rejected(data_copy, capsys, processed, "row 1", "field 'quote_start'", "missing column")


def test_a_file_that_is_not_utf8(primary, data_copy, capsys, processed):
    path = primary / "figures.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    _assert_rejected(data_copy, capsys, processed, "figures.csv", "not UTF-8")


def test_a_number_that_is_neither_figure_nor_excluded(primary, data_copy, capsys, processed):
    path = primary / "excluded.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if "top ten" not in line), encoding="utf-8")
    _assert_rejected(
        data_copy, capsys, processed, "personality-rights.en.txt", "'ten'", "neither a figure nor"
    )


def test_a_restated_figure_that_disagrees(primary, data_copy, capsys, processed):
    # Row 3 (168 arrests) recoded as persons prosecuted now restates row 2's 213.
    _edit_csv(primary / "figures.csv", 3, "measure", "persons_prosecuted")
    _assert_rejected(
        data_copy, capsys, processed, "row 3", "field 'raw'", "'168' disagrees with '213'"
    )


def test_a_unit_that_does_not_fit_the_measure(primary, data_copy, capsys, processed):
    _edit_csv(primary / "figures.csv", 10, "measure", "cases_supervised")
    _assert_rejected(data_copy, capsys, processed, "row 10", "field 'raw'", "does not fit")


def test_the_console_script_prints_no_traceback(primary, data_copy):
    _edit_csv(primary / "figures.csv", 3, "raw", "suspects")
    result = subprocess.run(
        [
            Path(sys.executable).with_name("report-lib"),
            "data",
            "--raw",
            data_copy / "raw",
            "--out",
            data_copy / "processed",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not (data_copy / "processed").exists()
