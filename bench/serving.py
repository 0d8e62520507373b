"""Serving: our SPARQL endpoint against `oxigraph serve` and rdflib-endpoint on the same data, under `wrk`.

The mix is bench/queries/*.rq (lookup, join, aggregate, path, text search, CONSTRUCT) plus a
linked-data page when the server has the /id/ route. Every server runs at once, each idle while
another is measured; the order rotates per query and round. Cold: every request is a distinct query
text (a counter in a comment; for the page, an ignored parameter) sent with `Cache-Control: no-cache`,
so no parse, plan or HTTP cache can help (our server then renders the page again). Warm: the same request
again, sent as a caching client sends it after the first answer (If-None-Match with the ETag it got,
for a server that gave one). Figures are medians over rounds of wrk's req/s, p50 and p99.

Baselines, all serving the loader's build: `oxigraph serve-read-only` on the same RocksDB store (the
same storage as ours), `oxigraph serve` in memory loaded with the release N-Quads dump, and
`rdflib-endpoint serve` of the same dump, and "bare" (bench/bare.py): a minimal Flask app under granian
answering the same queries in-process with none of our checks, the ceiling for a Flask app. UNGASS_BENCH_BUILD=DIR serves that build folder (default:
build/, built first when missing); UNGASS_BENCH_BEFORE=DIR adds our server run from another source
tree (e.g. `git archive HEAD server | tar -x -C DIR`), for before/after figures from one run.
"""
from __future__ import annotations

import datetime
import itertools
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
QUERIES = Path(__file__).resolve().parent / "queries"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
BIN = Path(sys.executable).parent
PAGE = "/id/org/unodc"  # the resource lookup.rq reads: its IRI's path, which a browser is redirected from
SELECT_TYPE, GRAPH_TYPE, HTML = "application/sparql-results+json", "text/turtle", "text/html"
OURS, OURS_DISK, OX_DISK, OX_MEM, RDFLIB, BEFORE, BARE = (
    "ours", "ours disk", "oxigraph disk", "oxigraph mem", "rdflib-endpoint", "ours before", "bare")
# The ratios printed, ours / baseline: each against the same storage, then against rdflib-endpoint.
# Ours keeps the store in memory by default (--storage memory); "ours disk" is --storage disk.
RATIOS = [(OURS, BARE), (OURS, OX_MEM), (OURS_DISK, OX_DISK), (OURS, RDFLIB), (OURS, BEFORE)]
# Issue 12's targets, checked against the cold ratios at 4 connections (and warm for caching).
HEAVY = ("aggregate", "path")
BARE_PROCESSES, BARE_THREADS = 2, 2  # the bare app's granian: as the issue measured it


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    root: str = ""  # http://127.0.0.1:PORT
    path: str = ""  # the SPARQL endpoint's path
    log: Path | None = None
    port: int = 0  # where it listens, when its own processes hold the socket and not the one started

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)

    def rss_mib(self) -> tuple[float, float]:
        """Resident memory of the server and all its descendants (our server processes and query workers),
        and of the largest single process (the issue's bound is per worker)."""
        pids, sizes = [self.process.pid], []
        while pids:
            pid = pids.pop()
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes.append(int(line.split()[1]) / 1024)
                for task in Path(f"/proc/{pid}/task").iterdir():
                    pids += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
        return sum(sizes), max(sizes, default=0.0)


@dataclass
class Case:
    name: str
    query: str | None  # None: the linked-data page
    accept: str
    page: str = ""  # the page's path, for the linked-data page (after the /id/ IRI's 303 redirect)
    rows: dict[str, int] = field(default_factory=dict)  # per server, checked before measuring


def build_folder() -> Path:
    folder = Path(os.environ.get("UNGASS_BENCH_BUILD", ROOT / "build"))
    if not (folder / "store" / "build.json").is_file():
        print(f"serving: no build in {folder}; building it first (not timed)", flush=True)
        subprocess.run([sys.executable, "-m", "loader", "--build-dir", str(folder), "build"], cwd=ROOT, check=True)
    return folder


