"""`python -m server` under granian: one process per core on one port, each answering queries in-process.

granian (https://github.com/emmett-framework/granian) runs the Flask app in N worker processes and
starts a new one when one exits. On top of it, four things of ours (besides `InThread`, for tests):
- the listening sockets, one per process on one port with SO_REUSEPORT as granian makes them, are made
  by the main process instead: port 0 is resolved once and the URL printed is the one every process
  serves; a replacement takes over its predecessor's socket with the connections queued on it (granian's
  own would be closed with the process, and those connections reset); and a process that leaves the
  network (below) still takes connections. (One socket shared by all processes was tried: the process
  that accepts first takes every connection of a burst, so that one core served while the other idled.)
- the URL is printed when every process has opened the store (each reports over a pipe), or the error
  that stopped the first one that could not;
- a process replaced on purpose (server.execution recycles it: a runaway query, or its memory share
  passed) is respawned at once, however often; granian would take two exits of the same process within
  5.5 s for a crash loop and stop the server. A process that crashes (a signal, an error) twice within
  5.5 s still is one;
- granian's main loop can miss a process that died at the same time as another: `_watch_workers`.
Each process dies with the main one (PR_SET_PDEATHSIG), so no process outlives the server; unless SERVICE
may call somewhere (or the backend is remote), each also leaves the network (`isolate_network`).
"""
from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import queue
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass

from granian.constants import Interfaces, RuntimeModes
from granian.http import HTTP1Settings
from granian._granian import SocketHolder
from granian.server.mp import MPServer
from granian.server.mt import MTServer

from server.config import Config
from server.execution import Runner

