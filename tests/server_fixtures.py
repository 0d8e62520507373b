"""Fixtures of the server tests: real servers on 127.0.0.1, port 0, over the loader's real build.

`build_dir` (tests/conftest.py) runs `python -m loader --build-dir DIR build` on the real data once per
session. Most tests talk to the app served by granian on a thread of the test process (server.serving.InThread),
one per configuration, shared by the session; `start_server(**settings)`
starts (or reuses) one with other settings. What only granian does (processes, recycling, the time and
memory limits) is tested on real `python -m server` subprocesses: `ServerProcess`, `server_process`.
UNGASS_SERVER_BUILD=DIR serves an existing build folder instead, for quick reruns while working on
the server; without it, the tests always use a fresh build of the real data.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox
import pytest

from server.app import close, create_app
from server.backends.remote import RemoteBackend
from server.config import Config
from server.serving import InThread

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Server:
    """A running server: `url` is its root (with the trailing slash)."""

    url: str
    app: object
    http: InThread

    @property
    def sparql(self) -> str:
        return self.url + "sparql"

    def stop(self) -> None:
        self.http.stop()
        close(self.app)


def serve(app) -> Server:
    http = InThread(app)
    return Server(f"http://127.0.0.1:{http.port}/", app, http)


class Process:
    """`python -m server ARGS` as an operator runs it. Its output is read all along (a server that logs into a
    full pipe would block), and kept for failure messages."""

    def __init__(self, *args: str):
        self.popen = subprocess.Popen([sys.executable, "-m", "server", *args], cwd=ROOT,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.output = {"stdout": b"", "stderr": b""}
        self.readers = [threading.Thread(target=self._drain, args=(name, pipe), daemon=True)
                        for name, pipe in (("stdout", self.popen.stdout), ("stderr", self.popen.stderr))]
        for reader in self.readers:
            reader.start()

    def _drain(self, name: str, pipe) -> None:
        while chunk := os.read(pipe.fileno(), 65536):
            self.output[name] += chunk

    def url(self, seconds: float) -> str:
        def printed() -> str | None:
            for line in self.output["stdout"].decode(errors="replace").splitlines():
                if line.startswith("Serving on http://"):
                    return line.split()[-1]
            if self.popen.poll() is not None:
                raise AssertionError(f"the server stopped. {self}")
            return None
        return wait_for(printed, seconds, lambda: f"no URL printed. {self}")

    def stop(self, seconds: float = 20) -> int:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
        try:
            code = self.popen.wait(seconds)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            raise
        for reader in self.readers:  # until both pipes reach EOF: every process that held them is gone
            reader.join(seconds)
        self.popen.stdout.close()
        self.popen.stderr.close()
        return code

    def __str__(self) -> str:
        return (f"exit code {self.popen.poll()}\nstdout:\n{self.output['stdout'].decode(errors='replace')}"
                f"\nstderr:\n{self.output['stderr'].decode(errors='replace')[-6000:]}")


def child_pids(parent: int) -> set[int]:
    children = Path(f"/proc/{parent}/task/{parent}/children")
    return {int(pid) for pid in children.read_text().split()} if children.exists() else set()


def gone(pid: int) -> bool:
    try:
        return "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
    except FileNotFoundError:
        return True


@pytest.fixture(scope="session")
def server_build(request) -> Path:
    """The loader's build folder the servers serve (UNGASS_SERVER_BUILD: reuse a build, for quick reruns)."""
    reuse = os.environ.get("UNGASS_SERVER_BUILD")
    return Path(reuse) if reuse else request.getfixturevalue("build_dir")


