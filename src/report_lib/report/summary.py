"""The summary at the top of the index and of every report: key figures with their
period, scope and unit, and findings computed from the dataset (shares, ranks, multiples,
rates per year, comparisons between releases). Nothing here is typed for today's data:
each finding is made only where the data allows it, for any number of crimes and ties.

The text is plain: a notebook escapes it for Markdown, the index's template for HTML.
Each finding keeps the numbers it states, unrounded, so tests compare them with the data
and the notebook saves them as the report's summary table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from report_lib import language
from report_lib.report import charts, fmt

ARRESTS, PROSECUTED = "arrests_approved", "persons_prosecuted"
ALL_SCOPE = "all"
MAX_FINDINGS = 5
# The words FACTS.md requires wherever a crime with a shortened period is compared.
INFERENCE = "This is an inference from the law, not a statement of the source."
UNEQUAL_MARK = "(periods differ: see the note below)"
NOTE_LEAD = "Note on periods:"


@dataclass(frozen=True)
class Labels:
    """What a reader calls each code: crimes, releases, scopes and cases."""

    crimes: Mapping[str, str]
    sources: Mapping[str, str]  # title, publisher, date
    scopes: Mapping[str, str]
    cases: Mapping[str, str]
    publishers: Mapping[str, str] = field(default_factory=dict)  # publisher, date

    @classmethod
    def of(cls, reference, sources: pd.DataFrame, lang: str = language.DEFAULT) -> Labels:
        """From the reference tables and the processed sources table, in `lang`: Chinese
        names crimes by their legal names and everything else by its `_zh` column."""
        zh = lang == "zh"
        label = "label_zh" if zh else "label"
        title, publisher = ("title_zh", "publisher_zh") if zh else ("title", "publisher")

        def dated(row, *columns: str) -> str:
            day = fmt.day(pd.Timestamp(row.date), lang)
            if zh:
                return "，".join(getattr(row, c) for c in columns) + f"，{day}"
            return ", ".join([*(getattr(row, c) for c in columns), day])

        def case(row: Mapping[str, str]) -> str:
            if not row["number"]:
                return row[label]
            return f"检例第{row['number']}号" if zh else f"Case {row['number']}"

        return cls(
            crimes={
                code: row["name_zh" if zh else "label"]
                for code, row in reference.crimes.rows.items()
            },
            sources={row.source_id: dated(row, title, publisher) for row in sources.itertuples()},
            scopes={code: row[label] for code, row in reference.scopes.rows.items()},
            publishers={row.source_id: dated(row, publisher) for row in sources.itertuples()},
            cases={code: case(row) for code, row in reference.cases.rows.items()},
        )

    def crime(self, code: str) -> str:
        return self.crimes.get(code, code)


@dataclass(frozen=True)
class Finding:
    """One computed statement; `numbers` are the values it states, `crimes` those it
    compares (two or more make it a comparison)."""

    statement: str
    numbers: dict[str, float] = field(default_factory=dict)
    crimes: tuple[str, ...] = ()
    note: str = ""  # the unequal-periods caveat it carries, said once under a summary's list

    @property
    def text(self) -> str:
        """The statement with its caveat: what a finding says, read alone."""
        return f"{self.statement} {self.note}".strip()

    @property
    def shown(self) -> str:
        """The statement as a summary's bullet shows it, pointing to its note."""
        return f"{self.statement} {UNEQUAL_MARK}" if self.note else self.statement


