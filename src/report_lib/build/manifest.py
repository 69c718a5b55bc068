"""outputs/manifest.json: what the last build made of each report, with the keys of its
inputs. Written after every report, so a killed build leaves an honest record: its status
stays 'building' until the index is written, and such a build is never published."""

from __future__ import annotations

import json
import sys
from typing import Any

from report_lib import atomic
from report_lib.build.reports import Report
from report_lib.paths import Layout

OK = "ok"
BUILDING = "building"  # a build is running, or was killed before it wrote the index
FAILED = "failed"
INCOMPLETE = "incomplete"


def outputs_of(report: Report) -> dict[str, str]:
    """Where a report's outputs live, relative to outputs/; built from its checked id."""
    return {
        "notebook": f"notebooks/{report.id}.ipynb",
        "html": f"{report.id}.html",
        "pdf": f"{report.id}.pdf",
        "tables": f"tables/{report.id}",
    }


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