log = logging.getLogger(__name__)
READY, FAILED = b"R", b"E"
START_TIMEOUT = 300.0  # seconds for a process to open the store (an in-memory copy of 1M triples takes ~3 s)
PR_SET_PDEATHSIG = 1
CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000  # <sched.h>
RECYCLED = 3  # the exit code of a recycled process that had to be stopped before granian's graceful stop ended
LOG_CONFIG = {
    "formatters": {"generic": {"()": "logging.Formatter", "fmt": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
                   "access": {"()": "logging.Formatter", "fmt": "%(message)s"}},
    "handlers": {"console": {"formatter": "generic", "class": "logging.StreamHandler", "stream": "ext://sys.stderr"},
                 "access": {"formatter": "access", "class": "logging.StreamHandler", "stream": "ext://sys.stderr"}},
    "loggers": {"_granian": {"handlers": ["console"], "level": "INFO", "propagate": False},
                "granian.access": {"handlers": ["access"], "level": "INFO", "propagate": False}},
    "root": {"handlers": ["console"], "level": "INFO"},
}


@dataclass(frozen=True)
class Settings:
    host: str
    port: int
    processes: int
    threads: int  # granian's blocking threads per process: the Python threads that run requests


def serve(config: Config, settings: Settings) -> int:
    """Serve until SIGTERM or Ctrl-C; the exit code (0 stopped cleanly, 2 could not start)."""
    multiprocessing.set_start_method("fork", force=True)  # the processes inherit the socket and the report pipe
    reports, report_to = os.pipe()
    server = Server(
        "server", address=settings.host, port=settings.port, interface=Interfaces.WSGI,
        workers=settings.processes, blocking_threads=settings.threads, backpressure=settings.threads * 8,
        respawn_failed_workers=True, workers_kill_timeout=5,
        http="1", http1_settings=http1(config), log_dictconfig=LOG_CONFIG, log_access=False,
    )
    server.reports = reports
    try:
        server.serve(target_loader=lambda _target: load_app(config, report_to), wrap_loader=True)
    except SystemExit as exit_:  # granian's way to say that a process died and could not be replaced
        return 2 if server.failed else 1 if exit_.code else 0
    finally:
        os.close(reports)
        os.close(report_to)
    return 2 if server.failed else 0


def http1(config: Config) -> HTTP1Settings:
    # Requests above the app's own limits reach it, so that it answers with its own message (413/414).
    return HTTP1Settings(max_buffer_size=2 * config.max_request_bytes + 65536)


def load_app(config: Config, report_to: int):
    """In a serving process: the app, over a backend whose runner recycles this process. Reports to the main one."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:  # the main process died before prctl
        os._exit(1)
    if not config.service_allow_list and not config.remote and not isolate_network():
        log.warning("this server process could not be cut off from the network (no network namespaces here); "
                    "SERVICE is refused by the check of the query text alone")
    from server.app import create_app
    try:
        app = create_app(config, runner=Runner(memory_share=config.memory_share, recycle=_recycle))
    except Exception as error:  # the main process prints it: one line, and the server stops
        os.write(report_to, FAILED + str(error).encode("utf-8", "replace") + b"\n")
        os._exit(2)
    os.write(report_to, READY + b"\n")
    return app


def isolate_network() -> bool:
    """Enter a new network namespace, which has no interface up (as root directly, else in a new user namespace).

    Defence in depth behind server.sparql.federation: a SERVICE that got past the check of the query text
    would reach nothing. The listening socket, opened before, still takes connections.
    """
    try:
        unshare = ctypes.CDLL(None, use_errno=True).unshare
    except (OSError, AttributeError):
        return False
    return any(unshare(flags) == 0 for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET))


def _recycle(grace: float) -> None:
    """Stop taking connections and exit once the requests in flight are answered (granian's graceful stop),
    or after `grace` seconds."""
    os.kill(os.getpid(), signal.SIGTERM)
    timer = threading.Timer(grace, os._exit, args=(RECYCLED,))
    timer.daemon = True
    timer.start()


class Server(MPServer):
    reports: int
    failed = False

    def _init_shared_socket(self):
        # One listening socket per process slot, all on one port (SO_REUSEPORT: the kernel spreads new
        # connections over them), made here: port 0 is resolved once, and a replacement takes over its
        # slot's socket with the connections queued on it.
        first = listen(self.bind_addr, self.bind_port, self.backlog, reuse_port=True)
        self.bind_port = first.getsockname()[1]
        self._listeners = [first] + [listen(self.bind_addr, self.bind_port, self.backlog, reuse_port=True)
                                     for _ in range(self.workers - 1)]
        self._ssp = self._sso = None

    def _spawn_worker(self, idx, target, callback_loader):
        self._shd = SocketHolder(os.dup(self._listeners[idx].fileno()), False, self.backlog)  # it closes its fd
        return super()._spawn_worker(idx, target, callback_loader)

    def _drop_shared_socket(self):
        for sock in self._listeners:
            sock.close()

    def signal_handler_interrupt(self, *args, **kwargs):
        # granian sets its wake-up event from the signal handler, in the main thread, which may hold that
        # event's lock right then (waking from its wait): a deadlock, seen on SIGTERM. Set it from a thread.
        self.interrupt_signal = True
        threading.Thread(target=self.main_loop_interrupt.set, daemon=True).start()

    def _spawn_workers(self, spawn_target, target_loader):
        self._reports: queue.SimpleQueue[bytes] = queue.SimpleQueue()
        threading.Thread(target=self._read_reports, name="reports", daemon=True).start()
        super()._spawn_workers(spawn_target, target_loader)
        error = self._wait_ready(len(self.wrks))
        if error:
            print(f"python -m server: {error}", file=sys.stderr, flush=True)
            self.failed = True
            self.interrupt_signal = True
            self.main_loop_interrupt.set()
            return
        self._started = True
        threading.Thread(target=self._watch_workers, name="watch-workers", daemon=True).start()
        host = f"[{self.bind_addr}]" if ":" in self.bind_addr else self.bind_addr
        print(f"Serving on http://{host}:{self.bind_port}/", flush=True)

    def _respawn_workers(self, workers, spawn_target, target_loader, delay: float = 0):
        # Exit code 0 (granian's graceful stop) or RECYCLED: replaced on purpose; anything else is a crash.
        recycled = [idx for idx in workers if self.wrks[idx].inner.exitcode in (0, RECYCLED)]
        super()._respawn_workers(workers, spawn_target, target_loader, delay)
        for idx in recycled:
            self.respawned_wrks.pop(idx, None)  # not a crash loop: see the module's docstring

    def _watch_workers(self) -> None:
        """Make sure a dead process is replaced. granian's main loop can miss one when two die at once (its
        list of dead processes and its wake-up event are cleared without a lock): look twice a second, and
        wake it for a process that has been dead since the last look."""
        dead_before: set[int] = set()
        while not self.interrupt_signal:
            time.sleep(0.5)
            dead = {id(w) for w in list(self.wrks) if not w.is_alive() and not w.interrupt_by_parent}
            for worker in list(self.wrks):
                if id(worker) in dead & dead_before and worker.idx not in self.interrupt_children:
                    log.warning("server process %d exited unnoticed; replacing it", worker.idx + 1)
                    self.interrupt_children.append(worker.idx)
            if self.interrupt_children:
                self.main_loop_interrupt.set()
            dead_before = dead

    def _read_reports(self) -> None:
        """Every process's report; after the start, a replacement's failure is logged (it then exits, and is
        replaced again, or the server stops for a crash loop)."""
        with os.fdopen(os.dup(self.reports), "rb", buffering=0) as pipe:
            for line in iter(pipe.readline, b""):
                if getattr(self, "_started", False):
                    if line[:1] == FAILED:
                        log.error("a server process could not start: %s", line[1:].decode("utf-8", "replace").strip())
                else:
                    self._reports.put(line)

    def _wait_ready(self, count: int) -> str | None:
        """Wait for `count` processes to report; the first error, or None when all are ready."""
        deadline = time.monotonic() + START_TIMEOUT
        for _ in range(count):
            try:
                line = self._reports.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return f"no server process started within {START_TIMEOUT:g} s"
            if line[:1] == FAILED:
                return line[1:].decode("utf-8", "replace").strip()
        return None

class InThread:
    """granian's WSGI worker on a thread of this process, for tests: the same HTTP layer, without processes
    (so without recycling: a query past the time limit is answered 503, but keeps its thread busy)."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, threads: int = 16):
        server = MTServer("", address=host, port=port, interface=Interfaces.WSGI, blocking_threads=threads,
                          backpressure=threads * 8, http="1", http1_settings=http1(app.config["SERVER"]),
                          log_enabled=False)
        server.runtime_mode = RuntimeModes.mt
        self.socket = listen(host, port, server.backlog)
        self.port = self.socket.getsockname()[1]
        server._ssp, server._shd = None, SocketHolder(os.dup(self.socket.fileno()), False, server.backlog)
        self.worker = server._spawn_worker(0, MTServer._spawn_wsgi_worker, app)
        self.worker.inner.daemon = True  # a test process that forgot to stop it still exits
        self.worker.start()

    def stop(self) -> None:
        self.worker.terminate()
        self.worker.join(10)
        self.socket.close()


def listen(host: str, port: int, backlog: int, reuse_port: bool = False) -> socket.socket:
    """A listening TCP socket. With `reuse_port`, others of ours may listen on the same port; a port another
    program uses is still an error (SO_REUSEPORT needs every socket on the port to ask for it)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    # Inherited by every accepted connection: without it, an answer written in two parts waits for the
    # client's delayed ACK (40 ms on Linux), as granian's own listener avoids.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(address)
    sock.listen(backlog)
    return sock
