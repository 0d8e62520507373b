"""The endpoint's typed errors and the one place that maps them to HTTP status codes (SPARQL 1.1 Protocol §2.1.3).

Handlers raise these; `register` renders every one of them, and every werkzeug HTTP error, as one
line of text/plain naming the cause. Anything else is a bug: Flask logs it with its traceback and the
client gets a 500 without one.
"""
from __future__ import annotations

from flask import Flask, Response
from werkzeug.exceptions import HTTPException, InternalServerError


class EndpointError(Exception):
    """A request the endpoint does not answer, with a message a person can act on."""

    def __init__(self, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.headers = headers or {}


class BadParameter(EndpointError):
    """A protocol parameter is missing, repeated, empty or malformed."""


class QuerySyntaxError(EndpointError):
    """The engine could not parse the query; the message carries its line:column."""


class InvalidEncoding(EndpointError):
    """Bytes that are not UTF-8."""


class UpdateRefused(EndpointError):
    """A SPARQL Update, in any form: the endpoint is read-only."""


class ServiceRefused(EndpointError):
    """A SERVICE clause naming an endpoint that is not on the allow-list."""


class NotFound(EndpointError):
    """No such resource."""


class NotAcceptable(EndpointError):
    """No result format fits the request's Accept header or format parameter."""


class PayloadTooLarge(EndpointError):
    """A request body over the configured limit."""


class UriTooLong(EndpointError):
    """A query string over the configured limit."""


class UnsupportedMediaType(EndpointError):
    """A POST whose Content-Type is missing or not one the protocol defines."""


class QueryTimeout(EndpointError):
    """The query ran past the time limit and was stopped."""


class QueryTooDeep(EndpointError):
    """Brackets nested deeper than the engine is given stack for (server.sparql.nesting)."""


class Busy(EndpointError):
    """The client already has its share of slow queries running, or every query thread is busy: not started."""


class MemoryLimit(EndpointError):
    """The server process passed its share of the memory limit while the query ran (server.execution)."""


class Recycling(EndpointError):
    """The server process is being replaced (a runaway query in it); the query was not run to the end."""


class UpstreamError(EndpointError):
    """A remote SPARQL endpoint (the remote backend, or an allowed SERVICE) failed."""


class UpstreamTimeout(EndpointError):
    """The remote backend did not answer within the time limit."""


class InternalError(EndpointError):
    """A bug of the engine or the server (logged here with its traceback, not sent)."""


# The one mapping. 503 for our own time limit: the endpoint itself refuses to spend more time on the
# query (Fuseki does the same); 504 only where we are a gateway that waited for a remote endpoint.
STATUS: dict[type[EndpointError], int] = {
    BadParameter: 400,
    QueryTooDeep: 400,
    QuerySyntaxError: 400,
    InvalidEncoding: 400,
    UpdateRefused: 403,
    ServiceRefused: 403,
    NotFound: 404,
    NotAcceptable: 406,
    PayloadTooLarge: 413,
    UriTooLong: 414,
    UnsupportedMediaType: 415,
    InternalError: 500,
    UpstreamError: 502,
    QueryTimeout: 503,
    Busy: 503,
    MemoryLimit: 503,
    Recycling: 503,
    UpstreamTimeout: 504,
}


def status_of(error: EndpointError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    raise TypeError(f"{type(error).__name__} has no status in server.errors.STATUS")


def text_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    response = Response(message.rstrip("\n") + "\n", status=status, content_type="text/plain; charset=utf-8")
    response.headers.update(headers or {})
    return response


def register(app: Flask) -> None:
    @app.errorhandler(EndpointError)
    def endpoint_error(error: EndpointError) -> Response:
        status = status_of(error)
        if status >= 500:
            app.logger.warning("%s %s: %s", status, type(error).__name__, error.message)
        return text_response(status, f"{status} {type(error).__name__}: {error.message}", error.headers)

    @app.errorhandler(InternalServerError)
    def internal(error: InternalServerError) -> Response:
        # Flask has already logged the original exception with its traceback.
        return text_response(500, "500 Internal Server Error: a bug in the server; it has been logged")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        headers = dict(error.get_headers())
        headers.pop("Content-Type", None)
        return text_response(error.code or 500, f"{error.code} {error.name}: {error.description}", headers)
