"""The undeclared-term check: every class and property the data uses must be declared in ontology/.

Our own terms are declared in ontology/ukg.ttl, reused ones in ontology/imports.ttl. A term that is
in neither is almost always a typo (`eli:is_partof`), which SHACL alone would let pass. The terms the
data uses are asked of the checked store (three DISTINCT queries); which files use an unknown one
is asked only when there is one.
"""
from __future__ import annotations

import re

import pyoxigraph as ox

from loader.layout import Layout
from loader.origins import Origins
from loader.problems import Problem
from loader.sources import Source

OWL = "http://www.w3.org/2002/07/owl#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
OWN = "https://w3id.org/ungass-kg/ont#"
PROPERTY_KINDS = {OWL + k for k in ("ObjectProperty", "DatatypeProperty", "AnnotationProperty")} | {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property"}
CLASS_KINDS = {OWL + "Class", "http://www.w3.org/2000/01/rdf-schema#Class"}
USED = {  # what the data uses, each with the kind of declaration it needs (the first kind found wins)
    "property": "SELECT DISTINCT ?t WHERE { ?s ?t ?o }",
    "class": f"SELECT DISTINCT ?t WHERE {{ ?s <{RDF_TYPE.value}> ?t FILTER(isIRI(?t)) }}",
    "term": f'SELECT DISTINCT ?t WHERE {{ {{ ?t ?p ?o }} UNION {{ ?s ?p ?t }} FILTER(isIRI(?t) && STRSTARTS(STR(?t), "{OWN}")) }}',
}


def declared(tbox: list[Source]) -> tuple[set[str], set[str], set[str]]:
    """(properties, classes, every own IRI) declared in the ontology files."""
    properties, classes, own = set(), set(), set()
    for source in tbox:
        for t in source.triples:
            if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(OWN):
                own.add(t.subject.value)
            if t.predicate == RDF_TYPE and isinstance(t.subject, ox.NamedNode):
                if t.object.value in PROPERTY_KINDS:
                    properties.add(t.subject.value)
                elif t.object.value in CLASS_KINDS:
                    classes.add(t.subject.value)
    return properties, classes, own


def check(store: ox.Store, tbox: list[Source], origins: Origins, layout: Layout) -> list[Problem]:
    """Undeclared terms of the data (the default graph of `store`), one problem per file that uses one."""
    properties, classes, own = declared(tbox)
    known = {"property": properties, "class": classes, "term": own}
    unknown: dict[str, str] = {}
    for kind, query in USED.items():
        for row in store.query(query):
            if row["t"].value not in known[kind]:
                unknown.setdefault(row["t"].value, kind)
    by_file: dict[str, list[str]] = {}
    if unknown:
        for iri, files in sorted(origins.using(list(unknown)).items()):
            for shown in files:
                by_file.setdefault(shown, []).append(iri)
    problems = []
    for source in origins.data:
        shown = layout.display(source.path)
        if shown not in by_file:
            continue
        text = source.path.read_text(encoding="utf-8").splitlines()
        for iri in by_file[shown]:
            line, column = _locate(text, iri)
            problems.append(Problem(shown, line, column, "term", f"undeclared {unknown[iri]} <{iri}>: "
                                    "not in ontology/ukg.ttl nor ontology/imports.ttl (a typo?)"))
    return problems


def _locate(lines: list[str], iri: str) -> tuple[int, int]:
    """The first place the term's local name appears as a whole word: good enough to jump to."""
    local = re.split(r"[#/]", iri)[-1]
    pattern = re.compile(r"(?<![\w-])[\w-]*:" + re.escape(local) + r"(?![\w-])|<" + re.escape(iri) + ">")
    for number, line in enumerate(lines, 1):
        if not line.lstrip().startswith("#") and (m := pattern.search(line)):
            return number, m.start() + 1
    return 0, 0
