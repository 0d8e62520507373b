"""The default backend: pyoxigraph over the loader's store, queries run in a pool of worker processes.

The store layout is the loader's contract: BUILD/store links to BUILD/stores/<build-id>/, which holds
`oxigraph/` (opened read-only), `release/ungass-kg.nq` (loaded by each worker when the storage is
"memory", the default) and `build.json`. When the loader swaps the link to a new build, the
server notices within a second, starts workers on the new build, and from then on sends queries there;
the old build's workers finish the queries they have and stop (the loader keeps old builds for that).
"""
from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from server.backends import (
    META_GRAPH,
    Description,
    Limits,
    QueryJob,
    Result,
    values,
    worker,
)
from server.backends.pool import Pool, Retired, Worker
from server.errors import (
    EndpointError,
    InternalError,
    QuerySyntaxError,
    QueryTimeout,
    UpstreamError,
    WorkerLost,
)

log = logging.getLogger(__name__)


SWAP_CHECK = 1.0  # seconds between two looks at the store link


@dataclass(eq=False)
class Build:
    """One build of the store, and the workers that serve it."""

    path: Path
    info: dict
    description: Description
    pool: Pool


class EmbeddedBackend:
    immutable = True  # a build never changes; a new one has a new version (server.caching relies on it)

    def __init__(self, store: Path, workers: int, memory_limit: int = 0, isolate_network: bool = False,
                 storage: str = "memory"):
        self.link = Path(store)
        self.workers, self.memory_limit, self.isolate_network = workers, memory_limit, isolate_network
        self.storage = storage
        self.current = self._open(self.link.resolve())
        self._next_check = time.monotonic() + SWAP_CHECK
        self._swapping = threading.Lock()
        self._unusable: Path | None = None  # a build that failed to open: not tried again

    def _open(self, path: Path) -> Build:
        build_file, database, dump = path / "build.json", path / "oxigraph", path / "release" / worker.DUMP
        if not build_file.is_file() or not database.is_dir():
            raise FileNotFoundError(f"no store at {self.link}: expected build.json and oxigraph/ in it "
                                    "(run `python -m loader build` first)")
        if self.storage == "memory" and not dump.is_file():
            raise FileNotFoundError(f"no {dump.relative_to(path)} in the store at {self.link}, which in-memory "
                                    "storage loads (rebuild with `python -m loader build`, or use --storage disk)")
        info = json.loads(build_file.read_text(encoding="utf-8"))
        description = Description(
            version=info["build_id"],
            triples=info.get("triples"),
            graphs=dict(info.get("graphs", {})),
            void=_meta_graph(database),
            union_default_graph=True,
            source=str(path),
        )
        pool = Pool(str(database), self.workers, self.memory_limit, self.isolate_network, self.storage)
        return Build(path, info, description, pool)

    def _build(self) -> Build:
        """The build to query. At most once a second, also look whether the loader swapped in another one."""
        now = time.monotonic()
        if now >= self._next_check and self._swapping.acquire(blocking=False):
            self._next_check = now + SWAP_CHECK
            target = self.link.resolve()
            if target not in (self.current.path, self._unusable):
                threading.Thread(target=self._swap, args=(target,), name="store-swap", daemon=True).start()
            else:
                self._swapping.release()
        return self.current

    def _swap(self, target: Path) -> None:
        try:
            fresh = self._open(target)
        except Exception:
            self._unusable = target
            log.exception("cannot serve the new build %s; still serving %s", target, self.current.path)
        else:
            old, self.current = self.current, fresh
            log.info("serving build %s (was %s)", fresh.info["build_id"], old.info["build_id"])
            old.pool.retire()
        finally:
            self._swapping.release()

    def describe(self) -> Description:
        return self._build().description

    def health(self) -> dict:
        build = self._build()
        pool = build.pool
        return {"backend": "embedded", "store": str(build.path), "storage": self.storage,
                "build_id": build.info["build_id"],
                "triples": build.info.get("triples"),
                "workers": {"size": pool.size, "alive": pool.alive(), "idle": pool.idle(), "replaced": pool.replaced,
                            "network_isolated": pool.network_isolated}}

    def close(self) -> None:
        with self._swapping:  # not while a new build is starting its workers
            self.current.pool.close()

    def query(self, job: QueryJob, limits: Limits) -> Result:
        waited = time.monotonic() + limits.time
        while True:  # the pool may be retired by a swap between choosing it and getting a worker from it
            pool = self._build().pool
            try:
                worker = pool.acquire(timeout=max(0.0, waited - time.monotonic()))
                break
            except Retired:
                continue
        deadline = time.monotonic() + limits.time
        try:
            worker.conn.send({
                "text": _with_values(job),
                "media_type": job.media_type,
                "row_limit": limits.rows if job.kind != "boolean" else 0,
                "prefixes": job.prefixes,
                "dataset": (job.dataset.default_graphs, job.dataset.named_graphs) if job.dataset else None,
                "declares_dataset": job.declares_dataset,
                "federated": job.federated,
                "substitutions": job.substitutions,
                "base_iri": job.base_iri,
            })
            message = self._receive(worker, deadline, limits)
        except EndpointError:
            pool.discard(worker)
            raise
        except BaseException as error:
            pool.discard(worker)
            if isinstance(error, OSError):  # the worker died while idle (the OOM killer, an operator)
                raise WorkerLost(f"the process that was to run the query had stopped: {error}") from None
            raise
        tag = message[:1]
        if tag == b"A":
            pool.release(worker)
            truncated = {b"-": None, b"0": False, b"1": True}[message[1:2]]
            return Result(body=message[2:], truncated=truncated,
                          row_limit=limits.rows if truncated is not None else 0)
        if tag == b"X":
            pool.release(worker)
            raise _error(json.loads(message[1:]), self.memory_limit, job.text)
        return Result(chunks=self._stream(pool, worker, deadline, limits))

    def _stream(self, pool: Pool, worker: Worker, deadline: float, limits: Limits) -> Iterator[bytes]:
        clean = False
        try:
            while True:
                message = self._receive(worker, deadline, limits)
                if message[:1] == b"D":
                    yield message[1:]
                elif message[:1] == b"E":
                    clean = True
                    return
                else:  # X: the answer was already under way; the WSGI server aborts the connection
                    clean = True
                    raise _error(json.loads(message[1:]), self.memory_limit)
        finally:
            # A generator closed before E (the client left) leaves a worker mid-answer: replace it.
            (pool.release if clean else pool.discard)(worker)

    def _receive(self, worker: Worker, deadline: float, limits: Limits) -> bytes:
        try:
            if worker.conn.poll(max(0.0, deadline - time.monotonic())):
                return worker.conn.recv_bytes()
        except (EOFError, OSError):
            code = worker.exitcode
            raise WorkerLost(
                f"the process running the query stopped (exit code {code})"
                + (f"; most likely the query needed more than the {self.memory_limit // 2**20} MiB "
                   "a query may use" if self.memory_limit else "")
            ) from None
        raise QueryTimeout(f"the query ran past the {limits.time:g} s time limit and was stopped")


