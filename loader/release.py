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
    """Dump straight from the store: its order is a function of its content, so dumps are reproducible."""
    folder.mkdir(parents=True, exist_ok=True)
    store.dump(str(folder / "ungass-kg.nq"), format=ox.RdfFormat.N_QUADS)
    store.dump(str(folder / "ungass-kg.trig"), format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    union = (ox.Triple(q.subject, q.predicate, q.object) for q in store)
    ox.serialize(union, output=str(folder / "ungass-kg.ttl"), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    store.dump(str(folder / "void.ttl"), format=ox.RdfFormat.TURTLE, from_graph=ox.NamedNode(META_GRAPH),
               prefixes=PREFIXES)
