"""Command line of the loader: check, build, publish, and the generators of derived data files.

Exit codes: 0 ok, 1 data not conformant (or, for publish, the store refused or lost part of the release),
2 bad input or usage, 3 internal error.
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from loader.layout import Layout
from loader.problems import BadInput, NotConformant

EXIT_OK, EXIT_NOT_CONFORMANT, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m loader", description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, default=Layout.data, help="folder of curated Turtle (default: data/)")
    p.add_argument("--ontology", type=Path, default=Layout.ontology, help="folder of the ontology and shapes")
    p.add_argument("--build-dir", type=Path, default=Layout.build, help="where the store and dumps go (default: build/)")
    p.add_argument("--engine", choices=("oxigraph", "pyshacl"), default="oxigraph",
                   help="SHACL validator: the shapes compiled to SPARQL on pyoxigraph (default), or pyshacl")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="parse and validate everything; report all problems")
    sub.add_parser("build", help="check, then build a fresh store and swap it in atomically")
    publish_ = sub.add_parser("publish", help="build, then write the release into a store through the SPARQL 1.1 "
                              "Graph Store HTTP Protocol and check its triple counts")
    publish_.add_argument("url", help="the store's Graph Store Protocol endpoint, e.g. http://HOST:7878/store "
                          "(oxigraph serve) or http://HOST:8890/sparql-graph-crud-auth (Virtuoso); credentials "
                          "from UNGASS_PUBLISH_USER and UNGASS_PUBLISH_PASSWORD")
    sub.add_parser("paragraphs", help="regenerate data/summary/paragraphs.ttl from data/source/summary.txt")
    sub.add_parser("countries", help="regenerate data/actors/countries.ttl with pycountry")
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:
        return EXIT_OK if exit_.code == 0 else EXIT_BAD_INPUT
    layout = Layout(data=args.data, ontology=args.ontology, build=args.build_dir)
    try:
        if args.command == "publish":
            return publish(layout, args.engine, args.url)
        return COMMANDS[args.command](layout, args.engine)
    except BadInput as error:
        _report(error.problems, "cannot read the input")
        return EXIT_BAD_INPUT
    except NotConformant as error:
        _report(error.problems, "the data does not conform")
        return EXIT_NOT_CONFORMANT
    except Exception:  # a bug in the loader, not in the data: say so, with the traceback
        logging.exception("internal error in the loader")
        return EXIT_INTERNAL


def _report(problems, what: str) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{what}: {len(problems)} problem(s); nothing was built.", file=sys.stderr)


def check(layout: Layout, engine: str) -> int:
    from loader import checks
    started = time.perf_counter()
    sources, triples = checks.run(layout, engine)
    print(f"ok: {len(sources.data)} files, {triples} triples conform ({time.perf_counter() - started:.2f} s)")
    return EXIT_OK


def build(layout: Layout, engine: str) -> int:
    from loader import checks, store
    started = time.perf_counter()
    sources, _ = checks.run(layout, engine)
    target = store.build(layout, sources)
    print(f"built {target} ({time.perf_counter() - started:.2f} s)")
    return EXIT_OK


def publish(layout: Layout, engine: str, url: str) -> int:
    """`build`, then the release into the store at `url`; exit 1 when the store refuses or loses any of it."""
    from loader import checks, store
    from loader.publish import GraphStore, PublishError
    from loader.publish import publish as publish_release
    try:
        GraphStore(url)
    except ValueError as error:
        print(f"python -m loader publish: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    started = time.perf_counter()
    sources, _ = checks.run(layout, engine)
    target = store.build(layout, sources)
    try:
        report = publish_release(target, url, progress=lambda line: print(line, flush=True))
    except PublishError as error:
        print(f"python -m loader publish: {error}", file=sys.stderr)
        return EXIT_NOT_CONFORMANT
    was = f", replacing {report.previous}" if report.previous and report.previous != report.build_id else ""
    print(f"published {report.build_id} to {url}: {len(report.replaced)} graphs{was}, "
          f"{len(report.removed)} removed, every count checked ({time.perf_counter() - started:.2f} s)")
    return EXIT_OK


def paragraphs(layout: Layout, engine: str) -> int:
    from loader.paragraphs import generate
    target = layout.data / "summary" / "paragraphs.ttl"
    changed = generate(layout.data / "source" / "summary.txt", target)
    print(f"{'wrote' if changed else 'unchanged'}: {target}")
    return EXIT_OK


def countries(layout: Layout, engine: str) -> int:
    from loader.countries import generate
    target = layout.data / "actors" / "countries.ttl"
    changed = generate(layout, target)
    print(f"{'wrote' if changed else 'unchanged'}: {target}")
    return EXIT_OK


COMMANDS = {"check": check, "build": build, "paragraphs": paragraphs, "countries": countries}