def _listening_port(pid: int) -> int | None:
    """The TCP port a process listens on, from /proc (`oxigraph serve` does not print the port it got)."""
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


def _spawn(name: str, args: list[str], folder: Path, **kwargs) -> Server:
    log = folder / (name.replace(" ", "-") + ".log")
    with open(log, "wb") as output:
        process = subprocess.Popen(args, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, **kwargs)
    return Server(name, process, log=log)


def start_ours(name: str, build: Path, folder: Path, source: Path = ROOT, *options: str) -> Server:
    env = dict(os.environ, PYTHONPATH=str(source))
    return _spawn(name, [sys.executable, "-m", "server", "--port", "0", "--build-dir", str(build), *options], folder,
                  cwd=source, env=env)


def wait_ready(server: Server, path: str, deadline: float) -> None:
    """Poll until the server listens and answers `path` (ours prints its URL; the others are found in /proc)."""
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        port = _listening_port(server.process.pid) or server.port
        if port:
            server.root, server.path = f"http://127.0.0.1:{port}", path
            try:
                urllib.request.urlopen(server.root + path + "?query=ASK%7B%7D", timeout=5).read()
                return
            except (OSError, urllib.error.HTTPError):
                pass
        time.sleep(0.05)  # a poll interval, not a wait for readiness
    raise RuntimeError(f"{server.name} did not start: {server.log.read_text(errors='replace')[-2000:]}")


