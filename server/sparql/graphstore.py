"""/store: the read side of the SPARQL 1.1 Graph Store HTTP Protocol (https://www.w3.org/TR/sparql11-http-rdf-update/).

`GET /store?graph=IRI` answers one named graph whole (each data file is one, README), `GET /store?default`
the default graph, which here is the union of all named graphs (as at /sparql); HEAD answers the same
headers; `GET /store` alone describes the service (a dcat:DataService, its dcat:endpointDescription). The format is negotiated like a CONSTRUCT answer (server.conneg: Accept and the format
parameters), the answer is one through the same backend, with the same ETag and row cap. This endpoint
is read-only: PUT, POST, DELETE and PATCH are refused with 405 and `Allow` (§5.3 to §5.6 are the write side).
"""
from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import MethodNotAllowed

from server import caching, conneg
from server.backends import QueryJob
from server.config import Config
from server.errors import BadParameter, NotFound
from server.sparql import description, endpoint, protocol

blueprint = Blueprint("graphstore", __name__)
SPEC = "https://www.w3.org/TR/sparql11-http-rdf-update/"
READS = ("GET", "HEAD", "OPTIONS")
WRITES = ("PUT", "POST", "DELETE", "PATCH")
GRAPH = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?graph { ?s ?p ?o } }"
DEFAULT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


@blueprint.route("/store", methods=["GET", "OPTIONS"], provide_automatic_options=False)
def read() -> Response:
    if request.method == "OPTIONS":
        return Response(status=200, headers={"Allow": ", ".join(READS)})
    config: Config = current_app.config["SERVER"]
    params = protocol.url_params(request, config.max_request_bytes)
    if all(name in conneg.FORMAT_PARAMETERS for name, _ in params):  # no graph named: what this service is
        fmt = conneg.negotiate("description", request.headers.get("Accept"), protocol.format_values(params))
        return description.rdf_response(description.graph_store(description.endpoint_url("store"),
                                                                description.endpoint_url()), fmt)
    graph = _graph(params)
    fmt = conneg.negotiate("graph", request.headers.get("Accept"), protocol.format_values(params))
    if graph is None:
        job = QueryJob(text=DEFAULT, kind="graph", media_type=fmt.media_type)
    else:
        known = current_app.extensions["backend"].describe().graphs
        if known and graph not in known:
            raise NotFound(f"no graph <{graph}> in this store; GET /sparql lists the named graphs")
        job = QueryJob(text=GRAPH, kind="graph", media_type=fmt.media_type,
                       substitutions=(("graph", ox.NamedNode(graph)),))
    return caching.respond(lambda: endpoint.answer(job, fmt, config), "store", graph, fmt.media_type)


@blueprint.route("/store", methods=list(WRITES), provide_automatic_options=False)
def write() -> Response:
    raise MethodNotAllowed(valid_methods=list(READS), description=(
        f"{request.method} is the Graph Store Protocol's write side ({SPEC}); this store is read-only: "
        "GET or HEAD /store?graph=IRI (or ?default) reads a graph"))


def _graph(params: list[tuple[str, str]]) -> str | None:
    """The graph IRI `graph=` names, or None for `default`; exactly one of the two (Graph Store Protocol §4.2)."""
    graphs = list(dict.fromkeys(value for name, value in params if name == "graph"))
    default = any(name == "default" for name, _ in params)
    unknown = sorted({name for name, _ in params if name not in ("graph", "default", *conneg.FORMAT_PARAMETERS)})
    if unknown:
        raise BadParameter(f"/store takes graph=IRI or default, and a format; not {', '.join(unknown)}")
    if len(graphs) + default != 1:
        raise BadParameter("/store needs exactly one of graph=IRI (a named graph) or default (the default graph)"
                           + (f"; got {len(graphs)} graph= and {'a' if default else 'no'} default" if params else ""))
    if default:
        return None
    try:
        ox.NamedNode(graphs[0])
    except ValueError as error:
        raise BadParameter(f"graph={graphs[0]!r} is not an absolute IRI: {error}") from None
    return graphs[0]
