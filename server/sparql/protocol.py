"""Decoding a query request: SPARQL 1.1 Protocol §2.1 (https://www.w3.org/TR/sparql11-protocol/#query-operation).

Three ways to send a query: GET (and HEAD) with `query=` in the URL; POST of an HTML form (application/
x-www-form-urlencoded) with the parameters in the body; POST of the query itself (application/
sparql-query) with the dataset parameters in the URL. A form POST may also carry the dataset and
format parameters in its URL (the Protocol's §2.1.4 allows the dataset there); the query itself is
always in the body, and a dataset parameter given in both places with different values is a 400 naming
both. Parameters are percent-decoded exactly once and decoded as strict UTF-8: werkzeug's own form
parsing would replace bad bytes instead of refusing them. A parameter repeated with the same value
counts once (clients such as SPARQLWrapper repeat them); the format parameters are read by server.conneg.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

import pyoxigraph as ox
from flask import Request

from server.conneg import FORMAT_PARAMETERS
from server.errors import (
    BadParameter,
    InvalidEncoding,
    PayloadTooLarge,
    UnsupportedMediaType,
    UpdateRefused,
    UriTooLong,
)

DATASET_PARAMETERS = ("default-graph-uri", "named-graph-uri")
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
READ_ONLY = "this endpoint is read-only: SPARQL Update is not accepted here, in any form"


@dataclass(frozen=True)
class Operation:
    """A decoded request. `query` is None for a GET with no parameters: the service description."""

    query: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()  # the values of the format parameters (server.conneg), in order

    @property
    def has_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


def read(request: Request, max_bytes: int) -> Operation:
    if request.method in ("GET", "HEAD"):
        params = url_params(request, max_bytes)
        if all(name in FORMAT_PARAMETERS for name, _ in params):
            return _operation(params, query=None)  # the service description
        return _operation(params, where="the URL")
    mimetype = request.mimetype
    if mimetype == SPARQL_UPDATE:
        raise UpdateRefused(READ_ONLY)
    if mimetype == FORM:
        return _operation(_form_params(request, max_bytes), where="the request body")
    if mimetype == SPARQL_QUERY:
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise UnsupportedMediaType(f"{SPARQL_QUERY} must be UTF-8 (SPARQL 1.1 Protocol §2.1.3); "
                                       f"got charset={charset}")
        params = url_params(request, max_bytes)
        if any(name == "query" for name, _ in params):
            raise BadParameter(f"a {SPARQL_QUERY} POST carries the query in its body: remove query= from the URL")
        return _operation(params, query=_text(_body(request, max_bytes), "the request body"))
    raise UnsupportedMediaType(
        (f"Content-Type {request.content_type!r} is not accepted" if request.content_type
         else "a POST needs a Content-Type")
        + f"; send the query as {SPARQL_QUERY}, or as {FORM} with a query= parameter"
    )


def url_params(request: Request, max_bytes: int) -> list[tuple[str, str]]:
    """The URL's parameters, refusing a query string over the size limit (414)."""
    if len(request.query_string) > max_bytes:
        raise UriTooLong(f"the query string has {len(request.query_string)} bytes, over the limit of "
                         f"{max_bytes}; send a long query with POST")
    return parse_form(request.query_string, "the URL")


def format_values(params: list[tuple[str, str]]) -> tuple[str, ...]:
    """The values of the format parameters (server.conneg.FORMAT_PARAMETERS), each once, in order."""
    return tuple(dict.fromkeys(value for name, value in params if name in FORMAT_PARAMETERS))