def start_all(build: Path, folder: Path, quick: bool) -> list[Server]:
    store, dump = build / "store" / "oxigraph", build / "store" / "release" / "ungass-kg.nq"
    oxigraph = str(BIN / "oxigraph")
    servers = [start_ours(OURS, build, folder)]
    if os.environ.get("UNGASS_BENCH_BEFORE"):
        servers.append(start_ours(BEFORE, build, folder, Path(os.environ["UNGASS_BENCH_BEFORE"])))
    servers.append(_spawn(OX_MEM, [oxigraph, "serve", "--bind", "127.0.0.1:0", "--union-default-graph"], folder))
    bare_port = _free_port()
    servers.append(_spawn(BARE, [str(BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1",
                                 "--port", str(bare_port), "--workers", str(BARE_PROCESSES),
                                 "--blocking-threads", str(BARE_THREADS), "--no-ws", "bench.bare:app"], folder,
                          cwd=ROOT, env=dict(os.environ, UNGASS_BENCH_BUILD=str(build))))
    servers[-1].port = bare_port
    if not quick:
        servers.append(start_ours(OURS_DISK, build, folder, ROOT, "--storage", "disk"))
        servers.append(_spawn(OX_DISK, [oxigraph, "serve-read-only", "--location", str(store),
                                        "--bind", "127.0.0.1:0", "--union-default-graph"], folder))
    port = _free_port()
    servers.append(_spawn(RDFLIB, [str(BIN / "rdflib-endpoint"), "serve", "--host", "127.0.0.1", "--port", str(port),
                                   str(dump)], folder))
    deadline = time.monotonic() + 120
    try:
        for server in servers:
            wait_ready(server, {OX_DISK: "/query", OX_MEM: "/query", RDFLIB: "/"}.get(server.name, "/sparql"), deadline)
            if server.name == OX_MEM:
                request = urllib.request.Request(server.root + "/store", data=dump.read_bytes(), method="POST",
                                                 headers={"Content-Type": "application/n-quads"})
                urllib.request.urlopen(request, timeout=60).read()
    except Exception:
        for server in servers:
            server.stop()
        raise
    return servers


def _free_port() -> int:
    import socket
    with socket.socket() as s:  # rdflib-endpoint (uvicorn) cannot be asked for port 0 and say which it got
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cases(ours: Server) -> list[Case]:
    found = []
    for path in sorted(QUERIES.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        kind = "graph" if any(w in text for w in ("CONSTRUCT", "DESCRIBE")) else "solutions"
        found.append(Case(path.stem, text, GRAPH_TYPE if kind == "graph" else SELECT_TYPE))
    try:
        request = urllib.request.Request(ours.root + PAGE, headers={"Accept": HTML})
        with urllib.request.urlopen(request, timeout=30) as response:  # follows the 303 to the page itself
            found.append(Case("page", None, HTML, page=urllib.parse.urlsplit(response.url).path))
    except (urllib.error.HTTPError, OSError):
        print(f"serving: no linked-data page at {PAGE} on our server yet; the page row is left out", flush=True)
    return found


def target(server: Server, case: Case) -> str | None:
    """The URL path (with query string) a case sends to a server; None if the server has no such thing."""
    if case.query is None:
        return case.page if server.name in (OURS, OURS_DISK, BEFORE) else None
    return server.path + "?query=" + urllib.parse.quote(case.query, safe="")


def check(servers: list[Server], items: list[Case]) -> None:
    """Every server gives the same number of rows (or triples) for every query, before any timing."""
    for case in items:
        for server in servers:
            path = target(server, case)
            if path is None:
                continue
            request = urllib.request.Request(server.root + path, headers={"Accept": case.accept})
            with urllib.request.urlopen(request, timeout=120) as response:
                body = response.read()
            if case.accept == SELECT_TYPE:
                case.rows[server.name] = len(json.loads(body)["results"]["bindings"])
            elif case.accept == GRAPH_TYPE:
                case.rows[server.name] = sum(1 for _ in ox.parse(body, format=ox.RdfFormat.TURTLE))
            else:
                case.rows[server.name] = len(body)
        counts = {v for k, v in case.rows.items() if case.query is not None}
        if len(counts) > 1:
            raise RuntimeError(f"servers disagree on {case.name}: {case.rows}")


WRK_SCRIPT = """
local path, query, n, run = %(path)s, %(query)s, 0, %(run)s
local cold = %(cold)s
wrk.headers["Accept"] = %(accept)s
if cold then wrk.headers["Cache-Control"] = "no-cache" end
%(etag)s
request = function()
  if not cold then return wrk.format("GET", path .. query) end
  n = n + 1
  return wrk.format("GET", path .. %(vary)s .. query)
end
"""


_RUNS = itertools.count()


def _lua(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrk(server: Server, case: Case, cold: bool, connections: int, seconds: int, folder: Path) -> dict:
    path = target(server, case)
    if case.query is None:  # a page: vary a query parameter it ignores
        prefix, query, vary = path, "", '"?n=" .. run .. "-" .. n'
    else:
        prefix, query = path.split("?query=")
        # '#<run>-<n>' then a newline: a text never sent before in this benchmark, to any server
        prefix, vary = prefix + "?query=", '"%23" .. run .. "-" .. n .. "%0A"'
    etag = ""
    if not cold:
        with urllib.request.urlopen(urllib.request.Request(server.root + path, headers={"Accept": case.accept})) as r:
            if r.headers.get("ETag"):
                etag = f'wrk.headers["If-None-Match"] = {_lua(r.headers["ETag"])}'
    script = folder / "wrk.lua"
    script.write_text(WRK_SCRIPT % {"path": _lua(prefix), "query": _lua(query), "cold": "true" if cold else "false",
                                    "accept": _lua(case.accept), "etag": etag, "vary": vary,
                                    "run": _lua(f"{os.getpid()}-{next(_RUNS)}")})
    run = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "60s", "--latency",
                          "-s", str(script), server.root], capture_output=True, text=True, check=True)
    return parse_wrk(run.stdout)


def parse_wrk(out: str) -> dict:
    units = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}
    result = {"errors": 0}
    for line in out.splitlines():
        words = line.split()
        if line.startswith("Requests/sec:"):
            result["rps"] = float(words[1])
        elif len(words) == 2 and words[0] in ("50%", "99%"):
            number = words[1].rstrip("umsh")
            result["p" + words[0][:2]] = float(number) * units[words[1][len(number):]]
        elif "Non-2xx or 3xx" in line or line.strip().startswith("Socket errors"):
            result["errors"] += sum(int(w.strip(",")) for w in words if w.strip(",").isdigit())
    if "rps" not in result:
        raise RuntimeError(f"cannot read wrk's output:\n{out}")
    return result


