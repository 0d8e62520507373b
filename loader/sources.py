"""Read every Turtle file of data/ and ontology/, collecting all syntax errors before giving up.

The data is parsed by pyoxigraph straight into the default graph of an in-memory store, the graph
that the checks query and SHACL validates: no Python object per triple, so that a million triples
read in seconds. The ontology and the shapes are small and are parsed into Python triples.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox

from loader.layout import Layout
from loader.problems import BadInput, Problem


@dataclass
class Source:
    """One file and its named graph (the rule in loader/layout.py)."""

    path: Path
    graph: str

    @cached_property
    def triples(self) -> list[ox.Triple]:
        """The file parsed once into Python triples: for the small files only (ontology, shapes)."""
        return list(ox.parse(path=str(self.path), format=ox.RdfFormat.TURTLE, base_iri=self.graph))

    def load_into(self, store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph | None = None) -> None:
        """Parse the file into `store` natively; blank nodes get fresh labels, so files never share one."""
        store.load(path=str(self.path), format=ox.RdfFormat.TURTLE, base_iri=self.graph, to_graph=graph)


@dataclass
class Sources:
    """Every file a build is made of: the curated data, the ontology (TBox) and the shapes."""

    data: list[Source]
    ontology: list[Source]
    shapes: Source

    def all(self) -> list[Source]:
        return self.data + self.ontology + [self.shapes]


def read(layout: Layout) -> tuple[Sources, ox.Store]:
    """The sources, and the data in the default graph of a new in-memory store; raise BadInput listing
    every file that does not parse."""
    data_files = layout.data_files()
    if not data_files:
        raise BadInput([Problem(layout.display(layout.data), kind="syntax", message="no .ttl files found")])
    sources = Sources([_source(p, layout) for p in data_files], [_source(p, layout) for p in layout.ontology_files()],
                      _source(layout.shapes, layout))
    store = ox.Store()
    problems = [p for s in sources.data if (p := _parse(lambda s=s: s.load_into(store), s, layout))]
    problems += [p for s in sources.ontology + [sources.shapes] if (p := _parse(lambda s=s: s.triples, s, layout))]
    if problems:
        raise BadInput(sorted(problems))
    return sources, store


def _source(path: Path, layout: Layout) -> Source:
    return Source(path, layout.graph_iri(path))


def _parse(parse, source: Source, layout: Layout) -> Problem | None:
    try:
        parse()
    except SyntaxError as error:
        line, column = (error.lineno or 0), (error.offset or 0)
        message = str(error.msg if hasattr(error, "msg") else error)
        return Problem(layout.display(source.path), line, column, "syntax", message)
    except (OSError, UnicodeDecodeError) as error:
        return Problem(layout.display(source.path), 0, 0, "syntax", f"cannot read: {error}")
    return None
