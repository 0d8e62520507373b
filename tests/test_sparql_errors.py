"""Every way a request can be wrong gets its own status and a message naming the cause; the server stays up."""
from __future__ import annotations

import socket

import pytest
import requests

SELECT = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}


def assert_error(response: requests.Response, status: int, *phrases: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "Traceback" not in response.text and "<html" not in response.text.lower()
    for phrase in phrases:
        assert phrase in response.text, f"{phrase!r} not in {response.text!r}"


@pytest.fixture(autouse=True)
def server_stays_up(server):
    yield
    assert requests.get(server.sparql, params={"query": "ASK {}"}, timeout=30).json()["boolean"] is True


def raw(server, request: bytes) -> bytes:
    """Send bytes no HTTP library would, and read the whole answer."""
    host, port = server.url.split("//")[1].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


# 400: syntax, and the query parameter itself.

@pytest.mark.parametrize("query, position", [
    ("SELECT * WHERE { ?s ?p }", "1:18"),  # where the incomplete triple pattern starts (server.sparql.syntax)
    ("PREFIX ex: <http://example.org/>\nSELECT * WHERE {\n  ?s ex:p ?o .\n  FILTER(?o = ) }", "4:"),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT ten", "1:35"),
])
def test_a_syntax_error_names_its_line_and_column(server, query, position):
    assert_error(requests.get(server.sparql, params={"query": query}, timeout=30), 400, "QuerySyntaxError", position)


def test_an_undeclared_prefix_is_named(server):
    response = requests.get(server.sparql, params={"query": "SELECT * WHERE {\n ?s nope:p ?o }"}, timeout=30)
    assert_error(response, 400, "2:", "undeclared prefix nope:", "PREFIX nope: <")


def test_a_missing_query_is_400(server):
    response = requests.get(server.sparql, params={"default-graph-uri": "https://w3id.org/ungass-kg/graph/meta"}, timeout=30)
    assert_error(response, 400, "no query= parameter", "default-graph-uri=")
    assert_error(requests.post(server.sparql, data={"format": "json"}, timeout=30), 400, "no query= parameter")


def test_a_repeated_query_is_400(server):
    response = requests.get(server.sparql, params=[("query", SELECT), ("query", "ASK {}")], timeout=30)
    assert_error(response, 400, "query= is given 2 times")
    response = requests.post(server.sparql, data=[("query", SELECT), ("query", "ASK {}")], timeout=30)
    assert_error(response, 400, "query= is given 2 times")


def test_an_empty_query_is_400(server):
    assert_error(requests.get(server.sparql, params={"query": "  "}, timeout=30), 400, "query= is empty")
    assert_error(requests.post(server.sparql, data=b"", headers=DIRECT, timeout=30), 400, "empty")


def test_a_query_both_in_the_url_and_the_body_is_400(server):
    response = requests.post(server.sparql, params={"query": SELECT}, data=SELECT.encode(), headers=DIRECT, timeout=30)
    assert_error(response, 400, "remove query= from the URL")
    response = requests.post(server.sparql, params={"query": SELECT}, data={"query": SELECT}, timeout=30)
    assert_error(response, 400, "query=", "move them into the body")


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
@pytest.mark.parametrize("value", ["not an iri", "relative/path", ""])
def test_a_dataset_parameter_that_is_not_an_absolute_iri_is_400(server, parameter, value):
    response = requests.get(server.sparql, params={"query": SELECT, parameter: value}, timeout=30)
    assert_error(response, 400, f"{parameter}={value!r} is not an absolute IRI")


# 400: bytes that are not UTF-8, wherever they are.

def test_invalid_utf8_in_the_url_is_400(server):
    response = requests.get(server.sparql + "?query=SELECT%20%22%FF%22%20%7B%7D", timeout=30)
    assert_error(response, 400, "InvalidEncoding", "0xFF")


def test_invalid_utf8_in_a_form_body_is_400(server):
    response = requests.post(server.sparql, data=b"query=ASK%20%7B%7D%C3%28", headers=FORM, timeout=30)
    assert_error(response, 400, "InvalidEncoding", "request body")


def test_invalid_utf8_in_a_direct_body_is_400(server):
    response = requests.post(server.sparql, data=b'SELECT ("\xe9t\xe9" AS ?x) {}', headers=DIRECT, timeout=30)
    assert_error(response, 400, "InvalidEncoding", "0xE9")


def test_raw_bytes_in_a_url_are_refused(server):
    answer = raw(server, b"GET /sparql?query=SELECT%20(%22caf\xc3\xa9%22%20AS%20?x)%20{} HTTP/1.1\r\n"
                         b"Host: x\r\nConnection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400"), answer
    assert b"Traceback" not in answer


# 403: updates, in every form the protocol has.

@pytest.mark.parametrize("send", [
    lambda url: requests.get(url, params={"update": "INSERT DATA { <a:b> <a:c> <a:d> }"}, timeout=30),
    lambda url: requests.post(url, data={"update": "CLEAR ALL"}, timeout=30),
    lambda url: requests.post(url, data=b"DROP ALL", headers={"Content-Type": "application/sparql-update"}, timeout=30),
    lambda url: requests.get(url, params={"query": "INSERT DATA { <a:b> <a:c> <a:d> }"}, timeout=30),
    lambda url: requests.post(url, data={"query": "PREFIX ex: <http://example.org/>\ndelete where { ?s ?p ?o }"}, timeout=30),
    lambda url: requests.post(url, data=b"LOAD <http://127.0.0.1:1/data.ttl>", headers=DIRECT, timeout=30),
    lambda url: requests.post(url, data=b"WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", headers=DIRECT, timeout=30),
    lambda url: requests.get(url, params={"query": "\\u0049NSERT DATA { <a:b> <a:c> <a:d> }"}, timeout=30),
], ids=["get-update", "form-update", "sparql-update", "insert-as-query", "delete-as-query", "load", "with",
        "escaped-insert"])
def test_updates_are_refused_as_read_only(server, send):
    assert_error(send(server.sparql), 403, "UpdateRefused", "read-only")


# 406, 413, 414, 415.

def test_an_unknown_format_parameter_is_406_listing_the_offers(server):
    response = requests.get(server.sparql, params={"query": SELECT, "format": "yaml"}, timeout=30)
    assert_error(response, 406, "format='yaml'", "application/sparql-results+json (format=json)", "text/csv (format=csv)")


def test_an_accept_header_nothing_fits_is_406_listing_the_offers(server):
    response = requests.get(server.sparql, params={"query": SELECT}, headers={"Accept": "image/png"}, timeout=30)
    assert_error(response, 406, "image/png", "text/tab-separated-values")
    construct = "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1"
    response = requests.get(server.sparql, params={"query": construct}, headers={"Accept": "text/csv"}, timeout=30)
    assert_error(response, 406, "text/turtle (format=turtle)", "application/ld+json")
    response = requests.get(server.sparql, params={"query": SELECT, "format": "turtle"}, timeout=30)
    assert_error(response, 406, "SELECT result")


def test_a_body_over_the_limit_is_413(server):
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (300 * 1024)
    assert_error(requests.post(server.sparql, data=big.encode(), headers=DIRECT, timeout=30), 413, "over the limit of 262144")
    assert_error(requests.post(server.sparql, data={"query": big}, timeout=30), 413, "PayloadTooLarge")


def test_a_chunked_body_over_the_limit_is_413(server):
    body = (b"x" * (300 * 1024) for _ in range(1))
    assert_error(requests.post(server.sparql, data=body, headers=DIRECT, timeout=30), 413, "PayloadTooLarge")


def test_a_query_string_over_the_limit_is_414(server, start_server):
    small = start_server(max_request_bytes=32 * 1024)
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (40 * 1024)
    assert_error(requests.get(small.sparql, params={"query": big}, timeout=30), 414, "send a long query with POST")
    # Past 64 KiB the HTTP server itself (granian) refuses the request line, before the app sees it.
    huge = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (300 * 1024)
    assert requests.get(server.sparql, params={"query": huge}, timeout=30).status_code == 414


@pytest.mark.parametrize("headers", [{}, {"Content-Type": "text/plain"}, {"Content-Type": "application/json"},
                                     {"Content-Type": "multipart/form-data; boundary=x"}])
def test_a_post_without_a_sparql_content_type_is_415(server, headers):
    response = requests.post(server.sparql, data=SELECT.encode(), headers=headers, timeout=30)
    assert_error(response, 415, "application/sparql-query", "application/x-www-form-urlencoded")


def test_a_direct_post_in_another_charset_is_415(server):
    response = requests.post(server.sparql, data=SELECT.encode("latin-1"), timeout=30,
                             headers={"Content-Type": "application/sparql-query; charset=ISO-8859-1"})
    assert_error(response, 415, "must be UTF-8")


# Outside the protocol: unknown paths and methods.

def test_an_unknown_path_is_a_plain_404(server):
    assert_error(requests.get(server.url + "no/such/page", timeout=30), 404, "Not Found")


def test_an_unsupported_method_is_405(server):
    response = requests.put(server.sparql, data=b"x", timeout=30)
    assert_error(response, 405, "Method Not Allowed")
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST", "OPTIONS"}


def test_errors_carry_cors_headers_so_browsers_can_read_them(server):
    response = requests.get(server.sparql, params={"query": "SELECT"}, timeout=30)
    assert response.status_code == 400
    assert response.headers["Access-Control-Allow-Origin"] == "*"
