"""What the internet may send: SERVICE to anywhere, deep nesting, a forged Host, many clients at once.

Runaway queries, memory bombs and dying processes need real server processes: tests/test_reliability.py.
"""
from __future__ import annotations

import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox
import pytest
import requests
from server_fixtures import oracle_rows, oracle_triples, rows, triples

from server.sparql.query_scan import scan

UNODC = "https://w3id.org/ungass-kg/id/org/unodc"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # (triples)^3 solutions
SIMPLE = f'SELECT ?label WHERE {{ <{UNODC}> <{LABEL}> ?label }}'


def health(server) -> dict:
    return requests.get(server.url + "health", timeout=30).json()


# SERVICE: refused before the query runs, unless the endpoint is on the allow-list.

REFUSED = [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
    "PREFIX remote: <{base}>\nSELECT * WHERE {{ service remote:sparql {{ ?s ?p ?o }} }}",
    "BASE <{base}>\nSELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?x ?y ?z OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} LIMIT 1",
    "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE<{url}>{{?s ?p ?o}} }}",
    "DESCRIBE ?s WHERE {{ # a comment\n SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "ASK {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
    # Oxigraph's parser needs no space after a keyword, nor before one after true/false.
    "SELECT*WHERE{{SERVICESILENT<{url}>{{?s ?p ?o}}}}",
    "PREFIX r: <{base}>\nSELECT * WHERE {{ ?a ?b trueSERVICEr:sparql{{ ?s ?p ?o }} }}",
    "PREFIX SILENTr: <http://allowed.example/>\nPREFIX r: <{base}>\nSELECT * {{ SERVICE SILENTr:sparql {{ ?s ?p ?o }} }}",
]


@pytest.mark.parametrize("template", REFUSED)
def test_service_to_an_unlisted_endpoint_is_refused_and_never_called(server, listener, template):
    query = template.format(url=listener.url, base=listener.url.rsplit("/", 1)[0] + "/")
    response = requests.post(server.sparql, data={"query": query}, timeout=30)
    assert response.status_code == 403, response.text
    assert f"SERVICE <{listener.url}> is refused" in response.text
    assert "allow-list" in response.text
    assert listener.requests == []


def test_service_to_a_variable_is_refused(server, listener):
    query = f"SELECT * WHERE {{ BIND(<{listener.url}> AS ?endpoint) SERVICE ?endpoint {{ ?s ?p ?o }} }}"
    response = requests.get(server.sparql, params={"query": query}, timeout=30)
    assert response.status_code == 403, response.text
    assert "not a variable" in response.text
    assert listener.requests == []


def test_an_allowed_endpoint_is_called(start_server, listener):
    """The control of the tests above: the same listener does receive a request when it is allowed."""
    federating = start_server(service_allow_list=(listener.url,))
    query = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    response = requests.get(federating.sparql, params={"query": query}, timeout=30)
    assert response.status_code == 502, response.text  # the listener hangs up without answering
    assert "SERVICE endpoint failed" in response.text
    assert len(listener.requests) == 1 and listener.requests[0].split(b" ")[1] == b"/sparql"


def test_federation_with_an_allowed_endpoint_answers(start_server, server):
    federating = start_server(service_allow_list=(server.sparql,))
    query = f"SELECT ?label WHERE {{ SERVICE <{server.sparql}> {{ <{UNODC}> <{LABEL}> ?label }} }}"
    response = requests.get(federating.sparql, params={"query": query}, timeout=30)
    assert response.status_code == 200, response.text
    assert [b["label"]["value"] for b in response.json()["results"]["bindings"]] == ["United Nations Office on Drugs and Crime"]


# Many clients at once.

@dataclass
class Call:
    name: str
    send: Callable[[requests.Session, str], requests.Response]
    check: Callable[[requests.Response], bool]


def workload(local_store: ox.Store, build_info: dict) -> list[Call]:
    units = ("PREFIX org: <http://www.w3.org/ns/org#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
             f"SELECT ?unit ?label WHERE {{ ?unit org:unitOf <{UNODC}> ; rdfs:label ?label }} ORDER BY ?unit")
    per_property = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p"
    per_graph = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    about = f"CONSTRUCT {{ <{UNODC}> ?p ?o }} WHERE {{ <{UNODC}> ?p ?o }}"
    everything = "CONSTRUCT WHERE { ?s ?p ?o }"
    organizations = "https://w3id.org/ungass-kg/graph/actors/organizations"
    expected = {
        "units": oracle_rows(local_store, units),
        "units-plain": oracle_rows(local_store, units, plain=True),
        "per-property": oracle_rows(local_store, per_property),
        "per-graph": [{"g": f"<{g}>", "n": f'"{n}"^^<http://www.w3.org/2001/XMLSchema#integer>'}
                      for g, n in sorted(build_info["graphs"].items())],
        "about": oracle_triples(local_store, about),
        "everything": oracle_triples(local_store, everything),
    }

    def get(query: str, accept: str, **params):
        return lambda s, url: s.get(url, params={"query": query, **params}, headers={"Accept": accept}, timeout=60)

    return [
        Call("select-json-get", get(units, "application/sparql-results+json"), lambda r: rows(r) == expected["units"]),
        Call("select-xml-form", lambda s, url: s.post(url, data={"query": units}, timeout=60,
                                                      headers={"Accept": "application/sparql-results+xml"}),
             lambda r: rows(r) == expected["units"]),
        Call("select-csv-direct", lambda s, url: s.post(url, data=units.encode(), timeout=60, headers={
            "Content-Type": "application/sparql-query", "Accept": "text/csv"}), lambda r: rows(r) == expected["units-plain"]),
        Call("group-by-tsv", get(per_property, "text/tab-separated-values"), lambda r: rows(r) == expected["per-property"]),
        Call("per-graph", get(per_graph, "*/*"), lambda r: rows(r) == expected["per-graph"]),
        Call("ask", get(f"ASK {{ <{UNODC}> ?p ?o }}", "application/sparql-results+json"), lambda r: r.json()["boolean"] is True),
        Call("construct-turtle", get(about, "text/turtle"), lambda r: triples(r) == expected["about"]),
        Call("construct-all-ntriples", get(everything, "application/n-triples"), lambda r: triples(r) == expected["everything"]),
        Call("describe-jsonld", get(f"DESCRIBE <{UNODC}>", "application/ld+json"), lambda r: triples(r) == expected["about"]),
        Call("dataset", get("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "application/sparql-results+json",
                            **{"default-graph-uri": organizations}),
             lambda r: r.json()["results"]["bindings"][0]["n"]["value"] == str(build_info["graphs"][organizations])),
        Call("syntax-error", get("SELECT * WHERE { ?s }", "*/*"), lambda r: r.status_code == 400 and "1:" in r.text),
        Call("update", get("DELETE WHERE { ?s ?p ?o }", "*/*"), lambda r: r.status_code == 403),
        Call("service-description", lambda s, url: s.get(url, timeout=60),
             lambda r: r.status_code == 200 and b"sd:Service" in r.content),
    ]


def test_eight_clients_with_a_mixed_workload_for_30_seconds_get_only_right_answers(server, local_store, build_info):
    calls = workload(local_store, build_info)
    deadline = time.monotonic() + 30
    done: Counter[str] = Counter()
    wrong: list[str] = []

    def client(number: int) -> None:
        with requests.Session() as session:
            turn = number
            while time.monotonic() < deadline:
                call = calls[turn % len(calls)]
                turn += 1
                try:
                    response = call.send(session, server.sparql)
                    right = call.check(response)
                except Exception as error:  # any failure of a client is a wrong answer to report
                    response, right = None, False
                    wrong.append(f"{call.name}: {type(error).__name__}: {error}")
                if not right and response is not None:
                    wrong.append(f"{call.name}: {response.status_code} {response.text[:300]}")
                done[call.name] += 1

    clients = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join(120)
    assert wrong == [], f"{len(wrong)} wrong answers of {sum(done.values())}, the first: {wrong[:5]}"
    assert set(done) == {call.name for call in calls}
    assert sum(done.values()) >= 8 * len(calls)
    assert health(server)["queries"]["running"] == 0


def test_the_query_scan_finds_every_service_pyoxigraph_would_call():
    """Differential check of server.sparql.query_scan against the engine itself, on SERVICE written every odd way."""
    calls: list[str] = []
    endpoint = socket.socket()
    endpoint.bind(("127.0.0.1", 0))
    endpoint.listen(64)
    port = endpoint.getsockname()[1]
    empty = b'{"head":{"vars":[]},"results":{"bindings":[]}}'

    def answer() -> None:  # records the call, then answers, so the engine returns only after the record
        while True:
            try:
                connection, _ = endpoint.accept()
            except OSError:
                return
            with connection:
                calls.append(connection.recv(65536).split(b" ")[1].decode())
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                                   b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(empty), empty))

    threading.Thread(target=answer, daemon=True).start()
    base = f"http://127.0.0.1:{port}/"
    blanks = [" ", "\n", "\t", " # SERVICE <http://x/>\n", "", ""]
    keywords = ["SERVICE", "service", "sErViCe"]
    silent = ["", "SILENT", "silent "]
    targets = [f"<{base}sparql>", "r:sparql", "<sparql>", ":sparql", "SILENTr:sparql"]
    wrappers = ["SELECT * WHERE {{ {x} }}", "SELECT*{{?a ?b ?c .{x}}}", "SELECT * {{ ?a ?b true{x} }}",
                "SELECT * {{ ?a ?b 1{x} }}", "SELECT * {{ ?a ?b \"s\"@en{x} }}", "ASK {{ OPTIONAL {{ {x} }} }}",
                "SELECT * {{ {{ SELECT * {{ {x} }} }} }}", "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {x} }}",
                "SELECT * {{ ?a ?b ?c MINUS {{ {x} }} }}", "SELECT * {{ ?a ?b ?c FILTER(true){x} }}",
                "SELECT * {{ ?a ?b ?c FILTER NOT EXISTS {{ {x} }} }}", "SELECT ('SERVICE <x>' AS ?q) {{ {x} }}"]
    prologues = [f"PREFIX r: <{base}>\nPREFIX : <{base}>\n", f"BASE <{base}x/>\nPREFIX r: <../>\nPREFIX : <>\n",
                 f"prefix r:<{base}>prefix :<{base}>", f"PREFIX SILENTr: <http://allowed.example/>\nPREFIX r: <{base}>\n"]
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://a"), ox.NamedNode("http://b"), ox.NamedNode("http://c")))
    rng = random.Random(4)
    checked = 0
    for _ in range(1200):
        x = (rng.choice(keywords) + rng.choice(blanks) + rng.choice(silent) + rng.choice(blanks)
             + rng.choice(targets) + rng.choice(blanks) + "{ ?s ?p ?o }")
        query = rng.choice(prologues) + rng.choice(wrappers).format(x=x)
        before = len(calls)
        try:
            results = store.query(query)
            bool(results) if isinstance(results, ox.QueryBoolean) else list(results)
        except SyntaxError:
            continue
        if len(calls) == before:
            continue
        checked += 1
        found = scan(query).services
        assert found, f"the scan missed a SERVICE the engine called: {query!r}"
        assert f"http://127.0.0.1:{port}{calls[-1]}" in found or None in found, f"wrong target: {query!r} {found}"
    endpoint.close()
    assert checked > 400, checked