@dataclass(frozen=True)
class Summary:
    key_figures: list[Finding]
    findings: list[Finding]

    def table(self) -> pd.DataFrame:
        """Every number the summary states, by item: saved beside the report's charts."""
        rows = [
            {"item": f"{kind} {i + 1}", "number": name, "value": value}
            for kind, items in (("key figure", self.key_figures), ("finding", self.findings))
            for i, item in enumerate(items)
            for name, value in item.numbers.items()
        ]
        return pd.DataFrame(rows, columns=["item", "number", "value"])

    @property
    def notes(self) -> list[str]:
        """Each caveat the findings carry, once (three comparisons, one note)."""
        return [f"{NOTE_LEAD} {n}" for n in dict.fromkeys(f.note for f in self.findings) if n]

    def markdown(self) -> str:
        """Key figures, then findings, each a bullet of escaped text, then their notes."""
        parts = []
        if self.key_figures:
            bullets = "\n".join(f"- {fmt.md_escape(k.shown)}" for k in self.key_figures)
            parts.append(f"**Key figures**\n\n{bullets}")
        if self.findings:
            bullets = "\n".join(f"- {fmt.md_escape(f.shown)}" for f in self.findings)
            parts.append(f"**Findings**\n\n{bullets}")
        parts += [f"*{fmt.md_escape(note)}*" for note in self.notes]
        return "\n\n".join(parts) or "_This release gives no figure to summarise._"


# --- selecting rows -------------------------------------------------------------------


def _statements(figures: pd.DataFrame) -> pd.DataFrame:
    """Each figure once: a repeat of a figure in the same release is the same statement."""
    return figures[figures["repeats"].isna()]


def _counts(figures: pd.DataFrame) -> pd.DataFrame:
    """Counts by crime (not of a case), each stated once."""
    f = _statements(figures)
    return f[f["crime"].notna() & f["case"].isna()]


def _names(labels: Sequence[str]) -> str:
    labels = list(labels)
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"


def _period(row) -> str:
    if pd.isna(row.period_start):
        return "no period stated"
    return fmt.period(row.period_start, row.period_end)


def _span(rows: pd.DataFrame) -> str:
    """The period of a set of counts: one, or 'unequal periods'."""
    periods = {fmt.period(r.period_start, r.period_end) for r in rows.itertuples()}
    return periods.pop() if len(periods) == 1 else "over unequal periods"


def _days(start: pd.Timestamp, end: pd.Timestamp) -> int:
    return (pd.Timestamp(end) - pd.Timestamp(start)).days + 1


def rate_shown(rate: float, qualifier: str) -> tuple[float, int]:
    """A rate per year (charts.per_year, as the span charts compute it) as printed: whole
    from 10 up; a lower bound's rate rounded down, never up, so that it stays true."""
    decimals = 0 if rate >= 10 else fmt.DECIMALS["ratio"]
    if qualifier == fmt.MORE_THAN:
        scale = 10**decimals
        return float(int(rate * scale)) / scale, decimals
    return float(fmt.rounded(rate, decimals)), decimals


# --- key figures ----------------------------------------------------------------------


def _subject(row, labels: Labels) -> str:
    if pd.notna(row.case):
        return labels.cases.get(row.case, row.case)
    if pd.notna(row.crime):
        return labels.crime(row.crime).lower()
    return "all crimes"


def key_figure(row, labels: Labels) -> Finding:
    """One figure with its measure, subject, period, scope, release and, for a figure no
    other report confirms, that it stands alone."""
    value = fmt.number(int(row.value), row.qualifier)
    scope = labels.scopes.get(row.scope, row.scope)
    text = (
        f"{row.measure_label.capitalize()}, {_subject(row, labels)}: {value} {row.unit} "
        f"({_period(row)}; {scope}; {labels.publishers.get(row.source_id, 'source not named')}"
    )
    if pd.notna(row.corroborated) and not bool(row.corroborated):  # a numpy or nullable bool
        text += "; uncorroborated: no other published report states it"
    return Finding(text + ")", {row.figure_id: float(row.value)})


def latest_by_crime(figures: pd.DataFrame) -> pd.DataFrame:
    """For each crime and measure, the figure whose period ends last (the longest such on
    a tie): the most recent count a reader can quote."""
    rows = _counts(figures)
    rows = rows[rows["period_end"].notna()]
    rows = rows.sort_values(
        ["period_end", "period_start", "source_id"], ascending=[False, True, True], kind="stable"
    )
    latest = rows.drop_duplicates(["crime", "measure"])
    return latest.sort_values(["crime", "measure"], kind="stable")


