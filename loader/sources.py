"""Read every Turtle file of data/ and ontology/, collecting all syntax errors before giving up."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from loader.layout import Layout
from loader.problems import BadInput, Problem


@dataclass
class Source:
    """One parsed file: its path, its named graph and its triples (as pyoxigraph quads)."""

    path: Path
    graph: str
    quads: list[ox.Quad]


def parse_file(path: Path, graph: str, layout: Layout) -> Source | Problem:
    name = ox.NamedNode(graph)
    try:
        triples = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=graph)
        return Source(path, graph, [ox.Quad(t.subject, t.predicate, t.object, name) for t in triples])
    except SyntaxError as error:
        line, column = (error.lineno or 0), (error.offset or 0)
        message = str(error.msg if hasattr(error, "msg") else error)
        return Problem(layout.display(path), line, column, "syntax", message)
    except (OSError, UnicodeDecodeError) as error:
        return Problem(layout.display(path), 0, 0, "syntax", f"cannot read: {error}")


def read(layout: Layout) -> tuple[list[Source], list[Source]]:
    """Parse data/ and the ontology (TBox); raise BadInput listing every file that does not parse."""
    data_files = layout.data_files()
    if not data_files:
        raise BadInput([Problem(layout.display(layout.data), kind="syntax", message="no .ttl files found")])
    results = [parse_file(p, layout.graph_iri(p), layout) for p in data_files]
    tbox = [parse_file(p, layout.graph_iri(p), layout) for p in layout.ontology_files() + [layout.shapes]]
    problems = [r for r in results + tbox if isinstance(r, Problem)]
    if problems:
        raise BadInput(sorted(problems))
    return results, tbox  # type: ignore[return-value]


def files_by_subject(sources: list[Source], layout: Layout) -> dict[str, list[str]]:
    """Which files each subject is described in, so that a report can send the curator to the file."""
    files: dict[str, list[str]] = {}
    for source in sources:
        shown = layout.display(source.path)
        for subject in {q.subject.value for q in source.quads}:
            files.setdefault(subject, []).append(shown)
    return files
