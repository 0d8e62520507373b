"""`python -m bench [--quick] [NAME …]`: run the benchmarks and print their tables."""
from __future__ import annotations

import argparse

from bench import loading, scale, scale_serving, serving

BENCHMARKS = {"loading": loading.run, "serving": serving.run, "scale": scale.run,
              "scale-serving": scale_serving.run}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="fewer repetitions: finishes in under a minute")
    p.add_argument("names", nargs="*", choices=[[], *BENCHMARKS], default=[], metavar="NAME",
                   help=f"benchmarks to run (default: all of {', '.join(BENCHMARKS)})")
    args = p.parse_args(argv)
    for name in args.names or BENCHMARKS:
        BENCHMARKS[name](quick=args.quick)
    return 0
