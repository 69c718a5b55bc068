"""House style: one theme, one colour per crime, and a source line under every chart, in
the fonts of the chart's language, with no glyph missing."""

from __future__ import annotations

import contextlib
import functools
import importlib
import re
import textwrap
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType

import matplotlib as mpl
import seaborn as sns
from matplotlib import font_manager
from matplotlib.figure import Figure

from report_lib import language
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
CJK_FONT = language.CJK_FAMILY
CJK_FONT_FILE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")

# Sized for the narrowest reader: a 390 px phone shows the chart 358 px wide (the column
# less its padding). A 4.7-inch figure saved with 0.05-inch margins is 345.6 pt (460.8 CSS
# px) wide, so it is scaled by 0.78 and its smallest text, 9 pt = 12 px, shows at 9.3 px.
# In the A4 PDF the chart is 70 % of the 180 mm text width (357 pt; a saved chart is 343
# pt wide): 9 pt prints at 9.4 pt, and at 8.6 pt in Chinese (64 %). Wider screens enlarge it.
FIGURE_WIDTH = 4.7  # inches
LATIN_FONT = "DejaVu Sans"  # the SVG names it: the browser must have it (fonts-dejavu-core)
MIN_FONT_SIZE = 9  # points: no chart text is smaller (tests hold every figure to it)
SOURCE_FONT_SIZE = MIN_FONT_SIZE
# Per line on a 4.7-inch figure: English characters, or Chinese half-ems (a character is
# two; digits and Latin one). A Chinese character is a full em where an English one
# averages 0.6, so Chinese fills the line with fewer half-ems than English has characters.
SOURCE_WRAP: Mapping[str, int] = MappingProxyType({"en": 60, "zh": 68})  # 9 pt
TITLE_WRAP: Mapping[str, int] = MappingProxyType({"en": 43, "zh": 50})  # 12 pt bold
# Between lines of one text, in font sizes: matplotlib's default spaces Latin lines, but
# Chinese characters fill the em, so their lines need more air to be told apart.
ZH_LINE_SPACING = 1.45

RC = {
    "figure.dpi": 110,  # inline preview
    "savefig.dpi": 200,  # PNG, were one saved: 960 px wide, sharp on a 2x phone screen
    "savefig.bbox": "tight",  # keeps the source line, which sits below the axes, in the image
    "savefig.pad_inches": 0.05,
    "figure.figsize": (FIGURE_WIDTH, 3.6),
    "svg.hashsalt": "report-lib",  # stable SVG ids from build to build
    "svg.fonttype": "none",  # text stays text: selectable and searchable in the PDF
    "figure.titlesize": 12,  # the chart's title (suptitle): states the finding
    "figure.titleweight": "bold",
    "axes.titlesize": 10,  # panel titles
    "axes.titleweight": "normal",
    "axes.titlelocation": "left",
    # Panel titles sit on their axes, no chart having an axis on top: a fixed position
    # spares matplotlib measuring every axis to find one at each draw (the same pictures).
    "axes.titley": 1.0,
    "axes.labelsize": 9.5,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9.5,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "hatch.linewidth": 1.2,
}


class MissingGlyph(ValueError):
    """Chart text with a character no chart font can draw: it would print as an empty box."""


# matplotlib's warning (matplotlib._text_helpers.warn_on_missing_glyph), made an error.
GLYPH_WARNING = r"Glyph \d+ .* missing from font"


@functools.cache
def _installed() -> frozenset[str]:
    """The font families matplotlib knows, the CJK file registered once if its cache
    missed it."""
    known = {entry.name for entry in font_manager.fontManager.ttflist}
    if CJK_FONT not in known and CJK_FONT_FILE.exists():
        font_manager.fontManager.addfont(str(CJK_FONT_FILE))
        known = {entry.name for entry in font_manager.fontManager.ttflist}
    return frozenset(known)


def font_families(lang: str = language.DEFAULT) -> tuple[str, ...]:
    """DejaVu Sans for digits and Latin, Noto Sans CJK SC for every Chinese character.

    English lists the CJK font only when present (a missing font would log a warning on
    every draw); a Chinese chart without it is refused. Digits stay in DejaVu Sans in
    Chinese too: Chromium prints an SVG image's text with the font's glyphs only, and
    the text of Noto CJK's digits is lost from the PDF (pdftotext reads "98.6%" as
    ". %"), where DejaVu Sans keeps it."""
    known = _installed()
    if language.check(lang) == "zh" and CJK_FONT not in known:
        raise MissingGlyph(f"Chinese charts need the font {CJK_FONT} (fonts-noto-cjk)")
    return (LATIN_FONT, CJK_FONT) if CJK_FONT in known else (LATIN_FONT,)