def _form_params(request: Request, max_bytes: int) -> list[tuple[str, str]]:
    """A form POST's parameters: its body's, plus the dataset and format parameters of its URL."""
    body = parse_form(_body(request, max_bytes), "the request body")
    url = url_params(request, max_bytes)
    if any(name == "update" for name, _ in url):
        raise UpdateRefused(READ_ONLY)
    misplaced = [(name, value) for name, value in url if name not in (*DATASET_PARAMETERS, *FORMAT_PARAMETERS)]
    if misplaced:
        raise BadParameter(
            f"a form-encoded POST carries the query in its body; its URL may hold only {', '.join(DATASET_PARAMETERS)} "
            f"and format parameters, and this one also has {_names(misplaced)}: move them into the body"
        )
    for key in DATASET_PARAMETERS:
        in_url = {value for name, value in url if name == key}
        in_body = {value for name, value in body if name == key}
        if in_url and in_body and in_url != in_body:
            raise BadParameter(
                f"{key} is given both in the URL ({_listed(in_url)}) and in the request body ({_listed(in_body)}) "
                "with different values: give it in one place"
            )
    return body + [pair for pair in url if pair not in body]


def parse_form(raw: bytes, where: str) -> list[tuple[str, str]]:
    """application/x-www-form-urlencoded pairs (WHATWG URL §5.1), refusing bytes that are not UTF-8."""
    if where == "the URL" and not raw.isascii():  # the HTTP server may pass them on (granian does)
        raise InvalidEncoding("the URL holds raw bytes outside ASCII: percent-encode them (RFC 3986 §2.1)")
    pairs = []
    for part in raw.split(b"&"):
        if part:
            name, _, value = part.partition(b"=")
            pairs.append((_decode(name, where), _decode(value, where)))
    return pairs


def _operation(params: list[tuple[str, str]], where: str = "", query: str | None = None) -> Operation:
    """The operation of `params`; its query is `query`, or else the one query= parameter in them."""
    if any(name == "update" for name, _ in params):
        raise UpdateRefused(READ_ONLY)
    if where:
        query = _one_query(params, where)
    graphs = {key: tuple(dict.fromkeys(value for name, value in params if name == key)) for key in DATASET_PARAMETERS}
    for key, values in graphs.items():
        for value in values:
            try:
                ox.NamedNode(value)  # the engine's own IRI check
            except ValueError as error:
                raise BadParameter(f"{key}={value!r} is not an absolute IRI: {error}") from None
    return Operation(query=query, default_graphs=graphs["default-graph-uri"],
                     named_graphs=graphs["named-graph-uri"], formats=format_values(params))


def _one_query(params: list[tuple[str, str]], where: str) -> str:
    queries = list(dict.fromkeys(value for name, value in params if name == "query"))
    if not queries:
        raise BadParameter(f"no query= parameter in {where}" + (f" (it has {_names(params)})" if params else ""))
    if len(queries) > 1:
        raise BadParameter(f"query= is given {len(queries)} times in {where} with different texts; "
                           "the protocol allows exactly one query")
    if not queries[0].strip():
        raise BadParameter("query= is empty")
    return queries[0]


def _body(request: Request, max_bytes: int) -> bytes:
    if request.content_length is not None and request.content_length > max_bytes:
        raise PayloadTooLarge(f"the request body has {request.content_length} bytes, over the limit of {max_bytes}")
    body = request.stream.read(max_bytes + 1)
    if len(body) > max_bytes:
        raise PayloadTooLarge(f"the request body is over the limit of {max_bytes} bytes")
    return body


def _text(raw: bytes, where: str) -> str:
    text = _utf8(raw, where)
    if not text.strip():
        raise BadParameter(f"{where} is empty: it should hold the query")
    return text


def _decode(raw: bytes, where: str) -> str:
    return _utf8(unquote_to_bytes(raw.replace(b"+", b" ")), where)


def _utf8(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidEncoding(
            f"{where} is not UTF-8: byte 0x{raw[error.start]:02X} at offset {error.start} of a decoded value "
            "(percent-escapes must encode UTF-8 bytes)"
        ) from None


def _listed(values: set[str]) -> str:
    return ", ".join(f"<{value}>" for value in sorted(values))


def _names(params: list[tuple[str, str]]) -> str:
    return ", ".join(sorted({f"{name}=" for name, _ in params}))
