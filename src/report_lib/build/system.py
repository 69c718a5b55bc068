"""The programs outside Python that the reports and tests need, and the Debian
packages that bring them, so that set-up can install exactly what is missing."""

from __future__ import annotations

import os
import shutil
import subprocess

from report_lib.language import CJK_FAMILY

POPPLER_TOOLS = ("pdftotext", "pdfinfo", "pdffonts", "pdftoppm")
LATIN_FAMILY = "DejaVu Sans"  # the charts' SVG text asks the browser for it (report.style)
# Where Debian puts nginx: not on a normal user's PATH.
SBIN = ("/usr/sbin", "/sbin")


def _has_chromium() -> bool:
    from report_lib.render.browser import BrowserNotFound, find_chromium

    try:
        find_chromium()
    except BrowserNotFound:
        return False
    return True


def _has_font(family: str) -> bool:
    if shutil.which("fc-list") is None:
        return False
    listed = subprocess.run(["fc-list", family], capture_output=True, text=True, check=False)
    return bool(listed.stdout.strip())


def find_nginx() -> str | None:
    """The web server the publish load test serves a site with."""
    return shutil.which("nginx") or shutil.which("nginx", path=os.pathsep.join(SBIN))


def missing_packages() -> list[str]:
    """Debian packages to install for what is missing, in install order."""
    checks = (
        ("chromium", _has_chromium),
        ("poppler-utils", lambda: all(shutil.which(tool) for tool in POPPLER_TOOLS)),
        ("fonts-dejavu-core", lambda: _has_font(LATIN_FAMILY)),
        ("fonts-noto-cjk", lambda: _has_font(CJK_FAMILY)),
        ("nginx", lambda: find_nginx() is not None),
    )
    return [package for package, present in checks if not present()]
