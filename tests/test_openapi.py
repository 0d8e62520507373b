"""/openapi.json: a valid OpenAPI 3.1 document, and every operation in it answers as it says, on the real server.

The check is our own, not schemathesis: for every operation, call it with the example values it
declares, once per response media type it declares (by Accept), and check the status, the content
type and, for JSON, the body against the declared schema; then call it with a value of the wrong
type for each parameter and with an Accept it does not offer, and check that those answers are
declared too. Every /queries route of the app is in the document, and every query of the library.
"""
from __future__ import annotations

import jsonschema
import pytest
import requests
from openapi_spec_validator import validate

from server.library import catalog as query_library

WRONG = {"iri": "not an IRI", "integer": "forty-two", "date": "26/09/2017", "boolean": "maybe", "string": ""}


@pytest.fixture(scope="module")
def document(server) -> dict:
    response = requests.get(server.url + "openapi.json", timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/json"
    return response.json()


def operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_the_document_is_valid_openapi_3_1(document):
    validate(document)
    assert document["openapi"] == "3.1.0"


def test_every_query_and_every_queries_route_is_described(document, server):
    library = query_library.load()
    expected = {"/queries", "/openapi.json"} | {f"/queries/{q.name}" for q in library} | {
        f"/queries/{q.name}.rq" for q in library}
    assert set(document["paths"]) == expected
    rules = {rule.rule for rule in server.app.url_map.iter_rules() if rule.endpoint.startswith("queries.")}
    assert rules == {"/queries", "/queries/<name>", "/openapi.json"}
    for query in library:
        declared = {p["name"]: p for p in document["paths"][f"/queries/{query.name}"]["get"]["parameters"]}
        assert set(declared) == {p.name for p in query.params} | {"format"}
        for param in query.params:
            assert declared[param.name]["required"] == param.required
            assert str(declared[param.name]["example"]).lower() == param.example.lower()


def call(server, path: str, operation: dict, accept: str | None = None, **override) -> requests.Response:
    params = {p["name"]: p["example"] for p in operation.get("parameters", []) if "example" in p}
    params.update(override)
    headers = {"Accept": accept} if accept else {}
    return requests.get(server.url.rstrip("/") + path, params=params, headers=headers, timeout=60)


def check(document: dict, operation: dict, response: requests.Response, path: str) -> None:
    status = str(response.status_code)
    declared = operation["responses"]
    assert status in declared, f"{path}: {status} is not declared ({response.text[:200]})"
    media_type = response.headers["Content-Type"].split(";")[0].strip()
    content = declared[status].get("content", {})
    assert media_type in content, f"{path}: {status} {media_type} is not declared (declared: {list(content)})"
    schema = content[media_type].get("schema")
    if schema is not None and media_type.endswith("json"):
        jsonschema.validate(response.json(), {**schema, "components": document["components"]})


def test_every_operation_answers_its_examples_in_every_declared_format(server, document):
    for path, _, operation in operations(document):
        for media_type in operation["responses"]["200"]["content"]:
            if media_type == "application/sparql-query":
                response = call(server, path, operation, format="sparql")
            else:
                response = call(server, path, operation, accept=media_type)
            assert response.status_code == 200, (path, media_type, response.text[:300])
            check(document, operation, response, path)
            assert response.headers["Content-Type"].split(";")[0] == media_type


def test_every_parameter_of_the_wrong_type_is_a_declared_400(server, document):
    library = query_library.load()
    for query in library:
        path = f"/queries/{query.name}"
        operation = document["paths"][path]["get"]
        for param in query.params:
            response = call(server, path, operation, **{param.name: WRONG[param.type]})
            assert response.status_code == 400, (path, param.name)
            assert repr(param.name) in response.text
            check(document, operation, response, path)


def test_an_accept_that_is_not_offered_is_a_declared_406(server, document):
    for path, _, operation in operations(document):
        if "406" in operation["responses"]:
            response = call(server, path, operation, accept="image/png")
            assert response.status_code == 406, path
            check(document, operation, response, path)
