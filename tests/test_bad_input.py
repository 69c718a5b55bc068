"""Bad input stops the data step with exit 2 and one line naming file, row and field,
and leaves data/processed exactly as it was."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import edit_csv

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
    edit_csv(primary / "figures.csv", 3, "raw", "suspects")
    _assert_rejected(
        data_copy,
        capsys,
        processed,
        "figures.csv",
        "row 3",
        "field 'raw'",
        "'suspects' is not a number",
    )


def _add_source(data: Path, name: str, document: str, raw: str, quote: str) -> Path:
    """A new source folder with one figure, copied from the press conference's origin."""
    folder = data / "raw" / name
    folder.mkdir()
    (folder / "doc.txt").write_text(document, encoding="utf-8")
    digest = hashlib.sha256(document.encode()).hexdigest()
    origin = (data / "raw" / PRIMARY / "origin.yml").read_text(encoding="utf-8")
    origin = origin.replace(f"id: {PRIMARY}", f"id: {name}")
    origin = origin.replace("name: spp-2022-02-21-personality-rights.en.txt", "name: doc.txt")
    origin = origin.replace(
        "c49fb356fc99bb444c3d2dbe98af85d78723b449aa24df8d29e9e82b08e87fb4", digest
    )
    (folder / "origin.yml").write_text(origin, encoding="utf-8")
    row = [name.replace("-", "_"), raw, "arrests_approved", "insult and defamation", "", quote]
    row += [str(document.index(quote)), "2019-01-01", "", "", ""]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "figure_id",
            "raw",
            "measure",
            "crime",
            "case",
            "quote",
            "quote_start",
            "period_start",
            "period_end",
            "corroborated_by",
            "corroboration_note",
        ]
    )
    writer.writerow(row)
    (folder / "figures.csv").write_text(buffer.getvalue(), encoding="utf-8")
    (folder / "excluded.csv").write_text("text,start,reason\nSince 2019,0,period\n")
    return folder


def test_a_negative_count(data_copy, capsys, processed):
    _add_source(
        data_copy,
        "zz-negative",
        "Since 2019, -5 suspects for crimes of insult and defamation were approved.",
        "-5",
        "-5 suspects for crimes of insult and defamation",
    )
    _assert_rejected(
        data_copy, capsys, processed, "zz-negative/figures.csv", "row 2", "field 'raw'", "negative"
    )


def test_an_unknown_crime(primary, data_copy, capsys, processed):
    edit_csv(primary / "figures.csv", 3, "crime", "crimes of jaywalking")
    _assert_rejected(data_copy, capsys, processed, "row 3", "field 'crime'", "unknown crime")


def test_an_unknown_measure(primary, data_copy, capsys, processed):
    edit_csv(primary / "figures.csv", 4, "measure", "convictions")
    _assert_rejected(data_copy, capsys, processed, "row 4", "field 'measure'", "unknown measure")


def test_a_duplicate_figure_id(primary, data_copy, capsys, processed):
    edit_csv(primary / "figures.csv", 4, "figure_id", "arrests_insult_defamation")
    _assert_rejected(data_copy, capsys, processed, "row 4", "field 'figure_id'", "duplicate")


@pytest.mark.parametrize(
    "bad", ["../x/prosecuted", "", "_lead", "a-b", "x<b>", "é", "a b", "a" * 65], ids=repr
)
def test_a_figure_id_that_is_not_an_id(primary, data_copy, capsys, processed, bad):
    edit_csv(primary / "figures.csv", 4, "figure_id", bad)
    err = _assert_rejected(data_copy, capsys, processed, "row 4", "field 'figure_id'")
    assert "is not a valid id (letters, digits and '_'" in err, err


def test_a_quote_not_in_the_document(primary, data_copy, capsys, processed):
    edit_csv(primary / "figures.csv", 3, "quote", "approving the arrest of 168 suspects for theft")
    _assert_rejected(data_copy, capsys, processed, "row 3", "field 'quote'", "not in the document")


def test_a_quote_at_the_wrong_offset(primary, data_copy, capsys, processed):
    edit_csv(primary / "figures.csv", 3, "quote_start", "1041")
    _assert_rejected(data_copy, capsys, processed, "row 3", "field 'quote'", "it is at 1040")


def test_a_checksum_mismatch(primary, data_copy, capsys, processed):
    document = primary / "spp-2022-02-21-personality-rights.en.txt"
    document.write_bytes(document.read_bytes().replace(b"12,410", b"12,411"))
    _assert_rejected(
        data_copy, capsys, processed, "origin.yml", "field 'files[0].sha256'", "mismatch"
    )


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
    edit_csv(primary / "figures.csv", 3, "measure", "persons_prosecuted")
    _assert_rejected(
        data_copy, capsys, processed, "row 3", "field 'raw'", "'168' disagrees with '213'"
    )


