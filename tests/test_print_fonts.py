"""The Chinese print font (render.fonts): Noto Sans CJK SC converted to TrueType, the
same shapes and widths, used by the printing Chromium only, made once and safely."""

from __future__ import annotations

import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from conftest import poppler_text

from report_lib.render import browser, fonts

# 民 and 人 are the two characters Noto's Type 3 fonts read back as radicals (⺠, ⼈).
CHINESE = "最高人民检察院：侵犯公民个人信息罪，起诉21923人（2019年1月至2022年2月21日）。"
OUTSIDE = "堃"  # in GBK, not in GB 2312: printed from Noto Sans CJK SC itself


@pytest.fixture(scope="module")
def sources() -> list[fonts.Source]:
    found = fonts.find_sources()
    if found is None:
        from conftest import unavailable

        unavailable(f"{fonts.SOURCE_FAMILY} missing (fonts-noto-cjk)")
    return found


@pytest.fixture(scope="module")
def config(sources) -> Path:
    made = fonts.print_config()
    assert made is not None and made.is_file()
    return made


# ---- The converted font --------------------------------------------------------------


def test_the_converted_faces_are_truetype_with_the_sources_widths_and_shapes(sources, config):
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont

    for source in sources:
        original = TTFont(source.path, fontNumber=source.index, lazy=True)
        converted = TTFont(config.parent / fonts.file_name(source))
        assert "glyf" in converted and "CFF " not in converted
        assert converted["name"].getDebugName(1) == fonts.PRINT_FAMILY
        assert converted["name"].getDebugName(2) == source.weight
        old_cmap, new_cmap = original.getBestCmap(), converted.getBestCmap()
        wanted = fonts.characters() & set(old_cmap)
        assert len(wanted) > 7000 and wanted <= set(new_cmap)
        assert set(new_cmap) <= set(old_cmap)  # (and a few glyphs the layout tables reach)
        for table in ("GSUB", "GPOS", "OS/2", "hhea", "vhea"):
            assert table in converted, table
        old_glyphs, new_glyphs = original.getGlyphSet(), converted.getGlyphSet()
        for point in sorted(new_cmap):  # every width: the lines break where they did
            assert new_glyphs[new_cmap[point]].width == old_glyphs[old_cmap[point]].width
        for point in sorted(wanted)[::97]:  # a sample of shapes, to 1 font unit (of 1000)
            boxes = []
            for glyphs, cmap in ((old_glyphs, old_cmap), (new_glyphs, new_cmap)):
                pen = BoundsPen(glyphs)
                glyphs[cmap[point]].draw(pen)
                boxes.append(pen.bounds)
            if boxes[0] is None:
                assert boxes[1] is None, chr(point)
            else:
                gaps = [abs(a - b) for a, b in zip(*boxes, strict=True)]
                assert max(gaps) <= 1.5, (chr(point), boxes)


@pytest.mark.parametrize("moved", [False, True], ids=["in place", "environment moved"])
def test_fontconfig_puts_the_converted_family_first_and_falls_back_to_noto(config, moved, tmp_path):
    if moved:
        config = shutil.copytree(config.parent, tmp_path / "elsewhere") / config.name

    def match(pattern: str) -> str:
        env = {"FONTCONFIG_FILE": str(config), "PATH": "/usr/bin:/bin"}
        return subprocess.run(
            ["fc-match", "-f", "%{family[0]}|%{style[0]}", pattern],
            capture_output=True, text=True, check=True, env=env,
        ).stdout  # fmt: skip

    for weight in fonts.WEIGHTS:
        assert match(f"{fonts.SOURCE_FAMILY}:style={weight}") == f"{fonts.PRINT_FAMILY}|{weight}"
    outside = f"{fonts.SOURCE_FAMILY}:charset={ord(OUTSIDE):x}"
    assert match(outside).split("|")[0] == fonts.SOURCE_FAMILY
    assert match("DejaVu Sans").split("|")[0] == "DejaVu Sans"  # the rest unchanged


# ---- Printing with it ----------------------------------------------------------------


def _page(text: str) -> str:
    style = "font-family:'Liberation Sans','DejaVu Sans','Noto Sans CJK SC',sans-serif"
    body = "".join(
        f'<p style="{style}{weight}"><span>{text}</span></p>'
        for weight in ("", ";font-weight:bold")
    )
    return f'<html lang="zh-Hans"><head><title>t</title></head><body>{body}</body></html>'


def test_a_chinese_page_prints_as_truetype_and_reads_back_as_itself(
    config, chromium, poppler, tmp_path
):
    with browser.PdfPrinter(chromium) as printer:
        pdf_bytes = printer.print_pdf(_page(CHINESE + OUTSIDE))
    pdf = tmp_path / "page.pdf"
    pdf.write_bytes(pdf_bytes)
    listed = poppler_text("pdffonts", pdf).splitlines()[2:]
    converted = [line for line in listed if fonts.PRINT_FAMILY.replace(" ", "") in line]
    assert len(converted) == 2 and all("CID TrueType" in line for line in converted), listed
    text = poppler_text("pdftotext", pdf).replace("\n", "")
    assert text.count(CHINESE) == 2, text
    assert text.count(OUTSIDE) == 2, text  # the character outside the converted set


