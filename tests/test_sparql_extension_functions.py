"""A SPARQL extension function (an IRI bound to a Python callable over RDF terms) answers through /sparql.

The embedded backend passes the functions it is given (with its build's search function) to the engine with
every query.
"""
from __future__ import annotations

from dataclasses import replace

import pyoxigraph as ox
import requests
from server_fixtures import serve

from server.app import create_app, open_backend

SHOUT = "https://w3id.org/ungass-kg/fn#shout"
QUERY = (f"SELECT ?loud WHERE {{ <https://w3id.org/ungass-kg/id/org/unodc> "
         f"<http://www.w3.org/2000/01/rdf-schema#label> ?label BIND(<{SHOUT}>(?label) AS ?loud) }}")


def shout(term):
    return ox.Literal(term.value.upper() + "!") if isinstance(term, ox.Literal) else None


def test_an_extension_function_answers_through_the_endpoint(server):
    config = replace(server.app.config["SERVER"])
    running = serve(create_app(config, open_backend(config, functions={SHOUT: shout})))
    try:
        response = requests.get(running.sparql, params={"query": QUERY}, timeout=30)
        assert response.status_code == 200, response.text
        assert [b["loud"]["value"] for b in response.json()["results"]["bindings"]] == ["UNITED NATIONS OFFICE ON DRUGS AND CRIME!"]
        # Without it, the function is unknown: a 400 that names it.
        plain = requests.get(server.sparql, params={"query": QUERY}, timeout=30)
        assert plain.status_code == 400 and f"<{SHOUT}>" in plain.text, plain.text
    finally:
        running.stop()
