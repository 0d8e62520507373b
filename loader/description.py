"""The dataset's self-description: VoID statistics and DCAT-AP release metadata, in the meta graph.

VoID: https://www.w3.org/TR/void/ ; DCAT 3: https://www.w3.org/TR/vocab-dcat-3/ ; DCAT-AP 3.0.1:
https://semiceu.github.io/DCAT-AP/releases/3.0.1/ (tests/test_service_description.py validates the
release description with its SHACL shapes). A catalogue lists the dataset and its two data services (the
SPARQL endpoint and the Graph Store); the dataset has its version, dates, temporal coverage, creator,
publisher, contact point, citation, keywords and language; each dump is a distribution with access and
download URLs and its IANA media type (release.py adds byte sizes and checksums to void.ttl, where they
are not part of the files they describe). Links to other datasets are VoID linksets.

The statistics count the whole dataset as the endpoint serves it, the meta graph included, so that
`void:triples` is what `SELECT (COUNT(*) AS ?n) { ?s ?p ?o }` answers. As the description is part of
what it counts, it is made again until it describes itself (a fixed point, reached in four or five
rounds); the data is measured once, each round adds only the meta graph's share. No timestamps beyond
RELEASE: the description is a function of the data and of this file.
"""
from __future__ import annotations

import hashlib

import pyoxigraph as ox

from loader.layout import BASE, DATASET_IRI, ID_BASE, META_GRAPH, ONTOLOGY_IRI
from loader.release import DUMPS, MEDIA_TYPES

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
EU = "http://publications.europa.eu/resource/authority/"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
SOURCE = ID_BASE + "doc/cnd-ungass-r3-summary"
SPARQL = BASE + "sparql"
STORE = BASE + "store"

# Edited by hand at each release; CITATION.cff states the same version and date.
RELEASE = {"version": "0.1.0", "issued": "2026-11-27", "modified": "2026-12-03"}
TITLE = "ungass-kg: the CND's third round of thematic discussions on UNGASS follow-up"
CITATION = ("ungass-kg maintainers (2026). ungass-kg: a knowledge graph of the CND's third round of thematic "
            "discussions on UNGASS follow-up (version {version}). https://w3id.org/ungass-kg/dataset")
KEYWORDS = ["UNGASS 2016", "Commission on Narcotic Drugs", "world drug problem", "drug policy", "United Nations",
            "thematic discussions", "knowledge graph"]
THEMES = [EU + "data-theme/JUST", EU + "data-theme/HEAL", EU + "data-theme/INTR"]
EARTH = "http://sws.geonames.org/6295630/"  # GeoNames' Earth: the discussions and their actors are worldwide
STABLE = EU + "planned-availability/STABLE"
EXAMPLES = ["doc/cnd-ungass-r3-summary", "event/cnd-ungass-r3", "doc/a-res-s-30-1/chapter/1", "org/unodc"]
# The vocabularies' own IRIs (an ontology's IRI has no trailing '#'; a namespace ending in '/' is its IRI).
VOCABULARIES = [ONTOLOGY_IRI, "http://data.europa.eu/eli/ontology", "http://www.w3.org/ns/prov",
                "http://www.w3.org/ns/org", "http://www.w3.org/2004/02/skos/core", DCT, "https://schema.org/",
                "http://purl.org/spar/cito", "http://xmlns.com/foaf/0.1/"]
# Datasets the data links to (objects of its triples outside the base and the vocabularies): one linkset
# per target and link predicate. tests/test_service_description.py checks that no link is left out.
LINK_TARGETS = {
    "eu-country": (EU + "country/", "EU Publications Office: Named Authority List of countries", EU + "country"),
    "eu-corporate-body": (EU + "corporate-body/", "EU Publications Office: Named Authority List of corporate bodies",
                          EU + "corporate-body"),
    "undocs": ("https://undocs.org/", "United Nations Official Document System", "https://undocs.org/"),
    "ungass2016": ("http://www.ungass2016.org", "UNGASS 2016 website", "http://www.ungass2016.org"),
}
MAX_ROUNDS = 8


