"""Notebook engines: how a report's kernel process comes to be.

- `zygote` (the default): a warm process (zygote.py), started once per build, has
  already imported ipykernel and the notebooks' libraries; it forks a fresh kernel
  for each report, through a kernel provisioner (provisioner.py). Every report still
  gets its own kernel process; none pays for an interpreter start and the imports.
- `kernel`: jupyter_client's standard launch of the `report-lib` kernel spec, as in
  interactive use.

Both give the same executed notebooks (tests/test_engine.py compares them)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from report_lib.errors import DataError

ENGINES = ("zygote", "kernel")
DEFAULT = "zygote"
KERNEL = "report-lib"
STOP_WAIT_S = 5.0


def interpreter(kernel: str = KERNEL) -> list[str]:
    """The kernel spec's interpreter and its options (what comes before `-m`), so that
    the zygote runs exactly as the standard kernel would (e.g. -Xfrozen_modules=off)."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        argv = KernelSpecManager().get_kernel_spec(kernel).argv
    except NoSuchKernel:
        raise DataError("kernel", f"no kernel spec '{kernel}': run make env") from None
    if "-m" not in argv:
        return [sys.executable]
    return argv[: argv.index("-m")]


def start_zygote(cwd: Path, stack: contextlib.ExitStack) -> str:
    """Start the build's zygote in `cwd` (the notebooks' folder, where the kernels run);
    returns its address. The socket is listening before the zygote starts, so a kernel
    asked for early simply waits for the imports. Stopped (and its kernels with it) when
    `stack` closes; it also dies with this process."""
    folder = Path(tempfile.mkdtemp(prefix="rl-z-"))  # short: socket paths are limited
    stack.callback(shutil.rmtree, folder, ignore_errors=True)
    address = str(folder / "zygote")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(address)
        listener.listen(64)
        argv = [
            *interpreter(),
            "-m",
            "report_lib.build.engine.zygote",
            f"--fd={listener.fileno()}",
            f"--parent={os.getpid()}",
        ]
        # os.environ, as jupyter_client passes it to kernels: the C-level environment
        # can hold more (readline, for one, sets LINES and COLUMNS there).
        process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=dict(os.environ),
            pass_fds=[listener.fileno()],
            stdin=subprocess.DEVNULL,
        )
    stack.callback(_stop, process)
    return address


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(STOP_WAIT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
