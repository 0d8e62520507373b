"""Release dumps of a build: the whole dataset as N-Quads and TriG, its union as Turtle, and the
DCAT/VoID description of the release (the meta graph) on its own as void.ttl, with each dump's byte
size and SHA-256 checksum (DCAT-AP's dcat:byteSize and spdx:checksum), which only void.ttl can hold:
the dumps contain the meta graph, and a file cannot state its own checksum."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pyoxigraph as ox

from loader.layout import DATASET_IRI, META_GRAPH

DUMPS = {  # the data dumps: name -> media type
    "ungass-kg.nq": "application/n-quads",
    "ungass-kg.trig": "application/trig",
    "ungass-kg.ttl": "text/turtle",
}
# name -> (IANA media type, EU file type authority code, what the file holds)
MEDIA_TYPES = {
    "ungass-kg.nq": ("application/n-quads", "RDF_N_QUADS", "every named graph, as N-Quads"),
    "ungass-kg.trig": ("application/trig", "RDF_TRIG", "every named graph, as TriG"),
    "ungass-kg.ttl": ("text/turtle", "RDF_TURTLE", "the union of the named graphs, as Turtle"),
}
DESCRIPTION = "void.ttl"
SPDX = "http://spdx.org/rdf/terms#"
PREFIXES = {
    "ukg": "https://w3id.org/ungass-kg/ont#", "eli": "http://data.europa.eu/eli/ontology#",
    "prov": "http://www.w3.org/ns/prov#", "org": "http://www.w3.org/ns/org#",
    "skos": "http://www.w3.org/2004/02/skos/core#", "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/", "cito": "http://purl.org/spar/cito/", "foaf": "http://xmlns.com/foaf/0.1/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "xsd": "http://www.w3.org/2001/XMLSchema#",
    "void": "http://rdfs.org/ns/void#", "dcat": "http://www.w3.org/ns/dcat#", "spdx": SPDX,
    "vcard": "http://www.w3.org/2006/vcard/ns#",
}
PREFIX_LINES = re.compile(rb"(@prefix [^\n]*\n)*")


def write(dataset: ox.Store, folder: Path) -> None:
    """Dump straight from the in-memory dataset (loader/store.py): pyoxigraph's in-memory store lists
    quads in the reverse order of their insertion, so the same files give the same dumps."""
    folder.mkdir(parents=True, exist_ok=True)
    dataset.dump(str(folder / "ungass-kg.nq"), format=ox.RdfFormat.N_QUADS)
    dataset.dump(str(folder / "ungass-kg.trig"), format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    _union(dataset, folder / "ungass-kg.ttl")
    meta = [q.triple for q in dataset.quads_for_pattern(None, None, None, ox.NamedNode(META_GRAPH))]
    (folder / DESCRIPTION).write_bytes(ox.serialize(meta + file_facts(folder), format=ox.RdfFormat.TURTLE,
                                                    prefixes=PREFIXES))


def file_facts(folder: Path) -> list[ox.Triple]:
    """Each dump's byte size and SHA-256 checksum, said of its distribution (loader/description.py names it)."""
    out = []
    for name in DUMPS:
        data = (folder / name).read_bytes()
        dist = ox.NamedNode(f"{DATASET_IRI}#dump-{name.replace('.', '-')}")
        checksum = ox.NamedNode(f"{dist.value}-sha256")
        out += [
            ox.Triple(dist, ox.NamedNode("http://www.w3.org/ns/dcat#byteSize"),
                      ox.Literal(str(len(data)), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#nonNegativeInteger"))),
            ox.Triple(dist, ox.NamedNode(SPDX + "checksum"), checksum),
            ox.Triple(checksum, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(SPDX + "Checksum")),
            ox.Triple(checksum, ox.NamedNode(SPDX + "algorithm"), ox.NamedNode(SPDX + "checksumAlgorithm_sha256")),
            ox.Triple(checksum, ox.NamedNode(SPDX + "checksumValue"),
                      ox.Literal(hashlib.sha256(data).hexdigest(), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#hexBinary"))),
        ]
    return out


def _union(dataset: ox.Store, path: Path) -> None:
    """The union of the graphs as one Turtle document: each graph serialized natively (a Python object
    per triple took three times as long), the @prefix lines written once. Blank node labels are
    distinct across graphs (loader/canonical.py), so the documents concatenate safely."""
    with path.open("wb") as out:
        for i, graph in enumerate(sorted(dataset.named_graphs(), key=str)):
            text = dataset.dump(format=ox.RdfFormat.TURTLE, from_graph=graph, prefixes=PREFIXES)
            out.write(text if i == 0 else text[PREFIX_LINES.match(text).end():])
