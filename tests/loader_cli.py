"""Running the loader as a curator does: `python -m loader …` in a subprocess, output captured."""
from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    code: int
    out: str
    err: str


def loader(*args: str | Path) -> Run:
    done = subprocess.run([sys.executable, "-m", "loader", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    return Run(done.returncode, done.stdout, done.stderr)
