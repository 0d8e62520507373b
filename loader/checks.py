"""`loader check`: every check the loader runs, in the order a curator wants to hear about them."""
from __future__ import annotations

from loader.layout import Layout
from loader.problems import NotConformant
from loader.sources import Source, read
from loader import references, terms, validation


def run(layout: Layout) -> tuple[list[Source], list[Source]]:
    """Parse, check terms, validate; raise BadInput or NotConformant with every problem found."""
    data, tbox = read(layout)
    shapes = next(s for s in tbox if s.path == layout.shapes)
    ontology = [s for s in tbox if s.path != layout.shapes]
    problems = terms.check(data, ontology, layout)
    problems += references.check(data, layout)
    problems += validation.validate(data, ontology, shapes, layout)
    if problems:
        raise NotConformant(problems)
    return data, ontology
