"""loader.shacl reports what pyshacl reports: same focus node, path, shape, severity, component, value, message.

Both engines validate the real data with every fixture of tests/shapes/ (invalid and valid) added,
pyshacl exactly as loader/validation.py runs it. pyshacl runs a SPARQL-based shape as one rdflib
query per focus node, which grows with the data (a shape joining labels took 80 s on the real data),
so each of those is compared on a sample of its focus nodes: every node a fixture mentions, plus a
fixed pseudo-random sample of the others; every other shape is compared on all its focus nodes.
UNGASS_SHACL_FULL=1 compares every shape on every focus node. The fixtures violate every shape of
ontology/shapes.ttl and use every kind of constraint in it, which the coverage test checks against
the shapes file itself (on loader.shacl's results, which the first test proves equal to pyshacl's).
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from conftest import DATA
from pyshacl import validate as pyshacl_validate
from rdflib.namespace import RDF, RDFS, SH

from loader import labels
from loader.shacl import UnsupportedShape, Validator, validation_store
from loader.shacl.datatypes import CONVERTED, rdflib_accepts
from loader.shacl.engine import component
from loader.shacl.shapes import ShapesGraph

ROOT = Path(__file__).resolve().parent.parent
SHAPES = ROOT / "tests" / "shapes"
FIXTURES = sorted((SHAPES / "invalid").glob("*.ttl")) + sorted((SHAPES / "valid").glob("*.ttl"))
EXPECT = re.compile(r"^# expect: (\S+)(?: (\S+))?\s*$")
SAMPLE = 8  # focus nodes of each SPARQL-based shape compared besides those the fixtures mention
FULL = os.environ.get("UNGASS_SHACL_FULL") == "1"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def triples(paths) -> list[ox.Triple]:
    return [t for p in paths for t in ox.parse(path=str(p), format=ox.RdfFormat.TURTLE)]


def rd(term):
    """An rdflib term for a pyoxigraph one, keeping blank node labels (so results can be compared)."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=None if term.datatype.value == XSD_STRING else rdflib.URIRef(term.datatype.value))


def graph(ts) -> rdflib.Graph:
    g = rdflib.Graph()
    for t in ts:
        g.add((rd(t.subject), rd(t.predicate), rd(t.object)))
    return g


def key(term):
    """One comparable form for rdflib and pyoxigraph terms.

    A typed literal is compared by value where it has one: oxigraph stores "5.0"^^xsd:decimal in
    canonical form ("5"), rdflib keeps the lexical form of the input.
    """
    if term is None:
        return None
    if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        term = rd(term)
    if isinstance(term, rdflib.Literal):
        value = term.value if term.datatype is not None and term.value is not None else str(term)
        return ("literal", value, str(term.datatype or ""), term.language or "")
    return (type(term).__name__, str(term))


def rd_path(g: rdflib.Graph, node) -> str:
    """A SHACL path of the shapes graph as SPARQL, as loader.shacl.shapes.Path.sparql() writes it."""
    if isinstance(node, rdflib.URIRef):
        return f"<{node}>"
    for predicate, form in ((SH.inversePath, "^({})"), (SH.zeroOrMorePath, "({})*"), (SH.oneOrMorePath, "({})+"),
                            (SH.zeroOrOnePath, "({})?")):
        inner = g.value(node, predicate)
        if inner is not None:
            return form.format(rd_path(g, inner))
    alternatives = g.value(node, SH.alternativePath)
    if alternatives is not None:
        return "(" + " | ".join(rd_path(g, i) for i in g.items(alternatives)) + ")"
    return "(" + " / ".join(rd_path(g, i) for i in g.items(node)) + ")"


class Corpus:
    """The real data with every fixture, as triples and as the rdflib graphs pyshacl gets."""

    def __init__(self):
        store = ox.Store()
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples(sorted(DATA.rglob("*.ttl")) + FIXTURES))
        labels.derive(store)  # as `loader check` validates the data: with the naming rule's derived labels
        self.data = [q.triple for q in store]
        self.ontology = triples([ROOT / "ontology" / "ukg.ttl", ROOT / "ontology" / "imports.ttl"])
        self.shapes = triples([ROOT / "ontology" / "shapes.ttl"])
        self.fixture_nodes = {t for f in FIXTURES for tr in ox.parse(path=str(f), format=ox.RdfFormat.TURTLE)
                              for t in (tr.subject, tr.object) if isinstance(t, ox.NamedNode)}


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return Corpus()


@pytest.fixture(scope="module")
def ours(corpus):
    report = Validator(corpus.shapes).validate(validation_store(corpus.data, corpus.ontology))
    return report


