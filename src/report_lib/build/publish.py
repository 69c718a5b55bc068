"""Publishing the last good build to a folder a web server serves: exactly what its
manifest lists (the index and its downloads, each report's HTML, PDF and chart tables),
never a stale or failed output, copied into a new release folder that is then shown in
one rename (see `releases`). One publish per site at a time (a lock in its releases
folder), and none while a build of the checkout writes outputs/ (the build's lock)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from report_lib import ids
from report_lib.build import lock, releases
from report_lib.build.manifest import OK, outputs_of, report_of
from report_lib.errors import DataError
from report_lib.language import LANGUAGES
from report_lib.paths import BUILD_LOCK, Layout, contained
from report_lib.render.links import index_page

TABLE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}\.csv")
PUBLISHED = ("html", "pdf", "tables")


def publish(
    layout: Layout, target: Path | str, wait_s: float = lock.DEFAULT_WAIT_S
) -> tuple[Path, list[str]]:
    """Publish the build in `layout.out` to `target`; returns the release shown and the
    files it holds. Refuses a build that is not 'ok', and any target publish did not make."""
    place = releases.site(target)
    with lock.held(place.lock, "publish", wait_s):
        with lock.held(layout.root / BUILD_LOCK, "publish", wait_s):
            manifest = _last_good(layout)
            files = site_files(layout.out, manifest)
            record = {"revision": str(manifest.get("revision")), "files": files}
            staging = releases.stage(place, record)
            _copy(layout.out, files, staging)
        shown = releases.release(place, staging)
        releases.prune(place)
    return shown, files


def rollback(target: Path | str, wait_s: float = lock.DEFAULT_WAIT_S) -> Path:
    """Show the release before the current one again, in one rename; returns it."""
    place = releases.site(target)
    if not place.releases.is_dir():
        raise DataError(place.link, "nothing published here by publish; nothing to roll back")
    with lock.held(place.lock, "rollback", wait_s):
        earlier = releases.previous(place)
        releases.show(place, earlier)
    return earlier


def _last_good(layout: Layout) -> dict[str, Any]:
    path = layout.manifest
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise DataError(path, "no build to publish; run `make report`") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("reports"), list):
        raise DataError(path, "malformed; run `make report`", field="reports")
    if manifest.get("status") != OK:
        raise DataError(path, f"the last build is {manifest.get('status')}; run `make report`")
    return manifest


def site_files(out: Path, manifest: dict[str, Any]) -> list[str]:
    """What the manifest lists, relative to `out`, each file proven to be inside it."""
    indexes = [index_page(lang) for lang in LANGUAGES]
    files = [*indexes, *_downloads(out, manifest.get("downloads", []))]
    for entry in manifest["reports"]:
        files += _report_files(out, entry)
    for name in files:
        if not contained(out, name).is_file():
            raise DataError(out / name, "missing; run `make report`")
    return files


def _downloads(out: Path, names: object) -> list[str]:
    """The site's own downloads (figures.csv): CSV files directly in `out`, names checked."""
    if not isinstance(names, list) or not all(
        isinstance(name, str) and TABLE.fullmatch(name) for name in names
    ):
        message = f"{names!r:.60} are not CSV names"
        raise DataError(out / "manifest.json", message, field="downloads")
    return names


def _report_files(out: Path, entry: object) -> list[str]:
    """A report's HTML, PDF and tables, named from its checked id: the manifest's own
    paths must be exactly those, or the manifest is not one a build wrote."""
    manifest = out / "manifest.json"
    if not isinstance(entry, dict):
        raise DataError(manifest, f"{entry!r:.60} is not a report's record", field="reports")
    report_id = ids.check(entry.get("id"), manifest, "id")
    report = report_of(entry)
    if report is None:
        raise DataError(manifest, f"report {report_id}: unknown language", field="lang")
    expected = outputs_of(report)
    outputs = entry.get("outputs")
    if not isinstance(outputs, dict) or any(outputs.get(k) != expected[k] for k in PUBLISHED):
        raise DataError(
            manifest, f"report {report_id}: not where a build puts its outputs", field="outputs"
        )
    return [expected["html"], expected["pdf"], *_tables(out, expected["tables"])]


def _tables(out: Path, folder: str) -> list[str]:
    """The chart tables (CSV) in a report's table folder, each name checked."""
    tables = contained(out, folder)
    if not tables.is_dir():
        raise DataError(out / folder, "missing; run `make report`")
    names = sorted(path.name for path in tables.iterdir() if path.suffix == ".csv")
    for name in names:
        if not TABLE.fullmatch(name):
            raise DataError(tables / name, f"not a chart table's name ({TABLE.pattern})")
    return [f"{folder}/{name}" for name in names]


def _copy(out: Path, files: list[str], staging: Path) -> None:
    for name in files:
        destination = contained(staging, name)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(contained(out, name), destination)
        destination.chmod(0o644)  # the web server reads as another user
