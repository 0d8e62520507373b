"""How query latency, answer size and server memory grow with the corpus: every library query through the real server.

For each size, a synthetic corpus (bench/synthetic.py) is built by `python -m loader build` (not
timed here: bench/scale.py times it), then served by `python -m server` with one server process and
one query worker, once per backend: the embedded store in memory (the default) and on disk, and in
remote mode over `oxigraph serve` and over Virtuoso (bench/engines.py), each loaded by `python -m
loader publish` (not timed). Beside each latency, the answer's rows: a query scales when its latency
grows no faster than its answer. Each query of queries/ runs
through /queries/<name> with parameters that exist in that corpus (a finder per parameter in
bench/queries/params/, which on the real data returns the library's own examples; string parameters
keep their examples), `Cache-Control: no-cache` so that every request runs the query: the median of
ROUNDS requests after one warm-up (--quick: two small sizes, memory only, 2 requests). Then the resident memory of the server process and of its query
worker (remote: the server process only). Growth exponents are least-squares slopes on log-log, as in
bench/scale.py.
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
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox

from bench import engines
from bench.scale import slope
from server.library.catalog import Library, load

ROOT = Path(__file__).resolve().parent.parent
FINDERS = Path(__file__).resolve().parent / "queries" / "params"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
ROUNDS = 5
SLOW = 2.0  # seconds: a query slower than this on its first run is not repeated
STORAGES = ("memory", "disk")
REMOTES = ("oxigraph", "virtuoso")  # engines of bench/engines.py, served with --remote
BACKENDS = STORAGES + REMOTES


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

    def __init__(self, build: Path, storage: str, remote: str | None = None):
        where = ["--remote", remote] if remote else ["--storage", storage]
        self.log = tempfile.TemporaryFile()  # the server's stderr, for the message if it does not start
        self.process = subprocess.Popen(
            [sys.executable, "-m", "server", "--port", "0", "--build-dir", str(build), "--processes", "1",
             *where, "--time-limit", "600", "--row-limit", "0"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=self.log, text=True)
        started = time.perf_counter()
        line = self.process.stdout.readline()  # "Serving on URL" once the workers hold the store
        if not line.startswith("Serving on "):
            self.log.seek(0)
            said = self.log.read().decode("utf-8", "replace").strip().splitlines()[-3:]
            self.stop()
            raise RuntimeError(f"the server did not start on {build} ({storage}): {' '.join(said)}")
        self.ready_seconds = time.perf_counter() - started
        self.url = line.split()[-1]

    def get(self, name: str, params: dict[str, str]) -> tuple[float, int]:
        """Seconds to the whole answer, and its size: solutions, or lines of a graph."""
        request = urllib.request.Request(f"{self.url}queries/{name}?{urllib.parse.urlencode(params)}", headers={
            "Accept": "application/sparql-results+json, application/n-triples;q=0.9", "Cache-Control": "no-cache"})
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=900) as response:
            body = response.read()
            kind = response.headers.get("Content-Type", "")
        seconds = time.perf_counter() - started
        size = len(json.loads(body)["results"]["bindings"]) if "json" in kind else body.count(b"\n")
        return seconds, size

    def rss_mib(self) -> tuple[float, float]:
        """Resident memory of the server process, and of its query worker (nan: none, in remote mode)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return _rss(self.process.pid), _rss(int(children[0])) if children else math.nan

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)
        self.process.stdout.close()
        self.log.close()


