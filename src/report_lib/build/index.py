"""The index page, built from the manifest: each report with its build date, what it
covers and what changed since the previous build, its PDF and chart data, and the figures
CSV. Autoescaped; every link built from a checked id or name (render/links.py); the
interface strings from render/i18n.py, the Chinese text marked as on the report pages."""

from __future__ import annotations

from typing import Any

import jinja2
from markupsafe import Markup

from report_lib import atomic, ids
from report_lib.data.dataset import SOURCES_CSV, load_figures, load_table
from report_lib.data.reference import load_reference
from report_lib.errors import DataError
from report_lib.language import N_
from report_lib.paths import BUILD_TEMPLATES, Layout
from report_lib.render import i18n, links
from report_lib.render.chinese import mark_chinese
from report_lib.report import summary

CHANGE_LABELS = {
    "new": N_("new"),
    "data": N_("data changed"),
    "notebook": N_("notebook changed"),
    "code": N_("code changed"),
    "layout": N_("layout changed"),
    "failed": N_("not rebuilt: the update failed"),
}


def _source_dates(report: dict[str, Any]) -> str:
    dates = sorted({s["date"] for s in report.get("sources", []) if isinstance(s, dict)})
    return " – ".join(dict.fromkeys([dates[0], dates[-1]])) if dates else ""


def _changes(entry: dict[str, Any], _) -> Markup:
    kinds = entry.get("changes")
    if not isinstance(kinds, list):
        return ""  # a manifest from before changes were recorded
    named = [_(CHANGE_LABELS[k]) for k in kinds if k in CHANGE_LABELS]
    return Markup(", ").join(named) if named else _("unchanged")


def _code(value: str) -> Markup:
    return Markup('<code class="hash">{}</code>').format(value)


def _report(layout: Layout, entry: dict[str, Any], lang: str, _) -> dict[str, Any] | None:
    """What the index shows of one manifest entry; None for an entry without a valid id."""
    report_id = entry.get("id")
    if not ids.is_valid(report_id):
        return None
    tables = links.table_names(layout.out / links.table_folder(report_id))
    return {
        "title": str(entry.get("title") or report_id),
        "group": str(entry.get("group") or ""),
        "summary": str(entry.get("summary") or ""),
        "href": links.report_page(report_id, lang),
        "pdf": links.report_pdf(report_id, lang),
        "build_date": str(entry.get("build_date") or ""),
        "changes": _changes(entry, _),
        "source_dates": _source_dates(entry),
        "tables": [(links.table_csv(report_id, name), links.table_label(name)) for name in tables],
    }


def _groups(reports: list[dict[str, Any]], _) -> list[tuple[str, list[dict[str, Any]]]]:
    """Reports by their group, groups in the order they first appear (reports.yml's)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for report in reports:
        groups.setdefault(report["group"] or str(_("Reports")), []).append(report)
    return list(groups.items())


def site_summary(layout: Layout) -> summary.Summary | None:
    """Key figures and findings of the whole dataset, read from data/processed (the build
    never re-runs a notebook for the index); None before the data step has run."""
    if not (layout.processed / SOURCES_CSV).is_file():
        return None
    try:
        figures = load_figures(layout.processed)
        sources = load_table(SOURCES_CSV, layout.processed)
        labels = summary.Labels.of(load_reference(layout.reference), sources)
    except DataError:
        return None
    return summary.for_site(figures, labels)


def render_index(layout: Layout, manifest: dict[str, Any], lang: str = i18n.DEFAULT) -> str:
    """The index page's HTML for `manifest`, its shell in `lang`."""
    _ = i18n.translator(lang)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(BUILD_TEMPLATES), autoescape=True)
    env.globals.update(_=_, links=links, time_tag=i18n.time_tag, code=_code)
    reports = [_report(layout, entry, lang, _) for entry in manifest["reports"]]
    html = env.get_template("index.html.j2").render(
        lang=i18n.tag(lang),
        shell_lang=lang,
        status=manifest.get("status"),
        revision=str(manifest.get("revision") or ""),
        build_date=str(manifest.get("build_date") or ""),
        groups=_groups([r for r in reports if r], _),
        figures=links.FIGURES_CSV,
        summary=site_summary(layout),
    )
    return mark_chinese(html)


def write_index(layout: Layout, manifest: dict[str, Any]) -> None:
    atomic.write_text(layout.index, render_index(layout, manifest))
