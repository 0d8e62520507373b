"""The ontology and shapes pass their own rules: every own term labelled, defined and justified."""
from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology"
UKG = rdflib.Namespace("https://w3id.org/ungass-kg/ont#")
VANN = rdflib.Namespace("http://purl.org/vocab/vann/")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY / "ukg.ttl")


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY / "shapes.ttl")


def own_terms(graph: rdflib.Graph) -> set[rdflib.URIRef]:
    return {s for s in graph.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(str(UKG))}


def test_every_own_term_has_a_label_and_a_definition(ontology):
    missing = [t for t in own_terms(ontology)
               if not ontology.value(t, RDFS.label) and not ontology.value(t, SKOS.prefLabel)
               or not ontology.value(t, SKOS.definition)]
    assert not missing, f"terms without label or definition: {sorted(missing)}"


def test_every_own_class_and_property_says_why_it_exists(ontology):
    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}
    missing = [t for t in own_terms(ontology) if set(ontology.objects(t, RDF.type)) & kinds
               and not ontology.value(t, SKOS.scopeNote)]
    assert not missing, f"own classes/properties without a skos:scopeNote (reason to exist): {sorted(missing)}"


def test_the_ontology_header_has_what_pylode_reads(ontology):
    header = rdflib.URIRef("https://w3id.org/ungass-kg/ont")
    assert (header, RDF.type, OWL.Ontology) in ontology
    for prop in (DCT.title, DCT.description, DCT.license, DCT.created, OWL.versionIRI, OWL.versionInfo,
                 VANN.preferredNamespacePrefix, VANN.preferredNamespaceUri):
        assert ontology.value(header, prop) is not None, f"ontology header lacks {prop}"


def test_the_quantifier_scale_is_ordered_one_to_many(ontology):
    scale = ontology.value(UKG.QuantifierScale, SKOS.memberList)
    assert list(rdflib.collection.Collection(ontology, scale)) == [UKG.One, UKG.Some, UKG.Several, UKG.ANumberOf, UKG.Many]


def test_every_shape_is_named_labelled_and_speaks_to_the_curator(shapes):
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    property_shapes = set(shapes.objects(None, SH.property))
    assert node_shapes and property_shapes
    for shape in node_shapes | property_shapes:
        assert isinstance(shape, rdflib.URIRef), f"blank-node shape: {shapes.cbd(shape).serialize(format='turtle')}"
        assert shapes.value(shape, RDFS.label), f"{shape} has no rdfs:label"
        has_message = shapes.value(shape, SH.message) or any(
            shapes.value(c, SH.message) for c in shapes.objects(shape, SH.sparql))
        has_parts = shape in node_shapes and shapes.value(shape, SH.property) is not None
        assert has_message or has_parts, f"{shape} has no sh:message"
