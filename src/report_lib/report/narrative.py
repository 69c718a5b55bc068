"""The prose of the reports. Every number comes from a chart's table or the dataset
through `fmt`; comparative words are computed by `fmt` from the values."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from report_lib.report import fmt

ARRESTS, PROSECUTED = "arrests_approved", "persons_prosecuted"


def _by_measure(table: pd.DataFrame, measure: str) -> pd.DataFrame:
    return table[table["measure"] == measure].set_index("crime")


def overview(shares: pd.DataFrame, ratios: pd.DataFrame, labels: Mapping[str, str]) -> str:
    """The headline comparison of the crimes."""
    arrests, prosecuted = _by_measure(shares, ARRESTS), _by_measure(shares, PROSECUTED)
    leader = fmt.superlative(prosecuted["value"].to_dict())
    ratio = ratios.set_index("crime")["ratio"]
    highest, lowest = fmt.superlative(ratio.to_dict()), fmt.superlative((-ratio).to_dict())
    shown = {code: fmt.md_escape(label) for code, label in labels.items()}
    lowered = {code: fmt.md_escape(label.lower()) for code, label in labels.items()}
    counts = "\n".join(
        f"- {shown[crime]}: {fmt.number(arrests.loc[crime, 'value'])} arrests approved, "
        f"{fmt.number(prosecuted.loc[crime, 'value'])} persons prosecuted"
        for crime in arrests.index
    )
    return (
        f"{counts}\n\n"
        f"Across the crimes reported, procurators approved **{fmt.number(arrests['total'].iloc[0])}"
        f"** arrests and prosecuted **{fmt.number(prosecuted['total'].iloc[0])}** persons. "
        f"{shown[leader]} accounts for {fmt.share_phrase(prosecuted.loc[leader, 'share'])} "
        f"of both: {fmt.percent(arrests.loc[leader, 'share'])} of the arrests and "
        f"{fmt.percent(prosecuted.loc[leader, 'share'])} of the prosecutions.\n\n"
        f"For every crime more persons were prosecuted than arrests approved, from "
        f"{fmt.ratio(ratio[lowest])} as many for {lowered[lowest]} to "
        f"{fmt.ratio(ratio[highest])} as many for {lowered[highest]}. These counts are "
        "not the same cohort: a person prosecuted need not have been arrested (many are "
        "released on bail pending trial), and cases run across years, so the ratio is a "
        "comparison of workloads, not a rate."
    )


def period(figures: pd.DataFrame) -> str:
    """What period the press-conference counts cover, and what the source leaves unsaid."""
    rows = figures[(figures["source_role"] == "primary") & figures["period_start"].notna()]
    rows = rows[rows["measure"].isin([ARRESTS, PROSECUTED])]
    starts, ends = rows["period_start"].unique(), rows["period_end"].unique()
    if len(starts) != 1 or len(ends) != 1:
        raise ValueError("the counts do not share one period")
    note = rows["period_note"].dropna()
    caveat = (
        " The source states no end date; the press-conference date is used." if len(note) else ""
    )
    return f"The counts cover {fmt.period(starts[0], ends[0])}.{caveat}"


def heading(crime: Mapping[str, str]) -> str:
    return f"## {fmt.md_escape(crime['name_zh'])} · Criminal Law {crime['article']}"


def crime_profile(crime: Mapping[str, str], in_context: pd.DataFrame) -> str:
    """One crime's legal basis and its place among the others, from its chart's table."""
    code = crime["code"]
    arrests = _by_measure(in_context, ARRESTS)
    prosecuted = _by_measure(in_context, PROSECUTED)
    rank = int(prosecuted["value"].rank(ascending=False, method="min")[code])
    place = "most" if rank == 1 else "fewest" if rank == len(prosecuted) else "second most"
    legal = (
        f"**Legal basis.** Criminal Law {crime['article']} ({fmt.md_escape(crime['name_zh'])}), "
        f"{fmt.md_escape(crime['origin'])}; in force since "
        f"{fmt.day(pd.Timestamp(crime['in_force']))}."
    )
    if crime["prosecution_note"]:
        legal += f" It is {fmt.md_escape(crime['prosecution_note'])}."
    return (
        f"{legal}\n\n**Figures.** {fmt.number(arrests.loc[code, 'value'])} arrests approved "
        f"({fmt.percent(arrests.loc[code, 'share'])} of all arrests approved for the crimes "
        f"reported) and {fmt.number(prosecuted.loc[code, 'value'])} persons prosecuted "
        f"({fmt.percent(prosecuted.loc[code, 'share'])} of all persons prosecuted): the {place} "
        f"prosecutions of the crimes reported, with {fmt.ratio(prosecuted.loc[code, 'per_arrest'])}"
        " as many persons prosecuted as arrests approved."
    )


def quotes(rows: pd.DataFrame) -> str:
    """The source's own words for a set of figures, as a Markdown list."""
    lines = [f"- “{fmt.md_escape(q)}”" for q in dict.fromkeys(rows["quote"])]
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


def sentences_with(document: str, word: str) -> str:
    """The source's sentences on a theme, quoted verbatim as a block."""
    sentences = re.split(r"(?<=[.!?])\s+", document)
    chosen = [s for s in sentences if word.casefold() in s.casefold()]
    return "\n".join(f"> {fmt.md_escape(s)}" for s in chosen)


def context(table: pd.DataFrame, source_labels: Mapping[str, str]) -> str:
    """The press-conference total beside later releases, each with its own period and
    source: a list, never a series."""
    heads = {"primary": "**At the press conference**", "secondary": "**In later releases**"}
    lines = []
    for role, rows in table.groupby("source_role", sort=False):
        lines.append(f"{heads.get(role) or fmt.md_escape(role)}:\n")
        for row in rows.itertuples():
            measure = fmt.md_escape(row.measure_label.lower())
            lines.append(
                f"- {fmt.number(row.value, row.qualifier)} {measure}, "
                f"{row.period} ({fmt.md_escape(source_labels.get(row.source_id, row.source_id))})"
            )
        lines.append("")
    return "\n".join(lines).strip()


def figure_list(figures: pd.DataFrame) -> str:
    """The appendix's record of each figure: as printed, as read, where, and how sure."""
    lines = []
    for f in figures.sort_values("quote_start", kind="stable").itertuples():
        line = (
            f"- **{fmt.md_escape(f.figure_id)}**: printed {fmt.md_escape(f.raw)}, read as "
            f"{fmt.number(f.value, f.qualifier)} {fmt.md_escape(f.unit)}; "
            f"“{fmt.md_escape(f.quote)}” "
            f"(characters {f.quote_start} to {f.quote_end})"
        )
        if pd.notna(f.repeats):
            line += f"; repeats {fmt.md_escape(f.repeats)}"
        lines.append(f"{line}. {fmt.md_escape(f.corroboration_note or '')}".rstrip())
    return "\n".join(lines)


def figures_by_source(figures: pd.DataFrame) -> str:
    """The appendix's figures, one section per source headed by its id (escaped like
    any text from the data: the id comes from a folder name)."""
    return "\n\n".join(
        f"### {fmt.md_escape(source_id)}\n\n{figure_list(rows)}"
        for source_id, rows in figures.groupby("source_id", sort=True)
    )
