"""What a notebook cell calls: load the data, show a chart with its alt text and save
the exact table it plots, and print prose. Keeps logic out of the notebooks."""

from __future__ import annotations

import base64
import functools
import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from IPython.display import Markdown, display

from report_lib import atomic, language
from report_lib.data.corrections import load_corrections, reading
from report_lib.data.dataset import SOURCES_CSV, load_figures, load_table
from report_lib.data.reference import Reference, load_reference
from report_lib.language import N_
from report_lib.report import cases, charts, fmt, narrative, style, summary
from report_lib.report.charts import Chart


@dataclass(frozen=True)
class Context:
    """Everything a report reads, loaded once at the top of the notebook."""

    figures: pd.DataFrame
    sources: pd.DataFrame
    reference: Reference
    processed_dir: Path
    tables_dir: Path
    lang: str = language.DEFAULT  # the report's language (report_lib.language)

    @functools.cached_property
    def labels(self) -> summary.Labels:
        """Made once: a report asks for them in almost every cell."""
        return summary.Labels.of(self.reference, self.sources, self.lang)

    @property
    def crime_labels(self) -> dict[str, str]:
        return dict(self.labels.crimes)

    @property
    def case_labels(self) -> dict[str, str]:
        return dict(self.labels.cases)

    @property
    def source_labels(self) -> dict[str, str]:
        return dict(self.labels.sources)

    @property
    def scope_labels(self) -> dict[str, str]:
        return dict(self.labels.scopes)

    @property
    def measure_labels(self) -> dict[str, str]:
        label = "label_zh" if self.lang == "zh" else "label"
        return {code: row[label] for code, row in self.reference.measures.rows.items()}

    @property
    def unit_labels(self) -> dict[str, str]:
        label = "label_zh" if self.lang == "zh" else "label"
        return {code: row[label] for code, row in self.reference.units.rows.items()}

    @property
    def chart_options(self) -> dict[str, object]:
        """What every chart function takes besides its data: the language and the
        words for measures and units in it (`charts.shares(…, **ctx.chart_options)`)."""
        return {
            "lang": self.lang,
            "measure_labels": self.measure_labels,
            "unit_labels": self.unit_labels,
        }

    def source(self, source_id: str) -> dict[str, str]:
        """One release's row of the sources table."""
        rows = self.sources[self.sources["source_id"] == source_id]
        if rows.empty:
            raise KeyError(f"no source {source_id!r} in the dataset")
        return rows.iloc[0].to_dict()


def setup(
    processed_dir: str, reference_dir: str, tables_dir: str, lang: str = language.DEFAULT
) -> Context:
    """Apply the house style and load the checked dataset, for a report in `lang`."""
    language.check(lang)
    style.apply()
    processed = Path(processed_dir)
    return Context(
        figures=load_figures(processed),
        sources=load_table(SOURCES_CSV, processed),
        reference=load_reference(Path(reference_dir)),
        processed_dir=processed,
        tables_dir=Path(tables_dir),
        lang=lang,
    )


def image(chart: Chart) -> bytes:
    """The chart as SVG, chosen by measurement over PNG (see README, "Charts"): a tenth of
    the size, its text selectable in the PDF, byte-identical from build to build (fixed
    hash salt, no date), sharp at any width."""
    return charts.svg(chart)


def show(chart: Chart, name: str, context: Context) -> None:
    """Display the chart as an image with its text alternative, and save its table."""
    table_path = context.tables_dir / f"{name}.csv"
    atomic.write_text(table_path, chart.table.to_csv(index=False, lineterminator="\n"))
    data = base64.b64encode(image(chart)).decode("ascii")
    alt = html.escape(chart.alt_text, quote=True)
    picture = f'<img src="data:image/svg+xml;base64,{data}" alt="{alt}">'
    figure = f'<figure class="report-chart">{picture}</figure>'
    display({"text/html": figure, "text/plain": chart.alt_text}, raw=True)


SUMMARIES = {
    "release": summary.for_release,
    "comparison": summary.for_comparison,
    "cases": summary.for_cases,
    "crime": summary.for_crime,
    "trend": summary.for_trend,
}


def summarise(context: Context, kind: str = "dataset", subject: str | None = None) -> None:
    """The report's summary, first on the page: key figures and computed findings of one
    `kind` (a release's figures, its crimes compared, its cases, a crime, a crime
    over time) for `subject`,
    or of the dataset as a whole; the numbers it states saved as the summary table."""
    if kind == "dataset":
        made = summary.for_dataset(
            context.figures, context.labels, checks(context), lang=context.lang
        )
    else:
        made = SUMMARIES[kind](context.figures, subject, context.labels, lang=context.lang)
    table_path = context.tables_dir / "summary.csv"
    atomic.write_text(table_path, made.table().to_csv(index=False, lineterminator="\n"))
    say(made.markdown())


