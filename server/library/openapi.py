"""The OpenAPI 3.1 description of the query library's routes (https://spec.openapis.org/oas/v3.1.0), made from the query headers.

One operation per published query (`/queries/NAME`, its parameters from the `#+` header, each with
its example) and one for its text (`/queries/NAME.rq`), plus the listing and this document. The
answers of a query are described per format; the JSON one by a schema of the SPARQL 1.1 Query
Results JSON Format (https://www.w3.org/TR/sparql11-results-json/) naming the query's variables.
"""
from __future__ import annotations

from importlib import metadata

from server import conneg
from server.library.catalog import Library, Query

ERRORS = {
    "400": "A parameter is missing, unknown, repeated, or not of its type (the message names it)",
    "406": "No offered format fits Accept or format= (the message lists the offered ones)",
    "503": "The query ran past the time limit, or the client has its share of slow queries running",
}
TEXT_PLAIN = {"text/plain": {"schema": {"type": "string"}}}
SCHEMAS = {
    "iri": {"type": "string", "format": "iri"},
    "string": {"type": "string", "minLength": 1},
    "integer": {"type": "integer"},
    "date": {"type": "string", "format": "date"},
    "boolean": {"type": "boolean"},
}
TERM = {
    "type": "object",
    "required": ["type", "value"],
    "properties": {
        "type": {"enum": ["uri", "literal", "bnode", "triple"]},
        "value": {},
        "xml:lang": {"type": "string"},
        "datatype": {"type": "string"},
    },
}


def document(library: Library, server_url: str) -> dict:
    paths: dict[str, dict] = {
        "/queries": {"get": {
            "operationId": "list-queries",
            "summary": "The published queries",
            "description": "Each query's name, summary, description, tags, parameters (with examples), "
                           "its text, and the text with the examples bound (runs as it is on /sparql).",
            "tags": ["library"],
            "parameters": [{"name": "format", "in": "query", "required": False,
                            "description": "json or html; overrides Accept",
                            "schema": {"type": "string", "enum": ["json", "html"]}}],
            "responses": {
                "200": {"description": "The list", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Listing"}},
                    "text/html": {"schema": {"type": "string"}}}},
                "406": {"description": ERRORS["406"], "content": TEXT_PLAIN},
            },
        }},
        "/openapi.json": {"get": {
            "operationId": "openapi",
            "summary": "This document",
            "tags": ["library"],
            "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {
                "schema": {"type": "object", "required": ["openapi", "paths"]}}}}},
        }},
    }
    for query in library:
        paths[f"/queries/{query.name}"] = {"get": _run(query)}
        paths[f"/queries/{query.name}.rq"] = {"get": _text(query)}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "UNGASS knowledge graph: the query library",
            "version": _version(),
            "description": "Named SPARQL queries over the knowledge graph of the CND's third round of "
                           "thematic discussions on UNGASS follow-up. Parameters are bound as RDF terms, "
                           "never pasted into the query. Any other question: the SPARQL endpoint at /sparql.",
            "license": {"name": "Data CC BY 4.0, code MIT", "identifier": "CC-BY-4.0"},
        },
        "servers": [{"url": server_url.rstrip("/")}],
        "tags": [{"name": "library", "description": "The list of queries and this document"},
                 *({"name": t} for t in sorted({t for q in library for t in q.tags}))],
        "paths": paths,
        "components": {"schemas": {
            "Term": TERM,
            "Listing": {"type": "object", "required": ["queries"], "properties": {"queries": {
                "type": "array", "items": {"type": "object",
                                           "required": ["name", "summary", "params", "query", "example_query"]}}}},
        }},
    }


def _run(query: Query) -> dict:
    parameters = [{
        "name": p.name,
        "in": "query",
        "required": p.required,
        "description": p.description,
        "schema": {**SCHEMAS[p.type], **({"default": _typed(p.type, p.default)} if p.default is not None else {})},
        "example": _typed(p.type, p.example),
    } for p in query.params]
    offers = conneg.OFFERS[query.kind]
    parameters.append({
        "name": "format", "in": "query", "required": False,
        "description": "The result format, overriding Accept; `sparql` answers the query's text",
        "schema": {"type": "string", "enum": [f.name for f in offers] + ["sparql"]},
    })
    content = {f.media_type: {"schema": {"type": "string"}} for f in offers}
    content["application/sparql-results+json"] = {"schema": _results_schema(query)}
    content["application/sparql-query"] = {"schema": {"type": "string"}}
    return {
        "operationId": f"run-{query.name}",
        "summary": query.summary,
        "description": query.description,
        "tags": list(query.tags),
        "parameters": parameters,
        "responses": {
            "200": {
                "description": "The answer, in the negotiated format (with format=sparql: the query)",
                "headers": {"X-Result-Truncated": {"description": "true when the row limit cut the answer",
                                                   "schema": {"type": "string", "enum": ["true", "false"]}}},
                "content": content,
            },
            **{status: {"description": text, "content": TEXT_PLAIN} for status, text in ERRORS.items()},
        },
    }


def _text(query: Query) -> dict:
    return {
        "operationId": f"text-{query.name}",
        "summary": f"The text of {query.name} (SPARQL, with its #+ header)",
        "tags": list(query.tags),
        "responses": {"200": {"description": "The query file",
                              "content": {"application/sparql-query": {"schema": {"type": "string"}}}}},
    }


def _results_schema(query: Query) -> dict:
    if query.kind == "boolean":
        return {"type": "object", "required": ["head", "boolean"], "properties": {"boolean": {"type": "boolean"}}}
    return {
        "type": "object",
        "required": ["head", "results"],
        "properties": {
            "head": {"type": "object", "required": ["vars"], "properties": {
                "vars": {"type": "array", "items": {"enum": list(query.variables)}}}},
            "results": {"type": "object", "required": ["bindings"], "properties": {"bindings": {
                "type": "array",
                "items": {"type": "object", "additionalProperties": False,
                          "properties": {v: {"$ref": "#/components/schemas/Term"} for v in query.variables}},
            }}},
        },
    }


def _typed(kind: str, value: str):
    if kind == "integer":
        return int(value)
    if kind == "boolean":
        return value == "true"
    return value


def _version() -> str:
    try:
        return metadata.version("ungass-kg")
    except metadata.PackageNotFoundError:
        return "0.0.0"
