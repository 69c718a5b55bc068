"""The prose of the reports. Every number comes from a chart's table or the dataset
through `fmt`; comparative words are computed by `fmt` from the values."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import pandas as pd

from report_lib.report import fmt
from report_lib.report.summary import Labels

ARRESTS, PROSECUTED = "arrests_approved", "persons_prosecuted"


def _by_measure(table: pd.DataFrame, measure: str) -> pd.DataFrame:
    return table[table["measure"] == measure].set_index("crime")


def _escaped(labels: Mapping[str, str]) -> dict[str, str]:
    """Labels from the reference tables, as Markdown text: they are data, never markup."""
    return {code: fmt.md_escape(label) for code, label in labels.items()}


def _joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _direction(ratio: pd.Series) -> str:
    """Whether more or fewer persons were prosecuted than arrests approved: for every
    crime, or it differs; from the values, never assumed."""
    if (ratio > 1).all():
        return "more persons were prosecuted than arrests approved"
    if (ratio < 1).all():
        return "fewer persons were prosecuted than arrests approved"
    if (ratio == 1).all():
        return "as many persons were prosecuted as arrests approved"
    return ""


def _ratio_range(ratio: pd.Series, shown: Mapping[str, str]) -> str:
    """Persons prosecuted per arrest approved, as a range over the crimes (ties named)."""
    lowest = [c for c in ratio.index if ratio[c] == ratio.min()]
    highest = [c for c in ratio.index if ratio[c] == ratio.max()]
    low_names = _joined([shown[c].lower() for c in lowest])
    if ratio.min() == ratio.max():
        return f"{fmt.ratio(ratio.max())} as many for {low_names}"
    high_names = _joined([shown[c].lower() for c in highest])
    return (
        f"from {fmt.ratio(ratio.min())} as many for {low_names} to "
        f"{fmt.ratio(ratio.max())} as many for {high_names}"
    )


def overview(shares: pd.DataFrame, ratios: pd.DataFrame, labels: Mapping[str, str]) -> str:
    """The headline comparison of the crimes, in words true for any number of crimes
    and for ties."""
    arrests, prosecuted = _by_measure(shares, ARRESTS), _by_measure(shares, PROSECUTED)
    leaders = fmt.leaders(prosecuted["value"].to_dict())
    ratio = ratios.set_index("crime")["ratio"]
    shown = _escaped(labels)
    counts = "\n".join(
        f"- {shown[crime]}: {fmt.number(arrests.loc[crime, 'value'])} arrests approved, "
        f"{fmt.number(prosecuted.loc[crime, 'value'])} persons prosecuted"
        for crime in arrests.index
    )
    lead = leaders[0]
    if len(leaders) > 1:
        names = _joined([shown[c] for c in leaders])
        leading = (
            f"{names} account for {fmt.percent(prosecuted.loc[lead, 'share'])} each of the "
            "prosecutions."
        )
    else:
        p_share, a_share = prosecuted.loc[lead, "share"], arrests.loc[lead, "share"]
        p_word, a_word = fmt.share_phrase(p_share), fmt.share_phrase(a_share)
        if p_word == a_word:
            leading = (
                f"{shown[lead]} accounts for {p_word} of both: {fmt.percent(a_share)} of the "
                f"arrests and {fmt.percent(p_share)} of the prosecutions."
            )
        else:
            leading = (
                f"{shown[lead]} accounts for {p_word} of the prosecutions "
                f"({fmt.percent(p_share)}) and {a_word} of the arrests ({fmt.percent(a_share)})."
            )
    text = (
        f"{counts}\n\n"
        f"Across the crimes reported, procurators approved **{fmt.number(arrests['total'].iloc[0])}"
        f"** arrests and prosecuted **{fmt.number(prosecuted['total'].iloc[0])}** persons. "
        f"{leading}\n\n"
    )
    direction = _direction(ratio)
    if direction:
        text += f"For every crime {direction}: {_ratio_range(ratio, shown)}. "
    else:
        text += f"Persons prosecuted per arrest approved run {_ratio_range(ratio, shown)}. "
    return text + (
        "These counts are not the same cohort: a person prosecuted need not have been "
        "arrested (many are released on bail pending trial), and cases run across years, so "
        "the ratio is a comparison of workloads, not a rate."
    )


def period(figures: pd.DataFrame, source: str, labels: Mapping[str, str]) -> str:
    """What periods a release's counts cover, what the law shortens, what the source
    leaves unsaid."""
    rows = figures[(figures["source_id"] == source) & figures["period_start"].notna()]
    rows = rows[rows["measure"].isin([ARRESTS, PROSECUTED]) & rows["case"].isna()]
    if rows.empty:
        raise ValueError(f"{source} gives no arrests or prosecutions with a period")
    parts = []
    for (start, end), part in rows.groupby(["period_start", "period_end"], sort=True):
        names = ", ".join(fmt.md_escape(labels[c].lower()) for c in dict.fromkeys(part["crime"]))
        parts.append(f"{fmt.period(start, end)} for {names}")
    text = f"The counts cover {'; '.join(parts)}."
    if rows["period_note"].notna().any():
        text += " The source states no end date; its date is used."
    if note := derived(rows, labels):
        text += f" {note} Shares, ratios and rankings below compare unequal periods."
    return text


def derived(rows: pd.DataFrame, labels: Mapping[str, str]) -> str:
    """Why a crime's counts cover less than its source says: the offence did not exist."""
    moved = rows[rows["stated_start"].notna() & (rows["stated_start"] != rows["period_start"])]
    sentences = []
    for crime, part in moved.groupby("crime", sort=False):
        first = part.iloc[0]
        sentences.append(
            f"The source gives {fmt.md_escape(labels[crime].lower())} counts from "
            f"{fmt.day(first['stated_start'])}, but the offence exists only from "
            f"{fmt.day(first['period_start'])}: its counts can cover at most "
            f"{fmt.period(first['period_start'], first['period_end'])}. This is an inference "
            "from the law, not a statement of the source."
        )
    return " ".join(sentences)


