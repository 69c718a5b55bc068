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
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd
from matplotlib import colors, ticker, transforms
from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Annotation

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
# Measures are told apart by tint (and named at the bars), so hatching can mean one thing:
# a lower bound.
MEASURE_TINT: Mapping[str, float] = MappingProxyType({ARRESTS: 0.45, PROSECUTED: 1.0})

SPLIT_RATIO = 20  # a crime whose largest bar is under 1/20 of the largest goes to its own panel
LARGE_PANEL = "Larger counts"
SMALL_PANEL = "Smaller counts, own scale"
BOUND_HATCH = "///"
BOUND_KEY = "Hatched, open bar: a lower bound (\u201cmore than\u201d, \u2265)"
LINEAR_HEADROOM = 1.05  # room right of the largest bar before its label is measured
LABEL_FONT_SIZE = 9.5
KEY_DROP = 36  # points below the last axis: under its tick labels and axis label
NAME_GID = "measure-name"  # a measure named at its bar (direct label, no legend)
TICK_WRAP = 14  # characters per line of a crime's name beside its bars
DAYS_PER_YEAR = 365.25
HAN = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
HAN_GLOSSED = re.compile(  # "人民日报 (People's Daily)" -> "People's Daily"
    r"[\u2e80-\u9fff]+\s*[(\uff08]([^()\uff08\uff09\u2e80-\u9fff]+)[)\uff09]"
)
HAN_ASIDE = re.compile(r"\s*[(\uff08][^()\uff08\uff09]*[\u2e80-\u9fff][^()\uff08\uff09]*[)\uff09]")


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


def english(text: str) -> str:
    """A name with its Chinese aside dropped ("People's Daily (人民日报)" -> "People's
    Daily"), and any Chinese left after that too: an image description cannot mark a
    language inside it, and the chart's font need not hold the glyphs."""
    kept = HAN.sub("", HAN_ASIDE.sub("", HAN_GLOSSED.sub(r"\1", text)))
    return " ".join(kept.replace("()", "").split()).strip(" ,;:")


def _source_name(
    source_id: str, rows: pd.DataFrame, source_labels: Mapping[str, str] | None
) -> str:
    """Caller's mapping first, then the frame's `source_label` column, then the id itself;
    in English (see `english`), or "a Chinese-language source" if nothing is left."""
    name = source_id
    if source_labels and source_id in source_labels:
        name = source_labels[source_id]
    elif "source_label" in rows.columns:
        named = rows.loc[rows["source_id"] == source_id, "source_label"].dropna()
        if not named.empty:
            name = str(named.iloc[0])
    return english(name) or "a Chinese-language source"


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


def _figure(height: float, **subplots: object) -> tuple[Figure, np.ndarray | Axes]:
    fig = Figure(figsize=(style.FIGURE_WIDTH, height), layout="constrained")
    FigureCanvasAgg(fig)  # a renderer, so labels can be measured before the figure is saved
    return fig, fig.subplots(**subplots)


def _height(rows: int, panels: int = 1) -> float:
    """Inches: the title's lines, then per panel its axis, then a quarter inch per bar."""
    return 0.9 + 0.75 * panels + 0.26 * rows


def _bound_handle() -> Patch:
    return Patch(
        facecolor="white", edgecolor=style.INK, hatch=BOUND_HATCH, linestyle="--", label=BOUND_KEY
    )


def _finish(
    fig: Figure,
    title: str,
    source: str,
    fit: Iterable[Axes] = (),
    keys: Sequence[Patch] = (),
) -> None:
    """Title, key (only for what the chart draws), source line, then every bar label
    brought inside its axis."""
    fig.suptitle(textwrap.fill(title, style.TITLE_WRAP), x=0.01, ha="left")
    if keys:
        last = fig.axes[-1]
        below = transforms.offset_copy(last.transAxes, fig=fig, y=-KEY_DROP, units="points")
        last.legend(
            handles=list(keys),
            loc="upper left",
            bbox_to_anchor=(0, 0),
            bbox_transform=below,
            handlelength=2.2,
            borderaxespad=0,
        )
    style.source_line(fig, source)
    _fit_labels(fig, list(fit))