@pytest.fixture(scope="session")
def build_info(server_build) -> dict:
    return json.loads((server_build / "store" / "build.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def local_store(server_build) -> ox.Store:
    """The same store, opened in the test process: the oracle that answers are compared with."""
    return ox.Store.read_only(str(server_build / "store" / "oxigraph"))


@pytest.fixture(scope="session")
def start_server(server_build) -> Iterator[Callable[..., Server]]:
    started: dict[tuple, Server] = {}
    base = Config(build_dir=server_build, time_limit=10.0, row_limit=100_000)

    def start(**settings) -> Server:
        key = tuple(sorted(settings.items()))
        if key not in started:
            started[key] = serve(create_app(replace(base, **settings)))
        return started[key]

    yield start
    for server in started.values():
        server.stop()


@pytest.fixture(scope="session")
def server(start_server) -> Server:
    """The server as deployed by default: row cap 100 000, time limit 10 s."""
    return start_server()


@pytest.fixture(scope="session")
def limited_server(start_server) -> Server:
    """Tight limits: 10 rows, a 2 s time limit."""
    return start_server(row_limit=10, time_limit=2.0)


@pytest.fixture(scope="session")
def remote_server(server) -> Iterator[Server]:
    """Our server in remote mode, forwarding to the default (embedded) server."""
    config = Config(remote=server.sparql, time_limit=10.0, row_limit=100_000)
    remote = serve(create_app(config, RemoteBackend(server.sparql)))
    yield remote
    remote.stop()


@pytest.fixture(scope="session")
def oxigraph_server(server_build, tmp_path_factory) -> Iterator[str]:
    """`oxigraph serve-read-only` (PyPI `oxigraph`, the Rust server) on the same store: its /query URL."""
    binary = Path(sys.executable).with_name("oxigraph")
    if not binary.exists():
        pytest.fail(f"no {binary}: the test extra installs it (pip install -e '.[test]')")
    log = tmp_path_factory.mktemp("oxigraph") / "output.txt"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [str(binary), "serve-read-only", "--location", str(server_build / "store" / "oxigraph"),
             "--bind", "127.0.0.1:0", "--union-default-graph"],
            stdout=output, stderr=subprocess.STDOUT,
        )
    try:
        port = wait_for(lambda: process.poll() is None and listening_port(process.pid), 20,
                        lambda: f"oxigraph serve-read-only: {log.read_text(errors='replace')}")
        yield f"http://127.0.0.1:{port}/query"
    finally:
        process.kill()
        process.wait(10)


def listening_port(pid: int) -> int | None:
    """The TCP port a process listens on, from /proc: `oxigraph serve` prints port 0, not the one it got."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    with open(f"/proc/{pid}/net/tcp", encoding="ascii") as table:
        for line in table.readlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                return int(fields[1].split(":")[1], 16)
    return None


def wait_for(check: Callable[[], object], seconds: float, what: Callable[[], str]):
    """Poll `check` until it returns something truthy, or fail after `seconds` with `what()` as the message."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        threading.Event().wait(0.02)  # a poll interval, not a wait for readiness
    pytest.fail(f"not ready within {seconds} s: {what()}")


class Listener:
    """A TCP listener on loopback that records every connection it gets (and answers none of them)."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}/sparql"
        self.requests: list[bytes] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            with connection:
                connection.settimeout(5)
                try:
                    self.requests.append(connection.recv(65536))
                except OSError:
                    self.requests.append(b"")

    def close(self) -> None:
        self.socket.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    listener = Listener()
    yield listener
    listener.close()


# Reading answers as a client does, to compare them with the oracle (the same store, in-process).

RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


def media_type(response) -> str:
    return response.headers["Content-Type"].split(";")[0].strip()


def rows(response) -> list[dict[str, str]]:
    """The solutions of a SELECT answer, each term in N-Triples syntax (CSV: plain strings, as CSV has them)."""
    kind = media_type(response)
    if kind == "text/csv":
        import csv
        import io
        reader = csv.DictReader(io.StringIO(response.content.decode("utf-8"), newline=""))
        return [{k: v for k, v in row.items() if v != ""} for row in reader]
    results = ox.parse_query_results(response.content, format=RESULT_FORMATS[kind])
    names = [v.value for v in results.variables]
    return [{n: str(row[n]) for n in names if row[n] is not None} for row in results]


def oracle_rows(store: ox.Store, query: str, plain: bool = False) -> list[dict[str, str]]:
    results = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in results.variables]
    return [{n: (row[n].value if plain else str(row[n])) for n in names if row[n] is not None} for row in results]


def triples(response) -> set[ox.Triple]:
    """The triples of a CONSTRUCT/DESCRIBE answer, whatever its RDF format."""
    parsed = ox.parse(response.content, format=ox.RdfFormat.from_media_type(media_type(response)))
    return {ox.Triple(t.subject, t.predicate, t.object) for t in parsed}


def oracle_triples(store: ox.Store, query: str) -> set[ox.Triple]:
    return set(store.query(query, use_default_graph_as_union=True))


def normalized(results) -> Counter:
    """Solutions as a multiset, GROUP_CONCAT cells as sets: neither order is defined by SPARQL."""
    names = [v.value for v in results.variables]
    return Counter(tuple((n, _cell(row[n])) for n in names) for row in results)


def _cell(term) -> tuple[str, ...] | None:
    if term is None:
        return None
    return tuple(sorted(term.value.split(", "))) if ", " in term.value else (str(term),)
