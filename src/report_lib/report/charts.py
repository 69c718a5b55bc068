"""The report's charts. Each returns its figure together with the exact numbers it plots,
so the build can save them and the narrative check can hold prose to them.

Rows are chosen by release (source id), scope, measure, crime and case codes: releases
are equals, and a chart draws on the one its caller names. Labels, source names and every
number come from the arguments and the frame. Comparisons use each figure's effective
period (`period_start`, `period_end`), which never starts before its offence existed.
Figures are built with `Figure` rather than pyplot, so no chart leaves state behind or is
shown twice in a notebook.
Table rows are in drawing order: bar containers first to last, bars top to bottom.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd
from matplotlib import ticker
from matplotlib.axes import Axes
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from report_lib.report import fmt, style

ALL_SCOPE = "all"
ARRESTS = "arrests_approved"
PROSECUTED = "persons_prosecuted"
READS = "reads"
WINDOW = "reach_window"
DISCUSSIONS = "discussions"
WINDOW_UNIT = "hours"
COUNT_MEASURES = (ARRESTS, PROSECUTED)

MEASURE_NOUNS: Mapping[str, str] = MappingProxyType(
    {ARRESTS: "arrests", PROSECUTED: "prosecutions"}
)
MEASURE_HATCH: Mapping[str, str] = MappingProxyType({ARRESTS: "///", PROSECUTED: ""})

LOG_SPAN = 100  # log axis once the largest bar is more than this many times the smallest
LOG_TICKS = 7  # at most this many decade ticks while labels are short ("100,000")...
LOG_TICKS_LONG = 4  # ...and every other decade once they are long ("100,000,000"), or they collide
SHORT_TICK_CHARS = 7  # "100,000"
LOG_HEADROOM = 8  # right limit = largest x 8, room for its value label on a log axis
LINEAR_HEADROOM = 1.18
TITLE_WRAP = 70  # characters per title line at 13 pt bold on an 8-inch figure
DAYS_PER_YEAR = 365.25


@dataclass(frozen=True, eq=False)
class Chart:
    """A figure with the exact numbers it shows (one table row per mark)."""

    figure: Figure
    table: pd.DataFrame
    alt_text: str
    title: str


# --- selecting rows -------------------------------------------------------------------


def _statements(
    df: pd.DataFrame, measures: Iterable[str] | None = None, source: str | None = None
) -> pd.DataFrame:
    """Rows of these measures (all if None) and this release (all if None), each statement
    once (repeats dropped)."""
    keep = pd.Series(True, index=df.index)
    if measures is not None:
        keep &= df["measure"].isin(list(measures))
    if source is not None:
        keep &= df["source_id"] == source
    if "repeats" in df.columns:
        keep &= df["repeats"].isna()
    return df.loc[keep]


def _require_unique(rows: pd.DataFrame, keys: list[str]) -> None:
    """Two different statements of one figure would make the chart pick one silently."""
    twice = rows.duplicated(keys, keep=False)
    if twice.any():
        shown = rows.loc[twice, [*keys, "value"]].to_dict("records")
        raise ValueError(f"figure stated more than once and not marked in 'repeats': {shown}")


def _require_exact(rows: pd.DataFrame, why: str) -> None:
    bounds = rows[rows["qualifier"] != fmt.EXACT]
    if not bounds.empty:
        raise ValueError(f"{why} needs exact values; lower bounds: {bounds['figure_id'].tolist()}")


def _ordered(codes: pd.Series, labels: Mapping[str, str], what: str) -> list[str]:
    """Codes in the order of `labels`, so every chart lists crimes the same way."""
    present = set(codes)
    missing = sorted(present - set(labels))
    if missing:
        raise KeyError(f"no {what} label for {missing}")
    return [code for code in labels if code in present]


def _crime_counts(
    df: pd.DataFrame, labels: Mapping[str, str], source: str, scope: str = ALL_SCOPE
) -> pd.DataFrame:
    """One release's arrests and prosecutions per crime in one scope, measure by measure
    in `labels` order."""
    rows = _statements(df, COUNT_MEASURES, source)
    rows = rows[rows["crime"].notna() & rows["case"].isna()]
    if "scope" in rows.columns:
        rows = rows[rows["scope"] == scope]
    if rows.empty:
        raise ValueError(f"no arrests or prosecutions by crime in {source} ({scope})")
    _require_unique(rows, ["measure", "crime"])
    crimes = _ordered(rows["crime"], labels, "crime")
    counts = rows.groupby("crime")["measure"].nunique()
    incomplete = sorted(counts[counts < len(COUNT_MEASURES)].index)
    if incomplete:
        raise ValueError(f"crimes without both arrests and prosecutions: {incomplete}")
    position = {crime: i for i, crime in enumerate(crimes)}
    measure_position = {measure: i for i, measure in enumerate(COUNT_MEASURES)}
    order = np.lexsort((rows["crime"].map(position), rows["measure"].map(measure_position)))
    return rows.iloc[order]


def comparable_releases(df: pd.DataFrame, crime: str, labels: Mapping[str, str]) -> list[str]:
    """The releases that give arrests and prosecutions for this crime and at least one
    other, in one scope: where a profile can set the crime among the others."""
    found = []
    for source in dict.fromkeys(df.loc[df["crime"] == crime, "source_id"]):
        try:
            rows = _crime_counts(df, labels, source)
        except ValueError:
            continue
        if crime in set(rows["crime"]) and rows["crime"].nunique() > 1:
            found.append(source)
    return found


def _measure_label(rows: pd.DataFrame) -> pd.Series:
    """A measure's label as a chart shows it, from the reference's (the one home of the
    measure vocabulary: data/reference/measures.csv, carried by the dataset)."""
    return rows["measure_label"].str.capitalize()


def _count_table(rows: pd.DataFrame, labels: Mapping[str, str], key: str = "crime") -> pd.DataFrame:
    """One row per mark: what it is (crime or case), its measure, value, effective period
    and bar label."""
    table = pd.DataFrame(
        {
            "source_id": rows["source_id"],
            key: rows[key],
            f"{key}_label": rows[key].map(dict(labels)),
            "measure": rows["measure"],
            "measure_label": _measure_label(rows),
            "value": rows["value"],
            "qualifier": rows["qualifier"],
            "unit": rows["unit"],
            "period_start": rows["period_start"],
            "period_end": rows["period_end"],
        }
    ).reset_index(drop=True)
    table["label"] = [
        fmt.bound_label(int(v), q) for v, q in zip(table["value"], table["qualifier"], strict=True)
    ]
    return table


def _with_shares(table: pd.DataFrame) -> pd.DataFrame:
    """Each row's share of its measure's total over the crimes shown."""
    total = table.groupby("measure")["value"].transform("sum")
    return table.assign(total=total, share=table["value"] / total)


def _one_unit(rows: pd.DataFrame) -> str:
    units = rows["unit"].unique()
    if len(units) != 1:
        raise ValueError(f"one axis cannot carry several units: {list(units)}")
    return str(units[0])


# --- text -----------------------------------------------------------------------------


def _source_name(
    source_id: str, rows: pd.DataFrame, source_labels: Mapping[str, str] | None
) -> str:
    """Caller's mapping first, then the frame's `source_label` column, then the id itself."""
    if source_labels and source_id in source_labels:
        return source_labels[source_id]
    if "source_label" in rows.columns:
        named = rows.loc[rows["source_id"] == source_id, "source_label"].dropna()
        if not named.empty:
            return str(named.iloc[0])
    return source_id


def _period_of(rows: pd.DataFrame) -> str | None:
    periods = rows[["period_start", "period_end"]].drop_duplicates()
    if len(periods) != 1:
        return None
    start, end = periods.iloc[0]
    return None if pd.isna(start) else fmt.period(start, end)


def _derived(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows whose effective start was moved to the day their offence came into force."""
    if "stated_start" not in rows.columns:
        return rows.iloc[0:0]
    moved = rows["stated_start"].notna() & (rows["stated_start"] != rows["period_start"])
    return rows[moved]


