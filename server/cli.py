"""Command line of the server: `python -m server [--host H] [--port P] ...` serves the loader's store with granian.

granian, a Rust HTTP server, runs the Flask app in one process per core on one socket (server.serving);
each process answers queries on its own threads (server.execution), and is replaced when a query passes
the time limit or the process passes its share of the memory limit.
Exit codes: 0 stopped cleanly, 2 bad usage or no store to serve.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from server.config import Config
from server.serving import Settings, serve

EXIT_OK, EXIT_USAGE = 0, 2


def machine_memory() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def parser() -> argparse.ArgumentParser:
    defaults = Config()
    p = argparse.ArgumentParser(prog="python -m server", description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port; 0 picks a free one and prints it (default: 8000)")
    p.add_argument("--build-dir", type=Path, default=defaults.build_dir,
                   help="the loader's build folder, whose `store` is served (default: build/)")
    p.add_argument("--remote", metavar="URL", action="append",
                   help="serve a remote SPARQL endpoint holding a published release instead of the store; "
                        "repeat for read replicas of the same release")
    p.add_argument("--release", metavar="BUILD_ID",
                   help="with --remote: the release (build id) the endpoints must hold (default: the first one's)")
    p.add_argument("--storage", choices=("memory", "disk"), default=defaults.storage,
                   help="where each server process keeps the store: a copy in memory (faster; ~400 bytes per "
                        "triple) or the on-disk store read-only (default: memory)")
    p.add_argument("--processes", type=int, default=min(4, os.cpu_count() or 1),
                   help="server processes sharing the port (default: one per CPU, at most 4)")
    p.add_argument("--threads", type=int, default=32,
                   help="request threads per process, each waiting for its query (which runs on a thread of its "
                        "own) or answering a page (default: 32)")
    # Documented until the query workers went away (issue 12): still accepted, so that scripts keep working.
    p.add_argument("--workers", type=int, help=argparse.SUPPRESS)
    p.add_argument("--time-limit", type=float, default=defaults.time_limit,
                   help="seconds a query may run (default: 30)")
    p.add_argument("--row-limit", type=int, default=defaults.row_limit,
                   help="results per answer, 0 for no cap (default: 100000)")
    p.add_argument("--memory-limit", type=int, metavar="MB", default=machine_memory() // 2 // 2**20,
                   help="resident memory of the whole server in MiB, shared by its processes; a process past its "
                        "share is replaced, 0 for no limit (default: half the machine's memory)")
    p.add_argument("--max-request-bytes", type=int, default=defaults.max_request_bytes,
                   help="largest POST body or GET query string (default: 262144)")
    p.add_argument("--allow-service", action="append", default=[], metavar="IRI",
                   help="an endpoint SERVICE may call (repeatable; default: none)")
    p.add_argument("--cors-origin", default=defaults.cors_origin, help="Access-Control-Allow-Origin (default: *)")
    p.add_argument("--public-url", help="the URL clients reach the server at (behind a proxy); links in answers use it")
    p.add_argument("--trusted-host", action="append", default=[], metavar="HOST[:PORT]",
                   help="a Host header to build links from, besides the address listened on (repeatable)")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["queries"]:  # `python -m server queries list|run ...`: the query library
        from server.library.cli import main as queries
        return queries(argv[1:])
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:
        return EXIT_OK if exit_.code == 0 else EXIT_USAGE
    if min(args.threads, args.processes) < 1 or args.time_limit <= 0 or args.row_limit < 0 or args.memory_limit < 0:
        print("python -m server: --threads and --processes must be at least 1, --time-limit positive, "
              "--row-limit and --memory-limit 0 or more", file=sys.stderr)
        return EXIT_USAGE
    if args.workers is not None:
        print("python -m server: --workers is ignored: there are no query worker processes any more (queries run on "
              "threads of each server process; --processes sets how many processes serve)", file=sys.stderr)
    config = Config(
        build_dir=args.build_dir, remote=tuple(args.remote) if args.remote else None, release=args.release,
        storage=args.storage,
        time_limit=args.time_limit, row_limit=args.row_limit, max_request_bytes=args.max_request_bytes,
        service_allow_list=tuple(args.allow_service), memory_limit=args.memory_limit * 2**20,
        processes=args.processes, cors_origin=args.cors_origin, public_url=args.public_url,
        trusted_hosts=tuple(args.trusted_host),
    )
    if not config.remote:
        from server.backends.embedded import check
        try:
            check(config.store, config.storage)
        except FileNotFoundError as error:
            print(f"python -m server: {error}", file=sys.stderr)
            return EXIT_USAGE
    try:
        return serve(config, Settings(args.host, args.port, args.processes, args.threads))
    except OSError as error:
        print(f"python -m server: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return EXIT_USAGE
