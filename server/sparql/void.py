"""The dataset's VoID description (https://www.w3.org/TR/void/) at /.well-known/void (VoID §7.2), and /service,
the document of the service's own terms (server.sparql.description.SERVICE_NS), so that their IRIs dereference.

The statistics, subsets, licence and distributions are the loader's, read from its meta graph once
when the backend starts; this adds only what the loader cannot know: the endpoint's own URL.
"""
from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from server import caching, conneg
from server.backends import DATASET
from server.sparql import description, protocol

blueprint = Blueprint("void", __name__)
PREFIXES = {"void": description.VOID, "dcat": description.DCAT, "dcterms": description.DCTERMS,
            "rdf": description.RDF, "xsd": description.XSD}


@blueprint.route("/.well-known/void", methods=["GET"])
def void() -> Response:
    formats = protocol.format_values(protocol.parse_form(request.query_string, "the URL"))
    fmt = conneg.negotiate("description", request.headers.get("Accept"), formats)
    return caching.respond(lambda: _void(fmt), "void", description.endpoint_url(), fmt.media_type)


def _void(fmt: conneg.Format) -> Response:
    triples = [*_parsed(current_app.extensions["backend"].describe().void),
               ox.Triple(ox.NamedNode(DATASET), ox.NamedNode(description.VOID + "sparqlEndpoint"),
                         ox.NamedNode(description.endpoint_url())),
               *description.graph_store(description.endpoint_url("store"), description.endpoint_url())]
    return description.rdf_response(triples, fmt, PREFIXES)


@lru_cache(maxsize=4)
def _parsed(ntriples: bytes) -> tuple[ox.Triple, ...]:
    return tuple(quad.triple for quad in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))


@blueprint.route("/service", methods=["GET"])
def service_terms() -> Response:
    formats = protocol.format_values(protocol.parse_form(request.query_string, "the URL"))
    fmt = conneg.negotiate("description", request.headers.get("Accept"), formats)
    return caching.respond(lambda: description.rdf_response(description.vocabulary(), fmt), "service", fmt.media_type)