def say(markdown: str) -> None:
    """Prose whose numbers come from `report_lib.narrative`."""
    display(Markdown(markdown))


class English(str):
    """A table cell a Chinese report can only show in English (the data gives no
    Chinese): shown marked lang="en", its column labelled as the English original."""


def _cell(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = html.escape(str(value), quote=False)
    return f'<span lang="en">{text}</span>' if isinstance(value, English) else text


def table(frame: pd.DataFrame) -> None:
    """A table of data shown as HTML, its text escaped, English cells marked."""
    shown = frame.map(_cell)
    shown.columns = [html.escape(str(column), quote=False) for column in frame.columns]
    display({"text/html": shown.to_html(index=False, escape=False, na_rep="")}, raw=True)


def _english(values: pd.Series, lang: str) -> list[str]:
    """Free text the data holds only in English, marked as such in a Chinese report."""
    kind = str if lang == language.DEFAULT else English
    return [kind(v) if isinstance(v, str) and v else "" for v in values]


def figures_for(context: Context, crime: str) -> pd.DataFrame:
    """Every release's statements about one crime, repeats included (each is a quote)."""
    f = context.figures
    return f[f["crime"] == crime].sort_values(["source_id", "quote_start"], kind="stable")


def figure_table(
    context: Context, crime: str | None = None, source: str | None = None
) -> pd.DataFrame:
    """The figures of a crime or a release as a reader-facing table: each with its release,
    scope, unit and effective period, and the stated start where the law moved it."""
    f = context.figures[context.figures["repeats"].isna()]
    if crime is not None:
        f = f[f["crime"] == crime]
    if source is not None:
        f = f[f["source_id"] == source]
    f = f.sort_values(["source_id", "quote_start", "raw_start"], kind="stable")
    labels, cases, lang = context.crime_labels, context.case_labels, context.lang
    _ = language.gettext(lang, "report")
    units = {
        code: code if lang == language.DEFAULT else row["label_zh"]
        for code, row in context.reference.units.rows.items()
    }

    def period(row) -> str:
        if pd.isna(row.period_start):
            return ""
        text = fmt.period(row.period_start, row.period_end, lang)
        if pd.notna(row.stated_start) and row.stated_start != row.period_start:
            stated = fmt.period(row.stated_start, row.stated_end, lang)
            text += _(" (stated: {period})").format(period=stated)
        return text

    return pd.DataFrame(
        {
            _("Release"): f["source_id"].map(context.labels.publishers),
            _("Crime"): [labels.get(c, "") if pd.notna(c) else "" for c in f["crime"]],
            _("Case"): [cases.get(c, "") if pd.notna(c) else "" for c in f["case"]],
            _("Measure"): f["measure"].map(context.measure_labels),
            _("Scope"): f["scope"].map(context.scope_labels),
            _("Count"): [
                fmt.number(int(v), q, lang=lang)
                for v, q in zip(f["value"], f["qualifier"], strict=True)
            ],
            _("Unit"): f["unit"].map(lambda u: units.get(u, u)),
            _("Period"): [period(row) for row in f.itertuples()],
        }
    )


def guiding_case_figures(context: Context, source: str) -> pd.DataFrame:
    """A release's figures of guiding cases, in the order of its text."""
    cases = context.reference.cases.rows
    guiding = [code for code, row in cases.items() if row["kind"] == "guiding case"]
    f = context.figures
    return f[(f["source_id"] == source) & f["case"].isin(guiding)].sort_values("quote_start")


def cases_of_crime(context: Context, crime: str, cases_report: str) -> None:
    """The cases of one crime, each guiding case linked to its synopsis."""
    html_block(cases.cases_of_crime(context.reference, crime, cases_report, context.lang))


def html_block(block: cases.Block) -> None:
    """HTML built from escaped data, with its text for readers of the notebook and the
    build's check that every number of the prose is a number of the data."""
    display({"text/html": block.html, "text/plain": block.text}, raw=True)


def reader(corrections_path: str, source_id: str) -> Callable[[str], str]:
    """The corrected reading of a source's words, from the corrections ledger."""
    ledger = load_corrections(Path(corrections_path))
    return lambda text: reading(ledger, source_id, text)


def document(context: Context, raw_dir: str, source_id: str) -> str:
    """The text of one release, for verbatim excerpts."""
    row = context.source(source_id)
    return (Path(raw_dir) / row["source_id"] / row["file"]).read_text(encoding="utf-8")


def appendix_sources(context: Context) -> pd.DataFrame:
    """The releases as a reader cites them: title, publisher, date, scope, where read."""
    sources, lang = context.sources, context.lang
    _ = language.gettext(lang, "report")
    zh = lang != language.DEFAULT
    return pd.DataFrame(
        {
            _("Title"): sources["title_zh" if zh else "title"],
            _("Publisher"): sources["publisher_zh" if zh else "publisher"],
            _("Date"): [fmt.day(pd.Timestamp(d), lang) for d in sources["date"]],
            _("Scope"): sources["scope"].map(context.scope_labels),
            _("Where it was read"): _english(sources["address"], lang),
        }
    )


# What a correction corrects, in the reader's words (corrections.FIELDS).
CORRECTED_FIELDS = {
    "crime": N_("crime name"),
    "measure": N_("measure name"),
    "case": N_("case name"),
    "quote": N_("quote"),
}


def corrections(context: Context, path: str) -> pd.DataFrame:
    """The corrections ledger as a reader-facing table: which release, what was printed,
    how it is read, why and on whose authority."""
    ledger = pd.read_csv(path, dtype="string", keep_default_na=False)
    titles, lang = dict(context.labels.sources), context.lang
    _ = language.gettext(lang, "report")
    every = _("every release")
    if lang == language.DEFAULT:
        fields = ledger["field"] + " name"
    else:
        fields = ["、".join(_(CORRECTED_FIELDS[f]) for f in v.split(";")) for v in ledger["field"]]
    return pd.DataFrame(
        {
            _("Release"): [titles.get(s, every) for s in ledger["source_id"]],
            _("In the"): fields,
            _("Printed"): _english(ledger["find"], lang),
            _("Read as"): _english(ledger["replace"], lang),
            _("Why"): _english(ledger["reason"], lang),
            _("Reference"): _english(ledger["reference"], lang),
        }
    )


def checks(context: Context) -> pd.DataFrame:
    """Every check the data step ran, each release named by its title (the columns stay
    the data's: the table is downloaded as checks.csv beside the report)."""
    frame = load_table("checks.csv", context.processed_dir)
    titles = dict(context.labels.sources)
    _ = language.gettext(context.lang, "report")
    every = _("every release")
    named = frame["source_id"].map(lambda s: titles.get(s, every if s == "*" else s))
    return frame.assign(source_id=named).rename(columns={"source_id": "release"})


def check_report(context: Context) -> None:
    """The checks as a downloadable table beside the report and one computed line."""
    frame = checks(context)
    atomic.write_text(
        context.tables_dir / "checks.csv", frame.to_csv(index=False, lineterminator="\n")
    )
    say(fmt.md_escape(summary.checks(frame, context.lang).text))


def over_time(context: Context, *, crime: str | None = None, source: str | None = None) -> None:
    """A crime's or a release's counts as spans over time, with their list in prose; or
    a line saying there is none to draw (a release of case figures only, for one)."""
    f = context.figures
    counted = f[f["period_start"].notna() & f["case"].isna() & f["crime"].notna()]
    if crime is not None:
        counted = counted[counted["crime"] == crime]
    if source is not None:
        counted = counted[counted["source_id"] == source]
    _ = language.gettext(context.lang, "report")
    if counted.empty:
        say(_("_No count here states a period, so none is drawn over time._"))
        return
    chart = charts.spans(
        f,
        context.crime_labels,
        crime=crime,
        source=source,
        scope_labels=context.scope_labels,
        source_labels=context.source_labels,
        **context.chart_options,
    )
    say(
        narrative.over_time(
            chart.table,
            context.source_labels,
            context.scope_labels,
            lang=context.lang,
            labels=context.labels,
        )
    )
    show(chart, "spans", context)
    if note := narrative.derived(counted, context.crime_labels, context.lang):
        say(note)


def among_crimes(context: Context, crime: str) -> None:
    """The crime among the others of each release that gives them side by side."""
    releases = charts.comparable_releases(context.figures, crime, context.crime_labels)
    if not releases:
        _ = language.gettext(context.lang, "report")
        say(_("_No release gives arrests and prosecutions for this crime beside other crimes._"))
    profile = context.reference.crimes.rows[crime]
    for release in releases:
        chart = charts.crime_in_context(
            context.figures,
            context.crime_labels,
            crime,
            release,
            context.source_labels,
            **context.chart_options,
        )
        say(narrative.crime_profile(profile, chart.table, context.lang))
        show(chart, f"in_context_{release}", context)
