"""The zygote's wire: one JSON message per direction, with file descriptors alongside
(SCM_RIGHTS), over a Unix stream socket. Small on purpose: both ends are ours."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import struct
from typing import Any

HEADER = struct.Struct("!I")
MAX_MESSAGE = 1 << 22  # an environment and a command line; anything larger is an error
MAX_FDS = 4


class WireError(RuntimeError):
    """The other end closed the connection or sent something that is not a message."""


def send(sock: socket.socket, message: dict[str, Any], fds: list[int] | None = None) -> None:
    """Send one message, with `fds` passed to the other process."""
    payload = json.dumps(message).encode()
    data = HEADER.pack(len(payload)) + payload
    sent = socket.send_fds(sock, [data], fds or [])
    if sent < len(data):
        sock.sendall(data[sent:])


def receive(sock: socket.socket) -> tuple[dict[str, Any], list[int]]:
    """One message and the file descriptors that came with it; WireError on a closed or
    malformed connection (descriptors received with a bad message are closed)."""
    data, fds, _, _ = socket.recv_fds(sock, 1 << 16, MAX_FDS)
    try:
        if len(data) < HEADER.size:
            raise WireError("connection closed" if not data else "truncated message")
        (size,) = HEADER.unpack_from(data)
        if size > MAX_MESSAGE:
            raise WireError(f"message of {size} bytes refused")
        body = bytearray(data[HEADER.size :])
        while len(body) < size:
            chunk = sock.recv(size - len(body))
            if not chunk:
                raise WireError("connection closed mid-message")
            body += chunk
        message = json.loads(body)
        if not isinstance(message, dict):
            raise WireError("a message must be a JSON object")
        return message, fds
    except (WireError, ValueError) as exc:
        for fd in fds:
            _close(fd)
        raise WireError(str(exc)) from None


def _close(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)
