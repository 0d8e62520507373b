"""External SPARQL engines on loopback, started for a benchmark or a test: `oxigraph serve` and Virtuoso.

`oxigraph serve` is the Rust server of the PyPI `oxigraph` package, run read-write on a folder.
Virtuoso Open Source is Debian's `virtuoso-t` (package `virtuoso-opensource`, whose own service is
never started): it runs in the foreground from a private virtuoso.ini written into the folder, its
database there too, its SQL and HTTP ports bound to 127.0.0.1 on free ports. The release gets into
either with the real `python -m loader publish` (`publish`).
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VIRTUOSO = shutil.which("virtuoso-t") or "/usr/bin/virtuoso-t"


class EngineFailed(RuntimeError):
    """An engine did not start; the message holds the end of its output."""


@dataclass
class Engine:
    """A running engine: where to query it, where to publish to it, with which credentials."""

    name: str
    query_url: str
    store_url: str
    process: subprocess.Popen
    log: Path
    env: dict[str, str] = field(default_factory=dict)  # UNGASS_PUBLISH_USER/PASSWORD, if it needs them

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(engine: Engine, seconds: float) -> Engine:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if engine.process.poll() is not None:
            raise EngineFailed(f"{engine.name} exited {engine.process.returncode}: {engine.output()}")
        try:
            with urllib.request.urlopen(f"{engine.query_url}?query=ASK%7B%7D", timeout=5) as response:
                if response.status == 200:
                    return engine
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)  # a poll interval while the engine opens its database
    engine.stop()
    raise EngineFailed(f"{engine.name} did not answer within {seconds:g} s: {engine.output()}")


def start_oxigraph(folder: Path, union_default_graph: bool = False) -> Engine:
    binary = Path(sys.executable).with_name("oxigraph")
    if not binary.exists():
        raise EngineFailed(f"no {binary}: pip install -e '.[test]' (or '.[bench]') installs it")
    folder.mkdir(parents=True, exist_ok=True)
    log, port = folder / "output.txt", free_port()
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [str(binary), "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}",
             *(["--union-default-graph"] if union_default_graph else [])],
            stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    return _wait(Engine("oxigraph", f"{base}/query", f"{base}/store", process, log), 30)


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
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
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
MaxQueryExecutionTime = {max_seconds}
"""


def start_virtuoso(folder: Path, max_rows: int = 10_000, max_seconds: int = 60, buffers: int = 20_000) -> Engine:
    """Virtuoso with `max_rows` as its own cap on results (ResultSetMaxRows) and `buffers` 8 KiB pages of cache."""
    if not os.access(VIRTUOSO, os.X_OK):
        raise EngineFailed(f"no {VIRTUOSO}: `make virtuoso` installs Debian's virtuoso-opensource (as root)")
    folder.mkdir(parents=True, exist_ok=True)
    http_port = free_port()
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(
        folder=folder, sql_port=free_port(), http_port=http_port, max_rows=max_rows, max_seconds=max_seconds,
        buffers=buffers, dirty=buffers * 3 // 4))
    log = folder / "output.txt"
    with open(log, "wb") as output:
        # -f: in the foreground, a child of this process (never the package's service, never a daemon)
        process = subprocess.Popen([VIRTUOSO, "-f", "-c", str(folder / "virtuoso.ini")], cwd=folder,
                                   stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    # dba/dba: the account of a fresh database, which only this loopback port reaches.
    return _wait(Engine("virtuoso", f"{base}/sparql", f"{base}/sparql-graph-crud-auth", process, log,
                        {"UNGASS_PUBLISH_USER": "dba", "UNGASS_PUBLISH_PASSWORD": "dba"}), 120)


# As a deployment would run them: oxigraph with its union default graph (the server then sends no dataset),
# Virtuoso with a cap far above any answer of the benchmarks.
STARTERS: dict[str, Callable[[Path], Engine]] = {
    "oxigraph": lambda folder: start_oxigraph(folder, union_default_graph=True),
    "virtuoso": lambda folder: start_virtuoso(folder, max_rows=10_000_000, max_seconds=600, buffers=100_000),
}


def publish(engine: Engine, build_dir: Path, data: Path, url: str | None = None) -> subprocess.CompletedProcess:
    """`python -m loader publish` to the engine, as a curator runs it (credentials in the environment)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNGASS_PUBLISH_")} | engine.env
    return subprocess.run([sys.executable, "-m", "loader", "--data", str(data), "--build-dir", str(build_dir),
                           "publish", url or engine.store_url], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=3600)
