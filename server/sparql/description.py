"""The SPARQL 1.1 Service Description (https://www.w3.org/TR/sparql11-service-description/), served at GET /sparql.

Besides the SD vocabulary, the limits a client must know are stated with terms of the server's own
namespace (SERVICE_NS), which the description itself defines with a label and a comment: SD has no
terms for a time limit, a row cap or a SERVICE allow-list.
"""
from __future__ import annotations

import pyoxigraph as ox
from flask import Response, current_app, request

from server import conneg
from server.backends import DATASET, Description
from server.config import Config
from server.sparql import functions

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCTERMS = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
SERVICE_NS = "https://w3id.org/ungass-kg/service#"
PREFIXES = {"sd": SD, "void": VOID, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "dcterms": DCTERMS, "dcat": DCAT,
            "formats": conneg.FORMATS_NS, "ukgs": SERVICE_NS}

# Own terms: (local name, range, label, comment).
TERMS = (
    ("queryTimeLimit", XSD + "decimal", "query time limit",
     "Seconds a query may run before the service stops it and answers 503 Service Unavailable."),
    ("resultRowLimit", XSD + "integer", "result row limit",
     "Solutions (SELECT) or triples (CONSTRUCT, DESCRIBE) an answer holds at most. A longer result is cut "
     "to this many and the response says so in the headers X-Result-Truncated: true and X-Row-Limit."),
    ("maxRequestBytes", XSD + "integer", "maximum request size",
     "Bytes a POST body (413 above it) or a GET query string (414 above it) may have."),
    ("allowedServiceEndpoint", RDFS + "Resource", "allowed SERVICE endpoint",
     "A remote endpoint that queries may call with SERVICE; a SERVICE to any other IRI is refused (403) "
     "before the query runs."),
)


GRAPH_STORE_SPEC = "https://www.w3.org/TR/sparql11-http-rdf-update/"


def endpoint_url(path: str = "sparql") -> str:
    config: Config = current_app.config["SERVER"]
    return (config.public_url.rstrip("/") + "/" if config.public_url else request.url_root) + path


def graph_store(store: str, sparql: str) -> list[ox.Triple]:
    """The Graph Store Protocol's read side at `store` (server.sparql.graphstore), as a DCAT data service."""
    node, dataset = ox.NamedNode(store), ox.NamedNode(DATASET)
    return [ox.Triple(ox.NamedNode(sparql), ox.NamedNode(RDFS + "seeAlso"), node)] + [
        ox.Triple(node, ox.NamedNode(p), o) for p, o in (
            (RDF + "type", ox.NamedNode(DCAT + "DataService")),
            (DCTERMS + "title", ox.Literal("SPARQL 1.1 Graph Store HTTP Protocol, read side", language="en")),
            (DCTERMS + "description", ox.Literal(
                "GET or HEAD ?graph=IRI answers a named graph whole, ?default the default graph (the union); "
                "every RDF format by content negotiation. Read-only: writes get 405.", language="en")),
            (DCTERMS + "conformsTo", ox.NamedNode(GRAPH_STORE_SPEC)),
            (DCAT + "endpointURL", node),
            (DCAT + "endpointDescription", node),
            (DCAT + "servesDataset", dataset),
        )]


def service_response(formats: tuple[str, ...]) -> Response:
    fmt = conneg.negotiate("description", request.headers.get("Accept"), formats)
    config: Config = current_app.config["SERVER"]
    triples = service_description(endpoint_url(), current_app.extensions["backend"].describe(), config)
    triples += graph_store(endpoint_url("store"), endpoint_url())
    return rdf_response(triples, fmt)


def rdf_response(triples: list[ox.Triple], fmt: conneg.Format, prefixes: dict[str, str] = PREFIXES) -> Response:
    rdf_format = ox.RdfFormat.from_media_type(fmt.media_type)
    prefixes = prefixes if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    response = Response(ox.serialize(triples, format=rdf_format, prefixes=prefixes), content_type=fmt.content_type)
    response.vary.add("Accept")
    return response


