"""The loader's SHACL step on loader.shacl: the same Problems as loader/validation.py gives with pyshacl.

`validate(store, sources, origins)` has the signature of loader.validation.validate, so that
loader/checks.py can call either. One difference, on purpose: a blank focus node is traced to its
file (pyshacl's copy of the data renames blank nodes, so loader.validation cannot).
"""
from __future__ import annotations

import pyoxigraph as ox

from loader.origins import Origins
from loader.problems import Problem
from loader.shacl.dataset import add_axioms
from loader.shacl.engine import Validator
from loader.shacl.shapes import Path
from loader.sources import Sources

SHORT = (("ukgsh:", "https://w3id.org/ungass-kg/shapes#"), ("ukg:", "https://w3id.org/ungass-kg/ont#"))


def validate(store: ox.Store, sources: Sources, origins: Origins) -> list[Problem]:
    """Validate the data, the store's default graph, after adding the ontology's axioms to it."""
    add_axioms(store, (t for s in sources.ontology for t in s.triples))
    report = Validator(sources.shapes.triples).validate(store)
    if report.conforms:
        return []
    files = origins.describing({r.focus for r in report.results}, store)
    problems = []
    for r in report.results:
        message = r.message or "constraint not met"
        if r.value is not None and r.value.value not in message:
            message += f" (value: {_short(r.value)})"
        where = origins.where(r.focus.value, files[r.focus.value]) if r.focus.value in files else [
            "(no file: the node is only used as an object)"]
        problems.append(Problem(
            path=", ".join(where), kind="shape", message=message, focus=r.focus.value,
            result_path=_path(r.path) if r.path is not None else "",
            shape=_short(r.shape), severity=r.severity.value.rsplit("#", 1)[-1]))
    return sorted(set(problems))


def _path(path: Path) -> str:
    if path.kind in ("iri", "term"):
        return _short(path.iri)
    if path.kind == "inverse" and path.items[0].kind == "iri":
        return f"^<{path.items[0].iri.value}>"
    return "(blank node)"


def _short(term) -> str:
    if isinstance(term, ox.BlankNode):
        return "(blank node)"
    text = term.value
    for prefix, ns in SHORT:
        if text.startswith(ns):
            return prefix + text[len(ns):]
    return f"<{text}>" if isinstance(term, ox.NamedNode) else text