def _fit_labels(fig: Figure, axes: list[Axes]) -> None:
    """Place each measure's name inside its bar where it fits (else after the bar's value),
    then widen each value axis (from 0) until every label ends inside it: labels are
    measured in the drawn figure, not guessed from their length."""
    if not axes:
        return
    renderer = fig.canvas.get_renderer()
    for _ in range(3):  # names move out as bars shrink; the layout moves with the limits
        fig.draw_without_rendering()
        for ax in axes:
            _place_names(ax, renderer)
        fig.draw_without_rendering()
        for ax in axes:
            _widen(ax, renderer)


def _widen(ax: Axes, renderer) -> None:
    box = ax.get_window_extent(renderer)
    right = ax.get_xlim()[1]
    need = right
    for text in ax.texts:
        if not isinstance(text, Annotation) or text.xycoords != "data":
            continue
        value = float(text.xy[0])
        width = text.get_window_extent(renderer).x1 - (box.x0 + box.width * value / right)
        if 0 < width < box.width:
            need = max(need, box.width * value / (box.width - width) * 1.02)
    ax.set_xlim(0, need)


def _place_names(ax: Axes, renderer) -> None:
    """A measure name too long for its bar moves to the bar's end, after the value."""
    box = ax.get_window_extent(renderer)
    right = ax.get_xlim()[1]
    values = {
        (round(float(t.xy[0]), 9), round(float(t.xy[1]), 9)): t
        for t in ax.texts
        if isinstance(t, Annotation) and t.get_gid() != NAME_GID and t.xycoords == "data"
    }
    for name in [t for t in ax.texts if t.get_gid() == NAME_GID]:
        value, y = name.xy_value
        name.xy, name.xyann = (0, y), (3, 0)  # inside first, as drawn
        name.set_color(name.inside_colour)
        if name.get_window_extent(renderer).width + 6 <= box.width * value / right:
            continue
        label = values[(round(value, 9), round(y, 9))]
        after = label.get_window_extent(renderer).width / renderer.points_to_pixels(1)
        name.xy = (value, y)
        name.xyann = (3 + after + 4, 0)
        name.set_color(style.INK)


def _reads_per_hour(rate: float, qualifier: str) -> str:
    """A lower bound is rounded down, never up, so that it stays true."""
    if qualifier == fmt.MORE_THAN:
        return fmt.rate(math.floor(rate), "hour", "reads", qualifier)
    return fmt.rate(rate, "hour", "reads", decimals=0)


def _whole(value: float) -> str:
    return fmt.number(round(value))


def _value_axis(
    ax: Axes, values: pd.Series, label: str, tick: Callable[[float], str], integer: bool = True
) -> None:
    """Linear, from zero: a bar's length is its value. Ticks written out (1,000)."""
    ax.set_xscale("linear")
    ax.set_xlim(0, max(float(values.max()), 0) * LINEAR_HEADROOM or 1)
    ax.xaxis.set_major_locator(ticker.MaxNLocator(nbins=3, steps=[1, 2, 5, 10], integer=integer))
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _pos: tick(v)))
    ax.set_xlabel(label)
    ax.grid(axis="y", visible=False)


def _tint(colour: str, strength: float) -> tuple[float, float, float]:
    """The colour mixed with white: a lighter shade of the same hue."""
    return tuple(1 - strength * (1 - c) for c in colors.to_rgb(colour))


def _is_bound(part: pd.DataFrame) -> list[bool]:
    if "qualifier" not in part.columns:
        return [False] * len(part)
    return (part["qualifier"] == fmt.MORE_THAN).tolist()


