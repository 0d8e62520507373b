"""One naming rule: every resource has exactly one English rdfs:label, variants are skos:altLabel, numbers are integers.

The data is read as `loader check` reads it: the curated files, then the labels loader/labels.py derives.
"""
from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from conftest import DATA, PREFIXES, Graph

from loader import labels

SOURCE = (DATA / "source" / "summary.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def named() -> Graph:
    store = ox.Store()
    for path in sorted(DATA.rglob("*.ttl")):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    labels.derive(store)
    return Graph(store)


def english_labels(graph: Graph, node: str) -> list[str]:
    return graph.values(f'SELECT ?l WHERE {{ <{node}> rdfs:label ?l FILTER(LANGMATCHES(LANG(?l), "en")) }}')


def test_every_named_node_has_exactly_one_english_label(named):
    counts = named.select("""SELECT ?s (COUNT(DISTINCT ?l) AS ?n) WHERE {
        ?s a ?c . FILTER(isIRI(?s))
        OPTIONAL { ?s rdfs:label ?l FILTER(LANGMATCHES(LANG(?l), "en")) } } GROUP BY ?s HAVING (COUNT(DISTINCT ?l) != 1)""")
    assert counts == []


def test_a_concept_is_labelled_by_its_preferred_label(named):
    assert english_labels(named, PREFIXES["substance"] + "cannabis") == named.values(
        'SELECT ?l WHERE { substance:cannabis skos:prefLabel ?l FILTER(LANG(?l) = "en") }')


@pytest.mark.parametrize("node, full, short", [
    ("unodc", "United Nations Office on Drugs and Crime", "UNODC"),
    ("who", "World Health Organization", "WHO"),
    ("unaids", "Joint United Nations Programme on HIV/AIDS", "UNAIDS"),
    ("incb", "International Narcotics Control Board", "INCB"),
    ("undp", "United Nations Development Programme", "UNDP"),
    ("ohchr", "Office of the High Commissioner for Human Rights", "OHCHR"),
    ("emcdda", "European Monitoring Center for Drugs and Drug Addiction", "EMCDDA"),
])
def test_an_organization_is_labelled_by_its_full_name_and_its_abbreviation_is_an_alternative(named, node, full, short):
    """"the World Health Organization (WHO)", "the United Nations Office on Drugs and Crime" (¶5, ¶17)."""
    assert full in SOURCE and re.search(rf"\b{re.escape(short)}\b", SOURCE)
    iri = PREFIXES["actor"] + node
    assert english_labels(named, iri) == [full]
    assert short in named.values(f"SELECT ?a WHERE {{ <{iri}> skos:altLabel ?a }}")


def test_no_organization_is_labelled_by_an_abbreviation_the_source_spells_out(named):
    rows = named.select("""SELECT ?o ?l WHERE { ?o a org:Organization ; rdfs:label ?l .
        FILTER(REGEX(STR(?l), "^[A-Z]{2,}$")) }""")
    spelled_out = [r for r in rows if re.search(rf"\(({r['l']})\)", SOURCE)]
    assert spelled_out == []


@pytest.mark.parametrize("node, variant, paragraph", [
    ("state/tur", "Turkey", "44"), ("state/nld", "the Netherlands", "34"),
    ("event/ungass-2016", "UNGASS", "2"),
])
def test_the_sources_own_spellings_are_alternative_labels(named, node, variant, paragraph):
    assert variant in re.search(rf"^{paragraph}\. (.*)$", SOURCE, re.M).group(1)
    assert variant in named.values(f"SELECT ?a WHERE {{ <https://w3id.org/ungass-kg/id/{node}> skos:altLabel ?a }}")


def test_the_united_nations_is_a_node(named):
    """"in close partnership with the United Nations and other intergovernmental organizations" (¶1)."""
    assert named.ask("""ASK { actor:united-nations rdfs:label "United Nations"@en .
        ?s ukg:statedIn para:1 ; schema:mentions actor:united-nations }""")


def test_paragraph_numbers_are_integers_and_order_without_a_cast(named):
    numbers = named.values("SELECT ?n WHERE { ?p a ukg:SummaryParagraph ; eli:number ?n } ORDER BY ?n")
    assert numbers == [str(n) for n in range(1, 86)]
    assert named.ask('ASK { para:15 eli:number 15 ; skos:notation "15" ; rdfs:label "paragraph 15"@en }')


def test_the_footnotes_keep_their_printed_marker_beside_the_number(named):
    """"Item 7 of the provisional agenda*" and "resolution 2017/20.1": a star and a number."""
    assert named.ask("""ASK { <https://w3id.org/ungass-kg/id/doc/cnd-ungass-r3-summary/footnote/1> eli:number 1 ;
        skos:notation "1" }""")
    assert named.ask("""ASK { <https://w3id.org/ungass-kg/id/doc/cnd-ungass-r3-summary/footnote/star> skos:notation "*"
        FILTER NOT EXISTS { <https://w3id.org/ungass-kg/id/doc/cnd-ungass-r3-summary/footnote/star> eli:number ?n } }""")


def test_a_statement_is_labelled_by_its_place_in_the_source(named):
    assert english_labels(named, PREFIXES["stmt"] + "p15-1") == ["statement 1 of paragraph 15"]
    assert english_labels(named, PREFIXES["cit"] + "intro-2") == ["citation 2 of the introduction"]
