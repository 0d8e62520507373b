"""/queries: the published query library over HTTP (listing, running by name, the query text) and /openapi.json.

A named query runs like a /sparql request (server.sparql.endpoint): the same format negotiation
(server.conneg, with `format=`), the same backend, limits and streaming; its parameters come from the
query string only, and are bound as RDF terms (server.library.catalog), never written into the text.
The library is read once, when the app is made: a query file that is not valid stops the server.
"""
from __future__ import annotations

import json
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, current_app, request

from server import conneg
from server.backends import QueryJob
from server.config import Config
from server.errors import BadParameter, UriTooLong
from server.library import catalog as query_library
from server.library import html as html_pages
from server.library import openapi
from server.library.catalog import Library, Query
from server.pages.service import wants_html
from server.sparql import endpoint as sparql
from server.sparql import protocol

blueprint = Blueprint("queries", __name__)
SPARQL_QUERY = "application/sparql-query"
LISTING_TYPES = {"json": "application/json", "html": "text/html"}


@blueprint.record_once
def _load(state) -> None:
    app: Flask = state.app
    app.extensions.setdefault("queries", query_library.load())


def library() -> Library:
    return current_app.extensions["queries"]


@blueprint.route("/queries", methods=["GET"])
def listing() -> Response:
    params = _params()
    unknown = sorted({name for name, _ in params} - {"format"})
    if unknown:
        raise BadParameter(f"/queries takes only format= (json or html), not {', '.join(unknown)}")
    kind = _listing_format(dict(params).get("format"))
    if kind == "html":
        response = Response(html_pages.listing(library()), content_type="text/html; charset=utf-8")
    else:
        body = {"queries": [describe(q) for q in library()]}
        response = Response(json.dumps(body, ensure_ascii=False, indent=1) + "\n",
                            content_type="application/json")
    response.vary.add("Accept")
    return response


@blueprint.route("/queries/<name>", methods=["GET"])
def run(name: str) -> Response:
    if name.endswith(".rq"):
        return _text(library().get(name[:-3]))
    query = library().get(name)
    params = _params()
    formats = [value for key, value in params if key == "format"]
    if len(formats) > 1:
        raise BadParameter(f"format= is given {len(formats)} times; give it once")
    fmt = formats[0] if formats else None
    if fmt is not None and fmt.strip().lower() in ("sparql", SPARQL_QUERY):
        return _text(query)
    pairs = [(key, html_pages.chapter_number(value) if key == "chapter" else value)
             for key, value in params if key != "format"]
    if fmt is None and wants_html(conneg.OFFERS[query.kind]):
        return _page(query, pairs)
    bindings = query_library.bind(query, pairs)
    result_format = conneg.negotiate(query.kind, request.headers.get("Accept"), fmt)
    config: Config = current_app.config["SERVER"]
    job = QueryJob(text=query.text, kind=query.kind, media_type=result_format.media_type,
                   prefixes=query.prefixes, substitutions=tuple(bindings.items()))
    return sparql.answer(job, result_format, config)


@blueprint.route("/openapi.json", methods=["GET"])
def openapi_document() -> Response:
    config: Config = current_app.config["SERVER"]
    root = config.public_url.rstrip("/") + "/" if config.public_url else request.url_root
    body = openapi.document(library(), root)
    return Response(json.dumps(body, ensure_ascii=False, indent=1) + "\n", content_type="application/json")


def describe(query: Query) -> dict:
    """A query as the JSON listing gives it (and as the query editor offers it as an example)."""
    examples = query.example_values()
    return {
        "name": query.name,
        "summary": query.summary,
        "description": query.description,
        "tags": list(query.tags),
        "params": [{"name": p.name, "type": p.type, "required": p.required, "description": p.description,
                    "example": p.example, **({"default": p.default} if p.default is not None else {})}
                   for p in query.params],
        "variables": list(query.variables),
        "url": f"queries/{query.name}",
        "text_url": f"queries/{query.name}.rq",
        "example_url": f"queries/{query.name}" + (f"?{urlencode(examples)}" if examples else ""),
        "query": query.body,
        "example_query": query.example_query(),
    }


def _params() -> list[tuple[str, str]]:
    config: Config = current_app.config["SERVER"]
    if len(request.query_string) > config.max_request_bytes:
        raise UriTooLong(f"the query string has {len(request.query_string)} bytes, over the limit of "
                         f"{config.max_request_bytes}")
    return protocol.parse_form(request.query_string, "the URL")


def _listing_format(format_param: str | None) -> str:
    return conneg.choose("/queries", format_param, request.headers.get("Accept"), LISTING_TYPES, "json")


def _text(query: Query) -> Response:
    response = Response(query.text, content_type=SPARQL_QUERY + "; charset=utf-8")
    response.headers["Content-Disposition"] = f'inline; filename="{query.name}.rq"'
    return response


def _page(query: Query, pairs: list[tuple[str, str]]) -> Response:
    """The query's page for a person: its form, and its answer as a table once the required parameters are given."""
    given = {key: value for key, value in pairs if value != ""}
    ready = all(p.name in given for p in query.params if p.required)
    bindings = query_library.bind(query, list(given.items())) if ready else None
    response = Response(html_pages.page(query, given, bindings), content_type="text/html; charset=utf-8")
    response.vary.add("Accept")
    return response