def test_a_chinese_page_lays_out_the_same_with_either_font(config, chromium):
    """Every line as wide as with Noto Sans CJK SC itself (the machine's fonts)."""
    from playwright.sync_api import sync_playwright

    widths = []
    with sync_playwright() as playwright:
        for options in (
            browser.launch_options(chromium),
            {"executable_path": chromium, "args": browser.launch_args()},
        ):
            opened = playwright.chromium.launch(**options)
            page = opened.new_page()
            page.set_content(_page(CHINESE * 3))
            widths.append(
                page.eval_on_selector_all(
                    "span", "spans => spans.map(s => s.getBoundingClientRect().width)"
                )
            )
            opened.close()
    assert widths[0] == widths[1] and all(w > 100 for w in widths[0]), widths


# ---- Made once, safely ---------------------------------------------------------------


@pytest.fixture
def fake_sources(monkeypatch, tmp_path) -> list[str]:
    """Sources that are small files here, and a conversion that records its calls."""
    made: list[str] = []
    source_files = []
    for weight in fonts.WEIGHTS:
        path = tmp_path / f"{weight}.ttc"
        path.write_bytes(b"font")
        source_files.append(fonts.Source(weight, path, 2))

    def convert(sources, folder: Path) -> None:
        made.append(folder.name)
        threading.Event().wait(0.3)  # long enough for a second caller to arrive
        for source in sources:
            (folder / fonts.file_name(source)).write_bytes(b"converted")

    monkeypatch.setattr(fonts, "find_sources", lambda: source_files)
    monkeypatch.setattr(fonts, "_convert", convert)
    return made


def test_two_builds_at_once_convert_once_and_agree(fake_sources, tmp_path):
    root = tmp_path / "fonts"
    answers: list[Path | None] = []
    callers = [
        threading.Thread(target=lambda: answers.append(fonts.print_config(root))) for _ in range(2)
    ]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join()
    assert len(fake_sources) == 1
    assert answers[0] == answers[1] and answers[0].is_file()
    assert sorted(p.name for p in answers[0].parent.iterdir()) == sorted(
        [fonts.CONFIG, *(f"{fonts.PRINT_FAMILY.replace(' ', '')}-{w}.ttf" for w in fonts.WEIGHTS)]
    )


def test_a_killed_conversion_leaves_nothing_used_and_is_cleared(fake_sources, tmp_path):
    root = tmp_path / "fonts"
    half = root / ".new-killed"
    half.mkdir(parents=True)
    (half / "ReportPrintSansSC-Regular.ttf").write_bytes(b"half")
    config = fonts.print_config(root)
    assert not half.exists()
    assert config is not None and config.parent.name != half.name
    assert not config.parent.name.startswith(".")


def test_a_failed_conversion_leaves_no_folder_and_prints_with_noto(
    monkeypatch, fake_sources, tmp_path, caplog
):
    def broken(sources, folder):
        (folder / "half.ttf").write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(fonts, "_convert", broken)
    root = tmp_path / "fonts"
    with caplog.at_level("WARNING", logger=fonts.__name__):
        assert fonts.print_config(root) is None
    assert [p.name for p in root.iterdir()] == [".lock"]
    (line,) = [r.getMessage() for r in caplog.records if "could not" in r.getMessage()]
    assert "OSError: disk full" in line and "\n" not in line


def test_a_folder_it_cannot_write_leaves_the_machine_s_fonts(fake_sources, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert fonts.print_config(blocked / "fonts") is None


def test_an_interrupted_conversion_leaves_no_folder(monkeypatch, fake_sources, tmp_path):
    def interrupted(sources, folder):
        (folder / "half.ttf").write_bytes(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(fonts, "_convert", interrupted)
    root = tmp_path / "fonts"
    with pytest.raises(KeyboardInterrupt):
        fonts.print_config(root)
    assert [p.name for p in root.iterdir()] == [".lock"]


def test_a_changed_source_font_is_converted_again(fake_sources, tmp_path):
    root = tmp_path / "fonts"
    first = fonts.print_config(root)
    assert fonts.print_config(root) == first and len(fake_sources) == 1
    source = fonts.find_sources()[0].path
    source.write_bytes(b"a newer font")  # a package upgrade
    second = fonts.print_config(root)
    assert second != first and len(fake_sources) == 2
    assert not first.parent.exists()  # the old conversion is not kept


def test_without_noto_cjk_chromium_keeps_the_machines_fonts(monkeypatch, chromium, tmp_path):
    monkeypatch.setattr(fonts, "find_sources", lambda: None)
    assert fonts.print_config(tmp_path) is None
    assert "env" not in browser.launch_options(chromium)
    assert not any(tmp_path.iterdir())


def test_the_fontconfig_file_escapes_the_configuration_it_includes(monkeypatch):
    monkeypatch.setenv("FONTCONFIG_FILE", "/etc/a&b<c>.conf")
    text = fonts.config_text()
    assert "/etc/a&amp;b&lt;c&gt;.conf" in text and "a&b<c>" not in text


def test_a_chinese_running_title_reads_back_whole(config, chromium, poppler, tmp_path):
    """Full-width punctuation side by side ("）：") stays on one line in the header."""
    title = "测试（虚构）：2020年至2025年网络冒名顶替起诉"
    page = _page(CHINESE).replace("<title>t</title>", f"<title>{title}</title>")
    with browser.PdfPrinter(chromium) as printer:
        (tmp_path / "page.pdf").write_bytes(printer.print_pdf(page))
    assert title in poppler_text("pdftotext", tmp_path / "page.pdf")
