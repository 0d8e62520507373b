"""One naming rule: every resource has exactly one English rdfs:label, variants are skos:altLabel, numbers are integers.

The data is read as `loader check` reads it: the curated files, then the labels loader/labels.py derives.
"""
from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from conftest import DATA, PREFIXES, ROOT, Graph

from loader import labels

SOURCE = (DATA / "source" / "summary.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def named() -> Graph:
    store = ox.Store()
    for path in sorted(DATA.rglob("*.ttl")):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    vocabulary = [t for path in sorted((ROOT / "ontology").glob("*.ttl"))
                  for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
    labels.derive(store, vocabulary=vocabulary)  # as `loader check` does: the classes name a document's series
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
    assert named.ask('ASK { para:15 eli:number 15 ; skos:notation "15" }')


def test_a_paragraph_is_labelled_by_its_number_and_first_words(named):
    """"15. Many Member States shared good practices in effectively implementing measures…" (the source)."""
    assert english_labels(named, PREFIXES["para"] + "15") == ["¶ 15 · Many Member States shared good practices in effectively…"]
    assert english_labels(named, "https://w3id.org/ungass-kg/id/doc/cnd-ungass-r3-summary/footnote/1") == [
        "Footnote 1 · ECOSOC resolution 2017/20 on promoting the implementation…"]
    assert english_labels(named, "https://w3id.org/ungass-kg/id/doc/cnd-ungass-r3-summary/intro") == [
        "Introduction · Provided below are concluding remarks for the third round…"]


def test_the_footnotes_keep_their_printed_marker_beside_the_number(named):
    """"Item 7 of the provisional agenda*" and "resolution 2017/20.1": a star and a number."""
    assert named.ask("""ASK { <https://w3id.org/ungass-kg/id/doc/cnd-ungass-r3-summary/footnote/1> eli:number 1 ;
        skos:notation "1" }""")
    assert named.ask("""ASK { <https://w3id.org/ungass-kg/id/doc/cnd-ungass-r3-summary/footnote/star> skos:notation "*"
        FILTER NOT EXISTS { <https://w3id.org/ungass-kg/id/doc/cnd-ungass-r3-summary/footnote/star> eli:number ?n } }""")


@pytest.mark.parametrize("node, label", [
    # the paragraph that states it, then the first words of its description, cut at a word
    ("stmt/p15-1", "¶ 15 · Many Member States shared good practices in effectively…"),
    ("figure/p5-1", "¶ 5 · Approximately 50 panellists shared their expertise."),
    ("item/p76-2", "¶ 76 · the work of its subsidiary bodies"),
    ("request/p74-1", "Footnote 1 · to apply the United Nations Guiding Principles on…"),  # stated in a footnote
    # what cites, what is cited: a chapter, a symbol, a number in a series (the ontology's class label)
    ("citation/p44-1", "¶ 44 cites Chapter III"),
    ("citation/p46-3", "¶ 46 cites A/RES/S-30/1"),
    ("citation/intro-2", "The introduction cites CND resolution 60/1"),
    # the source's words for the seat, then the event it belongs to
    ("participation/r3-ch3-panel-2", "Seat: expert panellist from Nigeria (Panel discussion on Chapter III)"),
])
def test_a_source_fact_is_labelled_by_its_place_and_words(named, node, label):
    assert english_labels(named, "https://w3id.org/ungass-kg/id/" + node) == [label]


def test_a_statements_label_begins_with_its_own_description(named):
    rows = named.select("""SELECT ?s ?l ?d WHERE { ?s a ukg:ReportedStatement ; rdfs:label ?l ; dcterms:description ?d }""")
    assert len(rows) > 200
    for row in rows:
        place, words = row["l"].split(" · ", 1)
        assert re.fullmatch(r"¶ \d+", place) and len(words) <= 61, row
        assert row["d"].startswith(words.removesuffix("…").rstrip()), row