def legal_basis(crime: Mapping[str, str]) -> str:
    """The crime's article, its origin in the law and the day it came into force."""
    legal = (
        f"**Legal basis.** Criminal Law {fmt.md_escape(crime['article'])} "
        f"({fmt.md_escape(crime['name_zh'])}), "
        f"{fmt.md_escape(crime['origin'])}; in force since "
        f"{fmt.day(pd.Timestamp(crime['in_force']))}."
    )
    if crime["prosecution_note"]:
        legal += f" It is {fmt.md_escape(crime['prosecution_note'])}."
    return legal


def release(source: Mapping[str, str], scope_label: str) -> str:
    """Which release a report is about: its title, publisher, date and default scope."""
    return (
        f"**{fmt.md_escape(source['title'])}**, {fmt.md_escape(source['publisher'])}, "
        f"{fmt.day(pd.Timestamp(source['date']))}. Scope of its figures unless one says "
        f"otherwise: {fmt.md_escape(scope_label)}."
    )


def heading(crime: Mapping[str, str]) -> str:
    return f"## {fmt.md_escape(crime['name_zh'])} · Criminal Law {fmt.md_escape(crime['article'])}"


def crime_profile(crime: Mapping[str, str], in_context: pd.DataFrame) -> str:
    """One crime's place among the others of one release, from its chart's table; a
    ranking over unequal periods says so."""
    code = crime["code"]
    arrests = _by_measure(in_context, ARRESTS)
    prosecuted = _by_measure(in_context, PROSECUTED)
    place = fmt.rank_phrase(prosecuted["value"].to_dict(), code)
    text = (
        f"{fmt.number(arrests.loc[code, 'value'])} arrests approved "
        f"({fmt.percent(arrests.loc[code, 'share'])} of all arrests approved for the crimes "
        f"reported) and {fmt.number(prosecuted.loc[code, 'value'])} persons prosecuted "
        f"({fmt.percent(prosecuted.loc[code, 'share'])} of all persons prosecuted): {place} "
        f"prosecutions of the crimes reported, with {fmt.ratio(prosecuted.loc[code, 'per_arrest'])}"
        " as many persons prosecuted as arrests approved."
    )
    own = prosecuted.loc[code, ["period_start", "period_end"]].tolist()
    others = prosecuted.drop(index=code)[["period_start", "period_end"]]
    if any(list(row) != own for row in others.itertuples(index=False)):
        text += (
            f" Its counts cover {fmt.period(*own)}, not the period of the other crimes, so "
            "the shares and the ranking compare unequal periods."
        )
    return text


def over_time(
    table: pd.DataFrame,
    source_labels: Mapping[str, str],
    scope_labels: Mapping[str, str] | None = None,
) -> str:
    """Each figure of a span chart with its effective period and rate per year, scope by
    scope and unit by unit: a list, never a sum or a series."""
    lines = []
    for (scope, unit), rows in table.groupby(["scope", "unit"], sort=False):
        scope_name = (scope_labels or {}).get(scope, scope)
        lines.append(f"**{fmt.md_escape(unit.capitalize())}, {fmt.md_escape(scope_name)}:**\n")
        for row in rows.itertuples():
            lines.append(
                f"- {fmt.number(int(row.value), row.qualifier)} "
                f"{fmt.md_escape(row.measure_label.lower())}, {row.period}, that is "
                f"{row.per_year_text} "
                f"({fmt.md_escape(source_labels.get(row.source_id, row.source_id))})"
            )
        lines.append("")
    return "\n".join(lines).strip()


def reading_of(printed: str, corrected: str) -> list[str]:
    """A quote as printed and, where the ledger corrects it, its corrected reading."""
    lines = [f"As printed: “{fmt.md_escape(printed)}”"]
    if " ".join(corrected.split()) != " ".join(printed.split()):
        lines.append(f"Corrected reading: “{fmt.md_escape(corrected)}”")
    return lines


