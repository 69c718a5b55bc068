"""Writes that never leave a half-written file or folder behind: temporary, then rename."""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import tempfile
from pathlib import Path


def write_bytes(path: Path, data: bytes) -> bool:
    """Replace `path` atomically; skip the write (and keep the mtime) when the bytes
    are already there, so that incremental builds see no change. Returns True if written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_bytes() == data:
        return False
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp's 0600 would hide files from a web server
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path: Path, text: str) -> bool:
    """UTF-8 with Unix newlines, whatever the platform."""
    return write_bytes(path, text.encode("utf-8"))


# A folder replaced whole: written beside itself, then swapped in with one rename.
AT_FDCWD = -100
RENAME_EXCHANGE = 2


def _staging(folder: Path) -> Path:
    return folder.with_name(f".{folder.name}.new")


def _previous(folder: Path) -> Path:
    return folder.with_name(f".{folder.name}.old")


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        rename2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    done = rename2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(a))


def recover_folder(folder: Path) -> None:
    """Repair what a run killed mid-swap left: put the previous folder back if the new
    one never arrived, and remove leftovers. Called before every replacement."""
    previous, staging = _previous(folder), _staging(folder)
    if not folder.exists() and previous.is_dir():
        os.rename(previous, folder)
    shutil.rmtree(previous, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_folder(folder: Path, files: dict[str, bytes]) -> None:
    """Make `folder` hold exactly `files`: a reader sees the old set or the new one,
    never a mix, and a run killed at any point loses neither."""
    recover_folder(folder)
    staging = _staging(folder)
    staging.mkdir(parents=True)
    for name, data in files.items():
        path = staging / name
        path.write_bytes(data)
        os.chmod(path, 0o666 & ~_umask())
        _fsync(path)
    os.chmod(staging, 0o777 & ~_umask())
    _fsync(staging)
    if not folder.exists():
        os.rename(staging, folder)
    elif _exchange(staging, folder):
        shutil.rmtree(staging)  # now the previous folder
    else:  # two renames; recover_folder repairs a run killed between them
        previous = _previous(folder)
        os.rename(folder, previous)
        os.rename(staging, folder)
        shutil.rmtree(previous)
    _fsync(folder.parent)
