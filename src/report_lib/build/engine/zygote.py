"""The zygote: a warm process that has already imported what every report's kernel
imports, and forks one fresh ipykernel process per report on request.

Each kernel is a new process, so reports stay as isolated from each other as with the
standard launch; only the imports are shared (copy-on-write). Before the fork nothing
runs that a cell could see: the child takes the environment, working folder, command
line and standard streams of the launch it replaces, and starts ipykernel as
`python -m ipykernel_launcher` would. Run as `python -m report_lib.build.engine.zygote`
by the build (see engine.start), with the interpreter options of the kernel spec."""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import importlib.util
import os
import selectors
import signal
import socket
import sys
import threading
import traceback
from pathlib import Path
from typing import Any

from report_lib.build.engine.wire import WireError, receive, send

# What a report's kernel imports: ipykernel and what it imports while starting (IPython,
# zmq, tornado, jupyter_client, its debugger: debugpy), then the libraries of the
# notebooks. Found by listing sys.modules in a kernel at exit. A notebook that needs
# more imports it as usual.
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",
    "IPython.core.completerlib",
    "IPython.core.debugger",
    "IPython.core.oinspect",
    "IPython.core.pylabtools",
    "IPython.extensions.storemagic",
    "sqlite3",
    "tornado.queues",
    "tornado.platform.asyncio",
    "psutil",
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
    "PIL.PngImagePlugin",
    "seaborn",
    "pandas.io.formats.html",
    "pandas.io.formats.csvs",
    "report_lib.report.notebook",
    "report_lib.report.charts",
    "report_lib.report.narrative",
)
# Never imported before the fork: on import it hooks into the running IPython shell if
# there is one, so imported here (with no shell) it would behave differently.
SHELL_DEPENDENT = ("matplotlib_inline.backend_inline",)
# ipykernel sets this before any cell runs (IPKernelApp.init_gui_pylab); matplotlib reads
# it when imported, so the zygote sets it the same way before its imports.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
LAUNCHER = "ipykernel_launcher"
# Variables a launch sets for each kernel; any other that differs from the zygote's
# environment could have been read by an import, so such a launch is refused.
PER_LAUNCH = ("JPY_PARENT_PID", "JPY_SESSION_NAME")
STREAMS = 3  # stdin, stdout, stderr of the client, in that order
PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Linux's parent-death signal: this process is killed when `parent` dies, even by
    kill -9. Exits at once if the parent is already gone."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


def preload() -> tuple[list[str], dict[str, str]]:
    """Import PRELOAD. Returns what failed (a kernel meets the same error itself) and the
    environment variables the imports set (debugpy sets one), which a kernel that did
    the imports itself would have: each kernel gets them too."""
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    before = dict(os.environ)
    failed = []
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception as exc:  # the notebook's own import will report it
            failed.append(f"{name}: {type(exc).__name__}: {exc}")
    for name in SHELL_DEPENDENT:
        if name in sys.modules:
            failed.append(f"{name} was imported by the preload: kernels would differ")
    if threading.active_count() > 1:
        failed.append("a thread was started by the preload: forking would be unsafe")
    # Objects of the preload are never freed: keep the collector from touching (and so
    # copying) their pages in every kernel.
    gc.collect()
    gc.freeze()
    set_by_imports = {k: v for k, v in os.environ.items() if before.get(k) != v}
    return failed, set_by_imports


