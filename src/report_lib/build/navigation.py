"""What a report page's shell needs to know of the site: its id and language, the other
reports (for the navigation, in every language) and its chart tables (for the data menu).
Added to the metadata the page is rendered from; the links themselves are built from
these by render/links.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from report_lib.build.reports import Report
from report_lib.render.links import table_names


def listing(reports: list[Report]) -> list[dict[str, str]]:
    """The reports every page's navigation lists: part of each page's render key."""
    return [{"id": r.id, "title": r.title, "lang": r.lang} for r in reports]


def page_metadata(report: Report, site: list[dict[str, str]], tables: Path) -> dict[str, Any]:
    """`site`: the listing of every report; `tables`: the folder of the report's chart
    tables (a worker's work folder before they are moved into out/)."""
    return {
        "id": report.id,
        "lang": report.lang,
        "site": {"reports": site, "tables": table_names(tables)},
    }
