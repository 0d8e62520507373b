"""`loader check`: every check the loader runs, in the order a curator wants to hear about them.

SHACL runs on loader.shacl (the shapes compiled to SPARQL over pyoxigraph) by default; pyshacl, the
reference implementation it is tested against (tests/test_shacl_engine.py), is one option away.
"""
from __future__ import annotations

from loader.layout import Layout
from loader.problems import NotConformant
from loader.sources import Source, read
from loader import references, terms

ENGINES = ("oxigraph", "pyshacl")


def run(layout: Layout, engine: str = "oxigraph") -> tuple[list[Source], list[Source]]:
    """Parse, check terms, validate; raise BadInput or NotConformant with every problem found."""
    data, tbox = read(layout)
    shapes = next(s for s in tbox if s.path == layout.shapes)
    ontology = [s for s in tbox if s.path != layout.shapes]
    problems = terms.check(data, ontology, layout)
    problems += references.check(data, layout)
    problems += _validator(engine)(data, ontology, shapes, layout)
    if problems:
        raise NotConformant(problems)
    return data, ontology


def _validator(engine: str):
    if engine == "pyshacl":
        from loader.validation import validate
    else:
        from loader.shacl.report import validate
    return validate
