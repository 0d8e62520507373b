"""The data graph a validation runs on: the data plus the ontology's axioms, as pyshacl mixes them.

pyshacl does not add the whole ontology (its `ont_graph`) to the data graph: it "inoculates" the
data with the RDFS and OWL axioms only (pyshacl.rdfutil.inoculate): every `x rdf:type C` where C
is an RDFS or OWL meta-class, every triple whose predicate is an RDFS or OWL axiom property
(rdfs:subClassOf, rdfs:label, owl:versionInfo, …), the blank nodes these reach, and the
owl:NamedIndividual nodes with everything said of them. So `ukg:One a ukg:Quantifier` in the
ontology is not data to validate, while `ukg:Summary rdfs:subClassOf ukg:Document` is what
sh:class and sh:targetClass follow. The same selection is made here, so that both engines see
the same graph. Everything goes to the store's default graph, which is a set: a triple stated in
two files counts once, as in one rdflib graph.
"""
from __future__ import annotations

from typing import Iterable

import pyoxigraph as ox

from loader.shacl.shapes import OWL, RDFS, RDF_TYPE

RDFS_CLASSES = {RDFS + n for n in ("Class", "Container", "ContainerMembershipProperty", "Datatype", "Literal", "Resource")}
OWL_CLASSES = {OWL + n for n in (
    "AllDifferent", "AllDisjointClasses", "AllDisjointProperties", "Annotation", "AnnotationProperty",
    "AsymmetricProperty", "Axiom", "Class", "DataRange", "DatatypeProperty", "DeprecatedClass", "DeprecatedProperty",
    "FunctionalProperty", "InverseFunctionalProperty", "IrreflexiveProperty", "NamedIndividual",
    "NegativePropertyAssertion", "ObjectProperty", "Ontology", "OntologyProperty", "ReflexiveProperty", "Restriction",
    "SymmetricProperty", "TransitiveProperty")}
RDFS_PROPERTIES = {RDFS + n for n in ("comment", "domain", "isDefinedBy", "label", "member", "range", "seeAlso",
                                      "subClassOf", "subPropertyOf")}
OWL_PROPERTIES = {OWL + n for n in (
    "allValuesFrom", "annotatedProperty", "annotatedSource", "annotatedTarget", "assertionProperty", "cardinality",
    "complementOf", "datatypeComplementOf", "differentFrom", "disjointUnionOf", "disjointWith", "distinctMembers",
    "equivalentClass", "equivalentProperty", "hasKey", "hasSelf", "hasValue", "intersectionOf", "inverseOf",
    "maxCardinality", "maxQualifiedCardinality", "members", "minCardinality", "minQualifiedCardinality", "onClass",
    "onDataRange", "onDatatype", "onProperties", "onProperty", "oneOf", "propertyChainAxiom", "propertyDisjointWith",
    "qualifiedCardinality", "sameAs", "someValuesFrom", "sourceIndividual", "targetIndividual", "targetValue",
    "unionOf", "withRestrictions", "backwardCompatibleWith", "deprecated", "incompatibleWith", "priorVersion",
    "versionInfo", "bottomDataProperty", "topDataProperty", "bottomObjectProperty", "topObjectProperty", "imports",
    "versionIRI")}
NAMED_INDIVIDUAL = OWL + "NamedIndividual"
MAX_DEPTH = 10  # pyshacl's clone_node stops there too


def ontology_axioms(triples: Iterable) -> list[ox.Triple]:
    """The triples of the ontology that pyshacl's inoculation copies into the data graph."""
    triples = [ox.Triple(t.subject, t.predicate, t.object) for t in triples]
    out_edges: dict = {}
    for t in triples:
        out_edges.setdefault(t.subject, []).append(t)
    picked: dict = {}

    def keep(t: ox.Triple) -> None:
        picked.setdefault(t, None)

    def copy_node(node, depth: int, everything: bool) -> None:
        """pyshacl's clone of a blank node (all it says, recursively) or of a NamedIndividual."""
        if depth >= MAX_DEPTH:
            return
        for t in out_edges.get(node, []):
            keep(t)
            if isinstance(t.object, ox.BlankNode):
                copy_node(t.object, depth + 1, False)
            elif everything and isinstance(t.object, ox.NamedNode):
                copy_node(t.object, depth + 1, True)

    individuals = []
    for t in triples:
        if t.predicate == RDF_TYPE and t.object.value in RDFS_CLASSES | OWL_CLASSES:
            keep(t)
            if isinstance(t.subject, ox.BlankNode):
                copy_node(t.subject, 0, False)
            elif t.object.value == NAMED_INDIVIDUAL:
                copy_node(t.subject, 0, True)
                individuals.append(t.subject)
        elif t.predicate.value in RDFS_PROPERTIES | OWL_PROPERTIES:
            keep(t)
            for node in (t.subject, t.object):
                if isinstance(node, ox.BlankNode):
                    copy_node(node, 0, False)
    for t in triples:
        if t.object in individuals and isinstance(t.predicate, ox.NamedNode):
            keep(t)
    return list(picked)


def add_axioms(store: ox.Store, ontology: Iterable) -> None:
    """Add the ontology's axioms (triples or quads) to the store's default graph."""
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in ontology_axioms(ontology))


def validation_store(data: Iterable, ontology: Iterable = ()) -> ox.Store:
    """An in-memory store whose default graph is the data (triples or quads) plus the ontology's axioms."""
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in data)
    add_axioms(store, ontology)
    return store


def validation_store_from_files(data: Iterable, ontology: Iterable = ()) -> ox.Store:
    """The same store, parsed straight from Turtle files (no Python object per triple)."""
    store = ox.Store()
    for path in data:
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    add_axioms(store, (t for path in ontology for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)))
    return store
