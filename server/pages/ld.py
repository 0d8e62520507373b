"""Dereferencing the dataset's IRIs (W3C Cool URIs for the Semantic Web, https://www.w3.org/TR/cooluris/).

The canonical base (Config.base_iri, https://w3id.org/ungass-kg/) is mapped onto this server's paths:
`/id/…` answers for `<base>id/…`, `/ont` for the ontology. Two policies, as Cool URIs §4 describes:
- slash IRIs of things (`/id/…`, `/graph/…`) answer `303 See Other` to a document about the thing
  chosen by content negotiation: `/page/id/…` (HTML) or `/data/id/….ttl|.jsonld|.nt|.rdf` (§4.3);
- hash IRIs (`/ont#Term`, `/dataset#…`, `/shapes#…`) are served by their document (`/ont`, …),
  which answers `200` in the negotiated format (§4.2), with `Content-Location` naming the variant.
Every answer carries `Vary: Accept` and `Link: rel="alternate"` to the other formats; `format=`
overrides Accept. An IRI the graph does not know answers 404 naming it; an Accept nothing fits, 406.
Documents carry a build-scoped ETag and are kept by the server like query answers (server.caching):
the store does not change under a build, so neither does a page.
"""
from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, redirect, request

from server import caching, conneg, errors
from server.errors import EndpointError, NotAcceptable, NotFound
from server.pages import queries as pages_queries
from server.pages import resource as pages
from server.pages.error import page as error_page
from server.pages.terms import PREFIXES, Links, base

blueprint = Blueprint("ld", __name__)

HTML = conneg.Format("html", "text/html", ("application/xhtml+xml",))
# Offered in this order: a request with no Accept, or */*, gets HTML (a person's browser sends text/html
# anyway; a client that wants RDF says so).
OFFERS = (HTML, conneg.TURTLE, conneg.JSONLD, conneg.NTRIPLES, conneg.RDFXML)
EXTENSIONS = {"ttl": conneg.TURTLE, "jsonld": conneg.JSONLD, "nt": conneg.NTRIPLES, "rdf": conneg.RDFXML}
SUFFIX = {fmt.name: ext for ext, fmt in EXTENSIONS.items()}
HASH_DOCUMENTS = ("ont", "dataset", "shapes")
IN_DATASET = ox.NamedNode("http://rdfs.org/ns/void#inDataset")
DATASET = ox.NamedNode("https://w3id.org/ungass-kg/dataset")  # served directly: their terms are <document#name>


def local_path(iri: str) -> str | None:
    """This server's path for a canonical IRI under the base (with its #fragment), or None."""
    return Links().local_path(iri)


def negotiate(accept: str | None, format_param: str | None) -> conneg.Format:
    if format_param is not None:
        wanted = format_param.strip().lower()
        for fmt in OFFERS:
            if wanted in (fmt.name, fmt.media_type, *fmt.aliases, SUFFIX.get(fmt.name)):
                return fmt
        raise NotAcceptable(f"format={format_param!r} is not offered for a resource; {offered()}")
    if not accept or not accept.strip():
        return OFFERS[0]
    best = conneg.best_offer(accept, OFFERS)
    if best is None:
        raise NotAcceptable(f"no format in Accept: {accept} is offered for a resource; {offered()}")
    return best


def offered() -> str:
    return "offered: " + ", ".join(f"{f.media_type} (format={f.name})" for f in OFFERS)


def _format_param() -> str | None:
    values = request.args.getlist("format")
    if len(values) > 1:
        raise errors.BadParameter(f"format= is given {len(values)} times; give it once")
    return values[0] if values else None


def _variants(path: str) -> dict[conneg.Format, str]:
    """The URL of each document about the thing at `path` (/id/…)."""
    if path.lstrip("/").split("/")[0] in HASH_DOCUMENTS:
        return {fmt: f"{path}?format={fmt.name}" for fmt in OFFERS}
    return {HTML: "/page" + path, **{fmt: f"/data{path}.{ext}" for ext, fmt in EXTENSIONS.items()}}


def _link_header(variants: dict[conneg.Format, str], current: conneg.Format | None) -> str:
    return ", ".join(f'<{url}>; rel="alternate"; type="{fmt.media_type}"'
                     for fmt, url in variants.items() if fmt is not current)


def describe(iri: str) -> list[ox.Triple]:
    """The description served for `iri`: a hash document's includes the terms named by its fragments."""
    name = "describe-document" if local_path(iri).lstrip("/") in HASH_DOCUMENTS else "describe"
    return pages_queries.triples(name, this=ox.NamedNode(iri))


