"""The naming rule's derivations: the one place where the loader gives a resource its English rdfs:label.

data/README.md ("One naming rule"): every resource has exactly one English rdfs:label. Curators write
it where a name is curated (organizations, States, paragraphs); every vocabulary that names a node
its own way keeps its own property, and the label is derived from it here, in this order, for a
node that has no English rdfs:label yet:
  1. skos:prefLabel@en            concepts (measures, themes, programmes, substances, the closed lists)
  2. dcterms:title@en             documents, sections, chapters, agenda items
  3. schema:name@en               events, places, websites
  4. foaf:name                    people (a plain string: the label gets @en)
  5. ukg:seatDescription@en       seats (participations): the source's words for the seat
  6. the IRI's numbering rule     statements, citations, figures, enumerated items, requests of
                                  resolutions: "statement 1 of paragraph 15"
The source's other names of a document (dcterms:alternative) are its skos:altLabels, derived here too.
`loader check` validates the data with these labels added (a shape checks the rule) and `loader build`
stores them in their own named graph, DERIVED below, so that they are told apart from curated data.
"""
from __future__ import annotations

import re

import pyoxigraph as ox

DERIVED = "https://w3id.org/ungass-kg/graph/derived/labels"
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
ID = "https://w3id.org/ungass-kg/id/"
FROM = [  # the naming properties of rules 1-5, in order
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://purl.org/dc/terms/title",
    "https://schema.org/name",
    "http://xmlns.com/foaf/0.1/name",
    "https://w3id.org/ungass-kg/ont#seatDescription",
]
NUMBERED = {  # IRI path under the base -> the kind of node, for rule 6
    "stmt/": "statement", "citation/": "citation", "figure/": "figure", "item/": "item", "request/": "request",
}
ALT_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
ALTERNATIVES = """SELECT ?s ?value WHERE { ?s <http://purl.org/dc/terms/alternative> ?value .
  FILTER(isIRI(?s) && LANGMATCHES(LANG(?value), "en")) FILTER NOT EXISTS { ?s <http://www.w3.org/2004/02/skos/core#altLabel> ?value } }"""
NUMBERING = re.compile(r"^(p(\d+)|intro)-(\d+)$")
UNLABELLED = """SELECT ?s ?value WHERE {
  ?s <%s> ?value .
  FILTER(isIRI(?s) && (LANG(?value) = "" || LANGMATCHES(LANG(?value), "en")))
  FILTER NOT EXISTS { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(LANGMATCHES(LANG(?l), "en")) }
}"""
TYPED_UNLABELLED = """SELECT DISTINCT ?s WHERE {
  ?s a ?type . FILTER(isIRI(?s) && STRSTARTS(STR(?s), "%s"))
  FILTER NOT EXISTS { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(LANGMATCHES(LANG(?l), "en")) }
}"""


def derive(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph = ox.DefaultGraph(), union: bool = False) -> int:
    """Add the derived labels of the store's data to `graph`; return how many were added.

    `union`: read the union of the named graphs (a build's dataset) instead of the default graph (`loader check`).
    """
    added = 0
    for prop in FROM:
        quads = {}
        for row in store.query(UNLABELLED % prop, use_default_graph_as_union=union):
            if row["s"] not in quads:  # one label per node, even where the property has several English values
                quads[row["s"]] = ox.Quad(row["s"], LABEL, ox.Literal(row["value"].value, language="en"), graph)
        store.extend(quads.values())
        added += len(quads)
    quads = []
    for path, kind in NUMBERED.items():
        for row in store.query(TYPED_UNLABELLED % (ID + path), use_default_graph_as_union=union):
            if (label := numbered(kind, row["s"].value[len(ID + path):])):
                quads.append(ox.Quad(row["s"], LABEL, ox.Literal(label, language="en"), graph))
    quads += [ox.Quad(row["s"], ALT_LABEL, row["value"], graph)
              for row in store.query(ALTERNATIVES, use_default_graph_as_union=union)]
    store.extend(quads)
    return added + len(quads)


def numbered(kind: str, slug: str) -> str | None:
    """ "statement 1 of paragraph 15" for stmt/p15-1, "citation 2 of the introduction" for citation/intro-2."""
    m = NUMBERING.match(slug)
    if not m:
        return None
    where = f"paragraph {m.group(2)}" if m.group(2) else "the introduction"
    return f"{kind} {m.group(3)} of {where}"
