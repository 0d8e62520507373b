"""The Flask application factory: one blueprint per concern, one backend per app."""
from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request

from server import cors, errors, headers, health
from server.backends import Backend
from server.config import Config
from server.execution import Runner
from server.identity import Identity
from server.library import api as queries_api
from server.pages import browse as pages_browse
from server.pages import editor as pages_editor
from server.pages import home as pages_home
from server.pages import ld
from server.pages import service as pages_service
from server.search import routes as search
from server.sparql import endpoint as sparql
from server.sparql import graphstore, void


def create_app(config: Config | None = None, backend: Backend | None = None, runner: Runner | None = None) -> Flask:
    """The WSGI app. Without `backend`, it opens the one `config` names; its queries run on `runner`'s threads
    (server.serving hands one that recycles the process; by default, one that cannot)."""
    config = config or Config()
    app = Flask(__name__)
    app.config["SERVER"] = config
    app.config["MAX_CONTENT_LENGTH"] = None  # server.sparql.protocol reads and limits bodies itself
    app.json.sort_keys = False
    app.extensions["backend"] = backend or open_backend(config, runner)
    errors.register(app)
    cors.init_app(app, config.cors_origin)
    headers.init_app(app)
    _access_log(app)
    for module in (sparql, graphstore, void, health, ld, pages_home, pages_browse, search, pages_editor, pages_service,
                   queries_api):
        app.register_blueprint(module.blueprint)
    app.wsgi_app = Identity(app.wsgi_app, config.public_url, config.trusted_hosts)
    return app


def open_backend(config: Config, runner: Runner | None = None, functions=None) -> Backend:
    """The backend `config` names. `functions`: SPARQL extension functions for the embedded one (IRI -> callable)."""
    if config.remote:
        from server.backends.remote import RemoteBackend
        return RemoteBackend(config.remote, config.release, row_limit=config.row_limit)
    from server.backends.embedded import EmbeddedBackend
    return EmbeddedBackend(config.store, config.storage, functions,
                           runner or Runner(memory_share=config.memory_share))


def close(app: Flask) -> None:
    """Release the app's backend."""
    app.extensions["backend"].close()


def _access_log(app: Flask) -> None:
    """One line per request: method, path, status, milliseconds to the first byte."""
    log = logging.getLogger("server.access")

    @app.before_request
    def start() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def done(response: Response) -> Response:
        started = g.get("started")
        if started is not None:
            log.info("%s %s %s %.1f ms", request.method, request.path, response.status_code,
                     (time.perf_counter() - started) * 1000)
        return response