def _derivation_note(rows: pd.DataFrame, labels: Mapping[str, str] | None = None) -> str:
    """Why a crime's counts cover less than the source says, one sentence per crime."""
    notes = []
    for crime, part in _derived(rows).groupby("crime", sort=False):
        first = part.iloc[0]
        stated = fmt.period(first["stated_start"], None).removeprefix("from ")
        notes.append(
            f"{(labels or {}).get(crime, crime)} counted from {fmt.day(first['period_start'])}, "
            f"when its offence came into force; the source says from {stated} (an inference "
            "from the law, not a statement of the source)."
        )
    return " ".join(notes)


def _periods_text(rows: pd.DataFrame, labels: Mapping[str, str] | None = None) -> str:
    """'Period: ….', or each crime's period where they differ, with why one is shorter."""
    period = _period_of(rows)
    if period:
        text = f"Period: {period}."
    else:
        parts = []
        for (start, end), part in rows.groupby(["period_start", "period_end"], sort=True):
            names = [(labels or {}).get(c, c) for c in dict.fromkeys(part["crime"].dropna())]
            parts.append(f"{fmt.period(start, end)} ({', '.join(names)})")
        text = f"Periods: {'; '.join(parts)}." if parts else ""
    return f"{text} {_derivation_note(rows, labels)}".strip()