@contextlib.contextmanager
def drawing(lang: str = language.DEFAULT) -> Iterator[None]:
    """Draw or save a chart in its language's fonts; a missing glyph raises MissingGlyph.

    Text takes its font when it is made and tick labels are made while drawing, so both
    building and saving a chart happen inside this."""
    with mpl.rc_context({"font.family": list(font_families(lang))}), warnings.catch_warnings():
        warnings.filterwarnings("error", message=GLYPH_WARNING, category=UserWarning)
        try:
            yield
        except UserWarning as warning:
            if re.match(GLYPH_WARNING, str(warning)):
                raise MissingGlyph(str(warning)) from None
            raise


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
        rc={**RC, "font.family": list(font_families())},
    )


# Chinese line breaking: a character that may not begin a line, one that may not end it,
# and runs kept whole (dates, numbers with their 万/亿/余, %, 倍; Latin words).
NO_LINE_START = frozenset("，。、；：？！）》」』”’%·…)]")
NO_LINE_END = frozenset("（《「『“‘([")
_ZH_TOKEN = re.compile(
    r"\d+年(?:\d+月(?:\d+日)?)?|\d+月(?:\d+日)?|\d+日"  # a date: 2022年2月21日, 10月
    r"|≥?\d[\d.,]*(?:[万亿])?余?[%倍]?"  # a number: ≥13万, 6000余, 98.6%, 1.8倍
    r"|[A-Za-z][A-Za-z'’-]*|\s+|."
)
_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u201c\u201d]")


def text_width(text: str) -> int:
    """Width in half-em steps, the unit of the wrap widths: a Chinese character takes two."""
    return sum(2 if _WIDE.match(ch) else 1 for ch in text)


def _wrap_zh(line: str, width: int) -> list[str]:
    """Greedy breaks between characters, never before closing punctuation, after an
    opening one, or inside a number or a Latin word; a last line of one character takes
    one more from the line above (an orphan "分" reads as a fragment)."""
    units: list[str] = []
    for token in _ZH_TOKEN.findall(line):
        if units and (token[0] in NO_LINE_START or units[-1][-1] in NO_LINE_END):
            units[-1] += token
        else:
            units.append(token)
    lines: list[list[str]] = [[]]
    for unit in units:
        if lines[-1] and text_width("".join([*lines[-1], unit]).rstrip()) > width:
            lines.append([unit.lstrip()])
        else:
            lines[-1].append(unit)
    alone = re.sub(r"\W", "", "".join(lines[-1]))
    if len(lines) > 1 and len(lines[-2]) > 2 and len(alone) <= 1:
        lines[-1].insert(0, lines[-2].pop())
    return ["".join(parts).rstrip() for parts in lines]


def wrap(text: str, width: int, lang: str = language.DEFAULT) -> str:
    """Text broken into lines of at most `width` half-ems: English at spaces, Chinese
    between characters (it has no spaces) by its rules of punctuation."""
    if language.check(lang) == "zh":
        return "\n".join(part for line in text.split("\n") for part in _wrap_zh(line, width))
    return "\n".join(
        textwrap.fill(line, width, break_on_hyphens=False) for line in text.split("\n")
    )


def spacing(lang: str) -> dict[str, float]:
    """Keyword arguments of a multi-line text: Chinese lines further apart, English as
    matplotlib sets them."""
    return {"linespacing": ZH_LINE_SPACING} if language.check(lang) == "zh" else {}


def source_line(fig: Figure, text: str, lang: str = language.DEFAULT) -> None:
    """Small left-aligned text under the chart, so no figure leaves without its source."""
    fig.text(
        0,
        0,
        wrap(text, SOURCE_WRAP[lang], lang),
        ha="left",
        va="top",
        fontsize=SOURCE_FONT_SIZE,
        color=INK,
        **spacing(lang),
        transform=mpl.transforms.offset_copy(fig.transFigure, fig=fig, y=-6, units="points"),
    )
