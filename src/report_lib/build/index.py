"""The index page, built from the manifest: each report with its build date, what it
covers and what changed since the previous build, its PDF and chart data, and the figures
CSV. Autoescaped; every link built from a checked id or name (render/links.py); the
interface strings from render/i18n.py, the Chinese text marked as on the report pages."""

from __future__ import annotations

from typing import Any

import jinja2
from markupsafe import Markup

from report_lib import atomic, ids, language
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


def _source_dates(report: dict[str, Any], lang: str) -> str:
    """The first and last date of a report's sources: '2022-02-21 – 2023-03-02',
    '2022年2月21日至2023年3月2日'."""
    dates = sorted({s["date"] for s in report.get("sources", []) if isinstance(s, dict)})
    if not dates:
        return ""
    shown = [language.date_text(d, lang) for d in dict.fromkeys([dates[0], dates[-1]])]
    return language.PUNCTUATION[lang]["range"].join(shown)


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
    tables = links.table_names(layout.out / links.table_folder(report_id, lang))
    return {
        "title": str(entry.get("title") or report_id),
        "group": str(entry.get("group") or ""),
        "summary": str(entry.get("summary") or ""),
        "href": links.report_page(report_id, lang),
        "pdf": links.report_pdf(report_id, lang),
        "build_date": str(entry.get("build_date") or ""),
        "changes": _changes(entry, _),
        "source_dates": _source_dates(entry, lang),
        "tables": [
            (links.table_csv(report_id, name, lang), label)
            for name, label in links.table_labels(tables, lang)
        ],
    }


def _groups(reports: list[dict[str, Any]], _) -> list[tuple[str, list[dict[str, Any]]]]:
    """Reports by their group, groups in the order they first appear (reports.yml's)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for report in reports:
        groups.setdefault(report["group"] or str(_("Reports")), []).append(report)
    return list(groups.items())


def site_summary(layout: Layout, lang: str = i18n.DEFAULT) -> summary.Summary | None:
    """Key figures and findings of the whole dataset, read from data/processed (the build
    never re-runs a notebook for the index); None before the data step has run."""
    if not (layout.processed / SOURCES_CSV).is_file():
        return None
    try:
        figures = load_figures(layout.processed)
        sources = load_table(SOURCES_CSV, layout.processed)
        labels = summary.Labels.of(load_reference(layout.reference), sources, lang)
    except DataError:
        return None
    return summary.for_site(figures, labels, lang)


def render_index(layout: Layout, manifest: dict[str, Any], lang: str = i18n.DEFAULT) -> str:
    """The index page's HTML for `manifest`, its shell in `lang`."""
    _ = i18n.translator(lang)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(BUILD_TEMPLATES), autoescape=True)
    time_tag = lambda value: i18n.time_tag(value, lang)  # noqa: E731
    env.globals.update(_=_, links=links, time_tag=time_tag, code=_code)
    mine = [e for e in manifest["reports"] if e.get("lang", i18n.DEFAULT) == lang]
    reports = [_report(layout, entry, lang, _) for entry in mine]
    html = env.get_template("index.html.j2").render(
        lang=i18n.tag(lang),
        shell_lang=lang,
        status=manifest.get("status"),
        revision=str(manifest.get("revision") or ""),
        build_date=str(manifest.get("build_date") or ""),
        groups=_groups([r for r in reports if r], _),
        figures=links.FIGURES_CSV,
        summary=site_summary(layout, lang),
    )
    return mark_chinese(html)


def write_index(layout: Layout, manifest: dict[str, Any]) -> None:
    """The index in every language: index.html, index.zh.html."""
    for lang in language.LANGUAGES:
        atomic.write_text(layout.out / links.index_page(lang), render_index(layout, manifest, lang))
