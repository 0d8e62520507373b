"""The undeclared-term check: every class and property the data uses must be declared in ontology/.

Our own terms are declared in ontology/ukg.ttl, reused ones in ontology/imports.ttl. A term that is
in neither is almost always a typo (`eli:is_partof`), which SHACL alone would let pass.
"""
from __future__ import annotations

import re

import pyoxigraph as ox

from loader.layout import Layout
from loader.problems import Problem
from loader.sources import Source

OWL = "http://www.w3.org/2002/07/owl#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
OWN = "https://w3id.org/ungass-kg/ont#"
PROPERTY_KINDS = {OWL + k for k in ("ObjectProperty", "DatatypeProperty", "AnnotationProperty")} | {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property"}
CLASS_KINDS = {OWL + "Class", "http://www.w3.org/2000/01/rdf-schema#Class"}


def declared(tbox: list[Source]) -> tuple[set[str], set[str], set[str]]:
    """(properties, classes, every own IRI) declared in the ontology files."""
    properties, classes, own = set(), set(), set()
    for source in tbox:
        for q in source.quads:
            if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(OWN):
                own.add(q.subject.value)
            if q.predicate == RDF_TYPE and isinstance(q.subject, ox.NamedNode):
                if q.object.value in PROPERTY_KINDS:
                    properties.add(q.subject.value)
                elif q.object.value in CLASS_KINDS:
                    classes.add(q.subject.value)
    return properties, classes, own


def check(data: list[Source], tbox: list[Source], layout: Layout) -> list[Problem]:
    properties, classes, own = declared(tbox)
    problems = []
    for source in data:
        unknown: dict[str, str] = {}
        for q in source.quads:
            if q.predicate.value not in properties:
                unknown.setdefault(q.predicate.value, "property")
            if q.predicate == RDF_TYPE and isinstance(q.object, ox.NamedNode) and q.object.value not in classes:
                unknown.setdefault(q.object.value, "class")
            for term in (q.subject, q.object):
                if isinstance(term, ox.NamedNode) and term.value.startswith(OWN) and term.value not in own:
                    unknown.setdefault(term.value, "term")
        if not unknown:
            continue
        text = source.path.read_text(encoding="utf-8").splitlines()
        for iri, kind in sorted(unknown.items()):
            line, column = _locate(text, iri)
            problems.append(Problem(layout.display(source.path), line, column, "term",
                                    f"undeclared {kind} <{iri}>: not in ontology/ukg.ttl nor ontology/imports.ttl (a typo?)"))
    return problems


def _locate(lines: list[str], iri: str) -> tuple[int, int]:
    """The first place the term's local name appears as a whole word: good enough to jump to."""
    local = re.split(r"[#/]", iri)[-1]
    pattern = re.compile(r"(?<![\w-])[\w-]*:" + re.escape(local) + r"(?![\w-])|<" + re.escape(iri) + ">")
    for number, line in enumerate(lines, 1):
        if not line.lstrip().startswith("#") and (m := pattern.search(line)):
            return number, m.start() + 1
    return 0, 0
