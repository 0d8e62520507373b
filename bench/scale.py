"""How validation and build grow with the corpus: synthetic corpora of 10k, 100k, 1M triples (bench/synthetic.py).

For each size, each step runs in a fresh process (wall time and peak RSS, VmHWM), steps interleaved:
- parse: the Turtle files into an in-memory pyoxigraph store (the floor any check pays);
- engine: loader.shacl, store from the files plus validation (`validate` is the queries alone);
- pyshacl: the baseline, run as loader/validation.py runs it (rdflib graphs of the data as the
  loader reads it); skipped above PYSHACL_LIMIT triples or after PYSHACL_SECONDS, and then extrapolated
  with the growth exponent measured on the smaller sizes (the table says so);
- check, build: `python -m loader check` and `python -m loader build`, the commands a curator runs
  (build checks first, as the command does; it builds into a temporary folder).
Ratios are pyshacl / engine from the same run; growth exponents are least-squares slopes of
log(time) on log(triples). The engine also runs on the real data (the curator's loop).
"""
from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYSHACL_SECONDS = 600  # a pyshacl run longer than this is stopped and extrapolated
PYSHACL_LIMIT = 150_000  # above this many triples pyshacl is not run (it would take over 10 minutes)


def _peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def worker(mode: str, data: Path) -> dict:
    """One measurement, in this process: seconds, peak RSS in MiB and what was found."""
    import pyoxigraph as ox

    from loader.layout import Layout
    layout = Layout(data=data)
    started = time.perf_counter()
    out: dict = {}
    if mode == "parse":
        store = ox.Store()
        for path in layout.data_files():
            store.load(path=str(path), format=ox.RdfFormat.TURTLE)
        out["triples"] = len(store)
    elif mode == "engine":
        from loader.shacl import Validator, validation_store_from_files
        store = validation_store_from_files(layout.data_files(), layout.ontology_files())
        loaded = time.perf_counter()
        report = Validator(ox.parse(path=str(layout.shapes), format=ox.RdfFormat.TURTLE)).validate(store)
        out.update(validate=time.perf_counter() - loaded, results=len(report.results))
    elif mode == "pyshacl":
        from loader import validation
        from loader.origins import Origins
        from loader.sources import read
        sources, store = read(layout)
        out["results"] = len(validation.validate(store, sources, Origins(sources.data, layout)))
    elif mode in ("check", "build"):
        from loader import cli
        with tempfile.TemporaryDirectory() as folder:
            if cli.main(["--data", str(data), "--build-dir", folder, mode]) != 0:
                raise SystemExit(f"loader {mode} failed on {data}")
            out["seconds"] = time.perf_counter() - started  # without removing the build
    else:
        raise SystemExit(f"unknown mode {mode}")
    out.setdefault("seconds", time.perf_counter() - started)
    out["peak_mib"] = _peak_mib()
    return out


