"""Reported statements keep the source's quantifiers: a sample, with the words of the source."""
from __future__ import annotations

import pytest

UKG = "https://w3id.org/ungass-kg/ont#"


# (paragraph, the source's words, place on the scale)
@pytest.mark.parametrize("paragraph, words, quantifier", [
    ("9", "many delegations and expert panellists", "Many"),
    ("9", "several delegations", "Several"),
    ("15", "many member states", "Many"),
    ("15", "some delegations", "Some"),
    ("19", "one delegation", "One"),
    ("24", "many delegations", "Many"),
    ("33", "a number of member states", "ANumberOf"),
    ("57", "a number of delegations", "ANumberOf"),
    ("71", "several delegations", "Several"),
    ("83", "some delegations", "Some"),
])
def test_a_statement_keeps_the_words_and_the_rank_of_its_quantifier(kg, paragraph, words, quantifier):
    rows = kg.select(f"""SELECT DISTINCT ?q WHERE {{ ?s a ukg:ReportedStatement ; ukg:statedIn para:{paragraph} ;
        ukg:quantifierText ?text ; ukg:quantifier ?q . FILTER(LCASE(STR(?text)) = "{words}") }}""")
    assert {r["q"] for r in rows} == {UKG + quantifier}


def test_different_views_on_the_death_penalty_are_recorded_as_disagreement(kg):
    assert kg.ask("""ASK { ?s ukg:speechAct ukg:ExpressedDifferentViews ; ukg:statedIn para:42 }""")


def test_statements_of_a_chapter_come_from_that_chapters_debate_or_panel(kg):
    wrong = kg.values("""SELECT ?s WHERE { ?s a ukg:ReportedStatement ; ukg:statedIn ?p ; prov:wasGeneratedBy ?e .
        ?p eli:is_part_of/schema:about ?c . FILTER NOT EXISTS { ?e schema:about ?c } }""")
    assert wrong == []


def test_the_container_control_programme_is_run_by_unodc_and_the_wco(kg):
    runners = set(kg.values("SELECT ?o WHERE { programme:container-control-programme ukg:runBy ?o }"))
    assert runners == {"https://w3id.org/ungass-kg/id/org/unodc", "https://w3id.org/ungass-kg/id/org/wco"}


def test_the_container_control_programme_is_named_in_chapters_iii_and_vi(kg):
    chapters = set(kg.values("""SELECT DISTINCT ?n WHERE { ?s dcterms:subject programme:container-control-programme ;
        ukg:statedIn/eli:is_part_of/schema:about/eli:number ?n }"""))
    assert {"III", "VI"} <= chapters
