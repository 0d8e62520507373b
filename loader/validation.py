"""SHACL validation of the curated data with pyshacl (SHACL 1.0 Core + SHACL-SPARQL).

https://www.w3.org/TR/shacl/ — the ontology files are passed as pyshacl's ont_graph, so that
sh:class and sh:targetClass follow rdfs:subClassOf without the TBox being part of the data.
"""
from __future__ import annotations

import pyoxigraph as ox
import rdflib
from pyshacl import validate as pyshacl_validate
from pyshacl.errors import ValidationFailure
from rdflib.namespace import SH

from loader.origins import Origins
from loader.problems import Problem
from loader.sources import Source, Sources


def to_rdflib(text: bytes) -> rdflib.Graph:
    """An rdflib graph from N-Triples, the fastest bridge from pyoxigraph."""
    graph = rdflib.Graph()
    graph.parse(data=text or b"", format="nt")
    return graph


def _triples(sources: list[Source]) -> bytes:
    return ox.serialize([t for s in sources for t in s.triples], format=ox.RdfFormat.N_TRIPLES) or b""


def validate(store: ox.Store, sources: Sources, origins: Origins) -> list[Problem]:
    """Validate the data, the store's default graph (the store is left as it is)."""
    data_graph = to_rdflib(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()))
    conforms, results, _ = pyshacl_validate(
        data_graph, shacl_graph=to_rdflib(_triples([sources.shapes])), ont_graph=to_rdflib(_triples(sources.ontology)),
        inference="none", advanced=False, allow_warnings=True, abort_on_first=False)
    if isinstance(results, ValidationFailure):  # the shapes themselves are broken: a bug, not bad data
        raise RuntimeError(f"the SHACL shapes cannot be evaluated: {results.message}")
    if conforms:
        return []
    files = origins.describing({ox.NamedNode(str(f)) for f in results.objects(None, SH.focusNode)
                                if isinstance(f, rdflib.URIRef)}, store)
    problems = []
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        shape = results.value(result, SH.sourceShape)
        severity = results.value(result, SH.resultSeverity)
        value = results.value(result, SH.value)
        message = str(results.value(result, SH.resultMessage) or "constraint not met")
        if value is not None and str(value) not in message:
            message += f" (value: {_short(value)})"
        where = origins.where(str(focus), files[str(focus)]) if str(focus) in files else [
            "(no file: the node is only used as an object)"]
        problems.append(Problem(
            path=", ".join(where), kind="shape", message=message, focus=str(focus),
            result_path=_short(path, results) if path is not None else "",
            shape=_short(shape), severity=str(severity).rsplit("#", 1)[-1]))
    return sorted(set(problems))


def _short(term, graph: rdflib.Graph | None = None) -> str:
    if isinstance(term, rdflib.BNode):
        inverse = graph.value(term, SH.inversePath) if graph is not None else None
        return f"^<{inverse}>" if inverse is not None else "(blank node)"
    text = str(term)
    for prefix, ns in (("ukgsh:", "https://w3id.org/ungass-kg/shapes#"), ("ukg:", "https://w3id.org/ungass-kg/ont#")):
        if text.startswith(ns):
            return prefix + text[len(ns):]
    return f"<{text}>" if isinstance(term, rdflib.URIRef) else text
