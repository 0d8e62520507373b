"""The published query library as researchers use it: each query's exact answer on the real data, stated from the source text.

Expected answers come from data/source/summary.txt (split into paragraphs by the loader's own parser,
which reads the source, not the graph): the paragraph that names a panellist, dates a meeting or
uses a phrase is quoted, and the quote is checked against the source. Queries run over HTTP on the
real server, on the command line as a subprocess, and through the remote backend (which binds
parameters with a VALUES block instead of pyoxigraph's substitutions).
"""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from server_fixtures import normalized

from loader.paragraphs import parse
from server.backends import values
from server.errors import BadParameter
from server.library import catalog as query_library

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "queries"
ID = "https://w3id.org/ungass-kg/id/"
S30 = ID + "doc/a-res-s-30-1"
SECTIONS, PARAGRAPHS, FOOTNOTES, INTRO, HEADER = parse((ROOT / "data" / "source" / "summary.txt").read_text(encoding="utf-8"))
SOURCE = {str(p.number): p.text for p in PARAGRAPHS}
FOOTNOTE = {f.mark: f.text for f in FOOTNOTES}
ORDER_OF_DISCUSSION = ["I", "II", "IV", "III", "V", "VII", "VI"]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII"]
# The chapter of each paragraph, from the source's section headings "... (Chapter N)".
_SECTION_CHAPTER = {s.slug: s.chapter for s in SECTIONS}
CHAPTER_OF = {str(p.number): ROMAN[_SECTION_CHAPTER[p.section] - 1] for p in PARAGRAPHS if _SECTION_CHAPTER[p.section]}

# The panels as paragraphs 8, 22, 34, 44, 54, 67 and 76 name them: (words of the source, IRI under ID).
PANELS = {
    "I": (8, [("UNODC Drug Prevention and Health Branch", "org/unodc-drug-prevention-and-health-branch"),
              ("Nigeria", "state/nga"), ("Singapore", "state/sgp"), ("Estonia", "state/est"),
              ("Portugal", "state/prt"), ("UNAIDS", "org/unaids"), ("EMCDDA", "org/emcdda"),
              ("Free Clinic Belgium", "org/free-clinic-belgium")]),
    "II": (22, [("Kenya", "state/ken"), ("Mexico", "state/mex"), ("Belgium", "state/bel"),
                ("UNODC Drug Prevention and Health Branch", "org/unodc-drug-prevention-and-health-branch"),
                ("WHO", "org/who"), ("INCB", "org/incb"),
                ("European Association for Palliative Care", "org/european-association-for-palliative-care")]),
    "IV": (34, [("Angola", "state/ago"), ("the Netherlands", "state/nld"), ("UNODC Justice Section", "org/unodc-justice-section"),
                ("UN Women", "org/un-women"), ("Office of the High Commissioner for Human Rights", "org/ohchr"),
                ("Nepal Concerned Center", "org/nepal-concerned-center")]),
    "III": (44, [("UNODC Organized Crime Branch", "org/unodc-organized-crime-branch"), ("Nigeria", "state/nga"),
                 ("Malaysia", "state/mys"), ("Estonia", "state/est"), ("Turkey", "state/tur"),
                 ("European Commission", "org/european-commission"),
                 ("Action Solidaire de la Jeunesse par le Développement Communautaire", "org/asjdc")]),
    "V": (54, [("Colombia", "state/col"), ("Mexico", "state/mex"), ("Canada", "state/can"), ("the Netherlands", "state/nld"),
               ("UNODC Research and Trend Analysis Branch", "org/unodc-research-and-trend-analysis-branch"),
               ("INCB", "org/incb"), ("WHO", "org/who"),
               ("European Monitoring Center for Drugs and Drug Addiction", "org/emcdda"),
               ("Golden Colombia Foundation", "org/golden-colombia-foundation")]),
    "VII": (67, [("Nigeria", "state/nga"), ("Thailand", "state/tha"), ("Germany", "state/deu"),
                 ("Sustainable Livelihood Unit of UNODC", "org/unodc-sustainable-livelihood-unit"),
                 ("UNDP country office in Afghanistan", "org/undp-afghanistan"),
                 ("International Drug Policy Consortium", "org/idpc")]),
    "VI": (76, [("Malaysia", "state/mys"), ("Panama", "state/pan"), ("European Commission", "org/european-commission"),
                ("UNODC Division for Operations", "org/unodc-division-for-operations"),
                ("a representative of a non-governmental organization nominated by the Vienna NGO Committee", None)]),
}
UNIT_OF = {iri: "org/unodc" for _, seats in PANELS.values() for _, iri in seats if iri and iri.startswith("org/unodc-")}
UNIT_OF["org/undp-afghanistan"] = "org/undp"


def says(where: str, *phrases: str) -> None:
    """Each phrase is in the source's paragraph `where` (a number, `intro`, or `fn:MARK`), ignoring case and spacing."""
    text = INTRO if where == "intro" else FOOTNOTE[where[3:]] if where.startswith("fn:") else SOURCE[where]
    flat = " ".join(text.split()).lower()
    for phrase in phrases:
        for piece in phrase.split("…"):  # a phrase may leave words out, marked with an ellipsis
            assert " ".join(piece.split()).lower() in flat, f"{piece!r} is not in paragraph {where} of the source"


def mentions(*names: str) -> set[str]:
    """The paragraphs of the source that name any of `names`."""
    return {n for n, text in SOURCE.items() if any(name in text for name in names)}


def run(server, name: str, accept: str | None = None, **params) -> requests.Response:
    headers = {"Accept": accept} if accept else {}
    return requests.get(f"{server.url}queries/{name}", params=params, headers=headers, timeout=60)


def answer(server, name: str, **params) -> list[dict[str, str]]:
    """The rows of a named query's JSON answer, IRIs under the dataset's base shortened (org/unodc)."""
    response = run(server, name, **params)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/sparql-results+json"
    return [{var: short(term["value"]) for var, term in row.items()} for row in response.json()["results"]["bindings"]]


def short(value: str) -> str:
    return value[len(ID):] if value.startswith(ID) else value


