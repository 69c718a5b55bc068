"""The press conference, its policy and its guiding cases in words, from the checked notes
of the reference (`data/notes.py`) and the dataset: no fact is typed into a notebook.

Each block is HTML with its text beside it (`Block`): the page shows the HTML (anchors,
links, the quote as printed beside its corrected reading), the build's prose check reads
the text. Every value from the data is escaped; every anchor and link is built from a
checked id, so a row of the notes can never become markup or a path."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from report_lib import ids
from report_lib.data.reference import Reference
from report_lib.report import fmt

Reading = Callable[[str], str]  # the corrected reading of a source's words


@dataclass(frozen=True)
class Block:
    html: str
    text: str


def _e(text: str) -> str:
    return html.escape(" ".join(str(text).split()), quote=True)


def case_anchor(number: str) -> str:
    """The anchor of a guiding case on the press-conference page: case-136."""
    return ids.check(f"case-{number}", "cases.csv", "number")


def case_href(report_id: str, number: str) -> str:
    """press-conference.html#case-136, from the checked report id and case number."""
    return f"{ids.check(report_id, 'parameters', 'cases_report')}.html#{case_anchor(number)}"


def crime_href(crime: str) -> str:
    """The crime profile of a crime code: crime-heroes-martyrs.html (reports.yml's rule)."""
    return f"{ids.check('crime-' + crime.replace('_', '-'), 'crimes.csv', 'code')}.html"


def quoted(quote: str, read: Reading) -> Block:
    """A quote as printed and, where the ledger corrects it, the corrected reading."""
    corrected = read(quote)
    text = f"As printed: “{' '.join(quote.split())}”"
    markup = f"<span class='as-printed'>As printed: <q>{_e(quote)}</q></span>"
    if corrected != quote:
        text += f"; corrected reading: “{' '.join(corrected.split())}”"
        markup += f"<br><span class='corrected'>Corrected reading: <q>{_e(corrected)}</q></span>"
    return Block(markup, text)


def _fact(fact: Mapping[str, str], read: Reading) -> Block:
    label, value = _e(fact["label"]), _e(fact["text"])
    text = f"{fact['label']}: {fact['text']}"
    markup = f"<strong>{label}:</strong> {value}"
    if fact["wording_zh"]:
        text += f" ({fact['wording_zh']})"
        markup += f" ({_e(fact['wording_zh'])})"
    text += f". Source: {fact['sources']}."
    markup += f". <span class='source'>Source: {_e(fact['sources'])}.</span>"
    if fact["quote"]:
        quote = quoted(fact["quote"], read)
        text += f" In the English text. {quote.text}."
        markup += f"<br><small>In the English text.</small> {quote.html}"
    return Block(markup, text)


def _flagged(figure: pd.Series) -> Block:
    """A figure from the dataset with its corroboration status, as the data states it."""
    count = fmt.number(int(figure["value"]), figure["qualifier"])
    what = f"{count} {figure['measure_label']}"
    if figure["corroborated"]:
        status = f"corroborated by {figure['corroborated_by']}"
        return Block(f"{_e(what)} ({_e(status)})", f"{what} ({status})")
    note = figure["corroboration_note"] if pd.notna(figure["corroboration_note"]) else ""
    status = f"uncorroborated: {note}" if note else "uncorroborated"
    markup = f"<strong>{_e(what)}</strong> <mark class='uncorroborated'>({_e(status)})</mark>"
    return Block(markup, f"{what} ({status})")


def facts(ref: Reference, section: str, figures: pd.DataFrame, read: Reading) -> Block:
    """One section of the press-conference notes as a list: each fact with its Chinese
    wording, its quote as printed and corrected, its figure with its status, its source."""
    items = []
    for fact in ref.notes.facts.values():
        if fact["section"] != section:
            continue
        block = _fact(fact, read)
        if fact["figure_id"]:
            rows = figures[
                (figures["source_id"] == fact["source_id"])
                & (figures["figure_id"] == fact["figure_id"])
            ]
            figure = _flagged(rows.iloc[0])
            block = Block(
                f"{block.html}<br>Figure: {figure.html}.", f"{block.text} Figure: {figure.text}."
            )
        items.append(block)
    markup = "<ul class='event-facts'>" + "".join(f"<li>{b.html}</li>" for b in items) + "</ul>"
    return Block(markup, "\n".join(f"- {b.text}" for b in items))


