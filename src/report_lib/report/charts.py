"""The report's charts. Each returns its figure together with the exact numbers it plots,
so the build can save them and the narrative check can hold prose to them.

Rows are chosen by release (source id), scope, measure, crime and case codes: releases
are equals, and a chart draws on the one its caller names. Labels, source names and every
number come from the arguments and the frame. Comparisons use each figure's effective
period (`period_start`, `period_end`), which never starts before its offence existed.
Figures are built with `Figure` rather than pyplot, so no chart leaves state behind or is
shown twice in a notebook.
Table rows are in drawing order: bar containers first to last, bars top to bottom.

Every chart is drawn in English or Chinese (`lang`): its words come from the `charts`
message catalog (report_lib/locale), its numbers from `fmt` in that language, and its
table is the same in both but for the text columns (`TEXT_COLUMNS`), so the two
versions of a report plot the same figures.
"""

from __future__ import annotations

import functools
import io
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

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

from report_lib import language
from report_lib.language import N_
from report_lib.report import fmt, style

ALL_SCOPE = "all"
ARRESTS = "arrests_approved"
PROSECUTED = "persons_prosecuted"
READS = "reads"
WINDOW = "reach_window"
DISCUSSIONS = "discussions"
WINDOW_UNIT = "hours"
COUNT_MEASURES = (ARRESTS, PROSECUTED)

# The chart's own nouns for the counts it compares (translated where shown).
MEASURE_NOUNS: Mapping[str, str] = MappingProxyType(
    {ARRESTS: N_("arrests"), PROSECUTED: N_("prosecutions")}
)
# fmt.share_phrase's words, translated where a Chinese title shows them.
SHARE_PHRASES = (
    N_("all"),
    N_("almost all"),
    N_("most"),
    N_("about half"),
    N_("a minority"),
    N_("very few"),
    N_("none"),
)
# Measures are told apart by tint (and named at the bars), so hatching can mean one thing:
# a lower bound.
MEASURE_TINT: Mapping[str, float] = MappingProxyType({ARRESTS: 0.45, PROSECUTED: 1.0})

SPLIT_RATIO = 20  # a crime whose largest bar is under 1/20 of the largest goes to its own panel
LARGE_PANEL = N_("Larger counts")
SMALL_PANEL = N_("Smaller counts, own scale")
BOUND_HATCH = "///"
BOUND_KEY = N_("Hatched, open bar: a lower bound (\u201cmore than\u201d, \u2265)")
STATED_KEY = N_("Dotted: the stated period before the offence existed")
NO_PERIOD = N_("period not stated")
LINEAR_HEADROOM = 1.05  # room right of the largest bar before its label is measured
LABEL_FONT_SIZE = 9.5
KEY_DROP = 36  # points below the last axis: under its tick labels and axis label
NAME_GID = "measure-name"  # a measure named at its bar (direct label, no legend)
# Half-ems per line of a crime's name beside its bars: Chinese names are longer and may
# break anywhere, so they get nine characters ("侵犯公民个人信息罪") where English gets 14.
TICK_WRAP: Mapping[str, int] = MappingProxyType({"en": 14, "zh": 18})
DAYS_PER_YEAR = 365.25
# Inches of a time chart's height per line of its span texts: Chinese lines are spaced
# wider (style.ZH_LINE_SPACING).
SPAN_LINE: Mapping[str, float] = MappingProxyType({"en": 0.17, "zh": 0.22})
HAN = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
HAN_GLOSSED = re.compile(  # "人民日报 (People's Daily)" -> "People's Daily"
    r"[\u2e80-\u9fff]+\s*[(\uff08]([^()\uff08\uff09\u2e80-\u9fff]+)[)\uff09]"
)
HAN_ASIDE = re.compile(r"\s*[(\uff08][^()\uff08\uff09]*[\u2e80-\u9fff][^()\uff08\uff09]*[)\uff09]")
# Table columns of words, which differ between languages; every other column (codes,
# values, shares, periods, panel numbers) is the same in both.
TEXT_COLUMNS = frozenset(
    {
        "crime_label",
        "case_label",
        "measure_label",
        "label",
        "panel",
        "counted",
        "over",
        "reads_per_hour_text",
        "period",
        "per_year_text",
        "row_label",
    }
)


@dataclass(frozen=True, eq=False)
class Chart:
    """A figure with the exact numbers it shows (one table row per mark)."""

    figure: Figure
    table: pd.DataFrame
    alt_text: str
    title: str
    lang: str = language.DEFAULT


def svg(chart: Chart) -> bytes:
    """The chart as SVG in its language's fonts, its text kept as text (selectable in the
    PDF); a glyph missing from the fonts is an error, not an empty box."""
    buffer = io.BytesIO()
    with style.drawing(chart.lang):
        chart.figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buffer.getvalue()


