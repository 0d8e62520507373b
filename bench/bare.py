"""The "bare" baseline of bench/serving.py: a minimal Flask app under granian answering SPARQL in-process.

No protocol checks, no scan, no admission, no time limit, no caching: the store in memory (the build's
N-Quads dump, as ours) and one route that runs `query=` and writes the answer in the Accept'ed format.
What our server would cost if its safety and its features cost nothing: the ceiling for a Flask app.
Started by bench/serving.py as `granian --interface wsgi ... bench.bare:app` with UNGASS_BENCH_BUILD set.
"""
from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
from flask import Flask, Response, request

STORE = ox.Store()
STORE.bulk_load(path=str(Path(os.environ["UNGASS_BENCH_BUILD"]) / "store" / "release" / "ungass-kg.nq"),
                format=ox.RdfFormat.N_QUADS)
app = Flask(__name__)


@app.get("/sparql")
def sparql() -> Response:
    results = STORE.query(request.args["query"], use_default_graph_as_union=True)
    accept = request.headers.get("Accept", "application/sparql-results+json")
    if isinstance(results, ox.QueryTriples):
        return Response(results.serialize(format=ox.RdfFormat.from_media_type(accept)), content_type=accept)
    return Response(results.serialize(format=ox.QueryResultsFormat.from_media_type(accept)), content_type=accept)
