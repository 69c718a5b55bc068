"""The site around the reports: the index page built from the manifest, and
publishing it atomically to a folder the intranet serves."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import jinja2

from report_lib import atomic
from report_lib.errors import DataError

TEMPLATES = Path(__file__).resolve().parent / "templates"
PUBLISHED = ("index.html", "*.html", "*.pdf")


def _source_dates(report: dict[str, Any]) -> str:
    dates = sorted({s["date"] for s in report.get("sources", [])})
    return " – ".join(dict.fromkeys([dates[0], dates[-1]])) if dates else ""


def write_index(out: Path, manifest: dict[str, Any]) -> None:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    reports = [{**r, "source_date": _source_dates(r)} for r in manifest["reports"]]
    html = env.get_template("index.html.j2").render(manifest={**manifest, "reports": reports})
    atomic.write_text(out / "index.html", html)


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