@dataclass(frozen=True)
class _Words:
    """A chart's language: how it joins words, and what it calls measures and units.
    English may read measures from the frame and units from their codes; Chinese must be
    told."""

    lang: str
    measures: Mapping[str, str] | None = None
    units: Mapping[str, str] | None = None

    @property
    def zh(self) -> bool:
        return self.lang == "zh"

    def measure(self, rows: pd.DataFrame) -> pd.Series:
        """Each row's measure as a chart names it ('Arrests approved', '批准逮捕')."""
        if self.measures is None:
            if self.zh:
                raise KeyError("a Chinese chart needs measure_labels (in Chinese)")
            return rows["measure_label"].str.capitalize()
        missing = sorted(set(rows["measure"]) - set(self.measures))
        if missing:
            raise KeyError(f"no {self.lang} label for measure(s) {missing}")
        return rows["measure"].map(dict(self.measures)).str.capitalize()

    def unit(self, code: str) -> str:
        """A unit as a chart writes it after a number ('persons', '人')."""
        if self.units is None:
            if self.zh:
                raise KeyError("a Chinese chart needs unit_labels (in Chinese)")
            return code
        if code not in self.units:
            raise KeyError(f"no {self.lang} label for unit {code!r}")
        return self.units[code]

    def amount(self, value: float, qualifier: str, unit: str, decimals: int | None = None) -> str:
        """'more than 6,000 persons' / '6000余人': a count with its unit."""
        number = fmt.number(value, qualifier, decimals, lang=self.lang)
        return f"{number}{self.unit(unit)}" if self.zh else f"{number} {self.unit(unit)}"

    def bare(self, value: float, qualifier: str, unit: str, decimals: int | None = None) -> str:
        """A count as a label beside others of its kind: English leaves out the unit,
        Chinese keeps it (a number with 余 or 万 reads as a count only with its word)."""
        if self.zh:
            return self.amount(value, qualifier, unit, decimals)
        return fmt.number(value, qualifier, decimals)

    def sentences(self, *parts: str) -> str:
        """Sentences run on: with a space in English, none in Chinese."""
        return ("" if self.zh else " ").join(p for p in parts if p).strip()

    def both(self, parts: Sequence[str]) -> str:
        """'a and b' / 'a和b'; three or more as 'a、b和c' in Chinese."""
        if not self.zh:
            return " and ".join(parts)
        return "和".join(["、".join(parts[:-1]), parts[-1]]) if len(parts) > 1 else "".join(parts)

    def listing(self, parts: Sequence[str]) -> str:
        """A list of clauses: 'a; b; and c' / 'a；b；c'."""
        if self.zh:
            return "；".join(parts)
        return _sentence_list(parts)

    def semicolon(self, parts: Iterable[str]) -> str:
        return ("；" if self.zh else "; ").join(parts)


def _drawn(function: Callable[..., Chart]) -> Callable[..., Chart]:
    """A chart function in a language: the language checked, the figure built in its fonts
    with a missing glyph an error, and the chart marked with the language for saving."""

    @functools.wraps(function)
    def chart(*args, lang: str = language.DEFAULT, **kwargs) -> Chart:
        with style.drawing(language.check(lang)):
            made = function(*args, lang=lang, **kwargs)
        return Chart(made.figure, made.table, made.alt_text, made.title, lang)

    return chart


def _messages(lang: str) -> Callable[[str], str]:
    return language.gettext(lang, "charts")


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


