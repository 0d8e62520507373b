"""The SPARQL 1.1 Protocol as clients use it: three ways to send a query, every result format, datasets, real clients."""
from __future__ import annotations

import json
import os
import shutil

import pyoxigraph as ox
import pytest
import requests
from server_fixtures import oracle_rows, oracle_triples, rows, serve, triples, wait_for

from server.app import create_app
from server.backends.remote import RemoteBackend
from server.config import Config

GRAPH = "https://w3id.org/ungass-kg/graph/"
ORGANIZATIONS = GRAPH + "actors/organizations"
UNODC = "https://w3id.org/ungass-kg/id/org/unodc"
PREFIXES = """PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
UNITS = PREFIXES + f"SELECT ?unit ?label WHERE {{ ?unit org:unitOf <{UNODC}> ; rdfs:label ?label }} ORDER BY ?unit"
ABOUT_UNODC = PREFIXES + f"CONSTRUCT {{ <{UNODC}> ?p ?o }} WHERE {{ <{UNODC}> ?p ?o }}"


def get(server, query: str, **params) -> requests.Response:
    headers = {"Accept": params.pop("accept")} if "accept" in params else {}
    return requests.get(server.sparql, params={"query": query, **params}, headers=headers, timeout=30)


def test_unodc_and_its_units_are_answered_by_get_post_form_and_post_direct(server, local_store):
    expected = oracle_rows(local_store, UNITS)
    labels = {row["label"] for row in expected}
    assert '"UNODC Justice Section"@en' in labels and '"UNODC Drug Prevention and Health Branch"@en' in labels

    by_get = requests.get(server.sparql, params={"query": UNITS}, timeout=30)
    by_form = requests.post(server.sparql, data={"query": UNITS}, timeout=30)
    by_body = requests.post(server.sparql, data=UNITS.encode(), timeout=30,
                            headers={"Content-Type": "application/sparql-query"})
    for response in (by_get, by_form, by_body):
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"] == "application/sparql-results+json"
        assert rows(response) == expected


@pytest.mark.parametrize("accept, media_type", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/tab-separated-values", "text/tab-separated-values"),
])
def test_select_results_in_each_format_hold_the_same_solutions(server, local_store, accept, media_type):
    response = get(server, UNITS, accept=accept)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].split(";")[0] == media_type
    assert rows(response) == oracle_rows(local_store, UNITS)
    assert "Accept" in response.headers["Vary"]


def test_select_as_csv_has_a_header_and_one_line_per_solution(server, local_store):
    response = get(server, UNITS, accept="text/csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"unit,label\r\n")
    assert rows(response) == oracle_rows(local_store, UNITS, plain=True)


@pytest.mark.parametrize("fmt, expected", [
    ("json", b'{"head":{},"boolean":true}'),
    ("xml", b"<boolean>true</boolean>"),
    ("csv", b"true"),
    ("tsv", b"true"),
])
def test_ask_answers_true_in_each_format(server, fmt, expected):
    response = get(server, f"ASK {{ <{UNODC}> ?p ?o }}", format=fmt)
    assert response.status_code == 200, response.text
    assert expected in response.content


def test_ask_answers_false_for_an_unknown_resource(server):
    response = get(server, "ASK { <https://w3id.org/ungass-kg/id/org/no-such-body> ?p ?o }")
    assert response.json() == {"head": {}, "boolean": False}


@pytest.mark.parametrize("accept", [
    "text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml",
    "application/n-quads", "application/trig",
])
def test_construct_in_each_rdf_format_holds_the_same_triples(server, local_store, accept):
    response = get(server, ABOUT_UNODC, accept=accept)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].split(";")[0] == accept
    got = triples(response)
    assert got == oracle_triples(local_store, ABOUT_UNODC)
    assert ox.Triple(ox.NamedNode(UNODC), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                     ox.Literal("UNODC", language="en")) in got


def test_turtle_answers_reuse_the_query_prefixes(server):
    response = get(server, ABOUT_UNODC, accept="text/turtle")
    assert b"@prefix skos: <http://www.w3.org/2004/02/skos/core#>" in response.content
    assert b'skos:altLabel "United Nations Office on Drugs and Crime"@en' in response.content


def test_describe_answers_the_triples_about_a_resource(server, local_store):
    query = f"DESCRIBE <{UNODC}>"
    response = get(server, query)
    assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert triples(response) == oracle_triples(local_store, query)


@pytest.mark.parametrize("accept, expected", [
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("application/sparql-results+xml;q=0.1, text/tab-separated-values", "text/tab-separated-values"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/sparql-results+xml"),
    ("*/*", "application/sparql-results+json"),
    ("text/*", "text/csv"),
    ("application/sparql-results+json;q=0, */*;q=0.1", "application/sparql-results+xml"),
])
def test_accept_is_negotiated_by_quality(server, accept, expected):
    response = get(server, UNITS, accept=accept)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].split(";")[0] == expected


@pytest.mark.parametrize("fmt, expected", [
    ("csv", "text/csv"), ("tsv", "text/tab-separated-values"), ("xml", "application/sparql-results+xml"),
    ("json", "application/sparql-results+json"), ("text/csv", "text/csv"),
])
def test_the_format_parameter_overrides_accept(server, fmt, expected):
    response = get(server, UNITS, format=fmt, accept="application/sparql-results+json")
    assert response.headers["Content-Type"].split(";")[0] == expected


@pytest.mark.parametrize("fmt, expected", [
    ("turtle", "text/turtle"), ("ntriples", "application/n-triples"), ("nquads", "application/n-quads"),
    ("trig", "application/trig"), ("jsonld", "application/ld+json"), ("json", "application/ld+json"),
    ("rdfxml", "application/rdf+xml"), ("xml", "application/rdf+xml"), ("application/n-triples", "application/n-triples"),
])
def test_the_format_parameter_names_rdf_formats_too(server, fmt, expected):
    response = get(server, ABOUT_UNODC, format=fmt)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].split(";")[0] == expected


# Datasets: the default graph is the union of the named graphs, unless the request or the query says otherwise.

def graphs_of_unodc_label(server, **params) -> set[str]:
    query = f"SELECT ?g WHERE {{ GRAPH ?g {{ <{UNODC}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }} }}"
    return {row["g"] for row in rows(get(server, query, **params))}


def count(server, query: str, **params) -> int:
    response = get(server, query, **params)
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_the_default_graph_is_the_union_of_all_named_graphs(server, build_info):
    query = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count(server, query) == len(build_info["graphs"])
    assert count(server, f"SELECT (COUNT(*) AS ?n) WHERE {{ <{UNODC}> ?p ?o }}") >= 3
    assert graphs_of_unodc_label(server) == {f"<{ORGANIZATIONS}>"}


def test_default_graph_uri_selects_the_default_graph(server, build_info):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert count(server, query, **{"default-graph-uri": ORGANIZATIONS}) == build_info["graphs"][ORGANIZATIONS]
    assert count(server, query, **{"default-graph-uri": GRAPH + "no-such-graph"}) == 0


def test_named_graph_uri_selects_the_graphs_graph_sees(server):
    assert graphs_of_unodc_label(server, **{"named-graph-uri": ORGANIZATIONS}) == {f"<{ORGANIZATIONS}>"}
    assert graphs_of_unodc_label(server, **{"named-graph-uri": GRAPH + "summary/paragraphs"}) == set()
    # With only default-graph-uri, no named graph is visible (Protocol §2.1.4).
    assert graphs_of_unodc_label(server, **{"default-graph-uri": ORGANIZATIONS}) == set()


def test_both_dataset_parameters_together(server, build_info):
    params = {"default-graph-uri": ORGANIZATIONS, "named-graph-uri": [ORGANIZATIONS, GRAPH + "summary/paragraphs"]}
    query = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count(server, query, **params) == 2
    assert count(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **params) == build_info["graphs"][ORGANIZATIONS]


def test_from_in_the_query_defines_the_dataset(server, build_info):
    query = f"SELECT (COUNT(*) AS ?n) FROM <{ORGANIZATIONS}> WHERE {{ ?s ?p ?o }}"
    assert count(server, query) == build_info["graphs"][ORGANIZATIONS]
    named = f"SELECT ?g FROM NAMED <{ORGANIZATIONS}> WHERE {{ GRAPH ?g {{ <{UNODC}> ?p ?o }} }} LIMIT 1"
    assert [row["g"] for row in rows(get(server, named))] == [f"<{ORGANIZATIONS}>"]


def test_protocol_dataset_overrides_from_in_the_query(server):
    query = f"SELECT (COUNT(*) AS ?n) FROM <{ORGANIZATIONS}> WHERE {{ ?s ?p ?o }}"
    assert count(server, query, **{"default-graph-uri": GRAPH + "no-such-graph"}) == 0


def test_post_direct_takes_dataset_parameters_from_the_url(server, build_info):
    response = requests.post(server.sparql, params={"default-graph-uri": ORGANIZATIONS},
                             data=b"SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", timeout=30,
                             headers={"Content-Type": "application/sparql-query"})
    assert int(response.json()["results"]["bindings"][0]["n"]["value"]) == build_info["graphs"][ORGANIZATIONS]


# Text: decoded exactly once, whatever the method.

TRICKY = 'naïve 100% «guillemets» — 中文 Ελληνικά %41 %25 + & = ? # <not-an-iri> \\ "quoted"'


@pytest.mark.parametrize("method", ["get", "form", "direct"])
def test_percent_escapes_and_non_ascii_round_trip_exactly(server, method):
    escaped = TRICKY.replace("\\", "\\\\").replace('"', '\\"')
    query = f'SELECT ?text ?iri WHERE {{ BIND("{escaped}"@fr AS ?text) BIND(<http://example.org/a%20b/é> AS ?iri) }}'
    if method == "get":
        response = requests.get(server.sparql, params={"query": query}, timeout=30)
    elif method == "form":
        response = requests.post(server.sparql, data={"query": query}, timeout=30)
    else:
        response = requests.post(server.sparql, data=query.encode("utf-8"), timeout=30,
                                 headers={"Content-Type": "application/sparql-query; charset=utf-8"})
    assert response.status_code == 200, response.text
    [binding] = response.json()["results"]["bindings"]
    assert binding["text"] == {"type": "literal", "value": TRICKY, "xml:lang": "fr"}
    assert binding["iri"] == {"type": "uri", "value": "http://example.org/a%20b/é"}


def test_strings_and_comments_that_mention_keywords_are_just_text(server):
    query = '# SERVICE <http://127.0.0.1:1/> INSERT DATA\nSELECT ("SERVICE <http://127.0.0.1:1/> {}" AS ?x) ' \
            "('''FROM <x> DELETE''' AS ?y) WHERE {}"
    response = get(server, query)
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"][0]["x"]["value"] == "SERVICE <http://127.0.0.1:1/> {}"
    schema = "PREFIX schema: <https://schema.org/>\nSELECT ?s WHERE { ?s a schema:Service, <https://schema.org/Service> }"
    assert get(server, schema).status_code == 200


# The row cap: announced in headers, never silent.

def test_a_result_over_the_row_cap_is_cut_and_says_so(limited_server, build_info):
    response = get(limited_server, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert response.status_code == 200
    assert response.headers["X-Row-Limit"] == "10"
    assert response.headers["X-Result-Truncated"] == "true"
    assert len(response.json()["results"]["bindings"]) == 10


def test_a_result_under_the_row_cap_says_it_is_complete(limited_server, local_store):
    response = get(limited_server, UNITS, format="xml")
    assert response.headers["X-Row-Limit"] == "10"
    assert response.headers["X-Result-Truncated"] == "false"
    assert rows(response) == oracle_rows(local_store, UNITS)


def test_exactly_the_cap_is_not_truncated(limited_server):
    response = get(limited_server, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 10", format="csv")
    assert response.headers["X-Result-Truncated"] == "false"
    assert response.text.count("\r\n") == 11


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld"])
def test_the_row_cap_counts_triples_of_a_construct(limited_server, local_store, fmt):
    query = "CONSTRUCT WHERE { ?s ?p ?o }"
    response = get(limited_server, query, format=fmt)
    assert response.headers["X-Result-Truncated"] == "true"
    got = triples(response)
    assert len(got) == 10 and got <= oracle_triples(local_store, query)


def test_without_a_row_cap_a_large_answer_streams_whole(start_server, local_store):
    uncapped = start_server(row_limit=0)
    query = "CONSTRUCT WHERE { ?s ?p ?o }"
    response = get(uncapped, query, format="ntriples")
    assert response.status_code == 200
    assert "X-Row-Limit" not in response.headers
    assert triples(response) == oracle_triples(local_store, query)
    assert len(response.content) > 256 * 1024, "too small to have been streamed in several chunks"


# Real clients.

def test_sparqlwrapper_select_ask_and_construct(server, local_store):
    from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
    client = SPARQLWrapper(server.sparql)
    client.setQuery(UNITS)
    client.setReturnFormat(JSON)
    bindings = client.query().convert()["results"]["bindings"]
    assert [b["label"]["value"] for b in bindings] == [r["label"] for r in oracle_rows(local_store, UNITS, plain=True)]

    client.setMethod(POST)
    client.setQuery(f"ASK {{ <{UNODC}> a <http://www.w3.org/ns/org#FormalOrganization> }}")
    assert client.query().convert()["boolean"] is True

    client.setQuery(ABOUT_UNODC)
    client.setReturnFormat(TURTLE)
    graph = ox.parse(client.query().convert(), format=ox.RdfFormat.TURTLE)
    assert {q.triple for q in graph} == oracle_triples(local_store, ABOUT_UNODC)


def test_sparqlwrapper_reads_xml_results(server):
    from SPARQLWrapper import XML, SPARQLWrapper
    client = SPARQLWrapper(server.sparql)
    client.setQuery(f"SELECT ?l WHERE {{ <{UNODC}> <http://www.w3.org/2004/02/skos/core#altLabel> ?l }}")
    client.setReturnFormat(XML)
    document = client.query().convert()
    assert [n.firstChild.data for n in document.getElementsByTagName("literal")] == [
        "United Nations Office on Drugs and Crime"]


def test_rdflib_sparqlstore_select_and_construct(server, local_store):
    from rdflib import Graph, Literal, URIRef
    from rdflib.plugins.stores.sparqlstore import SPARQLStore
    store = SPARQLStore(server.sparql)
    graph = Graph(store=store)
    labels = [str(row.label) for row in graph.query(UNITS)]
    assert labels == [r["label"] for r in oracle_rows(local_store, UNITS, plain=True)]
    assert (URIRef(UNODC), URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("UNODC", lang="en")) in graph
    constructed = graph.query(ABOUT_UNODC).graph
    assert len(constructed) == len(oracle_triples(local_store, ABOUT_UNODC))
    store.close()


# CORS and health.

def test_cors_lets_browser_clients_on_other_origins_read_answers(server):
    response = get(server, UNITS, accept="application/sparql-results+json")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Result-Truncated" in response.headers["Access-Control-Expose-Headers"]
    preflight = requests.options(server.sparql, timeout=30, headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code in (200, 204)
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "content-type" in preflight.headers["Access-Control-Allow-Headers"].lower()


def test_health_names_the_build_it_serves(server, build_info):
    response = requests.get(server.url + "health", timeout=30)
    assert response.status_code == 200
    health = response.json()
    assert health["ok"] is True
    assert health["build_id"] == build_info["build_id"]
    assert health["triples"] == build_info["triples"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_the_store_on_disk_answers_like_the_copy_in_memory(server, start_server, build_info):
    disk = start_server(storage="disk")
    assert requests.get(server.url + "health", timeout=30).json()["storage"] == "memory"
    assert requests.get(disk.url + "health", timeout=30).json()["storage"] == "disk"
    for fmt in ("json", "tsv"):
        assert rows(get(disk, UNITS, format=fmt)) == rows(get(server, UNITS, format=fmt))
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert count(disk, query, **{"default-graph-uri": ORGANIZATIONS}) == build_info["graphs"][ORGANIZATIONS]
    assert count(server, query, **{"default-graph-uri": ORGANIZATIONS}) == build_info["graphs"][ORGANIZATIONS]


def test_in_memory_storage_needs_the_release_dump(server_build, tmp_path):
    copy = tmp_path / "build" / "stores" / "copy"
    shutil.copytree((server_build / "store").resolve(), copy, ignore=shutil.ignore_patterns("release"))
    (tmp_path / "build" / "store").symlink_to("stores/copy")
    with pytest.raises(FileNotFoundError, match="release/ungass-kg.nq.*--storage disk"):
        create_app(Config(build_dir=tmp_path / "build"))
    disk = serve(create_app(Config(build_dir=tmp_path / "build", storage="disk")))
    try:
        assert get(disk, f"ASK {{ <{UNODC}> ?p ?o }}", format="json").json()["boolean"] is True
    finally:
        disk.stop()


# The remote backend: the same server over another SPARQL endpoint.

@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_remote_backend_answers_like_the_embedded_one(remote_server, server, fmt):
    direct, forwarded = get(server, UNITS, format=fmt), get(remote_server, UNITS, format=fmt)
    assert forwarded.status_code == 200, forwarded.text
    assert forwarded.headers["Content-Type"] == direct.headers["Content-Type"]
    assert rows(forwarded) == rows(direct)


def test_remote_backend_forwards_constructs_asks_and_datasets(remote_server, local_store, build_info):
    assert triples(get(remote_server, ABOUT_UNODC, format="jsonld")) == oracle_triples(local_store, ABOUT_UNODC)
    assert get(remote_server, f"ASK {{ <{UNODC}> ?p ?o }}", format="xml").content.count(b"<boolean>true</boolean>") == 1
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert count(remote_server, query, **{"default-graph-uri": ORGANIZATIONS}) == build_info["graphs"][ORGANIZATIONS]


def test_remote_backend_reports_syntax_errors_as_the_remote_does(remote_server):
    response = get(remote_server, "SELECT * WHERE { ?s ?p }")
    assert response.status_code == 400
    assert "1:" in response.text


def test_remote_backend_over_oxigraph_server(oxigraph_server, local_store):
    proxy = serve(create_app(Config(remote=oxigraph_server, row_limit=5), RemoteBackend(oxigraph_server)))
    try:
        response = get(proxy, UNITS, format="xml")
        assert response.status_code == 200, response.text
        assert rows(response) == oracle_rows(local_store, UNITS)[:5]
        assert response.headers["X-Result-Truncated"] == ("true" if len(oracle_rows(local_store, UNITS)) > 5 else "false")
        assert len(triples(get(proxy, ABOUT_UNODC, format="turtle"))) == min(5, len(oracle_triples(local_store, ABOUT_UNODC)))
        void = requests.get(proxy.url + ".well-known/void", headers={"Accept": "application/n-triples"}, timeout=30)
        assert f"<{ORGANIZATIONS}>".encode() in void.content
    finally:
        proxy.stop()


def test_the_server_follows_the_loader_when_it_swaps_in_a_new_build(server_build, tmp_path, build_info):
    real = (server_build / "store").resolve()
    stores = tmp_path / "build" / "stores"
    shutil.copytree(real, stores / "first")
    (tmp_path / "build" / "store").symlink_to("stores/first")
    local = serve(create_app(Config(build_dir=tmp_path / "build")))
    try:
        health = lambda: requests.get(local.url + "health", timeout=30).json()  # noqa: E731
        assert health()["build_id"] == build_info["build_id"]
        # What `loader build` does: a new folder, then one atomic rename of the link.
        shutil.copytree(real, stores / "second")
        info = json.loads((stores / "second" / "build.json").read_text())
        (stores / "second" / "build.json").write_text(json.dumps({**info, "build_id": "second"}))
        (tmp_path / "build" / ".store.new").symlink_to("stores/second")
        os.replace(tmp_path / "build" / ".store.new", tmp_path / "build" / "store")

        wait_for(lambda: health()["build_id"] == "second", 10, lambda: str(health()))
        assert str(tmp_path) not in json.dumps(health()), "/health shows a path on the host"
        assert get(local, f"ASK {{ <{UNODC}> ?p ?o }}").json()["boolean"] is True
    finally:
        local.stop()
