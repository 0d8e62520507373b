"""The service description at GET /sparql and the VoID description at /.well-known/void, as a client reads them."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
import requests
from server_fixtures import media_type

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
FORMATS = "http://www.w3.org/ns/formats/"
UKGS = "https://w3id.org/ungass-kg/service#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DATASET = "https://w3id.org/ungass-kg/dataset"
DCAT_AP = Path(__file__).resolve().parent / "dcat-ap"  # the DCAT-AP 3.0.1 SHACL shapes, vendored (SOURCE.md)


def graph(response: requests.Response) -> ox.Store:
    assert response.status_code == 200, response.text
    store = ox.Store()
    store.load(response.content, format=ox.RdfFormat.from_media_type(media_type(response)))
    return store


def values(store: ox.Store, query: str) -> list[str]:
    return sorted(row[0].value for row in store.query(query))


def describe(server, accept: str = "text/turtle") -> ox.Store:
    return graph(requests.get(server.sparql, headers={"Accept": accept}, timeout=30))


def test_get_without_a_query_is_the_service_description_in_turtle(server):
    response = requests.get(server.sparql, timeout=30)
    assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    sd = graph(response)
    assert values(sd, f"SELECT ?s {{ ?s a <{SD}Service> ; <{SD}endpoint> ?s }}") == [server.sparql]
    assert values(sd, f"SELECT ?l {{ ?s <{SD}supportedLanguage> ?l }}") == [SD + "SPARQL11Query"]
    assert SD + "UnionDefaultGraph" in values(sd, f"SELECT ?f {{ ?s <{SD}feature> ?f }}")
    assert SD + "BasicFederatedQuery" not in values(sd, f"SELECT ?f {{ ?s <{SD}feature> ?f }}")


def test_the_description_lists_every_result_format(server):
    formats = values(describe(server), f"SELECT ?f {{ ?s <{SD}resultFormat> ?f }}")
    assert formats == sorted(FORMATS + name for name in (
        "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
        "Turtle", "N-Triples", "JSON-LD", "RDF_XML", "N-Quads", "TriG", "N3"))


def test_the_description_states_the_limits_with_defined_terms(limited_server):
    sd = describe(limited_server)
    assert values(sd, f"SELECT ?v {{ ?s <{UKGS}queryTimeLimit> ?v }}") == ["2"]
    assert values(sd, f"SELECT ?v {{ ?s <{UKGS}resultRowLimit> ?v }}") == ["10"]
    for term in ("queryTimeLimit", "resultRowLimit", "maxRequestBytes"):
        assert values(sd, f"SELECT ?c {{ <{UKGS}{term}> <http://www.w3.org/2000/01/rdf-schema#comment> ?c }}")


def test_the_default_dataset_names_every_graph_with_its_size(server, build_info):
    sd = describe(server, "application/ld+json")
    named = {row["name"].value: int(row["n"].value) for row in sd.query(f"""
        SELECT ?name ?n {{ ?service <{SD}defaultDataset> <{DATASET}> . <{DATASET}> <{SD}namedGraph> ?ng .
                          ?ng <{SD}name> ?name ; <{SD}graph> [ <{VOID}triples> ?n ] }}""")}
    assert named == build_info["graphs"]
    assert values(sd, f"SELECT ?n {{ <{DATASET}> <{SD}defaultGraph> [ <{VOID}triples> ?n ] }}") == [str(build_info["triples"])]


@pytest.mark.parametrize("accept", ["application/ld+json", "application/rdf+xml", "application/n-triples"])
def test_the_description_in_other_rdf_formats_says_the_same(server, accept):
    def canonical(store: ox.Store) -> set:
        dataset = ox.Dataset(store)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)  # blank node labels differ by format
        return set(dataset)
    assert canonical(describe(server, accept)) == canonical(describe(server, "text/turtle"))


def test_a_description_nobody_can_read_is_406(server):
    response = requests.get(server.sparql, headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert response.status_code == 406
    assert "text/turtle (format=turtle)" in response.text


def test_the_description_names_the_allowed_service_endpoints(start_server, server):
    federating = start_server(service_allow_list=(server.sparql,))
    sd = describe(federating)
    assert SD + "BasicFederatedQuery" in values(sd, f"SELECT ?f {{ ?s <{SD}feature> ?f }}")
    assert values(sd, f"SELECT ?e {{ ?s <{UKGS}allowedServiceEndpoint> ?e }}") == [server.sparql]


# VoID

def void(server, accept: str = "text/turtle") -> ox.Store:
    return graph(requests.get(server.url + ".well-known/void", headers={"Accept": accept}, timeout=30))


def test_void_describes_the_dataset_with_its_endpoint_licence_and_examples(server, build_info):
    response = requests.get(server.url + ".well-known/void", timeout=30)
    assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    description = graph(response)
    endpoints = values(description, f"SELECT ?e {{ <{DATASET}> <{VOID}sparqlEndpoint> ?e }}")
    assert endpoints == sorted([server.sparql, "https://w3id.org/ungass-kg/sparql"])  # this one, and the canonical
    assert values(description, f"SELECT ?l {{ <{DATASET}> <http://purl.org/dc/terms/license> ?l }}") == [
        "https://creativecommons.org/licenses/by/4.0/"]
    assert values(description, f"SELECT ?u {{ <{DATASET}> <{VOID}uriSpace> ?u }}") == ["https://w3id.org/ungass-kg/id/"]
    examples = values(description, f"SELECT ?e {{ <{DATASET}> <{VOID}exampleResource> ?e }}")
    assert "https://w3id.org/ungass-kg/id/org/unodc" in examples
    for example in examples:  # every example resource is in the data
        answer = requests.get(server.sparql, params={"query": f"ASK {{ <{example}> ?p ?o }}"}, timeout=30)
        assert answer.json()["boolean"] is True, example


def test_void_counts_triples_subjects_classes_and_properties(server, build_info):
    description = void(server, "application/n-triples")
    for statistic in ("triples", "distinctSubjects", "classes", "properties"):
        [value] = values(description, f"SELECT ?n {{ <{DATASET}> <{VOID}{statistic}> ?n }}")
        assert int(value) > 0, statistic
    assert values(description, f"SELECT (COUNT(?p) AS ?n) {{ <{DATASET}> <{VOID}classPartition> ?p }}") != ["0"]
    assert values(description, f"SELECT (COUNT(?p) AS ?n) {{ <{DATASET}> <{VOID}propertyPartition> ?p }}") != ["0"]


def test_void_has_one_subset_per_named_graph_with_its_triples(server, build_info):
    description = void(server, "application/ld+json")
    subsets = {row["g"].value: int(row["n"].value) for row in description.query(
        f"SELECT ?g ?n {{ <{DATASET}> <{VOID}subset> ?g . ?g <{VOID}triples> ?n FILTER NOT EXISTS {{ ?g a <{VOID}Linkset> }} }}")}
    assert subsets == build_info["graphs"]  # the meta graph, which holds this description, included


def count(server, query: str) -> int:
    answer = requests.get(server.sparql, params={"query": query}, headers={"Accept": "application/sparql-results+json"},
                          timeout=30)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def test_every_void_count_is_what_count_answers_over_the_endpoint(server):
    description = void(server)
    [triples] = values(description, f"SELECT ?n {{ <{DATASET}> <{VOID}triples> ?n }}")
    assert int(triples) == count(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    for statistic, query in (("distinctSubjects", "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"),
                             ("distinctObjects", "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"),
                             ("properties", "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }"),
                             ("classes", "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }")):
        [value] = values(description, f"SELECT ?n {{ <{DATASET}> <{VOID}{statistic}> ?n }}")
        assert int(value) == count(server, query), statistic
    for row in description.query(f"SELECT ?c ?n {{ <{DATASET}> <{VOID}classPartition> [ <{VOID}class> ?c ; "
                                 f"<{VOID}entities> ?n ] }}"):
        assert int(row["n"].value) == count(server, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a {row['c']} }}")
    for row in description.query(f"SELECT ?p ?n {{ <{DATASET}> <{VOID}propertyPartition> [ <{VOID}property> ?p ; "
                                 f"<{VOID}triples> ?n ] }}"):
        assert int(row["n"].value) == count(server, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s {row['p']} ?o }}")


EXTERNAL_LINKS = f"""SELECT ?g ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
  FILTER(isIRI(?o) && !STRSTARTS(STR(?o), "https://w3id.org/ungass-kg/") && ?p != <{RDF_TYPE}>)
  FILTER(?g != <https://w3id.org/ungass-kg/graph/meta> && !STRSTARTS(STR(?g), "https://w3id.org/ungass-kg/graph/ontology/"))
}}"""


def test_every_external_link_is_in_a_linkset_with_its_count(server, local_store):
    description = void(server)
    vocabularies = values(description, f"SELECT ?v {{ <{DATASET}> <{VOID}vocabulary> ?v }}")
    linksets = {(row["space"].value, row["p"].value): int(row["n"].value) for row in description.query(f"""
        SELECT ?space ?p ?n {{ ?l a <{VOID}Linkset> ; <{VOID}subjectsTarget> <{DATASET}> ; <{VOID}linkPredicate> ?p ;
          <{VOID}triples> ?n ; <{VOID}objectsTarget> [ <{VOID}uriSpace> ?space ] . <{DATASET}> <{VOID}subset> ?l }}""")}
    assert len(linksets) >= 4
    counted = dict.fromkeys(linksets, 0)
    for row in local_store.query(EXTERNAL_LINKS):
        target = row["o"].value
        if any(target.startswith(vocabulary.rstrip("#/")) for vocabulary in vocabularies):
            continue  # a term of a vocabulary the dataset uses (cito:citesAsAuthority...), not a link
        covering = [key for key in linksets if target.startswith(key[0]) and key[1] == row["p"].value]
        assert covering, f"no linkset for <{target}> (by <{row['p'].value}>)"
        counted[covering[0]] += 1
    assert counted == linksets
    eu_countries = [n for (space, _), n in linksets.items() if space.endswith("authority/country/")]
    # One link per State of the data: the 17 of the first pass, and Nepal and Myanmar, which the source names in
    # "Nepal Concerned Center" (paragraph 34) and "Myanmar Opium Farmers Forum" (paragraph 67).
    assert eu_countries == [19]


def test_no_vocabulary_iri_keeps_a_trailing_hash(server):
    vocabularies = values(void(server), f"SELECT ?v {{ <{DATASET}> <{VOID}vocabulary> ?v }}")
    assert "https://w3id.org/ungass-kg/ont" in vocabularies
    assert len(vocabularies) == 9 and not [v for v in vocabularies if v.endswith("#")]


def dcat_ap_results(data: rdflib.Graph, shapes: str) -> list[tuple[str, str, str]]:
    conforms, report, _ = pyshacl.validate(data, shacl_graph=rdflib.Graph().parse(DCAT_AP / shapes))
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    return [(str(report.value(r, sh.focusNode)), str(report.value(r, sh.resultPath)), str(report.value(r, sh.resultSeverity)))
            for r in report.subjects(rdflib.RDF.type, sh.ValidationResult)]


@pytest.mark.parametrize("shapes", ["shapes.ttl", "shapes_recommended.ttl"])
def test_the_release_description_conforms_to_dcat_ap_3(server_build, shapes):
    data = rdflib.Graph().parse(server_build / "store" / "release" / "void.ttl")
    assert len(data) > 500
    assert dcat_ap_results(data, shapes) == []


def test_the_served_void_conforms_to_dcat_ap_3(server):
    response = requests.get(server.url + ".well-known/void", headers={"Accept": "text/turtle"}, timeout=30)
    assert dcat_ap_results(rdflib.Graph().parse(data=response.text, format="turtle"), "shapes.ttl") == []


def test_the_release_description_has_what_harvesters_look_for(server_build):
    release = server_build / "store" / "release"
    data = rdflib.Graph().parse(release / "void.ttl")
    dcat, dct, spdx = (rdflib.Namespace(ns) for ns in ("http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/",
                                                        "http://spdx.org/rdf/terms#"))
    dataset = rdflib.URIRef(DATASET)
    [catalog] = data.subjects(dcat.dataset, dataset)
    assert data.value(catalog, dct.publisher) is not None and data.value(dataset, dcat.contactPoint) is not None
    for term in (dcat.version, dct.issued, dct.modified, dct.temporal, dct.creator, dct.bibliographicCitation,
                 dcat.keyword, dct.language):
        assert data.value(dataset, term) is not None, term
    dumps = 0
    for distribution in data.objects(dataset, dcat.distribution):
        assert data.value(distribution, dcat.accessURL) is not None
        download = data.value(distribution, dcat.downloadURL)
        if download is None:
            assert data.value(distribution, dcat.accessService) is not None
            continue
        dumps += 1
        assert str(data.value(distribution, dcat.mediaType)).startswith("http://www.iana.org/assignments/media-types/")
        content = (release / str(download).rsplit("/", 1)[1]).read_bytes()
        assert int(data.value(distribution, dcat.byteSize)) == len(content)
        checksum = data.value(distribution, spdx.checksum)
        assert str(data.value(checksum, spdx.checksumValue)) == hashlib.sha256(content).hexdigest()
    assert dumps == 3
    services = set(data.subjects(rdflib.RDF.type, dcat.DataService))
    assert {str(s) for s in services} == {"https://w3id.org/ungass-kg/sparql", "https://w3id.org/ungass-kg/store"}


def test_every_iri_the_metadata_names_under_the_base_dereferences(server):
    described = void(server)
    iris = {term.value for quad in described for term in (quad.subject, quad.object)
            if isinstance(term, ox.NamedNode) and term.value.startswith("https://w3id.org/ungass-kg/")}
    iris |= {UKGS + "queryTimeLimit", UKGS + "resultRowLimit"}  # the service description's own terms
    assert "https://w3id.org/ungass-kg/graph/meta" in iris
    documents = {iri.split("#")[0] for iri in iris}
    for document in sorted(documents):
        response = requests.get(server.url + document.removeprefix("https://w3id.org/ungass-kg/"),
                                headers={"Accept": "text/turtle"}, timeout=30)
        assert response.status_code == 200, f"{document}: {response.status_code} {response.text[:200]}"
        if "#" in document or document.rstrip("/").rsplit("/", 1)[-1] in ("ont", "dataset", "service"):
            assert "turtle" in response.headers["Content-Type"], document


@pytest.mark.parametrize("path", ["sparql", ".well-known/void"])
def test_the_graph_store_is_listed_as_a_data_service(server, path):
    store = graph(requests.get(server.url + path, headers={"Accept": "text/turtle"}, timeout=30))
    dcat = "http://www.w3.org/ns/dcat#"
    assert server.url + "store" in values(store, f"SELECT ?s {{ ?s a <{dcat}DataService> ; <{dcat}endpointURL> ?s ; "
                         f"<http://purl.org/dc/terms/conformsTo> <https://www.w3.org/TR/sparql11-http-rdf-update/> ; "
                         f"<{dcat}servesDataset> <{DATASET}> }}")


def test_the_description_lists_the_extension_functions_and_each_evaluates(server):
    from server.sparql.functions import FUNCTIONS, example
    listed = values(describe(server), f"SELECT ?f {{ ?s <{SD}extensionFunction> ?f . ?f a <{SD}Function> }}")
    assert listed == sorted(FUNCTIONS) and len(listed) >= 41
    for iri in listed:
        answer = requests.get(server.sparql, params={"query": example(iri)},
                              headers={"Accept": "application/sparql-results+json"}, timeout=30)
        assert answer.status_code == 200, answer.text
        assert answer.json()["results"]["bindings"][0].get("value"), f"<{iri}> is listed but not evaluated"


def test_the_citation_file_agrees_with_the_release_description(server_build):
    import yaml
    root = Path(__file__).resolve().parent.parent
    citation = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    data = rdflib.Graph().parse(server_build / "store" / "release" / "void.ttl")
    dataset = rdflib.URIRef(DATASET)
    assert citation["cff-version"] == "1.2.0" and citation["authors"]
    assert citation["version"] == str(data.value(dataset, rdflib.URIRef("http://www.w3.org/ns/dcat#version")))
    assert citation["date-released"] == str(data.value(dataset, rdflib.URIRef("http://purl.org/dc/terms/issued")))
    assert "MIT" in citation["license"] and "CC-BY-4.0" in citation["license"]
    assert "CC BY 4.0" in (root / "LICENSE").read_text(encoding="utf-8")


def test_ont_serves_the_whole_ontology(server, local_store):
    response = requests.get(server.url + "ont", headers={"Accept": "application/n-triples"}, timeout=30)
    served = graph(response)
    ontology = [q for q in local_store.quads_for_pattern(None, None, None,
                                                        ox.NamedNode("https://w3id.org/ungass-kg/graph/ontology/ukg"))]
    assert len(ontology) > 600
    expected = rdflib.Graph().parse(data=ox.serialize([q.triple for q in ontology], format=ox.RdfFormat.N_TRIPLES),
                                    format="nt")
    got = rdflib.Graph().parse(data=response.text, format="nt")
    from rdflib.compare import graph_diff, to_isomorphic
    _, _, missing = graph_diff(to_isomorphic(got), to_isomorphic(expected))  # in the ontology, not served
    assert len(missing) == 0, sorted(missing)[:5]
    members = values(served, "SELECT ?m { <https://w3id.org/ungass-kg/ont#QuantifierScale> "
                              "<http://www.w3.org/2004/02/skos/core#memberList>/<http://www.w3.org/1999/02/22-rdf-syntax-ns#rest>*"
                              "/<http://www.w3.org/1999/02/22-rdf-syntax-ns#first> ?m }")
    assert len(members) == 5


@pytest.mark.parametrize("path", ["data/id/org/unodc.ttl", "data/id/org/unodc.nt", "ont", "dataset", "data/graph/meta.ttl"])
def test_every_resource_document_names_its_dataset(server, path):
    response = requests.get(server.url + path, headers={"Accept": "text/turtle"}, timeout=30)
    document = graph(response)
    assert values(document, f"SELECT ?d {{ ?r <{VOID}inDataset> ?d }}") == [DATASET]