def _count_table(
    rows: pd.DataFrame, labels: Mapping[str, str], words: _Words, key: str = "crime"
) -> pd.DataFrame:
    """One row per mark: what it is (crime or case), its measure, value, effective period
    and bar label."""
    table = pd.DataFrame(
        {
            "source_id": rows["source_id"],
            key: rows[key],
            f"{key}_label": rows[key].map(dict(labels)),
            "measure": rows["measure"],
            "measure_label": words.measure(rows),
            "value": rows["value"],
            "qualifier": rows["qualifier"],
            "unit": rows["unit"],
            "period_start": rows["period_start"],
            "period_end": rows["period_end"],
        }
    ).reset_index(drop=True)
    table["label"] = [
        fmt.bound_label(int(v), q, lang=words.lang)
        for v, q in zip(table["value"], table["qualifier"], strict=True)
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
    Daily"), and any Chinese left after that too: an English image description cannot
    mark a language inside it."""
    kept = HAN.sub("", HAN_ASIDE.sub("", HAN_GLOSSED.sub(r"\1", text)))
    return " ".join(kept.replace("()", "").split()).strip(" ,;:")


def _source_name(
    source_id: str, rows: pd.DataFrame, source_labels: Mapping[str, str] | None, lang: str
) -> str:
    """Caller's mapping first, then the frame's `source_label` column, then the id itself;
    in English (see `english`), or "a Chinese-language source" if nothing is left. A
    Chinese chart takes the caller's (Chinese) name or the id, never an English title."""
    name = source_id
    if source_labels and source_id in source_labels:
        name = source_labels[source_id]
    elif "source_label" in rows.columns and lang != "zh":
        named = rows.loc[rows["source_id"] == source_id, "source_label"].dropna()
        if not named.empty:
            name = str(named.iloc[0])
    if lang == "zh":
        return name
    return english(name) or "a Chinese-language source"


def _period_of(rows: pd.DataFrame, lang: str) -> str | None:
    periods = rows[["period_start", "period_end"]].drop_duplicates()
    if len(periods) != 1:
        return None
    start, end = periods.iloc[0]
    return None if pd.isna(start) else fmt.period(start, end, lang)


def _derived(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows whose effective start was moved to the day their offence came into force."""
    if "stated_start" not in rows.columns:
        return rows.iloc[0:0]
    moved = rows["stated_start"].notna() & (rows["stated_start"] != rows["period_start"])
    return rows[moved]


def _derivation_note(rows: pd.DataFrame, words: _Words, labels: Mapping[str, str] | None) -> str:
    """Why a crime's counts cover less than the source says, one sentence per crime."""
    _ = _messages(words.lang)
    notes = []
    for crime, part in _derived(rows).groupby("crime", sort=False):
        first = part.iloc[0]
        stated = fmt.period(first["stated_start"], None, words.lang)
        notes.append(
            _(
                "{crime} counted from {day}, when its offence came into force; the source "
                "says from {stated} (an inference from the law, not a statement of the source)."
            ).format(
                crime=(labels or {}).get(crime, crime),
                day=fmt.day(first["period_start"], words.lang),
                stated=stated.removeprefix("from ").removesuffix("起"),
            )
        )
    return words.sentences(*notes)


def _periods_text(rows: pd.DataFrame, words: _Words, labels: Mapping[str, str] | None) -> str:
    """'Period: ….', or each crime's period where they differ, with why one is shorter."""
    _ = _messages(words.lang)
    period = _period_of(rows, words.lang)
    if period:
        text = _("Period: {period}.").format(period=period)
    else:
        parts = []
        for (start, end), part in rows.groupby(["period_start", "period_end"], sort=True):
            names = [(labels or {}).get(c, c) for c in dict.fromkeys(part["crime"].dropna())]
            parts.append(
                _("{period} ({names})").format(
                    period=fmt.period(start, end, words.lang),
                    names=("、" if words.zh else ", ").join(names),
                )
            )
        text = _("Periods: {periods}.").format(periods=words.semicolon(parts)) if parts else ""
    return words.sentences(text, _derivation_note(rows, words, labels))


def _source_text(
    rows: pd.DataFrame,
    words: _Words,
    source_labels: Mapping[str, str] | None,
    labels: Mapping[str, str] | None = None,
) -> str:
    _ = _messages(words.lang)
    names = [
        _source_name(s, rows, source_labels, words.lang) for s in dict.fromkeys(rows["source_id"])
    ]
    said = words.semicolon(names)
    text = (_("Source: {names}.") if len(names) == 1 else _("Sources: {names}.")).format(names=said)
    return words.sentences(text, _periods_text(rows, words, labels))


def _sentence_list(parts: Sequence[str]) -> str:
    if len(parts) < 2:
        return "".join(parts)
    return f"{'; '.join(parts[:-1])}; and {parts[-1]}"


def _share_words(share: float, lang: str) -> str:
    """fmt.share_phrase in the chart's language."""
    phrase = fmt.share_phrase(share)
    return phrase if lang == language.DEFAULT else _messages(lang)(phrase)


def _shares_of(said: Mapping[str, str], words: _Words) -> list[str]:
    """'68.1% of the arrests' / '批准逮捕人数的68.1%', measure by measure."""
    _ = _messages(words.lang)
    return [
        _("{share} of the {measure}").format(share=share, measure=_(MEASURE_NOUNS[m]))
        for m, share in said.items()
    ]


def _leader_title(table: pd.DataFrame, say: Callable[[float], str], words: _Words) -> str:
    """The crime with the largest share, in words computed from the shares themselves."""
    _ = _messages(words.lang)
    leaders, said = {}, {}
    for measure, part in table.groupby("measure", sort=False):
        leaders[measure] = fmt.superlative(
            dict(zip(part["crime_label"], part["share"], strict=True))
        )
        said[measure] = say(
            float(part.loc[part["crime_label"] == leaders[measure], "share"].iloc[0])
        )
    if len(set(leaders.values())) > 1:
        return words.semicolon(
            _("{leader} has the most {measure}").format(
                leader=leaders[m], measure=_(MEASURE_NOUNS[m])
            )
            for m in leaders
        )
    leader = next(iter(leaders.values()))
    if len(set(said.values())) == 1:
        return _("{leader} accounts for {share} of the {measures}").format(
            leader=leader,
            share=next(iter(said.values())),
            measures=words.both([_(MEASURE_NOUNS[m]) for m in leaders]),
        )
    return _("{leader} accounts for {shares}").format(
        leader=leader, shares=words.both(_shares_of(said, words))
    )


# --- drawing --------------------------------------------------------------------------


def _figure(height: float, **subplots: object) -> tuple[Figure, np.ndarray | Axes]:
    fig = Figure(figsize=(style.FIGURE_WIDTH, height), layout="constrained")
    FigureCanvasAgg(fig)  # a renderer, so labels can be measured before the figure is saved
    return fig, fig.subplots(**subplots)


def _height(rows: int, panels: int = 1) -> float:
    """Inches: the title's lines, then per panel its axis, then a quarter inch per bar."""
    return 0.9 + 0.75 * panels + 0.26 * rows


def _bound_handle(lang: str) -> Patch:
    return Patch(
        facecolor="white",
        edgecolor=style.INK,
        hatch=BOUND_HATCH,
        linestyle="--",
        label=_messages(lang)(BOUND_KEY),
    )


def _finish(
    fig: Figure,
    title: str,
    source: str,
    lang: str,
    fit: Iterable[Axes] = (),
    keys: Sequence[Patch] = (),
) -> None:
    """Title, key (only for what the chart draws), source line, then every bar label
    brought inside its axis."""
    fig.suptitle(
        style.wrap(title, style.TITLE_WRAP[lang], lang),
        x=0.01,
        ha="left",
        **style.spacing(lang),
    )
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
    style.source_line(fig, source, lang)
    _fit_labels(fig, list(fit))


def _fit_labels(fig: Figure, axes: list[Axes]) -> None:
    """Place each measure's name inside its bar where it fits (else after the bar's value),
    then widen each value axis (from 0) until every label ends inside it: labels are
    measured in the drawn figure, not guessed from their length. Stops as soon as a
    round moves nothing (each draw runs the whole layout: the costliest step of a chart),
    and keeps the layout the labels were measured in, so that savefig does not redo it."""
    if not axes:
        return
    renderer = fig.canvas.get_renderer()
    for _ in range(3):  # names move out as bars shrink; the layout moves with the limits
        before = _placement(axes)
        fig.draw_without_rendering()
        for ax in axes:
            _place_names(ax, renderer)
        if _placement(axes) != before:
            fig.draw_without_rendering()
        for ax in axes:
            _widen(ax, renderer)
        if _placement(axes) == before:
            fig.set_layout_engine("none")
            return


def _placement(axes: list[Axes]) -> list[tuple[Any, ...]]:
    """What _fit_labels may change: each value axis's limits, and where each name is."""
    return [
        (
            ax.get_xlim(),
            [(t.xy, t.xyann, t.get_color()) for t in ax.texts if t.get_gid() == NAME_GID],
        )
        for ax in axes
    ]


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


def _reads_per_hour(rate: float, qualifier: str, words: _Words) -> str:
    """'26,000 reads per hour' / '每小时2.6万次'; a lower bound is rounded down, never up,
    so that it stays true."""
    _ = _messages(words.lang)
    if qualifier == fmt.MORE_THAN:
        count = fmt.number(math.floor(rate), qualifier, lang=words.lang)
    else:
        count = fmt.number(rate, decimals=0, lang=words.lang)
    return _("{count} {unit} per hour").format(count=count, unit=words.unit(READS))


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


def _keys(table: pd.DataFrame, lang: str) -> list[Patch]:
    """The lower-bound key, only when the chart draws a lower bound."""
    return [_bound_handle(lang)] if any(_is_bound(table)) else []


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


def _tick_labels(table: pd.DataFrame, lang: str) -> list[str]:
    """Crime labels, with the effective period of any crime whose period is not the most
    common one (a count over a shorter period must not pass for one over the same)."""
    _ = _messages(lang)
    names = [style.wrap(label, TICK_WRAP[lang], lang) for label in table["crime_label"]]
    if "period_start" not in table.columns or table["period_start"].isna().all():
        return names
    periods = list(zip(table["period_start"], table["period_end"], strict=True))
    usual = max(sorted(set(periods)), key=periods.count)
    return [
        name
        if period == usual
        else f"{name}\n"
        + style.wrap(
            _("({period})").format(period=fmt.period(*period, lang)), TICK_WRAP[lang], lang
        )
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
    table: pd.DataFrame, values: str, lang: str, key: str = "crime"
) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """The table in drawing order with its panel's number and title (empty when there
    is one panel), and its part per panel."""
    _ = _messages(lang)
    groups = _split(table, values, key)
    large, small = _(LARGE_PANEL), _(SMALL_PANEL)
    titles = [""] if len(groups) == 1 else [large] + [small] * (len(groups) - 1)
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
    words: _Words,
) -> tuple[Figure, pd.DataFrame, list[Axes]]:
    """Grouped count bars, in two panels when one crime dwarfs the others."""
    names = dict(zip(table["crime"], _tick_labels(table, words.lang), strict=True))
    table, parts = _panels(table, "value", words.lang)
    fig, axes = _panel_axes(parts, len)
    unit = words.unit(_one_unit(rows))
    _ = _messages(words.lang)
    label = _("Unit: {unit}").format(unit=unit) if words.zh else unit

    def whole(value: float) -> str:
        return fmt.number(round(value), lang=words.lang)

    for ax, part in zip(axes, parts, strict=True):
        _grouped_bars(ax, part, "value", colour_of, names, str)
        _value_axis(ax, part["value"], label.capitalize(), whole)
    return fig, table, axes


def _panel_note(table: pd.DataFrame, words: _Words) -> str:
    """For the alt text: which crimes stand in the own-scale panel."""
    small = table.loc[table["panel_number"] > 1, "crime_label"]
    if small.empty:
        return ""
    names = list(dict.fromkeys(small))
    if words.zh:
        listed = words.both(names)
        _ = _messages(words.lang)
        return _("{crimes} are drawn in a second panel on their own scale.").format(crimes=listed)
    listed = _sentence_list(names).replace("; and", " and").replace(";", ",")
    verb, whose = ("is", "its") if len(names) == 1 else ("are", "their")
    return f" {listed} {verb} drawn in a second panel on {whose} own scale (smaller counts)."


def _count_alt(table: pd.DataFrame, what: str, period: str | None, words: _Words) -> str:
    """'Insult and defamation: 168 arrests approved and 213 persons prosecuted; ...', with
    the periods of the crimes where they differ. In Chinese: '侮辱罪、诽谤罪：批准逮捕168人，
    起诉213人；……'."""
    _ = _messages(words.lang)
    differ = (
        ""
        if period
        else _periods_text(
            table, words, dict(zip(table["crime"], table["crime_label"], strict=True))
        )
    )
    parts = []
    for crime_label, part in table.groupby("crime_label", sort=False):
        rows = zip(
            part["value"], part["qualifier"], part["measure_label"], part["unit"], strict=True
        )
        if words.zh:
            said = [f"{m}{words.amount(int(v), q, u)}" for v, q, m, u in rows]
            parts.append(f"{crime_label}：{'，'.join(said)}")
        else:
            said = [f"{fmt.number(int(v), q)} {m.lower()}" for v, q, m, _u in rows]
            parts.append(f"{crime_label}, {' and '.join(said)}")
    items = words.listing(parts)
    if period:
        text = _("Horizontal bar chart of {what}, {period}: {items}.").format(
            what=what, period=period, items=items
        )
    else:
        text = _("Horizontal bar chart of {what}: {items}.").format(what=what, items=items)
    return words.sentences(text + _panel_note(table, words), differ)


# --- charts ---------------------------------------------------------------------------


@_drawn
def arrests_vs_prosecutions(
    df: pd.DataFrame,
    labels: Mapping[str, str],
    source: str,
    source_labels: Mapping[str, str] | None = None,
    *,
    lang: str = language.DEFAULT,
    measure_labels: Mapping[str, str] | None = None,
    unit_labels: Mapping[str, str] | None = None,
) -> Chart:
    """Arrests approved beside persons prosecuted for each crime (primary source)."""
    words = _Words(lang, measure_labels, unit_labels)
    _ = _messages(lang)
    rows = _crime_counts(df, labels, source)
    _require_exact(rows, "the share wording of the title")
    table = _count_table(rows, labels, words)
    title = _leader_title(_with_shares(table), lambda s: _share_words(s, lang), words)
    fig, table, axes = _count_chart(table, rows, style.crime_colour, words)
    _finish(
        fig, title, _source_text(rows, words, source_labels, labels), lang, axes, _keys(table, lang)
    )
    alt = _count_alt(
        table,
        _("arrests approved and persons prosecuted by crime"),
        _period_of(rows, lang),
        words,
    )
    return Chart(fig, table, alt, title)


@_drawn
def shares(
    df: pd.DataFrame,
    labels: Mapping[str, str],
    source: str,
    source_labels: Mapping[str, str] | None = None,
    *,
    lang: str = language.DEFAULT,
    measure_labels: Mapping[str, str] | None = None,
    unit_labels: Mapping[str, str] | None = None,
) -> Chart:
    """Each crime's share of all arrests and of all prosecutions, on one 0–100 % axis:
    a share's scale is the whole, so it is never split into panels."""
    words = _Words(lang, measure_labels, unit_labels)
    _ = _messages(lang)
    rows = _crime_counts(df, labels, source)
    _require_exact(rows, "a share")
    table = _with_shares(_count_table(rows, labels, words)).assign(panel="", panel_number=1)
    table["label"] = [fmt.percent(s, lang=lang) for s in table["share"]]
    title = _leader_title(table, lambda s: fmt.percent(s, lang=lang), words)
    fig, ax = _figure(_height(len(table)))
    names = dict(zip(table["crime"], _tick_labels(table, lang), strict=True))
    _grouped_bars(
        ax,
        table,
        "share",
        style.crime_colour,
        names,
        lambda m: _("of {measure}").format(measure=m),
    )
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_locator(ticker.FixedLocator([0, 0.25, 0.5, 0.75, 1]))
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _pos: fmt.percent(v, 0, lang)))
    ax.set_xlabel(_("Share of the total over the crimes shown"))
    ax.grid(axis="y", visible=False)
    _finish(fig, title, _source_text(rows, words, source_labels, labels), lang, [ax])
    parts = []
    for _measure, part in table.groupby("measure", sort=False):
        label = part["measure_label"].iloc[0].lower()
        total = int(part["total"].iloc[0])
        if words.zh:
            said = [
                f"{crime}占{fmt.percent(s, lang=lang)}"
                for crime, s in zip(part["crime_label"], part["share"], strict=True)
            ]
            unit = part["unit"].iloc[0]
            parts.append(
                f"{label}合计{words.amount(total, fmt.EXACT, unit)}，其中{'，'.join(said)}"
            )
        else:
            said = [
                f"{crime} {fmt.percent(s)}"
                for crime, s in zip(part["crime_label"], part["share"], strict=True)
            ]
            parts.append(f"of {fmt.number(total)} {label}, {', '.join(said)}")
    period = _period_of(rows, lang)
    items = words.listing(parts)
    if period:
        alt = _("Horizontal bar chart of each crime's share, {period}: {items}.").format(
            period=period, items=items
        )
    else:
        alt = _("Horizontal bar chart of each crime's share: {items}.").format(items=items)
    return Chart(fig, table, alt, title)


