"""The site's downloads beside the reports: `figures.csv`, every figure of the processed
dataset with its quote and the quote's offsets in the source, in the columns an analyst
asks for. Written by each build and listed in the manifest, so publish copies it."""

from __future__ import annotations

import csv
import io

from report_lib import atomic
from report_lib.data.csvfile import read_rows
from report_lib.paths import Layout, contained
from report_lib.render.links import FIGURES_CSV

# Published column <- column of data/processed/figures.csv ('period' is made of two).
COLUMNS = {
    "source": "source_id",
    "figure": "figure_id",
    "measure": "measure_label",
    "crime": "crime",
    "case": "case",
    "scope": "scope",
    "value": "value",
    "qualifier": "qualifier",
    "unit": "unit",
    "period": None,
    "corroborated": "corroborated",
    "quote": "quote",
    "quote_start": "quote_start",
    "quote_end": "quote_end",
    "quote_corrected": "quote_reading",  # the ledger's corrections applied
    "chinese_wording": "wording_zh",
    "chinese_wording_source": "wording_zh_source",
}
PERIOD = ("period_start", "period_end")


def _period(row: dict[str, str]) -> str:
    """ISO 8601 interval, 2020-01-01/2020-12-31; one date when it is a day."""
    start, end = (row[name] for name in PERIOD)
    return start if start == end or not end else f"{start}/{end}"


def write_figures(layout: Layout) -> str:
    """Write outputs/figures.csv from the processed figures; returns its name in out/."""
    source = layout.processed / FIGURES_CSV
    required = [c for c in COLUMNS.values() if c] + list(PERIOD)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for _, row in read_rows(source, required):
        writer.writerow(_period(row) if c is None else row[c] for c in COLUMNS.values())
    atomic.write_text(contained(layout.out, FIGURES_CSV), buffer.getvalue())
    return FIGURES_CSV