def test_a_server_process_without_allowed_services_cannot_reach_the_network(listener):
    """Defence in depth: in a serving process (server.serving), a SERVICE that got past the check of the query
    text would still reach nothing. Checked in a forked child, as granian starts one."""
    import multiprocessing

    from server.serving import isolate_network

    def child(results) -> None:
        isolated = isolate_network()
        try:
            socket.create_connection(("127.0.0.1", int(listener.url.split(":")[2].split("/")[0])), timeout=2).close()
            results.put((isolated, "connected"))
        except OSError as error:
            results.put((isolated, type(error).__name__))

    context = multiprocessing.get_context("fork")
    results = context.SimpleQueue()
    process = context.Process(target=child, args=(results,))
    process.start()
    process.join(30)
    isolated, outcome = results.get()
    if not isolated:
        pytest.skip("this kernel gives no network namespace to a server process")
    assert outcome != "connected" and listener.requests == []


# Deep nesting: evaluated on a large stack, or refused naming the limit; never a crash.

@pytest.mark.parametrize("query", [
    "SELECT ?x WHERE { ?s ?p ?o BIND(" + "STR(" * 1000 + "?o" + ")" * 1000 + " AS ?x) } LIMIT 1",
    "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000 + " LIMIT 1",
])
def test_deeply_nested_queries_are_answered(server, query):
    response = requests.post(server.sparql, data={"query": query}, timeout=60)
    assert response.status_code == 200, response.text[:300]
    assert len(response.json()["results"]["bindings"]) == 1