# --- comparisons of crimes within one release -----------------------------------------


def _one_release(figures: pd.DataFrame, source: str, measure: str) -> pd.DataFrame:
    """One release's exact counts of one measure by crime, in the whole scope."""
    rows = _counts(figures)
    rows = rows[(rows["source_id"] == source) & (rows["measure"] == measure)]
    rows = rows[(rows["scope"] == ALL_SCOPE) & (rows["qualifier"] == fmt.EXACT)]
    return rows.drop_duplicates("crime").set_index("crime")


def comparable(figures: pd.DataFrame, source: str) -> list[str]:
    """The crimes a release gives both exact arrests and prosecutions for, in the whole
    scope: those its findings may compare."""
    both = set(_one_release(figures, source, ARRESTS).index)
    return [c for c in _one_release(figures, source, PROSECUTED).index if c in both]


def caveat(rows: pd.DataFrame, labels: Labels) -> str:
    """The sentence a comparison of crimes over unequal periods must carry: which crimes'
    counts cover less than the others', and why where the law shortened them."""
    spans = {c: _days(r.period_start, r.period_end) for c, r in rows.iterrows()}
    longest = max(spans.values())
    shorter = [c for c, days in spans.items() if days < longest]
    if not shorter:
        return ""
    sentences = []
    for crime in shorter:
        row = rows.loc[crime]
        text = (
            f"The counts for {labels.crime(crime).lower()} cover only "
            f"{fmt.period(row.period_start, row.period_end)}, a shorter period than the others'"
        )
        moved = pd.notna(row.stated_start) and row.stated_start != row.period_start
        if moved:
            text += (
                f": the offence exists only from {fmt.day(row.period_start)}, though the source "
                f"gives them from {fmt.day(row.stated_start)}. {INFERENCE}"
            )
        else:
            text += "."
        sentences.append(text)
    return " ".join(sentences)


def _grouped(values: Mapping[str, float]) -> list[list[str]]:
    """Keys grouped by equal value, largest first."""
    groups: dict[float, list[str]] = {}
    for key, value in sorted(values.items(), key=lambda kv: -kv[1]):
        groups.setdefault(value, []).append(key)
    return list(groups.values())


def share(figures: pd.DataFrame, source: str, measure: str, labels: Labels) -> Finding | None:
    """The largest crime's share of a release's total (every leader's, on a tie)."""
    rows = _one_release(figures, source, measure).loc[comparable(figures, source)]
    if len(rows) < 2:
        return None
    values = rows["value"].astype(float).to_dict()
    total = sum(values.values())
    top = fmt.leaders(values)
    part = values[top[0]] / total
    label = rows["measure_label"].iloc[0]
    each = " each" if len(top) > 1 else ""
    verb = "account" if len(top) > 1 else "accounts"
    text = (
        f"{_names([labels.crime(c) for c in top])} {verb} for {fmt.percent(part)}{each} of the "
        f"{fmt.number(int(total))} {label} counted for {len(values)} crimes "
        f"({_span(rows)}): {fmt.share_phrase(part * len(top))} of them"
        f"{' together' if each else ''}."
    )
    numbers = {"total": total, "share": part, "crimes": float(len(values))}
    return Finding(text, numbers, tuple(values), caveat(rows, labels))


def ranking(figures: pd.DataFrame, source: str, measure: str, labels: Labels) -> Finding | None:
    """The crimes of a release in order of one measure, ties named as such."""
    rows = _one_release(figures, source, measure).loc[comparable(figures, source)]
    if len(rows) < 2:
        return None
    values = rows["value"].astype(float).to_dict()
    parts = []
    for group in _grouped(values):
        count = fmt.number(int(values[group[0]]))
        names = _names([labels.crime(c).lower() for c in group])
        parts.append(f"{names} ({count} each, tied)" if len(group) > 1 else f"{names} ({count})")
    label = rows["measure_label"].iloc[0]
    text = f"Ranked by {label}, most first: {'; '.join(parts)}."
    return Finding(text, dict(values), tuple(values), caveat(rows, labels))