def service_description(endpoint: str, description: Description, config: Config) -> list[ox.Triple]:
    service, dataset = ox.NamedNode(endpoint), ox.NamedNode(DATASET)
    out: list[ox.Triple] = []

    def add(subject, predicate: str, obj) -> None:
        out.append(ox.Triple(subject, ox.NamedNode(predicate), obj))

    add(service, RDF + "type", ox.NamedNode(SD + "Service"))
    add(service, SD + "endpoint", service)
    add(service, SD + "supportedLanguage", ox.NamedNode(SD + "SPARQL11Query"))
    what = "Read-only SPARQL 1.1 Protocol endpoint of the UNGASS knowledge graph."
    if description.union_default_graph:
        what += " The default graph is the union of all named graphs; every named graph is also available to GRAPH."
    add(service, DCTERMS + "description", ox.Literal(what, language="en"))
    formats = {f.w3c for offers in (conneg.OFFERS["solutions"], conneg.OFFERS["graph"]) for f in offers}
    for name in sorted(formats):
        add(service, SD + "resultFormat", ox.NamedNode(conneg.FORMATS_NS + name))
    if description.union_default_graph:
        add(service, SD + "feature", ox.NamedNode(SD + "UnionDefaultGraph"))
    if config.service_allow_list:
        add(service, SD + "feature", ox.NamedNode(SD + "BasicFederatedQuery"))
    for iri in config.service_allow_list:
        add(service, SERVICE_NS + "allowedServiceEndpoint", ox.NamedNode(iri))
    add(service, SD + "defaultEntailmentRegime", ox.NamedNode("http://www.w3.org/ns/entailment/Simple"))
    for iri in functions.FUNCTIONS:
        add(service, SD + "extensionFunction", ox.NamedNode(iri))
        add(ox.NamedNode(iri), RDF + "type", ox.NamedNode(SD + "Function"))
    seconds = ox.Literal(f"{config.time_limit:g}", datatype=ox.NamedNode(XSD + "decimal"))
    add(service, SERVICE_NS + "queryTimeLimit", seconds)
    if config.row_limit:
        add(service, SERVICE_NS + "resultRowLimit", _integer(config.row_limit))
    add(service, SERVICE_NS + "maxRequestBytes", _integer(config.max_request_bytes))
    out += vocabulary()

    add(service, SD + "defaultDataset", dataset)
    add(dataset, RDF + "type", ox.NamedNode(SD + "Dataset"))
    default_graph = ox.BlankNode("defaultGraph")
    add(dataset, SD + "defaultGraph", default_graph)
    add(default_graph, RDF + "type", ox.NamedNode(SD + "Graph"))
    if description.triples is not None:
        add(default_graph, VOID + "triples", _integer(description.triples))
    for number, (iri, triples) in enumerate(sorted(description.graphs.items()), start=1):
        named, graph = ox.BlankNode(f"namedGraph{number}"), ox.BlankNode(f"graph{number}")
        add(dataset, SD + "namedGraph", named)
        add(named, RDF + "type", ox.NamedNode(SD + "NamedGraph"))
        add(named, SD + "name", ox.NamedNode(iri))
        add(named, SD + "graph", graph)
        add(graph, RDF + "type", ox.NamedNode(SD + "Graph"))
        if triples is not None:
            add(graph, VOID + "triples", _integer(triples))
    return out


def vocabulary() -> list[ox.Triple]:
    """The definitions of the service's own terms: in every service description, and at SERVICE_NS itself."""
    out = []
    for name, range_, label, comment in TERMS:
        term = ox.NamedNode(SERVICE_NS + name)
        out += [ox.Triple(term, ox.NamedNode(p), o) for p, o in (
            (RDF + "type", ox.NamedNode(RDF + "Property")),
            (RDFS + "label", ox.Literal(label, language="en")),
            (RDFS + "comment", ox.Literal(comment, language="en")),
            (RDFS + "domain", ox.NamedNode(SD + "Service")),
            (RDFS + "range", ox.NamedNode(range_)),
            (RDFS + "isDefinedBy", ox.NamedNode(SERVICE_NS.rstrip("#"))),
        )]
    return out


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
