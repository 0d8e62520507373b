"""Release dumps of a build: the whole dataset as N-Quads and TriG, its union as Turtle, and the
DCAT/VoID description of the release (the meta graph) on its own as void.ttl."""
from __future__ import annotations

import re
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
PREFIX_LINES = re.compile(rb"(@prefix [^\n]*\n)*")


def write(dataset: ox.Store, folder: Path) -> None:
    """Dump straight from the in-memory dataset (loader/store.py): pyoxigraph's in-memory store lists
    quads in the reverse order of their insertion, so the same files give the same dumps."""
    folder.mkdir(parents=True, exist_ok=True)
    dataset.dump(str(folder / "ungass-kg.nq"), format=ox.RdfFormat.N_QUADS)
    dataset.dump(str(folder / "ungass-kg.trig"), format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    _union(dataset, folder / "ungass-kg.ttl")
    dataset.dump(str(folder / "void.ttl"), format=ox.RdfFormat.TURTLE, from_graph=ox.NamedNode(META_GRAPH),
                 prefixes=PREFIXES)


def _union(dataset: ox.Store, path: Path) -> None:
    """The union of the graphs as one Turtle document: each graph serialized natively (a Python object
    per triple took three times as long), the @prefix lines written once. Blank node labels are
    distinct across graphs (loader/canonical.py), so the documents concatenate safely."""
    with path.open("wb") as out:
        for i, graph in enumerate(sorted(dataset.named_graphs(), key=str)):
            text = dataset.dump(format=ox.RdfFormat.TURTLE, from_graph=graph, prefixes=PREFIXES)
            out.write(text if i == 0 else text[PREFIX_LINES.match(text).end():])
