"""How a page shows an RDF term: where its link goes, its short name (a CURIE), its label (W3C Cool URIs §4).

An IRI under the dataset's base (Config.base_iri) is served at the same path here, so a page links to
its local path; any other IRI is linked as it is. The linked-data routes (server.pages.ld) and every page
(server.pages.resource, server.pages.sections, server.pages.home) use this module, which uses none of them.
"""
from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from flask import current_app
from markupsafe import escape

from server.config import Config
from server.pages import names as pages_names
from server.pages.names import Name

PREFIXES = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "owl": "http://www.w3.org/2002/07/owl#", "xsd": "http://www.w3.org/2001/XMLSchema#",
            "skos": "http://www.w3.org/2004/02/skos/core#", "dcterms": "http://purl.org/dc/terms/",
            "eli": "http://data.europa.eu/eli/ontology#", "prov": "http://www.w3.org/ns/prov#",
            "org": "http://www.w3.org/ns/org#", "schema": "https://schema.org/", "foaf": "http://xmlns.com/foaf/0.1/",
            "cito": "http://purl.org/spar/cito/", "void": "http://rdfs.org/ns/void#", "dcat": "http://www.w3.org/ns/dcat#",
            "sh": "http://www.w3.org/ns/shacl#", "ukg": "https://w3id.org/ungass-kg/ont#",
            "sd": "http://www.w3.org/ns/sparql-service-description#", "formats": "http://www.w3.org/ns/formats/",
            "vann": "http://purl.org/vocab/vann/"}
# The label predicates, best first (queries/pages/page.rq and labels.rq ask for the same ones).
LABELS = {predicate: rank for rank, predicate in enumerate(
    (PREFIXES["skos"] + "prefLabel", PREFIXES["rdfs"] + "label", PREFIXES["schema"] + "name",
     PREFIXES["dcterms"] + "title", PREFIXES["foaf"] + "name"))}


def base() -> str:
    config: Config = current_app.config["SERVER"]
    return config.base_iri


class Links:
    """Links and short names of IRIs for one page, with the base read once (a page links to hundreds of IRIs)."""

    def __init__(self) -> None:
        self.base = base()
        self._ids = self.base + "id/"
        self._curies: dict[str, str] = {}

    def local_path(self, iri: str) -> str | None:
        """This server's path for a canonical IRI under the base (with its #fragment), or None."""
        return "/" + iri[len(self.base):] if iri.startswith(self.base) else None

    def href(self, iri: str) -> str:
        """Where a link to `iri` goes: its path here if it is under the base, else the IRI itself."""
        return "/" + iri[len(self.base):] if iri.startswith(self.base) else iri

    def curie(self, iri: str) -> str:
        """A dataset IRI by its last two path segments (`org unodc`), else `prefix:name` in a known namespace."""
        short = self._curies.get(iri)
        if short is None:
            short = self._curies[iri] = self._shorten(iri)
        return short

    def _shorten(self, iri: str) -> str:
        if iri.startswith(self._ids):  # no namespace of PREFIXES is under <base>id/
            parts = iri[len(self._ids):].split("/")
            return " ".join(parts[-2:]) if len(parts) > 1 else parts[0]
        for prefix, namespace in PREFIXES.items():
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace):]}"
        return iri[len(self.base):] if iri.startswith(self.base) else iri


class Labels:
    """The display name of each IRI (server.pages.names, the one naming rule), for one page.

    A label a page query brought (`add`) names only what the build's names do not know: a term of
    another vocabulary; an IRI nothing names keeps its prefixed name.
    """

    def __init__(self, links: Links) -> None:
        self.links = links
        self.names = pages_names.current()
        self.found: dict[str, tuple[int, str]] = {}

    def add(self, iri: str, predicate: str, literal: ox.Literal) -> None:
        rank = LABELS.get(predicate)
        if rank is None:
            return
        rank = rank * 2 + (0 if literal.language in ("en", None) else 1)
        found = self.found.get(iri)
        if found is None or rank < found[0]:
            self.found[iri] = (rank, literal.value)

    def add_triples(self, triples: list[ox.Triple]) -> None:
        for t in triples:
            if isinstance(t.object, ox.Literal):
                if isinstance(t.subject, ox.NamedNode):
                    self.add(t.subject.value, t.predicate.value, t.object)
                elif isinstance(t.subject, ox.BlankNode):
                    self.add("_:" + t.subject.value, t.predicate.value, t.object)

    def __call__(self, iri: str) -> Name:
        name = self.names(iri)
        if name is not None:
            return name
        found = self.found.get(iri)
        return Name(found[1]) if found is not None else Name(self.links.curie(iri))

    def short(self, iri: str) -> str:
        """A short name ("Chapter III", a document's symbol), for pictures and tight places."""
        return self.names.short(iri) or self(iri)


@dataclass
class Value:
    """A term as a page shows it: text, the link and IRI of a resource, a literal's language or datatype."""

    text: str
    href: str | None = None
    iri: str | None = None
    note: str = ""
    lang: str = ""  # of a label or literal not in English: written as `lang` (and `dir` for Arabic)

    def __html__(self) -> str:
        """What `{{ value }}` writes in a template: a link to a resource, or a literal, then its note.

        Here rather than a Jinja macro because a page shows hundreds of values, and a macro call costs
        the template engine about ten times this method's escaping.
        """
        text = escape(str(self.text))
        lang = Name("", self.lang or getattr(self.text, "lang", "")).attributes()
        if self.href and safe_href(self.href):
            shown = f'<a href="{escape(self.href)}" title="{escape(self.iri or "")}"{lang}>{text}</a>'
        else:
            shown = f'<span class="literal"{lang}>{text}</span>'

        return (shown + f' <small class="note">{escape(self.note)}</small>') if self.note else shown


def safe_href(href: str) -> bool:
    """Only http(s) IRIs and this site's own paths become links: never `javascript:`, `data:`, `mailto:`…"""
    lowered = href.strip().lower()
    return lowered.startswith(("http://", "https://")) or (lowered.startswith("/") and not lowered.startswith("//"))


def text_of(term: ox.Literal | None) -> str:
    """An optional literal's text ("" where the query left it unbound)."""
    return term.value if term is not None else ""


def number_key(term: ox.Literal | None) -> tuple[int, int]:
    """A sort key for an optional integer literal: unbound first, where SPARQL's ORDER BY puts it."""
    return (0, 0) if term is None else (1, int(term.value))


def value(term, labels: Labels) -> Value:
    if isinstance(term, ox.NamedNode):
        return Value(labels(term.value), labels.links.href(term.value), term.value)
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        note = term.language or ("" if datatype.endswith(("#string", "#langString")) else labels.links.curie(datatype))
        return Value(term.value, note=note, lang=term.language or "")
    named = labels.found.get("_:" + term.value)  # a blank node has no IRI to show: its name, if it has one
    return Value(named[1] if named else "(an unnamed resource)", note="blank node")
