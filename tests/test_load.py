"""What a curator sees when running the loader: bad input refused with a report, good input built."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import DATA
from loader_cli import loader

MEETING = "https://w3id.org/ungass-kg/id/event/cnd-ungass-r3-chapter-3"


def quads_of(build: Path) -> set[str]:
    store = ox.Store.read_only(str(build / "store" / "oxigraph"))
    return {str(q) for q in store}


@pytest.fixture
def data(tmp_path) -> Path:
    """A private copy of the real data that a test may break."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    return copy


@pytest.fixture
def good_build(tmp_path, data) -> Path:
    build = tmp_path / "build"
    run = loader("--data", data, "--build-dir", build, "build")
    assert run.code == 0, run.err
    return build


def test_check_passes_on_the_curated_data():
    run = loader("check")
    assert run.code == 0, run.err
    assert run.out.startswith("ok: ")


def test_a_turtle_syntax_error_names_file_line_and_column_and_leaves_the_store_as_it_was(data, good_build):
    before = quads_of(good_build)
    target = data / "events" / "round.ttl"
    lines = target.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("event:cnd-ungass-r3-chapter-3 a"))
    lines[number + 2] = "    schema:startDate \"2017-10-16\"^^xsd:date ;;; oops"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")

    run = loader("--data", data, "--build-dir", good_build, "build")

    assert run.code == 2
    assert re.search(rf"events/round\.ttl:{number + 3}:\d+: ", run.err), run.err
    assert quads_of(good_build) == before


def test_every_broken_file_is_reported_not_just_the_first(data):
    (data / "a.ttl").write_text("@prefix x: <http://x/> .\nx:a x:b .\n", encoding="utf-8")
    (data / "b.ttl").write_text("@prefix x: <http://x/> .\nx:a x:b x:c\n", encoding="utf-8")
    run = loader("--data", data, "check")
    assert run.code == 2
    assert re.search(r"a\.ttl:2:\d+: ", run.err) and re.search(r"b\.ttl:\d+:\d+: ", run.err), run.err


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_meeting_without_a_date_is_refused_with_focus_node_and_shape(data, good_build):
    before = quads_of(good_build)
    _replace(data / "events" / "round.ttl",
             'schema:startDate "2017-10-16"^^xsd:date ;\n    schema:position 4 ;', "schema:position 4 ;")
    run = loader("--data", data, "--build-dir", good_build, "build")
    assert run.code == 1
    assert f"focus node: <{MEETING}>" in run.err
    assert "shape: ukgsh:MeetingShape-date" in run.err
    assert "data/events/round.ttl" in run.err or "events/round.ttl" in run.err
    assert quads_of(good_build) == before


def test_a_date_typed_as_a_plain_string_is_refused(data):
    _replace(data / "events" / "round.ttl", 'schema:startDate "2017-10-16"^^xsd:date ;\n    schema:position 4 ;',
             'schema:startDate "2017-10-16" ;\n    schema:position 4 ;')
    run = loader("--data", data, "check")
    assert run.code == 1
    assert f"focus node: <{MEETING}>" in run.err and "shape: ukgsh:MeetingShape-date" in run.err


def test_a_statement_that_cites_no_paragraph_is_refused(data):
    (data / "chapters" / "zz-broken.ttl").write_text((DATA / "prefixes.txt").read_text() + """
stmt:p99-1 a ukg:ReportedStatement ;
    ukg:speechAct ukg:Reported ; ukg:quantifier ukg:Some ; ukg:quantifierText "some delegations"@en ;
    ukg:speakerCategory ukg:Delegations ;
    dcterms:description "Some delegations said something the summary does not cite."@en ;
    dcterms:subject theme:new-psychoactive-substances .
""", encoding="utf-8")
    run = loader("--data", data, "check")
    assert run.code == 1
    assert "focus node: <https://w3id.org/ungass-kg/id/stmt/p99-1>" in run.err
    assert "ukg:statedIn" in run.err or "statedIn" in run.err
    assert "shape: ukgsh:StatementShape-statedIn" in run.err or "shape: ukgsh:ProvenanceShape-statedIn" in run.err


def test_a_misspelt_property_is_caught_by_the_undeclared_term_check(data):
    _replace(data / "events" / "round.ttl", "schema:superEvent event:cnd-ungass-r3 ;\n    schema:about chapter:3",
             "schema:superEvent event:cnd-ungass-r3 ;\n    schema:abuot chapter:3 ;\n    schema:about chapter:3")
    run = loader("--data", data, "check")
    assert run.code == 1
    assert re.search(r"events/round\.ttl:\d+:\d+: undeclared property <https://schema\.org/abuot>", run.err), run.err


def test_building_twice_gives_the_same_quads(tmp_path, good_build, data):
    again = tmp_path / "again"
    assert loader("--data", data, "--build-dir", again, "build").code == 0
    assert quads_of(again) == quads_of(good_build)
    first = json.loads((good_build / "store" / "build.json").read_text())
    second = json.loads((again / "store" / "build.json").read_text())
    assert first["build_id"] == second["build_id"]
    for dump in sorted((good_build / "store" / "release").iterdir()):
        assert dump.read_bytes() == (again / "store" / "release" / dump.name).read_bytes(), dump.name