def _source_text(
    rows: pd.DataFrame,
    source_labels: Mapping[str, str] | None,
    labels: Mapping[str, str] | None = None,
) -> str:
    names = [_source_name(s, rows, source_labels) for s in dict.fromkeys(rows["source_id"])]
    text = f"{'Source' if len(names) == 1 else 'Sources'}: {'; '.join(names)}."
    period = _periods_text(rows, labels)
    return f"{text} {period}" if period else text


def _sentence_list(parts: Sequence[str]) -> str:
    if len(parts) < 2:
        return "".join(parts)
    return f"{'; '.join(parts[:-1])}; and {parts[-1]}"


def _leader_title(table: pd.DataFrame, say: Callable[[float], str]) -> str:
    """The crime with the largest share, in words computed from the shares themselves."""
    leaders, said = {}, {}
    for measure, part in table.groupby("measure", sort=False):
        leaders[measure] = fmt.superlative(
            dict(zip(part["crime_label"], part["share"], strict=True))
        )
        said[measure] = say(
            float(part.loc[part["crime_label"] == leaders[measure], "share"].iloc[0])
        )
    nouns = [MEASURE_NOUNS[m] for m in leaders]
    if len(set(leaders.values())) > 1:
        return "; ".join(f"{leaders[m]} has the most {MEASURE_NOUNS[m]}" for m in leaders)
    leader = next(iter(leaders.values()))
    if len(set(said.values())) == 1:
        return f"{leader} accounts for {next(iter(said.values()))} of the {' and '.join(nouns)}"
    parts = [f"{said[m]} of the {MEASURE_NOUNS[m]}" for m in leaders]
    return f"{leader} accounts for {' and '.join(parts)}"


# --- drawing --------------------------------------------------------------------------


def _figure(height: float = 4.5, **subplots: object) -> tuple[Figure, np.ndarray | Axes]:
    fig = Figure(figsize=(8.0, height), layout="constrained")
    return fig, fig.subplots(**subplots)


def _finish(fig: Figure, title: str, source: str) -> None:
    fig.suptitle(textwrap.fill(title, TITLE_WRAP), x=0.01, ha="left")
    style.source_line(fig, source)


def _reads_per_hour(rate: float, qualifier: str) -> str:
    """A lower bound is rounded down, never up, so that it stays true."""
    if qualifier == fmt.MORE_THAN:
        return fmt.rate(math.floor(rate), "hour", "reads", qualifier)
    return fmt.rate(rate, "hour", "reads", decimals=0)


def _whole(value: float) -> str:
    return fmt.number(round(value))


def _value_axis(
    ax: Axes, values: pd.Series, label: str, tick: Callable[[float], str], integer: bool = True
) -> bool:
    """Log scale once bars span more than LOG_SPAN; ticks written out (10, 100, 1,000).

    Returns whether the axis is logarithmic, for the alt text.
    """
    low, high = float(values.min()), float(values.max())
    log = low > 0 and high / low > LOG_SPAN
    if log:
        right = high * LOG_HEADROOM
        ax.set_xscale("log")
        ax.set_xlim(10 ** (math.floor(math.log10(low)) - 1), right)
        longest = tick(10 ** math.floor(math.log10(right)))
        numticks = LOG_TICKS if len(longest) <= SHORT_TICK_CHARS else LOG_TICKS_LONG
        ax.xaxis.set_major_locator(ticker.LogLocator(base=10, numticks=numticks))
        ax.xaxis.set_minor_formatter(ticker.NullFormatter())
        ax.set_xlabel(f"{label} (log scale)")
    else:
        ax.set_xlim(0, high * LINEAR_HEADROOM)
        ax.xaxis.set_major_locator(
            ticker.MaxNLocator(nbins=6, steps=[1, 2, 5, 10], integer=integer)
        )
        ax.set_xlabel(label)
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _pos: tick(v)))
    ax.grid(axis="y", visible=False)
    return log


