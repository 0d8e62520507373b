"""External SPARQL engines on loopback for the remote backend's tests (bench/engines.py starts them).

`oxigraph serve` from the PyPI `oxigraph` package (the test extra installs it), and Debian's Virtuoso
(`make test` installs `virtuoso-opensource`, whose own service is never started), each in a temporary
folder, bound to 127.0.0.1 on free ports, and published to with the real `python -m loader publish`.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench import engines
from bench.engines import ROOT, Engine  # noqa: F401 (re-exported for the tests)

# Virtuoso's own cap on a result (ResultSetMaxRows): below the size of the curated data's biggest
# answer (every triple), above every library and page query's answer, so that both are tested.
VIRTUOSO_MAX_ROWS = 5000


@dataclass
class Run:
    code: int
    out: str
    err: str


def publish(engine: Engine, build_dir: Path, data: Path, url: str | None = None) -> Run:
    done = engines.publish(engine, build_dir, data, url)
    return Run(done.returncode, done.stdout, done.stderr)


def start_oxigraph(folder: Path, union_default_graph: bool = False) -> Engine:
    try:
        return engines.start_oxigraph(folder, union_default_graph)
    except engines.EngineFailed as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory) -> Iterator[Engine]:
    try:
        engine = engines.start_virtuoso(tmp_path_factory.mktemp("virtuoso"), max_rows=VIRTUOSO_MAX_ROWS)
    except engines.EngineFailed as error:
        pytest.fail(str(error))
    yield engine
    engine.stop()


@pytest.fixture
def oxigraph(tmp_path) -> Iterator[Engine]:
    """A fresh, empty `oxigraph serve` (no --union-default-graph)."""
    engine = start_oxigraph(tmp_path / "oxigraph")
    yield engine
    engine.stop()
