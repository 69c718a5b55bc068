"""One build, data step or publish at a time: an advisory lock (flock) on a file. A second
run waits, saying so, and gives up after a time with one line. The kernel drops the lock
when its holder dies, even by kill -9, so a killed run never blocks the next."""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from report_lib.errors import DataError

DEFAULT_WAIT_S = 600.0
POLL_S = 0.1


@contextlib.contextmanager
def held(path: Path, what: str, wait_s: float = DEFAULT_WAIT_S) -> Iterator[None]:
    """Hold the lock at `path` for the block; `what` names the waiting run."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        _acquire(fd, path, what, wait_s)
        yield
    finally:
        os.close(fd)  # releases the lock


def _acquire(fd: int, path: Path, what: str, wait_s: float) -> None:
    deadline = time.monotonic() + wait_s
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        if time.monotonic() >= deadline:
            raise DataError(
                path, f"another run still holds the lock after {wait_s:g} s; {what} not started"
            )
        if not told:
            print(f"{what}: waiting for another run to finish (lock {path})", file=sys.stderr)
            told = True
        time.sleep(POLL_S)