def test_each_file_is_its_own_named_graph_and_the_default_graph_is_empty(build_dir):
    store = ox.Store.read_only(str(build_dir / "store" / "oxigraph"))
    graphs = {g.value for g in store.named_graphs()}
    assert "https://w3id.org/ungass-kg/graph/summary/paragraphs" in graphs
    assert "https://w3id.org/ungass-kg/graph/events/round" in graphs
    assert "https://w3id.org/ungass-kg/graph/ontology/ukg" in graphs
    assert not list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))


def test_the_derived_labels_are_a_graph_of_their_own(build_dir):
    """The naming rule's labels that the loader derives (loader/labels.py) are told apart from curated data."""
    store = ox.Store.read_only(str(build_dir / "store" / "oxigraph"))
    derived = ox.NamedNode("https://w3id.org/ungass-kg/graph/derived/labels")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    cannabis = ox.NamedNode("https://w3id.org/ungass-kg/id/substance/cannabis")
    assert [q.object for q in store.quads_for_pattern(cannabis, label, None, None)] == [ox.Literal("cannabis", language="en")]
    assert [q.graph_name for q in store.quads_for_pattern(cannabis, label, None, None)] == [derived]
    alt = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")  # from dcterms:alternative
    assert {q.predicate for q in store.quads_for_pattern(None, None, None, derived)} == {label, alt}


def test_a_build_writes_release_dumps_and_their_description(build_dir):
    release = build_dir / "store" / "release"
    quads = list(ox.parse(path=str(release / "ungass-kg.nq"), format=ox.RdfFormat.N_QUADS))
    assert len(quads) == json.loads((build_dir / "store" / "build.json").read_text())["triples"]
    assert len(list(ox.parse(path=str(release / "ungass-kg.trig"), format=ox.RdfFormat.TRIG))) == len(quads)
    union = list(ox.parse(path=str(release / "ungass-kg.ttl"), format=ox.RdfFormat.TURTLE))
    assert len(union) == len(quads)  # every graph's triples, a triple stated in two files twice
    void = {(t.predicate.value, t.object.value) for t in
            ox.parse(path=str(release / "void.ttl"), format=ox.RdfFormat.TURTLE)
            if t.subject.value == "https://w3id.org/ungass-kg/dataset"}
    assert ("http://purl.org/dc/terms/license", "https://creativecommons.org/licenses/by/4.0/") in void
    assert ("http://rdfs.org/ns/void#dataDump", "https://w3id.org/ungass-kg/dumps/ungass-kg.nq") in void


def test_usage_errors_exit_with_code_2():
    assert loader("no-such-command").code == 2
    assert loader("--data", "/nonexistent/folder", "check").code == 2


def test_a_concept_that_no_fact_names_is_refused_as_an_orphan(data):
    shutil.copy(Path(__file__).parent / "fixtures" / "orphan-concept.ttl", data / "zz-orphan.ttl")
    run = loader("--data", data, "check")
    assert run.code == 1
    m = re.search(r"zz-orphan\.ttl:(\d+):1: <https://w3id\.org/ungass-kg/id/theme/test-orphan> is named by no fact", run.err)
    assert m, run.err
    line = (data / "zz-orphan.ttl").read_text(encoding="utf-8").splitlines()[int(m.group(1)) - 1]
    assert line.startswith("theme:test-orphan")


def test_a_shape_violation_names_the_file_and_line_where_its_focus_node_is_defined(data):
    """A broken fixture: the Chapter III meeting of 16 October 2017 (¶44) loses its date; the report sends the
    curator to the line that starts the meeting's description, in both engines."""
    lines = (data / "events" / "round.ttl").read_text(encoding="utf-8").splitlines()
    defined = next(n for n, text in enumerate(lines, 1) if text.startswith("event:cnd-ungass-r3-chapter-3 "))
    _replace(data / "events" / "round.ttl", 'schema:startDate "2017-10-16"^^xsd:date ;\n    schema:position 4 ;',
             "schema:position 4 ;")
    for engine in ("oxigraph", "pyshacl"):
        run = loader("--data", data, "--engine", engine, "check")
        assert run.code == 1
        assert re.search(rf"events/round\.ttl:{defined}:1: Violation: A meeting needs exactly one schema:startDate", run.err), (
            engine, run.err)
        assert f"focus node: <{MEETING}>" in run.err


def test_a_blank_node_is_traced_to_its_file(data):
    """The checked store has no graph names and a parse relabels blank nodes: the report still names the file."""
    shutil.copy(Path(__file__).parent / "shapes" / "invalid" / "blank-node-citation.ttl", data / "zz-citation.ttl")
    (data / "zz-person.ttl").write_text("@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n"
                                        '[] a foaf:Person ; foaf:name "Someone" .\n', encoding="utf-8")
    run = loader("--data", data, "check")
    assert run.code == 1
    assert re.search(r"zz-citation\.ttl: Violation: .*\n    focus node: <\w+>\n    shape: ukgsh:NamedNodeShape", run.err), run.err
    assert re.search(r"zz-person\.ttl: _:\w+ is named by no fact", run.err), run.err