def listed(value: str | None) -> set[str]:
    """A GROUP_CONCAT cell as a set (SPARQL leaves the order of GROUP_CONCAT undefined; none: unbound or empty)."""
    return set(value.split(", ")) if value else set()


def para(n) -> str:
    return f"doc/cnd-ungass-r3-summary/para/{n}"


# The library and its headers.

def test_every_query_file_is_published_with_a_valid_header():
    library = query_library.load()
    assert sorted(q.name for q in library) == sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    for query in library:
        assert query.summary and query.description and query.tags
        for param in query.params:
            assert param.name in query.variables, f"{query.name}: ?{param.name} is bound, so it is projected"


# The questions of issue 6, each answered by a query of its own.
def test_the_library_answers_the_questions_of_the_issue():
    names = {q.name for q in query_library.load()}
    assert {"document-links", "round-timeline", "chapter-panel", "actors-on-several-panels", "actor-activity",
            "statements-about", "measures-by-chapter", "programmes", "civil-society", "un-entities",
            "search-paragraphs", "provenance", "countries", "cross-chapter-subjects"} <= names


BROKEN = {
    "not-yaml.rq": (2, "not valid YAML"),
    "unknown-key.rq": (4, "unknown key 'author' in the header"),
    "duplicate-key.rq": (3, "duplicate key 'summary'"),
    "missing-summary.rq": (1, "the header has no 'summary'"),
    "no-header.rq": (1, "no #+ header"),
    "late-header-line.rq": (6, "a #+ line after the header"),
    "bad-type.rq": (4, "type 'float' is not one of boolean, date, integer, iri, string"),
    "unknown-param-key.rq": (4, "unknown key 'pattern' in param 'name'"),
    "param-not-in-query.rq": (10, "param 'other' is not a variable of the query"),
    "param-not-projected.rq": (10, "does not contains variable ?name in its SELECT projection"),
    "example-not-an-iri.rq": (4, "the example is not a valid value: parameter 'x' must be an absolute IRI"),
    "reserved-name.rq": (4, "'format' is reserved"),
    "required-with-default.rq": (4, "a required param has no default"),
    "update.rq": (4, "the library publishes queries only"),
    "syntax-error.rq": (4, "not valid SPARQL 1.1"),
    "tags-not-a-list.rq": (3, "tags must be a list"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_query_file_is_refused_with_its_line(name):
    line, message = BROKEN[name]
    with pytest.raises(query_library.LibraryError) as refused:
        query_library.read(FIXTURES / name)
    assert any(problem.startswith(f"{FIXTURES / name}:{line}: ") and message in problem
               for problem in refused.value.problems), refused.value.problems


def test_every_broken_file_of_a_folder_is_reported_at_once():
    assert sorted(p.name for p in FIXTURES.glob("*.rq")) == sorted(BROKEN)
    with pytest.raises(query_library.LibraryError) as refused:
        query_library.load(FIXTURES)
    reported = {Path(problem.split(":", 1)[0]).name for problem in refused.value.problems}
    assert reported == set(BROKEN)


def test_the_command_line_reports_a_broken_library_in_one_message():
    run_ = subprocess.run([sys.executable, "-m", "server", "queries", "--library", str(FIXTURES), "list"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run_.returncode == 2 and run_.stdout == ""
    assert all(name in run_.stderr for name in BROKEN) and "Traceback" not in run_.stderr


# Binding parameters: RDF terms of the declared type, or a 400 naming the parameter.

def param(kind: str, required: bool = True, default: str | None = None) -> query_library.Param:
    return query_library.Param("p", kind, required, "a parameter", "x", default)


@pytest.mark.parametrize("kind, value, term", [
    ("iri", "https://w3id.org/ungass-kg/id/org/unodc", ox.NamedNode(ID + "org/unodc")),
    ("string", 'a "quoted" } value', ox.Literal('a "quoted" } value')),
    ("integer", "+042", ox.Literal("42", datatype=ox.NamedNode(query_library.XSD + "integer"))),
    ("date", "2017-09-26", ox.Literal("2017-09-26", datatype=ox.NamedNode(query_library.XSD + "date"))),
    ("boolean", "true", ox.Literal("true", datatype=ox.NamedNode(query_library.XSD + "boolean"))),
])
def test_a_value_becomes_the_term_of_its_type(kind, value, term):
    assert query_library.term(param(kind), value) == term


@pytest.mark.parametrize("kind, value", [
    ("iri", "org/unodc"), ("iri", "https://example.org/a b"), ("iri", "https://example.org/>} ; DROP ALL"),
    ("integer", "4.2"), ("integer", "forty"), ("date", "2017-13-45"), ("date", "26/09/2017"),
    ("boolean", "yes"), ("string", ""),
])
def test_a_value_not_of_its_type_is_a_bad_parameter_naming_it(kind, value):
    with pytest.raises(BadParameter, match="parameter 'p'"):
        query_library.term(param(kind), value)


def test_missing_unknown_and_repeated_parameters_are_refused():
    query = query_library.load().get("actor-activity")
    with pytest.raises(BadParameter, match="missing required parameter 'actor'"):
        query_library.bind(query, [])
    with pytest.raises(BadParameter, match="unknown parameter 'who'"):
        query_library.bind(query, [("actor", ID + "org/unodc"), ("who", "x")])
    with pytest.raises(BadParameter, match="parameter 'actor' is given more than once"):
        query_library.bind(query, [("actor", ID + "org/unodc"), ("actor", ID + "org/who")])


def test_an_optional_parameter_takes_its_default():
    query = query_library.load().get("round-timeline")
    assert query_library.bind(query, []) == {"round": ox.NamedNode(ID + "event/cnd-ungass-r3")}
    assert query_library.bind(query_library.load().get("measures-by-chapter"), []) == {}


# Substitutions, the parameters written into the WHERE group (embedded backend) and a VALUES block
# (remote backend) give the same answers.

CASES = [(q.name, tuple(q.example_values().items())) for q in query_library.load()] + [
    ("actor-activity", (("actor", ID + "state/est"),)),
    ("statements-about", (("subject", ID + "substance/cannabis"),)),
    ("chapter-panel", (("chapter", "VI"),)),
    ("measures-by-chapter", ()),
    ("document-links", (("document", ID + "doc/e-res-2017-20"),)),
    ("search-paragraphs", (("text", "2017/20"),)),
]


@pytest.mark.parametrize("name, params", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_a_values_block_binds_as_substitutions_do(local_store, name, params):
    query = query_library.load().get(name)
    bindings = query_library.bind(query, list(params))
    substituted = local_store.query(query.text, use_default_graph_as_union=True,
                                    substitutions={ox.Variable(k): v for k, v in bindings.items()})
    text = values.bind(query.text, tuple(bindings.items())) if bindings else query.text
    with_values = local_store.query(text, use_default_graph_as_union=True)
    expected = normalized(substituted)
    assert expected == normalized(with_values)
    assert expected or name == "search-paragraphs"
    if bindings:
        written = values.inline(query.text, tuple(bindings.items()))
        assert written is not None, "every published query can have its parameters written in"
        assert normalized(local_store.query(written, use_default_graph_as_union=True)) == expected


def test_a_parameter_the_query_assigns_itself_is_bound_by_values_alone():
    assigned = "SELECT ?x WHERE { BIND(1 AS ?x) }"
    assert values.inline(assigned, (("x", ox.Literal(1)),)) is None
    subquery = "SELECT ?x WHERE { { SELECT ?x WHERE { ?x ?p ?o } } }"
    assert values.inline(subquery, (("x", ox.NamedNode("http://example.org/a")),)) is None


def test_the_remote_backend_answers_every_example_as_the_embedded_one(server, remote_server):
    for query in query_library.load():
        local = run(server, query.name, accept="text/tab-separated-values", **query.example_values())
        remote = run(remote_server, query.name, accept="text/tab-separated-values", **query.example_values())
        assert local.status_code == remote.status_code == 200, (query.name, local.text, remote.text)
        parse_ = lambda body: normalized(ox.parse_query_results(body, format=ox.QueryResultsFormat.TSV))  # noqa: E731
        assert parse_(local.content) == parse_(remote.content), query.name


# Each query's exact answer, from the source text.

def test_round_timeline_seven_meetings_in_date_order(server):
    dated = {"I": (7, "Tuesday, 26 September 2017"), "II": (22, "Wednesday, 27 September 2017"),
             "IV": (34, "Thursday, 28 September 2017"), "III": (44, "Monday, 16 October 2017"),
             "V": (54, "Tuesday, 17 October 2017"), "VII": (67, "Wednesday, 18 October 2017"),
             "VI": (76, "Thursday, 16 November 2017")}
    for number, (paragraph, date) in dated.items():
        says(str(paragraph), date, f"Chapter {number}")
    rows = answer(server, "round-timeline")
    assert [r["number"] for r in rows] == ORDER_OF_DISCUSSION
    assert [r["order"] for r in rows] == [str(i) for i in range(1, 8)]
    assert [r["date"] for r in rows] == ["2017-09-26", "2017-09-27", "2017-09-28", "2017-10-16", "2017-10-17",
                                         "2017-10-18", "2017-11-16"]
    assert {r["round"] for r in rows} == {"event/cnd-ungass-r3"}
    headings = {s.title for s in SECTIONS}
    for row in rows:
        assert f"{row['title']} (Chapter {row['number']})" in headings  # the section heading of the chapter
        assert row["chapter"] == f"doc/a-res-s-30-1/chapter/{ROMAN.index(row['number']) + 1}"
    assert answer(server, "round-timeline", round=ID + "event/cnd-ungass-r3") == rows
    assert answer(server, "round-timeline", round=ID + "event/cnd-ungass-r1") == []  # dated by month, no meetings


@pytest.mark.parametrize("chapter", ["III", "VI"])
def test_chapter_panel_seats_in_the_order_the_summary_names_them(server, chapter):
    paragraph, seats = PANELS[chapter]
    says(str(paragraph), *(words for words, _ in seats))
    rows = answer(server, "chapter-panel", chapter=chapter)
    assert [r.get("agent") or r.get("expertFrom") for r in rows] == [iri for _, iri in seats]
    assert not [r for r in rows if r.get("agent", "").startswith("state/")]  # an expert from a State, not the State
    assert {r["paragraph"] for r in rows} == {para(paragraph)}
    assert {r["chapter"] for r in rows} == {chapter}
    if chapter == "III":
        says("44", "The UNODC Organized Crime Branch opened the panel discussion",
             "Action Solidaire de la Jeunesse par le Développement Communautaire, nominated by the Vienna NGO Committee")
        assert rows[0]["roles"] == "PanelOpener" and all(r["roles"] == "Panellist" for r in rows[1:])
        assert rows[-1]["nominatedBy"] == "org/vngoc"
        assert "Turkey" in rows[4]["description"]
    else:
        assert "agent" not in rows[-1] and rows[-1]["nominatedBy"] == "org/vngoc"


def test_actors_on_several_panels_with_units_counted_for_their_organization(server):
    panels_of: dict[str, set[str]] = {}
    for chapter, (paragraph, seats) in PANELS.items():
        says(str(paragraph), *(words for words, _ in seats))
        for _, iri in seats:
            for actor in filter(None, (iri, UNIT_OF.get(iri))):
                panels_of.setdefault(actor, set()).add(chapter)
    expected = {actor: chapters for actor, chapters in panels_of.items() if len(chapters) > 1}
    says("5", "UNODC, as the leading entity", "participated in each of the panels")
    assert expected["org/unodc"] == set(ORDER_OF_DISCUSSION)
    rows = answer(server, "actors-on-several-panels")
    assert {r["actor"]: listed(r["chapters"]) for r in rows} == expected
    assert all(int(r["panels"]) == len(listed(r["chapters"])) for r in rows)
    assert [int(r["panels"]) for r in rows] == sorted((int(r["panels"]) for r in rows), reverse=True)
    assert {r["actor"]: listed(r["paragraphs"]) for r in rows}["state/nga"] == {"8", "44", "67"}


def test_actor_activity_of_estonia(server):
    assert mentions("Estonia") == {"8", "44"}
    says("44", "expert panellists from Nigeria, Malaysia, Estonia and Turkey shared insights into national efforts")
    rows = answer(server, "actor-activity", actor=ID + "state/est")
    assert [(r["how"], r["what"], r["number"]) for r in rows] == [
        ("an expert from it held a seat: Panellist", "participation/r3-ch1-panel-4", "8"),
        ("an expert from it held a seat: Panellist", "participation/r3-ch3-panel-4", "44"),
        ("an expert from it spoke on a panel", "stmt/p44-1", "44"),
    ]
    assert {r["actor"] for r in rows} == {"state/est"}


def test_no_state_made_a_statement_on_a_panel(server):
    says("44", "expert panellists from Nigeria, Malaysia, Estonia and Turkey shared insights into national efforts")
    says("67", "Expert panellists from Nigeria, Thailand and Germany shared their views")
    rows = answer(server, "actor-activity", actor=ID + "state/nga")
    assert ("an expert from it spoke on a panel", "stmt/p44-1", "44") in {(r["how"], r["what"], r["number"]) for r in rows}
    assert not [r for r in rows if r["how"] == "made a statement"]
    assert not [r for r in rows if r["how"] == "held a seat: Panellist"]


def test_actor_activity_includes_the_units_of_an_organization(server):
    rows = answer(server, "actor-activity", actor=ID + "org/unodc")
    seats = {(r["who"], r["number"]) for r in rows if r["how"].startswith("held a seat")}
    units = {(iri, str(PANELS[chapter][0])) for chapter, (_, items) in PANELS.items()
             for _, iri in items if UNIT_OF.get(iri) == "org/unodc"}
    assert units <= seats
    assert {("org/unodc", n) for n in ("8", "34", "54", "67", "76")} <= seats  # the debates' presentations
    says("5", "UNODC, as the leading entity in the United Nations system")
    assert ("named in the facilitator's account", "stmt/p5-1", "5") in {(r["how"], r["what"], r["number"]) for r in rows}
    says("67", "joined by panellists from the Sustainable Livelihood Unit of UNODC")
    assert ("spoke from its seat on a panel", "org/unodc-sustainable-livelihood-unit", "stmt/p67-2") in {
        (r["how"], r["who"], r["what"]) for r in rows}


def test_statements_about_cannabis_broadest_support_first(server):
    rows = answer(server, "statements-about", subject=ID + "substance/cannabis")
    assert [(r["statement"], r["quantifier"], r.get("quantifierText"), r["number"], r["chapter"]) for r in rows] == [
        ("stmt/p33-1", "a number of", "a number of Member States", "33", "II"),
        ("stmt/p20-2", "one", "a delegation", "20", "I"),
        ("stmt/p20-3", "one", "another delegation", "20", "I"),
        ("stmt/p33-2", "unattributed", None, "33", "II"),
    ]
    says("33", "A number of Member States shared national steps taken to legalize the use of cannabis",
         "were reported to be complemented")
    says("20", "A delegation also provided more information", "small amounts of in particular cannabis",
         "another delegation informed", "production and sale of cannabis")
    assert mentions("cannabis") == {"20", "33"}


def test_statements_about_count_no_facilitators_narrative_as_one_delegation(server):
    says("2", "the CND initiated an intensive follow-up process")
    rows = answer(server, "statements-about", subject=ID + "theme/ungass-follow-up-process")
    assert not [r for r in rows if int(r["number"]) <= 6]  # ¶1-6 are the facilitator's background, said by no one
    for subject in ("theme/new-psychoactive-substances", "substance/cannabis", "theme/ungass-follow-up-process"):
        for row in answer(server, "statements-about", subject=ID + subject):
            if row["quantifier"] == "one":
                assert row["quantifierText"] in {"one delegation", "a delegation", "another delegation"}


@pytest.mark.parametrize("text", ["naloxone", "NALOXONE", "Container Control", "harm reduction", "WhatsApp"])
def test_search_finds_the_paragraphs_whose_text_holds_the_words(server, text):
    rows = answer(server, "search-paragraphs", text=text)
    assert [r["number"] for r in rows] == sorted(mentions_ci(text), key=int)
    for row in rows:
        assert text.lower() in row["body"].lower()


def mentions_ci(text: str) -> set[str]:
    return {n for n, body in SOURCE.items() if text.lower() in " ".join(body.split()).lower()}


def test_search_for_naloxone_is_paragraph_19_of_chapter_i(server):
    rows = answer(server, "search-paragraphs", text="naloxone")
    assert [(r["paragraph"], r["number"], r["chapter"]) for r in rows] == [(para(19), "19", "I")]
    says("19", "take-home naloxone programmes")


def test_search_reaches_footnotes_with_the_chapter_of_their_paragraph(server):
    rows = answer(server, "search-paragraphs", text="2017/20")
    assert [(r["paragraph"], r["chapter"]) for r in rows] == [(para(74), "VII"),
                                                             ("doc/cnd-ungass-r3-summary/footnote/1", "VII")]
    says("74", "resolution 2017/20")
    says("fn:1", "ECOSOC resolution 2017/20")


def test_provenance_of_the_incb_is_every_paragraph_that_names_it(server):
    rows = answer(server, "provenance", resource=ID + "org/incb")
    assert {r["number"] for r in rows} == mentions("INCB", "International Narcotics Control Board")
    assert {(r["number"], r["fact"]) for r in rows} >= {("22", "participation/r3-ch2-panel-6"),
                                                         ("54", "participation/r3-ch5-panel-6")}


def test_document_links_of_the_outcome_document(server):
    rows = answer(server, "document-links", document=S30)
    out = [(r["citing"], r["cited"], r["number"]) for r in rows if r["direction"] == "out"]
    assert out == [("doc/a-res-s-30-1", "doc/2030-agenda", "68")]
    says("68", "with UNGASS linking it also to the broader framework of the 2030 Agenda for Sustainable Development")
    into = [r for r in rows if r["direction"] == "in"]
    # Paragraphs that name the outcome document, its provisions or one of its chapters.
    assert sorted({r["number"] for r in into}, key=int) == [
        "1", "2", "3", "7", "9", "13", "18", "22", "23", "29", "31", "34", "37", "44", "46", "54", "66", "67",
        "75", "76", "78", "79", "85"]
    for row in into:
        assert row["citing"] == row["paragraph"] and row["cited"].startswith("doc/a-res-s-30-1")
        says(row["number"], row["phrase"])
        assert row.get("chapter") == CHAPTER_OF.get(row["number"])


def test_every_meeting_paragraph_cites_the_chapter_it_discusses(server):
    rows = answer(server, "document-links", document=S30)
    for chapter, (paragraph, _) in PANELS.items():
        says(str(paragraph), f"Chapter {chapter}")
    cited = {(r["number"], r["cited"]) for r in rows if r["direction"] == "in"}
    for chapter, (paragraph, _) in PANELS.items():
        opening = min((n for n, c in CHAPTER_OF.items() if c == chapter), key=int)  # the paragraph dating the meeting
        assert (opening, f"doc/a-res-s-30-1/chapter/{ROMAN.index(chapter) + 1}") in cited, chapter


def test_document_links_follow_a_resolution_both_ways(server):
    rows = answer(server, "document-links", document=ID + "doc/e-res-2017-20")
    assert sorted((r["direction"], r["citing"], r["cited"], r["paragraph"]) for r in rows) == [
        ("in", "doc/cnd-ungass-r3-summary/footnote/1", "doc/e-res-2017-20", "doc/cnd-ungass-r3-summary/footnote/1"),
        ("in", para(74), "doc/e-res-2017-20", para(74)),
        ("out", "doc/e-res-2017-20", "doc/un-guiding-principles-alternative-development",
         "doc/cnd-ungass-r3-summary/footnote/1"),
    ]
    says("fn:1", "calling upon Member States to apply the United Nations Guiding Principles on Alternative Development")


def test_resolution_citations_in_document_order(server):
    rows = answer(server, "resolution-citations")
    by_resolution: dict[str, list[str]] = {}
    for row in rows:
        by_resolution.setdefault(row["number"], []).append(row["citedInNumber"])
    assert by_resolution == {
        "2017/20": ["74", "1"],  # ¶74, then footnote 1
        "60/1": ["intro", "3"],
        "60/4": ["58"],
        "60/6": ["79"],
        "S-30/1": ["1", "2", "3", "7", "9", "13", "18", "22", "23", "29", "31", "34", "37", "44", "46", "54", "66", "67",
                   "75", "76", "78", "79", "85", "85"],
    }
    says("74", "resolution 2017/20")
    says("fn:1", "resolution 2017/20")
    says("intro", "CND resolution 60/1")
    says("3", "CND resolution 60/1")
    says("58", "resolution 60/4")
    says("79", "CND resolution 60/6")
    for row in rows:
        where = "intro" if row["citedInNumber"] == "intro" else (
            "fn:1" if row["citedIn"].endswith("footnote/1") else row["citedInNumber"])
        says(where, row["phrase"])


def test_countries_are_the_states_the_summary_names_with_their_codes(server):
    rows = answer(server, "countries")
    named = {iri for _, seats in PANELS.values() for _, iri in seats if iri and iri.startswith("state/")}
    says("67", "UNDP country office in Afghanistan", "Myanmar Opium Farmers Forum")
    says("34", "Nepal Concerned Center")
    assert {r["state"] for r in rows} == named | {"state/afg", "state/mmr", "state/npl"}
    codes = {r["alpha3"]: (r["alpha2"], r["m49"]) for r in rows}
    # ISO 3166-1 (alpha-2, numeric = M49 for States)
    assert codes["NGA"] == ("NG", "566") and codes["TUR"] == ("TR", "792") and codes["AFG"] == ("AF", "004")
    assert codes["NLD"] == ("NL", "528") and codes["DEU"] == ("DE", "276") and codes["PAN"] == ("PA", "591")
    assert [r["alpha3"] for r in rows] == sorted(r["alpha3"] for r in rows)
    for row in rows:
        assert row["state"] == "state/" + row["alpha3"].lower()
        if row["alpha3"] != "TUR":  # the source says Turkey, ISO 3166 Türkiye
            assert mentions(row["en"]), row["en"]
        assert row["fr"] and row["es"] and row["ru"] and row["zh"]


def test_civil_society_seats_in_the_order_of_discussion(server):
    rows = answer(server, "civil-society")
    assert [(r["chapter"], r.get("organization"), r["paragraph"]) for r in rows] == [
        (chapter, PANELS[chapter][1][-1][1], para(PANELS[chapter][0])) for chapter in ORDER_OF_DISCUSSION]
    says("22", "European Association for Palliative Care, representing civil society")
    says("34", "Nepal Concerned Center, representing civil society")
    says("8", "Free Clinic Belgium, nominated by the Vienna NGO Committee on Drugs")
    says("44", "nominated by the Vienna NGO Committee on Drugs")
    says("54", "selected as panellist by the Vienna NGO Committee on Drugs")
    says("76", "nominated by the Vienna NGO Committee")
    says("67", "speaking on behalf of the Myanmar Opium Farmers Forum")
    assert {r["chapter"]: r.get("representing") for r in rows if r.get("representing")} == {
        "II": "org/civil-society", "IV": "org/civil-society"}
    assert {r["chapter"] for r in rows if r.get("nominatedBy") == "org/vngoc"} == {"I", "III", "V", "VI"}
    assert {r["chapter"]: r["onBehalfOf"] for r in rows if r.get("onBehalfOf")} == {
        "VII": "org/myanmar-opium-farmers-forum"}


def test_un_entities_with_their_units_and_where_each_took_part(server):
    for paragraph, words in [("8", "Additional UNODC expert presentations"), ("34", "Additional UNODC expert presentations"),
                             ("54", "UNODC expert presentations"), ("67", "were made by UNODC experts"),
                             ("76", "Presentation by UNODC experts"), ("76", "the Secretary to the Commission made a presentation")]:
        says(paragraph, words)
    rows = answer(server, "un-entities")
    got = {(r["entity"], r.get("unit")): (listed(r.get("chapters")), listed(r.get("paragraphs"))) for r in rows}
    assert got == {
        ("org/incb", None): ({"II", "V"}, {"22", "54"}),
        ("org/unaids", None): ({"I"}, {"8"}),
        ("org/ohchr", None): ({"IV"}, {"34"}),
        ("org/cnd-secretariat", None): ({"VI"}, {"76"}),
        ("org/un-women", None): ({"IV"}, {"34"}),
        ("org/unodc", None): ({"I", "IV", "V", "VII", "VI"}, {"8", "34", "54", "67", "76"}),
        ("org/unodc", "org/unodc-sustainable-livelihood-unit"): ({"VII"}, {"67"}),
        ("org/unodc", "org/unodc-division-for-operations"): ({"VI"}, {"76"}),
        ("org/unodc", "org/unodc-drug-prevention-and-health-branch"): ({"I", "II"}, {"8", "22"}),
        ("org/unodc", "org/unodc-justice-section"): ({"IV"}, {"34"}),
        ("org/unodc", "org/unodc-organized-crime-branch"): ({"III"}, {"44"}),
        ("org/unodc", "org/unodc-research-and-trend-analysis-branch"): ({"V"}, {"54"}),
        ("org/undp", None): (set(), set()),
        ("org/undp", "org/undp-afghanistan"): ({"VII"}, {"67"}),
        ("org/who", None): ({"II", "V"}, {"22", "54"}),
        ("org/who", "org/who-ecdd"): (set(), set()),  # named in ¶80, held no seat
        ("org/united-nations", None): (set(), set()),  # "in close partnership with the United Nations" (¶1)
    }
    says("1", "in close partnership with the United Nations")
    says("80", "the WHO's Expert Committee on Drugs (ECDD)")


def test_programmes_and_where_they_are_mentioned(server):
    UNODC = "United Nations Office on Drugs and Crime"  # the label is the full name (¶17), "UNODC" its altLabel
    says("17", "the United Nations Office on Drugs and Crime")
    named = {
        "aircop": ({"49": "Airport Communication Programme (AIRCOP)"}, {UNODC}),
        "crimjust": ({"49": "CRIMJUST"}, {UNODC}),
        "container-control-programme": ({"49": "Container Control Programme (CCP)",
                                         "84": "UNODC WCO Container Control Programme"}, {UNODC, "WCO"}),
        "unodc-early-warning-advisory": ({"58": "UNODC early warning advisory system",
                                          "60": "Early Warning Advisory on new psychoactive substances"}, {UNODC}),
        "global-smart-programme": ({"60": "Global Synthetics Monitoring: Analyses, Reporting and Trends (SMART) programme",
                                    "83": "Global Synthetics: Monitoring, Analyses, Reporting, and Trends program"},
                                   {UNODC}),
        "incb-tools": ({"60": "INCB tools", "83": "INCB tools"}, {"International Narcotics Control Board"}),
        "networking-the-networks": ({"82": "Networking the Networks"}, set()),
        "ungass-implementation-workshops": ({"76": "UNGASS implementation workshops"}, set()),
        "unodc-who-uicc-joint-global-programme": ({"24": "UNODC-WHO-UICC Joint Global Programme"},
                                                  {UNODC, "World Health Organization", "UICC"}),
        "urban-alternative-development-expert-group-consultations": (
            {"75": "joint UNODC and Member States' initiative to convene a series of expert group consultations"},
            {UNODC}),
        "good-practice-portal": ({"76": "good practice portal"}, set()),
        "unodc-early-warning-advisory-toxicology-module": ({"60": "toxicology module for the UNODC early warning advisory"},
                                                           set()),
    }
    for paragraphs, _ in named.values():
        for paragraph, words in paragraphs.items():
            says(paragraph, words)
    rows = answer(server, "programmes")
    got = {r["programme"][len("programme/"):]: (listed(r["paragraphs"]), listed(r.get("runBy"))) for r in rows}
    assert got == {name: (set(paragraphs), runners) for name, (paragraphs, runners) in named.items()}
    for row in rows:
        assert listed(row["chapters"]) == {CHAPTER_OF[p] for p in listed(row["paragraphs"])}


def test_cross_chapter_subjects_programmes_and_substances(server):
    rows = answer(server, "cross-chapter-subjects")
    got = {r["subject"]: listed(r["chapters"]) for r in rows}
    assert {s: c for s, c in got.items() if s.startswith("programme/")} == {
        "programme/container-control-programme": {"III", "VI"},  # ¶49, ¶84
        "programme/global-smart-programme": {"V", "VI"},  # ¶60, ¶83
        "programme/incb-tools": {"V", "VI"},  # ¶60, ¶83
    }
    says("19", "substances containing fentanyl and its derivatives")
    says("50", "illicitly-produced opioids such as fentanyl", "increased abuse of opioids")
    says("32", "the current opioid crisis")
    says("48", "methamphetamines")
    says("55", "methamphetamine")
    says("15", "synthetic opioids")
    says("62", "new potent synthetic opioids, mostly fentanyl analogues")
    assert {s: c for s, c in got.items() if s.startswith("substance/")} == {
        "substance/cannabis": {"I", "II"},  # ¶20, ¶33
        "substance/fentanyl": {"I", "III"},  # ¶19, ¶50
        "substance/fentanyl-analogues": {"I", "V"},  # ¶19 (its derivatives), ¶62
        "substance/methamphetamine": {"III", "V"},  # ¶48, ¶55
        "substance/opioids": {"II", "III"},  # ¶32, ¶50
        "substance/synthetic-opioids": {"I", "V"},  # ¶15, ¶62
    }
    assert all(int(r["chapterCount"]) == len(listed(r["chapters"])) > 1 for r in rows)
    assert [int(r["chapterCount"]) for r in rows] == sorted((int(r["chapterCount"]) for r in rows), reverse=True)


def test_measures_of_chapter_vi(server):
    measures = {  # measure: {paragraph: the source's words}
        "capacity-building": {"81": "capacity building"},
        "technical-assistance": {"79": "technical assistance", "81": "technical assistance"},
        "exchange-of-good-practices": {"80": "best practices", "81": "exchange of good practices"},
        "intelligence-sharing": {"82": "exchange of intelligence", "83": "intelligence information sharing"},
        "joint-operations": {"81": "joint operations", "82": "joint operations"},
        "information-sharing-networks": {"82": "the use of networks", "83": "online platforms"},
        "supply-reduction-measures": {"81": "supply reduction", "85": "supply reduction efforts"},
        "training": {"81": "training"},
        "data-sharing": {"80": "data sharing"},
        "demand-reduction-measures": {"81": "both in demand and supply reduction"},
        "drug-observatories": {"81": "national observatories on drugs"},
        "financial-assistance": {"81": "financial assistance"},
        "information-sharing": {"80": "knowledge sharing"},
        "interdiction": {"84": "interdiction capacity"},
        "provision-of-equipment-and-technology": {"81": "equipment and technological know-how"},
        "security-system-reform": {"81": "security system reform"},
        "drug-seizures": {"84": "increased drug seizures"},
    }
    for paragraphs in measures.values():
        for paragraph, words in paragraphs.items():
            says(paragraph, words)
    rows = answer(server, "measures-by-chapter", chapter="VI")
    assert {r["measure"][len("measure/"):]: listed(r["paragraphs"]) for r in rows} == {
        m: set(p) for m, p in measures.items()}
    assert {r["chapter"] for r in rows} == {"VI"}
    assert all(int(r["statements"]) >= len(listed(r["paragraphs"])) for r in rows)
    every = answer(server, "measures-by-chapter")
    assert list(dict.fromkeys(r["chapter"] for r in every)) == ORDER_OF_DISCUSSION
    # The same rows in the same order; GROUP_CONCAT's order within a row is not defined by SPARQL.
    unordered = lambda rs: [{**r, "paragraphs": listed(r["paragraphs"])} for r in rs]  # noqa: E731
    assert unordered(r for r in every if r["chapter"] == "VI") == unordered(rows)


# HTTP: listing, text, formats, errors.

def test_the_listing_gives_the_workbench_each_query_with_its_text_and_examples(server, local_store):
    response = requests.get(server.url + "queries", timeout=30)
    assert response.headers["Content-Type"] == "application/json"
    listing = response.json()["queries"]
    library = query_library.load()
    assert [q["name"] for q in listing] == [q.name for q in library]
    for item in listing:
        query = library.get(item["name"])
        assert item["query"] == query.body and not item["query"].startswith("#+")
        assert {p["name"]: p["example"] for p in item["params"]} == query.example_values()
        # The example query runs as it is on /sparql, and answers what /queries/NAME answers.
        on_sparql = requests.post(server.sparql, data={"query": item["example_query"]}, timeout=60,
                                  headers={"Accept": "text/tab-separated-values"})
        named = requests.get(server.url + item["example_url"], timeout=60,
                             headers={"Accept": "text/tab-separated-values"})
        parse_ = lambda body: normalized(ox.parse_query_results(body, format=ox.QueryResultsFormat.TSV))  # noqa: E731
        assert parse_(on_sparql.content) == parse_(named.content), item["name"]


def test_the_listing_is_a_page_for_a_browser(server):
    response = requests.get(server.url + "queries", timeout=30,
                            headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert all(f'id="{q.name}"' in response.text for q in query_library.load())
    assert requests.get(server.url + "queries", params={"format": "json"}, timeout=30,
                        headers={"Accept": "text/html"}).headers["Content-Type"] == "application/json"
    refused = requests.get(server.url + "queries", headers={"Accept": "image/png"}, timeout=30)
    assert refused.status_code == 406 and "application/json" in refused.text


@pytest.mark.parametrize("how", [".rq", "?format=sparql"])
def test_the_query_text_is_the_file(server, how):
    query = query_library.load().get("document-links")
    response = requests.get(f"{server.url}queries/document-links{how}", timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/sparql-query; charset=utf-8"
    assert response.text == query.path.read_text(encoding="utf-8")


@pytest.mark.parametrize("accept, fmt, media_type", [
    (None, None, "application/sparql-results+json"),
    ("application/sparql-results+xml", None, "application/sparql-results+xml"),
    ("text/csv", None, "text/csv"),
    (None, "tsv", "text/tab-separated-values"),
    ("text/csv, */*;q=0.1", "xml", "application/sparql-results+xml"),  # format= decides where Accept allows it
    ("text/csv", "xml", "text/csv"),  # and Accept where they disagree (server.conneg)
])
def test_a_named_query_answers_in_the_negotiated_format(server, accept, fmt, media_type):
    params = {"chapter": "III", **({"format": fmt} if fmt else {})}
    response = run(server, "chapter-panel", accept=accept, **params)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == media_type
    assert "Accept" in response.headers["Vary"]
    if media_type == "text/csv":
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert [r["agent"] or r["expertFrom"] for r in rows] == [ID + iri for _, iri in PANELS["III"][1]]


@pytest.mark.parametrize("path, status, words", [
    ("queries/no-such-query", 404, "no query named 'no-such-query'"),
    ("queries/no-such-query.rq", 404, "no query named 'no-such-query'"),
    ("queries/chapter-panel", 400, "missing required parameter 'chapter'"),
    ("queries/chapter-panel?chapter=I&chapter=II", 400, "parameter 'chapter' is given more than once"),
    ("queries/chapter-panel?chapter=I&panel=1", 400, "unknown parameter 'panel'"),
    ("queries/actor-activity?actor=unodc", 400, "parameter 'actor' must be an absolute IRI"),
    ("queries/chapter-panel?chapter=I&format=png", 406, "offered"),
    ("queries?query=1", 400, "format="),
])
def test_errors_name_what_is_wrong(server, path, status, words):
    response = requests.get(server.url + path, timeout=30)
    assert response.status_code == status and response.headers["Content-Type"].startswith("text/plain")
    assert words in response.text


# Injection: a value is a term, never query text.

INJECTIONS = ['x" } ; DROP ALL ; SELECT * { ?s ?p ?o } #', "x' } } UNION { ?s ?p ?o } #", "\\\" } ; DROP ALL",
              "}}}{{{ \u0000 \n ;"]


class Recording:
    """A backend that records the jobs it runs (and runs them on the real backend)."""

    def __init__(self, inner):
        self.inner, self.jobs = inner, []

    def query(self, job, limits):
        self.jobs.append(job)
        return self.inner.query(job, limits)

    def __getattr__(self, name):
        return getattr(self.inner, name)


@pytest.fixture(scope="module")
def recorded(server):
    from server_fixtures import serve

    from server.app import create_app
    backend = Recording(server.app.extensions["backend"])
    recording = serve(create_app(server.app.config["SERVER"], backend))
    yield recording, backend
    recording.http.stop()  # the backend is the default server's: it stops with it


@pytest.mark.parametrize("value", INJECTIONS)
def test_an_injection_in_a_string_matches_literally_and_leaves_the_query_unchanged(recorded, remote_server, value):
    server, backend = recorded
    query = query_library.load().get("search-paragraphs")
    before = triples(server)
    for target in (server, remote_server):
        response = run(target, "search-paragraphs", text=value)
        assert response.status_code == 200, response.text
        assert response.json()["results"]["bindings"] == []
    job = backend.jobs[-1]
    assert job.text == query.path.read_text(encoding="utf-8")
    assert job.substitutions == (("text", ox.Literal(value)),)
    # The remote backend's text: the file, plus one VALUES block that reads back as the one literal.
    sent = values.bind(job.text, job.substitutions)
    at = values.outer_group(job.text)
    block = values.block(job.substitutions)
    assert sent == job.text[:at] + " " + block + " " + job.text[at:]
    assert [row["text"] for row in ox.Store().query(f"SELECT * {{ {block} }}")] == [ox.Literal(value)]
    assert triples(server) == before


def triples(server) -> str:
    response = requests.get(server.sparql, params={"query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"},
                            headers={"Accept": "text/csv"}, timeout=30)
    return response.text


@pytest.mark.parametrize("value", [ID + "org/unodc> } ; DROP ALL #", ID + 'org/x"}', "<" + ID + "org/unodc>",
                                   ID + "org/{unodc}"])
def test_an_injection_in_an_iri_is_a_bad_parameter(recorded, value):
    server, backend = recorded
    count = len(backend.jobs)
    response = run(server, "actor-activity", actor=value)
    assert response.status_code == 400 and "parameter 'actor' must be an absolute IRI" in response.text
    assert len(backend.jobs) == count  # nothing ran


# The command line, as a subprocess.

def cli(*args: str, build) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "server", "queries", *args, *(("--build-dir", str(build)) if build else ())],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_the_command_line_lists_the_queries_aligned():
    listing = cli("list", build=None)
    assert listing.returncode == 0, listing.stderr
    lines = listing.stdout.splitlines()
    library = query_library.load()
    assert [line.split()[0] for line in lines] == [q.name for q in library]
    starts = {line.index(q.summary) for line, q in zip(lines, library)}
    assert len(starts) == 1  # the summaries form one column


def test_the_command_line_runs_the_timeline_as_a_table_csv_and_json(server_build):
    table = cli("run", "round-timeline", build=server_build)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["round", "order", "date", "meeting", "chapter", "number", "title"]
    assert set(lines[1]) <= {"-", " "}
    assert [line.split()[5] for line in lines[2:]] == ORDER_OF_DISCUSSION
    number_column = lines[0].index("number")
    assert all(line[number_column - 2:number_column] == "  " for line in lines[2:])  # aligned
    as_csv = cli("run", "round-timeline", "--format", "csv", build=server_build)
    assert [r["number"] for r in csv.DictReader(io.StringIO(as_csv.stdout))] == ORDER_OF_DISCUSSION
    as_json = cli("run", "chapter-panel", "-p", "chapter=III", "--format", "json", build=server_build)
    bindings = json.loads(as_json.stdout)["results"]["bindings"]
    assert [(b.get("agent") or b["expertFrom"])["value"] for b in bindings] == [ID + iri for _, iri in PANELS["III"][1]]


def test_the_command_line_binds_an_injection_literally(server_build):
    found = cli("run", "search-paragraphs", "-p", f"text={INJECTIONS[0]}", "--format", "csv", build=server_build)
    assert found.returncode == 0, found.stderr
    assert found.stdout.splitlines() == ["text,paragraph,number,chapter,body"]
    naloxone = cli("run", "search-paragraphs", "-p", "text=naloxone", build=server_build)
    assert re.search(r"^naloxone\s+\S+\s+19\s+I\s+In terms of opioid overdose management", naloxone.stdout, re.M), naloxone.stdout


@pytest.mark.parametrize("args, words", [
    (("run", "actor-activity", "-p", f"actor={ID}org/unodc> }} ; DROP ALL"), "parameter 'actor' must be an absolute IRI"),
    (("run", "actor-activity"), "missing required parameter 'actor'"),
    (("run", "chapter-panel", "-p", "chapter"), "write it as NAME=VALUE"),
    (("run", "no-such-query"), "no query named 'no-such-query'"),
])
def test_the_command_line_refuses_bad_input_in_one_line(server_build, args, words):
    refused = cli(*args, build=server_build)
    assert refused.returncode == 2 and refused.stdout == ""
    assert words in refused.stderr and len(refused.stderr.splitlines()) == 1


def test_the_command_line_runs_a_query_on_a_remote_endpoint(server):
    remote = subprocess.run([sys.executable, "-m", "server", "queries", "run", "chapter-panel", "-p", "chapter=VI",
                             "--format", "csv", "--endpoint", server.sparql], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert remote.returncode == 0, remote.stderr
    assert [r["agent"] or r["expertFrom"] for r in csv.DictReader(io.StringIO(remote.stdout))] == \
        [ID + iri if iri else "" for _, iri in PANELS["VI"][1]]
