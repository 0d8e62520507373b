"""The client matrix: the SPARQL clients people already use, each driven as its documentation shows, against the real server.

Every row parses the answer the way the client does and compares it with the embedded store's own answer
(pyoxigraph on the same build, `local_store`): SPARQLWrapper with its default settings (it sends format=,
output= and results=, some twice, and an Accept header), rdflib's SPARQLStore and SPARQLUpdateStore,
requests and curl with the Protocol's three kinds of request, Comunica run by node (installed from
tests/clients/package-lock.json by `make clients`, which `make test` runs), and rdflib reading the Graph
Store (/store?graph=) and a linked-data document.
"""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
import urllib.error
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
import rdflib
import requests
from rdflib.compare import to_isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

CLIENTS = Path(__file__).resolve().parent / "clients"
UNODC = "https://w3id.org/ungass-kg/id/org/unodc"
ORGANIZATIONS = "https://w3id.org/ungass-kg/graph/actors/organizations"
SELECT = f"""PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?unit ?label WHERE {{ ?unit org:unitOf <{UNODC}> ; rdfs:label ?label }} ORDER BY ?unit"""
ASK_QUERY = f"ASK {{ <{UNODC}> a <http://www.w3.org/ns/org#FormalOrganization> }}"
CONSTRUCT = f"CONSTRUCT {{ <{UNODC}> ?p ?o }} WHERE {{ <{UNODC}> ?p ?o }}"
DESCRIBE = f"DESCRIBE <{UNODC}>"


# What the embedded store answers, in the shapes the clients' answers are brought to.

def expected_rows(store: ox.Store, query: str) -> list[dict[str, str]]:
    results = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in results.variables]
    return [{n: str(row[n]) for n in names if row[n] is not None} for row in results]


def expected_graph(store: ox.Store, query: str) -> rdflib.Graph:
    return rdflib_graph(ox.serialize(store.query(query, use_default_graph_as_union=True),
                                     format=ox.RdfFormat.N_TRIPLES), "nt")


def rdflib_graph(data: bytes | str, fmt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=data, format=fmt)


def same_graph(got: rdflib.Graph, expected: rdflib.Graph) -> bool:
    return len(expected) > 0 and to_isomorphic(got) == to_isomorphic(expected)


def term(value: rdflib.term.Node | dict) -> str:
    """An rdflib term, or a SPARQL JSON term, in N-Triples syntax (by pyoxigraph, as the oracle's are)."""
    if isinstance(value, dict):
        kind, text = value["type"], value["value"]
        if kind == "uri":
            return str(ox.NamedNode(text))
        if kind == "bnode":
            return str(ox.BlankNode(text))
        datatype = value.get("datatype")
        return str(ox.Literal(text, language=value.get("xml:lang"),
                              datatype=ox.NamedNode(datatype) if datatype else None))
    if isinstance(value, rdflib.URIRef):
        return str(ox.NamedNode(str(value)))
    if isinstance(value, rdflib.BNode):
        return str(ox.BlankNode(str(value)))
    return str(ox.Literal(str(value), language=value.language,
                          datatype=ox.NamedNode(str(value.datatype)) if value.datatype else None))


def nt_term(text: str) -> str:
    """An N-Triples term as another client wrote it, normalised by pyoxigraph's parser."""
    quad = next(iter(ox.parse(f"<x:s> <x:p> {text} .".encode(), format=ox.RdfFormat.N_TRIPLES)))
    return str(quad.object)


# SPARQLWrapper, default settings: only the endpoint, the query and the return format are set.

def sparqlwrapper(server, query: str, return_format: str, method: str | None):
    client = SPARQLWrapper(server.sparql)
    client.setQuery(query)
    client.setReturnFormat(return_format)
    if method:
        client.setMethod(method)
    return client.query().convert()


def xml_rows(document) -> list[dict[str, str]]:
    rows = []
    for result in document.getElementsByTagName("result"):
        row = {}
        for binding in result.getElementsByTagName("binding"):
            node = next(n for n in binding.childNodes if n.nodeType == n.ELEMENT_NODE)
            text = "".join(child.data for child in node.childNodes)
            if node.tagName == "uri":
                row[binding.getAttribute("name")] = term({"type": "uri", "value": text})
            elif node.tagName == "bnode":
                row[binding.getAttribute("name")] = term({"type": "bnode", "value": text})
            else:
                row[binding.getAttribute("name")] = term({
                    "type": "literal", "value": text, "xml:lang": node.getAttribute("xml:lang") or None,
                    "datatype": node.getAttribute("datatype") or None})
        rows.append(row)
    return rows


def tsv_rows(data: bytes) -> list[dict[str, str]]:
    results = ox.parse_query_results(data, format=ox.QueryResultsFormat.TSV)
    names = [v.value for v in results.variables]
    return [{n: str(row[n]) for n in names if row[n] is not None} for row in results]


