"""Decoding a query request: SPARQL 1.1 Protocol §2.1 (https://www.w3.org/TR/sparql11-protocol/#query-operation).

Three ways to send a query: GET with `query=` in the URL; POST of an HTML form (application/
x-www-form-urlencoded) with the parameters in the body; POST of the query itself (application/
sparql-query) with the dataset parameters in the URL. Each method reads its parameters from exactly
one place, percent-decodes them exactly once and decodes them as strict UTF-8: werkzeug's own form
parsing would replace bad bytes instead of refusing them.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

import pyoxigraph as ox
from flask import Request

from server.errors import (
    BadParameter,
    InvalidEncoding,
    PayloadTooLarge,
    UnsupportedMediaType,
    UpdateRefused,
    UriTooLong,
)

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
    format: str | None = None  # the format= override of content negotiation

    @property
    def has_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


def read(request: Request, max_bytes: int) -> Operation:
    if request.method == "GET":
        if len(request.query_string) > max_bytes:
            raise UriTooLong(f"the query string has {len(request.query_string)} bytes, over the limit of "
                             f"{max_bytes}; send a long query with POST")
        params = parse_form(request.query_string, "the URL")
        if all(name == "format" for name, _ in params):
            return _operation(params, query=None)  # the service description
        return _operation(params, where="the URL")
    mimetype = request.mimetype
    if mimetype == SPARQL_UPDATE:
        raise UpdateRefused(READ_ONLY)
    if mimetype == FORM:
        if request.query_string:
            raise BadParameter(
                "a form-encoded POST carries all its parameters in the body; this one also has some in the URL "
                f"({_names(parse_form(request.query_string, 'the URL'))}): move them into the body"
            )
        return _operation(parse_form(_body(request, max_bytes), "the request body"), where="the request body")
    if mimetype == SPARQL_QUERY:
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise UnsupportedMediaType(f"{SPARQL_QUERY} must be UTF-8 (SPARQL 1.1 Protocol §2.1.3); "
                                       f"got charset={charset}")
        params = parse_form(request.query_string, "the URL")
        if any(name == "query" for name, _ in params):
            raise BadParameter(f"a {SPARQL_QUERY} POST carries the query in its body: remove query= from the URL")
        return _operation(params, query=_text(_body(request, max_bytes), "the request body"))
    raise UnsupportedMediaType(
        (f"Content-Type {request.content_type!r} is not accepted" if request.content_type
         else "a POST needs a Content-Type")
        + f"; send the query as {SPARQL_QUERY}, or as {FORM} with a query= parameter"
    )


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
    formats = [value for name, value in params if name == "format"]
    if len(formats) > 1:
        raise BadParameter(f"format= is given {len(formats)} times; give it once")
    graphs = {key: tuple(value for name, value in params if name == key)
              for key in ("default-graph-uri", "named-graph-uri")}
    for key, values in graphs.items():
        for value in values:
            try:
                ox.NamedNode(value)  # the engine's own IRI check
            except ValueError as error:
                raise BadParameter(f"{key}={value!r} is not an absolute IRI: {error}") from None
    return Operation(query=query, default_graphs=graphs["default-graph-uri"],
                     named_graphs=graphs["named-graph-uri"], format=formats[0] if formats else None)


def _one_query(params: list[tuple[str, str]], where: str) -> str:
    queries = [value for name, value in params if name == "query"]
    if not queries:
        raise BadParameter(f"no query= parameter in {where}" + (f" (it has {_names(params)})" if params else ""))
    if len(queries) > 1:
        raise BadParameter(f"query= is given {len(queries)} times in {where}; the protocol allows exactly one")
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


def _names(params: list[tuple[str, str]]) -> str:
    return ", ".join(sorted({f"{name}=" for name, _ in params}))
