"""House style: one theme, one colour per crime, and a source line under every chart."""

from __future__ import annotations

import functools
import importlib
import textwrap
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import matplotlib as mpl
import seaborn as sns
from matplotlib import font_manager
from matplotlib.figure import Figure

from report_lib.hashing import sha256_value

# Okabe–Ito: distinguishable with the common colour-vision deficiencies and in greyscale.
CRIME_COLOURS: Mapping[str, str] = MappingProxyType(
    {
        "insult_defamation": "#D55E00",  # vermillion
        "personal_information": "#0072B2",  # blue
        "heroes_martyrs": "#009E73",  # bluish green
    }
)
# For a crime the table above does not name: the rest of the Okabe–Ito palette, chosen
# by the code itself, so a crime keeps its colour whatever else a release reports.
MORE_COLOURS = ("#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
NEUTRAL = "#7F7F7F"  # individual cases
NEUTRAL_LIGHT = "#C8C8C8"  # crimes that are not the one being profiled
INK = "#333333"  # reference lines and annotations


def crime_colour(code: str) -> str:
    """The crime's own colour: its house colour, else a stable pick from the rest."""
    if code in CRIME_COLOURS:
        return CRIME_COLOURS[code]
    return MORE_COLOURS[int(sha256_value(code)[:8], 16) % len(MORE_COLOURS)]


INLINE_BACKENDS = ("inline", "module://matplotlib_inline.backend_inline")
CJK_FONT = "Noto Sans CJK SC"
CJK_FONT_FILE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")

SOURCE_FONT_SIZE = 9
SOURCE_WRAP = 110  # characters per line of the source line at 9 pt on an 8-inch figure

RC = {
    "figure.dpi": 110,  # inline PNG: ~880 px wide for an 8-inch figure, sharp at 100% zoom
    "savefig.dpi": 200,  # print
    "savefig.bbox": "tight",  # keeps the source line, which sits below the axes, in the image
    "figure.figsize": (8.0, 4.5),
    "svg.hashsalt": "report-lib",  # stable SVG ids from build to build
    "svg.fonttype": "path",
    "figure.titlesize": 13,  # the chart's title (suptitle): states the finding
    "figure.titleweight": "bold",
    "axes.titlesize": 11,  # panel titles
    "axes.titleweight": "normal",
    "axes.titlelocation": "left",
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10.5,
    "legend.fontsize": 10,
    "legend.frameon": False,
    "hatch.linewidth": 1.5,
}


@functools.cache
def _font_families() -> tuple[str, ...]:
    """Latin text in DejaVu Sans, Chinese glyphs falling back to Noto Sans CJK when present.

    Listing a font that is not installed would log a warning on every draw, so it is left
    out instead; the font is registered once if the file exists but the cache missed it.
    """
    known = {entry.name for entry in font_manager.fontManager.ttflist}
    if CJK_FONT not in known and CJK_FONT_FILE.exists():
        font_manager.fontManager.addfont(str(CJK_FONT_FILE))
        known = {entry.name for entry in font_manager.fontManager.ttflist}
    return ("DejaVu Sans", CJK_FONT) if CJK_FONT in known else ("DejaVu Sans",)


def _show_figures_inline() -> None:
    """Charts are built without pyplot, and a bare `Figure` only displays as a PNG once the
    inline backend has registered its IPython formatter, which it does when first imported.
    pyplot imports it lazily, so a notebook that never touches pyplot would print a text
    repr instead of the chart."""
    if mpl.get_backend(auto_select=False) in INLINE_BACKENDS:
        importlib.import_module("matplotlib_inline.backend_inline")


def apply() -> None:
    """Set the house theme; cheap enough to call at the top of every notebook."""
    _show_figures_inline()  # first: loading the backend may apply its own rc defaults
    sns.set_theme(
        style="whitegrid",
        context="notebook",
        font="sans-serif",
        rc={**RC, "font.family": list(_font_families())},
    )


def source_line(fig: Figure, text: str) -> None:
    """Small left-aligned text under the chart, so no figure leaves without its source."""
    wrapped = "\n".join(
        textwrap.fill(line, SOURCE_WRAP, break_on_hyphens=False) for line in text.split("\n")
    )
    fig.text(
        0,
        0,
        wrapped,
        ha="left",
        va="top",
        fontsize=SOURCE_FONT_SIZE,
        color=INK,
        transform=mpl.transforms.offset_copy(fig.transFigure, fig=fig, y=-6, units="points"),
    )