def test_a_unit_that_does_not_fit_the_measure(primary, data_copy, capsys, processed):
    edit_csv(primary / "figures.csv", 10, "measure", "cases_supervised")
    _assert_rejected(data_copy, capsys, processed, "row 10", "field 'raw'", "does not fit")


def test_the_console_script_prints_no_traceback(primary, data_copy):
    edit_csv(primary / "figures.csv", 3, "raw", "suspects")
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


# --- issue 9: the data step never crashes, and says everything at once -----------------

ORIGIN = "origin.yml"


def _edit_origin(primary: Path, old: str, new: str) -> None:
    path = primary / ORIGIN
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("12.5", "'12.5' is not a whole count"),
        ("99999999999999999999", "larger than any count"),
    ],
)
def test_counts_that_are_not_whole_or_are_huge(data_copy, capsys, processed, raw, message):
    quote = f"{raw} suspects for crimes of insult and defamation"
    _add_source(data_copy, "zz-count", f"Since 2019, {quote} were approved.", raw, quote)
    _assert_rejected(data_copy, capsys, processed, "row 2", "field 'raw'", message)


def test_a_field_over_the_csv_module_limit(primary, data_copy, capsys, processed):
    edit_csv(primary / "figures.csv", 3, "corroboration_note", "x" * 131_073)
    _assert_rejected(
        data_copy, capsys, processed, "row 3", "field 'corroboration_note'", "characters; at most"
    )


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("date: 2022-02-21", "date: 2022-02-30", "field 'date'", "not a real date"),
        ("date: 2022-02-21", "date: 2022-02-21 10:00:00", "field 'date'", "date (YYYY-MM-DD)"),
        ("date_accessed: 2026-11-28", "date_accessed: 2026-13-01", "date_accessed", "real date"),
        (
            "name: spp-2022-02-21-personality-rights.en.txt",
            "name: 12345",
            "field 'files[0].name'",
            "must be text",
        ),
        (
            "sha256: c49fb356fc99bb444c3d2dbe98af85d78723b449aa24df8d29e9e82b08e87fb4",
            "sha256: 12345",
            "field 'files[0].sha256'",
            "must be text",
        ),
        ("scope: all", "scope: all\nscope: online", "field 'scope'", "given twice"),
        ("title:", "role: primary\ntitle:", "origin.yml", "unknown key 'role'"),
        (
            "name: spp-2022-02-21-personality-rights.en.txt",
            "name: ../spp-2022-02-21/spp-2022-02-21-personality-rights.en.txt",
            "field 'files[0].name'",
            "file name of the source folder",
        ),
        (
            "name: spp-2022-02-21-personality-rights.en.txt",
            "name: /etc/hostname",
            "field 'files[0].name'",
            "file name of the source folder",
        ),
    ],
)
def test_origin_values_are_type_checked(
    primary, data_copy, capsys, processed, old, new, field, message
):
    _edit_origin(primary, old, new)
    err = _assert_rejected(data_copy, capsys, processed, "origin.yml", field, message)
    assert "row " in err  # the line of the key in origin.yml


def test_a_document_linked_from_outside_the_source_folder(primary, data_copy, capsys, processed):
    document = primary / "spp-2022-02-21-personality-rights.en.txt"
    outside = data_copy / "outside.txt"
    outside.write_bytes(document.read_bytes())
    document.unlink()
    document.symlink_to(outside)
    _assert_rejected(data_copy, capsys, processed, "origin.yml", "leads outside")


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b"])
def test_control_characters_are_refused(primary, data_copy, capsys, processed, char):
    edit_csv(primary / "figures.csv", 4, "corroboration_note", f"note{char}here")
    err = _assert_rejected(
        data_copy, capsys, processed, "row 4", "field 'corroboration_note'", "control character"
    )
    assert char not in err


def test_a_nul_in_origin_is_refused(primary, data_copy, capsys, processed):
    _edit_origin(primary, "publisher: China News Service", 'publisher: "China\\0 News"')
    _assert_rejected(data_copy, capsys, processed, "origin.yml", "field 'publisher'", "U+0000")