def plain(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Rows as CSV has them: each term's plain string."""
    return [{name: nt_value(value) for name, value in row.items()} for row in rows]


def nt_value(text: str) -> str:
    quad = next(iter(ox.parse(f"<x:s> <x:p> {text} .".encode(), format=ox.RdfFormat.N_TRIPLES)))
    return quad.object.value


@pytest.mark.parametrize("method", [None, POST], ids=["GET", "POST"])
@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select(server, local_store, return_format, method):
    answer = sparqlwrapper(server, SELECT, return_format, method)
    expected = expected_rows(local_store, SELECT)
    assert len(expected) >= 5
    if return_format == JSON:
        got = [{name: term(value) for name, value in row.items()} for row in answer["results"]["bindings"]]
    elif return_format == XML:
        got = xml_rows(answer)
    elif return_format == CSV:
        got = [{k: v for k, v in row.items() if v} for row in csv.DictReader(io.StringIO(answer.decode("utf-8")))]
        expected = plain(expected)
    else:
        got = tsv_rows(answer)
    assert got == expected


@pytest.mark.parametrize("method", [None, POST], ids=["GET", "POST"])
@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_ask(server, local_store, return_format, method):
    answer = sparqlwrapper(server, ASK_QUERY, return_format, method)
    assert local_store.query(ASK_QUERY, use_default_graph_as_union=True)  # the oracle says true
    if return_format == JSON:
        assert answer["boolean"] is True
    elif return_format == XML:
        assert answer.getElementsByTagName("boolean")[0].firstChild.data == "true"
    elif return_format == CSV:  # a header line, then the boolean (SPARQL 1.1 Protocol §2.1.5 allows CSV for ASK)
        assert answer.decode("utf-8").strip() == "true"
    else:
        assert bool(ox.parse_query_results(answer, format=ox.QueryResultsFormat.TSV)) is True


# SPARQLWrapper 2.0.0 converts RDF answers with rdflib's ConjunctiveGraph, which rdflib 7 deprecates (so does
# rdflib's own N3 parser); the warnings are theirs, not the answer's.
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")
@pytest.mark.parametrize("method", [None, POST], ids=["GET", "POST"])
@pytest.mark.parametrize("return_format", [XML, RDFXML, TURTLE, N3, JSONLD])
@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["CONSTRUCT", "DESCRIBE"])
def test_sparqlwrapper_graph(server, local_store, query, return_format, method):
    answer = sparqlwrapper(server, query, return_format, method)
    if not isinstance(answer, rdflib.Graph):  # Turtle and N3 come back as bytes, for the caller to parse
        answer = rdflib_graph(answer, "n3" if return_format == N3 else "turtle")
    assert same_graph(answer, expected_graph(local_store, query))


# rdflib's SPARQLStore and SPARQLUpdateStore.

def test_rdflib_sparqlstore_reads(server, local_store):
    graph = rdflib.Graph(store=SPARQLStore(server.sparql))
    got = [{str(name): term(value) for name, value in row.asdict().items()} for row in graph.query(SELECT)]
    assert got == expected_rows(local_store, SELECT)
    assert graph.query(ASK_QUERY).askAnswer is True
    assert same_graph(graph.query(CONSTRUCT).graph, expected_graph(local_store, CONSTRUCT))


def test_rdflib_sparqlupdatestore_reads_and_is_refused_updates_with_403(server, local_store):
    store = SPARQLUpdateStore(query_endpoint=server.sparql, update_endpoint=server.sparql)
    graph = rdflib.Graph(store=store)
    assert len(list(graph.query(SELECT))) == len(expected_rows(local_store, SELECT))
    with pytest.raises(urllib.error.HTTPError) as refused:
        store.update("INSERT DATA { <https://example.org/s> <https://example.org/p> 1 }")
    assert refused.value.code == 403
    assert "read-only" in refused.value.read().decode("utf-8")
    refused.value.close()


# requests and curl: the Protocol's three kinds of query request.

KINDS = ["GET", "POST form", "POST direct"]


@pytest.mark.parametrize("kind", KINDS)
def test_requests_three_kinds_of_request(server, local_store, kind):
    accept = {"Accept": "application/sparql-results+json"}
    if kind == "GET":
        response = requests.get(server.sparql, params={"query": SELECT}, headers=accept, timeout=30)
    elif kind == "POST form":
        response = requests.post(server.sparql, data={"query": SELECT}, headers=accept, timeout=30)
    else:
        response = requests.post(server.sparql, data=SELECT.encode("utf-8"), timeout=30,
                                 headers={**accept, "Content-Type": "application/sparql-query"})
    assert response.status_code == 200, response.text
    got = [{name: term(value) for name, value in row.items()} for row in response.json()["results"]["bindings"]]
    assert got == expected_rows(local_store, SELECT)


