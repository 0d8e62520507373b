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
                     ox.Literal("United Nations Office on Drugs and Crime", language="en")) in got


def test_turtle_answers_reuse_the_query_prefixes(server):
    response = get(server, ABOUT_UNODC, accept="text/turtle")
    assert b"@prefix skos: <http://www.w3.org/2004/02/skos/core#>" in response.content
    assert b"skos:altLabel " in response.content and b'"UNODC"@en' in response.content


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
def test_the_format_parameter_decides_where_accept_allows_it(server, fmt, expected):
    for accept in ("*/*", f"{expected}, application/sparql-results+json;q=0.5"):
        response = get(server, UNITS, format=fmt, accept=accept)
        assert response.headers["Content-Type"].split(";")[0] == expected, accept


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xml", "text/csv"])
def test_where_format_and_accept_disagree_the_client_gets_what_accept_allows(server, local_store, fmt):
    response = get(server, UNITS, format=fmt, accept="application/sparql-results+json")
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/sparql-results+json"
    assert rows(response) == oracle_rows(local_store, UNITS)


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
    assert sorted(n.firstChild.data for n in document.getElementsByTagName("literal")) == ["Office", "UNODC", "the Office"]


def test_rdflib_sparqlstore_select_and_construct(server, local_store):
    from rdflib import Graph, Literal, URIRef
    from rdflib.plugins.stores.sparqlstore import SPARQLStore
    store = SPARQLStore(server.sparql)
    graph = Graph(store=store)
    labels = [str(row.label) for row in graph.query(UNITS)]
    assert labels == [r["label"] for r in oracle_rows(local_store, UNITS, plain=True)]
    assert (URIRef(UNODC), URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("United Nations Office on Drugs and Crime", lang="en")) in graph
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


# What real clients send (issue 13): repeated and alternative format parameters, HEAD, OPTIONS, URL dataset
# parameters on a form POST, relative IRIs, readable syntax errors. One behaviour per test.

def sparqlwrapper_url(server, query: str, value: str, accept_value: str) -> str:
    """The URL SPARQLWrapper 2 builds by default: format, output and results, each twice for tsv/json-ld/rdf+xml."""
    from urllib.parse import urlencode
    params = [("query", query)] + [(name, v) for name in ("format", "output", "results") for v in (value, accept_value)]
    return server.sparql + "?" + urlencode(params)


@pytest.mark.parametrize("query, value, accept, media_type", [
    (UNITS, "tsv", "text/tab-separated-values", "text/tab-separated-values"),
    (ABOUT_UNODC, "json-ld", "application/ld+json,application/x-json+ld", "application/ld+json"),
    (ABOUT_UNODC, "rdf+xml", "application/rdf+xml", "application/rdf+xml"),
])
def test_format_given_twice_with_two_spellings_and_under_three_names_is_understood(server, local_store, query, value,
                                                                                    accept, media_type):
    response = requests.get(sparqlwrapper_url(server, query, value, accept.split(",")[0]), headers={"Accept": accept},
                            timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].split(";")[0] == media_type
    if query == UNITS:
        assert rows(response) == oracle_rows(local_store, UNITS)
    else:
        assert triples(response) == oracle_triples(local_store, ABOUT_UNODC)


def test_an_identical_repeated_parameter_counts_once(server, local_store):
    response = requests.get(server.sparql, params=[("query", UNITS), ("query", UNITS), ("format", "csv"),
                                                   ("format", "csv"), ("default-graph-uri", ORGANIZATIONS),
                                                   ("default-graph-uri", ORGANIZATIONS)], timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].split(";")[0] == "text/csv"
    assert rows(response) == oracle_rows(local_store, UNITS, plain=True)


def test_an_n3_request_gets_n3_that_turtle_and_n3_parsers_read(server, local_store):
    sparqlwrapper_n3 = "application/turtle,text/turtle,text/rdf+n3,application/n-triples,application/n3,text/n3"
    for accept in (sparqlwrapper_n3, "text/n3"):
        response = get(server, ABOUT_UNODC, format="n3", accept=accept)
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].split(";")[0] in accept.split(","), accept
        assert triples(response) == oracle_triples(local_store, ABOUT_UNODC)


def test_text_plain_gets_n_triples_for_a_graph(server, local_store):
    response = get(server, ABOUT_UNODC, accept="text/plain")
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/n-triples"
    assert triples(response) == oracle_triples(local_store, ABOUT_UNODC)