def describe(store: ox.Store, build_id: str) -> list[ox.Quad]:
    """The meta graph's quads for the dataset in `store` (which does not hold them yet).

    The counts of distinct objects (of the dataset and of the meta graph) count their own literals: with the
    count v written, there are K objects if "v" already occurs among them (Oxigraph compares numbers by value)
    and K+1 if not. When K+1 occurs and K does not, no value describes itself and the rounds alternate between
    two descriptions; the one that repeats is kept, and its count of distinct objects is one off. No fixed point
    is lost by this: a description that repeats is never followed by a fixed point."""
    data = _measure(store)  # once: each round adds only what the meta graph itself contributes
    quads: list[ox.Quad] = []
    seen: list[list[ox.Quad]] = []
    for _ in range(MAX_ROUNDS):
        again = _description(_with_meta(store, data, quads), build_id)
        if again == quads:
            return quads
        if again in seen:
            return again
        seen.append(again)
        quads = again
    raise RuntimeError(f"the dataset description did not settle in {MAX_ROUNDS} rounds")


class _Builder:
    def __init__(self):
        self.quads: list[ox.Quad] = []
        self.graph = ox.NamedNode(META_GRAPH)

    def add(self, subject: str | ox.NamedNode, predicate: str, obj: ox.NamedNode | ox.Literal | str) -> None:
        node = ox.NamedNode(subject) if isinstance(subject, str) else subject
        value = ox.NamedNode(obj) if isinstance(obj, str) else obj
        self.quads.append(ox.Quad(node, ox.NamedNode(predicate), value, self.graph))


def _text(value: str) -> ox.Literal:
    return ox.Literal(value, language="en")


def _typed(value: object, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype))


def _with_meta(store: ox.Store, data: dict, quads: list[ox.Quad]) -> dict:
    """The measures of the data (`data`, of `store`) with the meta graph `quads` added, as one store would give
    them: a count adds the meta graph's; a distinct count adds the terms the data does not already have."""
    if not quads:
        return data
    meta = ox.Store()
    meta.extend(quads)
    triples = [q.triple for q in quads]
    type_ = ox.NamedNode(RDF_TYPE)

    def new(terms, pattern) -> int:
        return sum(1 for term in set(terms) if next(iter(pattern(term)), None) is None)

    all_ = dict(data["all"])
    all_["triples"] += len(quads)
    all_["distinctSubjects"] += new((t.subject for t in triples), lambda x: store.quads_for_pattern(x, None, None))
    all_["distinctObjects"] += new((t.object for t in triples), lambda x: store.quads_for_pattern(None, None, x))
    properties = dict(data["properties"])
    for t in triples:
        properties[t.predicate.value] = properties.get(t.predicate.value, 0) + 1
    classes = dict(data["classes"])
    for t in {t for t in triples if t.predicate == type_}:
        if next(iter(store.quads_for_pattern(t.subject, type_, t.object)), None) is None:
            classes[t.object.value] = classes.get(t.object.value, 0) + 1
    all_["properties"], all_["classes"] = len(properties), len(classes)
    return {**data, "all": all_, "graphs": {**data["graphs"], **_stats(meta, by_graph=True)},
            "classes": sorted(classes.items()), "properties": sorted(properties.items())}


