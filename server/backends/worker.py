"""A query worker process: opens the store once, then answers one job at a time over its pipe.

The store is the loader's on-disk store opened read-only (storage "disk"), or an in-memory copy
loaded from the build's N-Quads release dump (storage "memory"): 2-5 times faster on scans, joins
and aggregates (the engine's in-memory indexes against RocksDB), at about 400 bytes per triple.

It runs in its own process because pyoxigraph cannot cancel a query: the pool kills a worker that
passes the time limit and starts another. When no SERVICE endpoint is allowed, the worker first moves
into a new, empty network namespace (Linux, where the kernel lets it): then even a SERVICE that got
past server.sparql.federation could not reach anything. Messages to the parent are bytes whose first byte says
what follows:

    A <truncated> <body>                the whole answer (always, when a row cap is set)
    H  then  D <bytes> ...  then  E     an answer streamed in chunks (no row cap; small ones go as A)
    X <JSON {"error": kind, "message": ...}>   a failure, before or during a streamed answer

where <truncated> is one byte: 1 the row cap cut the answer, 0 it did not, - no cap applied.

The parent sends one job per message (a dict, see `EmbeddedBackend.query`).
"""
from __future__ import annotations

import ctypes
import itertools
import json
import resource
import signal
import sys
import traceback
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from server import search
from server.backends import rowcap

LOAD_BATCH = 50_000  # quads per transaction when a worker loads its in-memory copy
DUMP = "ungass-kg.nq"  # the loader's release dump of the whole dataset, next to oxigraph/ (loader/store.py)
READY = b"R"  # then 1 if the worker is cut off from the network, 0 if not
STREAM_CHUNK = 256 * 1024  # bytes gathered before a streamed chunk goes to the parent
CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000  # <sched.h>


