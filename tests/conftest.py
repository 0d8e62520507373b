"""Shared fixtures: the real curated data, loaded once per test session."""
from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest

pytest_plugins = ["server_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("UNGASS_DATA", ROOT / "data"))

PREFIXES = {
    "ukg": "https://w3id.org/ungass-kg/ont#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "cito": "http://purl.org/spar/cito/",
    "doc": "https://w3id.org/ungass-kg/id/doc/",
    "para": "https://w3id.org/ungass-kg/id/doc/cnd-ungass-r3-summary/para/",
    "chapter": "https://w3id.org/ungass-kg/id/doc/a-res-s-30-1/chapter/",
    "event": "https://w3id.org/ungass-kg/id/event/",
    "actor": "https://w3id.org/ungass-kg/id/org/",
    "state": "https://w3id.org/ungass-kg/id/state/",
    "stmt": "https://w3id.org/ungass-kg/id/stmt/",
    "part": "https://w3id.org/ungass-kg/id/participation/",
    "cit": "https://w3id.org/ungass-kg/id/citation/",
    "measure": "https://w3id.org/ungass-kg/id/measure/",
    "theme": "https://w3id.org/ungass-kg/id/theme/",
    "programme": "https://w3id.org/ungass-kg/id/programme/",
    "substance": "https://w3id.org/ungass-kg/id/substance/",
}


class Graph:
    """The curated data as a researcher queries it: SPARQL over the union of all files."""

    def __init__(self, store: ox.Store):
        self.store = store

    def select(self, query: str) -> list[dict[str, str]]:
        """Rows of a SELECT, each value as its plain string (IRI or lexical form)."""
        results = self.store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)
        names = [v.value for v in results.variables]
        return [{n: row[n].value for n in names if row[n] is not None} for row in results]

    def values(self, query: str) -> list[str]:
        """The first column of a SELECT, as strings."""
        return [next(iter(row.values())) for row in self.select(query) if row]

    def ask(self, query: str) -> bool:
        return bool(self.store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True))


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory) -> Path:
    """A build of the real curated data, made by the real loader command."""
    from loader_cli import loader
    folder = tmp_path_factory.mktemp("build")
    run = loader("--data", DATA, "--build-dir", folder, "build")
    assert run.code == 0, f"loader build failed ({run.code}):\n{run.err}"
    return folder


@pytest.fixture(scope="session")
def kg() -> Graph:
    store = ox.Store()
    for path in sorted(DATA.rglob("*.ttl")):
        graph = ox.NamedNode("https://w3id.org/ungass-kg/graph/" + path.relative_to(DATA).with_suffix("").as_posix())
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=graph)
    return Graph(store)
