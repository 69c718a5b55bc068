"""The notes on the event and its guiding cases: what the reports say about them in words,
held as data (`reference/guiding_cases.csv`, `reference/press_conference.csv`) beside
byte-for-byte copies of the checked notes they come from (`reference/notes/`), never typed
into a notebook.

A synopsis quotes the notes, it never makes a figure: every number and every Chinese word
of a text must stand in the notes (a guiding case's in its own section of CASES.md), so a
number in the prose of a report is still traceable to a written source. The Chinese
columns (`*_zh`) are held to the same rule, their numbers read back by value with the
project's own parser (13万 stands for the notes' 130,000): a Chinese text can only be
written from the Chinese the notes give, and where they give none it stays empty and the
Chinese report shows the English text, marked as such."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from report_lib.data.csvfile import read_rows, read_text
from report_lib.data.numbers import NumberFormatError, number_spans, parse_quantity
from report_lib.data.sources import Source
from report_lib.errors import Collector, DataError

NOTES = "notes"
CASES_MD = "CASES.md"
FACTS_MD = "FACTS.md"
GUIDING_CSV = "guiding_cases.csv"
EVENT_CSV = "press_conference.csv"
GUIDING_COLUMNS = (
    "case_id",
    "title_en",
    "offence",
    "personality_right",
    "synopsis",
    "legal_point",
    "legal_point_status",
    "unconfirmed",
    "sources",
    "offence_zh",
    "synopsis_zh",
    "legal_point_zh",
)
EVENT_COLUMNS = (
    "fact",
    "section",
    "label",
    "label_zh",
    "text",
    "wording_zh",
    "source_id",
    "quote",
    "figure_id",
    "sources",
)
# official: the case text's legal point (要旨); secondary: a journal's statement of it,
# the official one unconfirmed; unconfirmed: none found (legal_point stays empty).
LEGAL_POINT_STATUS = ("official", "secondary", "unconfirmed")
SECTIONS = ("event", "policy")
GUIDING_TEXT = ("title_en", "offence", "personality_right", "synopsis", "legal_point")
GUIDING_TEXT += ("unconfirmed", "sources")
# A case's Chinese texts: only the Chinese of its section of CASES.md (empty: none given).
GUIDING_ZH = ("offence_zh", "synopsis_zh", "legal_point_zh")
EVENT_TEXT = ("label", "text", "wording_zh", "sources")
CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
NUMBER = re.compile(r"\d(?:[\d,.\-]*\d)?")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


@dataclass(frozen=True)
class Notes:
    """The guiding cases (by case code) and the event's facts (by fact code), in file
    order, with the row of each for error messages."""

    folder: Path
    cases: dict[str, dict[str, str]]
    facts: dict[str, dict[str, str]]
    rows: dict[str, int]  # 'fact:<code>' / 'case:<code>' -> spreadsheet row

    def fact_error(self, fact: str, field: str, message: str) -> DataError:
        row = self.rows[f"fact:{fact}"]
        return DataError(self.folder / EVENT_CSV, message, row=row, field=field)


def tokens(text: str) -> list[str]:
    """The numbers and the runs of Chinese characters of a text: what must be quoted."""
    return NUMBER.findall(text) + HAN.findall(text)


def case_section(notes: str, number: str) -> str:
    """The section of CASES.md on one guiding case: from its heading to the next."""
    found = re.search(rf"^## 检例第{re.escape(number)}号.*?(?=^## |\Z)", notes, re.M | re.S)
    return found.group() if found else ""


def quantities(text: str) -> set[int | float]:
    """The values of the numbers of a text as the project's parser reads them, a number
    followed by its scale word read whole ('2.5 million' is 2500000, and 2.5)."""
    spans, found = number_spans(text), set()
    for i, (start, end) in enumerate(spans):
        joined = spans[i + 1][1] if i + 1 < len(spans) and spans[i + 1][0] - end <= 1 else end
        for piece in {text[start:end], text[start:joined]}:
            try:
                found.add(parse_quantity(piece).value)
            except NumberFormatError:
                continue
    return found


def _unquoted_zh(text: str, notes: str) -> str | None:
    """The first number of a Chinese text whose value the notes do not give, or its first
    Chinese word (numbers and their 余 taken out) that no Chinese word of the notes holds."""
    known, words, rest = quantities(notes), HAN.findall(notes), text
    for start, end in reversed(number_spans(text)):
        token = text[start:end]
        try:
            value = parse_quantity(token).value
        except NumberFormatError:
            return token
        if value not in known:
            return token
        rest = rest[:start] + " " + rest[end:].removeprefix("余").removeprefix("多")
    for token in HAN.findall(rest):
        if not any(token in word for word in words):
            return token
    return None


def _unquoted(text: str, notes: str) -> str | None:
    """The first number or Chinese word of `text` that `notes` does not hold as a whole."""
    numbers, words = set(NUMBER.findall(notes)), HAN.findall(notes)
    for token in NUMBER.findall(text):
        if token not in numbers:
            return token
    for token in HAN.findall(text):
        if not any(token in word for word in words):
            return token
    return None


def _check_text(
    path: Path, row: int, fields: dict[str, str], names, notes: str, errors, zh: bool = False
) -> None:
    unquoted = _unquoted_zh if zh else _unquoted
    for field in names:
        if (token := unquoted(fields[field], notes)) is not None:
            errors.add(
                DataError(path, f"'{token}' is not in the notes it cites", row=row, field=field)
            )


def _code(path: Path, row: int, field: str, value: str, seen: dict, errors: Collector) -> bool:
    if not CODE.fullmatch(value):
        errors.add(DataError(path, f"'{value[:40]}' is not a code", row=row, field=field))
        return False
    if value in seen:
        errors.add(DataError(path, f"duplicate {field} '{value}'", row=row, field=field))
        return False
    return True


def _guiding_row(path: Path, row: int, fields: dict[str, str], cases, notes: str, errors) -> bool:
    """One guiding case's row, checked against cases.csv and its section of CASES.md."""
    case = cases.rows.get(fields["case_id"])
    if case is None or case["kind"] != "guiding case" or not case["number"].isdigit():
        hint = cases.hint(fields["case_id"])
        message = f"'{fields['case_id']}' is no guiding case of cases.csv{hint}"
        errors.add(DataError(path, message, row=row, field="case_id"))
        return False
    section = case_section(notes, case["number"])
    if not section:
        message = f"{CASES_MD} has no section on 检例第{case['number']}号"
        errors.add(DataError(path, message, row=row, field="case_id"))
        return False
    for field in ("title_en", "synopsis", "sources"):
        if not fields[field]:
            errors.add(DataError(path, f"empty {field}", row=row, field=field))
    status = fields["legal_point_status"]
    if status not in LEGAL_POINT_STATUS:
        message = f"'{status}' is not one of {', '.join(LEGAL_POINT_STATUS)}"
        errors.add(DataError(path, message, row=row, field="legal_point_status"))
    elif (status == "unconfirmed") == bool(fields["legal_point"]):
        message = "a legal point is given exactly when its status is not 'unconfirmed'"
        errors.add(DataError(path, message, row=row, field="legal_point"))
    if not case["crime"] and not fields["offence"]:
        message = "a case of no crime of crimes.csv must name its offence"
        errors.add(DataError(path, message, row=row, field="offence"))
    _check_text(path, row, fields, GUIDING_TEXT, section, errors)
    _check_text(path, row, fields, GUIDING_ZH, section, errors, zh=True)
    return True