@pytest.mark.parametrize("kind", KINDS)
def test_curl_three_kinds_of_request(server, local_store, kind):
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed")
    arguments = {
        "GET": ["-G", "--data-urlencode", f"query={SELECT}"],
        "POST form": ["--data-urlencode", f"query={SELECT}"],
        "POST direct": ["-H", "Content-Type: application/sparql-query", "--data-binary", SELECT],
    }[kind]
    run = subprocess.run([curl, "-sS", "--fail-with-body", "-H", "Accept: text/tab-separated-values", *arguments,
                          server.sparql], capture_output=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    assert tsv_rows(run.stdout) == expected_rows(local_store, SELECT)


# Comunica (JavaScript), with the endpoint as a SPARQL source.

@pytest.fixture(scope="module")
def comunica():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (`make clients` installs it on Debian as root)")
    if not (CLIENTS / "node_modules" / "@comunica" / "query-sparql").is_dir():
        pytest.fail(f"Comunica is not installed in {CLIENTS}: run `make clients` (npm ci there)")

    def run(server, query: str):
        done = subprocess.run([node, "query.mjs", server.sparql, query], cwd=CLIENTS, capture_output=True,
                              timeout=120, text=True)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    return run


def test_comunica_select_ask_and_construct(server, local_store, comunica):
    rows = [{name: nt_term(value) for name, value in row.items()} for row in comunica(server, SELECT)]
    assert rows == expected_rows(local_store, SELECT)
    assert comunica(server, ASK_QUERY) is True
    got = rdflib_graph("\n".join(comunica(server, CONSTRUCT)), "nt")
    assert same_graph(got, expected_graph(local_store, CONSTRUCT))


# rdflib reading RDF documents: a whole graph from the Graph Store, a resource's linked-data document.

def test_rdflib_reads_a_named_graph_from_the_graph_store(server, local_store):
    got = rdflib.Graph().parse(server.url + "store?graph=" + quote(ORGANIZATIONS, safe=""))
    quads = local_store.quads_for_pattern(None, None, None, ox.NamedNode(ORGANIZATIONS))
    expected = rdflib_graph(ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads),
                                         format=ox.RdfFormat.N_TRIPLES), "nt")
    assert same_graph(got, expected)


def test_rdflib_reads_a_resource_by_its_iri_and_its_turtle_document(server, local_store):
    describe = "\n".join(line for line in (Path(__file__).resolve().parent.parent / "queries" / "pages"
                                           / "describe.rq").read_text(encoding="utf-8").splitlines()
                         if not line.startswith("#+"))
    results = local_store.query(describe, substitutions={ox.Variable("this"): ox.NamedNode(UNODC)},
                                use_default_graph_as_union=True)
    expected = rdflib_graph(ox.serialize(results, format=ox.RdfFormat.N_TRIPLES), "nt")
    expected.add((rdflib.URIRef(UNODC), rdflib.URIRef("http://rdfs.org/ns/void#inDataset"),
                  rdflib.URIRef("https://w3id.org/ungass-kg/dataset")))  # every document says its dataset
    for url, fmt in ((server.url + "id/org/unodc", None), (server.url + "data/id/org/unodc.ttl", "turtle")):
        assert same_graph(rdflib.Graph().parse(url, format=fmt), expected), url


# The README's "Use it from your client" snippets, run as written (only the server's address changes).

README = Path(__file__).resolve().parent.parent / "README.md"
SNIPPET = re.compile(r"```(python|js|sh)\n(.*?)```", re.DOTALL)


def readme_snippets() -> list[tuple[str, str]]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Use it from your client", 1)[1].split("\n## ", 1)[0]
    return SNIPPET.findall(section)


def test_the_readme_shows_each_client():
    assert [language for language, _ in readme_snippets()] == ["python", "python", "js", "sh"]


@pytest.mark.parametrize("index", range(4))
def test_a_readme_snippet_runs_as_written(server, index, tmp_path):
    language, code = readme_snippets()[index]
    code = code.replace("http://127.0.0.1:8000/", server.url)
    if language == "python":
        command, cwd = [sys.executable, "-c", code], tmp_path
    elif language == "sh":
        command, cwd = ["bash", "-eo", "pipefail", "-c", code], tmp_path
    else:
        node = shutil.which("node")
        if node is None:
            pytest.skip("node is not installed")
        script = CLIENTS / f".readme-snippet-{index}.mjs"  # next to node_modules, where its import resolves
        script.write_text(code, encoding="utf-8")
        command, cwd = [node, script.name], CLIENTS
    try:
        run = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)
    finally:
        if language == "js":
            script.unlink()
    assert run.returncode == 0, run.stderr
    # each snippet prints UNODC's label ("United Nations Office on Drugs and Crime") or its units' ("UNODC …")
    assert "UNODC" in run.stdout or "United Nations Office on Drugs and Crime" in run.stdout, run.stdout