# One example path for every GET route of the app (a new route without one fails the first test below).
HEAD_EXAMPLES = {
    "/": [""], "/.well-known/void": [".well-known/void"], "/data/<path:rest>": ["data/id/org/unodc.ttl"],
    "/dataset": ["dataset"], "/dumps/<name>": ["dumps/ungass-kg.ttl"], "/graph/<path:rest>": ["graph/meta"],
    "/health": ["health"], "/id/<path:rest>": ["id/org/unodc"], "/ont": ["ont"], "/ont/<version>": ["ont/0.1.0"],
    "/openapi.json": ["openapi.json"], "/page/<path:rest>": ["page/id/org/unodc"], "/queries": ["queries"],
    "/queries/<name>": ["queries/chapter-panel?chapter=III"], "/service": ["service"], "/shapes": ["shapes"],
    "/sparql": ["sparql", "sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D"], "/static/<path:filename>": ["static/style.css"],
    "/store": ["store", "store?default", f"store?graph={ORGANIZATIONS}"], "/workbench": ["workbench"],
    "/editor": ["editor"], "/vendor/yasgui/<name>": ["vendor/yasgui/yasgui.min.js"], "/search": ["search?q=naloxone"],
    "/browse": ["browse"], "/browse/<path:name>": ["browse/ukg:ReportedStatement"],
}


def test_every_get_route_has_a_head_example(server):
    routes = {rule.rule for rule in server.app.url_map.iter_rules() if "GET" in rule.methods}
    assert routes == set(HEAD_EXAMPLES)


@pytest.mark.parametrize("path", [path for paths in HEAD_EXAMPLES.values() for path in paths])
def test_head_answers_like_get_without_a_body(server, path):
    got = requests.get(server.url + path, allow_redirects=False, timeout=30)
    head = requests.head(server.url + path, allow_redirects=False, timeout=30)
    assert got.status_code in (200, 301, 303), got.text  # 301: /workbench moved to /editor
    assert head.status_code == got.status_code and head.content == b""
    for name in ("Content-Type", "ETag", "Vary", "Cache-Control", "Location", "Allow"):
        assert head.headers.get(name) == got.headers.get(name), name


def test_options_lists_the_allowed_methods(server):
    response = requests.options(server.sparql, timeout=30)
    assert response.status_code == 200
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "HEAD", "POST", "OPTIONS"}
    response = requests.options(server.url + "store", timeout=30)
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_a_form_post_may_carry_the_dataset_in_its_url(server, local_store):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    response = requests.post(server.sparql, params={"default-graph-uri": ORGANIZATIONS}, data={"query": query},
                             headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert response.status_code == 200, response.text
    expected = local_store.query(query, default_graph=[ox.NamedNode(ORGANIZATIONS)])
    assert rows(response) == [{"n": str(next(iter(expected))["n"])}]
    assert rows(response) != oracle_rows(local_store, query)  # not the whole union


def test_a_dataset_given_differently_in_url_and_body_is_400_naming_both(server):
    other = GRAPH + "actors/countries"
    response = requests.post(server.sparql, params={"default-graph-uri": ORGANIZATIONS},
                             data={"query": UNITS, "default-graph-uri": other}, timeout=30)
    assert response.status_code == 400
    assert ORGANIZATIONS in response.text and other in response.text and "default-graph-uri" in response.text


def test_relative_iris_resolve_against_the_datasets_iri_base(server):
    response = get(server, "CONSTRUCT { <s> <p> 1 } WHERE {}", accept="application/n-triples")
    assert response.status_code == 200, response.text
    assert response.text.strip() == ('<https://w3id.org/ungass-kg/s> <https://w3id.org/ungass-kg/p> '
                                     '"1"^^<http://www.w3.org/2001/XMLSchema#integer> .')
    response = get(server, "ASK { <id/org/unodc> ?p ?o }", accept="application/sparql-results+json")
    assert response.json()["boolean"] is True


@pytest.mark.parametrize("query, words", [
    ("SELECT * WHERE { ?s ?p ?o } LIMT 3", ["line 1, column 29", "did you mean LIMIT?"]),
    ("SELECT * WHERE {\n  ?s ?p ?o .\n  OPTINAL { ?s a ?c }\n}", ["line 3, column 3", "did you mean OPTIONAL?"]),
    ("SELECT * WHERE { ?s ?p ?o", ["line 1, column 16", "never closed"]),
    ("SELECT * WHERE {\n ?s ex:p ?o }", ["line 2, column 5", "undeclared prefix ex:", "PREFIX ex: <"]),
    ("SELECT * WHERE { ?s ?p }", ["line 1, column 18", "only a subject and a predicate", "needs a subject, a predicate and an object"]),
    ("SELECT * WHERE { ?s ?p ?o ; ?q }", ["line 1, column 29", "after ';' come a predicate and an object"]),
])
def test_a_syntax_error_names_line_column_and_the_cause_in_words(server, query, words):
    response = get(server, query)
    assert response.status_code == 400
    for word in words:
        assert word in response.text, response.text
    assert "^" in response.text  # the line, with a caret under the column


# The Graph Store HTTP Protocol, read side (/store).

STORE_FORMATS = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml",
                 "application/n-quads", "application/trig", "text/n3"]


