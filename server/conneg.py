"""Content negotiation of result formats: Accept with q-values (RFC 9110 §12.5.1) and a `format=` override.

SPARQL 1.1 Protocol §2.1.5 leaves the formats to the Query Results and RDF specs; these are the ones
pyoxigraph serializes. Each kind of answer has its own list, in the server's order of preference,
which decides ties and answers `*/*` (and a request with no Accept at all).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from server.errors import NotAcceptable

FORMATS_NS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class Format:
    name: str  # the short name accepted by format=
    media_type: str
    aliases: tuple[str, ...] = ()  # other media types a client may ask for it by
    w3c: str = ""  # its IRI in http://www.w3.org/ns/formats/, for the service description

    @property
    def content_type(self) -> str:
        return self.media_type + ("; charset=utf-8" if self.media_type.startswith("text/") else "")


JSON = Format("json", "application/sparql-results+json", ("application/json",), "SPARQL_Results_JSON")
XML = Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml"), "SPARQL_Results_XML")
CSV = Format("csv", "text/csv", (), "SPARQL_Results_CSV")
TSV = Format("tsv", "text/tab-separated-values", (), "SPARQL_Results_TSV")
TURTLE = Format("turtle", "text/turtle", ("application/x-turtle",), "Turtle")
NTRIPLES = Format("ntriples", "application/n-triples", (), "N-Triples")
JSONLD = Format("jsonld", "application/ld+json", ("application/json",), "JSON-LD")
RDFXML = Format("rdfxml", "application/rdf+xml", ("application/xml", "text/xml"), "RDF_XML")
NQUADS = Format("nquads", "application/n-quads", (), "N-Quads")
TRIG = Format("trig", "application/trig", (), "TriG")

OFFERS: dict[str, tuple[Format, ...]] = {
    "solutions": (JSON, XML, CSV, TSV),
    "boolean": (JSON, XML, CSV, TSV),
    "graph": (TURTLE, NTRIPLES, JSONLD, RDFXML, NQUADS, TRIG),
    # Descriptions of the service and the dataset: triples, in the formats a linked-data client reads.
    "description": (TURTLE, JSONLD, RDFXML, NTRIPLES),
}
# format= names that mean the kind's own variant: json of a graph is JSON-LD, xml of a graph RDF/XML.
_FORMAT_ALIASES = {"graph": {"json": JSONLD, "xml": RDFXML}, "description": {"json": JSONLD, "xml": RDFXML}}


@lru_cache(maxsize=1024)  # a pure function of short strings; clients repeat their Accept header (measured: bench/serving.py)
def negotiate(kind: str, accept: str | None, format_param: str | None = None) -> Format:
    """The format to answer a `kind` of result in; NotAcceptable (406) listing the offers when none fits."""
    offers = OFFERS[kind]
    if format_param is not None:
        wanted = format_param.strip().lower()
        for fmt in offers:
            if wanted in (fmt.name, fmt.media_type, *fmt.aliases):
                return fmt
        if wanted in _FORMAT_ALIASES.get(kind, {}):
            return _FORMAT_ALIASES[kind][wanted]
        raise NotAcceptable(f"format={format_param!r} is not offered for this {_what(kind)}; {offered(kind)}")
    if not accept or not accept.strip():
        return offers[0]
    best = best_offer(accept, offers)
    if best is None:
        raise NotAcceptable(f"no format in Accept: {accept} is offered for this {_what(kind)}; {offered(kind)}")
    return best


def best_offer(accept: str, offers) -> Format | None:
    """The offer an Accept header prefers (RFC 9110 §12.5.1, q-values), or None when none fits."""
    # Primary media types first, so that a wildcard (text/*) never lands on an alias (text/xml).
    by_type = {fmt.media_type: fmt for fmt in offers}
    for fmt in offers:
        for alias in fmt.aliases:
            by_type.setdefault(alias, fmt)
    best = parse_accept_header(accept, MIMEAccept).best_match(list(by_type))
    return None if best is None else by_type[best]


def offered(kind: str) -> str:
    return "offered: " + ", ".join(f"{f.media_type} (format={f.name})" for f in OFFERS[kind])


def _what(kind: str) -> str:
    return {"solutions": "SELECT result", "boolean": "ASK result", "graph": "CONSTRUCT/DESCRIBE result",
            "description": "description"}[kind]
