"""A pool of long-lived query worker processes, each killed and replaced when its query passes the time limit.

Workers are plain `python -m server.backends.worker` subprocesses talking over a socket pair with
multiprocessing's message framing. Not multiprocessing.Process: its spawn and forkserver methods
re-import the parent's __main__ in every child, and fork is unsafe in a threaded server (and would
carry the parent's RocksDB handles across). A replacement starts in about 0.1 s, off the request path.
"""
from __future__ import annotations

import logging
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from server.backends import worker
from server.errors import Busy

log = logging.getLogger(__name__)
START_TIMEOUT = 60.0  # seconds for a new worker to open the store
SOURCE_ROOT = str(Path(__file__).resolve().parents[2])  # so that a worker imports this very package


class Retired(Exception):
    """The pool was retired (a new build is being served): acquire from the current pool instead."""


@dataclass(eq=False)
class Worker:
    process: subprocess.Popen
    conn: Connection

    @property
    def exitcode(self) -> int | None:
        return self.process.poll()

    def stop(self) -> None:
        self.conn.close()
        self.process.kill()
        self.process.wait(5)


class Pool:
    def __init__(self, store_path: str, size: int, memory_limit: int = 0, isolate_network: bool = False,
                 storage: str = "disk"):
        self.store_path = store_path
        self.storage = storage
        self.size = size
        self.memory_limit = memory_limit
        self.isolate_network = isolate_network
        self.network_isolated: bool | None = None  # what the workers managed, once one has started
        # Last in, first out: at low concurrency the worker that just answered answers again, with its
        # copy of the store still in the CPU caches (round robin over four in-memory copies halved the
        # speed of an aggregate: 129 against 232 req/s, bench/queries/aggregate.rq, one connection).
        self._idle: queue.LifoQueue[Worker] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._workers: set[Worker] = set()
        self._closed = False
        self.replaced = 0
        starting = [self._start() for _ in range(size)]
        try:
            for process, conn in starting:
                self._idle.put(self._ready(process, conn))
        except Exception:
            for process, conn in starting:
                conn.close()
                process.kill()
                process.wait(5)
            raise

    def acquire(self, timeout: float) -> Worker:
        """An idle worker; Busy if none is free within `timeout`, Retired if the pool is retired meanwhile."""
        deadline = time.monotonic() + timeout
        while not self._closed:
            try:
                return self._idle.get(timeout=min(0.5, max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                if time.monotonic() >= deadline:
                    raise Busy(
                        f"all {self.size} query workers stayed busy for {timeout:g} s; try again shortly",
                        {"Retry-After": "5"},
                    ) from None
        raise Retired

    def release(self, worker_: Worker) -> None:
        """Give back a worker that finished its job cleanly."""
        if self._closed:
            self._forget(worker_)
        else:
            self._idle.put(worker_)

    def discard(self, worker_: Worker) -> None:
        """Kill a worker (over its time limit, dead, or left mid-answer) and start its replacement."""
        self._forget(worker_)
        if not self._closed:
            threading.Thread(target=self._replace, name="query-worker-replacement", daemon=True).start()

    def idle(self) -> int:
        return self._idle.qsize()

    def alive(self) -> int:
        with self._lock:
            return len(self._workers)

    def retire(self) -> None:
        """Stop the idle workers now, and each busy one when its query is done."""
        self._closed = True
        while True:
            try:
                self._forget(self._idle.get_nowait())
            except queue.Empty:
                return

    def close(self) -> None:
        """Stop every worker now, busy or not."""
        self.retire()
        with self._lock:
            workers = list(self._workers)
        for worker_ in workers:
            self._forget(worker_)

    def _start(self) -> tuple[subprocess.Popen, Connection]:
        parent, child = socket.socketpair()
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [SOURCE_ROOT, os.environ.get("PYTHONPATH")])))
        with child:
            process = subprocess.Popen(
                [sys.executable, "-m", "server.backends.worker", str(child.fileno()), self.store_path,
                 str(self.memory_limit), "1" if self.isolate_network else "0", self.storage],
                pass_fds=[child.fileno()], stdin=subprocess.DEVNULL, env=env,
            )
        return process, Connection(parent.detach())

    def _ready(self, process: subprocess.Popen, conn: Connection) -> Worker:
        try:
            ready = conn.recv_bytes() if conn.poll(START_TIMEOUT) else b""
            if ready[:1] == worker.READY:
                if self.network_isolated is None and self.isolate_network and ready[1:] != b"1":
                    log.warning("query workers could not be cut off from the network (no network namespaces "
                                "here); SERVICE is guarded by the allow-list check of the query text alone")
                self.network_isolated = ready[1:] == b"1"
                worker_ = Worker(process, conn)
                with self._lock:
                    self._workers.add(worker_)
                return worker_
        except (EOFError, OSError):
            pass
        conn.close()
        process.kill()
        code = process.wait(5)
        raise RuntimeError(f"a query worker could not open the store {self.store_path} "
                           f"(exit code {code}); its error is above")

    def _replace(self) -> None:
        if self._closed:
            return
        try:
            fresh = self._ready(*self._start())
        except Exception:
            log.exception("could not replace a query worker; the pool is one worker short")
            return
        self.replaced += 1
        self.release(fresh)

    def _forget(self, worker_: Worker) -> None:
        with self._lock:
            self._workers.discard(worker_)
        worker_.stop()
