"""Where queries run: threads of the serving process, each with a large stack, under a time limit, a memory cap
and admission control.

pyoxigraph releases the GIL while it evaluates, so a query on one thread does not hold up the requests
on the others; but it cannot be cancelled. So a query that passes the time limit, or a process whose
memory passes its share of the server's cap, is stopped by recycling the process: its client gets 503
at once (with the limit and a Retry-After), the process stops taking connections, the queries still
running in it are answered 503 as soon as they have used up the short budget that makes a query "slow",
and the process exits; granian starts a fresh one (server.serving) while the others keep serving.

Admission: a query that has run longer than SLOW_AFTER counts as slow. A process runs at most
SLOW_PER_PROCESS slow queries fairly shared between the clients that have some (never more than
SLOW_PER_CLIENT each): a client over its share gets 503 + Retry-After at once, instead of a queue. A
client that sends quick queries is never refused: there is always a thread for it.
"""
from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from server.errors import Busy, EndpointError, InternalError, MemoryLimit, QueryTimeout, Recycling

log = logging.getLogger(__name__)
T = TypeVar("T")

# 1,000 nested STR( or 3,000 nested groups overflow an 8 MiB stack in pyoxigraph's parser and planner;
# 256 MiB evaluates 10,000 and 30,000 of them (server.sparql.nesting refuses deeper ones). Untouched stack
# pages cost no memory.
STACK_SIZE = 256 * 2**20
THREADS = 64  # query threads per process at most; a request beyond them is refused (503), never queued
SLOW_AFTER = 0.5  # seconds: a query running longer is slow
SLOW_PER_PROCESS = 4
SLOW_PER_CLIENT = 2
TICK = 0.05  # seconds between two looks of a waiting request at its query, and of the memory watchdog
# The memory watchdog looks often while queries run, and acts at 80% of the process's share: a query can
# allocate ~1 GB/s, and the process needs up to MEMORY_GRACE to answer and exit.
MEMORY_TICK = 0.01
MEMORY_TRIGGER = 0.8
MEMORY_GRACE = 0.1
RETRY_AFTER = "2"  # seconds: about the time a fresh process needs to start
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(eq=False)
class Task:
    work: Callable[[], object]
    client: str
    started: float = 0.0
    done: threading.Event = field(default_factory=threading.Event)
    value: object = None
    error: BaseException | None = None
    stopped: EndpointError | None = None  # set by a recycle: the answer the waiting request gives

    def slow(self, now: float) -> bool:
        return self.started > 0 and now - self.started > SLOW_AFTER