def test_nesting_past_the_limit_is_refused_naming_it(server):
    from server.sparql.nesting import MAX_DEPTH
    query = "SELECT * WHERE " + "{" * (MAX_DEPTH + 1) + " ?s ?p ?o " + "}" * (MAX_DEPTH + 1)
    response = requests.post(server.sparql, data={"query": query}, timeout=60)
    assert response.status_code == 400, response.text[:300]
    assert f"at most {MAX_DEPTH} levels" in response.text
    # Brackets in strings do not count.
    quoted = 'SELECT ("' + "{" * (MAX_DEPTH + 1) + '" AS ?x) {}'
    assert requests.post(server.sparql, data={"query": quoted}, timeout=60).status_code == 200


# What a browser is told, and who the server says it is.

SECURITY = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin"}


def html_pages(server) -> list[str]:
    """Every page linked from the home page and the query pages, and an error page."""
    import re
    home = requests.get(server.url, timeout=30)
    links = set(re.findall(r'href="(/[^"#?]*)"', home.text)) | {"/", "/queries", "/sparql", "/no/such/page"}
    return sorted(links)


def test_every_html_answer_carries_the_security_headers(server):
    checked = 0
    for path in html_pages(server):
        response = requests.get(server.url.rstrip("/") + path, headers={"Accept": "text/html"}, timeout=30)
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        if response.headers.get("Content-Type", "").startswith("text/html"):
            checked += 1
            for name, value in SECURITY.items():
                assert response.headers.get(name) == value, (path, name)
            policy = response.headers["Content-Security-Policy"]
            assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy, path
            assert "unsafe-inline" not in policy, path
            assert "<script>" not in response.text and " onclick=" not in response.text, f"inline script in {path}"
    assert checked >= 3