def test_rows_are_records_not_lines(primary, data_copy, capsys, processed):
    # A quoted newline in row 2 must not shift the row named for an error in row 3.
    edit_csv(primary / "figures.csv", 2, "corroboration_note", "first line\nsecond line")
    edit_csv(primary / "figures.csv", 3, "raw", "suspects")
    _assert_rejected(data_copy, capsys, processed, "row 3", "field 'raw'")


def test_a_byte_order_mark_is_accepted(primary, data_copy, capsys, processed):
    for name in ("figures.csv", "excluded.csv", ORIGIN):
        path = primary / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    code, err = _run(data_copy, capsys)
    assert code == 0, err


@pytest.mark.parametrize(
    ("name", "field"), [("figures.csv", "quote_start"), ("excluded.csv", "start")]
)
def test_a_negative_offset_is_not_an_index(primary, data_copy, capsys, processed, name, field):
    path = primary / name
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    document = (primary / "spp-2022-02-21-personality-rights.en.txt").read_text(encoding="utf-8")
    text = rows[0]["quote" if name == "figures.csv" else "text"]
    edit_csv(path, 2, field, str(document.find(text) - len(document)))
    _assert_rejected(data_copy, capsys, processed, "row 2", f"field '{field}'", "not an offset")


def test_an_unknown_name_gets_the_nearest_known_one(primary, data_copy, capsys, processed):
    edit_csv(
        primary / "figures.csv",
        4,
        "crime",
        "crimes of infringe on citizens' personal information",
    )
    _assert_rejected(
        data_copy,
        capsys,
        processed,
        "row 4",
        "field 'crime'",
        "did you mean 'infringing on citizens' personal information'",
    )


def _all_lines(data: Path, capsys) -> list[str]:
    code, err = _run(data, capsys)
    assert code == 2 and "Traceback" not in err
    lines = err.splitlines()
    assert all(line.startswith("error: ") for line in lines)
    return lines


def test_every_error_is_reported_at_once_sorted_by_file_and_row(primary, data_copy, capsys):
    path = primary / "figures.csv"
    for row in (9, 3, 5):
        edit_csv(path, row, "measure", "convictions")
    edit_csv(path, 4, "period_start", "2019-02-30")
    other = data_copy / "raw" / "thepaper-2023-02-09-personal-information"
    edit_csv(other / "figures.csv", 2, "crime", "jaywalking")
    cns = data_copy / "raw" / "cns-2023-03-02-personal-information"
    _edit_origin(cns, "date: 2023-03-02", "date: 2023-02-31")
    lines = _all_lines(data_copy, capsys)
    assert len(lines) == 6, lines
    spp = [line for line in lines if "spp-2022-02-21/figures.csv" in line]
    assert [re.search(r"row (\d+)", line)[1] for line in spp] == ["3", "4", "5", "9"]
    files = [re.match(r"error: (\S+),", line)[1] for line in lines]
    assert files == sorted(files)


def test_at_most_twenty_errors_are_shown(primary, data_copy, capsys):
    path = primary / "figures.csv"
    excluded = primary / "excluded.csv"
    excluded.write_text("text,start,reason\n", encoding="utf-8")  # every number now unused
    for row in range(2, 15):
        edit_csv(path, row, "measure", "convictions")
    for folder in (data_copy / "raw").iterdir():
        if folder.name != PRIMARY:
            edit_csv(folder / "figures.csv", 2, "measure", "convictions")
    lines = _all_lines(data_copy, capsys)
    assert len(lines) == 21 and re.fullmatch(r"error: … and \d+ more errors", lines[-1])


def test_a_failed_write_leaves_processed_whole(data_copy, capsys, processed, monkeypatch):
    from report_lib import atomic

    figures = data_copy / "raw" / PRIMARY / "figures.csv"
    figures.write_text(figures.read_text(encoding="utf-8").replace("period", "period", 1))
    corrections = data_copy / "corrections.csv"
    corrections.write_text(corrections.read_text(encoding="utf-8").replace("C4,", "C4,", 1))
    (data_copy / "reference" / "scopes.csv").write_text(
        (data_copy / "reference" / "scopes.csv").read_text(encoding="utf-8") + "local,l,d,\n"
    )
    _edit_origin(data_copy / "raw" / PRIMARY, "title: ", "title: New ")
    calls = []
    real = atomic._fsync

    def failing(path):
        calls.append(path)
        if len(calls) == 3:
            raise OSError("disk full")
        real(path)

    monkeypatch.setattr(atomic, "_fsync", failing)
    with pytest.raises(OSError):
        _run(data_copy, capsys)
    after = {p.name: p.read_bytes() for p in (data_copy / "processed").iterdir()}
    assert after == processed
    monkeypatch.setattr(atomic, "_fsync", real)
    assert _run(data_copy, capsys)[0] == 0
    assert b"New " in (data_copy / "processed" / "sources.csv").read_bytes()
    assert sorted(p.name for p in data_copy.iterdir() if p.name.startswith(".")) == []


