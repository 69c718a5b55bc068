"""Running report notebooks with papermill, in worker processes: one kernel each,
talking over Unix sockets, a failure reported rather than raised. The kernel comes from
the build's zygote or from the standard launch (see report_lib.build.engine)."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from report_lib.build.engine import DEFAULT, ENGINES, KERNEL, start_zygote
from report_lib.build.reports import LANG_PARAMETER
from report_lib.language import DEFAULT as DEFAULT_LANGUAGE

SOURCE = "source.ipynb"  # a notebook's translated copy, run instead of it
PAPERMILL_ENGINE = "report-lib"

Then = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]


@contextlib.contextmanager
def _kernel_log(path: Path, quiet: bool):
    """Send the kernel's stderr (ipykernel's TCP warning, shutdown notices) to a log file
    instead of the build's output; the kernel inherits file descriptor 2."""
    if not quiet:
        yield
        return
    saved = os.dup(2)
    with path.open("wb") as log:
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def kernel_config(sockets: Path, zygote: str | None = None):
    """Kernels talk over Unix sockets: parallel kernels started over TCP can race for the
    same port, and ipykernel warns about plain TCP each time. A socket path may not be
    longer than 107 bytes, so `sockets` should be a short temporary folder. With the
    address of a `zygote`, the kernel is forked by it rather than launched."""
    from traitlets.config import Config

    config = Config()
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = str(sockets / "k")
    if zygote:
        from report_lib.build.engine.provisioner import ZygoteKernelManager

        config.NotebookClient.kernel_manager_class = ZygoteKernelManager
        config.ZygoteKernelManager.zygote = zygote
    return config


@functools.cache
def _papermill_engine() -> str:
    """papermill's nbclient engine, writing the notebook when the run ends rather than
    when each cell starts and ends (for a reader watching a long run: here a quarter of a
    worker's time, the charts being inline). papermill writes it at the end, the error
    banner included; a run whose kernel died is written here, as far as it got."""
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.iorw import write_ipynb

    class WrittenAtEnd(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, keep_at=None, **kwargs):
            try:
                return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
            except BaseException:
                if keep_at:
                    write_ipynb(nb_man.nb, keep_at)
                raise

    papermill_engines.register(PAPERMILL_ENGINE, WrittenAtEnd)
    return PAPERMILL_ENGINE


def execute(job: dict[str, Any]) -> dict[str, Any]:
    """Run one notebook with papermill; a failure is reported, never raised."""
    import logging

    import papermill

    logging.getLogger("papermill").setLevel(logging.WARNING)
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    declared = papermill.inspect_notebook(job["input"])
    parameters = {k: v for k, v in job["paths"].items() if k in declared}
    parameters.update(job["parameters"])
    work = Path(job["output"]).parent
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    lang = job.get("lang", DEFAULT_LANGUAGE)
    if LANG_PARAMETER in declared:  # always: a notebook's own default is never the build's
        parameters[LANG_PARAMETER] = lang
    source = job["input"]
    if lang != DEFAULT_LANGUAGE:  # its markdown cells in the report's language
        from report_lib.build.messages import translated
        from report_lib.errors import DataError

        source = str(work / SOURCE)
        try:
            text = translated(Path(job["input"]), lang)
        except DataError as exc:  # a cell edited since it was translated: this report fails
            return {"id": job["id"], "ok": False, "error": str(exc)}
        Path(source).write_text(text, encoding="utf-8")
    started = time.perf_counter()
    sockets = tempfile.TemporaryDirectory(prefix="rl-")
    config = kernel_config(Path(sockets.name), job.get("zygote"))
    try:
        with sockets, _kernel_log(work / "kernel.log", quiet=not job["progress"]):
            papermill.execute_notebook(
                source,
                job["output"],
                engine_name=_papermill_engine(),
                request_save_on_cell_execute=False,
                keep_at=job["output"],
                parameters=parameters,
                kernel_name=KERNEL,
                cwd=job["cwd"],
                progress_bar=job["progress"],
                log_output=False,
                config=config,
            )
    except papermill.PapermillExecutionError as exc:
        where = f"{Path(job['input']).name} cell {exc.cell_index}"
        return {"id": job["id"], "ok": False, "error": f"{where}: {exc.ename}: {exc.evalue}"}
    except Exception as exc:  # a kernel that died or never started
        return {"id": job["id"], "ok": False, "error": f"{type(exc).__name__}: {exc}"}
    return {"id": job["id"], "ok": True, "seconds": time.perf_counter() - started}


def _run(job: dict[str, Any], then: Then | None) -> dict[str, Any]:
    """Run one job, then `then(job, result)` in the same worker if it succeeded: its
    keys are added to the result; a failure there is the report's failure."""
    result = execute(job)
    if result["ok"] and then is not None:
        try:
            result.update(then(job, result))
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}".splitlines()[0]
            return {"id": job["id"], "ok": False, "error": f"after the run: {error}"}
    return result


def _die_with_parent() -> None:
    """Worker start-up: the kernel kills this worker when the build dies, even by kill -9
    (Linux's parent-death signal); its kernel, polling its parent, follows within a second."""
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() == 1:  # the build died before the call above
        os._exit(1)


def start(
    jobs: list[dict[str, Any]],
    workers: int,
    stack: contextlib.ExitStack,
    engine: str = DEFAULT,
    then: Then | None = None,
) -> Iterator[dict[str, Any]]:
    """Start the zygote (engine 'zygote'), fork the workers and hand them every job now,
    then yield the results as the reports finish, so that printing one overlaps running
    the next. `then` runs in the worker after each successful run (a module-level
    function: it is pickled by name). Call this before starting the browser or any
    thread: a fork copies only the calling thread."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: one of {', '.join(ENGINES)}")
    if jobs and engine == "zygote":
        zygote = start_zygote(Path(jobs[0]["cwd"]), stack)
        jobs = [{**job, "zygote": zygote} for job in jobs]
    if workers <= 1 or len(jobs) <= 1:
        return (_run(job, then) for job in jobs)
    pool = stack.enter_context(
        ProcessPoolExecutor(
            max_workers=workers, mp_context=get_context("fork"), initializer=_die_with_parent
        )
    )
    stack.callback(pool.shutdown, wait=True, cancel_futures=True)
    futures = [pool.submit(_run, job, then) for job in jobs]  # with fork, all workers start here
    return (future.result() for future in as_completed(futures))
