"""The zygote engine against the standard kernel launch: the same outputs for every
kind of output and every failure, kernels that import on demand, one-line failures
when a kernel or the zygote dies, and no process left behind.

Every report of the project is compared under both engines by
test_build.py::test_two_clean_builds_one_per_engine_are_identical."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from queue import Empty

import nbformat
import psutil
import pytest

from report_lib.build.engine import start_zygote
from report_lib.build.engine.provisioner import PromptKernelClient
from report_lib.build.engine.zygote import INLINE_BACKEND, _check
from report_lib.build.execute import execute

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "notebooks"
SETTLE_S = 5.0  # a kernel polls its parent about once a second


def _job(name: str, folder: Path, parameters: dict | None = None, zygote: str | None = None):
    job = {
        "id": name.replace("_", "-"),
        "input": str(FIXTURES / f"{name}.ipynb"),
        "output": str(folder / "work" / f"{name}.ipynb"),
        "paths": {},
        "parameters": parameters or {},
        "cwd": str(folder),
        "progress": False,
    }
    return {**job, "zygote": zygote} if zygote else job


def _outputs(path: Path) -> list:
    nb = nbformat.read(path, as_version=4)
    return [(c.execution_count, c.outputs) for c in nb.cells if c.cell_type == "code"]


def _descendants() -> set[int]:
    return {p.pid for p in psutil.Process().children(recursive=True)}


def _left_behind(before: set[int]) -> list[str]:
    """Processes started by the test that are still alive after a few seconds."""
    deadline = time.monotonic() + SETTLE_S
    while True:
        alive = []
        for pid in _descendants() - before:
            with contextlib.suppress(psutil.NoSuchProcess):
                process = psutil.Process(pid)
                if process.status() != psutil.STATUS_ZOMBIE:
                    alive.append(" ".join(process.cmdline()[:4]))
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "extra_module.py").write_text("VALUE = 'imported on demand'\n")
    return tmp_path


@contextlib.contextmanager
def _zygote(folder: Path):
    """A zygote as a build starts it; no process outlives it. Started inside the test:
    the environment must not change between its start and a launch (pytest changes
    PYTEST_CURRENT_TEST between a fixture's set-up and the test)."""
    before = _descendants()
    with contextlib.ExitStack() as stack:
        yield start_zygote(folder, stack)
    assert _left_behind(before) == []


def _both(name: str, folder: Path, parameters: dict | None = None):
    """The job's result and outputs under each engine."""
    with _zygote(folder) as zygote:
        return _run_both(name, folder, zygote, parameters)


def _run_both(name: str, folder: Path, zygote: str, parameters: dict | None):
    results = {}
    for engine, address in (("kernel", None), ("zygote", zygote)):
        job = _job(name, folder, parameters, address)
        job["output"] = str(folder / engine / f"{name}.ipynb")
        result = execute(job)
        results[engine] = (result, _outputs(Path(job["output"])))
    return results


def test_every_kind_of_output_and_the_error_are_equal(folder):
    results = _both("every_output", folder, {"label": "from the build"})
    (kernel, kernel_outputs), (forked, forked_outputs) = results["kernel"], results["zygote"]
    assert not kernel["ok"] and "ZeroDivisionError" in kernel["error"]
    assert forked["error"] == kernel["error"]
    assert forked_outputs == kernel_outputs
    kinds = {o["output_type"] for _, outputs in kernel_outputs for o in outputs}
    assert kinds == {"stream", "display_data", "execute_result", "error"}
    images = [o for _, out in kernel_outputs for o in out if "image/png" in o.get("data", {})]
    assert images, "a PNG output, compared byte for byte"
    streams = [o["text"] for _, out in kernel_outputs for o in out if o.get("name") == "stdout"]
    seen = json.loads(next(text for text in streams if '"argv0"' in text))
    assert seen["argv0"] == "ipykernel_launcher.py" and seen["mplbackend"] == INLINE_BACKEND
    assert seen["parent_pid_set"]


def test_a_module_the_zygote_never_imported_is_imported_on_demand(folder):
    results = _both("extra_import", folder)
    for result, outputs in results.values():
        assert result["ok"], result
        assert outputs[1][1][0]["text"] == "imported before: False\nimported on demand\n"
    assert results["zygote"][1] == results["kernel"][1]


def test_a_kernel_that_dies_fails_its_report_in_one_line(folder):
    results = _both("kernel_dies", folder)
    (kernel, _), (forked, _) = results["kernel"], results["zygote"]
    assert not kernel["ok"] and kernel["error"].startswith("DeadKernelError")
    assert forked["error"] == kernel["error"] and "\n" not in forked["error"]
    for engine in ("kernel", "zygote"):  # kept for reading, as far as it got
        ran = _outputs(folder / engine / "kernel_dies.ipynb")
        assert ran[0][0] is not None and ran[-1][0] is None


def test_the_notebook_is_written_once_when_the_run_ends(folder, monkeypatch):
    """papermill's own engine writes the whole notebook as each cell starts and ends;
    the build's writes it once, at the end (a run that fails or whose kernel dies is
    written too: see above)."""
    import importlib

    writes = []
    for name in ("papermill.engines", "papermill.execute"):
        module = importlib.import_module(name)
        real = module.write_ipynb
        monkeypatch.setattr(
            module, "write_ipynb", lambda nb, path, real=real: (writes.append(path), real(nb, path))
        )
    result = execute(_job("extra_import", folder))
    assert result["ok"], result
    assert writes == [str(folder / "work" / "extra_import.ipynb")]


def test_a_zygote_that_dies_fails_its_reports_in_one_line(folder):
    with _zygote(folder) as address:
        dying = execute(_job("zygote_dies", folder, zygote=address))
        after = execute(_job("extra_import", folder, zygote=address))
    assert not dying["ok"] and dying["error"].startswith("DeadKernelError")
    assert not after["ok"] and after["error"].startswith("ZygoteUnavailable")
    assert "\n" not in dying["error"] + after["error"]


def test_a_build_killed_takes_its_zygote_and_kernels_along(folder):
    """kill -9 of the build: the zygote and the kernel it forked die with it."""
    script = (
        "import contextlib, sys\n"
        "from pathlib import Path\n"
        "from report_lib.build.engine import start_zygote\n"
        "from report_lib.build.execute import execute\n"
        "stack = contextlib.ExitStack()\n"
        "address = start_zygote(Path(sys.argv[1]), stack)\n"
        "execute(dict(id='s', input=sys.argv[2], output=sys.argv[3], paths={},\n"
        "  parameters={'wait_s': 600.0}, cwd=sys.argv[1], progress=False, zygote=address))\n"
    )
    # The notebook kills its own parent, here the build's zygote: use a sleeping one.
    sleeper = folder / "sleeper.ipynb"
    nb = nbformat.read(FIXTURES / "zygote_dies.ipynb", as_version=4)
    nb.cells[2].source = "import time\n\ntime.sleep(wait_s)"
    nbformat.write(nb, sleeper)
    build = subprocess.Popen(
        [sys.executable, "-c", script, str(folder), str(sleeper), str(folder / "run" / "out.ipynb")]
    )
    deadline = time.monotonic() + 120
    kernels: list[psutil.Process] = []
    while not kernels and time.monotonic() < deadline:
        time.sleep(0.2)
        family = psutil.Process(build.pid).children(recursive=True)
        zygotes = [p for p in family if "report_lib.build.engine.zygote" in p.cmdline()]
        kernels = zygotes[0].children() if zygotes else []
    assert kernels, "the zygote never forked a kernel"
    build.kill()
    build.wait()
    _, alive = psutil.wait_procs(family, timeout=SETTLE_S)
    assert not alive, [p.cmdline() for p in alive]


def test_a_launch_the_zygote_could_not_reproduce_is_refused():
    argv = ["python", "-m", "ipykernel_launcher", "-f", "k.json"]
    environment = {"MPLBACKEND": INLINE_BACKEND, "HOME": "/root"}
    fds = [0, 1, 2]
    _check(
        {"argv": argv, "env": {"HOME": "/root", "JPY_PARENT_PID": "1"}, "cwd": "/"},
        fds,
        environment,
    )
    with pytest.raises(ValueError, match="HOME"):
        _check({"argv": argv, "env": {"HOME": "/tmp"}, "cwd": "/"}, fds, environment)
    with pytest.raises(ValueError, match="MPLBACKEND"):
        _check(
            {"argv": argv, "env": {"HOME": "/root", "MPLBACKEND": "agg"}, "cwd": "/"},
            fds,
            environment,
        )
    with pytest.raises(ValueError, match="ipykernel_launcher"):
        _check(
            {"argv": ["python", "-m", "other"], "env": {"HOME": "/root"}, "cwd": "/"},
            fds,
            environment,
        )
    with pytest.raises(ValueError, match="streams"):
        _check({"argv": argv, "env": {"HOME": "/root"}, "cwd": "/"}, [0], environment)


def test_the_preload_imports_everything_and_leaves_no_shell_hook():
    """Run in a fresh interpreter, as the zygote does: every import succeeds, no module
    whose import depends on a running IPython shell is loaded, no thread is started."""
    code = (
        "from report_lib.build.engine.zygote import preload\n"
        "failed, set_by_imports = preload()\n"
        "print(failed)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    )
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


def test_a_missing_kernel_spec_is_one_line_naming_the_fix():
    from report_lib.build.engine import interpreter
    from report_lib.errors import DataError

    with pytest.raises(DataError, match="no kernel spec 'no-such-kernel': run make env"):
        interpreter("no-such-kernel")


class _Channel:
    def __init__(self, messages: list[dict]) -> None:
        self.messages = messages
        self.silences = 0

    async def get_msg(self, timeout: float | None = None) -> dict:
        if not self.messages:
            self.silences += 1
            await asyncio.sleep(min(timeout or 0, 0.01))
            raise Empty
        return self.messages.pop(0)


class _FakeKernel(PromptKernelClient):
    """A client whose kernel is scripted by `kernel_info`: it records the requests sent
    and the reply it became ready with."""

    def __init__(self, iopub: list[dict]) -> None:
        super().__init__()
        self.sent: list[str] = []
        self.shell, self.iopub = _Channel([]), _Channel(iopub)
        self.ready_with: dict | None = None

    def _answer(self, request: str, *, on_iopub: bool = True) -> None:
        """The kernel's reply to `request`, and its busy and idle on IOPub."""
        parent = {"msg_id": request}
        self.shell.messages.append({"msg_type": "kernel_info_reply", "parent_header": parent})
        for state in ("busy", "idle") if on_iopub else ():
            self.iopub.messages.append(
                {
                    "msg_type": "status",
                    "parent_header": parent,
                    "content": {"execution_state": state},
                }
            )

    @property
    def shell_channel(self):
        return self.shell

    @property
    def iopub_channel(self):
        return self.iopub

    async def _async_is_alive(self) -> bool:
        return True

    def _handle_kernel_info_reply(self, msg: dict) -> None:
        self.ready_with = msg


class _LaggingKernel(_FakeKernel):
    """A loaded kernel: each kernel_info request is answered only after the next one has
    been sent, then its IOPub says busy and idle."""

    def __init__(self) -> None:
        super().__init__([{"msg_type": "stream"}])

    def kernel_info(self) -> str:
        self.sent.append(f"request-{len(self.sent)}")
        if len(self.sent) > 1:
            self._answer(self.sent[-2])
        return self.sent[-1]


def test_a_kernel_answering_an_earlier_request_is_ready():
    """A reply to an earlier kernel_info request counts: waiting for the latest one only
    would lag one request behind for ever (it did, under load, at 100 reports)."""
    client = _LaggingKernel()
    asyncio.run(client.wait_for_ready(timeout=5))
    assert client.ready_with is not None
    assert client.ready_with["parent_header"]["msg_id"] == "request-0"
    assert client.iopub.messages == []  # start-up output read, not left for the first cell


class _LateSubscriber(_FakeKernel):
    """A kernel whose answer to the first kernel_info came before our IOPub subscription
    reached it, so that its busy and idle were dropped; then it welcomes the subscriber
    (JEP 65), and answers every later request in full."""

    def __init__(self) -> None:
        super().__init__([])

    def kernel_info(self) -> str:
        request = f"request-{len(self.sent)}"
        self.sent.append(request)
        first = len(self.sent) == 1
        self._answer(request, on_iopub=not first)
        if first:
            self.iopub.messages.append({"msg_type": "iopub_welcome", "content": {}})
        return request


def test_a_kernel_that_welcomes_a_late_subscriber_is_ready_without_waiting_for_silence():
    """The welcome says IOPub is live: one more request is sure to be answered there. A
    silence costs 0.2 s, and without the welcome every lost idle cost one."""
    client = _LateSubscriber()
    asyncio.run(client.wait_for_ready(timeout=5))
    assert client.ready_with is not None
    assert client.sent == ["request-0", "request-1"]
    assert client.iopub.silences == 0


def test_the_zygote_s_manager_wakes_when_its_kernel_ends_without_polling(monkeypatch):
    """jupyter_client polls a kernel's end every 0.1 s; after a shutdown request that
    cost every report 0.11 s. The zygote's manager waits on the kernel's pidfd."""
    from report_lib.build.engine.provisioner import ZygoteKernelManager, ZygoteProvisioner

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.3)"])
    provisioner = ZygoteProvisioner(kernel_id="k", kernel_spec=None, parent=None)
    provisioner._pidfd = os.pidfd_open(child.pid)
    manager = ZygoteKernelManager()
    manager.provisioner = provisioner

    async def no_sleep(*_args, **_kwargs):
        raise AssertionError("polled with asyncio.sleep")

    monkeypatch.setattr(asyncio, "sleep", no_sleep)
    asyncio.run(manager._async_wait())
    assert child.poll() is not None or child.wait(1) is not None
    provisioner._close()
