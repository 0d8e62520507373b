"""The dataset's self-description: VoID statistics and DCAT release metadata, in the meta graph.

VoID: https://www.w3.org/TR/void/ ; DCAT 3: https://www.w3.org/TR/vocab-dcat-3/ . Statistics are
computed once per build so that the server never counts at request time, each in one pass over
the dataset (grouped by graph, for the subsets). No timestamps: the description is a function of
the data, so that two builds of the same data are identical.
"""
from __future__ import annotations

import hashlib

import pyoxigraph as ox

from loader.layout import DATASET_IRI, ID_BASE, META_GRAPH, ONTOLOGY_IRI
from loader.release import DUMPS

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
SOURCE = ID_BASE + "doc/cnd-ungass-r3-summary"
EXAMPLES = ["doc/cnd-ungass-r3-summary", "event/cnd-ungass-r3", "doc/a-res-s-30-1/chapter/1", "org/unodc"]
VOCABULARIES = [ONTOLOGY_IRI + "#", "http://data.europa.eu/eli/ontology#", "http://www.w3.org/ns/prov#",
                "http://www.w3.org/ns/org#", "http://www.w3.org/2004/02/skos/core#", DCT, "https://schema.org/",
                "http://purl.org/spar/cito/", "http://xmlns.com/foaf/0.1/"]


def describe(store: ox.Store, build_id: str) -> list[ox.Quad]:
    dataset = ox.NamedNode(DATASET_IRI)
    graph = ox.NamedNode(META_GRAPH)
    out: list[ox.Quad] = []

    def add(s, p, o):
        out.append(ox.Quad(s, ox.NamedNode(p), o, graph))

    def count(n: int) -> ox.Literal:
        return ox.Literal(str(n), datatype=XSD_INTEGER)

    add(dataset, str(RDF_TYPE.value), ox.NamedNode(VOID + "Dataset"))
    add(dataset, str(RDF_TYPE.value), ox.NamedNode(DCAT + "Dataset"))
    add(dataset, DCT + "title", ox.Literal("ungass-kg: the CND's third round of thematic discussions on UNGASS follow-up", language="en"))
    add(dataset, DCT + "description", ox.Literal(
        "A knowledge graph of the facilitator's summary of the third round of thematic discussions of the Commission on "
        "Narcotic Drugs on the follow-up to the 2016 special session of the General Assembly on the world drug problem "
        "(September–November 2017): chapters, meetings, panels, actors, documents, citations and reported statements, "
        "each traceable to its paragraph.", language="en"))
    add(dataset, DCT + "license", ox.NamedNode(LICENCE))
    add(dataset, DCT + "source", ox.NamedNode(SOURCE))
    add(dataset, DCT + "identifier", ox.Literal(build_id))
    add(dataset, VOID + "uriSpace", ox.Literal(ID_BASE))
    for vocabulary in VOCABULARIES:
        add(dataset, VOID + "vocabulary", ox.NamedNode(vocabulary))
    for example in EXAMPLES:
        add(dataset, VOID + "exampleResource", ox.NamedNode(ID_BASE + example))
    for name, value in _stats(store, by_graph=False)[""].items():
        add(dataset, VOID + name, count(value))
    for row in store.query("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } } GROUP BY ?c ORDER BY ?c"):
        part = ox.NamedNode(f"{DATASET_IRI}#class-{_hash(row['c'].value)}")
        add(dataset, VOID + "classPartition", part)
        add(part, VOID + "class", row["c"])
        add(part, VOID + "entities", count(int(row["n"].value)))
    for row in store.query("SELECT ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?p ORDER BY ?p"):
        part = ox.NamedNode(f"{DATASET_IRI}#property-{_hash(row['p'].value)}")
        add(dataset, VOID + "propertyPartition", part)
        add(part, VOID + "property", row["p"])
        add(part, VOID + "triples", count(int(row["n"].value)))
    subsets = _stats(store, by_graph=True)
    for name in sorted(subsets):
        subset = ox.NamedNode(name)
        add(dataset, VOID + "subset", subset)
        add(subset, str(RDF_TYPE.value), ox.NamedNode(VOID + "Dataset"))
        for key, value in subsets[name].items():
            add(subset, VOID + key, count(value))
    for name, media_type in DUMPS.items():
        dist = ox.NamedNode(f"{DATASET_IRI}#dump-{name.replace('.', '-')}")
        add(dataset, DCAT + "distribution", dist)
        add(dist, str(RDF_TYPE.value), ox.NamedNode(DCAT + "Distribution"))
        add(dist, DCAT + "downloadURL", ox.NamedNode(f"https://w3id.org/ungass-kg/dumps/{name}"))
        add(dist, DCAT + "mediaType", ox.Literal(media_type))
        add(dist, DCT + "license", ox.NamedNode(LICENCE))
        add(dataset, VOID + "dataDump", ox.NamedNode(f"https://w3id.org/ungass-kg/dumps/{name}"))
    return out


def _stats(store: ox.Store, by_graph: bool) -> dict[str, dict[str, int]]:
    """VoID's statistics of each named graph (by its IRI), or of all together (under the key "")."""
    g, group = ("?g", "GROUP BY ?g") if by_graph else ("", "")

    def key(row) -> str:
        return row["g"].value if by_graph else ""

    rows = {key(row): row for row in store.query(f"""
        SELECT {g} (COUNT(*) AS ?t) (COUNT(DISTINCT ?s) AS ?s_) (COUNT(DISTINCT ?o) AS ?o_) (COUNT(DISTINCT ?p) AS ?p_)
        WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} {group}""")}
    classes = {key(row): int(row["n"].value) for row in store.query(
        f"SELECT {g} (COUNT(DISTINCT ?c) AS ?n) WHERE {{ GRAPH ?g {{ ?x a ?c }} }} {group}")}
    return {k: {"triples": int(row["t"].value), "distinctSubjects": int(row["s_"].value),
                "distinctObjects": int(row["o_"].value), "properties": int(row["p_"].value),
                "classes": classes.get(k, 0)} for k, row in rows.items()}


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
