"""Publishing the last good build to a folder the intranet serves, atomically."""

from __future__ import annotations

import json
import os
import shutil
import string
import tempfile
from pathlib import Path

from report_lib import ids
from report_lib.build.manifest import outputs_of
from report_lib.build.reports import Report
from report_lib.errors import DataError
from report_lib.paths import contained


def publish(out: Path, target: Path) -> list[str]:
    """Copy index, HTML and PDF to a new release folder beside `target`, then point
    `target` (a symbolic link) at it in one rename, so a reader sees the old site or the
    new one, never a mix. Refuses after a failed or partial build."""
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise DataError(out / "manifest.json", "no build to publish; run `make report`") from None
    status = manifest.get("status") if isinstance(manifest, dict) else "unreadable"
    if status != "ok":
        raise DataError(out / "manifest.json", f"the last build is {status}; run `make report`")
    files = ["index.html"] + [name for report in _reports(out, manifest) for name in report]
    sources = [contained(out, name) for name in files]  # a link in out/ must not publish
    for source in sources:
        if not source.is_file():
            raise DataError(source, "missing; run `make report`")
    target = target.absolute()
    if target.exists() and not target.is_symlink():
        raise DataError(target, "exists and is not a link made by publish; choose another folder")
    releases = target.with_name(f".{target.name}.releases")
    releases.mkdir(parents=True, exist_ok=True)
    revision = "".join(c for c in str(manifest.get("revision"))[:12] if c in string.hexdigits)
    staging = Path(tempfile.mkdtemp(prefix=f"{revision}-", dir=releases))
    staging.chmod(0o755)
    for name, source in zip(files, sources, strict=True):
        shutil.copy2(source, staging / name)
    _swap(staging, target, releases)
    return files


def _reports(out: Path, manifest: dict) -> list[tuple[str, str]]:
    """Each report's HTML and PDF, named from its checked id: the manifest is a file on
    disk, and the paths it records are never used as they are."""
    reports = manifest.get("reports")
    if not isinstance(reports, list):
        raise DataError(out / "manifest.json", "no list of reports", field="reports")
    named = []
    for report in reports:
        report_id = report.get("id") if isinstance(report, dict) else None
        checked = ids.check(report_id, out / "manifest.json", "id")
        outputs = outputs_of(Report(checked, Path(), "", ""))
        named.append((outputs["html"], outputs["pdf"]))
    return named


def _swap(staging: Path, target: Path, releases: Path) -> None:
    """Point `target`, a symbolic link, at the new release in one rename: readers see the
    old site or the new one. Old releases are removed only after the swap."""
    link = releases / f".link-{os.getpid()}"
    link.unlink(missing_ok=True)
    link.symlink_to(staging)
    os.replace(link, target)
    for release in releases.iterdir():
        if release != staging:
            shutil.rmtree(release, ignore_errors=True)