def _per_arrest(rows: pd.DataFrame) -> pd.Series:
    """Persons prosecuted per arrest approved, by crime: the one place the ratio is taken."""
    wide = rows.pivot(index="crime", columns="measure", values="value").astype(float)
    return wide[PROSECUTED] / wide[ARRESTS]


@_drawn
def prosecuted_per_arrest(
    df: pd.DataFrame,
    labels: Mapping[str, str],
    source: str,
    source_labels: Mapping[str, str] | None = None,
    *,
    lang: str = language.DEFAULT,
    measure_labels: Mapping[str, str] | None = None,
    unit_labels: Mapping[str, str] | None = None,
) -> Chart:
    """Persons prosecuted per arrest approved, by crime, with the cohort caveat on the chart."""
    words = _Words(lang, measure_labels, unit_labels)
    _ = _messages(lang)
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
    table["label"] = [fmt.bound_label(r, fmt.EXACT, decimals, lang) for r in table["ratio"]]
    if (table["ratio"] > 1).all():
        title = _("Every crime shown has more persons prosecuted than arrests approved")
    else:
        leader = fmt.superlative(dict(zip(table["crime_label"], table["ratio"], strict=True)))
        title = _("{crime} has the most persons prosecuted per arrest approved").format(
            crime=leader
        )
    names = dict(zip(table["crime"], _tick_labels(table, lang), strict=True))
    table, parts = _panels(table, "ratio", lang)
    fig, axes = _panel_axes(parts, lambda part: 2 * len(part))  # room for wrapped names
    for ax, part in zip(axes, parts, strict=True):
        colours = [style.crime_colour(c) for c in part["crime"]]
        _bars(ax, range(len(part)), part, "ratio", colours, 0.6)
        ax.set_yticks(range(len(part)), [names[c] for c in part["crime"]])
        ax.set_ylim(len(part) - 0.5, -0.5)
        _value_axis(
            ax,
            pd.concat([part["ratio"], pd.Series([1.0])]),
            _("Persons prosecuted per arrest approved"),
            lambda v: fmt.number(v, decimals=decimals, lang=lang),
            integer=False,
        )
        ax.axvline(1, color=style.INK, linestyle="--", linewidth=1.2)
    axes[0].annotate(
        _("1 = as many prosecuted as arrested"),
        xy=(1, 1),
        xycoords=("data", "axes fraction"),
        xytext=(4, 4),
        textcoords="offset points",
        fontsize=style.MIN_FONT_SIZE,
        color=style.INK,
    )
    note = _(
        "Note: the two counts are not the same cohort. Persons prosecuted include people who "
        "were never arrested (e.g. released on bail pending trial), so this is not a rate of "
        "arrests ending in prosecution."
    )
    _finish(fig, title, f"{note}\n{_source_text(rows, words, source_labels, labels)}", lang, axes)
    parts_said = [
        _("{crime} {ratio} ({prosecuted} persons prosecuted, {arrested} arrests approved)").format(
            crime=name,
            ratio=fmt.number(r, decimals=decimals, lang=lang),
            prosecuted=fmt.number(int(p), lang=lang),
            arrested=fmt.number(int(a), lang=lang),
        )
        for name, r, p, a in zip(
            table["crime_label"], table["ratio"], table[PROSECUTED], table[ARRESTS], strict=True
        )
    ]
    alt = _(
        "Horizontal bar chart of persons prosecuted per arrest approved, with a reference line "
        "at 1: {items}. The two counts are not the same cohort."
    ).format(items=words.listing(parts_said))
    return Chart(fig, table, alt, title)


