"""How query latency and server memory grow with the corpus: every library query through the real server.

For each size, a synthetic corpus (bench/synthetic.py) is built by `python -m loader build` (not
timed here: bench/scale.py times it), then served by `python -m server` with one server process and
one query worker, once per storage (memory, the default, and disk). Each query of queries/ runs
through /queries/<name> with parameters that exist in that corpus (a finder per parameter in
bench/queries/params/, which on the real data returns the library's own examples; string parameters
keep their examples), `Cache-Control: no-cache` so that every request runs the query: the median of
ROUNDS requests after one warm-up (--quick: two small sizes, memory only, 2 requests). Then the resident memory of the server process and of its query
worker. Growth exponents are least-squares slopes on log-log, as in bench/scale.py.
"""
from __future__ import annotations

import datetime
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox

from bench.scale import slope
from server.library.catalog import Library, load

ROOT = Path(__file__).resolve().parent.parent
FINDERS = Path(__file__).resolve().parent / "queries" / "params"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
ROUNDS = 5
SLOW = 2.0  # seconds: a query slower than this on its first run is not repeated
STORAGES = ("memory", "disk")


def parameters(queries: Library, store: ox.Store) -> dict[str, dict[str, str]]:
    """Per query, the values to send: an IRI found in this corpus, or the example for other types."""
    values: dict[str, dict[str, str]] = {}
    for query in queries:
        values[query.name] = {}
        for param in query.params:
            finder = FINDERS / f"{param.name}.rq"
            value = param.example
            if param.type == "iri" and finder.exists():
                rows = list(store.query(finder.read_text(encoding="utf-8"), use_default_graph_as_union=True))
                value = rows[0]["value"].value if rows else param.example
            values[query.name][param.name] = value
    return values


class Served:
    """`python -m server` on a build folder, one process and one query worker: its URL and its memory."""

    def __init__(self, build: Path, storage: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "server", "--port", "0", "--build-dir", str(build), "--processes", "1",
             "--storage", storage, "--time-limit", "600", "--row-limit", "0"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        started = time.perf_counter()
        line = self.process.stdout.readline()  # "Serving on URL" once the workers hold the store
        if not line.startswith("Serving on "):
            self.stop()
            raise RuntimeError(f"the server did not start on {build} ({storage})")
        self.ready_seconds = time.perf_counter() - started
        self.url = line.split()[-1]

    def get(self, name: str, params: dict[str, str]) -> float:
        request = urllib.request.Request(f"{self.url}queries/{name}?{urllib.parse.urlencode(params)}", headers={
            "Accept": "application/sparql-results+json, text/turtle;q=0.9", "Cache-Control": "no-cache"})
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=900) as response:
            response.read()
        return time.perf_counter() - started

    def rss_mib(self) -> tuple[float, float]:
        """Resident memory of the server process, and of its query worker."""
        worker = int(Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()[0])
        return _rss(self.process.pid), _rss(worker)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)
        self.process.stdout.close()


def _rss(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(build: Path, queries: Library, storage: str, rounds: int) -> dict:
    store = ox.Store.read_only(str(build / "store" / "oxigraph"))
    values = parameters(queries, store)
    del store
    served = Served(build, storage)
    try:
        latency = {}
        for query in queries:
            first = served.get(query.name, values[query.name])
            # A query that takes seconds is timed once: its first run is its figure (a warm-up matters
            # at milliseconds, not at seconds), so that the 1M step does not take hours.
            times = [first] if first > SLOW else [served.get(query.name, values[query.name]) for _ in range(rounds)]
            latency[query.name] = statistics.median(times) * 1000
        server_mib, worker_mib = served.rss_mib()
    finally:
        served.stop()
    return {"latency_ms": latency, "server_mib": server_mib, "worker_mib": worker_mib, "ready_s": served.ready_seconds}


def run(quick: bool = False, sizes: list[int] | None = None, storages: tuple[str, ...] | None = None) -> dict:
    from bench.synthetic import generate
    sizes = sizes or ([2_000, 6_000] if quick else [10_000, 100_000, 1_000_000])
    storages = storages or (STORAGES[:1] if quick else STORAGES)
    rounds = 2 if quick else ROUNDS
    queries = load()
    table: dict[int, dict] = {}
    with tempfile.TemporaryDirectory(prefix="bench-scale-serving-") as scratch:
        for size in sizes:
            data, build = Path(scratch) / f"data-{size}", Path(scratch) / f"build-{size}"
            triples = generate(size, data)["triples"]
            subprocess.run([sys.executable, "-m", "loader", "--data", str(data), "--build-dir", str(build), "build"],
                           cwd=ROOT, check=True, capture_output=True)
            table[triples] = {storage: measure(build, queries, storage, rounds) for storage in storages}
            print(f"  measured {triples} triples", file=sys.stderr)
    report = _table(table, [q.name for q in queries], storages, rounds)
    print("\n" + report, flush=True)
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    title = (f"scale, serving ({'quick' if quick else 'full'}): "
             f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}, {os.cpu_count()} CPU, "
             f"Python {platform.python_version()}, pyoxigraph {ox.__version__}, code {commit or 'unknown'}")
    with open(RESULTS, "a", encoding="utf-8") as out:
        out.write(f"\n## {title}\n\n```\n{report}\n```\n")
    return {"sizes": table, "report": report}


def _table(table: dict[int, dict], names: list[str], storages: tuple[str, ...], rounds: int) -> str:
    sizes = sorted(table)
    lines = ["scale, serving: each library query through `python -m server` (1 process, 1 query worker), "
             f"median of {rounds} requests, ms; memory after all queries, MiB"]
    for storage in storages:
        lines.append(f"\nstorage {storage}:")
        lines.append(f"{'query':26}" + "".join(f"{n:>12}" for n in sizes) + f"{'exponent':>10}")
        for name in names:
            points = [(n, table[n][storage]["latency_ms"][name]) for n in sizes]
            grow = f"{slope(points):10.2f}" if len(sizes) > 1 else ""
            lines.append(f"{name:26}" + "".join(f"{ms:12.2f}" for _, ms in points) + grow)
        for key, label in (("server_mib", "server process MiB"), ("worker_mib", "query worker MiB"),
                           ("ready_s", "start to ready, s")):
            points = [(n, table[n][storage][key]) for n in sizes]
            grow = f"{slope(points):10.2f}" if len(sizes) > 1 and all(v > 0 for _, v in points) else ""
            lines.append(f"{label:26}" + "".join(f"{v:12.1f}" for _, v in points) + grow)
        worst = max(slope([(n, table[n][storage]["latency_ms"][q]) for n in sizes]) for q in names) \
            if len(sizes) > 1 else math.nan
        lines.append(f"largest latency exponent: {worst:.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.scale_serving [--quick] [SIZE ...] [memory] [disk]`."""
    args = sys.argv[1:] if argv is None else argv
    result = run(quick="--quick" in args, sizes=[int(a) for a in args if a.isdigit()] or None,
                 storages=tuple(a for a in args if a in STORAGES) or None)
    print(json.dumps({n: {s: v for s, v in row.items()} for n, row in result["sizes"].items()}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
