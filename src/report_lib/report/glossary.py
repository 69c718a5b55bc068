"""The glossary: every term the reports use, in English and Chinese side by side, read
from data/reference (crimes, measures, scopes, units, cases and the press conference's
terms), so a term the reports print is never translated twice or two ways.

Each section is a table in the report's language: the report's own language first, the
other second; on a Chinese page the English column is marked lang="en"
(`notebook.English`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd

from report_lib import language
from report_lib.data.reference import Reference
from report_lib.report import cases as case_text
from report_lib.report.notebook import English

Rows = Iterable[tuple[str, str, str]]  # English, Chinese, a note in the report's language


def _frame(rows: Rows, lang: str) -> pd.DataFrame:
    """English and Chinese columns, the report's language first, and the note."""
    _ = language.gettext(lang, "report")
    rows = list(rows)
    english = [text if lang == language.DEFAULT else English(text) for text, _zh, _n in rows]
    chinese = [zh for _en, zh, _n in rows]
    columns = {_("English"): english, _("Chinese"): chinese}
    if lang != language.DEFAULT:
        columns = {_("Chinese"): chinese, _("English"): english}
    notes = [note for _en, _zh, note in rows]
    if any(notes):
        columns[_("Note")] = notes
    return pd.DataFrame(columns)


def crimes(ref: Reference, lang: str) -> pd.DataFrame:
    """Each crime's name with the article of the Criminal Law that defines it."""
    rows = (
        (row["name_en"], row["name_zh"], case_text.article(row["article"], lang))
        for row in ref.crimes.rows.values()
    )
    return _frame(rows, lang)


def measures(ref: Reference, lang: str) -> pd.DataFrame:
    """What a count counts (arrests approved, persons prosecuted, reads …)."""
    return _labelled(ref.measures.rows.values(), lang)


def scopes(ref: Reference, lang: str) -> pd.DataFrame:
    """Which cases a count covers."""
    return _labelled(ref.scopes.rows.values(), lang)


def units(ref: Reference, lang: str) -> pd.DataFrame:
    """What a count is a number of (persons, person-times, cases …)."""
    return _labelled(ref.units.rows.values(), lang)


def _labelled(rows: Iterable[dict[str, str]], lang: str) -> pd.DataFrame:
    return _frame(((row["label"], row["label_zh"], "") for row in rows), lang)


def cases(ref: Reference, lang: str) -> pd.DataFrame:
    """Each case by its English name and its Chinese name (检例第136号 …)."""
    _ = language.gettext(lang, "report")
    kinds = {"guiding case": _("guiding case"), "reported case": _("reported case")}
    rows = (
        (row["name_en"], row["name_zh"] or row["label_zh"], kinds.get(row["kind"], row["kind"]))
        for row in ref.cases.rows.values()
    )
    return _frame(rows, lang)


def press_conference(ref: Reference, lang: str) -> pd.DataFrame:
    """The press conference's terms: each fact the notes give a Chinese wording for."""
    label = "label" if lang == language.DEFAULT else "label_zh"
    rows = (
        (fact["text"], fact["wording_zh"], fact[label])
        for fact in ref.notes.facts.values()
        if fact["wording_zh"]
    )
    return _frame(rows, lang)


SECTIONS: dict[str, Callable[[Reference, str], pd.DataFrame]] = {
    "crimes": crimes,
    "measures": measures,
    "scopes": scopes,
    "units": units,
    "cases": cases,
    "press_conference": press_conference,
}