def multiple(figures: pd.DataFrame, source: str, measure: str, labels: Labels) -> Finding | None:
    """How the largest count of a release compares with the smallest."""
    rows = _one_release(figures, source, measure).loc[comparable(figures, source)]
    values = rows["value"].astype(float).to_dict()
    groups = _grouped(values)
    if len(groups) < 2 or min(values.values()) <= 0:
        return None
    high, low = values[groups[0][0]], values[groups[-1][0]]
    label = rows["measure_label"].iloc[0]
    text = (
        f"The most {label} for one crime ({_names([labels.crime(c).lower() for c in groups[0]])}, "
        f"{fmt.number(int(high))}) are {fmt.times_phrase(high, low)} as the fewest "
        f"({_names([labels.crime(c).lower() for c in groups[-1]])}, {fmt.number(int(low))})."
    )
    compared = rows.loc[groups[0] + groups[-1]]
    numbers = {"most": high, "fewest": low, "multiple": high / low}
    return Finding(text, numbers, tuple(compared.index), caveat(compared, labels))


def per_arrest(figures: pd.DataFrame, source: str, labels: Labels) -> Finding | None:
    """Persons prosecuted per arrest approved across a release's crimes, in words true of
    any set: all above one, all below, or a range."""
    crimes = comparable(figures, source)
    if not crimes:
        return None
    arrests = _one_release(figures, source, ARRESTS)["value"].astype(float)
    prosecuted = _one_release(figures, source, PROSECUTED)["value"].astype(float)
    if (arrests.loc[crimes] <= 0).any():
        return None
    ratios = {c: prosecuted[c] / arrests[c] for c in crimes}
    decimals = fmt.DECIMALS["ratio"]
    shown = {c: fmt.number(r, decimals=decimals) for c, r in ratios.items()}
    if len(crimes) == 1:
        (crime,) = crimes
        text = (
            f"For {labels.crime(crime).lower()}, {shown[crime]} persons were prosecuted per "
            "arrest approved."
        )
        return Finding(text, {"ratio": ratios[crime]}, (crime,))
    each = f"For each of the {len(crimes)} crimes"
    if all(r > 1 for r in ratios.values()):
        lead = f"{each} more persons were prosecuted than arrests approved"
    elif all(r < 1 for r in ratios.values()):
        lead = f"{each} fewer persons were prosecuted than arrests approved"
    else:
        lead = f"Persons prosecuted per arrest approved differ across the {len(crimes)} crimes"
    groups = _grouped(ratios)
    top, bottom = groups[0], groups[-1]
    if len(groups) == 1:
        spread = f"{shown[top[0]]} for each"
    else:
        low, high = (_names([labels.crime(c).lower() for c in g]) for g in (bottom, top))
        spread = f"from {shown[bottom[0]]} per arrest ({low}) to {shown[top[0]]} ({high})"
    rows = _one_release(figures, source, PROSECUTED).loc[crimes]
    numbers = {"crimes": float(len(crimes)), "lowest": ratios[bottom[0]], "highest": ratios[top[0]]}
    return Finding(f"{lead}: {spread}.", numbers, tuple(crimes), caveat(rows, labels))


# --- one crime across releases --------------------------------------------------------


