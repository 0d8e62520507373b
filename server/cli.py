"""Command line of the server: `python -m server [--host H] [--port P] ...` serves the loader's store with waitress.

Waitress, not gunicorn: it is meant to face the internet directly (it buffers whole requests and
responses, so a slow client ties up no application thread, where gunicorn's sync and gthread workers
want a buffering proxy in front), and it serves a socket it is handed. With --processes N (default:
one per CPU) server.processes runs N waitress processes on one socket, each with its own query workers.
Exit codes: 0 stopped cleanly, 2 bad usage or no store to serve.
"""
from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import sys
from pathlib import Path

import waitress
from flask import Flask
from waitress.server import BaseWSGIServer

from server import processes
from server.app import close, create_app
from server.config import Config
from server.errors import EndpointError

EXIT_OK, EXIT_USAGE = 0, 2


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
    p.add_argument("--workers", type=int, default=defaults.workers,
                   help="query worker processes per server process (default: 2)")
    p.add_argument("--storage", choices=("memory", "disk"), default=defaults.storage,
                   help="where each query worker keeps the store: a copy in memory (faster; ~400 bytes per triple) "
                        "or the on-disk store read-only (default: memory)")
    p.add_argument("--processes", type=int, default=min(4, os.cpu_count() or 1),
                   help="server processes sharing the port, each with its own query workers "
                        "(default: one per CPU, at most 4)")
    p.add_argument("--threads", type=int, default=16, help="HTTP threads per process (default: 16)")
    p.add_argument("--inherit", help=argparse.SUPPRESS)  # FD,FD: a copy started by server.processes
    p.add_argument("--time-limit", type=float, default=defaults.time_limit,
                   help="seconds a query may run (default: 30)")
    p.add_argument("--row-limit", type=int, default=defaults.row_limit,
                   help="results per answer, 0 for no cap (default: 100000)")
    p.add_argument("--max-request-bytes", type=int, default=defaults.max_request_bytes,
                   help="largest POST body or GET query string (default: 262144)")
    p.add_argument("--allow-service", action="append", default=[], metavar="IRI",
                   help="an endpoint SERVICE may call (repeatable; default: none)")
    p.add_argument("--worker-memory-mb", type=int, default=defaults.worker_memory_mb,
                   help="memory a query worker may allocate, 0 for no limit (default: 2048)")
    p.add_argument("--cors-origin", default=defaults.cors_origin, help="Access-Control-Allow-Origin (default: *)")
    p.add_argument("--public-url", help="the URL clients reach the server at, if behind a proxy")
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
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if min(args.workers, args.threads, args.processes) < 1 or args.time_limit <= 0 or args.row_limit < 0:
        print("python -m server: --workers, --threads and --processes must be at least 1, --time-limit positive, "
              "--row-limit 0 or more", file=sys.stderr)
        return EXIT_USAGE
    if args.processes > 1 and not args.inherit:
        try:
            sock = processes.listen(args.host, args.port)
        except OSError as error:
            print(f"python -m server: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
            return EXIT_USAGE
        return processes.supervise(argv, sock, args.processes)
    config = Config(
        build_dir=args.build_dir, remote=tuple(args.remote) if args.remote else None, release=args.release,
        workers=args.workers, storage=args.storage,
        time_limit=args.time_limit,
        row_limit=args.row_limit, max_request_bytes=args.max_request_bytes,
        service_allow_list=tuple(args.allow_service), worker_memory_mb=args.worker_memory_mb,
        cors_origin=args.cors_origin, public_url=args.public_url,
    )
    inherited, ready = (int(fd) for fd in args.inherit.split(",")) if args.inherit else (None, None)
    try:
        app = create_app(config)
    except (OSError, RuntimeError, ValueError, EndpointError) as error:
        if ready is not None:
            processes.report_ready(ready, str(error))
        else:
            print(f"python -m server: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        sockets = [socket.socket(fileno=inherited)] if inherited is not None else None
        server = wsgi_server(app, args.host, args.port, args.threads, sockets)
    except OSError as error:
        close(app)
        print(f"python -m server: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return EXIT_USAGE
    if ready is not None:
        processes.report_ready(ready)
    else:
        host = f"[{server.effective_host}]" if ":" in str(server.effective_host) else server.effective_host
        print(f"Serving on http://{host}:{server.effective_port}/", flush=True)
    signal.signal(signal.SIGTERM, _stop)
    try:
        server.run()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.close()
        close(app)
    return EXIT_OK


def wsgi_server(app: Flask, host: str, port: int, threads: int,
                sockets: list[socket.socket] | None = None) -> BaseWSGIServer:
    """The waitress server `python -m server` runs (the tests run the same one in a thread)."""
    config: Config = app.config["SERVER"]
    listen = {"sockets": sockets} if sockets else {"host": host, "port": port}
    return waitress.create_server(
        app, threads=threads, ident="ungass-kg", **listen,
        # Above the app's own limits, so that the app answers with its own message (413/414).
        max_request_body_size=2 * config.max_request_bytes + 65536,
        max_request_header_size=2 * config.max_request_bytes + 65536,
    )


def _stop(signum, frame) -> None:
    raise SystemExit(0)
