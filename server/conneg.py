"""Content negotiation of result formats: Accept with q-values (RFC 9110 §12.5.1) and the format parameters.

SPARQL 1.1 Protocol §2.1.5 leaves the formats to the Query Results and RDF specs; these are the ones
pyoxigraph serializes. Each kind of answer has its own list, in the server's order of preference,
which decides ties and answers `*/*` (and a request with no Accept at all).

Clients also name a format in the URL, under the names peers read (`format` for Virtuoso and
Fuseki, `output` for Fuseki and sparqler, `results`), as a short name (json, ttl, n3, ...) or a media
type; SPARQLWrapper sends all three, sometimes twice with two spellings, and an Accept header too.
Precedence, so that the client gets something it can parse rather than an error:

1. the first format the parameters name that Accept allows (no Accept, or `*/*` alone, allows all);
2. else Accept's best offer (the parameters and Accept disagree: the header is what the client's
   parser was chosen for);
3. else the first format the parameters name (Accept allows nothing offered);
4. else 406, naming what the parameters or Accept asked for and listing the offers.

A parameter value that names no format is ignored when another step decides, refused (406) when none does.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from server.errors import NotAcceptable

FORMATS_NS = "http://www.w3.org/ns/formats/"
FORMAT_PARAMETERS = ("format", "output", "results")  # the URL parameters that name a result format


@dataclass(frozen=True)
class Format:
    name: str  # the short name accepted by format=
    media_type: str
    aliases: tuple[str, ...] = ()  # other media types a client may ask for it by
    w3c: str = ""  # its IRI in http://www.w3.org/ns/formats/, for the service description
    names: tuple[str, ...] = ()  # other short names clients send for it

    @property
    def content_type(self) -> str:
        return self.media_type + ("; charset=utf-8" if self.media_type.startswith("text/") else "")


JSON = Format("json", "application/sparql-results+json",
              ("application/json", "text/javascript", "application/javascript"), "SPARQL_Results_JSON", ("srj",))
XML = Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml"), "SPARQL_Results_XML", ("srx",))
CSV = Format("csv", "text/csv", (), "SPARQL_Results_CSV")
TSV = Format("tsv", "text/tab-separated-values", (), "SPARQL_Results_TSV")
TURTLE = Format("turtle", "text/turtle", ("application/x-turtle", "application/turtle"), "Turtle", ("ttl",))
# N3 is a superset of Turtle: pyoxigraph writes it, labelled text/n3, for clients that ask for N3 only.
N3 = Format("n3", "text/n3", ("text/rdf+n3", "application/n3"), "N3")
NTRIPLES = Format("ntriples", "application/n-triples", ("text/plain",), "N-Triples", ("nt", "n-triples"))
JSONLD = Format("jsonld", "application/ld+json", ("application/json", "application/x-json+ld"), "JSON-LD",
                ("json-ld",))
RDFXML = Format("rdfxml", "application/rdf+xml", ("application/xml", "text/xml"), "RDF_XML",
                ("rdf", "rdf+xml", "rdf/xml", "xml-rdf"))
NQUADS = Format("nquads", "application/n-quads", (), "N-Quads", ("nq", "n-quads"))
TRIG = Format("trig", "application/trig", (), "TriG")

OFFERS: dict[str, tuple[Format, ...]] = {
    "solutions": (JSON, XML, CSV, TSV),
    "boolean": (JSON, XML, CSV, TSV),
    "graph": (TURTLE, NTRIPLES, JSONLD, RDFXML, NQUADS, TRIG, N3),
    # Descriptions of the service and the dataset: triples, in the formats a linked-data client reads.
    "description": (TURTLE, JSONLD, RDFXML, NTRIPLES, N3),
}
# Names that mean the kind's own variant: json of a graph is JSON-LD, xml of a graph RDF/XML.
_KIND_NAMES = {"graph": {"json": JSONLD, "xml": RDFXML}, "description": {"json": JSONLD, "xml": RDFXML}}


def named(kind: str, value: str) -> Format | None:
    """The format of `kind` a format parameter's value names (short name or media type), or None."""
    wanted = value.strip().lower()
    for fmt in OFFERS[kind]:
        if wanted in (fmt.name, *fmt.names, fmt.media_type, *fmt.aliases):
            return fmt
    return _KIND_NAMES.get(kind, {}).get(wanted)