def test_a_run_killed_between_renames_loses_nothing(data_copy, capsys, processed):
    out = data_copy / "processed"
    out.rename(data_copy / ".processed.old")  # killed after the first of two renames
    (data_copy / ".processed.new").mkdir()  # ...with the new folder half-written
    (data_copy / ".processed.new" / "figures.csv").write_text("half")
    assert _run(data_copy, capsys)[0] == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == processed
    assert not (data_copy / ".processed.new").exists()
    assert not (data_copy / ".processed.old").exists()


def test_coverage_scans_the_document_once(data_copy, monkeypatch):
    from report_lib.data import checks, dataset

    calls = []
    real = checks.number_spans
    monkeypatch.setattr(checks, "number_spans", lambda text: calls.append(len(text)) or real(text))
    dataset.build(
        dataset.Paths(data_copy / "raw", data_copy / "reference", data_copy / "corrections.csv")
    )
    assert len(calls) == len(list((data_copy / "raw").iterdir()))


def test_covering_is_one_sweep_and_matches_the_naive_search():
    from report_lib.data.checks import _covering

    numbers = [(i * 10, i * 10 + 3) for i in range(200)]
    spans = [(i * 30, i * 30 + 25, i) for i in range(60)] + [(0, 2000, "all"), (500, 504, "x")]
    naive = [next((x for s, e, x in spans if s <= a and b <= e), None) for a, b in numbers]
    found = _covering(spans, numbers)
    assert [f is None for f in found] == [n is None for n in naive]
    assert all(f is not None for f in found[:200])  # the (0, 2000) span holds them all


@pytest.mark.parametrize(
    ("document", "quote", "raw"),
    [
        ("Since 2019, 19 cases of insult and defamation were approved.", "19 cases", "19"),
        ("Since 2019, 19件 of insult and defamation were approved.", "19件", "19"),
    ],
)
def test_the_word_beside_the_number_must_fit_the_measure(
    data_copy, capsys, processed, document, quote, raw
):
    _add_source(data_copy, "zz-unit", document, raw, quote)
    _assert_rejected(
        data_copy, capsys, processed, "row 2", "field 'measure'", "a count of cases", "persons"
    )


def test_a_count_that_ends_before_its_offence_existed(data_copy, capsys, processed):
    folder = _add_source(
        data_copy,
        "zz-early",
        "Since 2019, 12 suspects for crimes of insult and defamation were approved.",
        "12",
        "12 suspects for crimes of insult and defamation",
    )
    text = (folder / "figures.csv").read_text(encoding="utf-8")
    text = text.replace("insult and defamation,,", "heroes_martyrs,,").replace(
        "2019-01-01,,", "2019-01-01,2020-12-31,"
    )
    (folder / "figures.csv").write_text(text, encoding="utf-8")
    _assert_rejected(data_copy, capsys, processed, "row 2", "field 'period_end'", "into force")


def test_an_unknown_scope(primary, data_copy, capsys, processed):
    _edit_origin(primary, "scope: all", "scope: onlne")
    _assert_rejected(
        data_copy,
        capsys,
        processed,
        "origin.yml",
        "field 'scope'",
        "unknown scope 'onlne'",
        "did you mean",
    )


def test_reference_and_ledger_errors_name_their_row(data_copy, capsys, processed):
    edit_csv(data_copy / "reference" / "cases.csv", 3, "crime", "insult_defamtion")
    ledger_path = data_copy / "corrections.csv"
    stale_row = len(ledger_path.read_text(encoding="utf-8").splitlines()) + 1
    with ledger_path.open("a", encoding="utf-8") as ledger:
        ledger.write("C99,spp-2022-02-21,crime,no such words,x,a stale entry,none\n")
    lines = _all_lines(data_copy, capsys)
    assert any(
        "cases.csv, row 3, field 'crime'" in line and "did you mean" in line for line in lines
    ), lines
    assert not any("corrections.csv" in line for line in lines)  # not checked on bad tables
    edit_csv(data_copy / "reference" / "cases.csv", 3, "crime", "insult_defamation")
    lines = _all_lines(data_copy, capsys)
    stale = f"corrections.csv, row {stale_row}, field 'find': C99 applies to no figure"
    assert any(stale in line for line in lines), lines