@pytest.mark.parametrize("accept", STORE_FORMATS)
def test_the_graph_store_answers_a_named_graph_whole_in_every_rdf_format(server, local_store, accept):
    response = requests.get(server.url + "store", params={"graph": ORGANIZATIONS}, headers={"Accept": accept},
                            timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].split(";")[0] == accept
    expected = {ox.Triple(q.subject, q.predicate, q.object)
                for q in local_store.quads_for_pattern(None, None, None, ox.NamedNode(ORGANIZATIONS))}
    assert len(expected) > 100 and triples(response) == expected
    assert response.headers["ETag"].startswith('W/"') and "Accept" in response.headers["Vary"]


def test_the_graph_store_default_graph_is_the_union(server, local_store):
    response = requests.get(server.url + "store?default", headers={"Accept": "application/n-triples"}, timeout=30)
    assert response.status_code == 200, response.text
    assert triples(response) == oracle_triples(local_store, "CONSTRUCT WHERE { ?s ?p ?o }")


def test_the_graph_store_revalidates_with_its_etag(server):
    url = server.url + "store"
    first = requests.get(url, params={"graph": ORGANIZATIONS}, timeout=30)
    again = requests.get(url, params={"graph": ORGANIZATIONS}, headers={"If-None-Match": first.headers["ETag"]},
                         timeout=30)
    assert again.status_code == 304 and again.content == b""
    other = requests.get(url, params={"graph": ORGANIZATIONS}, headers={"Accept": "application/ld+json"}, timeout=30)
    assert other.headers["ETag"] != first.headers["ETag"]


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE", "PATCH"])
def test_the_graph_store_refuses_writes_with_405_and_allow(server, method):
    response = requests.request(method, server.url + "store", params={"graph": ORGANIZATIONS},
                                data=b"<a:b> <a:c> <a:d> .", headers={"Content-Type": "application/n-triples"},
                                timeout=30)
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert "read-only" in response.text


def test_the_graph_store_without_a_graph_describes_itself(server):
    response = requests.get(server.url + "store", headers={"Accept": "application/n-triples"}, timeout=30)
    assert response.status_code == 200, response.text
    assert (f"<{server.url}store> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
            "<http://www.w3.org/ns/dcat#DataService> .") in response.text


@pytest.mark.parametrize("query, status, words", [
    ("graph=https://w3id.org/ungass-kg/graph/nope", 404, "no graph <https://w3id.org/ungass-kg/graph/nope>"),
    (f"default&graph={ORGANIZATIONS}", 400, "exactly one of graph=IRI"),
    ("graph=not%20an%20iri", 400, "not an absolute IRI"),
    ("graph=x&colour=red", 400, "not colour"),
])
def test_a_bad_graph_store_request_says_what_is_wrong(server, query, status, words):
    response = requests.get(server.url + "store?" + query, timeout=30)
    assert response.status_code == status and words in response.text, response.text


def test_text_plain_gets_n_triples_for_a_resource_too(server):
    response = requests.get(server.url + "id/org/unodc", headers={"Accept": "text/plain"}, allow_redirects=False,
                            timeout=30)
    assert response.status_code == 303 and response.headers["Location"].endswith("/data/id/org/unodc.nt")


def test_the_syntax_explanations_find_no_fault_in_valid_queries():
    """The causes syntax.explain names come from a scan, not a parser: none may fire on a valid query."""
    from pathlib import Path

    from server.sparql import syntax
    queries = sorted((Path(__file__).resolve().parent.parent / "queries").rglob("*.rq"))
    assert len(queries) > 20
    for path in queries:
        text = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#+"))
        ox.Store().query(text, base_iri="https://w3id.org/ungass-kg/")  # valid: the engine parses it
        assert syntax.explain(text, "error at 1:1: expected SELECT") == "at line 1, column 1 (1:1): expected SELECT\n" + \
            syntax._caret(text.split("\n")[0], 1), path