class Zygote:
    """Accepts launch requests on `listener`; one kernel process per request. A kernel
    is killed when the connection of the client that asked for it closes, and the client
    is sent the kernel's exit code when it ends."""

    def __init__(
        self, listener: socket.socket, environment: dict[str, str], set_by_imports: dict[str, str]
    ) -> None:
        self.listener = listener
        self.environment = environment  # what the preload imported under
        self.set_by_imports = set_by_imports
        self.selector = selectors.DefaultSelector()
        self.kernels: dict[int, socket.socket | None] = {}
        self.wake_r, self.wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)

    def serve(self) -> None:
        signal.set_wakeup_fd(self.wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        self.selector.register(self.listener, selectors.EVENT_READ, "listen")
        self.selector.register(self.wake_r, selectors.EVENT_READ, "child")
        while True:
            for key, _ in self.selector.select():
                if key.data == "listen":
                    self._accept()
                elif key.data == "child":
                    self._reap()
                else:
                    self._client_gone(key.data, key.fileobj)

    def _accept(self) -> None:
        conn, _ = self.listener.accept()
        conn.settimeout(10)
        try:
            request, fds = receive(conn)
            _check(request, fds, self.environment)
        except (WireError, OSError, ValueError) as exc:
            with contextlib.suppress(OSError):
                send(conn, {"error": str(exc)})
            conn.close()
            return
        zygote = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child never returns into this loop
            try:
                self._close_in_child(conn)
                die_with_parent(zygote)
                run_kernel(request, fds, self.set_by_imports)
            finally:
                os._exit(1)
        for fd in fds:
            os.close(fd)
        pidfd = os.pidfd_open(pid)  # before any reaping: it names this very process
        try:
            send(conn, {"pid": pid}, [pidfd])
        except OSError:
            _kill_group(pid)
        finally:
            os.close(pidfd)
        self.kernels[pid] = conn
        self.selector.register(conn, selectors.EVENT_READ, pid)

    def _reap(self) -> None:
        with contextlib.suppress(BlockingIOError):
            while os.read(self.wake_r, 512):
                pass
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            conn = self.kernels.pop(pid, None)
            if conn is not None:
                with contextlib.suppress(OSError):
                    send(conn, {"exit": os.waitstatus_to_exitcode(status)})
                self._forget(conn)

    def _client_gone(self, pid: int, conn: socket.socket) -> None:
        """The client closed its connection (or broke the protocol): its kernel goes."""
        if self.kernels.get(pid) is conn:
            _kill_group(pid)
            self.kernels[pid] = None
        self._forget(conn)

    def _forget(self, conn: socket.socket) -> None:
        with contextlib.suppress(KeyError, ValueError):
            self.selector.unregister(conn)
        conn.close()

    def _close_in_child(self, conn: socket.socket) -> None:
        # Plain closes: unregistering would change the epoll set the zygote shares.
        os.close(self.selector.fileno())
        for fd in (self.wake_r, self.wake_w, self.listener.fileno(), conn.fileno()):
            os.close(fd)
        for other in self.kernels.values():
            if other is not None:
                os.close(other.fileno())


def _check(request: dict[str, Any], fds: list[int], environment: dict[str, str]) -> None:
    argv, env, cwd = request.get("argv"), request.get("env"), request.get("cwd")
    if not (isinstance(argv, list) and all(isinstance(a, str) for a in argv)):
        raise ValueError("argv must be a list of strings")
    if argv[argv.index("-m") + 1 : argv.index("-m") + 2] != [LAUNCHER]:
        raise ValueError(f"only '-m {LAUNCHER}' kernels can be forked here")
    if not (isinstance(env, dict) and all(isinstance(v, str) for v in env.values())):
        raise ValueError("env must map names to strings")
    seen = {"MPLBACKEND": INLINE_BACKEND, **env}  # as ipykernel will set it
    names = (seen.keys() | environment.keys()) - set(PER_LAUNCH)
    differ = {k for k in names if seen.get(k) != environment.get(k)}
    if differ:
        raise ValueError(f"environment differs from the zygote's: {', '.join(sorted(differ))}")
    if not (isinstance(cwd, str) and Path(cwd).is_dir()):
        raise ValueError(f"cwd is not a folder: {cwd!r}")
    if len(fds) != STREAMS:
        raise ValueError(f"expected {STREAMS} standard streams, got {len(fds)}")


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def run_kernel(request: dict[str, Any], fds: list[int], set_by_imports: dict[str, str]) -> None:
    """In the forked child (which dies with the zygote): become what `python -m
    ipykernel_launcher -f …` would be, run the kernel, and exit."""
    code = 1
    try:
        os.setsid()  # as jupyter_client's launcher does: signals go to the kernel's group
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.environ.clear()
        os.environ.update(request["env"])
        for name, value in set_by_imports.items():
            os.environ.setdefault(name, value)
        os.chdir(request["cwd"])
        argv = request["argv"]
        launcher = importlib.util.find_spec(LAUNCHER)
        sys.argv = [launcher.origin if launcher else LAUNCHER, *argv[argv.index("-m") + 2 :]]
        _reseed()
        from ipykernel import kernelapp

        # Read from the environment when ipykernel was imported (in the zygote): read now.
        parent = int(os.environ.get("JPY_PARENT_PID") or 0)
        kernelapp.IPKernelApp.launch_instance(parent_handle=parent)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    except BaseException:
        traceback.print_exc()
    finally:
        _exit(code)


def _reseed() -> None:
    """A fresh process draws fresh random seeds; a fork copies the zygote's. `random`
    reseeds itself after a fork; numpy's global generator does not."""
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()


def _exit(code: int) -> None:
    import atexit

    with contextlib.suppress(BaseException):
        atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BaseException):
            stream.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="fork warm ipykernel processes")
    parser.add_argument("--fd", type=int, required=True, help="listening Unix socket")
    parser.add_argument("--parent", type=int, required=True, help="die with this process")
    args = parser.parse_args(argv)
    die_with_parent(args.parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build handles Ctrl-C, then stops us
    # As ipykernel_launcher does: the working folder is not on the path during imports.
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]
    listener = socket.socket(fileno=args.fd)
    environment = {"MPLBACKEND": INLINE_BACKEND, **os.environ}
    failed, set_by_imports = preload()
    for problem in failed:
        print(f"zygote: {problem}", file=sys.stderr)
    Zygote(listener, environment, set_by_imports).serve()


if __name__ == "__main__":
    main()
