"""The index page, built from the manifest: every title, summary and link escaped, every
link built from a checked id."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from report_lib import atomic, ids
from report_lib.build.manifest import outputs_of
from report_lib.build.reports import Report
from report_lib.paths import BUILD_TEMPLATES, Layout


def _source_dates(report: dict[str, Any]) -> str:
    dates = sorted({s["date"] for s in report.get("sources", [])})
    return " – ".join(dict.fromkeys([dates[0], dates[-1]])) if dates else ""


def _links(report: dict[str, Any], layout: Layout) -> dict[str, str]:
    """Relative links made from the report's id, checked again here: the manifest is a
    file on disk, and its own 'outputs' are never trusted to be links."""
    report_id = ids.check(report.get("id"), layout.manifest, "id")
    return outputs_of(Report(report_id, Path(), "", ""))


def _groups(reports: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Reports by their group, groups in the order they first appear (reports.yml's)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for report in reports:
        groups.setdefault(report.get("group") or "Reports", []).append(report)
    return list(groups.items())


def write_index(layout: Layout, manifest: dict[str, Any]) -> None:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(BUILD_TEMPLATES), autoescape=True)
    reports = [
        {**r, "links": _links(r, layout), "source_date": _source_dates(r)}
        for r in manifest["reports"]
    ]
    html = env.get_template("index.html.j2").render(
        manifest={**manifest, "reports": reports}, groups=_groups(reports)
    )
    atomic.write_text(layout.index, html)