def _bars(
    ax: Axes, y: Sequence[float], part: pd.DataFrame, values: str, **kwargs: object
) -> BarContainer:
    bars = ax.barh(
        y, part[values].astype(float).to_numpy(), edgecolor="white", linewidth=0, **kwargs
    )
    ax.bar_label(bars, labels=part["label"].tolist(), padding=4, fontsize=10, color=style.INK)
    return bars


def _grouped_bars(
    ax: Axes, table: pd.DataFrame, values: str, colour_of: Callable[[str], str]
) -> None:
    """One group per crime, one bar per measure; measures told apart by hatching, so the
    colour stays the crime's own."""
    crimes = list(dict.fromkeys(table["crime"]))
    measures = list(dict.fromkeys(table["measure"]))
    labels = dict(zip(table["measure"], table["measure_label"], strict=True))
    slot = {crime: i for i, crime in enumerate(crimes)}
    height = 0.8 / len(measures)
    for k, measure in enumerate(measures):
        part = table[table["measure"] == measure]
        offset = (k - (len(measures) - 1) / 2) * height
        y = part["crime"].map(slot).to_numpy() + offset
        colours = [colour_of(crime) for crime in part["crime"]]
        _bars(ax, y, part, values, height=height, color=colours, hatch=MEASURE_HATCH[measure])
    names = dict(zip(table["crime"], _tick_labels(table), strict=True))
    ax.set_yticks(range(len(crimes)), [names[c] for c in crimes])
    ax.set_ylim(len(crimes) - 0.5, -0.5)  # first crime on top
    handles = [
        Patch(
            facecolor=style.NEUTRAL,
            edgecolor="white",
            hatch=MEASURE_HATCH[m],
            label=labels[m],
        )
        for m in measures
    ]
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=len(handles))


def _tick_labels(table: pd.DataFrame) -> list[str]:
    """Crime labels, with the effective period of any crime whose period is not the most
    common one (a count over a shorter period must not pass for one over the same)."""
    if "period_start" not in table.columns or table["period_start"].isna().all():
        return table["crime_label"].tolist()
    periods = list(zip(table["period_start"], table["period_end"], strict=True))
    usual = max(set(periods), key=periods.count)
    return [
        label if period == usual else f"{label}\n({fmt.period(*period)})"
        for label, period in zip(table["crime_label"], periods, strict=True)
    ]


def _count_alt(table: pd.DataFrame, what: str, log: bool, period: str | None) -> str:
    """'Insult and defamation: 168 arrests approved and 213 persons prosecuted; ...', with
    the periods of the crimes where they differ."""
    scale = " on a logarithmic scale" if log else ""
    when = f", {period}" if period else ""
    differ = (
        ""
        if period
        else " "
        + _periods_text(table, dict(zip(table["crime"], table["crime_label"], strict=True)))
    )
    parts = []
    for crime_label, part in table.groupby("crime_label", sort=False):
        said = [
            f"{fmt.number(int(v), q)} {m.lower()}"
            for v, q, m in zip(part["value"], part["qualifier"], part["measure_label"], strict=True)
        ]
        parts.append(f"{crime_label}, {' and '.join(said)}")
    return f"Horizontal bar chart{scale} of {what}{when}: {_sentence_list(parts)}.{differ}".rstrip()


# --- charts ---------------------------------------------------------------------------


def arrests_vs_prosecutions(
    df: pd.DataFrame,
    labels: Mapping[str, str],
    source: str,
    source_labels: Mapping[str, str] | None = None,
) -> Chart:
    """Arrests approved beside persons prosecuted for each crime (primary source)."""
    rows = _crime_counts(df, labels, source)
    _require_exact(rows, "the share wording of the title")
    table = _count_table(rows, labels)
    title = _leader_title(_with_shares(table), fmt.share_phrase)
    fig, ax = _figure()
    _grouped_bars(ax, table, "value", lambda crime: style.crime_colour(crime))
    log = _value_axis(ax, table["value"], _one_unit(rows).capitalize(), _whole)
    _finish(fig, title, _source_text(rows, source_labels, labels))
    alt = _count_alt(
        table, "arrests approved and persons prosecuted by crime", log, _period_of(rows)
    )
    return Chart(fig, table, alt, title)