def _measure(mode: str, data: Path, timeout: float | None = None) -> dict | None:
    try:
        done = subprocess.run([sys.executable, "-m", "bench.scale", "--worker", mode, str(data)], cwd=ROOT,
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        raise RuntimeError(f"{mode} on {data} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of log(y) on log(x)."""
    xs, ys = [math.log(x) for x, _ in points], [math.log(y) for _, y in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def run(quick: bool = False, sizes: list[int] | None = None) -> dict:
    from bench.synthetic import generate
    sizes = sizes or ([3_000, 10_000, 30_000] if quick else [10_000, 100_000, 1_000_000])
    if os.environ.get("UNGASS_BENCH_5M") == "1" and not quick:
        sizes = sizes + [5_000_000]
    pyshacl_limit = 5_000 if quick else PYSHACL_LIMIT
    table: dict[int, dict] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for size in sizes:
            data = Path(scratch) / f"synthetic-{size}"
            triples = generate(size, data)["triples"]
            rounds = 1 if quick or size >= 1_000_000 else 3
            runs: dict[str, list[dict]] = {"parse": [], "engine": [], "pyshacl": [], "check": [], "build": []}
            for _ in range(rounds):  # interleaved, so that machine noise hits every step alike
                for mode in runs:
                    if mode == "pyshacl" and (triples > pyshacl_limit or runs["pyshacl"] and rounds > 1):
                        continue
                    m = _measure(mode, data, PYSHACL_SECONDS if mode == "pyshacl" else None)
                    if m is not None:
                        runs[mode].append(m)
            table[triples] = {mode: _median(ms) for mode, ms in runs.items() if ms}
            print(f"  measured {triples} triples", file=sys.stderr)
    real = [_measure("engine", ROOT / "data") for _ in range(1 if quick else 3)]
    _print(table, _median(real))
    return {"sizes": table, "real": _median(real)}


def _median(ms: list[dict]) -> dict:
    return {k: statistics.median(m[k] for m in ms) for k in ms[0]} if ms else {}


def _print(table: dict[int, dict], real: dict) -> None:
    sizes = sorted(table)
    measured = [(n, table[n]["pyshacl"]["seconds"]) for n in sizes if "pyshacl" in table[n]]
    exponent = slope(measured) if len(measured) > 1 else 1.0
    print("\nscale: synthetic corpora (bench/synthetic.py), each step a fresh process; s = wall seconds, MiB = peak RSS")
    header = (f"{'triples':>9} | {'parse s':>7} | {'engine s':>8} {'(queries)':>9} {'MiB':>5} {'results':>7} | "
              f"{'pyshacl s':>10} {'MiB':>5} {'results':>7} | {'pyshacl/engine':>14} | {'check s':>7} {'MiB':>5} | "
              f"{'build s':>7} {'MiB':>5}")
    print(header)
    print("-" * len(header))
    for n in sizes:
        row = table[n]
        e, c, b, p = row["engine"], row["check"], row["build"], row.get("pyshacl")
        if p:
            baseline, mark, mib, found = p["seconds"], "", f"{p['peak_mib']:5.0f}", f"{p['results']:7.0f}"
        else:
            ref = measured[-1] if measured else None
            baseline = ref[1] * (n / ref[0]) ** exponent if ref else float("nan")
            mark, mib, found = "~", "    -", "      -"
        print(f"{n:>9} | {row['parse']['seconds']:7.2f} | {e['seconds']:8.2f} {e['validate']:9.2f} {e['peak_mib']:5.0f} "
              f"{e['results']:7.0f} | {mark + format(baseline, '.1f'):>10} {mib} {found} | {baseline / e['seconds']:13.0f}x | "
              f"{c['seconds']:7.2f} {c['peak_mib']:5.0f} | {b['seconds']:7.2f} {b['peak_mib']:5.0f}")
    if len(sizes) > 1:
        grow = {name: slope([(n, f(table[n])) for n in sizes]) for name, f in (
            ("parse", lambda r: r["parse"]["seconds"]), ("engine", lambda r: r["engine"]["seconds"]),
            ("engine queries", lambda r: r["engine"]["validate"]), ("check", lambda r: r["check"]["seconds"]),
            ("build", lambda r: r["build"]["seconds"]))}
        grow["pyshacl"] = exponent if len(measured) > 1 else float("nan")
        print("growth exponents (log-log slope): " + ", ".join(f"{k} {v:.2f}" for k, v in grow.items()))
    if any(not table[n].get("pyshacl") for n in sizes):
        print(f"~ pyshacl not run at this size: extrapolated from the largest measured size with exponent {exponent:.2f}")
    print(f"curator's loop, real data: engine {real['seconds']:.2f} s (queries {real['validate']:.2f} s), "
          f"{real['peak_mib']:.0f} MiB, {real['results']} results")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--worker"]:
        print(json.dumps(worker(args[1], Path(args[2]))))
        return 0
    run(quick="--quick" in args, sizes=[int(a) for a in args if a.isdigit()] or None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