def _rss(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(build: Path, queries: Library, backend: str, rounds: int, data: Path | None = None) -> dict:
    store = ox.Store.read_only(str(build / "store" / "oxigraph"))
    values = parameters(queries, store)
    del store
    engine = None
    with tempfile.TemporaryDirectory(prefix=f"bench-{backend}-") as scratch:
        try:
            if backend in REMOTES:
                engine = engines.STARTERS[backend](Path(scratch))
                published = engines.publish(engine, build, data)
                if published.returncode != 0:
                    raise RuntimeError(f"loader publish to {backend} failed: {published.stderr}")
            served = Served(build, backend, engine.query_url if engine else None)
            try:
                latency, answer = {}, {}
                for query in queries:
                    try:
                        first, answer[query.name] = served.get(query.name, values[query.name])
                    except urllib.error.HTTPError as error:  # an engine's own error (Virtuoso's SQ156): no figure
                        error.close()
                        latency[query.name], answer[query.name] = math.nan, 0
                        continue
                    # A query that takes seconds is timed once: its first run is its figure (a warm-up matters
                    # at milliseconds, not at seconds), so that the 1M step does not take hours.
                    times = [first] if first > SLOW else \
                        [served.get(query.name, values[query.name])[0] for _ in range(rounds)]
                    latency[query.name] = statistics.median(times) * 1000
                server_mib, worker_mib = served.rss_mib()
            finally:
                served.stop()
        finally:
            if engine is not None:
                engine.stop()
    return {"latency_ms": latency, "rows": answer, "server_mib": server_mib, "worker_mib": worker_mib,
            "ready_s": served.ready_seconds}


def run(quick: bool = False, sizes: list[int] | None = None, storages: tuple[str, ...] | None = None) -> dict:
    from bench.synthetic import generate
    sizes = sizes or ([2_000, 6_000] if quick else [10_000, 100_000, 1_000_000])
    storages = storages or (STORAGES[:1] if quick else BACKENDS)
    rounds = 2 if quick else ROUNDS
    queries = load()
    table: dict[int, dict] = {}
    with tempfile.TemporaryDirectory(prefix="bench-scale-serving-") as scratch:
        for size in sizes:
            data, build = Path(scratch) / f"data-{size}", Path(scratch) / f"build-{size}"
            triples = generate(size, data)["triples"]
            subprocess.run([sys.executable, "-m", "loader", "--data", str(data), "--build-dir", str(build), "build"],
                           cwd=ROOT, check=True, capture_output=True)
            table[triples] = {backend: measure(build, queries, backend, rounds, data) for backend in storages}
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
             f"median of {rounds} requests, ms, and rows of the answer; memory after all queries, MiB"]
    for storage in storages:
        lines.append(f"\n{'storage' if storage in STORAGES else 'remote'} {storage}:")
        lines.append(f"{'query':26}" + "".join(f"{n:>12}" for n in sizes) + f"{'exponent':>10}"
                     + "".join(f"{'rows ' + str(n):>12}" for n in sizes) + f"{'exponent':>10}")
        for name in names:
            points = [(n, table[n][storage]["latency_ms"][name]) for n in sizes]
            rows = [(n, table[n][storage]["rows"][name]) for n in sizes]
            grow = f"{slope(points):10.2f}" if len(sizes) > 1 and not any(math.isnan(v) for _, v in points) else ""
            grow_rows = f"{slope(rows):10.2f}" if len(sizes) > 1 and all(r > 0 for _, r in rows) else ""
            lines.append(f"{name:26}" + "".join(f"{ms:12.2f}" for _, ms in points) + f"{grow:>10}"
                         + "".join(f"{r:12d}" for _, r in rows) + f"{grow_rows:>10}")
        for key, label in (("server_mib", "server process MiB"), ("worker_mib", "query worker MiB"),
                           ("ready_s", "start to ready, s")):
            points = [(n, table[n][storage][key]) for n in sizes]
            grow = f"{slope(points):10.2f}" if len(sizes) > 1 and all(v > 0 for _, v in points) else ""
            if all(math.isnan(v) for _, v in points):
                continue
            lines.append(f"{label:26}" + "".join(f"{v:12.1f}" for _, v in points) + grow)
        timed = [q for q in names if not any(math.isnan(table[n][storage]["latency_ms"][q]) for n in sizes)]
        worst = max(slope([(n, table[n][storage]["latency_ms"][q]) for n in sizes]) for q in timed) \
            if len(sizes) > 1 else math.nan
        lines.append(f"largest latency exponent: {worst:.2f}")
        if len(sizes) > 1:
            def excess(q: str) -> float:
                rows = [(n, table[n][storage]["rows"][q]) for n in sizes]
                answer = slope(rows) if all(r > 0 for _, r in rows) else 0.0
                return slope([(n, table[n][storage]["latency_ms"][q]) for n in sizes]) - answer
            lines.append("latency exponent above the answer's: "
                         + ", ".join(f"{q} {excess(q):+.2f}" for q in sorted(timed, key=excess, reverse=True)[:4]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.scale_serving [--quick] [SIZE ...] [memory] [disk] [oxigraph] [virtuoso]`."""
    args = sys.argv[1:] if argv is None else argv
    result = run(quick="--quick" in args, sizes=[int(a) for a in args if a.isdigit()] or None,
                 storages=tuple(a for a in args if a in BACKENDS) or None)
    print(json.dumps({n: {s: v for s, v in row.items()} for n, row in result["sizes"].items()}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
