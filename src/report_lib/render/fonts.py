"""The Chinese font Chromium prints with: Noto Sans CJK SC's own outlines, converted once
to TrueType and handed to Chromium through a fontconfig file of its own.

Why: Chromium's PDF writer embeds a CFF font such as Noto CJK as a Type 3 font per 256
glyphs (about 200 in a Chinese report), each glyph named by the first code point the font
maps to it, so that 民 and 人 read back from the PDF as the radicals ⺠ and ⼈. A TrueType
font is embedded as one subset with a true Unicode map. Measured 2026-11-29 on the
personal-information report in Chinese: 0.86–1.00 → 0.55–0.56 CPU-s to print, renderer peak
344 → 194 MB, PDF 1.16 → 0.75 MB. Same outlines (to 1 font unit), same advance widths, same
layout tables: the pages lay out the same.

The HTML is untouched: only the printing Chromium sees the converted font, which a
fontconfig rule puts before "Noto Sans CJK SC" wherever a page asks for that family.
Characters outside GB 2312 keep coming from Noto Sans CJK SC itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import NamedTuple

from markupsafe import escape

from report_lib import language
from report_lib.build import lock

log = logging.getLogger(__name__)

SOURCE_FAMILY = language.CJK_FAMILY
PRINT_FAMILY = "Report Print Sans SC"
PRINT_NAME = PRINT_FAMILY.replace(" ", "")  # in file and PostScript names
WEIGHTS = ("Regular", "Bold")
CONFIG = "fonts.conf"
LOCK = ".lock"
SYSTEM_CONFIG = "/etc/fonts/fonts.conf"  # fontconfig's own default on Debian
# Bump when the conversion below changes what it writes.
RECIPE = "3"
# Where an environment keeps what it derives from the machine's fonts.
DEFAULT_ROOT = Path(sys.prefix) / "share" / "report-lib" / "print-fonts"


class Source(NamedTuple):
    """One face of a font collection, as fontconfig finds it."""

    weight: str
    path: Path
    index: int


def find_sources() -> list[Source] | None:
    """Noto Sans CJK SC's regular and bold faces, or None if fontconfig lacks either."""
    if shutil.which("fc-match") is None:
        return None
    found = []
    for weight in WEIGHTS:
        pattern = f"{SOURCE_FAMILY}:style={weight}"
        answer = subprocess.run(
            ["fc-match", "-f", "%{family[0]}|%{style[0]}|%{index}|%{file}", pattern],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        family, style, index, file = [*answer.split("|", 3), "", "", ""][:4]
        if family != SOURCE_FAMILY or style != weight or not index.isdigit():
            return None
        found.append(Source(weight, Path(file), int(index)))
    return found


def characters() -> set[int]:
    """The code points converted: GB 2312 (6763 hanzi and its symbols), CJK punctuation
    and the full-width forms. The whole of Noto's 44 000 takes minutes to convert."""
    points = set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0))
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                points.add(ord(bytes((high, low)).decode("gb2312")))
    return points


def key(sources: list[Source]) -> str:
    """Names a conversion by what it is made from: the recipe, fontTools, each source."""
    import fontTools

    parts = [RECIPE, fontTools.version]
    for source in sources:
        stat = source.path.stat()
        parts += [source.weight, str(source.path), str(source.index)]
        parts += [str(stat.st_size), str(stat.st_mtime_ns)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def config_text() -> str:
    """The fontconfig file: the machine's own configuration, the fonts beside this file
    (relative: the folder may move with its environment), and the converted family put
    first wherever a page asks for Noto Sans CJK SC."""
    system = os.environ.get("FONTCONFIG_FILE") or SYSTEM_CONFIG
    return f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="no">{escape(system)}</include>
  <dir prefix="relative">.</dir>
  <cachedir prefix="relative">cache</cachedir>
  <match target="pattern">
    <test name="family"><string>{SOURCE_FAMILY}</string></test>
    <edit name="family" mode="prepend" binding="strong"><string>{PRINT_FAMILY}</string></edit>
  </match>
</fontconfig>
"""


def to_truetype(source: Source, target: Path) -> None:
    """Subset one face to `characters()` with all its layout tables, then redraw every
    glyph with quadratic curves (within 1 font unit) and rename it PRINT_FAMILY."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(source.path, fontNumber=source.index)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=characters())
    subsetter.subset(font)

    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in (
        "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
        "maxStackElements", "maxSizeOfInstructions", "maxComponentElements",
    ):  # fmt: skip
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0  # no glyph names: the PDF's Unicode map comes from cmap
    font.sfntVersion = "\0\1\0\0"
    names = {1: PRINT_FAMILY, 2: source.weight, 4: f"{PRINT_FAMILY} {source.weight}"}
    names |= {6: f"{PRINT_NAME}-{source.weight}", 16: PRINT_FAMILY}
    names |= {17: source.weight}
    for record in font["name"].names:
        if record.nameID in names:
            record.string = names[record.nameID]
    font.save(target)


def file_name(source: Source) -> str:
    return f"{PRINT_NAME}-{source.weight}.ttf"


def _convert(sources: list[Source], folder: Path) -> None:
    # Each face is a few seconds of pure Python: one process each (spawned, not forked
    # from a build that runs threads).
    with ProcessPoolExecutor(len(sources), mp_context=get_context("spawn")) as pool:
        done = [pool.submit(to_truetype, s, folder / file_name(s)) for s in sources]
        for future in done:
            future.result()


def print_config(root: Path = DEFAULT_ROOT) -> Path | None:
    """The fontconfig file Chromium prints with, converting the fonts first if this
    environment has not yet; None (print with the machine's fonts, as Type 3) without
    Noto CJK or if the conversion fails, which a warning line says.

    A folder is complete once it bears its key: it is written under a temporary name and
    renamed, under a lock, so that two builds at once convert once and a killed
    conversion leaves only a temporary folder, removed by the next conversion."""
    sources = find_sources()
    if sources is None:
        log.warning("%s not found: Chinese prints with Type 3 fonts", SOURCE_FAMILY)
        return None
    folder = root / key(sources)
    if (folder / CONFIG).is_file():
        return folder / CONFIG
    try:
        with lock.held(root / LOCK, f"converting {SOURCE_FAMILY}"):
            if not (folder / CONFIG).is_file():
                _make(sources, root, folder)
    except Exception as exc:  # any failure leaves the machine's fonts, which also print
        log.warning(
            "could not convert %s for printing (%s: %s): Chinese prints with Type 3 fonts",
            SOURCE_FAMILY, type(exc).__name__, (str(exc).splitlines() or [""])[0],
        )  # fmt: skip
        return None
    return folder / CONFIG


def _make(sources: list[Source], root: Path, folder: Path) -> None:
    """Convert into a temporary folder, then give it its key (under the caller's lock).
    What is there already is stale: a killed conversion, or one of older fonts or an
    older recipe (a Chromium still printing with it keeps its open files)."""
    for stale in root.iterdir():
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
    log.warning("converting %s to TrueType for printing (once)", SOURCE_FAMILY)
    staging = Path(tempfile.mkdtemp(prefix=".new-", dir=root))
    try:
        staging.chmod(0o755)
        _convert(sources, staging)
        (staging / CONFIG).write_text(config_text(), encoding="utf-8")
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