def _description(measured: dict, build_id: str) -> list[ox.Quad]:
    b = _Builder()
    dataset, catalog = DATASET_IRI, DATASET_IRI + "#catalog"
    maintainers, contact = DATASET_IRI + "#maintainers", DATASET_IRI + "#contact"

    b.add(catalog, RDF_TYPE, DCAT + "Catalog")
    b.add(catalog, DCT + "title", _text("ungass-kg catalogue"))
    b.add(catalog, DCT + "description", _text("The ungass-kg dataset and the services that serve it."))
    b.add(catalog, DCT + "publisher", maintainers)
    b.add(catalog, DCT + "language", EU + "language/ENG")
    b.add(catalog, DCT + "license", LICENCE)
    b.add(catalog, DCT + "issued", _typed(RELEASE["issued"], "date"))
    b.add(catalog, DCT + "modified", _typed(RELEASE["modified"], "date"))
    b.add(catalog, FOAF + "homepage", BASE)
    b.add(catalog, DCT + "spatial", EARTH)
    b.add(catalog, DCAT + "themeTaxonomy", EU + "data-theme")
    b.add(catalog, DCAT + "dataset", dataset)
    for service in (SPARQL, STORE):
        b.add(catalog, DCAT + "service", service)

    b.add(maintainers, RDF_TYPE, FOAF + "Organization")
    b.add(maintainers, FOAF + "name", _text("ungass-kg maintainers"))
    b.add(maintainers, FOAF + "homepage", BASE)
    b.add(contact, RDF_TYPE, VCARD + "Organization")
    b.add(contact, VCARD + "fn", _text("ungass-kg maintainers"))
    b.add(contact, VCARD + "hasURL", BASE)

    b.add(dataset, RDF_TYPE, VOID + "Dataset")
    b.add(dataset, RDF_TYPE, DCAT + "Dataset")
    b.add(dataset, DCT + "title", _text(TITLE))
    b.add(dataset, DCT + "description", _text(
        "A knowledge graph of the facilitator's summary of the third round of thematic discussions of the Commission on "
        "Narcotic Drugs on the follow-up to the 2016 special session of the General Assembly on the world drug problem "
        "(September–November 2017): chapters, meetings, panels, actors, documents, citations and reported statements, "
        "each traceable to its paragraph."))
    b.add(dataset, DCT + "license", LICENCE)
    b.add(dataset, DCT + "source", SOURCE)
    b.add(dataset, DCT + "identifier", ox.Literal(build_id))
    b.add(dataset, DCAT + "version", ox.Literal(RELEASE["version"]))
    b.add(dataset, DCT + "issued", _typed(RELEASE["issued"], "date"))
    b.add(dataset, DCT + "modified", _typed(RELEASE["modified"], "date"))
    b.add(dataset, DCT + "creator", maintainers)
    b.add(dataset, DCT + "publisher", maintainers)
    b.add(dataset, DCAT + "contactPoint", contact)
    b.add(dataset, DCT + "bibliographicCitation", ox.Literal(CITATION.format(**RELEASE)))
    b.add(dataset, DCT + "language", EU + "language/ENG")
    b.add(dataset, DCT + "accrualPeriodicity", EU + "frequency/IRREG")
    b.add(dataset, DCAT + "landingPage", BASE)
    b.add(dataset, DCT + "spatial", EARTH)
    for keyword in KEYWORDS:
        b.add(dataset, DCAT + "keyword", _text(keyword))
    for theme in THEMES:
        b.add(dataset, DCAT + "theme", theme)
    if measured["period"]:
        period = DATASET_IRI + "#period"
        b.add(dataset, DCT + "temporal", period)
        b.add(period, RDF_TYPE, DCT + "PeriodOfTime")
        b.add(period, DCAT + "startDate", _typed(measured["period"][0], "date"))
        b.add(period, DCAT + "endDate", _typed(measured["period"][1], "date"))

    b.add(dataset, VOID + "uriSpace", ox.Literal(ID_BASE))
    b.add(dataset, VOID + "sparqlEndpoint", SPARQL)
    for vocabulary in VOCABULARIES:
        b.add(dataset, VOID + "vocabulary", vocabulary)
    for example in EXAMPLES:
        b.add(dataset, VOID + "exampleResource", ID_BASE + example)
    for name, value in measured["all"].items():
        b.add(dataset, VOID + name, _typed(value, "integer"))
    for cls, n in measured["classes"]:
        part = f"{DATASET_IRI}#class-{_hash(cls)}"
        b.add(dataset, VOID + "classPartition", part)
        b.add(part, VOID + "class", cls)
        b.add(part, VOID + "entities", _typed(n, "integer"))
    for prop, n in measured["properties"]:
        part = f"{DATASET_IRI}#property-{_hash(prop)}"
        b.add(dataset, VOID + "propertyPartition", part)
        b.add(part, VOID + "property", prop)
        b.add(part, VOID + "triples", _typed(n, "integer"))
    for name in sorted(measured["graphs"]):
        b.add(dataset, VOID + "subset", name)
        b.add(name, RDF_TYPE, VOID + "Dataset")
        for key, value in measured["graphs"][name].items():
            b.add(name, VOID + key, _typed(value, "integer"))
    _linksets(b, dataset, measured["links"])
    _distributions(b, dataset)
    _services(b, dataset, maintainers, contact)
    return list(dict.fromkeys(b.quads))


def _linksets(b: _Builder, dataset: str, links: dict[tuple[str, str], int]) -> None:
    for target in sorted({target for target, _ in links}):
        space, title, homepage = LINK_TARGETS[target]
        node = f"{DATASET_IRI}#target-{target}"
        b.add(node, RDF_TYPE, VOID + "Dataset")
        b.add(node, DCT + "title", _text(title))
        b.add(node, VOID + "uriSpace", ox.Literal(space))
        b.add(node, FOAF + "homepage", homepage)
    for (target, predicate), n in sorted(links.items()):
        linkset = f"{DATASET_IRI}#linkset-{target}-{_hash(predicate)}"
        b.add(dataset, VOID + "subset", linkset)
        b.add(linkset, RDF_TYPE, VOID + "Linkset")
        b.add(linkset, VOID + "subjectsTarget", dataset)
        b.add(linkset, VOID + "objectsTarget", f"{DATASET_IRI}#target-{target}")
        b.add(linkset, VOID + "linkPredicate", predicate)
        b.add(linkset, VOID + "triples", _typed(n, "integer"))