def as_tuples(results) -> set[tuple]:
    return {(key(r.focus), r.path.sparql() if r.path else None, key(r.shape), r.severity.value, r.component.value,
             key(r.value), r.message) for r in results}


def targets(g: rdflib.Graph, shape: rdflib.URIRef, sg: rdflib.Graph) -> set:
    """The focus nodes of a shape, by SHACL's definition of targets (independently of loader.shacl)."""
    out = set(sg.objects(shape, SH.targetNode))
    for cls in sg.objects(shape, SH.targetClass):
        for sub in g.transitive_subjects(RDFS.subClassOf, cls):
            out |= set(g.subjects(RDF.type, sub))
    for p in sg.objects(shape, SH.targetSubjectsOf):
        out |= set(g.subjects(p, None))
    for p in sg.objects(shape, SH.targetObjectsOf):
        out |= set(g.objects(None, p))
    return out


def pyshacl_results(data: rdflib.Graph, shapes: rdflib.Graph, ontology: rdflib.Graph, **options) -> set[tuple]:
    """pyshacl's results, run as loader/validation.py runs it."""
    _, report, _ = pyshacl_validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none", advanced=False,
                                    allow_warnings=True, abort_on_first=False, **options)
    out = set()
    for r in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(r, SH.resultPath)
        message = report.value(r, SH.resultMessage)
        out.add((key(report.value(r, SH.focusNode)), rd_path(shapes, path) if path is not None else None,
                 key(report.value(r, SH.sourceShape)), str(report.value(r, SH.resultSeverity)),
                 str(report.value(r, SH.sourceConstraintComponent)), key(report.value(r, SH.value)),
                 str(message) if message is not None else None))
    return out


@pytest.fixture(scope="module")
def theirs(corpus):
    """pyshacl's results, and for each sampled shape the focus nodes it was compared on.

    One pyshacl run, on the shapes graph with each sampled shape's targets replaced by
    sh:targetNode for its sample (pyshacl's use_shapes cannot be used: it leaves out the property
    shapes it was not given, which changes what sh:closed allows).
    """
    data, shapes, ontology = graph(corpus.data), graph(corpus.shapes), graph(corpus.ontology)
    sampled = [] if FULL else [s.node.value for s in ShapesGraph(corpus.shapes).targeted if s.sparql and not s.properties]
    fixture_nodes = {rd(n) for n in corpus.fixture_nodes}
    everything = data + ontology
    compared: dict[str, set] = {}
    for iri in sampled:
        node = rdflib.URIRef(iri)
        focus = targets(everything, node, shapes)
        others = sorted((n for n in focus - fixture_nodes if isinstance(n, rdflib.URIRef)),
                        key=lambda n: hashlib.sha256(str(n).encode()).hexdigest())
        chosen = (focus & fixture_nodes) | set(others[:SAMPLE])
        compared[iri] = {key(n) for n in chosen}
        for target in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
            shapes.remove((node, target, None))
        for n in chosen:
            shapes.add((node, SH.targetNode, n))
    return pyshacl_results(data, shapes, ontology), compared


def test_same_results_as_pyshacl_on_the_real_data_with_every_fixture(ours, theirs):
    found, compared = theirs
    mine = {r for r in as_tuples(ours.results) if r[2][1] not in compared or r[0] in compared[r[2][1]]}
    assert mine == found, (f"only loader.shacl: {sorted(mine - found, key=str)}\n"
                           f"only pyshacl: {sorted(found - mine, key=str)}")


def reachable(graph_: ShapesGraph) -> list:
    """The shapes that can be the source of a result: the targeted ones and their sh:property shapes."""
    out, todo = [], list(graph_.targeted)
    while todo:
        shape = todo.pop()
        if shape not in out:
            out.append(shape)
            todo += shape.properties
    return out


def test_the_fixtures_violate_every_shape_and_every_kind_of_constraint(corpus, ours):
    shapes = reachable(ShapesGraph(corpus.shapes))
    owning = {s.node.value for s in shapes if s.constraints or s.sparql or s.closed}
    violated = {r.shape.value for r in ours.results}
    assert owning - violated == set(), "shapes that no fixture violates: add one to tests/shapes/invalid/"
    used = {"sparql"} if any(s.sparql for s in shapes) else set()
    for s in shapes:
        used |= {"closed"} if s.closed else set()
        for c in s.constraints:
            if c.parameter == "qualifiedValueShape":
                used |= {n for n, v in (("qualifiedMinCount", c.value[1]), ("qualifiedMaxCount", c.value[2])) if v is not None}
            else:
                used.add(c.parameter)
    assert {component(p).value for p in used} - {r.component.value for r in ours.results} == set()