def shares(
    df: pd.DataFrame,
    labels: Mapping[str, str],
    source: str,
    source_labels: Mapping[str, str] | None = None,
) -> Chart:
    """Each crime's share of all arrests and of all prosecutions (linear: parts of a whole)."""
    rows = _crime_counts(df, labels, source)
    _require_exact(rows, "a share")
    table = _with_shares(_count_table(rows, labels))
    table["label"] = table["share"].map(fmt.percent)
    title = _leader_title(table, fmt.percent)
    fig, ax = _figure()
    _grouped_bars(ax, table, "share", lambda crime: style.crime_colour(crime))
    ax.set_xlim(0, 1.12)
    ax.xaxis.set_major_locator(ticker.MultipleLocator(0.25))
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _pos: fmt.percent(v, 0)))
    ax.set_xlabel("Share of the total over the crimes shown")
    ax.grid(axis="y", visible=False)
    _finish(fig, title, _source_text(rows, source_labels, labels))
    parts = []
    for _, part in table.groupby("measure", sort=False):
        said = [
            f"{crime} {fmt.percent(s)}"
            for crime, s in zip(part["crime_label"], part["share"], strict=True)
        ]
        total = fmt.number(int(part["total"].iloc[0]))
        label = part["measure_label"].iloc[0].lower()
        parts.append(f"of {total} {label}, {', '.join(said)}")
    period = _period_of(rows)
    when = f", {period}" if period else ""
    alt = f"Horizontal bar chart of each crime's share{when}: {_sentence_list(parts)}."
    return Chart(fig, table, alt, title)


def _per_arrest(rows: pd.DataFrame) -> pd.Series:
    """Persons prosecuted per arrest approved, by crime: the one place the ratio is taken."""
    wide = rows.pivot(index="crime", columns="measure", values="value").astype(float)
    return wide[PROSECUTED] / wide[ARRESTS]


def prosecuted_per_arrest(
    df: pd.DataFrame,
    labels: Mapping[str, str],
    source: str,
    source_labels: Mapping[str, str] | None = None,
) -> Chart:
    """Persons prosecuted per arrest approved, by crime, with the cohort caveat on the chart."""
    rows = _crime_counts(df, labels, source)
    _require_exact(rows, "a ratio")
    wide = rows.pivot(index="crime", columns="measure", values="value")
    crimes = list(dict.fromkeys(rows["crime"]))
    table = pd.DataFrame(
        {
            "crime": crimes,
            "crime_label": [labels[c] for c in crimes],
            ARRESTS: wide.loc[crimes, ARRESTS].to_numpy(),
            PROSECUTED: wide.loc[crimes, PROSECUTED].to_numpy(),
        }
    )
    table["ratio"] = table["crime"].map(_per_arrest(rows))
    periods = rows.drop_duplicates("crime").set_index("crime")
    table.insert(0, "source_id", table["crime"].map(periods["source_id"]))
    table["period_start"] = table["crime"].map(periods["period_start"])
    table["period_end"] = table["crime"].map(periods["period_end"])
    decimals = fmt.DECIMALS["ratio"]
    table["label"] = [fmt.bound_label(r, fmt.EXACT, decimals) for r in table["ratio"]]
    if (table["ratio"] > 1).all():
        title = "Every crime shown has more persons prosecuted than arrests approved"
    else:
        leader = fmt.superlative(dict(zip(table["crime_label"], table["ratio"], strict=True)))
        title = f"{leader} has the most persons prosecuted per arrest approved"
    fig, ax = _figure()
    _bars(
        ax,
        range(len(table)),
        table,
        "ratio",
        height=0.6,
        color=[style.crime_colour(c) for c in table["crime"]],
    )
    ax.set_yticks(range(len(table)), _tick_labels(table))
    ax.set_ylim(len(table) - 0.5, -0.5)
    _value_axis(
        ax,
        table["ratio"],
        "Persons prosecuted per arrest approved",
        lambda v: fmt.number(v, decimals=decimals),
        integer=False,
    )
    ax.axvline(1, color=style.INK, linestyle="--", linewidth=1.2)
    ax.annotate(
        "1 = as many prosecuted as arrested",
        xy=(1, 1),
        xycoords=("data", "axes fraction"),
        xytext=(4, 4),
        textcoords="offset points",
        fontsize=9,
        color=style.INK,
    )
    note = (
        "Note: the two counts are not the same cohort. Persons prosecuted include people who "
        "were never arrested (e.g. released on bail pending trial), so this is not a rate of "
        "arrests ending in prosecution."
    )
    _finish(fig, title, f"{note}\n{_source_text(rows, source_labels, labels)}")
    parts = [
        f"{name} {fmt.number(r, decimals=decimals)} ({fmt.number(int(p))} persons prosecuted, "
        f"{fmt.number(int(a))} arrests approved)"
        for name, r, p, a in zip(
            table["crime_label"], table["ratio"], table[PROSECUTED], table[ARRESTS], strict=True
        )
    ]
    alt = (
        "Horizontal bar chart of persons prosecuted per arrest approved, with a reference line "
        f"at 1: {_sentence_list(parts)}. The two counts are not the same cohort."
    )
    return Chart(fig, table, alt, title)


