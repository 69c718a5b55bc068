"""The index page, built from the manifest: every title, summary and link escaped, every
link built from a checked id."""

from __future__ import annotations

from typing import Any

import jinja2

from report_lib import atomic
from report_lib.paths import BUILD_TEMPLATES, Layout


def _source_dates(report: dict[str, Any]) -> str:
    dates = sorted({s["date"] for s in report.get("sources", [])})
    return " – ".join(dict.fromkeys([dates[0], dates[-1]])) if dates else ""


def _groups(reports: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Reports by their group, groups in the order they first appear (reports.yml's)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for report in reports:
        groups.setdefault(report.get("group") or "Reports", []).append(report)
    return list(groups.items())


def write_index(layout: Layout, manifest: dict[str, Any]) -> None:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(BUILD_TEMPLATES), autoescape=True)
    reports = [{**r, "source_date": _source_dates(r)} for r in manifest["reports"]]
    html = env.get_template("index.html.j2").render(
        manifest={**manifest, "reports": reports}, groups=_groups(reports)
    )
    atomic.write_text(layout.index, html)
