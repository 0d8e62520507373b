"""`python -m server queries list|run`: the published query library on the command line, over the same backends as the server.

`run` opens the loader's store read-only (or `--endpoint URL`, any SPARQL 1.1 endpoint) through the
Backend interface, binds the parameters as RDF terms exactly as /queries/NAME does, and prints an
aligned table (long values cut to --max-width), CSV or SPARQL JSON results.
Exit codes: 0 ok, 1 the query failed (time limit, remote endpoint), 2 bad usage, unknown query,
bad parameter, or no store.
"""
from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path

import pyoxigraph as ox

from server.backends import Limits, QueryJob
from server.config import Config
from server.errors import BadParameter, EndpointError, NotFound
from server.library import catalog as query_library
from server.library.catalog import LibraryError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
MEDIA_TYPES = {"table": "text/tab-separated-values", "csv": "text/csv", "json": "application/sparql-results+json"}


def parser() -> argparse.ArgumentParser:
    defaults = Config()
    p = argparse.ArgumentParser(prog="python -m server queries", description=__doc__.splitlines()[0])
    p.add_argument("--library", type=Path, default=query_library.DEFAULT_DIR, help="the queries folder (default: queries/)")
    commands = p.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="the queries: name and summary")
    run = commands.add_parser("run", help="run a query by name")
    run.add_argument("name", help="the query's name (see `list`)")
    run.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE",
                     help="a parameter (repeatable)")
    run.add_argument("--format", choices=list(MEDIA_TYPES), default="table", help="output (default: table)")
    run.add_argument("--max-width", type=int, default=60,
                     help="table only: cut longer values to this many characters, 0 for no cut (default: 60)")
    run.add_argument("--build-dir", type=Path, default=defaults.build_dir,
                     help="the loader's build folder, whose `store` is read (default: build/)")
    run.add_argument("--endpoint", metavar="URL", help="run on this SPARQL endpoint instead of the store")
    run.add_argument("--time-limit", type=float, default=defaults.time_limit, help="seconds (default: 30)")
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:
        return EXIT_OK if exit_.code == 0 else EXIT_USAGE
    try:
        library = query_library.load(args.library)
    except LibraryError as error:
        print(f"python -m server queries: the library has errors:\n{error}", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "list":
        width = max(len(q.name) for q in library)
        for query in library:
            print(f"{query.name:<{width}}  {query.summary}")
        return EXIT_OK
    try:
        query = library.get(args.name)
        pairs = [_pair(text) for text in args.param]
        bindings = query_library.bind(query, pairs)
    except (NotFound, BadParameter) as error:
        print(f"python -m server queries: {error.message}", file=sys.stderr)
        return EXIT_USAGE
    try:
        backend = _backend(args)
    except (OSError, ValueError, EndpointError) as error:
        print(f"python -m server queries: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        job = QueryJob(text=query.text, kind=query.kind, media_type=MEDIA_TYPES[args.format],
                       prefixes=query.prefixes, substitutions=tuple(bindings.items()))
        result = backend.query(job, Limits(args.time_limit, 0))
        body = b"".join(result)
    except BadParameter as error:
        print(f"python -m server queries: {error.message}", file=sys.stderr)
        return EXIT_USAGE
    except EndpointError as error:
        print(f"python -m server queries: {type(error).__name__}: {error.message}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        backend.close()
    if args.format == "table":
        sys.stdout.write(table(body, args.max_width))
    else:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
    return EXIT_OK


def table(tsv: bytes, max_width: int = 0) -> str:
    """SPARQL TSV results as an aligned table of plain values (IRIs and lexical forms), one line per row."""
    results = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
    names = [v.value for v in results.variables]
    rows = [[_cell(row[name], max_width) for name in names] for row in results]
    widths = [max([_width(name)] + [_width(row[i]) for row in rows]) for i, name in enumerate(names)]
    lines = [names, ["-" * w for w in widths], *rows]
    return "".join("  ".join(_pad(cell, w) for cell, w in zip(line, widths)).rstrip() + "\n" for line in lines)


def _pair(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise BadParameter(f"--param {text!r}: write it as NAME=VALUE")
    return name, value


def _backend(args):
    if args.endpoint:
        from server.backends.remote import RemoteBackend
        return RemoteBackend(args.endpoint)
    from server.backends.embedded import EmbeddedBackend
    return EmbeddedBackend(args.build_dir / "store")


def _cell(term, max_width: int) -> str:
    if term is None:
        return ""
    text = " ".join(term.value.split())  # one line per row: newlines and tabs in literals become spaces
    return text if not max_width or len(text) <= max_width else text[:max_width - 1] + "…"


def _width(text: str) -> int:
    """Columns on a terminal: wide (East Asian) characters take two, combining marks none."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