def rates(figures: pd.DataFrame, crime: str, measure: str, labels: Labels) -> Finding | None:
    """A crime's count of one measure and scope from every release that states a period,
    each as a rate per year, the latest compared with the earliest where both are exact."""
    rows = _counts(figures)
    rows = rows[(rows["crime"] == crime) & (rows["measure"] == measure)]
    rows = rows[rows["period_start"].notna() & (rows["scope"] == ALL_SCOPE)]
    if rows["source_id"].nunique() < 2:
        return None
    rows = rows.sort_values(["period_end", "period_start", "source_id"], kind="stable")
    numbers, parts = {}, []
    for row in rows.itertuples():
        rate, decimals = rate_shown(
            charts.per_year(row.value, row.period_start, row.period_end), row.qualifier
        )
        numbers[f"{row.figure_id} per year"] = rate
        numbers[row.figure_id] = float(row.value)
        parts.append(
            f"{fmt.number(rate, row.qualifier, decimals)} a year over {_period(row)} "
            f"({fmt.number(int(row.value), row.qualifier)} in all)"
        )
    label = rows["measure_label"].iloc[0]
    text = f"{labels.crime(crime)}, {label} per year, release by release: {'; '.join(parts)}."
    first, last = rows.iloc[0], rows.iloc[-1]
    if first["qualifier"] == last["qualifier"] == fmt.EXACT and first["value"] > 0:
        a = charts.per_year(last["value"], last["period_start"], last["period_end"])
        b = charts.per_year(first["value"], first["period_start"], first["period_end"])
        if a > 0:
            numbers["latest_to_earliest"] = a / b
            text += (
                f" The latest rate is {fmt.times_phrase(a, b)} as the earliest: "
                "a yardstick, since a count spread over its period need not be even."
            )
    elif (rows["qualifier"] == fmt.MORE_THAN).any():
        text += " A lower bound gives a lower bound per year, so the rates are not ranked."
    return Finding(text, numbers, (crime,))


def lower_bounds(figures: pd.DataFrame) -> Finding | None:
    """How many of a set of figures are lower bounds ('more than')."""
    rows = _statements(figures)
    if rows.empty:
        return None
    bounded = int((rows["qualifier"] == fmt.MORE_THAN).sum())
    if len(rows) == 1:
        kind = "a lower bound (\u201cmore than\u201d)" if bounded else "an exact count"
        text = f"Its one figure is {kind}."
    elif bounded == 0:
        text = f"All {len(rows)} figures are exact counts; none is a lower bound."
    else:
        are = "is a lower bound" if bounded == 1 else "are lower bounds"
        text = (
            f"{bounded} of the {len(rows)} figures {are} (\u201cmore than\u201d), "
            f"{fmt.share_phrase(bounded / len(rows))} of them: each is shown as one."
        )
    return Finding(text, {"lower bounds": float(bounded), "figures": float(len(rows))})


# --- the summaries --------------------------------------------------------------------


def _kept(findings: Sequence[Finding | None]) -> list[Finding]:
    return [f for f in findings if f is not None][:MAX_FINDINGS]


def main_release(figures: pd.DataFrame) -> str | None:
    """The release that compares the most crimes (the first by id on a tie)."""
    counts = {s: len(comparable(figures, s)) for s in sorted(figures["source_id"].unique())}
    best = max(counts.values(), default=0)
    return next((s for s, n in counts.items() if n == best), None) if best else None


def _comparisons(figures: pd.DataFrame, source: str, labels: Labels) -> list[Finding | None]:
    return [
        share(figures, source, PROSECUTED, labels),
        ranking(figures, source, PROSECUTED, labels),
        multiple(figures, source, ARRESTS, labels),
        per_arrest(figures, source, labels),
    ]


def _crime_rates(figures: pd.DataFrame, crime: str, labels: Labels) -> list[Finding | None]:
    measures = dict.fromkeys(_counts(figures).query("crime == @crime")["measure"])
    return [rates(figures, crime, m, labels) for m in measures]