def crime_in_context(
    df: pd.DataFrame,
    labels: Mapping[str, str],
    crime: str,
    source: str,
    source_labels: Mapping[str, str] | None = None,
) -> Chart:
    """One crime in its colour among the others in grey, for that crime's profile."""
    rows = _crime_counts(df, labels, source)
    if crime not in set(rows["crime"]):
        raise KeyError(f"no arrests or prosecutions for crime {crime!r} in {source}")
    _require_exact(rows, "the share in the title")
    table = _with_shares(_count_table(rows, labels)).assign(
        highlighted=lambda t: t["crime"] == crime
    )
    table["per_arrest"] = table["crime"].map(_per_arrest(rows))
    mine = table[table["highlighted"]]
    said = [
        f"{fmt.percent(s)} of the {MEASURE_NOUNS[m]}"
        for m, s in zip(mine["measure"], mine["share"], strict=True)
    ]
    title = f"{labels[crime]} accounts for {' and '.join(said)}"
    fig, ax = _figure()
    colour = style.crime_colour(crime)
    _grouped_bars(ax, table, "value", lambda c: colour if c == crime else style.NEUTRAL_LIGHT)
    for tick in ax.get_yticklabels():
        if tick.get_text().split("\n")[0] == labels[crime]:
            tick.set_fontweight("bold")
    log = _value_axis(ax, table["value"], _one_unit(rows).capitalize(), _whole)
    _finish(fig, title, _source_text(rows, source_labels, labels))
    alt = _count_alt(
        table,
        f"arrests approved and persons prosecuted by crime, {labels[crime]} highlighted",
        log,
        _period_of(rows),
    )
    return Chart(fig, table, alt, title)


def _spread_table(rows: pd.DataFrame, case_labels: Mapping[str, str]) -> pd.DataFrame:
    """Reads per case, then discussions; each reads row carries its stated window and the
    reads-per-hour it implies (a lower bound when the reads are)."""
    reads = rows[rows["measure"] == READS]
    if reads.empty:
        raise ValueError("no reads for any case in the frame")
    windows = rows[rows["measure"] == WINDOW]
    if not windows.empty and set(windows["unit"]) != {WINDOW_UNIT}:
        raise ValueError(f"reach windows must be in {WINDOW_UNIT}: {set(windows['unit'])}")
    position = {case: i for i, case in enumerate(_ordered(rows["case"], case_labels, "case"))}
    marks = pd.concat([reads, rows[rows["measure"] == DISCUSSIONS]])
    marks = marks.iloc[np.lexsort((marks["case"].map(position), marks["measure"] != READS))]
    table = _count_table(marks, case_labels, key="case").drop(columns="label")
    window_of = dict(zip(windows["case"], windows["value"], strict=True))
    is_reads = table["measure"] == READS
    table["window_hours"] = table["case"].map(window_of).where(is_reads).astype("Int64")
    table["reads_per_hour"] = table["value"].astype(float) / table["window_hours"].astype(float)
    table["reads_per_hour_text"] = [
        _reads_per_hour(r, q) if pd.notna(r) else pd.NA
        for r, q in zip(table["reads_per_hour"], table["qualifier"], strict=True)
    ]
    table["label"] = [
        fmt.bound_label(int(v), q) + (f" {_within(w)}" if pd.notna(w) else "")
        for v, q, w in zip(table["value"], table["qualifier"], table["window_hours"], strict=True)
    ]
    return table


def _within(hours: int) -> str:
    return f"within {fmt.number(int(hours))} {WINDOW_UNIT}"


