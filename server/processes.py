"""Several server processes on one listening socket, so that the HTTP layer uses every core.

A Python process runs one thread of bytecode at a time: with one server process, the Python work of
every request (reading it, Flask, conneg, headers) shares one core, however many query workers run.
The supervisor binds the socket once (so port 0 is resolved once), starts N copies of
`python -m server` that inherit it (each with its own app and query worker pool; the kernel hands
each connection to one of them), prints the URL when all are ready, starts a new copy when one dies,
and stops them all on SIGTERM or Ctrl-C. A copy reports how it started over a pipe: R when it
listens, or E and the one-line error that stopped it, which the supervisor prints once.
"""
from __future__ import annotations

import logging
import os
import select
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass

log = logging.getLogger(__name__)
READY, FAILED = b"R", b"E"
START_TIMEOUT = 300.0  # seconds for a copy to open the store (an in-memory copy of 1M triples takes ~3 s)
RESTART_PAUSE = 1.0  # at most one restart per slot and second, so a copy that cannot start does not spin
POLL = 0.5  # seconds between two looks at the copies


@dataclass
class Copy:
    slot: int
    process: subprocess.Popen
    ready: int  # our end of its report pipe
    started: float


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (port 0: any free port), inheritable by the copies."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address)
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


def supervise(argv: list[str], sock: socket.socket, count: int) -> int:
    """Run `count` copies of `python -m server argv` on `sock` until a signal stops them; the exit code."""
    copies: dict[int, Copy] = {}
    try:
        for slot in range(count):
            copies[slot] = _start(slot, argv, sock)
        for copy in copies.values():
            error = _wait_ready(copy)
            if error:
                print(f"python -m server: {error}", file=sys.stderr)
                return 2
        host, port = sock.getsockname()[:2]
        log.info("%d server processes: %s", count, " ".join(str(c.process.pid) for c in copies.values()))
        print(f"Serving on http://{f'[{host}]' if ':' in host else host}:{port}/", flush=True)
        signal.signal(signal.SIGTERM, _stop)
        while True:
            time.sleep(POLL)
            for slot, copy in list(copies.items()):
                code = copy.process.poll()
                if code is not None and time.monotonic() - copy.started >= RESTART_PAUSE:
                    log.error("server process %d exited with code %s; starting another", copy.process.pid, code)
                    os.close(copy.ready)
                    copies[slot] = _start(slot, argv, sock)
    except (KeyboardInterrupt, SystemExit):
        return 0
    finally:
        _stop_all(copies.values())


def report_ready(fd: int, error: str | None = None) -> None:
    """In a copy: tell the supervisor it listens (error None) or why it cannot start."""
    os.write(fd, READY if error is None else FAILED + error.encode("utf-8", "replace"))
    os.close(fd)


def _start(slot: int, argv: list[str], sock: socket.socket) -> Copy:
    ours, theirs = os.pipe()
    process = subprocess.Popen(
        [sys.executable, "-m", "server", *argv, "--processes", "1", "--inherit", f"{sock.fileno()},{theirs}"],
        pass_fds=[sock.fileno(), theirs], stdin=subprocess.DEVNULL,
    )
    os.close(theirs)
    return Copy(slot, process, ours, time.monotonic())


def _wait_ready(copy: Copy) -> str | None:
    """None once the copy listens; else why it could not start."""
    deadline = time.monotonic() + START_TIMEOUT
    message = b""
    while select.select([copy.ready], [], [], max(0.0, deadline - time.monotonic()))[0]:
        chunk = os.read(copy.ready, 65536)
        if not chunk:  # it exited: whatever it reported is all there is
            break
        message += chunk
        if message[:1] == READY:
            return None
    if message[:1] == FAILED:
        return message[1:].decode("utf-8", "replace")
    if copy.process.poll() is None:
        return f"a server process was not ready within {START_TIMEOUT:g} s"
    return f"a server process stopped before it was ready (exit code {copy.process.returncode})"


def _stop_all(copies) -> None:
    copies = list(copies)
    for copy in copies:
        if copy.process.poll() is None:
            copy.process.send_signal(signal.SIGTERM)
    for copy in copies:
        try:
            copy.process.wait(20)
        except subprocess.TimeoutExpired:
            copy.process.kill()
            copy.process.wait(5)
        os.close(copy.ready)


def _stop(signum, frame) -> None:
    raise SystemExit(0)
