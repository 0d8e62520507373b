"""The curator's loop on the real data: `loader check` and `loader build`, in wall time.

Baseline, measured in the same run: parsing the same files into an in-memory pyoxigraph store,
the floor that any check or build pays. Each command runs in a fresh process, as a curator runs it.
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent


def _timed_command(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "loader", *args], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def _baseline() -> float:
    started = time.perf_counter()
    store = ox.Store()
    for path in sorted((ROOT / "data").rglob("*.ttl")):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return time.perf_counter() - started


def run(quick: bool = False) -> dict[str, float]:
    rounds = 2 if quick else 5
    times: dict[str, list[float]] = {"baseline: pyoxigraph parse": [], "loader check": [], "loader build": []}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(rounds):  # interleaved, so that machine noise hits all three alike
            times["baseline: pyoxigraph parse"].append(_baseline())
            times["loader check"].append(_timed_command("check"))
            times["loader build"].append(_timed_command("--build-dir", folder, "build"))
    medians = {k: statistics.median(v) for k, v in times.items()}
    base = medians["baseline: pyoxigraph parse"]
    triples = sum(1 for p in (ROOT / "data").rglob("*.ttl")
                  for _ in ox.parse(path=str(p), format=ox.RdfFormat.TURTLE))
    print(f"\nloading: the real data ({triples} triples), median of {rounds} interleaved rounds")
    print(f"{'what':32} {'wall s':>8} {'× baseline':>11}")
    for name, value in medians.items():
        print(f"{name:32} {value:8.3f} {value / base:11.1f}")
    return medians
