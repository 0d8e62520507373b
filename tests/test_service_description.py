"""The service description at GET /sparql and the VoID description at /.well-known/void, as a client reads them."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
import requests
from server_fixtures import media_type

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
FORMATS = "http://www.w3.org/ns/formats/"
UKGS = "https://w3id.org/ungass-kg/service#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DATASET = "https://w3id.org/ungass-kg/dataset"


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
    assert values(description, f"SELECT ?e {{ <{DATASET}> <{VOID}sparqlEndpoint> ?e }}") == [server.sparql]
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
        f"SELECT ?g ?n {{ <{DATASET}> <{VOID}subset> ?g . ?g <{VOID}triples> ?n }}")}
    assert subsets == {g: n for g, n in build_info["graphs"].items() if g != "https://w3id.org/ungass-kg/graph/meta"}


def test_void_statistics_match_the_data(server, build_info):
    [triples] = values(void(server), f"SELECT ?n {{ <{DATASET}> <{VOID}triples> ?n }}")
    answer = requests.get(server.sparql, params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                                                           "FILTER(?g != <https://w3id.org/ungass-kg/graph/meta>) }"},
                          timeout=30)
    assert answer.json()["results"]["bindings"][0]["n"]["value"] == triples


@pytest.mark.parametrize("path", ["sparql", ".well-known/void"])
def test_the_graph_store_is_listed_as_a_data_service(server, path):
    store = graph(requests.get(server.url + path, headers={"Accept": "text/turtle"}, timeout=30))
    dcat = "http://www.w3.org/ns/dcat#"
    assert values(store, f"SELECT ?s {{ ?s a <{dcat}DataService> ; <{dcat}endpointURL> ?s ; "
                         f"<http://purl.org/dc/terms/conformsTo> <https://www.w3.org/TR/sparql11-http-rdf-update/> ; "
                         f"<{dcat}servesDataset> <{DATASET}> }}") == [server.url + "store"]