def online_spread(
    df: pd.DataFrame,
    case_labels: Mapping[str, str],
    source: str,
    source_labels: Mapping[str, str] | None = None,
) -> Chart:
    """Reads per case (with the stated time window) and, in its own panel and unit, discussions."""
    rows = _statements(df, (READS, WINDOW, DISCUSSIONS), source)
    rows = rows[rows["case"].notna()]
    _require_unique(rows, ["measure", "case"])
    table = _spread_table(rows, case_labels)
    is_reads = table["measure"] == READS
    panels = [part for part in (table[is_reads], table[~is_reads]) if not part.empty]
    fig, axes = _figure(
        4.2, nrows=len(panels), squeeze=False, height_ratios=[len(p) for p in panels]
    )
    log = False
    for ax, part, colour in zip(axes[:, 0], panels, (style.NEUTRAL, style.INK), strict=False):
        _bars(ax, range(len(part)), part, "value", height=0.6, color=colour)
        ax.set_yticks(range(len(part)), part["case_label"].tolist())
        ax.set_ylim(len(part) - 0.5, -0.5)
        unit, name = _one_unit(part), part["measure_label"].iloc[0]
        ax.set_title(name if unit == name.lower() else f"{name} ({unit})")
        log |= _value_axis(ax, part["value"], unit.capitalize(), _whole)

    def said(row: pd.Series, rate: bool) -> str:
        window = pd.notna(row["window_hours"])
        text = f"{fmt.number(int(row['value']), row['qualifier'])} {row['unit']}"
        text += f" {_within(row['window_hours'])}" if window else ""
        return text + (f" ({row['reads_per_hour_text']})" if window and rate else "")

    title = "; ".join(f"{r['case_label']}: {said(r, False)}" for _, r in table[is_reads].iterrows())
    _finish(fig, title, _source_text(rows, source_labels))
    described = [f"{r['case_label']} {said(r, True)}" for _, r in table.iterrows()]
    scale = " (reads on a logarithmic scale)" if log else ""
    alt = f"Bar charts{scale} of the online spread of cases: {_sentence_list(described)}."
    return Chart(fig, table, alt, title)


# --- figures over time ----------------------------------------------------------------


def per_year(value: float, start: pd.Timestamp, end: pd.Timestamp) -> float:
    """A count spread evenly over its effective period, per year (both ends counted)."""
    days = (pd.Timestamp(end) - pd.Timestamp(start)).days + 1
    return float(value) / (days / DAYS_PER_YEAR)


def _per_year_shown(rate: float, qualifier: str) -> tuple[float, int]:
    """The rate as printed and its decimals: whole from 10 up; a lower bound's rate is
    rounded down, never up, so that it stays true."""
    decimals = 0 if rate >= 10 else fmt.DECIMALS["ratio"]
    scale = 10**decimals
    if qualifier == fmt.MORE_THAN:
        return math.floor(rate * scale) / scale, decimals
    return float(fmt.rounded(rate, decimals)), decimals


def _per_year_text(shown: float, decimals: int, qualifier: str) -> str:
    return f"{fmt.number(shown, qualifier, decimals)} a year"


def _span_table(rows: pd.DataFrame, labels: Mapping[str, str], row_label) -> pd.DataFrame:
    """One row per figure: what, where from, its effective period and rate per year."""
    rows = rows.sort_values(["scope", "unit", "period_start", "period_end", "source_id"])
    table = pd.DataFrame(
        {
            "figure_id": rows["figure_id"],
            "source_id": rows["source_id"],
            "crime": rows["crime"],
            "crime_label": rows["crime"].map(dict(labels)),
            "measure": rows["measure"],
            "measure_label": _measure_label(rows),
            "scope": rows["scope"],
            "unit": rows["unit"],
            "value": rows["value"],
            "qualifier": rows["qualifier"],
            "period_start": rows["period_start"],
            "period_end": rows["period_end"],
            "stated_start": rows.get("stated_start", rows["period_start"]),
        }
    ).reset_index(drop=True)
    table["period"] = [
        fmt.period(s, e) for s, e in zip(table["period_start"], table["period_end"], strict=True)
    ]
    table["per_year"] = [
        per_year(v, s, e)
        for v, s, e in zip(table["value"], table["period_start"], table["period_end"], strict=True)
    ]
    shown = [
        _per_year_shown(r, q) for r, q in zip(table["per_year"], table["qualifier"], strict=True)
    ]
    table["per_year_shown"] = [value for value, _ in shown]
    table["per_year_text"] = [
        _per_year_text(value, decimals, q)
        for (value, decimals), q in zip(shown, table["qualifier"], strict=True)
    ]
    table["label"] = [
        f"{fmt.bound_label(int(v), q)} · {t}"
        for v, q, t in zip(table["value"], table["qualifier"], table["per_year_text"], strict=True)
    ]
    table["row_label"] = [row_label(row) for row in table.itertuples()]
    return table


