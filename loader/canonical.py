"""Deterministic blank nodes, so that building twice gives the same quads.

Parsers give blank nodes fresh random labels on every run. Graphs that hold blank nodes (the
ontology's header, SHACL lists) are relabelled with rdflib's canonical labelling (RDF dataset
canonicalization in the spirit of https://www.w3.org/TR/rdf-canon/), prefixed by a hash of
the graph name so that two graphs never share a blank node.
"""
from __future__ import annotations

import hashlib

import pyoxigraph as ox
import rdflib
from rdflib.compare import to_canonical_graph

BLANK_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) } }"


def relabel(store: ox.Store) -> None:
    """Give the blank nodes of every named graph of the store their canonical labels."""
    for graph in sorted((row["g"] for row in store.query(BLANK_GRAPHS)), key=str):
        quads = _canonical(list(store.quads_for_pattern(None, None, None, graph)), graph)
        store.remove_graph(graph)
        store.extend(quads)


def _canonical(quads: list[ox.Quad], graph: ox.NamedNode) -> list[ox.Quad]:
    """The quads with canonical blank node labels, sorted, so that even their order is reproducible."""
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    parsed = rdflib.Graph()
    parsed.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    prefix = "g" + hashlib.sha256(graph.value.encode()).hexdigest()[:8]
    text = to_canonical_graph(parsed).serialize(format="nt", encoding="utf-8")
    out = [ox.Quad(_relabel(t.subject, prefix), t.predicate, _relabel(t.object, prefix), graph)
           for t in ox.parse(text, format=ox.RdfFormat.N_TRIPLES, rename_blank_nodes=False)]
    return sorted(out, key=str)


def _relabel(term, prefix: str):
    return ox.BlankNode(prefix + term.value) if isinstance(term, ox.BlankNode) else term