def _with_values(job: QueryJob) -> str:
    """The query text with its parameters written in (server.backends.values.inline), or else bound by a
    VALUES block; the worker still passes them as `substitutions` too.

    pyoxigraph applies `substitutions` after it has planned the query: a parameter that should select a
    few resources then filters every solution of the unbound pattern, which made statements-about,
    actor-activity and document-links grow quadratically with the corpus (bench/scale_serving.py).
    """
    if not job.substitutions:
        return job.text
    try:
        return values.inline(job.text, job.substitutions) or values.bind(job.text, job.substitutions)
    except (ValueError, EndpointError):  # no WHERE group, or a value a VALUES block cannot carry
        return job.text


def _error(report: dict, memory_limit: int, query: str = "") -> EndpointError:
    kind, message = report["error"], report["message"]
    if kind == "syntax":
        return QuerySyntaxError(f"the query is not valid SPARQL 1.1: {_undeclared_prefix(message, query) or message}")
    if kind == "upstream":
        return UpstreamError(f"a SERVICE endpoint failed: {message}")
    if kind == "memory":
        return WorkerLost(f"{message} ({memory_limit // 2**20} MiB)")
    log.error("query worker error:\n%s", message)
    return InternalError("the query engine failed; the error has been logged")


def _undeclared_prefix(message: str, query: str) -> str | None:
    """Oxigraph's message for an undeclared prefix lists characters; name the prefix instead."""
    where = re.match(r"error at (\d+):(\d+): expected one of Prefix not found", message)
    if not where:
        return None
    line, column = int(where[1]), int(where[2])
    lines = query.split("\n")
    before = lines[line - 1][: column - 1] if line <= len(lines) else ""
    name = re.search(r"([A-Za-z][\w.-]*)?:[^\s:]*$", before)
    prefix = name[1] or "" if name else "?"
    return (f"error at {line}:{column}: undeclared prefix {prefix}: "
            f"(declare it before the query with PREFIX {prefix}: <namespace IRI>)")


def _meta_graph(database: Path) -> bytes:
    """The loader's VoID/DCAT graph, read once (the parent process never queries the store otherwise)."""
    store = ox.Store.read_only(str(database))
    try:
        quads = store.quads_for_pattern(None, None, None, ox.NamedNode(META_GRAPH))
        return ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads),
                            format=ox.RdfFormat.N_TRIPLES) or b""
    finally:
        del store