def for_site(figures: pd.DataFrame, labels: Labels) -> Summary:
    """The index: the latest count of each crime and measure; the main release's
    comparisons, then each crime's rates across releases."""
    keys = [key_figure(r, labels) for r in latest_by_crime(figures).itertuples()]
    found: list[Finding | None] = []
    if source := main_release(figures):
        found += [share(figures, source, PROSECUTED, labels), per_arrest(figures, source, labels)]
    crimes = dict.fromkeys(_counts(figures)["crime"])
    across = [r for c in crimes for r in _crime_rates(figures, c, labels)]
    # comparisons between releases first: a rate that can be compared says more
    found += sorted((r for r in across if r), key=lambda r: "latest_to_earliest" not in r.numbers)
    return Summary(keys, _kept(found))


def for_release(figures: pd.DataFrame, source: str, labels: Labels) -> Summary:
    """One release: every figure it gives, and its crimes compared where it allows."""
    rows = _statements(figures[figures["source_id"] == source])
    keys = [key_figure(r, labels) for r in rows.sort_values("quote_start").itertuples()]
    found = _comparisons(figures, source, labels)
    found.append(lower_bounds(figures[figures["source_id"] == source]))
    return Summary(keys, _kept(found))


def for_comparison(figures: pd.DataFrame, source: str, labels: Labels) -> Summary:
    """One release's counts by crime, and the crimes compared where it allows."""
    rows = _counts(figures[figures["source_id"] == source])
    order = ["measure", "quote_start"]
    keys = [key_figure(r, labels) for r in rows.sort_values(order).itertuples()]
    found = _comparisons(figures, source, labels)
    found.append(share(figures, source, ARRESTS, labels))
    return Summary(keys, _kept(found))


def for_crime(figures: pd.DataFrame, crime: str, labels: Labels) -> Summary:
    """One crime: every figure any release gives for it; its rank and share in each
    release that compares it, and its rates across releases."""
    rows = _statements(figures[figures["crime"] == crime])
    order = ["period_end", "source_id", "quote_start"]
    keys = [key_figure(r, labels) for r in rows.sort_values(order).itertuples()]
    found: list[Finding | None] = []
    for source in sorted(rows["source_id"].unique()):
        if crime in comparable(figures, source) and len(comparable(figures, source)) > 1:
            found.append(standing(figures, source, crime, labels))
    found += _crime_rates(figures, crime, labels)
    found.append(lower_bounds(rows))
    return Summary(keys, _kept(found))


def for_trend(figures: pd.DataFrame, crime: str, labels: Labels) -> Summary:
    """One crime over time: its counts with a period, earliest end first, and their rates
    per year release by release."""
    rows = _counts(figures[figures["crime"] == crime])
    rows = rows[rows["period_start"].notna()]
    order = ["period_end", "period_start", "source_id"]
    keys = [key_figure(r, labels) for r in rows.sort_values(order).itertuples()]
    return Summary(keys, _kept([*_crime_rates(figures, crime, labels), lower_bounds(rows)]))


def standing(figures: pd.DataFrame, source: str, crime: str, labels: Labels) -> Finding:
    """A crime's rank and share among the crimes one release compares."""
    rows = _one_release(figures, source, PROSECUTED).loc[comparable(figures, source)]
    values = rows["value"].astype(float).to_dict()
    part = values[crime] / sum(values.values())
    text = (
        f"{labels.crime(crime)}: {fmt.rank_phrase(values, crime)} persons prosecuted of the "
        f"{len(values)} crimes compared in {labels.sources.get(source, 'a release')} "
        f"({fmt.number(int(values[crime]))}, {fmt.percent(part)} of "
        f"{fmt.number(int(sum(values.values())))}, {_span(rows)})."
    )
    numbers = {
        "value": values[crime],
        "share": part,
        "total": sum(values.values()),
        "crimes": float(len(values)),
    }
    return Finding(text, numbers, tuple(values), caveat(rows, labels))