@pytest.mark.parametrize("fixture", [f for f in FIXTURES if "invalid" in f.parts], ids=lambda f: f.stem)
def test_each_invalid_fixture_trips_the_shape_it_names(fixture, ours):
    shape, focus = EXPECT.match(fixture.read_text(encoding="utf-8").splitlines()[0]).groups()
    found = {("ukgsh:" + r.shape.value.split("#")[1], r.focus.value) for r in ours.results
             if isinstance(r.shape, ox.NamedNode)}
    assert (shape, focus) in found if focus else shape in {s for s, _ in found}


SHAPES_HEADER = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
"""


@pytest.mark.parametrize("shape", [
    "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:equals ex:q ] .",
    "ex:S sh:targetClass ex:C ; sh:rule [ a sh:TripleRule ; sh:subject sh:this ; sh:predicate ex:p ; sh:object ex:o ] .",
    "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:D ] ; "
    "sh:qualifiedMinCount 1 ; sh:qualifiedValueShapesDisjoint true ] .",
    "ex:S sh:target [ a sh:SPARQLTarget ; sh:select 'SELECT ?this WHERE { ?this a ex:C }' ] .",
    "ex:Component a sh:ConstraintComponent ; sh:parameter [ sh:path ex:flavour ] .",
    "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:pattern '^(?=a)b' ] .",
    "ex:S sh:targetClass ex:C ; sh:sparql [ sh:select 'SELECT $this WHERE { $this ex:p ?o MINUS { $this ex:q ?o } }' ] .",
    "ex:S sh:targetClass ex:C ; sh:node ex:S ; sh:property [ sh:path ex:p ; sh:or ( ex:S ) ] .",
])
def test_a_feature_it_does_not_implement_is_refused_not_ignored(shape):
    with pytest.raises(UnsupportedShape):
        Validator(ox.parse(SHAPES_HEADER + shape, format=ox.RdfFormat.TURTLE)).validate(ox.Store())


def test_it_knows_which_datatypes_rdflib_converts():
    from rdflib.term import XSDToPython
    assert CONVERTED == {str(d) for d, convert in XSDToPython.items() if d is not None and convert is not None}


ODD = """@prefix ex: <http://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a a ex:C ; ex:int "12"^^xsd:integer , "+7"^^xsd:integer , "1_000"^^xsd:integer , "1.0"^^xsd:integer , "x"^^xsd:integer ;
    ex:date "2017-09-26"^^xsd:date , "2017-02-30"^^xsd:date , "0000-01-01"^^xsd:date , "2017-09-26+15:00"^^xsd:date ,
        "-0044-03-15"^^xsd:date ;
    ex:dec "1e3"^^xsd:decimal , "1.5"^^xsd:decimal ; ex:bool "1"^^xsd:boolean , "yes"^^xsd:boolean ;
    ex:year "20177"^^xsd:gYear ; ex:text "a"@en , "b"@EN-gb , "c" ;
    ex:code "AB\\n" , "ab" ; ex:n 5 , 5.0 , "5" .
"""
ODD_SHAPES = SHAPES_HEADER + """ex:S sh:targetClass ex:C ;
    sh:property [ sh:path ex:int ; sh:datatype xsd:integer ] , [ sh:path ex:date ; sh:datatype xsd:date ] ,
        [ sh:path ex:dec ; sh:datatype xsd:decimal ] , [ sh:path ex:bool ; sh:datatype xsd:boolean ] ,
        [ sh:path ex:year ; sh:datatype xsd:gYear ] , [ sh:path ex:text ; sh:languageIn ( "en" ) ; sh:uniqueLang true ] ,
        [ sh:path ex:code ; sh:pattern "^[A-Z]+$" ; sh:minLength 3 ] , [ sh:path ex:n ; sh:maxInclusive 5 ; sh:in ( 5 ) ] ,
        [ sh:path [ sh:inversePath ex:int ] ; sh:maxCount 0 ] , [ sh:path ( ex:int ex:nothing ) ; sh:minCount 1 ] .