def measure(servers, items, quick: bool, folder: Path) -> dict:
    rounds, seconds = (1, 1) if quick else (3, 2)
    levels = (4,) if quick else (1, 4)
    samples: dict[tuple, list[dict]] = {}
    turn = 0
    for round_ in range(rounds):
        for cold in (True, False):
            for connections in levels:
                for case in items:
                    turn += 1
                    order = servers[turn % len(servers):] + servers[:turn % len(servers)]
                    for server in order:
                        if target(server, case) is None:
                            continue
                        if quick and not cold and server.name in (RDFLIB, BARE):
                            continue  # quick: warm against the same storage only
                        key = ("cold" if cold else "warm", connections, case.name, server.name)
                        samples.setdefault(key, []).append(wrk(server, case, cold, connections, seconds, folder))
    if os.environ.get("UNGASS_BENCH_RAW"):
        Path(os.environ["UNGASS_BENCH_RAW"]).write_text(json.dumps([[*k, s] for k, s in samples.items()], indent=1))
    return {key: {"rps": statistics.median(s["rps"] for s in runs), "p50": statistics.median(s["p50"] for s in runs),
                  "p99": statistics.median(s["p99"] for s in runs), "errors": sum(s["errors"] for s in runs),
                  "rounds": len(runs)}
            for key, runs in samples.items()}


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def tables(results: dict, servers: list[Server], items: list[Case]) -> str:
    names = [s.name for s in servers]
    pairs = [(a, b) for a, b in RATIOS if a in names and b in names]
    lines = []
    for mode, connections in sorted({(k[0], k[1]) for k in results}):
        lines.append(f"\n{mode}, {connections} connection{'s' if connections > 1 else ''}: "
                     "req/s (p50 / p99 ms), and ratios of req/s")
        head = f"{'query':12}" + "".join(f"{n:>24}" for n in names) + "".join(f"{_pair(a, b):>22}" for a, b in pairs)
        lines.append(head)
        for case in items:
            row = f"{case.name:12}"
            for name in names:
                r = results.get((mode, connections, case.name, name))
                if r and not r["rps"]:
                    row += f"{'0 (none finished)':>24}"
                else:
                    row += f"{r['rps']:>9.0f} ({r['p50']:5.2f}/{r['p99']:6.2f})" if r else f"{'—':>24}"
                if r and r["errors"]:
                    row += f" [{r['errors']} errors]"
            for a, b in pairs:
                ratio = _ratio(results, mode, connections, case.name, a, b)
                row += f"{ratio:>22.2f}" if ratio else f"{'—':>22}"
            lines.append(row)
        lines.append(f"{'geomean':12}" + " " * 24 * len(names) + "".join(
            f"{g:>22.2f}" if (g := _geomean_ratio(results, mode, connections, items, a, b)) else f"{'—':>22}"
            for a, b in pairs))
    lines.append("\nrows per query (checked equal across servers): "
                 + ", ".join(f"{c.name} {next(iter(c.rows.values()), 0)}" for c in items if c.query))
    return "\n".join(lines)