def for_cases(figures: pd.DataFrame, source: str, labels: Labels) -> Summary:
    """The figures of a release's cases, and reads per hour where a window is given."""
    rows = _statements(figures[(figures["source_id"] == source) & figures["case"].notna()])
    rows = rows[rows["case"].isin(rows.loc[rows["measure"] == "reads", "case"])]
    keys = [key_figure(r, labels) for r in rows.sort_values("quote_start").itertuples()]
    found: list[Finding | None] = []
    reads = rows[rows["measure"] == "reads"].set_index("case")
    windows = rows[rows["measure"] == "reach_window"].set_index("case")
    for case in reads.index.intersection(windows.index):
        r, w = reads.loc[case], windows.loc[case]
        if w["value"] > 0:
            rate = float(r["value"]) / float(w["value"])
            found.append(
                Finding(
                    f"{labels.cases.get(case, case)}: {fmt.number(int(rate), r['qualifier'])} "
                    f"reads an hour over its first {fmt.number(int(w['value']))} hours, "
                    "on average.",
                    {
                        "reads per hour": float(int(rate)),
                        "hours": float(w["value"]),
                        "reads": float(r["value"]),
                    },
                )
            )
    values = reads["value"].astype(float).to_dict()
    top = fmt.leaders(values) if len(reads) > 1 else []
    others_exact = (reads.drop(index=top)["qualifier"] == fmt.EXACT).all()
    if top and others_exact:
        found.append(
            Finding(
                f"The most read: {_names([labels.cases.get(c, c) for c in top])}, "
                f"{fmt.number(int(values[top[0]]), reads.loc[top[0], 'qualifier'])} reads.",
                {"reads": values[top[0]]},
            )
        )
    found.append(lower_bounds(rows))
    return Summary(keys, _kept(found))


def checks(frame: pd.DataFrame) -> Finding:
    """All the checks in one line, counted from their table (a `release` column naming
    each check's release). A check that fails stops the data step, so every row of a
    built dataset's table is one that passed."""
    coverage = frame[frame["check"] == "coverage"]
    found = int((coverage["result"] == "figure").sum())
    others = frame[frame["check"] != "coverage"].groupby("check", sort=True).size()
    kinds = "".join(
        f"; {fmt.number(int(n))} {kind} check{'s' if n > 1 else ''}" for kind, n in others.items()
    )
    releases = coverage["release"].nunique()
    text = (
        f"{fmt.number(len(frame))} checks were run, and all passed: "
        f"{fmt.number(len(coverage))} on the numbers in the texts of {fmt.number(releases)} "
        f"releases, each a figure of the dataset ({fmt.number(found)}) or set aside with a "
        f"stated reason ({fmt.number(len(coverage) - found)}){kinds}. Every check, with its "
        "result, is in the checks table (CSV) linked with this report."
    )
    numbers = {
        "checks": float(len(frame)),
        "numbers checked": float(len(coverage)),
        "releases": float(releases),
        "figures": float(found),
        "set aside": float(len(coverage) - found),
        **{f"{kind} checks": float(n) for kind, n in others.items()},
    }
    return Finding(text, numbers)


def for_dataset(
    figures: pd.DataFrame, labels: Labels, check_table: pd.DataFrame | None = None
) -> Summary:
    """The data appendix: how many figures, from how many releases, how many confirmed
    by another report, how many lower bounds, and the checks run on them."""
    rows = _statements(figures)
    if rows.empty:
        return Summary([], [])
    releases = rows["source_id"].nunique()
    confirmed = int((rows["corroborated"] == True).sum())  # noqa: E712 (a nullable column)
    found = [
        Finding(
            f"{len(rows)} figures from {releases} releases, each traced to a verbatim quote; "
            f"{confirmed} of them are confirmed by another published report of the same "
            f"release ({fmt.share_phrase(confirmed / len(rows))} of them).",
            {"figures": float(len(rows)), "releases": float(releases), "confirmed": confirmed},
        ),
        lower_bounds(rows),
        None if check_table is None else checks(check_table),
    ]
    return Summary([], _kept(found))