def _event_row(path: Path, row: int, fields: dict[str, str], notes: str, errors) -> None:
    if fields["section"] not in SECTIONS:
        message = f"'{fields['section']}' is not one of {', '.join(SECTIONS)}"
        errors.add(DataError(path, message, row=row, field="section"))
    for field in ("label", "label_zh", "text", "sources"):
        if not fields[field]:
            errors.add(DataError(path, f"empty {field}", row=row, field=field))
    if bool(fields["quote"]) != bool(fields["source_id"]):
        message = "a quote needs the source it stands in, and a source a quote"
        errors.add(DataError(path, message, row=row, field="source_id"))
    if fields["figure_id"] and not fields["quote"]:
        message = "a figure is shown with the quote it stands in"
        errors.add(DataError(path, message, row=row, field="figure_id"))
    _check_text(path, row, fields, EVENT_TEXT, notes, errors)


def load_notes(folder: Path, cases, errors: Collector) -> Notes:
    """Read and check the two tables against cases.csv (`cases`, a reference Table) and
    the notes; defects go to `errors`."""
    notes = Notes(folder, {}, {}, {})
    try:
        cases_md = read_text(folder / NOTES / CASES_MD)
        facts_md = read_text(folder / NOTES / FACTS_MD)
    except DataError as error:
        errors.add(error)
        return notes
    path = folder / GUIDING_CSV
    with errors.guard():
        for row, fields in read_rows(path, GUIDING_COLUMNS):
            if _code(path, row, "case_id", fields["case_id"], notes.cases, errors) and (
                _guiding_row(path, row, fields, cases, cases_md, errors)
            ):
                notes.cases[fields["case_id"]] = fields
                notes.rows[f"case:{fields['case_id']}"] = row
    path = folder / EVENT_CSV
    with errors.guard():
        for row, fields in read_rows(path, EVENT_COLUMNS):
            if _code(path, row, "fact", fields["fact"], notes.facts, errors):
                _event_row(path, row, fields, cases_md + "\n" + facts_md, errors)
                notes.facts[fields["fact"]] = fields
                notes.rows[f"fact:{fields['fact']}"] = row
    return notes


def check_quotes(
    notes: Notes, sources: Mapping[str, Source], failed: set[str], errors: Collector
) -> None:
    """Each fact's quote stands in its source's document, and its figure is a row of that
    source's figures; a source in `failed` did not load, and has its own error."""
    for fact, fields in notes.facts.items():
        source_id, quote, figure = fields["source_id"], fields["quote"], fields["figure_id"]
        if not quote or source_id in failed:
            continue
        source = sources.get(source_id)
        if source is None:
            errors.add(notes.fact_error(fact, "source_id", f"no source '{source_id[:40]}'"))
        elif quote not in source.document:
            errors.add(notes.fact_error(fact, "quote", f"the quote is not in {source_id}'s text"))
        elif figure and figure not in {row.fields["figure_id"] for row in source.figures}:
            message = f"no figure '{figure[:40]}' in {source_id}"
            errors.add(notes.fact_error(fact, "figure_id", message))
