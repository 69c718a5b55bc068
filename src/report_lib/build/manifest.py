"""outputs/manifest.json: what the last build made of each report, with the keys of its
inputs. Written after every report, so a killed build leaves an honest record: its status
stays 'building' until the index is written, and such a build is never published."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from report_lib import atomic, ids, language
from report_lib.build.reports import Report
from report_lib.paths import Layout
from report_lib.render import links

OK = "ok"
BUILDING = "building"  # a build is running, or was killed before it wrote the index
FAILED = "failed"
INCOMPLETE = "incomplete"
# While a build runs: the reports it (or a killed build before it) has rebuilt, whose
# changes still stand against the last build that ended; gone once a build ends.
UNSETTLED = "unsettled"


def unsettled(manifest: dict[str, Any]) -> set[str]:
    """The reports a killed build left unsettled (none if the last build ended)."""
    if manifest.get("status") != BUILDING or not isinstance(manifest.get(UNSETTLED), list):
        return set()
    return {key for key in manifest[UNSETTLED] if isinstance(key, str)}


def outputs_of(report: Report) -> dict[str, str]:
    """Where a report's outputs live, relative to outputs/; built from its checked id and
    language (links.py makes the same names)."""
    return {
        "notebook": f"notebooks/{report.key}.ipynb",
        "html": links.report_page(report.id, report.lang),
        "pdf": links.report_pdf(report.id, report.lang),
        "tables": links.table_folder(report.id, report.lang),
    }


def entry_key(entry: dict[str, Any]) -> str | None:
    """The key of a manifest entry ('overview.zh'), or None for one no build wrote."""
    lang = entry.get("lang", language.DEFAULT)
    if not ids.is_valid(entry.get("id")) or lang not in language.LANGUAGES:
        return None
    return f"{entry['id']}{language.suffix(lang)}"


def report_of(entry: dict[str, Any]) -> Report | None:
    """A manifest entry as a report (id and language only), for naming its outputs."""
    if entry_key(entry) is None:
        return None
    return Report(entry["id"], Path(), "", "", lang=entry.get("lang", language.DEFAULT))


def empty() -> dict[str, Any]:
    return {"status": INCOMPLETE, "reports": []}


def _well_formed(manifest: object) -> bool:
    if not isinstance(manifest, dict) or not isinstance(manifest.get("reports"), list):
        return False
    return all(
        isinstance(e, dict) and isinstance(e.get("id"), str) and isinstance(e.get("outputs"), dict)
        for e in manifest["reports"]
    )


def read_manifest(layout: Layout, *, warn: bool = False) -> dict[str, Any]:
    """The last build's record; a missing or malformed one counts as no build at all
    (with `warn`, a malformed one says so in one line), so everything is rebuilt."""
    path = layout.manifest
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return empty()
    except (OSError, ValueError):
        manifest = None
    if not _well_formed(manifest):
        if warn:
            print(f"warning: {path} is malformed; rebuilding every report", file=sys.stderr)
        return empty()
    return manifest


def write_manifest(layout: Layout, manifest: dict[str, Any]) -> None:
    atomic.write_text(layout.manifest, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