def _crime_line(ref: Reference, case: Mapping[str, str], note: Mapping[str, str]) -> Block:
    if case["crime"]:
        crime = ref.crimes.rows[case["crime"]]
        name = f"{crime['name_en']} ({crime['name_zh']}, Criminal Law {crime['article']})"
        link = f"<a href='{crime_href(case['crime'])}'>{_e(crime['name_en'])}</a>"
        rest = f" ({_e(crime['name_zh'])}, Criminal Law {_e(crime['article'])})"
        return Block(f"<strong>Crime:</strong> {link}{rest}", f"Crime: {name}")
    text = (
        f"Offence: {note['offence']}, none of the crimes counted in these reports. "
        f"Personality right: {note['personality_right'] or 'not stated'}."
    )
    markup = (
        f"<strong>Offence:</strong> {_e(note['offence'])}, none of the crimes counted in "
        f"these reports. <strong>Personality right:</strong> "
        f"{_e(note['personality_right'] or 'not stated')}."
    )
    return Block(markup, text)


def _legal_point(note: Mapping[str, str]) -> Block:
    status = note["legal_point_status"]
    if status == "unconfirmed":
        return Block("<strong>Legal point:</strong> unconfirmed.", "Legal point: unconfirmed.")
    label = "Legal point" if status == "official" else "Legal point (a journal's statement)"
    suffix = "" if status == "official" else " The official legal point is unconfirmed."
    return Block(
        f"<strong>{label}:</strong> {_e(note['legal_point'])}{suffix}",
        f"{label}: {note['legal_point']}{suffix}",
    )


def guiding_case(ref: Reference, case_id: str) -> Block:
    """One guiding case under its anchor: title, crime or offence, synopsis, legal point,
    what is unconfirmed, and the outlets."""
    case, note = ref.cases.rows[case_id], ref.notes.cases[case_id]
    number = case["number"]
    heading = f"Guiding Case {number}: {note['title_en']}"
    parts = [
        Block(f"<p>{_e(case['name_zh'])}</p>", case["name_zh"]),
        _crime_line(ref, case, note),
        Block(
            f"<strong>What happened:</strong> {_e(note['synopsis'])}",
            f"What happened: {note['synopsis']}",
        ),
        _legal_point(note),
    ]
    if note["unconfirmed"]:
        line = f"Unconfirmed, so not stated here: {note['unconfirmed']}."
        parts.append(Block(f"<em>{_e(line)}</em>", line))
    sources = f"Sources: {note['sources']}."
    parts.append(Block(f"<small>{_e(sources)}</small>", sources))
    body = "".join(p.html if p.html.startswith("<p>") else f"<p>{p.html}</p>" for p in parts)
    markup = (
        f"<section class='guiding-case' id='{case_anchor(number)}'>"
        f"<h3>{_e(heading)}</h3>{body}</section>"
    )
    return Block(markup, "\n\n".join([heading] + [p.text for p in parts]))


def guiding_cases(ref: Reference) -> list[Block]:
    """Every guiding case of the notes, by number."""
    order = sorted(ref.notes.cases, key=lambda c: int(ref.cases.rows[c]["number"]))
    return [guiding_case(ref, case_id) for case_id in order]


def cases_of_crime(ref: Reference, crime: str, cases_report: str) -> Block:
    """The cases of one crime, each guiding case linked to its synopsis on the report
    `cases_report`; a case without notes is listed unlinked."""
    items = []
    for code, case in ref.cases.rows.items():
        if case["crime"] != crime:
            continue
        note = ref.notes.cases.get(code)
        if note is None:
            title = f"{case['name_en']} ({case['kind']})"
            items.append(Block(_e(title), title))
            continue
        title = f"Guiding Case {case['number']}: {note['title_en']}"
        href = case_href(cases_report, case["number"])
        link = f"<a href='{href}'>{_e(title)}</a> ({_e(case['name_zh'])})"
        items.append(Block(link, f"{title} ({case['name_zh']})"))
    if not items:
        none = "No case of this crime is in the reference."
        return Block(f"<p><em>{none}</em></p>", none)
    markup = "<ul class='crime-cases'>" + "".join(f"<li>{b.html}</li>" for b in items) + "</ul>"
    return Block(markup, "\n".join(f"- {b.text}" for b in items))