"""


def test_odd_literals_are_judged_as_pyshacl_judges_them():
    data, shapes = list(ox.parse(ODD, format=ox.RdfFormat.TURTLE)), list(ox.parse(ODD_SHAPES, format=ox.RdfFormat.TURTLE))
    mine = Validator(shapes).validate(validation_store(data))
    found = pyshacl_results(graph(data), graph(shapes), rdflib.Graph())
    drop_shape = lambda rows: {(r[0], r[1], r[3], r[4], r[5]) for r in rows}  # noqa: E731 (shapes are blank nodes)
    assert drop_shape(as_tuples(mine.results)) == drop_shape(found)
    assert rdflib_accepts("+7", "http://www.w3.org/2001/XMLSchema#integer")
    assert not rdflib_accepts("0000-01-01", "http://www.w3.org/2001/XMLSchema#date")


def test_the_loader_gets_the_same_problems_from_either_engine(tmp_path):
    """loader.shacl.report.validate is a drop-in for loader.validation.validate (files, messages, values)."""
    import shutil

    from loader import validation
    from loader.layout import Layout
    from loader.origins import Origins
    from loader.shacl import report
    from loader.sources import read
    for fixture in FIXTURES[::4]:
        shutil.copy(fixture, tmp_path / fixture.name)
    layout = Layout(data=tmp_path)
    sources, store = read(layout)
    origins = Origins(sources.data, layout)
    theirs = set(validation.validate(store, sources, origins))
    ours = set(report.validate(store, sources, origins))  # after pyshacl: it adds the axioms to the store
    named = {t.value for s in sources.data for t in s.triples for t in (t.subject, t.object) if not isinstance(t, ox.BlankNode)}
    blank = {p for p in ours | theirs if p.focus not in named}  # pyshacl renames blank nodes, so it cannot name their file
    assert len(ours) > 20 and ours - blank == theirs - blank


SPARQL_DATA = """@prefix ex: <http://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a a ex:C ; ex:p ex:b , ex:c ; ex:n 1 ; ex:d "2019-01-01" ; ex:label "same" .
ex:b a ex:C ; ex:p ex:a ; ex:n "one" ; ex:d "2017-01-01"^^xsd:date ; ex:label "same" .
ex:c a ex:C ; ex:n 3 ; ex:d "2018-01-01"^^xsd:date ; ex:label "other" .
ex:e a ex:D ; ex:q ex:a .
"""
SPARQL_SHAPES = SHAPES_HEADER + """<http://example.org/shapes> a owl:Ontology ;
    sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
ex:S sh:targetClass ex:C ;
    sh:sparql [ sh:prefixes <http://example.org/shapes> ; sh:message "{$this} and {?other} share {?l}" ;
        sh:select "SELECT $this ?other ?l WHERE { $this ex:label ?l . ?other ex:label ?l . FILTER(?other != $this) }" ] ,
      [ sh:prefixes <http://example.org/shapes> ; sh:message "out of order with {?o}" ;
        sh:select "SELECT $this ?o WHERE { $this ex:n ?n ; ex:d ?d . ?o ex:n ?m ; ex:d ?e . FILTER(?o != $this && ?n < ?m && ?d > ?e) }" ] ,
      [ sh:prefixes <http://example.org/shapes> ;
        sh:select "SELECT $this ?value WHERE { { $this ex:p ?value FILTER(?value != $this) } UNION { ?value ex:q $this } }" ] ,
      [ sh:prefixes <http://example.org/shapes> ;
        sh:select "SELECT $this (COUNT(?x) AS ?k) WHERE { $this ex:p ?x } GROUP BY $this HAVING (COUNT(?x) > 1)" ] ,
      [ sh:prefixes <http://example.org/shapes> ;
        sh:select "SELECT ?this ?path WHERE { ?this ?path ?o . FILTER NOT EXISTS { ?o a ex:C } FILTER(isIRI(?o)) }" ] ,
      [ sh:prefixes <http://example.org/shapes> ;
        sh:select "SELECT $this WHERE { OPTIONAL { $this ex:p ?x FILTER(?x = $this) } FILTER(!BOUND(?x)) FILTER NOT EXISTS { $this ex:q ?y } }" ] ,
      [ sh:prefixes <http://example.org/shapes> ;
        sh:select "SELECT $this WHERE { { SELECT $this (COUNT(*) AS ?k) WHERE { $this ?p ?o } GROUP BY $this } FILTER(?k > 5) }" ] .
"""


def test_sparql_constraints_rewritten_for_oxigraph_still_answer_as_pyshacl():
    """Set-at-a-time joins, MINUS for NOT EXISTS, rdflib's ordering of a string and a date, and the
    per-focus fallback (UNION with a FILTER on $this, a subquery, an aggregate) on one small graph."""
    data, shapes = list(ox.parse(SPARQL_DATA, format=ox.RdfFormat.TURTLE)), list(ox.parse(SPARQL_SHAPES, format=ox.RdfFormat.TURTLE))
    validator = Validator(shapes)
    modes = {p.template is not None for p in validator.prepared.values()}
    assert modes == {True, False}  # both ways of running a constraint are exercised
    mine = validator.validate(validation_store(data))
    found = pyshacl_results(graph(data), graph(shapes), rdflib.Graph())
    assert as_tuples(mine.results) == found and len(found) > 5