def spans(
    df: pd.DataFrame,
    labels: Mapping[str, str],
    *,
    crime: str | None = None,
    source: str | None = None,
    scope_labels: Mapping[str, str] | None = None,
    source_labels: Mapping[str, str] | None = None,
) -> Chart:
    """Each count as a span on a time axis, from its effective start to its end, labelled
    with its value and its rate per year. One panel per scope and unit; a lower bound is
    drawn open (hatched, '≥'); a start moved to the day the offence came into force shows
    the stated part as a dotted outline. No value axis: figures are never summed, stacked
    or joined by a line."""
    rows = _statements(df, None, source)
    rows = rows[rows["case"].isna() & rows["period_start"].notna() & rows["crime"].notna()]
    if crime is not None:
        rows = rows[rows["crime"] == crime]
    if rows.empty:
        raise ValueError(f"no counts with a period for crime={crime!r}, source={source!r}")
    names = {s: _source_name(s, rows, source_labels) for s in dict.fromkeys(rows["source_id"])}
    refs = {
        s: i
        for i, s in enumerate(
            sorted(names, key=lambda s: (rows.loc[rows["source_id"] == s, "period_end"].max(), s)),
            1,
        )
    }

    def row_label(row) -> str:
        what = (
            row.measure_label
            if crime is not None
            else f"{row.crime_label}: {row.measure_label.lower()}"
        )
        return f"{what} [{refs[row.source_id]}]"

    table = _span_table(rows, labels, row_label)
    panels = [part for _, part in table.groupby(["scope", "unit"], sort=False)]
    fig, axes = _figure(
        1.4 + 0.45 * len(table) + 0.5 * len(panels),
        nrows=len(panels),
        squeeze=False,
        sharex=True,
        height_ratios=[len(p) + 0.6 for p in panels],
    )
    for ax, part in zip(axes[:, 0], panels, strict=True):
        _draw_spans(ax, part)
        scope = part["scope"].iloc[0]
        scope_name = (scope_labels or {}).get(scope, scope)
        ax.set_title(f"{part['unit'].iloc[0].capitalize()}, scope: {scope_name}")
    _time_axis(axes[-1, 0], table)
    subject = labels[crime] if crime is not None else "; ".join(names.values())
    title = f"{subject}: each figure over its own period, never summed"
    cited = sorted(names, key=refs.get)
    footer = "Sources: " + "; ".join(f"[{refs[s]}] {names[s]}" for s in cited) + "."
    _finish(fig, title, f"{footer} {_derivation_note(rows, labels)}".strip())
    described = [
        f"{row.row_label.rsplit(' [', 1)[0]}, scope {row.scope}, "
        f"{fmt.number(int(row.value), row.qualifier)} {row.unit} over {row.period} "
        f"({row.per_year_text}; {names[row.source_id]})"
        for row in table.itertuples()
    ]
    alt = (
        f"Time chart of {subject}: each figure a horizontal span over its effective period, "
        f"one panel per scope and unit, no line joining them: {_sentence_list(described)}."
    )
    return Chart(fig, table, alt, title)


def _draw_spans(ax: Axes, part: pd.DataFrame) -> None:
    for y, row in enumerate(part.itertuples()):
        start, end = (
            pd.Timestamp(row.period_start),
            pd.Timestamp(row.period_end) + pd.Timedelta(days=1),
        )
        colour = style.crime_colour(row.crime)
        bound = row.qualifier == fmt.MORE_THAN
        ax.barh(
            y,
            end - start,
            left=start,
            height=0.55,
            color="white" if bound else colour,
            edgecolor=colour,
            hatch="///" if bound else "",
            linewidth=1.2,
        )
        stated = pd.Timestamp(row.stated_start)
        if stated < start:
            ax.barh(
                y,
                start - stated,
                left=stated,
                height=0.55,
                fill=False,
                edgecolor=style.NEUTRAL,
                linestyle=":",
                linewidth=1.2,
            )
        ax.annotate(
            row.label,
            xy=(end, y),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
            color=style.INK,
        )
    ax.set_yticks(range(len(part)), part["row_label"].tolist())
    ax.set_ylim(len(part) - 0.4, -0.6)
    ax.grid(axis="y", visible=False)


def _time_axis(ax: Axes, table: pd.DataFrame) -> None:
    """Whole years, with room on the right for the labels."""
    first = pd.Timestamp(min(table["stated_start"].min(), table["period_start"].min()))
    last = pd.Timestamp(table["period_end"].max())
    left = pd.Timestamp(year=first.year, month=1, day=1)
    right = pd.Timestamp(year=last.year + 1, month=1, day=1)
    span = right - left
    ax.set_xlim(left, right + span * 0.45)
    ax.set_xlabel("Effective period of each figure")