def _bars(
    ax: Axes,
    y: Sequence[float],
    part: pd.DataFrame,
    values: str,
    colours: Sequence[object],
    height: float,
    texts: Sequence[str] | None = None,
) -> BarContainer:
    """Solid bars; a lower bound hatched and dashed, open (white) inside."""
    bound = _is_bound(part)
    bars = ax.barh(
        y,
        part[values].astype(float).to_numpy(),
        height=height,
        color=["white" if b else c for b, c in zip(bound, colours, strict=True)],
        edgecolor=list(colours),
        linewidth=0.8,
    )
    for bar, is_bound in zip(bars, bound, strict=True):
        if is_bound:
            bar.set_hatch(BOUND_HATCH)
            bar.set_linestyle("--")
    shown = part["label"].tolist() if texts is None else list(texts)
    ax.bar_label(bars, labels=shown, padding=3, fontsize=LABEL_FONT_SIZE, color=style.INK)
    return bars


def _keys(table: pd.DataFrame) -> list[Patch]:
    """The lower-bound key, only when the chart draws a lower bound."""
    return [_bound_handle()] if any(_is_bound(table)) else []


def _grouped_bars(
    ax: Axes,
    table: pd.DataFrame,
    values: str,
    colour_of: Callable[[str], str],
    names: Mapping[str, str],
    named: Callable[[str], str],
) -> None:
    """One group per crime, one bar per measure, told apart by tint and named directly at
    the bars of the first group (`named(measure)`), so no legend is needed."""
    crimes = list(dict.fromkeys(table["crime"]))
    measures = list(dict.fromkeys(table["measure"]))
    slot = {crime: i for i, crime in enumerate(crimes)}
    height = 0.8 / len(measures)
    for k, measure in enumerate(measures):
        part = table[table["measure"] == measure]
        offset = (k - (len(measures) - 1) / 2) * height
        y = part["crime"].map(slot).to_numpy() + offset
        colours = [_tint(colour_of(crime), MEASURE_TINT[measure]) for crime in part["crime"]]
        bars = _bars(ax, y, part, values, colours, height)
        first = part.index[part["crime"] == crimes[0]]
        for bar, index in zip(bars, part.index, strict=True):
            if index in first:
                _measure_name(ax, bar, named(part.at[index, "measure_label"].lower()))
    ax.set_yticks(range(len(crimes)), [names[c] for c in crimes])
    ax.set_ylim(len(crimes) - 0.5, -0.5)  # first crime on top


def _measure_name(ax: Axes, bar: Rectangle, text: str) -> None:
    """The measure's name inside the start of its bar, in a colour that reads on it."""
    red, green, blue, _ = bar.get_facecolor()
    dark = 0.2126 * red + 0.7152 * green + 0.0722 * blue < 0.5
    y = bar.get_y() + bar.get_height() / 2
    name = ax.annotate(
        text,
        xy=(0, y),
        xytext=(3, 0),
        textcoords="offset points",
        va="center",
        ha="left",
        fontsize=LABEL_FONT_SIZE,
        color="white" if dark else style.INK,
        gid=NAME_GID,
    )
    name.xy_value = (float(bar.get_width()), y)
    name.inside_colour = name.get_color()


def _tick_labels(table: pd.DataFrame) -> list[str]:
    """Crime labels, with the effective period of any crime whose period is not the most
    common one (a count over a shorter period must not pass for one over the same)."""
    names = [textwrap.fill(label, TICK_WRAP) for label in table["crime_label"]]
    if "period_start" not in table.columns or table["period_start"].isna().all():
        return names
    periods = list(zip(table["period_start"], table["period_end"], strict=True))
    usual = max(sorted(set(periods)), key=periods.count)
    return [
        name
        if period == usual
        else f"{name}\n" + textwrap.fill(f"({fmt.period(*period)})", TICK_WRAP)
        for name, period in zip(names, periods, strict=True)
    ]