def _known(iri: str, description: list[ox.Triple] | None = None) -> None:
    """Raise NotFound unless a triple names `iri` (its description, when at hand, says so for most)."""
    if not description and not pages_queries.rows("known", this=ox.NamedNode(iri)):
        raise _unknown(iri)


def _unknown(iri: str) -> NotFound:
    return NotFound(f"<{iri}> is not in the graph (served here at {local_path(iri)})")


def _alternates(variants: dict[conneg.Format, str]) -> list[tuple[str, str]]:
    """The other formats of a page, for its `<link rel="alternate">` and "Also as" links."""
    return [(fmt.media_type, url) for fmt, url in variants.items() if fmt is not HTML]


def _iri(path: str) -> str:
    iri = base() + path.lstrip("/")
    try:
        ox.NamedNode(iri)
    except ValueError as error:
        raise NotFound(f"{path!r} does not make an IRI under {base()}: {error}") from None
    return iri


@blueprint.route("/id/<path:rest>", methods=["GET"])
@blueprint.route("/graph/<path:rest>", methods=["GET"])
def thing(rest: str) -> Response:
    """A slash IRI: 303 to the document in the negotiated format."""
    path = request.path
    iri = _iri(path)
    fmt = negotiate(request.headers.get("Accept"), _format_param())
    _known(iri)
    variants = _variants(path)
    response = redirect(variants[fmt], code=303)
    response.headers["Link"] = _link_header(variants, None)
    response.vary.add("Accept")
    return response


@blueprint.route("/ont/<version>", methods=["GET"])
def ontology_version(version: str) -> Response:
    """A version IRI of the ontology (owl:versionIRI): 303 to the ontology, which is that version."""
    iri = _iri(request.path)
    _known(iri, [])
    response = redirect("/ont", code=303)
    response.vary.add("Accept")
    return response


@blueprint.route("/page/<path:rest>", methods=["GET"])
def page(rest: str) -> Response:
    path = "/" + rest
    iri = _iri(path)
    variants = _variants(path)

    def answer() -> Response:
        body = pages.resource_page(iri, _alternates(variants))
        if body is None:
            raise _unknown(iri)
        response = Response(body, content_type="text/html; charset=utf-8")
        response.headers["Link"] = _link_header(variants, HTML)
        return response

    return caching.respond(answer, "page", request.host_url, path, HTML.media_type)


@blueprint.route("/data/<path:rest>", methods=["GET"])
def data(rest: str) -> Response:
    stem, _, ext = rest.rpartition(".")
    if ext not in EXTENSIONS or not stem:
        raise NotFound(f"/data/{rest}: a data document ends in one of "
                       + ", ".join(f".{e}" for e in EXTENSIONS))
    path = "/" + stem
    iri = _iri(path)

    def answer() -> Response:
        description = describe(iri)
        _known(iri, description)
        response = _rdf(description, EXTENSIONS[ext], iri)
        response.headers["Link"] = _link_header(_variants(path), EXTENSIONS[ext])
        return response

    return caching.respond(answer, "data", request.host_url, rest)


def _rdf(triples: list[ox.Triple], fmt: conneg.Format, iri: str) -> Response:
    """The document in `fmt`, saying which dataset the resource is in (VoID §6.2, void:inDataset)."""
    triples = [*triples, ox.Triple(ox.NamedNode(iri), IN_DATASET, DATASET)]
    rdf_format = ox.RdfFormat.from_media_type(fmt.media_type)
    prefixes = PREFIXES if rdf_format == ox.RdfFormat.TURTLE else None
    return Response(ox.serialize(triples, format=rdf_format, prefixes=prefixes), content_type=fmt.content_type)


@blueprint.route("/ont", methods=["GET"])
@blueprint.route("/dataset", methods=["GET"])
@blueprint.route("/shapes", methods=["GET"])
def hash_document() -> Response:
    """A document whose terms are hash IRIs: 200 in the negotiated format."""
    path = request.path
    iri = _iri(path)
    fmt = negotiate(request.headers.get("Accept"), _format_param())

    def answer() -> Response:
        description = describe(iri)
        _known(iri, description)
        variants = _variants(path)
        if fmt is HTML:
            body = (pages.ontology_page(iri, description) if path == "/ont"
                    else pages.resource_page(iri, _alternates(variants), description))
            response = Response(body, content_type="text/html; charset=utf-8")
        else:
            response = _rdf(description, fmt, iri)
        response.headers["Content-Location"] = variants[fmt]
        response.headers["Link"] = _link_header(variants, fmt)
        response.vary.add("Accept")
        return response

    return caching.respond(answer, "document", request.host_url, path, fmt.media_type)


blueprint.register_error_handler(EndpointError, error_page)  # a page for a browser (server.pages.error)