def targets(results: dict, items: list[Case]) -> str:
    """Issue 12's serving targets against this run: cold at 4 connections, ours in memory."""
    names = [c.name for c in items if c.query]
    checks = [
        ("cold ours / bare each >= 0.9", min((_ratio(results, "cold", 4, n, OURS, BARE) or 0) for n in names), 0.9),
        ("cold geomean ours / oxigraph mem >= 0.4", _geomean_ratio(results, "cold", 4, items, OURS, OX_MEM), 0.4),
        ("cold aggregate and path ours / oxigraph mem each >= 0.9",
         min((_ratio(results, "cold", 4, n, OURS, OX_MEM) or 0) for n in HEAVY if n in names), 0.9),
        ("cold geomean ours / rdflib-endpoint >= 20", _geomean_ratio(results, "cold", 4, items, OURS, RDFLIB), 20),
        ("warm geomean ours / oxigraph mem >= 1.0", _geomean_ratio(results, "warm", 4, items, OURS, OX_MEM), 1.0),
    ]
    lines = ["targets (issue 12), this run:"]
    for label, value, bound in checks:
        if value:
            lines.append(f"  {'met    ' if value >= bound else 'NOT met'}  {label}: {value:.2f}")
    page = results.get(("cold", 4, "page", OURS))
    if page:
        lines.append(f"  {'met    ' if page['p50'] <= 5 else 'NOT met'}  page p50 <= 5 ms at 4 connections, "
                     f"cold: {page['p50']:.2f} ms")
    return "\n".join(lines)


def _pair(a: str, b: str) -> str:
    return f"{a.replace('oxigraph', 'ox').replace('rdflib-endpoint', 'rdflib')}/{b.replace('oxigraph', 'ox').replace('rdflib-endpoint', 'rdflib')}"


def _ratio(results: dict, mode: str, connections: int, case: str, a: str, b: str) -> float | None:
    ra, rb = results.get((mode, connections, case, a)), results.get((mode, connections, case, b))
    return ra["rps"] / rb["rps"] if ra and rb and rb["rps"] else None


def _geomean_ratio(results, mode, connections, items, a, b) -> float | None:
    ratios = [r for c in items if (r := _ratio(results, mode, connections, c.name, a, b))]
    return geomean(ratios) if ratios else None


def environment(build: Path) -> str:
    info = json.loads((build / "store" / "build.json").read_text(encoding="utf-8"))
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    versions = ", ".join(f"{p} {_version(p)}" for p in ("pyoxigraph", "oxigraph", "flask", "granian", "rdflib",
                                                         "rdflib-endpoint", "uvicorn"))
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()[1]
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    return (f"machine: {os.cpu_count()} CPU ({cpu}), {mem:.0f} GiB RAM, {platform.platform()}\n"
            f"versions: Python {platform.python_version()}, {versions}, wrk {wrk_version}\n"
            f"code: {commit or 'unknown'}; data: build {info['build_id']}, {info.get('triples')} triples")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


def run(quick: bool = False) -> dict:
    if not shutil.which("wrk"):
        raise SystemExit("serving: wrk is not installed; run `make bench-deps`")
    started = time.perf_counter()
    build = build_folder()
    with tempfile.TemporaryDirectory(prefix="bench-serving-") as tmp:
        folder = Path(tmp)
        servers = start_all(build, folder, quick)
        try:
            items = cases(servers[0])
            check(servers, items)
            results = measure(servers, items, quick, folder)
            memory = {s.name: s.rss_mib() for s in servers}
        finally:
            for server in servers:
                server.stop()
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    rounds = max(r["rounds"] for r in results.values())
    title = (f"serving ({'quick' if quick else 'full'}): medians of {rounds} interleaved round(s), wrk -t1; "
             f"{when}; {time.perf_counter() - started:.0f} s")
    report = "\n".join([title, environment(build), tables(results, servers, items),
                        "server RSS after the run, MiB (all processes / largest process): "
                        + ", ".join(f"{k} {v[0]:.0f} / {v[1]:.0f}" for k, v in memory.items()),
                        "", targets(results, items)])
    print("\n" + report, flush=True)
    with open(RESULTS, "a", encoding="utf-8") as out:
        out.write(f"\n## {title}\n\n```\n{report}\n```\n")
    return results
