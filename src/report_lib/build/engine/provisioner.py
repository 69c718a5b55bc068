"""The jupyter_client side of the zygote engine: a kernel provisioner that asks the
zygote to fork the kernel instead of starting a new interpreter, and a kernel manager
that names it in the kernel spec. papermill and nbclient are unchanged: they start,
watch, interrupt and shut down the kernel through the provisioner as usual."""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import signal
import socket
import time
from queue import Empty
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import DottedObjectName, Float, Type, Unicode

from report_lib.build.engine.wire import WireError, receive, send

NAME = "report-lib-zygote"  # its entry point in the jupyter_client.kernel_provisioners group
KILLED = -signal.SIGKILL


class ZygoteUnavailable(RuntimeError):
    """The zygote is not running (any more) or refused the launch."""


class ZygoteProvisioner(LocalProvisioner):
    """A kernel forked by the zygote listening at `address`. The process is not our child:
    it is watched through a pidfd (which cannot name another process once this one has
    gone) and the zygote reports its exit code on the connection, which stays open for
    the kernel's lifetime: closing it, or dying, makes the zygote kill the kernel."""

    address = Unicode(config=True, help="Unix socket of the zygote")
    launch_timeout = Float(120.0, config=True, help="seconds to wait for the zygote's reply")

    _conn: socket.socket | None = None
    _pidfd: int | None = None
    _exit_code: int | None = None

    @property
    def has_process(self) -> bool:
        return self._pidfd is not None

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        env = dict(kwargs.get("env") or os.environ)
        env["JPY_PARENT_PID"] = str(os.getpid())  # as jupyter_client's launcher sets it
        cwd = os.fspath(kwargs.get("cwd") or os.getcwd())
        request = {"argv": [os.path.expanduser(s) for s in cmd], "env": env, "cwd": cwd}
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.settimeout(self.launch_timeout)  # the first launch waits for the imports
        try:
            conn.connect(self.address)
            with open(os.devnull, "rb") as stdin:
                send(conn, request, [stdin.fileno(), 1, 2])
            reply, fds = receive(conn)
        except (OSError, WireError) as exc:
            conn.close()
            raise ZygoteUnavailable(f"the notebook engine did not start a kernel: {exc}") from None
        if "pid" not in reply or len(fds) != 1:
            conn.close()
            for fd in fds:
                os.close(fd)
            raise ZygoteUnavailable(f"the notebook engine refused: {reply.get('error', reply)}")
        conn.setblocking(False)
        self._conn, self._pidfd, self._exit_code = conn, fds[0], None
        self.pid = self.pgid = reply["pid"]
        self.cwd = cwd
        return self.connection_info

    async def poll(self) -> int | None:
        if self._pidfd is None:
            return self._exit_code if self._exit_code is not None else 0
        if not select.select([self._pidfd], [], [], 0)[0]:
            return None
        return self._read_exit_code()

    def _read_exit_code(self) -> int:
        """What the zygote reported; a kernel whose zygote died was killed with it."""
        if self._exit_code is None and self._conn is not None:
            self._conn.settimeout(1.0)  # the zygote reaps and reports within milliseconds
            try:
                message, _ = receive(self._conn)
                self._exit_code = int(message.get("exit", KILLED))
            except (OSError, WireError, ValueError):
                self._exit_code = KILLED
        return KILLED if self._exit_code is None else self._exit_code

    async def exited(self) -> None:
        """Returns when the kernel has ended: its pidfd becomes readable."""
        if self._pidfd is None or await self.poll() is not None:
            return
        loop = asyncio.get_running_loop()
        ended = loop.create_future()
        loop.add_reader(self._pidfd, lambda: ended.done() or ended.set_result(None))
        try:
            await ended
        finally:
            loop.remove_reader(self._pidfd)

    async def wait(self) -> int | None:
        if self._pidfd is None:
            return await self.poll()
        await self.exited()
        code = self._read_exit_code()
        self._close()
        return code

    async def send_signal(self, signum: int) -> None:
        if self._pidfd is None or await self.poll() is not None:
            return
        try:
            os.killpg(self.pgid, signum)  # the kernel leads its own group, as with Popen
        except OSError:
            signal.pidfd_send_signal(self._pidfd, signum)

    async def kill(self, restart: bool = False) -> None:
        await self.send_signal(signal.SIGKILL)

    async def terminate(self, restart: bool = False) -> None:
        await self.send_signal(signal.SIGTERM)

    async def cleanup(self, restart: bool = False) -> None:
        self._close()
        await super().cleanup(restart=restart)

    def _close(self) -> None:
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None
        if self._conn is not None:
            with contextlib.suppress(OSError):
                self._conn.close()
            self._conn = None