def _chinese(rows: pd.DataFrame) -> list[str]:
    """The Chinese wording the sources give for the figures of one quote, with who gives it."""
    found = rows.dropna(subset=["wording_zh"]).drop_duplicates(["wording_zh"])
    return [
        f"Chinese wording: {'; '.join(fmt.md_escape(w) for w in group['wording_zh'])} "
        f"({fmt.md_escape(source)})"
        for source, group in found.groupby("wording_zh_source", sort=False)
    ]


def quotes(rows: pd.DataFrame) -> str:
    """The source's own words for a set of figures, as a Markdown list: each quote as
    printed, its corrected reading from the ledger, and the Chinese wording where known,
    each on its own line."""
    items = [
        reading_of(quote, group["quote_reading"].iloc[0]) + _chinese(group)
        for quote, group in rows.groupby("quote", sort=False)
    ]
    lines = ["- " + "  \n  ".join(item) for item in items]
    return "\n".join(lines) if lines else "_The source states no figure of its own for this._"


def online_spread(table: pd.DataFrame, case_labels: Mapping[str, str]) -> str:
    """The reach of the guiding cases, with what the bounds allow."""
    reads = table[table["measure"] == "reads"].set_index("case")
    discussions = table[table["measure"] == "discussions"].set_index("case")
    parts = []
    for case, row in reads.iterrows():
        reads_text = fmt.number(row["value"], row["qualifier"])
        text = f"**{fmt.md_escape(case_labels[case])}**: {reads_text} reads"
        if pd.notna(row["window_hours"]):
            text += (
                f" within {fmt.number(row['window_hours'])} hours, that is "
                f"{row['reads_per_hour_text']}"
            )
        if case in discussions.index:
            d = discussions.loc[case]
            text += f", and {fmt.number(d['value'], d['qualifier'])} person-times of discussion"
        parts.append(text + ".")
    return "\n\n".join(parts)


def sentences_with(document: str, word: str, read: Callable[[str], str] = str) -> str:
    """The source's sentences on a theme, each quoted verbatim as printed, with the
    corrected reading `read` gives (the ledger's) where it differs."""
    sentences = re.split(r"(?<=[.!?])\s+", document)
    chosen = [s for s in sentences if word.casefold() in s.casefold()]
    return "\n\n".join("> " + "  \n> ".join(reading_of(s, read(s))) for s in chosen)


def _figure_subject(row, labels: Labels) -> str:
    """What a figure counts, as a reader names it: measure, then crime or case."""
    subject = f"{row.measure_label.capitalize()}"
    if pd.notna(row.case):
        return f"{subject}, {labels.cases.get(row.case, 'a case')}"
    if pd.notna(row.crime):
        return f"{subject}, {labels.crime(row.crime).lower()}"
    return subject


def figure_list(figures: pd.DataFrame, labels: Labels) -> str:
    """The appendix's record of each figure: what it counts, as printed, as read, where,
    and how sure; named by measure and crime, never by an internal id."""
    at = {row.figure_id: (row.quote_start, row.quote_end) for row in figures.itertuples()}
    lines = []
    for f in figures.sort_values("quote_start", kind="stable").itertuples():
        scope = labels.scopes.get(f.scope, "scope not named")
        line = (
            f"- **{fmt.md_escape(_figure_subject(f, labels))}**: printed {fmt.md_escape(f.raw)}, "
            f"read as {fmt.number(f.value, f.qualifier)} {fmt.md_escape(f.unit)}, "
            f"{fmt.md_escape(scope)}; {'; '.join(reading_of(f.quote, f.quote_reading))} "
            f"(characters {f.quote_start} to {f.quote_end})"
        )
        if pd.notna(f.wording_zh):
            line += (
                f"; Chinese wording {fmt.md_escape(f.wording_zh)} "
                f"({fmt.md_escape(f.wording_zh_source)})"
            )
        if pd.notna(f.period_start):
            line += f"; period {fmt.period(f.period_start, f.period_end)}"
        if pd.notna(f.derived_note):
            line += f" ({fmt.md_escape(f.derived_note)})"
        if pd.notna(f.repeats):
            start, end = at.get(f.repeats, ("?", "?"))
            line += f"; the same figure as stated at characters {start} to {end}"
        lines.append(f"{line}. {fmt.md_escape(f.corroboration_note or '')}".rstrip())
    return "\n".join(lines)


def figures_by_source(figures: pd.DataFrame, labels: Labels) -> str:
    """The appendix's figures, one section per source headed by its title, publisher and
    date (escaped like any text from the data)."""
    return "\n\n".join(
        f"### {fmt.md_escape(labels.sources.get(source_id, 'Source not named'))}\n\n"
        f"{figure_list(rows, labels)}"
        for source_id, rows in figures.groupby("source_id", sort=True)
    )
