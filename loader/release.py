"""Release dumps of a build: the whole dataset as N-Quads and TriG, its union as Turtle, and the
DCAT/VoID description of the release (the meta graph) on its own as void.ttl."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from loader.layout import META_GRAPH

DUMPS = {
    "ungass-kg.nq": "application/n-quads",
    "ungass-kg.trig": "application/trig",
    "ungass-kg.ttl": "text/turtle",
    "void.ttl": "text/turtle",
}
PREFIXES = {
    "ukg": "https://w3id.org/ungass-kg/ont#", "eli": "http://data.europa.eu/eli/ontology#",
    "prov": "http://www.w3.org/ns/prov#", "org": "http://www.w3.org/ns/org#",
    "skos": "http://www.w3.org/2004/02/skos/core#", "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/", "cito": "http://purl.org/spar/cito/", "foaf": "http://xmlns.com/foaf/0.1/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "xsd": "http://www.w3.org/2001/XMLSchema#",
    "void": "http://rdfs.org/ns/void#", "dcat": "http://www.w3.org/ns/dcat#",
}


def write(store: ox.Store, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    quads = sorted(store, key=str)
    ox.serialize(quads, output=str(folder / "ungass-kg.nq"), format=ox.RdfFormat.N_QUADS)
    ox.serialize(quads, output=str(folder / "ungass-kg.trig"), format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
    ox.serialize(triples, output=str(folder / "ungass-kg.ttl"), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    meta = [ox.Triple(q.subject, q.predicate, q.object) for q in quads if q.graph_name.value == META_GRAPH]
    ox.serialize(meta, output=str(folder / "void.ttl"), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