def _distributions(b: _Builder, dataset: str) -> None:
    for name in DUMPS:
        url = BASE + "dumps/" + name
        media_type, file_type, what = MEDIA_TYPES[name]
        dist = f"{DATASET_IRI}#dump-{name.replace('.', '-')}"
        b.add(dataset, DCAT + "distribution", dist)
        b.add(dataset, VOID + "dataDump", url)
        b.add(dist, RDF_TYPE, DCAT + "Distribution")
        b.add(dist, DCT + "title", _text(name))
        b.add(dist, DCT + "description", _text(f"The release dump: {what}."))
        b.add(dist, "http://data.europa.eu/r5r/availability", STABLE)
        b.add(dist, DCAT + "accessURL", url)
        b.add(dist, DCAT + "downloadURL", url)
        b.add(dist, DCAT + "mediaType", "http://www.iana.org/assignments/media-types/" + media_type)
        b.add(dist, DCT + "format", EU + "file-type/" + file_type)
        b.add(dist, DCT + "license", LICENCE)
    for service, title, file_type in ((SPARQL, "SPARQL 1.1 endpoint", "SPARQLQ"),
                                      (STORE, "Graph Store, read side", "RDF_TURTLE")):
        dist = f"{DATASET_IRI}#{service.rsplit('/', 1)[1]}"
        b.add(dataset, DCAT + "distribution", dist)
        b.add(dist, RDF_TYPE, DCAT + "Distribution")
        b.add(dist, DCT + "title", _text(f"The dataset through its {title}"))
        b.add(dist, DCT + "description", _text(f"The live dataset, queried through its {title}."))
        b.add(dist, DCT + "format", EU + "file-type/" + file_type)
        b.add(dist, "http://data.europa.eu/r5r/availability", STABLE)
        b.add(dist, DCAT + "accessURL", service)
        b.add(dist, DCAT + "accessService", service)
        b.add(dist, DCT + "license", LICENCE)


def _services(b: _Builder, dataset: str, publisher: str, contact: str) -> None:
    for service, title, spec in (
        (SPARQL, "ungass-kg SPARQL 1.1 endpoint (read-only)", "https://www.w3.org/TR/sparql11-protocol/"),
        (STORE, "ungass-kg Graph Store HTTP Protocol, read side", "https://www.w3.org/TR/sparql11-http-rdf-update/"),
    ):
        b.add(service, RDF_TYPE, DCAT + "DataService")
        b.add(service, DCT + "title", _text(title))
        b.add(service, DCAT + "endpointURL", service)
        b.add(service, DCT + "conformsTo", spec)
        b.add(service, DCAT + "servesDataset", dataset)
        b.add(service, DCT + "publisher", publisher)
        b.add(service, DCAT + "contactPoint", contact)
        b.add(service, DCT + "license", LICENCE)
        # GET /sparql is the SPARQL 1.1 Service Description, GET /store (no parameters) describes the Graph Store.
        b.add(service, DCAT + "endpointDescription", service)
        for keyword in ("SPARQL", "linked data", "UNGASS 2016"):
            b.add(service, DCAT + "keyword", _text(keyword))
        for theme in THEMES:
            b.add(service, DCAT + "theme", theme)


def _measure(store: ox.Store) -> dict:
    """Everything the description counts, over the data in the store."""
    def rows(query: str):
        return store.query(query, use_default_graph_as_union=True)

    graphs = _stats(store, by_graph=True)
    links: dict[tuple[str, str], int] = {}
    for target, (space, _, _) in LINK_TARGETS.items():
        for row in rows(f"""SELECT ?p (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
                FILTER(isIRI(?o) && STRSTARTS(STR(?o), "{space}") && ?g != <{META_GRAPH}>) }} GROUP BY ?p"""):
            links[(target, row["p"].value)] = int(row["n"].value)
    period = next(iter(rows("""PREFIX schema: <https://schema.org/>
        SELECT (MIN(?d) AS ?first) (MAX(?d) AS ?last) WHERE { ?e schema:startDate|schema:endDate ?d
          FILTER(datatype(?d) = <http://www.w3.org/2001/XMLSchema#date>) }""")))
    return {
        "all": _stats(store, by_graph=False)[""],
        "graphs": graphs,
        "classes": [(row["c"].value, int(row["n"].value)) for row in rows(
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c")],
        "properties": [(row["p"].value, int(row["n"].value)) for row in rows(
            "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p")],
        "links": links,
        "period": (period["first"].value, period["last"].value) if period["first"] is not None else None,
    }


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