def serve(conn: Connection, store_path: str, memory_limit: int, isolate: bool, storage: str = "disk") -> None:
    """The worker's main loop; returns when the parent closes its end of the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which then stops its workers
    isolated = isolate and isolate_network()  # before RocksDB starts threads: unshare needs one thread
    if memory_limit:
        # RLIMIT_DATA covers heap and anonymous mappings (Linux >= 4.7), not RocksDB's file mappings:
        # a query that materialises too much fails here instead of the whole machine swapping.
        resource.setrlimit(resource.RLIMIT_DATA, (memory_limit, memory_limit))
    store = open_store(store_path, storage)
    functions = search.functions(search.open_index(Path(store_path).parent / "search"))  # fn:score (server.search)
    conn.send_bytes(READY + (b"1" if isolated else b"0"))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        run(store, job, conn, functions)


def open_store(store_path: str, storage: str) -> ox.Store:
    """The store to query: RocksDB read-only, or the same quads in memory (from the build's N-Quads dump).

    Blank nodes keep their labels from the dump, which are the on-disk store's: every worker, on
    either storage, names a blank node the same way (Store.load would give each copy fresh labels).
    """
    if storage == "disk":
        return ox.Store.read_only(store_path)
    store = ox.Store()
    quads = ox.parse(path=str(Path(store_path).parent / "release" / DUMP), format=ox.RdfFormat.N_QUADS,
                     rename_blank_nodes=False)
    # In batches: one transaction of a million quads peaks at 620 MiB for a 390 MiB store; 50k: 420 MiB.
    while batch := list(itertools.islice(quads, LOAD_BATCH)):
        store.extend(batch)
    return store


def isolate_network() -> bool:
    """Enter a new network namespace, which has no interface up: as root directly, else in a new user namespace."""
    try:
        unshare = ctypes.CDLL(None, use_errno=True).unshare
    except (OSError, AttributeError):
        return False
    return any(unshare(flags) == 0 for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET))


def run(store: ox.Store, job: dict, conn: Connection, functions: dict | None = None) -> None:
    streaming = _Stream(conn)
    try:
        substitutions = {ox.Variable(name): term for name, term in job.get("substitutions", ())}
        results = store.query(job["text"], substitutions=substitutions or None, base_iri=job.get("base_iri"),
                              custom_functions=functions or None,
                              **_dataset(job))
        if isinstance(results, ox.QueryBoolean):
            answer(conn, results.serialize(format=_results_format(job["media_type"])), None)
        elif job["row_limit"]:
            body, truncated = _capped(results, job)
            answer(conn, body, truncated)
        elif isinstance(results, ox.QuerySolutions):
            results.serialize(streaming, format=_results_format(job["media_type"]))
            streaming.finish()
        else:
            results.serialize(streaming, format=ox.RdfFormat.from_media_type(job["media_type"]))
            streaming.finish()
    except SyntaxError as error:
        fail(conn, "syntax", str(error))
    except OSError as error:
        if job.get("federated"):  # pyoxigraph reports SERVICE failures as OSError, without an errno
            fail(conn, "upstream", str(error))
        else:
            fail(conn, "internal", traceback.format_exc())
    except MemoryError:
        fail(conn, "memory", "the query needed more memory than a worker may use")
    except Exception:
        fail(conn, "internal", traceback.format_exc())


def _dataset(job: dict) -> dict:
    dataset = job.get("dataset")
    if dataset is not None:
        # The protocol's dataset replaces FROM / FROM NAMED, and a graph it does not list is not visible.
        return {
            "default_graph": [ox.NamedNode(iri) for iri in dataset[0]],
            "named_graphs": [ox.NamedNode(iri) for iri in dataset[1]],
        }
    if job.get("declares_dataset"):
        return {}  # pyoxigraph honours FROM / FROM NAMED itself; the union flag would override them
    return {"use_default_graph_as_union": True}


def _capped(results, job: dict) -> tuple[bytes, bool]:
    if isinstance(results, ox.QuerySolutions):
        return rowcap.solutions(lambda sink: results.serialize(sink, format=ox.QueryResultsFormat.TSV),
                                job["row_limit"], job["media_type"])
    return rowcap.triples(lambda sink: results.serialize(sink, format=ox.RdfFormat.N_TRIPLES),
                          job["row_limit"], job["media_type"], job["prefixes"])


def _results_format(media_type: str) -> ox.QueryResultsFormat:
    return ox.QueryResultsFormat.from_media_type(media_type)


def answer(conn: Connection, body: bytes, truncated: bool | None) -> None:
    conn.send_bytes(b"A" + {None: b"-", False: b"0", True: b"1"}[truncated] + body)


def fail(conn: Connection, kind: str, message: str) -> None:
    conn.send_bytes(b"X" + json.dumps({"error": kind, "message": message}).encode())


class _Stream:
    """A write()-able sink that sends the answer in chunks; small answers still go as one A message."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.buffer: list[bytes] = []
        self.size = 0
        self.started = False

    def write(self, chunk: bytes) -> int:
        self.buffer.append(bytes(chunk))
        self.size += len(chunk)
        if self.size >= STREAM_CHUNK:
            self._send()
        return len(chunk)

    def flush(self) -> None:
        pass

    def _send(self) -> None:
        if not self.started:
            self.conn.send_bytes(b"H")
            self.started = True
        self.conn.send_bytes(b"D" + b"".join(self.buffer))
        self.buffer, self.size = [], 0

    def finish(self) -> None:
        if not self.started:
            answer(self.conn, b"".join(self.buffer), None)
            return
        if self.buffer:
            self._send()
        self.conn.send_bytes(b"E")


def main(argv: list[str]) -> None:
    """`python -m server.backends.worker FD STORE MEMORY_LIMIT ISOLATE STORAGE`, as started by server.backends.pool."""
    fd, store_path, memory_limit, isolate, storage = argv
    serve(Connection(int(fd)), store_path, int(memory_limit), isolate == "1", storage)


if __name__ == "__main__":
    main(sys.argv[1:])