def _split(table: pd.DataFrame, values: str, key: str = "crime") -> list[list[str]]:
    """Crimes by panel: those whose largest bar is at least 1/SPLIT_RATIO of the largest
    in their panel, then the rest on their own scale, and so on, so no bar is too short
    to read beside the others. Decided from the values, whatever the crimes."""
    top = table.groupby(key, sort=False)[values].max().astype(float)
    groups = []
    while not top.empty:
        keep = top >= top.max() / SPLIT_RATIO if top.max() > 0 else top == top
        groups.append(list(top.index[keep]))
        top = top[~keep]
    return groups


def _panels(
    table: pd.DataFrame, values: str, key: str = "crime"
) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """The table in drawing order with its panel's number and title (empty when there
    is one panel), and its part per panel."""
    groups = _split(table, values, key)
    titles = [""] if len(groups) == 1 else [LARGE_PANEL] + [SMALL_PANEL] * (len(groups) - 1)
    parts = [
        table[table[key].isin(group)].assign(panel=title, panel_number=number)
        for number, (group, title) in enumerate(zip(groups, titles, strict=True), 1)
    ]
    return pd.concat(parts, ignore_index=True), parts


def _panel_axes(parts: list[pd.DataFrame], bars_of: Callable[[pd.DataFrame], int]) -> tuple:
    rows = [bars_of(part) for part in parts]
    fig, axes = _figure(
        _height(sum(rows), len(parts)),
        nrows=len(parts),
        squeeze=False,
        height_ratios=[n + 1.5 for n in rows],
    )
    for ax, part in zip(axes[:, 0], parts, strict=True):
        if part["panel"].iloc[0]:
            ax.set_title(part["panel"].iloc[0], fontweight="bold")
    return fig, list(axes[:, 0])


def _count_chart(
    table: pd.DataFrame,
    rows: pd.DataFrame,
    colour_of: Callable[[str], str],
    named: Callable[[str], str] = str,
) -> tuple[Figure, pd.DataFrame, list[Axes]]:
    """Grouped count bars, in two panels when one crime dwarfs the others."""
    names = dict(zip(table["crime"], _tick_labels(table), strict=True))
    table, parts = _panels(table, "value")
    fig, axes = _panel_axes(parts, len)
    for ax, part in zip(axes, parts, strict=True):
        _grouped_bars(ax, part, "value", colour_of, names, named)
        _value_axis(ax, part["value"], _one_unit(rows).capitalize(), _whole)
    return fig, table, axes


def _panel_note(table: pd.DataFrame) -> str:
    """For the alt text: which crimes stand in the own-scale panel."""
    small = table.loc[table["panel"] == SMALL_PANEL, "crime_label"]
    if small.empty:
        return ""
    names = list(dict.fromkeys(small))
    listed = _sentence_list(names).replace("; and", " and").replace(";", ",")
    verb, whose = ("is", "its") if len(names) == 1 else ("are", "their")
    return f" {listed} {verb} drawn in a second panel on {whose} own scale (smaller counts)."


def _count_alt(table: pd.DataFrame, what: str, period: str | None) -> str:
    """'Insult and defamation: 168 arrests approved and 213 persons prosecuted; ...', with
    the periods of the crimes where they differ."""
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
    text = f"Horizontal bar chart of {what}{when}: {_sentence_list(parts)}.{_panel_note(table)}"
    return f"{text}{differ}".rstrip()


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
    fig, table, axes = _count_chart(table, rows, style.crime_colour)
    _finish(fig, title, _source_text(rows, source_labels, labels), axes, _keys(table))
    alt = _count_alt(table, "arrests approved and persons prosecuted by crime", _period_of(rows))
    return Chart(fig, table, alt, title)