@pytest.mark.parametrize("path", ["sparql", "openapi.json", "queries", ""])
def test_a_forged_host_is_not_echoed(server, path):
    response = requests.get(server.url + path, headers={"Host": "evil.example"}, timeout=30)
    assert response.status_code == 200
    assert "evil.example" not in response.text
    if path == "sparql":
        assert server.sparql in response.text  # the server names itself by the address it listens on


def test_a_public_url_names_the_service(start_server):
    public = start_server(public_url="https://data.example.org/kg/", trusted_hosts=("proxy.example",))
    description = requests.get(public.sparql, headers={"Host": "evil.example"}, timeout=30).text
    assert "https://data.example.org/kg/sparql" in description and "evil.example" not in description


def test_a_trusted_host_names_the_service(start_server):
    trusting = start_server(trusted_hosts=("kg.example:8080",))
    description = requests.get(trusting.sparql, headers={"Host": "kg.example:8080"}, timeout=30).text
    assert "http://kg.example:8080/sparql" in description


def test_expect_100_continue_is_answered(server):
    port = int(server.url.split(":")[2].strip("/"))
    for request in (b"GET /health HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            connection.sendall(request)
            assert connection.recv(65536).startswith(b"HTTP/1.1 200")
    body = b"ASK { ?s ?p ?o }"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nConnection: close\r\n"
                           b"Content-Type: application/sparql-query\r\nContent-Length: %d\r\n\r\n" % len(body))
        assert connection.recv(65536).startswith(b"HTTP/1.1 100 Continue")
        connection.sendall(body)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 200") and b'"boolean":true' in answer
