"""Deterministic blank nodes, so that building twice gives the same quads.

Parsers give blank nodes fresh random labels on every run. Files that hold blank nodes (the
ontology's header, SHACL lists) are relabelled with rdflib's canonical labelling (RDF dataset
canonicalization in the spirit of https://www.w3.org/TR/rdf-canon/), prefixed by a hash of
the graph name so that two graphs never share a blank node.
"""
from __future__ import annotations

import hashlib

import pyoxigraph as ox
import rdflib
from rdflib.compare import to_canonical_graph

from loader.sources import Source


def quads(source: Source) -> list[ox.Quad]:
    if not any(isinstance(t, ox.BlankNode) for q in source.quads for t in (q.subject, q.object)):
        return source.quads
    graph = rdflib.Graph()
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in source.quads]
    graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    canonical = to_canonical_graph(graph)
    prefix = "g" + hashlib.sha256(source.graph.encode()).hexdigest()[:8]
    text = canonical.serialize(format="nt", encoding="utf-8")
    name = ox.NamedNode(source.graph)
    out = []
    for t in ox.parse(text, format=ox.RdfFormat.N_TRIPLES, rename_blank_nodes=False):
        out.append(ox.Quad(_relabel(t.subject, prefix), t.predicate, _relabel(t.object, prefix), name))
    return out


def _relabel(term, prefix: str):
    return ox.BlankNode(prefix + term.value) if isinstance(term, ox.BlankNode) else term
