"""The press conference, its policy and its guiding cases in words, from the checked notes
of the reference (`data/notes.py`) and the dataset: no fact is typed into a notebook.

Each block is HTML with its text beside it (`Block`): the page shows the HTML (anchors,
links, the quote as printed beside its corrected reading), the build's prose check reads
the text. Every value from the data is escaped; every anchor and link is built from a
checked id, so a row of the notes can never become markup or a path.

Every block comes in the report's language (`lang`): labels from the `report` catalog,
and in Chinese the Chinese the notes give (a fact's `wording_zh`, a case's `*_zh`
columns, the crimes' and cases' Chinese names). Where the notes give no Chinese, the
Chinese page shows the English text marked as English (`lang="en"`) and labelled so,
never a translation the notes do not hold."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from report_lib import ids, language
from report_lib.data.reference import Reference
from report_lib.report import fmt

Reading = Callable[[str], str]  # the corrected reading of a source's words
EN = language.DEFAULT


@dataclass(frozen=True)
class Block:
    html: str
    text: str


def _e(text: str) -> str:
    return html.escape(" ".join(str(text).split()), quote=True)


def _flat(text: str) -> str:
    return " ".join(str(text).split())


def english(text: str, label: str) -> Block:
    """English text on a Chinese page: marked as English for the browser and labelled
    for the reader (`label`, e.g. （英文原文）), so it is never taken for a translation."""
    return Block(
        f"<span class='english-original'>{_e(label)}<span lang='en'>{_e(text)}</span></span>",
        f"{label}{_flat(text)}",
    )


def latin(text: str) -> Block:
    """Names written in English on a Chinese page (outlets and their dates), marked."""
    return Block(f"<span lang='en'>{_e(text)}</span>", _flat(text))


def _zh_or_english(chinese: str, text: str, lang: str) -> Block:
    """The Chinese the notes give, or the English text marked as the English original."""
    if chinese:
        return Block(_e(chinese), _flat(chinese))
    return english(text, language.gettext(lang, "report")("(English original)"))


_ARTICLE = re.compile(r"Art\. (\d{1,3})(?:-(\d))?")
_ZH_ORDINAL = "一二三四五六七八九"


def article(code: str, lang: str = EN) -> str:
    """A Criminal Law article as the reports cite it: 'Criminal Law Art. 253-1', or in
    Chinese 《刑法》第253条之一, as Chinese news reports write it."""
    if language.check(lang) == EN:
        return f"Criminal Law {code}"
    found = _ARTICLE.fullmatch(code)
    if not found:
        raise ValueError(f"article {code!r} is not of the form 'Art. 246' or 'Art. 253-1'")
    number, sub = found.groups()
    return f"《刑法》第{number}条" + (f"之{_ZH_ORDINAL[int(sub) - 1]}" if sub else "")


def case_anchor(number: str) -> str:
    """The anchor of a guiding case on the press-conference page: case-136."""
    return ids.check(f"case-{number}", "cases.csv", "number")


def case_href(report_id: str, number: str, lang: str = EN) -> str:
    """press-conference.html#case-136 (press-conference.zh.html#… in Chinese), from the
    checked report id and case number."""
    page = ids.check(report_id, "parameters", "cases_report")
    suffix = "" if language.check(lang) == EN else f".{lang}"
    return f"{page}{suffix}.html#{case_anchor(number)}"


def crime_href(crime: str, lang: str = EN) -> str:
    """The crime profile of a crime code: crime-heroes-martyrs.html (reports.yml's rule),
    crime-heroes-martyrs.zh.html in Chinese."""
    page = ids.check("crime-" + crime.replace("_", "-"), "crimes.csv", "code")
    suffix = "" if language.check(lang) == EN else f".{lang}"
    return f"{page}{suffix}.html"


def quoted(quote: str, read: Reading, lang: str = EN) -> Block:
    """A quote as printed and, where the ledger corrects it, the corrected reading. On a
    Chinese page both are the English report's words, marked and labelled as such."""
    _ = language.gettext(lang, "report")
    corrected = read(quote)
    if lang == EN:
        text = f"As printed: “{_flat(quote)}”"
        markup = f"<span class='as-printed'>As printed: <q>{_e(quote)}</q></span>"
        if corrected != quote:
            text += f"; corrected reading: “{_flat(corrected)}”"
            markup += (
                f"<br><span class='corrected'>Corrected reading: <q>{_e(corrected)}</q></span>"
            )
        return Block(markup, text)
    printed = english(quote, _("(English report’s wording)"))
    text = f"{printed.text}"
    markup = f"<span class='as-printed'>{printed.html}</span>"
    if corrected != quote:
        label = _("Corrected reading: ")
        text += f"；{label}{_flat(corrected)}"
        markup += (
            f"<br><span class='corrected'>{_e(label)}<span lang='en'>{_e(corrected)}</span></span>"
        )
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


def _fact_zh(fact: Mapping[str, str], read: Reading, lang: str) -> Block:
    """A fact in Chinese: its Chinese wording where the notes give one, else the English
    text marked; its outlets; the English report's words where it is quoted."""
    _ = language.gettext(lang, "report")
    value = _zh_or_english(fact["wording_zh"], fact["text"], lang)
    source = latin(fact["sources"])
    label = _("Source: ")
    text = f"{fact['label_zh']}：{value.text}。{label}{source.text}。"
    markup = (
        f"<strong>{_e(fact['label_zh'])}：</strong>{value.html}。"
        f"<span class='source'>{_e(label)}{source.html}。</span>"
    )
    if fact["quote"]:
        quote = quoted(fact["quote"], read, lang)
        stop = "" if quote.text.endswith((".", "。")) else "。"
        text += quote.text + stop
        markup += f"<br>{quote.html}{stop}"
    return Block(markup, text)


def _flagged(figure: pd.Series, ref: Reference, lang: str = EN) -> Block:
    """A figure from the dataset with its corroboration status, as the data states it."""
    note = figure["corroboration_note"] if pd.notna(figure["corroboration_note"]) else ""
    if lang == EN:
        count = fmt.number(int(figure["value"]), figure["qualifier"])
        what = f"{count} {figure['measure_label']}"
        if figure["corroborated"]:
            status = f"corroborated by {figure['corroborated_by']}"
            return Block(f"{_e(what)} ({_e(status)})", f"{what} ({status})")
        status = f"uncorroborated: {note}" if note else "uncorroborated"
        markup = f"<strong>{_e(what)}</strong> <mark class='uncorroborated'>({_e(status)})</mark>"
        return Block(markup, f"{what} ({status})")
    _ = language.gettext(lang, "report")
    measure = ref.measures.rows[figure["measure"]]["label_zh"]
    unit = ref.units.rows[figure["unit"]]["label_zh"]
    what = f"{measure}{fmt.number(int(figure['value']), figure['qualifier'], lang=lang)}{unit}"
    if figure["corroborated"]:
        by = latin(figure["corroborated_by"])
        label = _("corroborated by: ")
        return Block(f"{_e(what)}（{_e(label)}{by.html}）", f"{what}（{label}{by.text}）")
    status = _("uncorroborated")
    if note:
        detail = english(note, _("(English original)"))
        return Block(
            f"<strong>{_e(what)}</strong><mark class='uncorroborated'>（{_e(status)}："
            f"{detail.html}）</mark>",
            f"{what}（{status}：{detail.text}）",
        )
    markup = f"<strong>{_e(what)}</strong><mark class='uncorroborated'>（{_e(status)}）</mark>"
    return Block(markup, f"{what}（{status}）")


def facts(
    ref: Reference, section: str, figures: pd.DataFrame, read: Reading, lang: str = EN
) -> Block:
    """One section of the press-conference notes as a list: each fact with its Chinese
    wording, its quote as printed and corrected, its figure with its status, its source."""
    language.check(lang)
    _ = language.gettext(lang, "report")
    items = []
    for fact in ref.notes.facts.values():
        if fact["section"] != section:
            continue
        block = _fact(fact, read) if lang == EN else _fact_zh(fact, read, lang)
        if fact["figure_id"]:
            rows = figures[
                (figures["source_id"] == fact["source_id"])
                & (figures["figure_id"] == fact["figure_id"])
            ]
            figure = _flagged(rows.iloc[0], ref, lang)
            if lang == EN:
                html_part, text_part = f"<br>Figure: {figure.html}.", f" Figure: {figure.text}."
            else:
                label = _("Figure: ")
                html_part = f"<br>{_e(label)}{figure.html}。"
                text_part = f"{label}{figure.text}。"
            block = Block(block.html + html_part, block.text + text_part)
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


def _crime_line_zh(
    ref: Reference, case: Mapping[str, str], note: Mapping[str, str], lang: str
) -> Block:
    _ = language.gettext(lang, "report")
    label = _("Crime: ")
    if case["crime"]:
        crime = ref.crimes.rows[case["crime"]]
        where = article(crime["article"], lang)
        link = f"<a href='{crime_href(case['crime'], lang)}'>{_e(crime['name_zh'])}</a>"
        return Block(
            f"<strong>{_e(label)}</strong>{link}（{_e(where)}）",
            f"{label}{crime['name_zh']}（{where}）",
        )
    offence = _zh_or_english(note["offence_zh"], note["offence"], lang)
    outside = _("none of the crimes counted in these reports")
    right_label = _("Personality right: ")
    right = (
        english(note["personality_right"], _("(English original)"))
        if note["personality_right"]
        else Block(_e(_("not stated")), _("not stated"))
    )
    return Block(
        f"<strong>{_e(label)}</strong>{offence.html}（{_e(outside)}）。"
        f"<strong>{_e(right_label)}</strong>{right.html}。",
        f"{label}{offence.text}（{outside}）。{right_label}{right.text}。",
    )


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


def _legal_point_zh(note: Mapping[str, str], lang: str) -> Block:
    _ = language.gettext(lang, "report")
    status = note["legal_point_status"]
    if status == "unconfirmed":
        label, line = _("Legal point: "), _("unconfirmed")
        return Block(f"<strong>{_e(label)}</strong>{_e(line)}。", f"{label}{line}。")
    official = status == "official"
    label = _("Legal point: ") if official else _("Legal point (a journal’s statement): ")
    suffix = "" if official else _("The official legal point is unconfirmed.")
    point = _zh_or_english(note["legal_point_zh"], note["legal_point"], lang)
    return Block(
        f"<strong>{_e(label)}</strong>{point.html}{_e(suffix)}", f"{label}{point.text}{suffix}"
    )


def guiding_case(ref: Reference, case_id: str, lang: str = EN) -> Block:
    """One guiding case under its anchor: title, crime or offence, synopsis, legal point,
    what is unconfirmed, and the outlets."""
    if language.check(lang) != EN:
        return _guiding_case_zh(ref, case_id, lang)
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
    return _section(number, heading, parts)


def _guiding_case_zh(ref: Reference, case_id: str, lang: str) -> Block:
    """The Chinese of a guiding case: its Chinese name as heading, the Chinese the notes
    give, and the English of the notes, marked, where they give none."""
    _ = language.gettext(lang, "report")
    case, note = ref.cases.rows[case_id], ref.notes.cases[case_id]
    what_label = _("What happened: ")
    what = _zh_or_english(note["synopsis_zh"], note["synopsis"], lang)
    parts = [
        _crime_line_zh(ref, case, note, lang),
        Block(f"<strong>{_e(what_label)}</strong>{what.html}", f"{what_label}{what.text}"),
        _legal_point_zh(note, lang),
    ]
    if note["unconfirmed"]:
        label = _("Unconfirmed, so not stated here: ")
        items = english(note["unconfirmed"], _("(English original)"))
        parts.append(Block(f"<em>{_e(label)}{items.html}。</em>", f"{label}{items.text}。"))
    label, sources = _("Sources: "), latin(note["sources"])
    parts.append(Block(f"<small>{_e(label)}{sources.html}。</small>", f"{label}{sources.text}。"))
    return _section(case["number"], case["name_zh"], parts)


def _section(number: str, heading: str, parts: list[Block]) -> Block:
    body = "".join(p.html if p.html.startswith("<p>") else f"<p>{p.html}</p>" for p in parts)
    markup = (
        f"<section class='guiding-case' id='{case_anchor(number)}'>"
        f"<h3>{_e(heading)}</h3>{body}</section>"
    )
    return Block(markup, "\n\n".join([heading] + [p.text for p in parts]))


def guiding_cases(ref: Reference, lang: str = EN) -> list[Block]:
    """Every guiding case of the notes, by number."""
    order = sorted(ref.notes.cases, key=lambda c: int(ref.cases.rows[c]["number"]))
    return [guiding_case(ref, case_id, lang) for case_id in order]


def cases_of_crime(ref: Reference, crime: str, cases_report: str, lang: str = EN) -> Block:
    """The cases of one crime, each guiding case linked to its synopsis on the report
    `cases_report`; a case without notes is listed unlinked."""
    _ = language.gettext(lang, "report")
    items = []
    for code, case in ref.cases.rows.items():
        if case["crime"] != crime:
            continue
        note = ref.notes.cases.get(code)
        if lang != EN:
            title = case["name_zh"] if note is not None else case["label_zh"]
        elif note is None:
            title = f"{case['name_en']} ({case['kind']})"
        else:
            title = f"Guiding Case {case['number']}: {note['title_en']}"
        if note is None:
            items.append(Block(_e(title), title))
            continue
        href = case_href(cases_report, case["number"], lang)
        if lang != EN:
            items.append(Block(f"<a href='{href}'>{_e(title)}</a>", title))
            continue
        link = f"<a href='{href}'>{_e(title)}</a> ({_e(case['name_zh'])})"
        items.append(Block(link, f"{title} ({case['name_zh']})"))
    if not items:
        none = _("No case of this crime is in the reference.")
        return Block(f"<p><em>{_e(none)}</em></p>", none)
    markup = "<ul class='crime-cases'>" + "".join(f"<li>{b.html}</li>" for b in items) + "</ul>"
    return Block(markup, "\n".join(f"- {b.text}" for b in items))


@dataclass(frozen=True)
class ChineseWording:
    """The Chinese words a source gives for a figure, and who gives them."""

    text: str
    source: str


def chinese_wording(figure: Mapping[str, object], sources: pd.DataFrame) -> ChineseWording | None:
    """What a Chinese report quotes for one figure (a row of the dataset): a Chinese
    release's own quote; else the Chinese wording the checked notes give for an English
    release's figure (`wording_zh`, with the reports that print it); else None, and the
    Chinese page shows the English text marked as the English report's wording."""
    release = sources[sources["source_id"] == figure["source_id"]]
    if release.empty:
        raise KeyError(f"no source {figure['source_id']!r} in the dataset")
    row = release.iloc[0]
    if row["language"] == "zh":
        return ChineseWording(str(figure["quote"]), str(row["publisher_zh"]))
    wording = figure.get("wording_zh")
    if isinstance(wording, str) and wording:
        return ChineseWording(wording, str(figure.get("wording_zh_source") or ""))
    return None
