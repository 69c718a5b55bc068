"""A build with nothing to do, answered without hashing or importing the build: the
last successful build leaves a stamp of the size and modification time of every file
and folder it read or wrote (as git's index does for its checksums); if none of them
has changed since, outputs/ is still what a full build would make.

The inputs are stat'ed before the build hashes them, the outputs after it wrote them.
An input modified within RACY_NS of being stat'ed is recorded as unknown, since an edit
in the same clock tick would leave its stamp unchanged: the next build then checks in
full, and stamps it again. Any other build removes the stamp before it changes
anything, so a killed build leaves none. The console script enters here."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from report_lib.paths import OUTPUTS, Layout

STAMP = ".build-stamp.json"
VERSION = 1
RACY_NS = 2_000_000_000
Stats = dict[str, list[int] | None]


def _stat(path: str) -> list[int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return [found.st_mode, found.st_size, found.st_mtime_ns, found.st_ino]


def _walk(paths: Iterable[Path]) -> list[str]:
    """Each path, and for a folder every folder and file under it (bytecode caches
    aside): a file added anywhere changes the stat of the folder it lands in."""
    found = []
    for path in paths:
        found.append(str(path))
        if path.is_dir():
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d != "__pycache__")
                found += [os.path.join(folder, d) for d in dirs]
                found += [os.path.join(folder, f) for f in sorted(files)]
    return found


def snapshot(paths: Iterable[Path]) -> Stats:
    """The stats of these paths, taken before they are read; a path changed in the last
    RACY_NS is recorded as unknown."""
    now = time.time_ns()
    stats: Stats = {}
    for path in _walk(paths):
        stat = _stat(path)
        stats[path] = None if stat is None or stat[2] >= now - RACY_NS else stat
    return stats


def record(layout: Layout, inputs: Stats, outputs: Iterable[Path], reports: int) -> None:
    """Stamp a successful build: `inputs` from `snapshot` before the build read them,
    `outputs` stat'ed now, after it wrote them."""
    from report_lib import atomic

    made = {path: _stat(path) for path in _walk(outputs)}
    stamp = {
        "version": VERSION,
        "out": str(layout.out.resolve()),  # a copy of the checkout is not this build
        "reports": reports,
        "paths": {**inputs, **made},
    }
    atomic.write_text(layout.out / STAMP, json.dumps(stamp))


def forget(layout: Layout) -> None:
    """Before a build changes anything: no stamp may outlive what it describes."""
    (layout.out / STAMP).unlink(missing_ok=True)


def current(out: Path) -> int | None:
    """The number of reports if the stamp in `out` still holds, else None."""
    try:
        stamp = json.loads((out / STAMP).read_text(encoding="utf-8"))
        paths, reports = stamp["paths"], stamp["reports"]
        if stamp["version"] != VERSION or not isinstance(reports, int) or not paths:
            return None
        if stamp["out"] != str(out.resolve()):
            return None
    except (OSError, ValueError, TypeError, KeyError):
        return None
    for path, stat in paths.items():
        if stat is None or _stat(path) != stat:
            return None
    return reports


def main(argv: Sequence[str] | None = None) -> int:
    """`report-lib`: a plain `build` whose stamp holds ends here; anything else goes to
    the full command line."""
    args = sys.argv[1:] if argv is None else list(argv)
    if args == ["build"]:
        reports = current(Path.cwd() / OUTPUTS)
        if reports is not None:
            print(f"report: all {reports} reports up to date")
            return 0
    from report_lib.build.cli import main as full

    return full(args)
