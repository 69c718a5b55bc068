"""What a notebook cell calls: load the data, show a chart with its alt text and save
the exact table it plots, and print prose. Keeps logic out of the notebooks."""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from IPython.display import Markdown, display

from report_lib import atomic
from report_lib.data.dataset import SOURCES_CSV, load_figures, load_table
from report_lib.data.reference import Reference, load_reference
from report_lib.report import style
from report_lib.report.charts import Chart


@dataclass(frozen=True)
class Context:
    """Everything a report reads, loaded once at the top of the notebook."""

    figures: pd.DataFrame
    sources: pd.DataFrame
    reference: Reference
    processed_dir: Path
    tables_dir: Path

    @property
    def crime_labels(self) -> dict[str, str]:
        return {code: row["label"] for code, row in self.reference.crimes.rows.items()}

    @property
    def case_labels(self) -> dict[str, str]:
        cases = self.reference.cases.rows
        return {
            code: f"Case {row['number']}" if row["number"] else code for code, row in cases.items()
        }

    @property
    def source_labels(self) -> dict[str, str]:
        return {
            row.source_id: f"{row.title}, {row.publisher}, {row.date}"
            for row in self.sources.itertuples()
        }


def setup(processed_dir: str, reference_dir: str, tables_dir: str) -> Context:
    """Apply the house style and load the checked dataset."""
    style.apply()
    processed = Path(processed_dir)
    return Context(
        figures=load_figures(processed),
        sources=load_table(SOURCES_CSV, processed),
        reference=load_reference(Path(reference_dir)),
        processed_dir=processed,
        tables_dir=Path(tables_dir),
    )


def _png(chart: Chart) -> bytes:
    buffer = io.BytesIO()
    chart.figure.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def show(chart: Chart, name: str, context: Context) -> None:
    """Display the chart as an image with its text alternative, and save its table."""
    table_path = context.tables_dir / f"{name}.csv"
    atomic.write_text(table_path, chart.table.to_csv(index=False, lineterminator="\n"))
    data = base64.b64encode(_png(chart)).decode("ascii")
    alt = html.escape(chart.alt_text, quote=True)
    image = f'<img src="data:image/png;base64,{data}" alt="{alt}">'
    figure = f'<figure class="report-chart">{image}</figure>'
    display({"text/html": figure, "text/plain": chart.alt_text}, raw=True)


def say(markdown: str) -> None:
    """Prose whose numbers come from `report_lib.narrative`."""
    display(Markdown(markdown))


def table(frame: pd.DataFrame) -> None:
    """A table of data shown as HTML, its text escaped."""
    display({"text/html": frame.to_html(index=False, escape=True, na_rep="")}, raw=True)


def figures_for(context: Context, crime: str) -> pd.DataFrame:
    """The primary source's statements about one crime, repeats included (each is a quote)."""
    f = context.figures
    return f[(f["source_role"] == "primary") & (f["crime"] == crime)]


def cases_for(context: Context, crime: str) -> pd.DataFrame:
    """The reference's cases of one crime, as a reader-facing table."""
    rows = [row for row in context.reference.cases.rows.values() if row["crime"] == crime]
    columns = {"name_en": "Case", "name_zh": "Chinese title", "kind": "Kind"}
    return pd.DataFrame(rows, columns=list(columns)).rename(columns=columns)


def primary_document(context: Context, raw_dir: str) -> str:
    """The text of the primary source, for verbatim excerpts."""
    row = context.sources[context.sources["role"] == "primary"].iloc[0]
    return (Path(raw_dir) / row["source_id"] / row["file"]).read_text(encoding="utf-8")


def appendix_sources(context: Context) -> pd.DataFrame:
    columns = {
        "source_id": "Source",
        "role": "Role",
        "title": "Title",
        "publisher": "Publisher",
        "date": "Date",
    }
    return context.sources[list(columns)].rename(columns=columns)


def corrections(path: str) -> pd.DataFrame:
    return pd.read_csv(path, dtype="string", keep_default_na=False)


def checks(context: Context) -> pd.DataFrame:
    return load_table("checks.csv", context.processed_dir)


def check_summary(context: Context) -> pd.DataFrame:
    """How many numbers each check passed, by source and outcome."""
    frame = checks(context)
    counted = frame.groupby(["check", "source_id", "result"], sort=True).size()
    return counted.rename("count").reset_index()
