"""The links between the published files (index, report pages, PDFs, CSV downloads), each
built from a checked id or a checked file name: a value that fails its pattern yields no
link at all, so metadata can never smuggle a path, a scheme or markup into an href.

The names match those `build.manifest.outputs_of` gives the files (a test checks)."""

from __future__ import annotations

import re
from pathlib import Path

from report_lib import ids, language
from report_lib.language import N_
from report_lib.render import i18n

FIGURES_CSV = "figures.csv"
TABLE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}\.csv")


def index_page(lang: str = i18n.DEFAULT) -> str:
    return f"index{language.suffix(lang)}.html"


def report_page(report_id: object, lang: str = i18n.DEFAULT) -> str | None:
    """`<id>.html` for the default language, `<id>.<lang>.html` for another."""
    return f"{report_id}{language.suffix(lang)}.html" if ids.is_valid(report_id) else None


def report_pdf(report_id: object, lang: str = i18n.DEFAULT) -> str | None:
    return f"{report_id}{language.suffix(lang)}.pdf" if ids.is_valid(report_id) else None


def other_languages(report_id: object, lang: str = i18n.DEFAULT) -> list[tuple[str, str, str]]:
    """(link, language tag, language name) of the same page in each other shell language:
    the report `report_id`'s, or the index's when it is None."""
    found = []
    for other in language.LANGUAGES:
        href = index_page(other) if report_id is None else report_page(report_id, other)
        if other != lang and href:
            found.append((href, i18n.tag(other), language.NAMES[other]))
    return found


def table_folder(report_id: str, lang: str = i18n.DEFAULT) -> str:
    """Where a report's chart tables are published: tables/<id>, tables/<id>.zh."""
    return f"tables/{ids.check(report_id, 'report id', 'id')}{language.suffix(lang)}"


def table_csv(report_id: object, name: object, lang: str = i18n.DEFAULT) -> str | None:
    """A chart table of a report, published under tables/<id>/ (tables/<id>.zh/)."""
    if not ids.is_valid(report_id) or not isinstance(name, str) or not TABLE.fullmatch(name):
        return None
    return f"{table_folder(report_id, lang)}/{name}"


# The chart tables the notebooks save, by the start of their file name, as a reader
# calls them (shell catalog); a name not listed here reads as its words.
TABLE_KINDS = {
    "summary": N_("Summary"),
    "checks": N_("Checks"),
    "spans": N_("Counts over time"),
    "shares": N_("Shares"),
    "arrests_vs_prosecutions": N_("Arrests vs prosecutions"),
    "prosecuted_per_arrest": N_("Prosecuted per arrest"),
    "online_spread": N_("Online spread"),
    "in_context": N_("In context"),
}


def _kind(name: str) -> str | None:
    stem = name.removesuffix(".csv")
    return next((k for k in TABLE_KINDS if stem == k or stem.startswith(k + "_")), None)


def table_labels(names: list[str], lang: str = i18n.DEFAULT) -> list[tuple[str, str]]:
    """(file name, label) of a report's chart tables, as a reader says them: 'Shares',
    'In context 1', 'In context 2' when one kind repeats (one per release); never the
    file's name, which holds ids. A name of no known kind reads as its words (English)."""
    _ = i18n.translator(lang)
    counts: dict[str | None, int] = {}
    for name in names:
        counts[_kind(name)] = counts.get(_kind(name), 0) + 1
    seen: dict[str, int] = {}
    labelled = []
    for name in names:
        kind = _kind(name)
        if kind is None:
            words = name.removesuffix(".csv").replace("_", " ").replace("-", " ").strip()
            labelled.append((name, words[:1].upper() + words[1:]))
            continue
        label = str(_(TABLE_KINDS[kind]))
        if counts[kind] > 1:
            seen[kind] = seen.get(kind, 0) + 1
            label = f"{label} {seen[kind]}"
        labelled.append((name, label))
    return labelled


def table_names(folder: Path) -> list[str]:
    """The chart tables in a report's table folder whose names can become links."""
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_file() and TABLE.fullmatch(p.name))


def other_reports(
    reports: object, current: object, lang: str = i18n.DEFAULT
) -> list[tuple[str, str]]:
    """(link, title) of every listed report in `lang` but `current`, in the list's order;
    entries without a valid id or a title are left out."""
    found = []
    for report in reports if isinstance(reports, list) else []:
        if not isinstance(report, dict) or report.get("id") == current:
            continue
        if report.get("lang", i18n.DEFAULT) != lang:
            continue
        href, title = report_page(report.get("id"), lang), report.get("title")
        if href and isinstance(title, str) and title:
            found.append((href, title))
    return found
