"""The naming rule's derivations: the one place where a resource gets its English rdfs:label.

data/README.md ("One naming rule"): every resource has exactly one English rdfs:label. Curators write
it where a name is curated (organizations, States); the paragraphs, footnotes and the introduction get
theirs from `python -m loader paragraphs` (loader/paragraphs.py, "¶ 23 · Delegations noted that…"). Every
vocabulary that names a node its own way keeps its own property, and the label is derived from it
here, in this order, for a node that has no English rdfs:label yet:
  1. skos:prefLabel@en            concepts (measures, themes, programmes, substances, the closed lists)
  2. dcterms:title@en             documents, sections, chapters, agenda items
  3. schema:name@en               events, places, websites
  4. foaf:name                    people (a plain string: the label gets @en)
  5. a seat (ukg:Participation)   "Seat: expert panellist from Nigeria (Panel discussion on Chapter III)":
                                  the source's words for the seat (ukg:seatDescription), else its
                                  agent's label, then the label of the event it belongs to
  6. a citation                   "¶ 44 cites Chapter III": what cites (a paragraph, footnote, the
                                  introduction, a document's symbol) and what is cited (a chapter, a
                                  document's symbol or its number in a series, else its label cut short)
  7. statements, figures, enumerated items, requests of resolutions (the numbered IRIs):
                                  "¶ 52 · Many delegations underscored their commitment to…": the
                                  paragraph (the lowest, when several; else the footnote or the
                                  introduction) that states it, then the first words of its
                                  dcterms:description (else schema:text, else ukg:requestedAction);
                                  without words, its numbering: "statement 1 of paragraph 15"
The words are cut at a word boundary (SHORT characters at most) with "…" when cut (`shorten`).
The source's other names of a document (dcterms:alternative) are its skos:altLabels, derived here too.
`loader check` validates the data with these labels added (a shape checks the rule) and `loader build`
stores them in their own named graph, DERIVED below, so that they are told apart from curated data.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox

DERIVED = "https://w3id.org/ungass-kg/graph/derived/labels"
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
ID = "https://w3id.org/ungass-kg/id/"
UKG = "https://w3id.org/ungass-kg/ont#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
ELI_NUMBER = "http://data.europa.eu/eli/ontology#number"
NOTATION = "http://www.w3.org/2004/02/skos/core#notation"
IDENTIFIER = "http://purl.org/dc/terms/identifier"
FROM = [  # the naming properties of rules 1-4, in order
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://purl.org/dc/terms/title",
    "https://schema.org/name",
    "http://xmlns.com/foaf/0.1/name",
]
SEAT_WORDS = UKG + "seatDescription"
AGENT, ASSOCIATION = "http://www.w3.org/ns/prov#agent", "http://www.w3.org/ns/prov#qualifiedAssociation"
CITING, CITED = "http://purl.org/spar/cito/hasCitingEntity", "http://purl.org/spar/cito/hasCitedEntity"
WORDS = [  # the words of rule 7, best first
    "http://purl.org/dc/terms/description", "https://schema.org/text", UKG + "requestedAction",
]
NUMBERED = {  # IRI path under the base -> the kind of node, for rule 7
    "stmt/": "statement", "citation/": "citation", "figure/": "figure", "item/": "item", "request/": "request",
}
FACTS = [RDF_TYPE, ELI_NUMBER, NOTATION, IDENTIFIER, LABEL.value, SEAT_WORDS, *WORDS, UKG + "statedIn",
         AGENT, ASSOCIATION, CITING, CITED]
SHORT = 60  # characters of a label's words, at most
ALT_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
ALTERNATIVES = """SELECT ?s ?value WHERE { ?s <http://purl.org/dc/terms/alternative> ?value .
  FILTER(isIRI(?s) && LANGMATCHES(LANG(?value), "en")) FILTER NOT EXISTS { ?s <http://www.w3.org/2004/02/skos/core#altLabel> ?value } }"""
NUMBERING = re.compile(r"^(p(\d+)|intro)-(\d+)$")
UNLABELLED = """SELECT ?s ?value WHERE {
  ?s <%s> ?value .
  FILTER(isIRI(?s) && (LANG(?value) = "" || LANGMATCHES(LANG(?value), "en")))
  FILTER NOT EXISTS { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(LANGMATCHES(LANG(?l), "en")) }
}"""
KNOWN = """SELECT ?s ?p ?o WHERE { ?s ?p ?o . FILTER(isIRI(?s)) VALUES ?p { %s } }"""
CLASS_LABELS = """SELECT ?class ?label WHERE { ?class a <http://www.w3.org/2002/07/owl#Class> ;
  <http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(LANGMATCHES(LANG(?label), "en")) }"""


def shorten(text: str, most: int = SHORT) -> str:
    """The first words of `text`, cut at a word boundary, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= most:
        return text
    return text[:most].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def derive(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph = ox.DefaultGraph(), union: bool = False,
           vocabulary: Iterable[ox.Triple] = ()) -> int:
    """Add the derived labels of the store's data to `graph`; return how many were added.

    `union`: read the union of the named graphs (a build's dataset) instead of the default graph (`loader check`).
    `vocabulary`: the ontology's triples when the store does not hold them (`loader check`): the classes'
    labels name a document's series ("CND resolution 60/1").
    """
    added = 0
    for prop in FROM:
        quads = {}
        for row in store.query(UNLABELLED % prop, use_default_graph_as_union=union):
            if row["s"] not in quads:  # one label per node, even where the property has several English values
                quads[row["s"]] = ox.Quad(row["s"], LABEL, ox.Literal(row["value"].value, language="en"), graph)
        store.extend(quads.values())
        added += len(quads)
    facts = Facts(store, union, vocabulary)
    quads = [ox.Quad(ox.NamedNode(iri), LABEL, ox.Literal(label, language="en"), graph)
             for iri, label in facts.labels().items()]
    quads += [ox.Quad(row["s"], ALT_LABEL, row["value"], graph)
              for row in store.query(ALTERNATIVES, use_default_graph_as_union=union)]
    store.extend(quads)
    return added + len(quads)


class Facts:
    """What rules 5-7 are made of: a few properties of every resource, read in one query."""

    def __init__(self, store: ox.Store, union: bool, vocabulary: Iterable[ox.Triple]) -> None:
        self.values: dict[str, dict[str, list[ox.NamedNode | ox.Literal]]] = {}
        self.owner: dict[str, str] = {}  # a seat -> the event it belongs to (prov:qualifiedAssociation)
        predicates = " ".join(f"<{p}>" for p in FACTS)
        for row in store.query(KNOWN % predicates, use_default_graph_as_union=union):
            s, p, o = row["s"].value, row["p"].value, row["o"]
            if isinstance(o, ox.Literal) and o.language and not o.language.lower().startswith("en"):
                continue
            self.values.setdefault(s, {}).setdefault(p, []).append(o)
            if p == ASSOCIATION and isinstance(o, ox.NamedNode):
                self.owner[o.value] = s
        self.classes = {row["class"].value: row["label"].value
                        for row in store.query(CLASS_LABELS, use_default_graph_as_union=union)}
        kept = ox.Store()
        kept.extend(ox.Quad(t.subject, t.predicate, t.object) for t in vocabulary)
        self.classes.update({row["class"].value: row["label"].value for row in kept.query(CLASS_LABELS)})

    def first(self, iri: str, predicate: str) -> str:
        values = self.values.get(iri, {}).get(predicate)
        return min(v.value for v in values) if values else ""

    def types(self, iri: str) -> set[str]:
        return {t.value for t in self.values.get(iri, {}).get(RDF_TYPE, ())}

    def labels(self) -> dict[str, str]:
        """The labels of rules 5-7 for the resources that have no English label yet."""
        found = {}
        for iri, values in self.values.items():
            if LABEL.value in values:
                continue
            types = self.types(iri)
            if UKG + "Participation" in types or SEAT_WORDS in values:
                found[iri] = self.seat(iri)
            elif "http://purl.org/spar/cito/Citation" in types:
                found[iri] = self.citation(iri)
            elif (path := next((p for p in NUMBERED if iri.startswith(ID + p)), None)) and types:
                if (label := self.stated(iri) or numbered(NUMBERED[path], iri[len(ID + path):])):
                    found[iri] = label
        return found

    def seat(self, iri: str) -> str:
        words = self.first(iri, SEAT_WORDS)
        if not words and (agent := self.first(iri, AGENT)):
            words = self.first(agent, LABEL.value)
        event = self.first(self.owner[iri], LABEL.value) if iri in self.owner else ""
        return f"Seat: {shorten(words) or 'a seat'}" + (f" ({event})" if event else "")

    def citation(self, iri: str) -> str:
        citing, cited = self.first(iri, CITING), self.first(iri, CITED)
        where = self.short(citing) if citing else self.place(iri) or "A citation"
        where = where[:1].upper() + where[1:]
        return f"{where} cites {self.short(cited) or 'a document'}" if cited else where

    def stated(self, iri: str) -> str:
        """ "¶ 52 · Many delegations underscored…" for a statement, figure, item or request with words."""
        words = next((w for p in WORDS if (w := self.first(iri, p))), "")
        if not words:
            return ""
        place = self.place(iri)
        return f"{place[:1].upper() + place[1:]} · {shorten(words)}" if place else shorten(words)

    def place(self, iri: str) -> str:
        """Where the source states `iri`: "¶ 15" (its lowest paragraph), else a footnote, the introduction."""
        where = [s.value for s in self.values.get(iri, {}).get(UKG + "statedIn", ())]
        order = (UKG + "SummaryParagraph", UKG + "Footnote", UKG + "Introduction")
        ranked = sorted((next((i for i, t in enumerate(order) if t in self.types(w)), len(order)),
                         int(n) if (n := self.first(w, ELI_NUMBER)).isdigit() else 0, w) for w in where)
        return self.short(ranked[0][2]) if ranked else ""

    def short(self, iri: str) -> str:
        """A short name: "Chapter III", "¶ 44", "footnote 1", "the introduction", a document's symbol
        ("A/RES/S-30/1") or number in its series ("CND resolution 60/1"), else its label cut short."""
        types, number = self.types(iri), self.first(iri, ELI_NUMBER)
        if UKG + "OutcomeChapter" in types and number:
            return f"Chapter {number}"
        if UKG + "SummaryParagraph" in types:
            return f"¶ {self.first(iri, NOTATION) or number}"
        if UKG + "Footnote" in types:
            return f"footnote {self.first(iri, NOTATION) or number}"
        if UKG + "Introduction" in types:
            return "the introduction"
        if (symbol := self.first(iri, IDENTIFIER)):
            return symbol
        kinds = sorted(self.classes[t] for t in types if t in self.classes and t.startswith(UKG))
        if number and kinds:
            return f"{kinds[0]} {number}"
        return shorten(self.first(iri, LABEL.value), 40)


def numbered(kind: str, slug: str) -> str | None:
    """ "statement 1 of paragraph 15" for stmt/p15-1, "citation 2 of the introduction" for citation/intro-2."""
    m = NUMBERING.match(slug)
    if not m:
        return None
    where = f"paragraph {m.group(2)}" if m.group(2) else "the introduction"
    return f"{kind} {m.group(3)} of {where}"