class PromptKernelClient(AsyncKernelClient):
    """jupyter_client's client, ready as soon as the kernel has answered. Its own
    wait_for_ready ends by reading IOPub until 0.2 s pass without a message, a pause
    every report paid. IOPub is ordered, so once the `idle` status that follows our
    kernel_info request has come, every message of the kernel's start-up has come too.

    That `idle` is lost when it is published before our IOPub subscription reaches the
    kernel, which a silence shows only after a wait (0.2 s here, each time: half the
    kernels needed a second request, 0.13 to 0.4 s in all). ipykernel greets each new
    subscriber with `iopub_welcome` (JEP 65): from then on nothing is lost, so a request
    sent after it is answered on IOPub for sure, and is awaited without a silence limit.
    A kernel that sends no welcome is asked again after each silence, as before."""

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        requests: set[str] = set()  # a slow kernel answers an earlier one: it counts too
        welcomed = False
        while True:
            requests.add(self.kernel_info())
            with contextlib.suppress(Empty):
                reply = await self.shell_channel.get_msg(timeout=1)
                if reply["parent_header"].get("msg_id") in requests:
                    welcomed, idle = await self._iopub_idle_after(requests, welcomed)
                    if idle:
                        self._handle_kernel_info_reply(reply)
                        return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")

    async def _iopub_idle_after(self, requests: set[str], welcomed: bool) -> tuple[bool, bool]:
        """Read IOPub up to the kernel's `idle` after one of our `requests`. Returns
        whether the kernel has welcomed us, and whether that `idle` came (False after a
        silence: ask again). On the welcome, one more request is sent, to be sure of an
        `idle` to come."""
        while True:
            try:
                message = await self.iopub_channel.get_msg(timeout=1.0 if welcomed else 0.2)
            except Empty:
                return welcomed, False
            kind = message["msg_type"]
            if kind == "iopub_welcome" and not welcomed:
                welcomed = True
                requests.add(self.kernel_info())
            idle = kind == "status" and message["content"].get("execution_state") == "idle"
            if idle and message["parent_header"].get("msg_id") in requests:
                return welcomed, True

    wait_for_ready = _async_wait_for_ready  # as AsyncKernelClient binds its own


class ZygoteKernelManager(AsyncKernelManager):
    """The standard kernel spec (same argv, name and language), with the zygote named as
    its provisioner: jupyter_client looks the provisioner up by its entry point. Its
    clients do not wait for IOPub to fall silent (PromptKernelClient), nor it for the
    next poll to see that a kernel has ended."""

    zygote = Unicode(config=True, help="Unix socket of the zygote")
    client_class = DottedObjectName(f"{__name__}.PromptKernelClient")
    client_factory = Type(PromptKernelClient, klass=AsyncKernelClient)

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        """Woken by the kernel's exit, not by the next of jupyter_client's polls: after a
        shutdown request, the 0.1 s sleep between two polls cost every report 0.11 s."""
        if isinstance(self.provisioner, ZygoteProvisioner) and self.owns_kernel:
            await self.provisioner.exited()
        else:
            await super()._async_wait(pollinterval)

    @property
    def kernel_spec(self) -> KernelSpec | None:
        spec = super().kernel_spec
        if spec is not None and self.zygote:
            spec.metadata["kernel_provisioner"] = {
                "provisioner_name": NAME,
                "config": {"address": self.zygote},
            }
        return spec
