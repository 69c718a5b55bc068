"""Screenshots of every built page at a phone's width and a desktop's, for whoever reviews
a build: `make screenshots` writes outputs/screenshots/<page>-<width>.png (the page test
writes the same files for the pages it checks).

    python -m report_lib.build.screenshots [OUT [DEST]]"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from report_lib.build.manifest import outputs_of, report_of
from report_lib.language import LANGUAGES
from report_lib.paths import MANIFEST, OUTPUTS, contained
from report_lib.render.links import index_page

WIDTHS = (390, 1280)
HEIGHT = 900


def pages(out: Path) -> list[Path]:
    """The index and every report page the manifest of `out` lists, in every language."""
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    listed = [report_of(e) for e in manifest.get("reports", []) if isinstance(e, dict)]
    indexes = [out / index_page(lang) for lang in LANGUAGES]
    return indexes + [out / outputs_of(r)["html"] for r in listed if r is not None]


def path_for(dest: Path, page: Path, width: int) -> Path:
    return contained(dest, f"{page.stem}-{width}.png")


def take_all(out: Path, dest: Path) -> list[Path]:
    """Screenshot every page at every width; `dest` then holds exactly these (no
    screenshot of a page since removed is left to be mistaken for a current one)."""
    from playwright.sync_api import sync_playwright

    from report_lib import atomic
    from report_lib.render.browser import find_chromium, launch_options

    shots: dict[str, bytes] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_options(find_chromium()))
        try:
            for page_path in pages(out):
                for width in WIDTHS:
                    page = browser.new_page(viewport={"width": width, "height": HEIGHT})
                    page.goto(page_path.resolve().as_uri(), wait_until="load")
                    name = path_for(dest, page_path, width).name
                    shots[name] = page.screenshot(full_page=True)
                    page.close()
        finally:
            browser.close()
    atomic.replace_folder(dest, shots)
    return [dest / name for name in shots]


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else OUTPUTS
    dest = Path(argv[1]) if len(argv) > 1 else out / "screenshots"
    written = take_all(out, dest)
    print(f"screenshots: {len(written)} written to {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
