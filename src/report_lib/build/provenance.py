"""Where a build comes from: the commit, the build date (never the wall clock) and, per
report, the sources its header names and the versions of the tools that made it."""

from __future__ import annotations

import csv
import os
import platform
import subprocess
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

from report_lib.build.manifest import outputs_of
from report_lib.build.reports import Report
from report_lib.paths import Layout
from report_lib.render.i18n import UNKNOWN

PACKAGES = ("pandas", "matplotlib", "seaborn", "papermill", "nbconvert", "playwright")


def _git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else ""


def revision(root: Path) -> str:
    """The commit the reports were built from; '-dirty' when tracked files differ."""
    commit = _git(root, "rev-parse", "HEAD")
    if not commit:
        return UNKNOWN
    return commit + (
        "-dirty" if _git(root, "status", "--porcelain", "--untracked-files=no") else ""
    )


def build_date(root: Path) -> str:
    """SOURCE_DATE_EPOCH, else the commit time: never the wall clock, so builds repeat."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH") or _git(root, "log", "-1", "--format=%ct")
    return time.strftime("%Y-%m-%d", time.gmtime(int(epoch))) if epoch else UNKNOWN


def _charted_sources(tables: Path) -> set[str]:
    """The sources a report's charts drew on, read from the tables they plotted."""
    used: set[str] = set()
    for path in sorted(tables.glob("*.csv")):
        with path.open(encoding="utf-8") as handle:
            used |= {row["source_id"] for row in csv.DictReader(handle) if row.get("source_id")}
    return used


def provenance(
    report: Report, layout: Layout, rev: str, date: str, tables: Path | None = None
) -> dict[str, Any]:
    """What the report's header and footer say of where it comes from: its sources (the
    release it is about, and those its charts drew on; all of them if it names none).
    `tables`: where its chart tables are, if not yet in out/ (a worker's work folder)."""
    named = _charted_sources(tables or layout.out / outputs_of(report)["tables"])
    if isinstance(report.parameters.get("source"), str):
        named.add(report.parameters["source"])
    zh = report.lang == "zh"
    title, publisher = ("title_zh", "publisher_zh") if zh else ("title", "publisher")
    with (layout.processed / "sources.csv").open(encoding="utf-8") as handle:
        sources = [
            {
                "id": r["source_id"],
                "title": r[title],
                "publisher": r[publisher],
                "date": r["date"],
                "files": [{"name": r["file"], "sha256": r["sha256"]}],
            }
            for r in csv.DictReader(handle)
            if not named or r["source_id"] in named
        ]
    return {
        "title": report.title,
        "summary": report.summary,
        "lang": report.lang,
        "sources": sources,
        "parameters": report.parameters,
        "revision": rev,
        "versions": {"python": platform.python_version(), **{p: version(p) for p in PACKAGES}},
        "build_date": date,
    }