@_drawn
def crime_in_context(
    df: pd.DataFrame,
    labels: Mapping[str, str],
    crime: str,
    source: str,
    source_labels: Mapping[str, str] | None = None,
    *,
    lang: str = language.DEFAULT,
    measure_labels: Mapping[str, str] | None = None,
    unit_labels: Mapping[str, str] | None = None,
) -> Chart:
    """One crime in its colour among the others in grey, for that crime's profile."""
    words = _Words(lang, measure_labels, unit_labels)
    _ = _messages(lang)
    rows = _crime_counts(df, labels, source)
    if crime not in set(rows["crime"]):
        raise KeyError(f"no arrests or prosecutions for crime {crime!r} in {source}")
    _require_exact(rows, "the share in the title")
    table = _with_shares(_count_table(rows, labels, words)).assign(
        highlighted=lambda t: t["crime"] == crime
    )
    table["per_arrest"] = table["crime"].map(_per_arrest(rows))
    mine = table[table["highlighted"]]
    said = {
        m: fmt.percent(s, lang=lang) for m, s in zip(mine["measure"], mine["share"], strict=True)
    }
    title = _("{leader} accounts for {shares}").format(
        leader=labels[crime], shares=words.both(_shares_of(said, words))
    )
    colour = style.crime_colour(crime)
    fig, table, axes = _count_chart(
        table, rows, lambda c: colour if c == crime else style.NEUTRAL_LIGHT, words
    )
    name = style.wrap(labels[crime], TICK_WRAP[lang], lang)
    for ax in axes:
        for tick in ax.get_yticklabels():
            if tick.get_text() == name or tick.get_text().startswith((f"{name}\n(", f"{name}\n（")):
                tick.set_fontweight("bold")
    _finish(
        fig, title, _source_text(rows, words, source_labels, labels), lang, axes, _keys(table, lang)
    )
    alt = _count_alt(
        table,
        _("arrests approved and persons prosecuted by crime, {crime} highlighted").format(
            crime=labels[crime]
        ),
        _period_of(rows, lang),
        words,
    )
    return Chart(fig, table, alt, title)


