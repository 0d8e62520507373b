"""The queries behind the linked-data pages (queries/pages/*.rq), bound to RDF terms and run on the backend.

A page query names its parameters as variables (`?this`, `?term`). The values are bound with a
`VALUES` block (SPARQL 1.1 Query §10.2) built from pyoxigraph terms, whose constructors refuse any
string that is not an IRI: nothing a client sends is ever spliced into query text. The block opens
the query's outermost group (the first line that is exactly `WHERE {`), so that the variable is bound
for every pattern and FILTER of that group, as pyoxigraph's `substitutions` would bind it. They run
through the same `Backend` as /sparql, so pages work over the remote backend too.
"""
from __future__ import annotations

from collections import namedtuple
from functools import lru_cache

import pyoxigraph as ox
from flask import current_app

from server.backends import Limits, QueryJob
from server.config import ROOT, Config

QUERIES = ROOT / "queries" / "pages"
TSV = "text/tab-separated-values"  # what the row cap writes anyway: no re-serialization in the worker
NTRIPLES = "application/n-triples"
OUTER_GROUP = "WHERE {"


@lru_cache(maxsize=None)
def text(name: str) -> str:
    """The query file's text, without its `#+` header."""
    lines = (QUERIES / f"{name}.rq").read_text(encoding="utf-8").splitlines()
    body = [line for line in lines if not line.startswith("#+")]
    if body.count(OUTER_GROUP) != 1:
        raise ValueError(f"{QUERIES / name}.rq: needs exactly one line `{OUTER_GROUP}` (its outermost group)")
    return "\n".join(body) + "\n"


def bind(query: str, **values: ox.NamedNode | list[ox.NamedNode]) -> str:
    """The query with a VALUES block for `values` opening its outermost group."""
    if not values:
        return query
    blocks = []
    for name, value in values.items():
        terms = value if isinstance(value, list) else [value]
        for term in terms:
            if not isinstance(term, (ox.NamedNode, ox.Literal)):
                raise TypeError(f"?{name} is bound to {term!r}, not a pyoxigraph IRI or literal")
        blocks.append(f"VALUES ?{name} {{ {' '.join(str(term) for term in terms)} }}")
    return query.replace(OUTER_GROUP, OUTER_GROUP + "\n  " + "\n  ".join(blocks), 1)


def _run(query: str, kind: str, media_type: str) -> bytes:
    config: Config = current_app.config["SERVER"]
    job = QueryJob(text=query, kind=kind, media_type=media_type)
    result = current_app.extensions["backend"].query(job, Limits(config.time_limit, config.row_limit))
    try:
        return b"".join(result)
    finally:
        result.close()


def triples(name: str, **values) -> list[ox.Triple]:
    """The triples of a CONSTRUCT page query."""
    body = _run(bind(text(name), **values), "graph", NTRIPLES)
    return [quad.triple for quad in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]


def rows(name: str, **values) -> list[tuple]:
    """The solutions of a SELECT page query, as named tuples: `row.variable` is a term, or None where unbound.

    Named tuples rather than pyoxigraph's solutions, which look a variable up by name in about 1 µs:
    a page reads a few names in each of a few hundred rows.
    """
    body = _run(bind(text(name), **values), "solutions", TSV)
    results = ox.parse_query_results(body, format=ox.QueryResultsFormat.TSV)
    row = _row_type(tuple(variable.value for variable in results.variables))
    return [row._make(solution) for solution in results]


@lru_cache(maxsize=None)
def _row_type(variables: tuple[str, ...]) -> type:
    return namedtuple("Row", variables)
