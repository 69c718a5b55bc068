"""Publishing the last good build to a folder the intranet serves, atomically."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from report_lib.errors import DataError


def publish(out: Path, target: Path) -> list[str]:
    """Copy index, HTML and PDF to a new release folder beside `target`, then point
    `target` (a symbolic link) at it in one rename, so a reader sees the old site or the
    new one, never a mix. Refuses after a failed or partial build."""
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise DataError(out / "manifest.json", "no build to publish; run `make report`") from None
    if manifest.get("status") != "ok":
        raise DataError(
            out / "manifest.json", f"the last build is {manifest.get('status')}; run `make report`"
        )
    files = ["index.html"]
    for report in manifest["reports"]:
        files += [report["outputs"]["html"], report["outputs"]["pdf"]]
    target = target.absolute()
    if target.exists() and not target.is_symlink():
        raise DataError(target, "exists and is not a link made by publish; choose another folder")
    releases = target.with_name(f".{target.name}.releases")
    releases.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{manifest['revision'][:12]}-", dir=releases))
    staging.chmod(0o755)
    for name in files:
        source = out / name
        if not source.is_file():
            raise DataError(source, "missing; run `make report`")
        shutil.copy2(source, staging / name)
    _swap(staging, target, releases)
    return files


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