def _spread_table(
    rows: pd.DataFrame, case_labels: Mapping[str, str], words: _Words
) -> pd.DataFrame:
    """Reads per case, then discussions; each reads row carries its stated window and the
    reads-per-hour it implies (a lower bound when the reads are)."""
    _ = _messages(words.lang)
    reads = rows[rows["measure"] == READS]
    if reads.empty:
        raise ValueError("no reads for any case in the frame")
    windows = rows[rows["measure"] == WINDOW]
    if not windows.empty and set(windows["unit"]) != {WINDOW_UNIT}:
        raise ValueError(f"reach windows must be in {WINDOW_UNIT}: {set(windows['unit'])}")
    position = {case: i for i, case in enumerate(_ordered(rows["case"], case_labels, "case"))}
    marks = pd.concat([reads, rows[rows["measure"] == DISCUSSIONS]])
    marks = marks.iloc[np.lexsort((marks["case"].map(position), marks["measure"] != READS))]
    table = _count_table(marks, case_labels, words, key="case").drop(columns="label")
    window_of = dict(zip(windows["case"], windows["value"], strict=True))
    is_reads = table["measure"] == READS
    table["window_hours"] = table["case"].map(window_of).where(is_reads).astype("Int64")
    table["reads_per_hour"] = table["value"].astype(float) / table["window_hours"].astype(float)
    table["reads_per_hour_text"] = [
        _reads_per_hour(r, q, words) if pd.notna(r) else pd.NA
        for r, q in zip(table["reads_per_hour"], table["qualifier"], strict=True)
    ]
    within = [_within(w, words) if pd.notna(w) else None for w in table["window_hours"]]
    table["label"] = [
        _bound_within(fmt.bound_label(int(v), q, lang=words.lang), w, words)
        for v, q, w in zip(table["value"], table["qualifier"], within, strict=True)
    ]
    table["counted"] = [_counted(row, words) for row in table.itertuples()]
    table["over"] = [w or _(NO_PERIOD) for w in within]
    table["lower_bound"] = table["qualifier"] == fmt.MORE_THAN
    return table


def _bound_within(label: str, within: str | None, words: _Words) -> str:
    """'≥ 130,000 within 3 hours' / '≥13万（3小时内）'."""
    if within is None:
        return label
    return f"{label}（{within}）" if words.zh else f"{label} {within}"


def _counted(row, words: _Words) -> str:
    """'more than 130,000 reads', '58,000 person-times (discussions)'; in Chinese
    '阅读量13万余次', '讨论量5.8万人次'."""
    what = words.amount(int(row.value), row.qualifier, row.unit)
    name = row.measure_label.lower()
    if words.zh:
        return f"{name}{what}"
    return what if name == row.unit else f"{what} ({name})"