class Runner:
    """The query threads of one process. `recycle(grace)` is called once when the process must be replaced: it
    stops taking connections, and exits when the requests in flight are answered, or after `grace` seconds."""

    def __init__(self, memory_share: int = 0, recycle: Callable[[float], None] | None = None):
        self.memory_share = memory_share  # bytes of resident memory this process may use; 0: no cap
        self.on_recycle = recycle
        self.recycling: str | None = None  # why, once the process is being replaced
        self._lock = threading.Lock()
        self._tasks: set[Task] = set()
        self._idle = 0
        self._queue: queue.SimpleQueue[Task] = queue.SimpleQueue()
        self._watchdog: threading.Thread | None = None
        threading.stack_size(STACK_SIZE)  # for every thread this process starts from now on

    def run(self, work: Callable[[], T], limit: float, client: str) -> T:
        """`work()` on a query thread; its value, or the error it raised, or 503 when it passes `limit` seconds."""
        task = Task(work, client)
        self._admit(task)
        deadline = time.monotonic() + limit
        try:
            while not task.done.wait(min(TICK, max(0.0, deadline - time.monotonic()))):
                if task.stopped is not None:
                    raise task.stopped
                if time.monotonic() >= deadline:
                    self.recycle(f"a query ran past the {limit:g} s time limit")
                    raise QueryTimeout(f"the query ran past the {limit:g} s time limit and was stopped",
                                       {"Retry-After": RETRY_AFTER})
        finally:
            with self._lock:
                self._tasks.discard(task)
        if task.error is not None:
            raise task.error
        return task.value  # type: ignore[return-value]

    def _admit(self, task: Task) -> None:
        now = time.monotonic()
        with self._lock:
            slow = Counter(t.client for t in self._tasks if t.slow(now))
            share = min(SLOW_PER_CLIENT, max(1, SLOW_PER_PROCESS // max(1, len(slow | {task.client: 1}))))
            if slow[task.client] >= share or (sum(slow.values()) >= SLOW_PER_PROCESS and slow[task.client]):
                raise Busy(f"you already have {slow[task.client]} slow queries running here, your share of "
                           f"{SLOW_PER_PROCESS} per server process; send this one when one of them is done",
                           {"Retry-After": RETRY_AFTER})
            if len(self._tasks) >= THREADS:
                raise Busy(f"all {THREADS} query threads of this server process are busy; try again shortly",
                           {"Retry-After": RETRY_AFTER})
            self._tasks.add(task)
            start = self._idle == 0
            if not start:
                self._idle -= 1
            if self.memory_share and self._watchdog is None:
                self._watchdog = threading.Thread(target=self._watch_memory, name="memory-watchdog", daemon=True)
                self._watchdog.start()
        self._queue.put(task)
        if start:
            threading.Thread(target=self._thread, name="query", daemon=True).start()

    def _thread(self) -> None:
        while True:
            task = self._queue.get()
            task.started = time.monotonic()
            try:
                task.value = task.work()
            except EndpointError as error:  # handed to the waiting request, which raises it
                # Without its traceback: its frames hold the engine's iterators, which must be freed on
                # the thread that made them (pyoxigraph's are unsendable).
                task.error = error.with_traceback(None)
                error.__context__ = error.__cause__ = None
            except Exception:
                log.exception("a query failed")
                task.error = InternalError("the query engine failed; the error has been logged")
            with self._lock:  # idle before the request is woken, so that its next query finds this thread
                self._idle += 1
            task.done.set()
            task = None  # type: ignore[assignment]  # not kept alive while idle

    def recycle(self, reason: str, stopped: type[EndpointError] = Recycling, grace: float = 3.0) -> None:
        """Replace this process: stop taking queries, answer the slow ones 503 at once, let the rest finish."""
        with self._lock:
            if self.recycling or self.on_recycle is None:
                first = False
            else:
                self.recycling, first = reason, True
        if not first:
            if self.on_recycle is None:
                log.warning("%s; not recycled (this server does not run under server.serving)", reason)
            return
        log.warning("%s: replacing server process %d", reason, os.getpid())
        threading.Thread(target=self._stop_slow, args=(reason, stopped), name="recycle", daemon=True).start()
        self.on_recycle(grace)

    def _stop_slow(self, reason: str, stopped: type[EndpointError]) -> None:
        """Until the process exits: every query that is or becomes slow is answered 503."""
        while True:
            now = time.monotonic()
            with self._lock:
                tasks = [t for t in self._tasks if t.stopped is None and t.slow(now)]
            for task in tasks:
                task.stopped = stopped(f"{reason}, and this query was running in the same server process, which "
                                       "is being replaced; send it again", {"Retry-After": RETRY_AFTER})
            time.sleep(TICK)

    def _watch_memory(self) -> None:
        trigger = self.memory_share * MEMORY_TRIGGER
        while not self.recycling:
            if resident() > trigger:
                share = self.memory_share // 2**20
                # Every query still running is answered now: the one that took the memory is among them,
                # and the process must stop before what it allocates meanwhile passes the share.
                with self._lock:
                    for task in self._tasks:
                        task.stopped = task.stopped or MemoryLimit(
                            f"the server process passed its {share} MiB share of the memory limit while this "
                            "query ran; it was stopped", {"Retry-After": RETRY_AFTER})
                self.recycle(f"this server process passed its {share} MiB share of the memory limit", MemoryLimit,
                             grace=MEMORY_GRACE)
                return
            time.sleep(MEMORY_TICK if self._tasks else TICK)

    def report(self) -> dict:
        now = time.monotonic()
        with self._lock:
            return {"running": len(self._tasks), "slow": sum(t.slow(now) for t in self._tasks),
                    "recycling": bool(self.recycling)}


def resident() -> int:
    """This process's resident memory, in bytes (Linux)."""
    with open("/proc/self/statm", "rb") as statm:
        return int(statm.read().split()[1]) * PAGE