def shares(
    df: pd.DataFrame,
    labels: Mapping[str, str],
    source: str,
    source_labels: Mapping[str, str] | None = None,
) -> Chart:
    """Each crime's share of all arrests and of all prosecutions, on one 0–100 % axis:
    a share's scale is the whole, so it is never split into panels."""
    rows = _crime_counts(df, labels, source)
    _require_exact(rows, "a share")
    table = _with_shares(_count_table(rows, labels)).assign(panel="", panel_number=1)
    table["label"] = table["share"].map(fmt.percent)
    title = _leader_title(table, fmt.percent)
    fig, ax = _figure(_height(len(table)))
    names = dict(zip(table["crime"], _tick_labels(table), strict=True))
    _grouped_bars(ax, table, "share", style.crime_colour, names, lambda m: f"of {m}")
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_locator(ticker.FixedLocator([0, 0.25, 0.5, 0.75, 1]))
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _pos: fmt.percent(v, 0)))
    ax.set_xlabel("Share of the total over the crimes shown")
    ax.grid(axis="y", visible=False)
    _finish(fig, title, _source_text(rows, source_labels, labels), [ax])
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
    names = dict(zip(table["crime"], _tick_labels(table), strict=True))
    table, parts = _panels(table, "ratio")
    fig, axes = _panel_axes(parts, lambda part: 2 * len(part))  # room for wrapped names
    for ax, part in zip(axes, parts, strict=True):
        colours = [style.crime_colour(c) for c in part["crime"]]
        _bars(ax, range(len(part)), part, "ratio", colours, 0.6)
        ax.set_yticks(range(len(part)), [names[c] for c in part["crime"]])
        ax.set_ylim(len(part) - 0.5, -0.5)
        _value_axis(
            ax,
            pd.concat([part["ratio"], pd.Series([1.0])]),
            "Persons prosecuted per arrest approved",
            lambda v: fmt.number(v, decimals=decimals),
            integer=False,
        )
        ax.axvline(1, color=style.INK, linestyle="--", linewidth=1.2)
    axes[0].annotate(
        "1 = as many prosecuted as arrested",
        xy=(1, 1),
        xycoords=("data", "axes fraction"),
        xytext=(4, 4),
        textcoords="offset points",
        fontsize=style.MIN_FONT_SIZE,
        color=style.INK,
    )
    note = (
        "Note: the two counts are not the same cohort. Persons prosecuted include people who "
        "were never arrested (e.g. released on bail pending trial), so this is not a rate of "
        "arrests ending in prosecution."
    )
    _finish(fig, title, f"{note}\n{_source_text(rows, source_labels, labels)}", axes)
    parts_said = [
        f"{name} {fmt.number(r, decimals=decimals)} ({fmt.number(int(p))} persons prosecuted, "
        f"{fmt.number(int(a))} arrests approved)"
        for name, r, p, a in zip(
            table["crime_label"], table["ratio"], table[PROSECUTED], table[ARRESTS], strict=True
        )
    ]
    alt = (
        "Horizontal bar chart of persons prosecuted per arrest approved, with a reference line "
        f"at 1: {_sentence_list(parts_said)}. The two counts are not the same cohort."
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
    colour = style.crime_colour(crime)
    fig, table, axes = _count_chart(
        table, rows, lambda c: colour if c == crime else style.NEUTRAL_LIGHT
    )
    name = textwrap.fill(labels[crime], TICK_WRAP)
    for ax in axes:
        for tick in ax.get_yticklabels():
            if tick.get_text() == name or tick.get_text().startswith(f"{name}\n("):
                tick.set_fontweight("bold")
    _finish(fig, title, _source_text(rows, source_labels, labels), axes, _keys(table))
    alt = _count_alt(
        table,
        f"arrests approved and persons prosecuted by crime, {labels[crime]} highlighted",
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
    table["counted"] = [_counted(row) for row in table.itertuples()]
    table["over"] = [_within(w) if pd.notna(w) else NO_PERIOD for w in table["window_hours"]]
    table["lower_bound"] = table["qualifier"] == fmt.MORE_THAN
    return table


NO_PERIOD = "period not stated"


def _counted(row) -> str:
    """'more than 130,000 reads', '58,000 person-times (discussions)'."""
    what = f"{fmt.number(int(row.value), row.qualifier)} {row.unit}"
    name = row.measure_label.lower()
    return what if name == row.unit else f"{what} ({name})"


def _within(hours: int) -> str:
    return f"within {fmt.number(int(hours))} {WINDOW_UNIT}"


def _fact_detail(row) -> str:
    """Over what period it was counted, whether it is a lower bound, and the rate."""
    parts = [f"Counted {row.over}." if row.over != NO_PERIOD else "Period not stated."]
    if row.lower_bound:
        parts.append("A lower bound: the source says \u201cmore than\u201d.")
    if pd.notna(row.reads_per_hour_text):
        parts.append(f"That is {row.reads_per_hour_text}.")
    return " ".join(parts)


def _spread_title(table: pd.DataFrame) -> str:
    """The fastest stated spread, from the rates the table holds; or, without any window,
    what was counted, with no comparison across unknown periods."""
    rated = table[table["reads_per_hour"].notna()]
    if rated.empty:
        cases = _sentence_list(list(dict.fromkeys(table["case_label"])))
        return f"Reads reported for {cases.replace('; and', ' and')}, over no stated period"
    fastest = fmt.superlative(dict(zip(rated["case_label"], rated["reads_per_hour"], strict=True)))
    row = rated[rated["case_label"] == fastest].iloc[0]
    lead = f"{fastest} spread fastest" if len(rated) > 1 else f"{fastest} reached"
    text = f"{fmt.number(int(row['value']), row['qualifier'])} reads {_within(row['window_hours'])}"
    if len(rated) > 1:
        return f"{lead}: {text}, {row['reads_per_hour_text']}"
    return f"{lead} {text}, {row['reads_per_hour_text']}"


def online_spread(
    df: pd.DataFrame,
    case_labels: Mapping[str, str],
    source: str,
    source_labels: Mapping[str, str] | None = None,
) -> Chart:
    """A fact panel, not bars: per case, what was counted, over what window, and whether it
    is a lower bound. Reads within hours, reads over no stated period and discussions in
    person-times are different quantities, so none shares an axis with another."""
    rows = _statements(df, (READS, WINDOW, DISCUSSIONS), source)
    rows = rows[rows["case"].notna()]
    _require_unique(rows, ["measure", "case"])
    table = _spread_table(rows, case_labels)
    fig, ax = _figure(0.8 + 0.85 * len(table))
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(len(table), 0)
    for y, row in enumerate(table.itertuples()):
        ax.text(0, y + 0.02, row.case_label, fontsize=10, color=style.INK, va="top")
        ax.annotate(
            row.counted,
            xy=(0, y),
            xytext=(0, -13),
            textcoords="offset points",
            va="top",
            fontsize=12,
            fontweight="bold",
            color=style.NEUTRAL if row.lower_bound else style.INK,
        )
        ax.annotate(
            textwrap.fill(_fact_detail(row), style.SOURCE_WRAP),
            xy=(0, y),
            xytext=(0, -29),
            textcoords="offset points",
            va="top",
            fontsize=style.MIN_FONT_SIZE,
            color=style.INK,
        )
    title = _spread_title(table)
    _finish(fig, title, _source_text(rows, source_labels))
    described = [f"{r.case_label}, {r.counted}, {r.over}" for r in table.itertuples()]
    rates = [
        f"{r.case_label}: {r.reads_per_hour_text}"
        for r in table.itertuples()
        if pd.notna(r.reads_per_hour_text)
    ]
    rate_text = f" Implied rate: {_sentence_list(rates)}." if rates else ""
    alt = (
        "Fact panel of the online spread of cases, each with what was counted and over what "
        f"period: {_sentence_list(described)}.{rate_text}"
    )
    return Chart(fig, table, alt, title)


# --- figures over time ----------------------------------------------------------------


def _years(start: pd.Timestamp, end: pd.Timestamp) -> float:
    """The period's length in years: whole calendar years count as such (a 2020 count is
    that year's, leap day or not); any other period by its days (both ends counted)."""
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return end.year - start.year + 1
    return ((end - start).days + 1) / DAYS_PER_YEAR


def per_year(value: float, start: pd.Timestamp, end: pd.Timestamp) -> float:
    """A count spread evenly over its effective period, per year."""
    return float(value) / _years(pd.Timestamp(start), pd.Timestamp(end))


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
    lines = sum(len(_span_text(row).split("\n")) for row in table.itertuples())
    fig, axes = _figure(
        1.3 + 0.3 * len(table) + 0.17 * lines + 0.45 * len(panels),
        nrows=len(panels),
        squeeze=False,
        sharex=True,
        height_ratios=[len(p) + 0.3 for p in panels],
    )
    for ax, part in zip(axes[:, 0], panels, strict=True):
        _draw_spans(ax, part)
        scope = part["scope"].iloc[0]
        scope_name = (scope_labels or {}).get(scope, scope)
        ax.set_title(f"{part['unit'].iloc[0].capitalize()}, scope: {scope_name}")
    _time_axis(axes[-1, 0], table)
    subject = labels[crime] if crime is not None else "; ".join(names.values())
    count, releases = len(table), table["source_id"].nunique()
    title = (
        f"{subject}: {count} figure{'s' if count > 1 else ''} from {releases} "
        f"release{'s' if releases > 1 else ''}, each over its own period"
    )
    cited = sorted(names, key=refs.get)
    footer = "Sources: " + "; ".join(f"[{refs[s]}] {names[s]}" for s in cited) + "."
    keys = _keys(table)
    if (pd.to_datetime(table["stated_start"]) < pd.to_datetime(table["period_start"])).any():
        keys.append(Patch(fill=False, edgecolor=style.NEUTRAL, linestyle=":", label=STATED_KEY))
    _finish(fig, title, f"{footer} {_derivation_note(rows, labels)}".strip(), keys=keys)
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


STATED_KEY = "Dotted: the stated period before the offence existed"


def _span_text(row) -> str:
    """What the row is, its count, its period and its rate, above its span."""
    text = f"{row.row_label}: {row.label}, {row.period}"
    return textwrap.fill(text, style.SOURCE_WRAP)


def _draw_spans(ax: Axes, part: pd.DataFrame) -> None:
    """Each figure a bar over its period, with its text above it across the whole width
    (a narrow figure has no room for labels beside the bars)."""
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
            height=0.3,
            color="white" if bound else colour,
            edgecolor=colour,
            hatch=BOUND_HATCH if bound else "",
            linestyle="--" if bound else "-",
            linewidth=1.2,
        )
        stated = pd.Timestamp(row.stated_start)
        if stated < start:
            ax.barh(
                y,
                start - stated,
                left=stated,
                height=0.3,
                fill=False,
                edgecolor=style.NEUTRAL,
                linestyle=":",
                linewidth=1.2,
            )
        ax.annotate(
            _span_text(row),
            xy=(0, y),
            xycoords=("axes fraction", "data"),
            xytext=(0, 7),
            textcoords="offset points",
            va="bottom",
            fontsize=style.MIN_FONT_SIZE,
            color=style.INK,
        )
    ax.set_yticks([])
    ax.set_ylim(len(part) - 0.5, -1.0)
    ax.grid(axis="y", visible=False)


def _time_axis(ax: Axes, table: pd.DataFrame) -> None:
    """Whole years, from the first stated start to the end of the last period."""
    first = pd.Timestamp(min(table["stated_start"].min(), table["period_start"].min()))
    last = pd.Timestamp(table["period_end"].max())
    left = pd.Timestamp(year=first.year, month=1, day=1)
    right = pd.Timestamp(year=last.year + 1, month=1, day=1)
    ax.set_xlim(left, right)
    step = max(1, math.ceil((right.year - left.year) / 5))  # at most about five labels
    ax.xaxis.set_major_locator(mdates.YearLocator(base=step))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set_xlabel("Effective period of each figure")
