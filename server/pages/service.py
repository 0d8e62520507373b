"""The SPARQL endpoint's service description (/sparql), the VoID description (/.well-known/void) and the Graph
Store's description (/store, no graph named) as pages for people.

A browser that asks for HTML (text/html in Accept, at least as wanted as any RDF format; no `query=`
or `format=`) gets a page: what the endpoint is, how to query it, the description rendered as tables
with labels and links, the editor one click away. Every other client gets the RDF of
server.sparql.description and server.sparql.void as before, by the same negotiation: `*/*`, no Accept,
or an RDF type keep their formats.
"""
from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from server import conneg
from server.backends import DATASET
from server.config import Config
from server.pages.browse import classes
from server.pages.resource import properties
from server.pages.terms import Labels, Links
from server.sparql import description
from server.sparql import void as sparql_void

blueprint = Blueprint("service", __name__)
PAGES = {"/sparql": "endpoint", "/.well-known/void": "void", "/store": "store"}


def wants_html(offers: tuple[conneg.Format, ...] = conneg.OFFERS["description"]) -> bool:
    """text/html named in Accept, with a quality none of the machine formats `offers` beats."""
    accept = parse_accept_header(request.headers.get("Accept"), MIMEAccept)
    html = max((q for value, q in accept if value in ("text/html", "application/xhtml+xml")), default=0)
    rdf = max((accept.quality(fmt.media_type) for fmt in offers), default=0)
    return html > 0 and html >= rdf


@blueprint.before_app_request
def page_for_people() -> Response | None:
    which = PAGES.get(request.path)
    if which is None or request.method != "GET" or set(request.args) & {"query", "format"} or not wants_html():
        return None
    if which == "store" and request.args:
        return None  # a graph named (?graph=, ?default): the graph itself, by the protocol
    backend = current_app.extensions["backend"]
    config: Config = current_app.config["SERVER"]
    endpoint = description.endpoint_url()
    if which == "endpoint":
        triples = description.service_description(endpoint, backend.describe(), config)
        title = "SPARQL endpoint"
    elif which == "store":
        triples = description.graph_store(description.endpoint_url("store"), endpoint)
        title = "Graph Store (read side)"
    else:
        triples = [*sparql_void._parsed(backend.describe().void),
                   ox.Triple(ox.NamedNode(DATASET), ox.NamedNode(description.VOID + "sparqlEndpoint"), ox.NamedNode(endpoint))]
        title = "Dataset description (VoID)"
    labels = Labels(Links())
    labels.add_triples(triples)
    subjects: dict[object, dict] = {}
    for t in triples:
        subjects.setdefault(t.subject, {})[(t.predicate.value, t.object)] = None
    first = {ox.NamedNode(endpoint): 0, ox.NamedNode(DATASET): 1}
    sections = []
    for subject in sorted(subjects, key=lambda s: (first.get(s, 2), isinstance(s, ox.BlankNode), str(s))):
        if which == "void" and isinstance(subject, ox.BlankNode):
            continue  # the class and property partitions: the table of kinds below says it for people
        types, props = properties(subjects[subject], labels)
        for prop in props:
            if prop.iri.startswith(description.SERVICE_NS):
                prop.href = "#" + prop.iri.split("#", 1)[1]  # a term of the description, defined on this page
        for value in (v for p in props for v in p.values):
            if value.iri and labels.links.local_path(value.iri) and value.iri not in labels.names.facts:
                value.href = None  # described here, not in the store (the service, the meta graph): no page

        name = labels(subject.value) if isinstance(subject, ox.NamedNode) else "Details"
        fragment = subject.value.split("#", 1)[1] if isinstance(subject, ox.NamedNode) and "#" in subject.value else ""
        sections.append({"name": name, "iri": subject.value if isinstance(subject, ox.NamedNode) else "", "id": fragment,
                         "types": types, "properties": props})
    body = render_template("service.html", title=title, which=which, endpoint=endpoint, sections=sections,
                           classes=classes(labels) if which == "void" else [])
    response = Response(body, content_type="text/html; charset=utf-8")
    response.vary.add("Accept")
    return response
