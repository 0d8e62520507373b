"""`loader check`: every check the loader runs, in the order a curator wants to hear about them.

The data is read once into an in-memory store (loader/sources.py) and every check asks that store:
the undeclared terms, the orphans, then SHACL. SHACL runs on loader.shacl (the shapes compiled to
SPARQL over pyoxigraph) by default; pyshacl, the reference implementation it is tested against
(tests/test_shacl_engine.py), is one option away.
"""
from __future__ import annotations

from loader import labels, references, terms
from loader.layout import Layout
from loader.origins import Origins
from loader.problems import NotConformant
from loader.sources import Sources, read

ENGINES = ("oxigraph", "pyshacl")


def run(layout: Layout, engine: str = "oxigraph") -> tuple[Sources, int]:
    """Parse, check terms and orphans, validate; return the sources and the number of data triples, or
    raise BadInput or NotConformant with every problem found. The store is dropped on return, so
    that a build that follows does not hold it."""
    sources, store = read(layout)
    triples = len(store)
    # the naming rule's derived labels, which the shapes expect (the ontology names a document's series)
    labels.derive(store, vocabulary=[t for s in sources.ontology for t in s.triples])
    origins = Origins(sources.data, layout)
    problems = terms.check(store, sources.ontology, origins, layout)
    problems += references.check(store, origins)
    problems += _validator(engine)(store, sources, origins)
    if problems:
        raise NotConformant(problems)
    return sources, triples


def _validator(engine: str):
    if engine == "pyshacl":
        from loader.validation import validate
    else:
        from loader.shacl.report import validate
    return validate