def _within(hours: int, words: _Words) -> str:
    _ = _messages(words.lang)
    return _("within {count} {unit}").format(
        count=fmt.number(int(hours), lang=words.lang), unit=words.unit(WINDOW_UNIT)
    )


def _fact_detail(row, words: _Words) -> str:
    """Over what period it was counted, whether it is a lower bound, and the rate."""
    _ = _messages(words.lang)
    stated = row.over != _(NO_PERIOD)
    parts = [_("Counted {over}.").format(over=row.over) if stated else _("Period not stated.")]
    if row.lower_bound:
        parts.append(_("A lower bound: the source says \u201cmore than\u201d."))
    if pd.notna(row.reads_per_hour_text):
        parts.append(_("That is {rate}.").format(rate=row.reads_per_hour_text))
    return words.sentences(*parts)


def _spread_title(table: pd.DataFrame, words: _Words) -> str:
    """The fastest stated spread, from the rates the table holds; or, without any window,
    what was counted, with no comparison across unknown periods."""
    _ = _messages(words.lang)
    rated = table[table["reads_per_hour"].notna()]
    if rated.empty:
        cases = list(dict.fromkeys(table["case_label"]))
        listed = words.both(cases) if words.zh else _sentence_list(cases).replace("; and", " and")
        return _("Reads reported for {cases}, over no stated period").format(cases=listed)
    fastest = fmt.superlative(dict(zip(rated["case_label"], rated["reads_per_hour"], strict=True)))
    row = rated[rated["case_label"] == fastest].iloc[0]
    text = _("{count} reads {within}").format(
        count=words.bare(int(row["value"]), row["qualifier"], READS),
        within=_within(row["window_hours"], words),
    )
    if len(rated) > 1:
        return _("{case} spread fastest: {reads}, {rate}").format(
            case=fastest, reads=text, rate=row["reads_per_hour_text"]
        )
    return _("{case} reached {reads}, {rate}").format(
        case=fastest, reads=text, rate=row["reads_per_hour_text"]
    )


@_drawn
def online_spread(
    df: pd.DataFrame,
    case_labels: Mapping[str, str],
    source: str,
    source_labels: Mapping[str, str] | None = None,
    *,
    lang: str = language.DEFAULT,
    measure_labels: Mapping[str, str] | None = None,
    unit_labels: Mapping[str, str] | None = None,
) -> Chart:
    """A fact panel, not bars: per case, what was counted, over what window, and whether it
    is a lower bound. Reads within hours, reads over no stated period and discussions in
    person-times are different quantities, so none shares an axis with another."""
    words = _Words(lang, measure_labels, unit_labels)
    _ = _messages(lang)
    rows = _statements(df, (READS, WINDOW, DISCUSSIONS), source)
    rows = rows[rows["case"].notna()]
    _require_unique(rows, ["measure", "case"])
    table = _spread_table(rows, case_labels, words)
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
            style.wrap(_fact_detail(row, words), style.SOURCE_WRAP[lang], lang),
            xy=(0, y),
            xytext=(0, -29),
            textcoords="offset points",
            va="top",
            fontsize=style.MIN_FONT_SIZE,
            color=style.INK,
            **style.spacing(lang),
        )
    title = _spread_title(table, words)
    _finish(fig, title, _source_text(rows, words, source_labels), lang)
    described = [
        _("{case}, {counted}, {over}").format(case=r.case_label, counted=r.counted, over=r.over)
        for r in table.itertuples()
    ]
    rates = [
        _("{case}: {rate}").format(case=r.case_label, rate=r.reads_per_hour_text)
        for r in table.itertuples()
        if pd.notna(r.reads_per_hour_text)
    ]
    alt = _(
        "Fact panel of the online spread of cases, each with what was counted and over what "
        "period: {items}."
    ).format(items=words.listing(described))
    if rates:
        alt = words.sentences(alt, _("Implied rate: {rates}.").format(rates=words.listing(rates)))
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


