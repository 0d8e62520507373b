"""External SPARQL engines on loopback, for the remote backend's tests: `oxigraph serve` and Virtuoso.

`oxigraph serve` is the Rust server of the PyPI `oxigraph` package (the test extra installs it), run
read-write on a temporary folder. Virtuoso Open Source is Debian's `virtuoso-t` (`make test` installs
the package `virtuoso-opensource`, whose own service is never started): it runs from a private
virtuoso.ini in a temporary folder, its database there too, its SQL and HTTP ports bound to
127.0.0.1 on free ports. Each engine is published to with the real `python -m loader publish`.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from server_fixtures import listening_port, wait_for

ROOT = Path(__file__).resolve().parent.parent
VIRTUOSO = shutil.which("virtuoso-t") or "/usr/bin/virtuoso-t"
# The engine's own cap on a result (ResultSetMaxRows): below the size of the curated data's biggest
# answer (every triple), above every library and page query's answer, so that both are tested.
VIRTUOSO_MAX_ROWS = 5000


@dataclass
class Engine:
    """A running engine: where to query it, where to publish to it, with which credentials."""

    name: str
    query_url: str
    store_url: str
    process: subprocess.Popen
    log: Path
    env: dict[str, str] = field(default_factory=dict)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def start_oxigraph(folder: Path, union_default_graph: bool = False) -> Engine:
    binary = Path(sys.executable).with_name("oxigraph")
    if not binary.exists():
        pytest.fail(f"no {binary}: the test extra installs it (pip install -e '.[test]')")
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "output.txt"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [str(binary), "serve", "--location", str(folder / "db"), "--bind", "127.0.0.1:0",
             *(["--union-default-graph"] if union_default_graph else [])],
            stdout=output, stderr=subprocess.STDOUT)
    port = wait_for(lambda: process.poll() is None and listening_port(process.pid), 20,
                    lambda: f"oxigraph serve: {log.read_text(errors='replace')}")
    base = f"http://127.0.0.1:{port}"
    return Engine("oxigraph", f"{base}/query", f"{base}/store", process, log)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 0
DirsAllowed = {folder}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 10
MaxClientConnections = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 60
"""


def start_virtuoso(folder: Path) -> Engine:
    if not os.access(VIRTUOSO, os.X_OK):
        pytest.fail(f"no {VIRTUOSO}: `make test` installs Debian's virtuoso-opensource (as root)")
    folder.mkdir(parents=True, exist_ok=True)
    http_port = free_port()
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(
        folder=folder, sql_port=free_port(), http_port=http_port, max_rows=VIRTUOSO_MAX_ROWS))
    log = folder / "output.txt"
    with open(log, "wb") as output:
        # -f: in the foreground, a child of this process (never the package's service, never a daemon)
        process = subprocess.Popen([VIRTUOSO, "-f", "-c", str(folder / "virtuoso.ini")], cwd=folder,
                                   stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"

    def answers() -> bool:
        if process.poll() is not None:
            pytest.fail(f"virtuoso-t exited {process.returncode}: {log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/sparql?query=ASK%7B%7D", timeout=5) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    wait_for(answers, 90, lambda: f"virtuoso-t: {log.read_text(errors='replace')[-3000:]}")
    # dba/dba: the account of a fresh database, which only this test's loopback port reaches.
    return Engine("virtuoso", f"{base}/sparql", f"{base}/sparql-graph-crud-auth", process, log,
                  {"UNGASS_PUBLISH_USER": "dba", "UNGASS_PUBLISH_PASSWORD": "dba"})


@dataclass
class Run:
    code: int
    out: str
    err: str


def publish(engine: Engine, build_dir: Path, data: Path, url: str | None = None) -> Run:
    """`python -m loader publish` to the engine, as a curator runs it (credentials in the environment)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNGASS_PUBLISH_")} | engine.env
    done = subprocess.run([sys.executable, "-m", "loader", "--data", str(data), "--build-dir", str(build_dir),
                           "publish", url or engine.store_url], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)
    return Run(done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory) -> Iterator[Engine]:
    engine = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield engine
    engine.stop()


@pytest.fixture
def oxigraph(tmp_path) -> Iterator[Engine]:
    """A fresh, empty `oxigraph serve` (no --union-default-graph)."""
    engine = start_oxigraph(tmp_path / "oxigraph")
    yield engine
    engine.stop()