@lru_cache(maxsize=1024)  # a pure function of short strings; clients repeat their Accept header (measured: bench/serving.py)
def negotiate(kind: str, accept: str | None, formats: str | tuple[str, ...] | None = ()) -> Format:
    """The format to answer a `kind` of result in (precedence: this module's docstring); NotAcceptable (406)
    listing the offers when none fits. `formats` are the values of the format parameters, in order."""
    values = (formats,) if isinstance(formats, str) else tuple(formats or ())
    values = tuple(v for v in values if v.strip())
    wanted = [fmt for fmt in (named(kind, value) for value in values) if fmt is not None]
    parsed = parse_accept_header(accept, MIMEAccept) if accept and accept.strip() else None
    if parsed is not None and all(value == "*/*" for value, _ in parsed):
        parsed = None  # */* alone states no preference (requests and curl send it by default)
    for fmt in wanted:
        if parsed is None or allows(parsed, fmt):
            return fmt
    if parsed is not None and (best := best_offer(parsed, OFFERS[kind])) is not None:
        return best
    if wanted:
        return wanted[0]
    if values:
        asked = " and ".join(f"format={value!r}" for value in values)
        raise NotAcceptable(f"{asked} names no format offered for this {_what(kind)}"
                            + (f" (nor does Accept: {accept})" if parsed is not None else "") + f"; {offered(kind)}")
    if parsed is None:
        return OFFERS[kind][0]
    raise NotAcceptable(f"no format in Accept: {accept} is offered for this {_what(kind)}; {offered(kind)}")


def allows(accept: MIMEAccept, fmt: Format) -> bool:
    """Whether an Accept header admits `fmt` (by its media type or an alias, wildcards included)."""
    return any(accept.quality(media_type) > 0 for media_type in (fmt.media_type, *fmt.aliases))


def best_offer(accept: str | MIMEAccept, offers) -> Format | None:
    """The offer an Accept header prefers (RFC 9110 §12.5.1, q-values), or None when none fits."""
    if isinstance(accept, str):
        accept = parse_accept_header(accept, MIMEAccept)
    # Primary media types first, so that a wildcard (text/*) never lands on an alias (text/xml).
    by_type = {fmt.media_type: fmt for fmt in offers}
    for fmt in offers:
        for alias in fmt.aliases:
            by_type.setdefault(alias, fmt)
    best = accept.best_match(list(by_type))
    return None if best is None else by_type[best]


def choose(where: str, format_param: str | None, accept: str | None, offers: dict[str, str], default: str) -> str:
    """The name of the offer (name -> media type) a page-like route answers in: `format=` (a name or a media
    type) first, else the best of Accept, else `default`; NotAcceptable (406) naming what is offered."""
    if format_param is not None:
        wanted = format_param.strip().lower()
        for name, media_type in offers.items():
            if wanted in (name, media_type):
                return name
        raise NotAcceptable(f"format={format_param!r} is not offered for {where}; offered: {', '.join(offers)}")
    if not accept or not accept.strip():
        return default
    best = parse_accept_header(accept, MIMEAccept).best_match(list(offers.values()))
    if best is None:
        raise NotAcceptable(f"no format in Accept: {accept} is offered for {where}; offered: "
                            + ", ".join(f"{media_type} (format={name})" for name, media_type in offers.items()))
    return next(name for name, media_type in offers.items() if media_type == best)


def offered(kind: str) -> str:
    return "offered: " + ", ".join(f"{f.media_type} (format={f.name})" for f in OFFERS[kind])


def _what(kind: str) -> str:
    return {"solutions": "SELECT result", "boolean": "ASK result", "graph": "CONSTRUCT/DESCRIBE result",
            "description": "description"}[kind]