def _span_table(
    rows: pd.DataFrame, labels: Mapping[str, str], row_label, words: _Words
) -> pd.DataFrame:
    """One row per figure: what, where from, its effective period and rate per year."""
    _ = _messages(words.lang)
    rows = rows.sort_values(["scope", "unit", "period_start", "period_end", "source_id"])
    table = pd.DataFrame(
        {
            "figure_id": rows["figure_id"],
            "source_id": rows["source_id"],
            "crime": rows["crime"],
            "crime_label": rows["crime"].map(dict(labels)),
            "measure": rows["measure"],
            "measure_label": words.measure(rows),
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
        fmt.period(s, e, words.lang)
        for s, e in zip(table["period_start"], table["period_end"], strict=True)
    ]
    table["per_year"] = [
        per_year(v, s, e)
        for v, s, e in zip(table["value"], table["period_start"], table["period_end"], strict=True)
    ]
    shown = [
        _per_year_shown(r, q) for r, q in zip(table["per_year"], table["qualifier"], strict=True)
    ]
    table["per_year_shown"] = [value for value, _decimals in shown]
    table["per_year_text"] = [
        _("{count} a year").format(count=words.bare(value, q, unit, decimals))
        for (value, decimals), q, unit in zip(shown, table["qualifier"], table["unit"], strict=True)
    ]
    table["label"] = [
        f"{fmt.bound_label(int(v), q, lang=words.lang)} · {t}"
        for v, q, t in zip(table["value"], table["qualifier"], table["per_year_text"], strict=True)
    ]
    table["row_label"] = [row_label(row) for row in table.itertuples()]
    return table


@_drawn
def spans(
    df: pd.DataFrame,
    labels: Mapping[str, str],
    *,
    crime: str | None = None,
    source: str | None = None,
    scope_labels: Mapping[str, str] | None = None,
    source_labels: Mapping[str, str] | None = None,
    lang: str = language.DEFAULT,
    measure_labels: Mapping[str, str] | None = None,
    unit_labels: Mapping[str, str] | None = None,
) -> Chart:
    """Each count as a span on a time axis, from its effective start to its end, labelled
    with its value and its rate per year. One panel per scope and unit; a lower bound is
    drawn open (hatched, '≥'); a start moved to the day the offence came into force shows
    the stated part as a dotted outline. No value axis: figures are never summed, stacked
    or joined by a line."""
    words = _Words(lang, measure_labels, unit_labels)
    _ = _messages(lang)
    rows = _statements(df, None, source)
    rows = rows[rows["case"].isna() & rows["period_start"].notna() & rows["crime"].notna()]
    if crime is not None:
        rows = rows[rows["crime"] == crime]
    if rows.empty:
        raise ValueError(f"no counts with a period for crime={crime!r}, source={source!r}")
    names = {
        s: _source_name(s, rows, source_labels, lang) for s in dict.fromkeys(rows["source_id"])
    }
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
            else _("{crime}: {measure}").format(
                crime=row.crime_label, measure=row.measure_label.lower()
            )
        )
        return f"{what} [{refs[row.source_id]}]"

    table = _span_table(rows, labels, row_label, words)
    panels = [part for _key, part in table.groupby(["scope", "unit"], sort=False)]
    lines = sum(len(_span_text(row, lang).split("\n")) for row in table.itertuples())
    fig, axes = _figure(
        1.3 + 0.3 * len(table) + SPAN_LINE[lang] * lines + 0.45 * len(panels),
        nrows=len(panels),
        squeeze=False,
        sharex=True,
        height_ratios=[len(p) + 0.3 for p in panels],
    )
    for ax, part in zip(axes[:, 0], panels, strict=True):
        _draw_spans(ax, part, lang)
        scope = part["scope"].iloc[0]
        ax.set_title(
            _("{unit}, scope: {scope}").format(
                unit=words.unit(part["unit"].iloc[0]).capitalize(),
                scope=(scope_labels or {}).get(scope, scope),
            )
        )
    _time_axis(axes[-1, 0], table, lang)
    subject = labels[crime] if crime is not None else words.semicolon(names.values())
    count, releases = len(table), table["source_id"].nunique()
    title = _("{subject}: {figures} from {releases}, each over its own period").format(
        subject=subject,
        figures=(_("{count} figure") if count == 1 else _("{count} figures")).format(count=count),
        releases=(_("{count} release") if releases == 1 else _("{count} releases")).format(
            count=releases
        ),
    )
    cited = sorted(names, key=refs.get)
    footer = _("Sources: {names}.").format(
        names=words.semicolon(f"[{refs[s]}] {names[s]}" for s in cited)
    )
    keys = _keys(table, lang)
    if (pd.to_datetime(table["stated_start"]) < pd.to_datetime(table["period_start"])).any():
        keys.append(Patch(fill=False, edgecolor=style.NEUTRAL, linestyle=":", label=_(STATED_KEY)))
    _finish(
        fig, title, words.sentences(footer, _derivation_note(rows, words, labels)), lang, keys=keys
    )
    described = [_span_alt(row, names, scope_labels, words) for row in table.itertuples()]
    alt = _(
        "Time chart of {subject}: each figure a horizontal span over its effective period, "
        "one panel per scope and unit, no line joining them: {items}."
    ).format(subject=subject, items=words.listing(described))
    return Chart(fig, table, alt, title)


def _span_alt(
    row, names: Mapping[str, str], scope_labels: Mapping[str, str] | None, words: _Words
) -> str:
    """One figure of a time chart as the image description says it."""
    what = row.row_label.rsplit(" [", 1)[0]
    amount = words.amount(int(row.value), row.qualifier, row.unit)
    if words.zh:
        scope = (scope_labels or {}).get(row.scope, row.scope)
        source = names[row.source_id]
        return f"{what}，范围：{scope}，{row.period}共{amount}（{row.per_year_text}；{source}）"
    return (
        f"{what}, scope {row.scope}, {amount} over {row.period} "
        f"({row.per_year_text}; {names[row.source_id]})"
    )


def _span_text(row, lang: str) -> str:
    """What the row is, its count, its period and its rate, above its span."""
    _ = _messages(lang)
    text = _("{what}: {count}, {period}").format(
        what=row.row_label, count=row.label, period=row.period
    )
    return style.wrap(text, style.SOURCE_WRAP[lang], lang)


def _draw_spans(ax: Axes, part: pd.DataFrame, lang: str) -> None:
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
            _span_text(row, lang),
            xy=(0, y),
            xycoords=("axes fraction", "data"),
            xytext=(0, 7),
            textcoords="offset points",
            va="bottom",
            fontsize=style.MIN_FONT_SIZE,
            color=style.INK,
            **style.spacing(lang),
        )
    ax.set_yticks([])
    ax.set_ylim(len(part) - 0.5, -1.0)
    ax.grid(axis="y", visible=False)


def _time_axis(ax: Axes, table: pd.DataFrame, lang: str) -> None:
    """Whole years, from the first stated start to the end of the last period."""
    first = pd.Timestamp(min(table["stated_start"].min(), table["period_start"].min()))
    last = pd.Timestamp(table["period_end"].max())
    left = pd.Timestamp(year=first.year, month=1, day=1)
    right = pd.Timestamp(year=last.year + 1, month=1, day=1)
    ax.set_xlim(left, right)
    step = max(1, math.ceil((right.year - left.year) / 5))  # at most about five labels
    ax.xaxis.set_major_locator(mdates.YearLocator(base=step))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    _ = _messages(lang)
    ax.set_xlabel(_("Effective period of each figure"))
